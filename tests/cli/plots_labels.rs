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

/// Great-circle distance \[km\] (haversine, as the scenario's geometry computes it).
fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (p1, p2) = (a.1.to_radians(), b.1.to_radians());
    let h = ((p2 - p1) / 2.0).sin().powi(2)
        + p1.cos() * p2.cos() * ((b.0 - a.0).to_radians() / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().min(1.0).asin()
}

#[test]
fn theatre_map_labels_sectors_and_bases_with_their_results_and_marks_what_no_sensor_sees() {
    use forceplan::plot::{self, Results};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(
        "scenarios/tutorial.ron",
        &out,
        &["--replications", "4", "--trace", "--threads", "2"],
    );
    let svg = read_svg(&out, "theatre_map");
    let texts: Vec<String> = svg_texts(&svg).into_iter().map(|t| t.text).collect();
    let summary = json(&out.join("summary.json"));
    let theatre = json(&out.join("theatre.json"));
    // Every sector is labelled once, with its own p90 from summary.json and, where drones
    // orbit, its own ISR coverage.
    for s in summary["by_sector"].as_array().unwrap() {
        let id = s["id"].as_str().unwrap();
        let label: Vec<&String> = texts
            .iter()
            .filter(|t| t.split(" · ").next() == Some(id))
            .collect();
        assert_eq!(label.len(), 1, "{id} labelled once: {texts:?}");
        // null: the percentile is not reached (Kaplan-Meier over every violation needing a
        // response), and the label says so.
        let want = match s["response_time_p90_h"]["mean"].as_f64() {
            Some(p90) => format!("p90 {}", plot::fmt_hours(p90)),
            None => "p90 not reached".to_string(),
        };
        assert!(
            label[0].contains(&want),
            "{id}: {:?} lacks {want:?}",
            label[0]
        );
        let cov = s["isr_coverage_share"]["mean"].as_f64().unwrap();
        let want = format!("ISR {:.0} %", cov * 100.0);
        assert!(
            label[0].contains(&want),
            "{id}: {:?} lacks {want:?}",
            label[0]
        );
    }
    // Every base with units is labelled with its place name.
    for b in theatre["bases"].as_array().unwrap() {
        let units: u64 = ["air", "sea", "land"]
            .iter()
            .map(|d| b["units"][d].as_u64().unwrap())
            .sum();
        let name = plot::map::short_name(b["name"].as_str().unwrap());
        assert_eq!(
            texts.contains(&name),
            units > 0,
            "base {name} with {units} units"
        );
    }
    // The open-ended colour scale.
    assert!(texts.iter().any(|t| t == "5 h or more"), "{texts:?}");
    // The report shows the map in its own ISR coverage section.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let sec = html
        .find("<h2>ISR coverage and the theatre</h2>")
        .expect("section");
    let fig = html
        .find("<figure id=\"theatre_map\">")
        .expect("map figure");
    assert!(sec < fig, "the map sits in the ISR coverage section");
    // Both sectors have a drone: nothing is blind and the legend says nothing of it.
    let res = Results::load(&out).unwrap();
    let map = plot::map::MapPlot::of(&res).unwrap().unwrap();
    assert!(map.blind_spots().is_empty());
    assert!(!texts.iter().any(|t| t.contains("satellite passes only")));

    // Without the drones, the points of each sector out of every sensor's range are marked.
    let mut t = theatre.clone();
    t["drone_fleets"] = serde_json::json!([]);
    std::fs::write(out.join("theatre.json"), serde_json::to_string(&t).unwrap()).unwrap();
    let o = forceplan(&["plot", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let texts: Vec<String> = svg_texts(&read_svg(&out, "theatre_map"))
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("satellite passes only")),
        "{texts:?}"
    );
    let res = Results::load(&out).unwrap();
    let map = plot::map::MapPlot::of(&res).unwrap().unwrap();
    let blind = map.blind_spots();
    assert!(!blind.is_empty());
    let sensors = t["sensors"].as_array().unwrap();
    let seen_by = |p: (f64, f64), domain: &str| {
        sensors.iter().any(|s| {
            s["domains"].as_array().unwrap().iter().any(|d| d == domain)
                && km(p, (s["lon"].as_f64().unwrap(), s["lat"].as_f64().unwrap()))
                    <= s["range_km"].as_f64().unwrap()
        })
    };
    // The land sector's line: a blind point is off every land sensor's range; the line's
    // vertices out of range are blind.
    for sec in t["sectors"].as_array().unwrap() {
        let domain = sec["domain"].as_str().unwrap();
        if sec["kind"] != "line" {
            continue;
        }
        for v in sec["points"].as_array().unwrap() {
            let p = (v[0].as_f64().unwrap(), v[1].as_f64().unwrap());
            let marked = blind
                .iter()
                .any(|b| (b.0 - p.0).abs() < 1e-9 && (b.1 - p.1).abs() < 1e-9);
            assert_eq!(marked, !seen_by(p, domain), "vertex {p:?} of {domain}");
        }
    }
    for p in blind {
        assert!(
            !seen_by(*p, "land") || !seen_by(*p, "sea"),
            "{p:?} is in some sensor's range"
        );
    }
}

