//! Plots: every file is a valid PNG/SVG of the size the index says, and what the plots draw
//! comes from the results (checked through the pure series functions the plots draw from).

use crate::common::*;
use forceplan::experiment::compare::Verdict;
use forceplan::metrics::Kpi;
use forceplan::plot::data::Table;
use forceplan::plot::{self, Results};
use std::path::Path;

/// (width, height) from a PNG's IHDR chunk, after checking the signature.
pub fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 24, "PNG too short");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

/// (width, height) of an SVG's root element.
pub fn svg_size(text: &str) -> (u32, u32) {
    let start = text.find("<svg").expect("an <svg> root");
    let tag = &text[start..start + text[start..].find('>').unwrap()];
    let attr = |n: &str| -> u32 {
        let k = tag
            .find(&format!(" {n}=\""))
            .unwrap_or_else(|| panic!("svg {n}"))
            + n.len()
            + 3;
        tag[k..k + tag[k..].find('"').unwrap()].parse().unwrap()
    };
    assert!(text.trim_end().ends_with("</svg>"), "SVG is complete");
    (attr("width"), attr("height"))
}

/// Checks every plot listed in `plots/index.json`; returns the names.
pub fn check_plot_files(dir: &Path) -> Vec<String> {
    let index = json(&dir.join("plots/index.json"));
    let mut names = Vec::new();
    for p in index.as_array().unwrap() {
        let name = p["name"].as_str().unwrap().to_string();
        let size = (
            p["width"].as_u64().unwrap() as u32,
            p["height"].as_u64().unwrap() as u32,
        );
        assert!(size.0 >= 400 && size.1 >= 300, "{name}: {size:?}");
        let png = std::fs::read(dir.join(format!("plots/{name}.png"))).unwrap();
        assert_eq!(png_size(&png), size, "{name}.png size");
        let svg = std::fs::read_to_string(dir.join(format!("plots/{name}.svg"))).unwrap();
        assert_eq!(svg_size(&svg), size, "{name}.svg size");
        // The title is drawn as text (the embedded font gives PNGs their text; the SVG
        // keeps it as real text).
        let title = p["title"].as_str().unwrap();
        let escaped = title
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        assert!(svg.contains(&escaped), "{name}.svg has its title {title:?}");
        names.push(name);
    }
    names
}

fn col(t: &Table, n: &str) -> usize {
    t.col(n).unwrap_or_else(|| panic!("column {n}"))
}

/// R type 7 quantile of sorted values.
fn q7(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[(lo + 1).min(sorted.len() - 1)] - sorted[lo])
}

