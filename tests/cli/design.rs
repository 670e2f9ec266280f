//! Designed experiments: `design: Nolh(stack: …)` sweeps take the published nearly orthogonal
//! Latin hypercube (levels scaled onto each factor's range), the sweep report ranks the
//! factors by their effect on the KPI (`sweep.json`, stdout, `report.html`), and the tornado
//! plot draws what `sweep.json` holds.

use crate::common::*;
use forceplan::experiment::effects::least_squares;
use std::path::{Path, PathBuf};

/// Five factors of the tutorial scenario, with the design `design`.
fn nolh_sweep(dir: &Path, design: &str, extra_factors: &str) -> PathBuf {
    let text = format!(
        r#"Sweep(
    name: "nolh-small",
    base: Scenario("{tutorial}"),
    replications: 2,
    kpi: "response_time_mean_h",
    factors: [
        Factor(name: "revisit_h", target: RevisitHours("sar-constellation"), min: 1, max: 9),
        Factor(name: "infantry", target: Units("gbr-infantry"), min: 1, max: 12),
        Factor(name: "rate", target: RateScale(All), min: 0.5, max: 2.5),
        Factor(name: "notice_min", target: NoticeToMoveMinutes("gbr-infantry"), min: 10, max: 600),
        Factor(name: "speed", target: SpeedKmh("gbr-infantry"), min: 10, max: 60),{extra_factors}
    ],
    design: {design},
)
"#,
        tutorial = repo("scenarios/tutorial.ron").display()
    );
    let file = dir.join("nolh.ron");
    std::fs::write(&file, text).unwrap();
    file
}

/// The published 17-point table as the project ships it.
fn table17() -> Vec<Vec<f64>> {
    std::fs::read_to_string(repo("assets/nolh/nolh-17.csv"))
        .unwrap()
        .lines()
        .map(|l| l.split(',').map(|x| x.trim().parse().unwrap()).collect())
        .collect()
}

/// (text, y) of every `<text>` element of an SVG document.
fn svg_texts(svg: &str) -> Vec<(String, f64)> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let y = t.split(" y=\"").nth(1)?.split('"').next()?.parse().ok()?;
            let body = t.split_once('>')?.1.split("</text>").next()?;
            Some((body.trim().replace("&amp;", "&"), y))
        })
        .collect()
}