#[test]
fn cdf_per_type_states_each_types_share_within_its_own_target() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(
        "scenarios/tutorial.ron",
        &out,
        &["--replications", "4", "--trace", "--threads", "2"],
    );
    assert!(
        out.join("response_times_by_type.csv").exists()
            && out.join("plots/response_time_cdf_by_type.svg").exists(),
        "a run writes the per-type histogram and draws its plot"
    );
    // Rewrite response_times_by_type.csv from the trace: 5-minute bins to 72 h, then a final
    // row (empty bin_end_h) for never answered and still open violations.
    let trace = Table::read(&out.join("violations.csv")).unwrap();
    let c = |n: &str| trace.col(n).unwrap();
    let (ty, dom, nr, tgt, rt) = (
        c("type"),
        c("domain"),
        c("needs_response"),
        c("target_h"),
        c("response_time_h"),
    );
    let mut types: Vec<(String, String, f64, Vec<f64>, u64)> = Vec::new();
    for r in trace.rows.iter().filter(|r| r[nr] == "true") {
        let k = match types.iter().position(|t| t.0 == r[ty]) {
            Some(k) => k,
            None => {
                types.push((
                    r[ty].clone(),
                    r[dom].clone(),
                    r[tgt].parse().unwrap(),
                    Vec::new(),
                    0,
                ));
                types.len() - 1
            }
        };
        match r[rt].parse::<f64>() {
            Ok(h) => types[k].3.push(h),
            Err(_) => types[k].4 += 1,
        }
    }
    assert!(types.len() >= 2, "the tutorial has several types to answer");
    let bin = forceplan::metrics::HIST_BIN_H;
    let nbins = (72.0 / bin).round() as usize;
    let mut csv = String::from("type,domain,target_h,bin_start_h,bin_end_h,count\n");
    for (id, d, target, times, open) in &types {
        let mut counts = vec![0u64; nbins];
        let mut over = 0;
        for h in times {
            let b = (h / bin).floor() as usize;
            if b < nbins {
                counts[b] += 1;
            } else {
                over += 1;
            }
        }
        for (b, n) in counts.iter().enumerate() {
            csv.push_str(&format!(
                "{id},{d},{target},{:.6},{:.6},{n}\n",
                b as f64 * bin,
                (b + 1) as f64 * bin
            ));
        }
        csv.push_str(&format!("{id},{d},{target},72.000000,,{}\n", over + open));
    }
    std::fs::write(out.join("response_times_by_type.csv"), csv).unwrap();
    let o = forceplan(&["plot", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let texts: Vec<String> = svg_texts(&read_svg(&out, "response_time_cdf_by_type"))
        .into_iter()
        .map(|t| t.text)
        .collect();
    let theatre = json(&out.join("theatre.json"));
    for (id, _, target, times, open) in &types {
        let total = times.len() as u64 + open;
        let within = times.iter().filter(|h| **h <= *target + 1e-9).count() as f64;
        let share = within / total as f64 * 100.0;
        let name = theatre["violation_types"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == id.as_str())
            .unwrap()["name"]
            .as_str()
            .unwrap()
            .to_string();
        let head: String = name.chars().take(20).collect();
        let label = texts
            .iter()
            .find(|t| t.starts_with(&head) && t.contains("% within"))
            .unwrap_or_else(|| panic!("{id}: no legend entry in {texts:?}"));
        let want = format!(
            "{share:.0} % within {}",
            forceplan::plot::fmt_hours(*target)
        );
        assert!(label.ends_with(&want), "{id}: {label:?}, want {want:?}");
    }
}

#[test]
fn sector_boxes_are_labelled_worst_median_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    // The default scenario's 16 sectors (the tutorial's two are too few to order once a p90
    // not reached leaves one without a box), over 10 days.
    run_ok(
        "scenarios/coalition-2026.ron",
        &out,
        &[
            "--replications",
            "6",
            "--threads",
            "2",
            "--horizon-days",
            "10",
        ],
    );
    let rbs = Table::read(&out.join("replications_by_sector.csv")).unwrap();
    let (sc, vc) = (
        rbs.col("sector").unwrap(),
        rbs.col("response_time_p90_h").unwrap(),
    );
    let median = |id: &str| {
        let mut v: Vec<f64> = rbs
            .rows
            .iter()
            .filter(|r| r[sc] == id)
            .filter_map(|r| r[vc].parse().ok())
            .collect();
        v.sort_by(f64::total_cmp);
        if v.is_empty() {
            // p90 not reached in any replication (Kaplan-Meier): no box to order.
            return f64::NAN;
        }
        let h = (v.len() - 1) as f64 * 0.5;
        let lo = h.floor() as usize;
        v[lo] + (h - lo as f64) * (v[(lo + 1).min(v.len() - 1)] - v[lo])
    };
    let mut labels: Vec<SvgText> = svg_texts(&read_svg(&out, "sector_response_p90"))
        .into_iter()
        .filter(|t| {
            t.anchor == "end"
                && [" (air)", " (sea)", " (land)"]
                    .iter()
                    .any(|d| t.text.ends_with(d))
        })
        .collect();
    labels.sort_by(|a, b| a.y.total_cmp(&b.y));
    let meds: Vec<f64> = labels
        .iter()
        .map(|t| median(t.text.split(" (").next().unwrap()))
        .filter(|m| m.is_finite())
        .collect();
    assert!(meds.len() >= 8, "{labels:?}");
    assert!(
        meds.windows(2).all(|w| w[0] >= w[1]),
        "top to bottom, worst median first: {meds:?}"
    );
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dst = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dst);
        } else {
            std::fs::copy(e.path(), dst).unwrap();
        }
    }
}