#[test]
fn run_draws_every_plot_from_the_results() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run_ok(
        "scenarios/tutorial.ron",
        &out,
        &["--replications", "4", "--trace", "--threads", "2"],
    );
    assert!(
        stdout(&o).contains("plots (PNG and SVG) in"),
        "{}",
        stdout(&o)
    );
    let names = check_plot_files(&out);
    for n in [
        "response_time_cdf",
        "sector_response_p90",
        "theatre_map",
        "load_by_nation",
        "timeline",
        "stage_breakdown",
    ] {
        assert!(names.iter().any(|x| x == n), "{n} drawn: {names:?}");
    }
    assert!(out.join("report.html").is_file());

    let res = Results::load(&out).unwrap();
    let summary = res.summary.clone().unwrap();
    // The files as plain JSON, to check the typed reading against.
    let summary_json = json(&out.join("summary.json"));
    let theatre_json = json(&out.join("theatre.json"));
    let trace = Table::read(&out.join("violations.csv")).unwrap();
    let (dom_c, rt_c, rep_c) = (
        col(&trace, "domain"),
        col(&trace, "response_time_h"),
        col(&trace, "replication"),
    );

    // CDF: the 90th percentile read off the drawn curve is the pooled p90 of the trace
    // (within one 5-minute bin).
    let cdfs =
        plot::cdf::cdf_series(&Table::read(&out.join("response_times.csv")).unwrap()).unwrap();
    let mut checked = 0;
    for c in &cdfs {
        let mut rt: Vec<f64> = trace
            .rows
            .iter()
            .filter(|r| r[dom_c] == c.domain && !r[rt_c].is_empty())
            .map(|r| r[rt_c].parse().unwrap())
            .collect();
        assert_eq!(c.total as usize, rt.len(), "{} responses", c.domain);
        if rt.is_empty() {
            assert!(c.quantile(0.9).is_nan());
            continue;
        }
        rt.sort_by(f64::total_cmp);
        let p90 = q7(&rt, 0.9);
        let drawn = c.quantile(0.9);
        assert!(
            (drawn - p90).abs() <= forceplan::metrics::HIST_BIN_H + 1e-9,
            "{}: drawn p90 {drawn} vs trace {p90}",
            c.domain
        );
        checked += 1;
    }
    assert!(checked >= 2, "tutorial has sea and land responses");

    // Targets drawn come from the scenario's violation types.
    let targets = plot::cdf::targets(res.theatre.as_ref());
    assert!(
        targets[2].iter().any(|(h, _)| (*h - 2.0).abs() < 1e-9),
        "{targets:?}"
    );

    // Load by nation: bar lengths are by_nation.csv's means.
    let bars = plot::nations::nation_bars(&summary);
    let bn = Table::read(&out.join("by_nation.csv")).unwrap();
    let (code_c, tasks_c, util_c) = (
        col(&bn, "code"),
        col(&bn, "tasks_mean"),
        col(&bn, "utilisation_mean"),
    );
    assert!(!bars.is_empty());
    for b in &bars {
        let row = bn.rows.iter().find(|r| r[code_c] == b.code).unwrap();
        let t: f64 = row[tasks_c].parse().unwrap();
        assert!(
            (b.tasks.mean - t).abs() < 1e-9,
            "{} tasks {} vs {t}",
            b.code,
            b.tasks.mean
        );
        if let Ok(u) = row[util_c].parse::<f64>() {
            assert!((b.utilisation.mean - u).abs() < 1e-9);
        }
    }
    assert!(
        bars.windows(2).all(|w| w[0].tasks.mean >= w[1].tasks.mean),
        "busiest first"
    );

    // Stage breakdown: the stacked segments are summary.json's per-domain means.
    let st = plot::stages::stage_means(&summary);
    let land_transit = summary_json["by_domain"]["land"]["transit_mean_h"]["mean"]
        .as_f64()
        .unwrap();
    assert_eq!(st[2][6], land_transit);
    assert_eq!(
        st[0], [0.0; 7],
        "no air responses in the tutorial: nothing drawn"
    );

    // Sector boxes: one value per replication, from replications_by_sector.csv.
    let rbs = Table::read(&out.join("replications_by_sector.csv")).unwrap();
    let boxes = plot::sectors::sector_boxes(&rbs, plot::sectors::FIGURE);
    let (sec_c, p90_c) = (col(&rbs, "sector"), col(&rbs, plot::sectors::FIGURE));
    for b in &boxes {
        let expect: Vec<f64> = rbs
            .rows
            .iter()
            .filter(|r| r[sec_c] == b.id)
            .filter_map(|r| r[p90_c].parse().ok())
            .collect();
        assert_eq!(b.values, expect, "{}", b.id);
        if !expect.is_empty() {
            let mut s = expect.clone();
            s.sort_by(f64::total_cmp);
            assert!((b.quartiles[1] - q7(&s, 0.5)).abs() < 1e-12);
            assert!(b.whiskers.0 <= b.quartiles[0] && b.whiskers.1 >= b.quartiles[2]);
        }
    }

    // Timeline: the drawn series are timeline.csv.
    let tl =
        plot::timeline::timeline_series(&Table::read(&out.join("timeline.csv")).unwrap()).unwrap();
    let v0: f64 = trace.rows.iter().filter(|r| r[rep_c] == "0").count() as f64;
    let drawn: f64 = tl.violations.iter().sum();
    assert_eq!(
        drawn, v0,
        "violations per hour add up to replication 0's violations"
    );

    // Map: bases carry every unit of the force; violations are replication 0's.
    let map = plot::map::MapPlot::of(&res).unwrap().unwrap();
    let units: u64 = map.bases().iter().map(|b| b.total()).sum::<u64>()
        + theatre_json["bases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["isr_drones"].as_u64().unwrap())
            .sum::<u64>();
    let s_units: u64 = ["air", "sea", "land"]
        .iter()
        .map(|d| summary_json["units_by_domain"][d].as_u64().unwrap())
        .sum();
    assert_eq!(units, s_units);
    let (nr_c, occ_c) = (col(&trace, "needs_response"), col(&trace, "occurred_h"));
    let expect = trace
        .rows
        .iter()
        .filter(|r| {
            r[rep_c] == "0"
                && r[nr_c] == "true"
                && r[occ_c].parse::<f64>().unwrap() < plot::map::MAP_DAYS * 24.0
        })
        .count();
    assert_eq!(map.violations().unwrap().len(), expect);
    let (lon0, lat0, lon1, lat1) = map.view();
    assert!(
        lon0 < 31.0 && lon1 > 33.0 && lat0 < 46.0 && lat1 > 47.0,
        "view covers the sectors"
    );
}