#[test]
fn nolh_sweep_uses_the_published_design_and_ranks_factors() {
    let dir = tempfile::tempdir().unwrap();
    let file = nolh_sweep(dir.path(), "Nolh(stack: 1)", "");
    let out = dir.path().join("out");
    let o = forceplan(&[
        "sweep",
        file.to_str().unwrap(),
        "-n",
        "10",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = json(&out.join("sweep.json"));
    assert_eq!(s["design"], "nolh");
    let points = s["points"].as_array().unwrap();
    assert_eq!(points.len(), 17, "5 factors take the 17-point design");
    // Each point is a row of the published table, its levels scaled onto the ranges;
    // whole-number targets (units) are rounded.
    let ranges = [
        ("revisit_h", 1.0, 9.0, false),
        ("infantry", 1.0, 12.0, true),
        ("rate", 0.5, 2.5, false),
        ("notice_min", 10.0, 600.0, false),
        ("speed", 10.0, 60.0, false),
    ];
    let t = table17();
    for (p, row) in points.iter().zip(&t) {
        for (c, (name, lo, hi, int)) in ranges.iter().enumerate() {
            let want = lo + (hi - lo) * (row[c] - 1.0) / 16.0;
            let want = if *int { want.round() } else { want };
            let got = p["factors"][name].as_f64().unwrap();
            assert!((got - want).abs() < 1e-9, "{name}: {got} vs {want}");
        }
    }
    // The ranking: one entry per factor, largest |effect| first, and the coefficients are
    // those of a least-squares fit of the point means on the coded factors.
    let effects = s["factor_effects"].as_array().unwrap();
    assert_eq!(effects.len(), 5);
    let x: Vec<Vec<f64>> = points
        .iter()
        .map(|p| {
            ranges
                .iter()
                .map(|(n, lo, hi, _)| {
                    (2.0 * p["factors"][n].as_f64().unwrap() - lo - hi) / (hi - lo)
                })
                .collect()
        })
        .collect();
    let y: Vec<f64> = points
        .iter()
        .map(|p| p["kpis"]["response_time_mean_h"]["mean"].as_f64().unwrap())
        .collect();
    let fit = least_squares(&x, &y).unwrap();
    let mut prev = f64::INFINITY;
    for (i, e) in effects.iter().enumerate() {
        assert_eq!(e["rank"], i + 1);
        let b = e["coefficient"].as_f64().unwrap();
        assert!(b.abs() <= prev, "ranked by |effect|");
        prev = b.abs();
        let c = ranges.iter().position(|r| r.0 == e["factor"]).unwrap();
        assert!((b - fit.coefficients[c]).abs() < 1e-9 * (1.0 + b.abs()));
        let (lo, hi) = (
            e["ci95_low"].as_f64().unwrap(),
            e["ci95_high"].as_f64().unwrap(),
        );
        assert!(lo < b && b < hi);
    }
    let f = &s["factor_effects_fit"];
    assert_eq!(f["points"], 17);
    assert_eq!(f["residual_df"], 17 - 5 - 1);
    // More violations must lengthen the mean response: the rate's effect is positive and
    // its interval excludes zero.
    let rate = effects.iter().find(|e| e["factor"] == "rate").unwrap();
    assert!(rate["ci95_low"].as_f64().unwrap() > 0.0, "{rate}");

    // stdout: the ranking, in rank order.
    let text = stdout(&o);
    let at = text
        .find("factor effects on response_time_mean_h")
        .expect(&text);
    let table = &text[at..];
    let order: Vec<&str> = effects
        .iter()
        .map(|e| e["factor"].as_str().unwrap())
        .collect();
    let pos: Vec<usize> = order
        .iter()
        .map(|n| table.find(&format!(" {n} ")).expect(n))
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{table}");

    // report.html: the section with every factor.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h2>Factor effects</h2>"));
    for n in &order {
        assert!(html.contains(&format!("<td>{n}</td>")), "{n}");
    }

    // The tornado plot: factor names top to bottom in rank order, each bar's value label.
    let svg = std::fs::read_to_string(out.join("plots/sweep_tornado.svg")).unwrap();
    let texts = svg_texts(&svg);
    let y_of = |label: &str| {
        texts
            .iter()
            .find(|(t, _)| t == label)
            .unwrap_or_else(|| panic!("no label {label} in the tornado plot"))
            .1
    };
    let ys: Vec<f64> = order.iter().map(|n| y_of(n)).collect();
    assert!(ys.windows(2).all(|w| w[0] < w[1]), "{order:?} at {ys:?}");
    for e in effects {
        let label = forceplan::plot::tornado::value_label(e["coefficient"].as_f64().unwrap());
        let y = y_of(&label);
        let name_y = y_of(e["factor"].as_str().unwrap());
        assert!((y - name_y).abs() < 12.0, "{label} beside its factor");
    }
    let index = json(&out.join("plots/index.json"));
    assert!(
        index
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "sweep_tornado")
    );
}

#[test]
fn stacked_nolh_adds_rotated_copies_without_the_centre() {
    let dir = tempfile::tempdir().unwrap();
    let file = nolh_sweep(dir.path(), "Nolh(stack: 2)", "");
    let out = dir.path().join("out");
    let o = forceplan(&[
        "sweep",
        file.to_str().unwrap(),
        "-n",
        "1",
        "--out",
        out.to_str().unwrap(),
        "--no-plots",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = json(&out.join("sweep.json"));
    let points = s["points"].as_array().unwrap();
    assert_eq!(points.len(), 33);
    // The second copy gives the first factor the table's second column, centre left out.
    let t = table17();
    let want: Vec<f64> = t
        .iter()
        .map(|r| r[1])
        .filter(|&l| l != 9.0)
        .map(|l| 1.0 + 8.0 * (l - 1.0) / 16.0)
        .collect();
    let got: Vec<f64> = points[17..]
        .iter()
        .map(|p| p["factors"]["revisit_h"].as_f64().unwrap())
        .collect();
    assert_eq!(got, want);
}

#[test]
fn impossible_nolh_designs_are_refused_at_the_design() {
    let dir = tempfile::tempdir().unwrap();
    for (design, expected) in [
        ("Nolh(stack: 0)", "stacks 1 to 7 times"),
        ("Nolh(stack: 8)", "expected stack from 1 to 7, got 8"),
    ] {
        let file = nolh_sweep(dir.path(), design, "");
        let o = forceplan(&["sweep", file.to_str().unwrap(), "--out", "/nonexistent/x"]);
        assert_eq!(o.status.code(), Some(2), "{design}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(expected) && err.contains("design"), "{err}");
        assert!(
            err.contains("nolh.ron:13:"),
            "located at the design line: {err}"
        );
    }
    // 30 factors: more than the largest table has.
    let extra: String = (0..25)
        .map(|i| {
            format!("\n        Factor(name: \"r{i}\", target: RateScale(All), min: 0.5, max: 1),")
        })
        .collect();
    let file = nolh_sweep(dir.path(), "Nolh()", &extra);
    let o = forceplan(&["sweep", file.to_str().unwrap(), "--out", "/nonexistent/x"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("1 to 29 factors, got 30"),
        "{}",
        stderr(&o)
    );
}

/// A copy of the M/M/2 scenario at 98 % load with `horizon_days` and `warm_up_days`.
fn mm2(dir: &Path, horizon_days: u32, warm_up_days: f64) -> PathBuf {
    let text = std::fs::read_to_string(repo("scenarios/validation/mm2-heavy.ron"))
        .unwrap()
        .replace(
            "horizon_days: 365,",
            &format!("horizon_days: {horizon_days},\n    warm_up_days: {warm_up_days},"),
        );
    let file = dir.join(format!("mm2-{horizon_days}-{warm_up_days}.ron"));
    std::fs::write(&file, text).unwrap();
    file
}

#[test]
fn a_warm_up_removes_the_empty_start_bias_of_a_heavily_loaded_queue() {
    // Erlang C for λ = 1.96/h, μ = 1/h, c = 2 (ρ = 0.98): Wq = 24.25 h.
    let (_, wq) = forceplan::validation::erlang_c(1.96, 1.0, 2);
    assert!((wq - 24.2525).abs() < 1e-3);
    let dir = tempfile::tempdir().unwrap();
    let wait = |file: &Path, name: &str| {
        let out = dir.path().join(name);
        let o = run_ok(file.to_str().unwrap(), &out, &["-n", "200", "--no-plots"]);
        let s = json(&out.join("summary.json"));
        let k = &s["kpis"]["queue_wait_mean_h"];
        (
            k["ci95_low"].as_f64().unwrap(),
            k["mean"].as_f64().unwrap(),
            k["ci95_high"].as_f64().unwrap(),
            s,
            stdout(&o),
        )
    };
    // One year from an empty start: the mean wait is biased low, about 18 % (field notes
    // §10); with 200 replications the 95 % CI half-width is about 8 % of Wq, so the CI lies
    // wholly below Wq.
    let (_, cold, cold_high, s, text) = wait(&repo("scenarios/validation/mm2-heavy.ron"), "cold");
    assert!(
        cold_high < wq,
        "cold start: CI up to {cold_high} should lie below {wq}"
    );
    assert!(
        (0.70 * wq..0.90 * wq).contains(&cold),
        "cold start: {cold} should be 10-30 % below {wq}"
    );
    // The run is heavily loaded, so MSER-5 is computed on replication 0's hourly queue
    // length. (On this one path it suggests no warm-up: a year is short against the
    // queue's relaxation time at 98 % load, so one path's excursions hide the transient.)
    assert!(s["kpis"]["utilisation"]["mean"].as_f64().unwrap() > 0.95);
    assert_eq!(s["warm_up_days"], 0.0);
    // Either a suggestion within the run, or (null) the console says why there is none.
    let suggested = s["suggested_warm_up_days"].as_f64();
    assert!(
        suggested.map_or(text.contains("too short or still settling"), |d| (0.0
            ..365.0)
            .contains(&d)),
        "suggested warm-up {suggested:?}: {text}"
    );
    assert!(text.contains("MSER-5 on the hourly queue length"), "{text}");
    // One year of warm-up, one year measured: Erlang C lies inside a CI of the same width.
    let (low, warm, high, s, _) = wait(&mm2(dir.path(), 730, 365.0), "warm");
    assert_eq!(s["warm_up_days"], 365.0);
    assert!(
        low <= wq && wq <= high,
        "with a warm-up: Wq {wq} outside [{low}, {high}]"
    );
    assert!(
        high - low < 0.2 * wq,
        "CI too wide to mean anything: [{low}, {high}]"
    );
    assert!((warm - wq).abs() < (cold - wq).abs());
}

#[test]
fn warm_up_days_on_the_command_line_and_no_suggestion_for_a_light_load() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("light");
    let o = run_ok(
        "scenarios/tutorial.ron",
        &out,
        &["-n", "2", "--no-plots", "--warm-up-days", "10"],
    );
    let s = json(&out.join("summary.json"));
    assert_eq!(s["warm_up_days"], 10.0);
    assert!(s["kpis"]["utilisation"]["mean"].as_f64().unwrap() < 0.8);
    assert!(s["suggested_warm_up_days"].is_null());
    assert!(stdout(&o).contains("the first 10 days are left out of the KPIs"));
    // Fewer violations are counted than without the warm-up (30 days → 20).
    let full = dir.path().join("full");
    run_ok("scenarios/tutorial.ron", &full, &["-n", "2", "--no-plots"]);
    let n = |d: &Path| {
        json(&d.join("summary.json"))["kpis"]["violations"]["mean"]
            .as_f64()
            .unwrap()
    };
    let (part, all) = (n(&out), n(&full));
    assert!(part < 0.8 * all && part > 0.5 * all, "{part} of {all}");
    // Out of range on the command line: refused.
    let o = forceplan(&[
        "run",
        "scenarios/tutorial.ron",
        "--warm-up-days",
        "30",
        "--out",
        "/nonexistent/x",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("warm_up_days"), "{}", stderr(&o));
}

#[test]
fn a_warm_up_must_lie_inside_the_horizon() {
    let dir = tempfile::tempdir().unwrap();
    for w in [365.0, 400.0, -1.0] {
        let file = mm2(dir.path(), 365, w);
        let o = forceplan(&["run", file.to_str().unwrap(), "--out", "/nonexistent/x"]);
        assert_eq!(o.status.code(), Some(2), "{w}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(":11:")
                && err.contains("warm_up_days")
                && err.contains("0 ≤ warm-up < horizon"),
            "{err}"
        );
    }
}

#[test]
fn the_shipped_nolh_sweep_runs_and_ranks_its_six_factors() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("lrn");
    let o = forceplan(&[
        "sweep",
        "scenarios/sweeps/land-response-nolh.ron",
        "-n",
        "1",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = json(&out.join("sweep.json"));
    assert_eq!(s["design"], "nolh");
    assert_eq!(s["points"].as_array().unwrap().len(), 17);
    let effects = s["factor_effects"].as_array().unwrap();
    assert_eq!(effects.len(), 6);
    assert!(effects.iter().all(|e| e["coefficient"].is_f64()));
    assert_eq!(s["factor_effects_fit"]["residual_df"], 10);
}
