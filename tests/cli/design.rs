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
                .map(|(n, lo, hi, _)| (2.0 * p["factors"][n].as_f64().unwrap() - lo - hi) / (hi - lo))
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
    let at = text.find("factor effects on response_time_mean_h").expect(&text);
    let table = &text[at..];
    let order: Vec<&str> = effects.iter().map(|e| e["factor"].as_str().unwrap()).collect();
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
        assert!(err.contains("nolh.ron:13:"), "located at the design line: {err}");
    }
    // 30 factors: more than the largest table has.
    let extra: String = (0..25)
        .map(|i| {
            format!(
                "\n        Factor(name: \"r{i}\", target: RateScale(All), min: 0.5, max: 1),"
            )
        })
        .collect();
    let file = nolh_sweep(dir.path(), "Nolh()", &extra);
    let o = forceplan(&["sweep", file.to_str().unwrap(), "--out", "/nonexistent/x"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 to 29 factors, got 30"), "{}", stderr(&o));
}