#[test]
fn plot_redraws_from_saved_results_and_no_plots_skips_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(
        "tests/data/good-small.ron",
        &out,
        &["-n", "2", "--no-plots"],
    );
    assert!(!out.join("plots").exists(), "--no-plots draws nothing");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("No plots were drawn"));

    let o = forceplan(&["plot", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out_text = stdout(&o);
    assert!(out_text.contains("plots (PNG and SVG) in"), "{out_text}");
    check_plot_files(&out);

    let o = forceplan(&["report", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg"), "plots inlined");
}

#[test]
fn plot_and_report_refuse_what_is_not_a_results_directory() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let file = dir.path().join("file.txt");
    std::fs::write(&file, "x").unwrap();
    for cmd in ["plot", "report"] {
        for (p, what) in [
            (missing.as_path(), "is not a directory"),
            (file.as_path(), "is not a directory"),
            (dir.path(), "is not a forceplan results directory"),
        ] {
            let o = forceplan(&[cmd, p.to_str().unwrap()]);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{cmd} {}: {}",
                p.display(),
                stderr(&o)
            );
            assert!(stderr(&o).contains(what), "{cmd}: {}", stderr(&o));
        }
    }
    // A broken summary.json is bad input too.
    std::fs::write(dir.path().join("summary.json"), "{not json").unwrap();
    let o = forceplan(&["plot", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
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
fn comparison_plots_and_verdicts_come_from_comparison_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    copy_tree(&repo("tests/data/comparison"), &out);
    let o = forceplan(&["report", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let names = check_plot_files(&out);
    for n in [
        "comparison_kpis",
        "comparison_differences",
        "comparison_cdf",
    ] {
        assert!(names.iter().any(|x| x == n), "{n}: {names:?}");
    }
    let res = Results::load(&out).unwrap();
    let c = res.comparison.as_ref().unwrap();
    let c_json = json(&out.join("comparison.json"));
    // Means and CIs drawn per option are the file's.
    let k = plot::compare::option_kpis(c, Kpi::ResponseTimeP90H);
    assert_eq!(k.len(), 3);
    assert_eq!((k[1].label.as_str(), k[1].mean), ("qrf-forward", 2.9));
    assert_eq!(
        k[1].low,
        c_json["options"][1]["kpis"]["response_time_p90_h"]["ci95_low"]
            .as_f64()
            .unwrap()
    );
    // Paired differences: the baseline has none; the others carry theirs and the verdict.
    let d = plot::compare::differences(c, Kpi::ResponseTimeP90H);
    assert_eq!(d.len(), 2);
    assert_eq!((d[0].mean, d[0].low, d[0].high), (-0.4, -0.45, -0.35));
    assert_eq!(d[0].verdict, Some(Verdict::Better));
    assert_eq!(d[1].verdict, Some(Verdict::NoSignificantDifference));
    assert_eq!(plot::compare::shown_kpis(c)[0], Kpi::ResponseTimeP90H);
    // Per-option CDFs come from options/<name>/response_times.csv (fewer-ships has none).
    let land = plot::cdf::cdf_series(
        &Table::read(&out.join("options/qrf-forward/response_times.csv")).unwrap(),
    )
    .unwrap();
    assert_eq!(land[2].total, 1 + 9 + 9 + 6 + 3);
    // The report states the verdicts.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    crate::report::assert_self_contained(&html);
    for needle in [
        "Verdicts",
        "qrf-forward",
        "class=\"better\"",
        "bonferroni",
        "97.5 %",
        "0123abcd4567ef89",
    ] {
        assert!(html.contains(needle), "report shows {needle}");
    }
}

#[test]
fn sweep_plots_come_from_sweep_json() {
    let dir = tempfile::tempdir().unwrap();
    // One factor: a line with a CI band.
    let one = dir.path().join("s1");
    copy_tree(&repo("tests/data/sweep-1"), &one);
    let o = forceplan(&["report", one.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(check_plot_files(&one), vec!["sweep_qrf_units".to_string()]);
    let s = Results::load(&one).unwrap().sweep.unwrap();
    let line = plot::sweep::sweep_line(&s, "qrf_units", Kpi::ResponseTimeP90H);
    let xs: Vec<f64> = line.iter().map(|p| p.x).collect();
    let means: Vec<f64> = line.iter().map(|p| p.mean).collect();
    assert_eq!(xs, vec![2.0, 4.0, 6.0, 8.0]);
    assert_eq!(means, vec![4.1, 3.6, 3.2, 3.05]);
    assert!(line.iter().all(|p| p.low < p.mean && p.mean < p.high));
    // Two factors: a heat map over the grid.
    let two = dir.path().join("s2");
    copy_tree(&repo("tests/data/sweep-2"), &two);
    let o = forceplan(&["plot", two.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(check_plot_files(&two), vec!["sweep_heatmap".to_string()]);
    let s = Results::load(&two).unwrap().sweep.unwrap();
    let cells = plot::sweep::sweep_cells(&s, "qrf_units", "notice_h", Kpi::ResponseTimeP90H);
    assert_eq!(cells.len(), 9);
    assert!(
        cells.contains(&plot::sweep::SweepCell {
            x: 4.0,
            y: 0.5,
            mean: 3.5
        }),
        "{cells:?}"
    );
}