#[test]
fn comparison_differences_are_titled_in_words_and_drawn_in_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    copy_tree(&repo("tests/data/comparison"), &out);
    let o = forceplan(&["plot", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let texts: Vec<String> = svg_texts(&read_svg(&out, "comparison_differences"))
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("Each option minus the baseline")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t == "option minus baseline: response time p90 [min]"),
        "{texts:?}"
    );
    // Each option's p90 difference, from comparison.json in hours, is labelled in minutes.
    let c = json(&out.join("comparison.json"));
    for o in c["options"].as_array().unwrap() {
        let Some(d) = o["vs_baseline"]["response_time_p90_h"]["mean"].as_f64() else {
            continue;
        };
        let verdict = o["vs_baseline"]["response_time_p90_h"]["verdict"]
            .as_str()
            .unwrap();
        let minutes = (d * 60.0 * 1000.0).round() / 1000.0;
        let want = format!("{minutes} {verdict}");
        assert!(
            texts.contains(&want),
            "{}: want {want:?} in {texts:?}",
            o["name"]
        );
    }
    // Sweep factors carry their units.
    let sw = dir.path().join("s1");
    copy_tree(&repo("tests/data/sweep-1"), &sw);
    let o = forceplan(&["plot", sw.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = json(&sw.join("sweep.json"));
    let f = &s["factors"][0];
    let want = format!(
        "{} = {} [units]",
        f["name"].as_str().unwrap(),
        f["target"].as_str().unwrap()
    );
    let texts: Vec<String> = svg_texts(&read_svg(&sw, "sweep_qrf_units"))
        .into_iter()
        .map(|t| t.text)
        .collect();
    assert!(texts.contains(&want), "want {want:?} in {texts:?}");
}

#[test]
fn the_timeline_shows_the_chosen_window_of_days() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(
        "scenarios/tutorial.ron",
        &out,
        &["--replications", "1", "--threads", "1"],
    );
    let title = |svg: &str| {
        svg_texts(svg)
            .into_iter()
            .map(|t| t.text)
            .find(|t| t.starts_with("Timeline of replication 0"))
            .unwrap_or_else(|| panic!("no timeline title"))
    };
    // By default the first 30 days.
    assert_eq!(
        title(&read_svg(&out, "timeline")),
        "Timeline of replication 0, first 30 days"
    );
    let o = forceplan(&["plot", out.to_str().unwrap(), "--timeline-days", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        title(&read_svg(&out, "timeline")),
        "Timeline of replication 0, first 3 days"
    );
    let o = forceplan(&["report", out.to_str().unwrap(), "--timeline-days", "0"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
