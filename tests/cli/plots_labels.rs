//! Plot labels against the data they label, read from the SVG file itself: each `<text>`
//! element's position is matched to the `<rect>` (bar, box) or mark beside it, and the value
//! that element draws is checked against the CSV or JSON results.

use crate::common::*;
use forceplan::plot::data::Table;
use std::path::Path;

/// A `<text>` element of an SVG: position, anchor and content (entities decoded).
#[derive(Debug, Clone)]
pub struct SvgText {
    /// x \[px\].
    pub x: f64,
    /// y \[px\].
    pub y: f64,
    /// `start`, `middle` or `end`.
    pub anchor: String,
    /// Text content, trimmed.
    pub text: String,
}

/// A `<rect>` element of an SVG.
#[derive(Debug, Clone)]
pub struct SvgRect {
    /// Left \[px\].
    pub x: f64,
    /// Top \[px\].
    pub y: f64,
    /// Width \[px\].
    pub w: f64,
    /// Height \[px\].
    pub h: f64,
    /// Fill colour as written (`#RRGGBB` or `none`).
    pub fill: String,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let k = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(tag[k..k + tag[k..].find('"')?].to_string())
}

fn num_attr(tag: &str, name: &str) -> f64 {
    attr(tag, name)
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// Every `<text>` element of `svg`, in document order.
pub fn svg_texts(svg: &str) -> Vec<SvgText> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<text ") {
        rest = &rest[i..];
        let end_tag = rest.find('>').expect("text tag closes");
        let tag = &rest[..end_tag];
        let close = rest.find("</text>").expect("</text>");
        out.push(SvgText {
            x: num_attr(tag, "x"),
            y: num_attr(tag, "y"),
            anchor: attr(tag, "text-anchor").unwrap_or_default(),
            text: unescape(rest[end_tag + 1..close].trim()),
        });
        rest = &rest[close..];
    }
    out
}

/// Every `<rect>` element of `svg`, in document order.
pub fn svg_rects(svg: &str) -> Vec<SvgRect> {
    let mut out = Vec::new();
    let mut rest = svg;
    while let Some(i) = rest.find("<rect ") {
        rest = &rest[i..];
        let end = rest.find('>').expect("rect tag closes");
        let tag = &rest[..end];
        out.push(SvgRect {
            x: num_attr(tag, "x"),
            y: num_attr(tag, "y"),
            w: num_attr(tag, "width"),
            h: num_attr(tag, "height"),
            fill: attr(tag, "fill").unwrap_or_default(),
        });
        rest = &rest[end..];
    }
    out
}

/// The bars of one panel (rects of `fill` starting at the panel's axis), each with the
/// axis label drawn at its height: `(label, bar)` from top to bottom.
pub fn labelled_bars(svg: &str, fill: &str) -> Vec<(String, SvgRect)> {
    let rects: Vec<SvgRect> = svg_rects(svg)
        .into_iter()
        .filter(|r| r.fill == fill)
        .collect();
    let axis = rects.iter().map(|r| r.x).fold(f64::INFINITY, f64::min);
    let bars: Vec<SvgRect> = rects.into_iter().filter(|r| r.x == axis).collect();
    let mut out: Vec<(String, SvgRect)> = svg_texts(svg)
        .into_iter()
        .filter(|t| t.anchor == "end" && t.x < axis && t.x > axis - 20.0 && !t.text.is_empty())
        .map(|t| {
            let on: Vec<&SvgRect> = bars
                .iter()
                .filter(|b| b.y <= t.y && t.y <= b.y + b.h)
                .collect();
            assert_eq!(
                on.len(),
                1,
                "label {:?} at y={} sits on exactly one bar of {fill}: {on:?}",
                t.text,
                t.y
            );
            (t.text, on[0].clone())
        })
        .collect();
    out.sort_by(|a, b| a.1.y.total_cmp(&b.1.y));
    out
}

/// Checks that every bar's width is its labelled value on one linear scale (zero at the
/// axis), within `tol` pixels; `value` maps a label to the value the results hold.
fn check_widths(panel: &str, bars: &[(String, SvgRect)], value: impl Fn(&str) -> f64, tol: f64) {
    let vals: Vec<f64> = bars.iter().map(|(l, _)| value(l)).collect();
    let (imax, vmax) =
        vals.iter()
            .copied()
            .enumerate()
            .fold(
                (0, f64::NEG_INFINITY),
                |a, (i, v)| if v > a.1 { (i, v) } else { a },
            );
    assert!(vmax > 0.0, "{panel}: some bar is not empty");
    let scale = bars[imax].1.w / vmax;
    for ((label, r), v) in bars.iter().zip(&vals) {
        assert!(
            (r.w - v * scale).abs() <= tol,
            "{panel}: the bar labelled {label:?} is {} px wide, its value {v} gives {} px",
            r.w,
            v * scale
        );
    }
}

#[test]
fn load_by_nation_labels_sit_on_their_own_bars() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(
        "scenarios/tutorial.ron",
        &out,
        &["--replications", "4", "--threads", "2"],
    );
    let svg = std::fs::read_to_string(out.join("plots/load_by_nation.svg")).unwrap();
    let bn = Table::read(&out.join("by_nation.csv")).unwrap();
    let (code, units) = (bn.col("code").unwrap(), bn.col("units").unwrap());
    let lookup = |col: &str, c: &str| -> f64 {
        let k = bn.col(col).unwrap();
        let row = bn.rows.iter().find(|r| r[code] == c).unwrap();
        row[k].parse().unwrap_or(0.0)
    };
    let contributing: Vec<&str> = bn
        .rows
        .iter()
        .filter(|r| r[units] != "0")
        .map(|r| r[code].as_str())
        .collect();
    // Left panel: "CODE name" labels on the tasks bars (#0072B2).
    let tasks = labelled_bars(&svg, "#0072B2");
    // Right panel: "CODE" labels on the utilisation bars (#D55E00).
    let util = labelled_bars(&svg, "#D55E00");
    for (panel, bars) in [("tasks", &tasks), ("utilisation", &util)] {
        let mut codes: Vec<&str> = bars
            .iter()
            .map(|(l, _)| l.split(' ').next().unwrap())
            .collect();
        codes.sort();
        let mut want = contributing.clone();
        want.sort();
        assert_eq!(codes, want, "{panel}: one label per contributing nation");
    }
    check_widths(
        "tasks",
        &tasks,
        |l| lookup("tasks_mean", l.split(' ').next().unwrap()),
        1.5,
    );
    check_widths("utilisation", &util, |l| lookup("utilisation_mean", l), 1.5);
    // Both panels list the nations in the same order, busiest first.
    let order = |b: &[(String, SvgRect)]| -> Vec<String> {
        b.iter()
            .map(|(l, _)| l.split(' ').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(order(&tasks), order(&util));
    let t: Vec<f64> = order(&tasks)
        .iter()
        .map(|c| lookup("tasks_mean", c))
        .collect();
    assert!(t.windows(2).all(|w| w[0] >= w[1]), "busiest on top: {t:?}");
}

/// Reads an SVG plot of a results directory.
pub fn read_svg(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(format!("plots/{name}.svg")))
        .unwrap_or_else(|e| panic!("{name}.svg: {e}"))
}
