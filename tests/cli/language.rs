//! The planning language of issue 12, as a user sees it: selectors and relative forms in
//! studies, timed events in scenario files and studies, `--horizon-days`, `validate` on
//! studies and sweeps (text and `--json`), named baselines, and the study tutorial.

use crate::common::{forceplan, json, repo, run_ok, stderr, stdout};
use std::path::{Path, PathBuf};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("forceplan-language-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A study over the tutorial scenario with these options (RON text), written in `dir`.
fn study(dir: &Path, extra: &str, options: &str) -> String {
    let text = format!(
        "Study(\n    name: \"lang\",\n    scenario: \"{}\",\n    replications: 2,\n{extra}    options: [\n{options}\n    ],\n)\n",
        repo("scenarios/tutorial.ron").display()
    );
    let p = dir.join("study.ron");
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// The tutorial scenario with `events: [...]` added, written in `dir`.
fn scenario_with_events(dir: &Path, events: &str) -> String {
    let t = std::fs::read_to_string(repo("scenarios/tutorial.ron")).unwrap();
    let end = t.rfind(')').unwrap();
    let text = format!("{}    events: [{events}],\n)\n", &t[..end]);
    let p = dir.join("events.ron");
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

/// Rows of violations.csv as maps from column to value.
fn violations(out: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let text = std::fs::read_to_string(out.join("violations.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

fn hours(r: &std::collections::HashMap<String, String>, col: &str) -> Option<f64> {
    r[col].parse().ok()
}

#[test]
fn the_study_tutorial_validates_and_runs() {
    let o = forceplan(&["validate", "scenarios/studies/tutorial.ron"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("is valid: study \"study-tutorial\""),
        "{text}"
    );
    assert!(
        text.contains("change:  Units(of: Contingents(kind: [IsrDrone]), add: 1)"),
        "{text}"
    );
    assert!(text.contains("force:   units: Air 4 → 5 (+1)"), "{text}");
    let out = tmp("tutorial");
    let o = forceplan(&[
        "compare",
        "scenarios/studies/tutorial.ron",
        "-n",
        "2",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let c = json(&out.join("comparison.json"));
    assert_eq!(c["options"].as_array().unwrap().len(), 9, "{c}");
    // The escalation study validates too.
    let o = forceplan(&["validate", "scenarios/studies/escalation.ron", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["kind"], "study");
    let reinforced = &v["options"][2];
    assert_eq!(reinforced["name"], "escalation-week-reinforced");
    assert_eq!(
        reinforced["difference"]["contingents_added"],
        serde_json::json!([
            "can-reinforcement-kramatorsk",
            "can-reinforcement-zaporizhzhia"
        ])
    );
    assert_eq!(reinforced["difference"]["has_outages"], true);
}

#[test]
fn validate_previews_each_option_as_a_difference_in_json() {
    let dir = tmp("preview");
    let file = study(
        &dir,
        "",
        r#"        (name: "land-x2", changes: [Units(of: Contingents(nation: ["GBR", "IRL"], domain: [Land]), times: 2)]),
        (name: "moved", changes: [Move(of: Contingents(nation: ["ROU"], domain: [Sea]), to: "odesa-port")]),"#,
    );
    let o = forceplan(&["validate", &file, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let d = &v["options"][0]["difference"];
    assert_eq!(d["baseline_units_by_domain"], serde_json::json!([4, 3, 8]));
    assert_eq!(d["units_by_domain"], serde_json::json!([4, 3, 16]));
    assert_eq!(
        d["units_by_nation"],
        serde_json::json!([
            {"nation": "GBR", "baseline": 10, "variant": 16},
            {"nation": "IRL", "baseline": 2, "variant": 4}
        ])
    );
    let moved = &v["options"][1]["difference"];
    assert_eq!(
        moved["bases_no_longer_used"],
        serde_json::json!(["constanta"])
    );
    assert_eq!(
        v["options"][1]["changes"],
        serde_json::json!([
            r#"Move(of: Contingents(nation: ["ROU"], domain: [Sea]), to: "odesa-port")"#
        ])
    );
    // A sweep too, with selector factors.
    let sweep = dir.join("sweep.ron");
    std::fs::write(
        &sweep,
        format!(
            "Sweep(name: \"s\", base: Scenario(\"{}\"), replications: 1, factors: [\n  Factor(name: \"drones\", target: UnitsOf(Contingents(kind: [IsrDrone])), min: 1, max: 3, levels: 3),\n], design: Grid)",
            repo("scenarios/tutorial.ron").display()
        ),
    )
    .unwrap();
    let o = forceplan(&["validate", sweep.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("is valid: sweep \"s\""), "{text}");
    assert!(text.contains("point point-2: drones = 3"), "{text}");
    assert!(text.contains("units: Air 4 → 5 (+1)"), "{text}");
}

#[test]
fn a_selector_that_matches_nothing_is_an_error_at_its_line() {
    let dir = tmp("nomatch");
    let file = study(
        &dir,
        "",
        r#"        (name: "none", changes: [
            Units(of: Contingents(nation: ["ROU"], domain: [Air]), add: 1),
        ]),"#,
    );
    for cmd in ["validate", "compare"] {
        let o = forceplan(&[cmd, &file]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("study.ron:7:23"), "{err}");
        assert!(err.contains("matches no contingent"), "{err}");
    }
}

#[test]
fn a_named_baseline_is_compared_with_every_other_option() {
    let dir = tmp("baseline");
    let file = study(
        &dir,
        "    baseline: \"more-drones\",\n",
        r#"        (name: "more-drones", changes: [Units(of: Contingents(kind: [IsrDrone]), add: 2)]),
        (name: "no-drones", changes: [Units(of: Contingents(kind: [IsrDrone]), set: 0)]),"#,
    );
    let out = dir.join("out");
    let o = forceplan(&[
        "compare",
        &file,
        "--no-plots",
        "--all-pairs",
        // The mean is defined in every replication (the tutorial's p90 over every violation
        // needing a response is not reached: Kaplan-Meier, README).
        "--kpi",
        "response_time_mean_h",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let c = json(&out.join("comparison.json"));
    // --all-pairs: three pairs, Bonferroni over three; a pair with the baseline has the
    // comparison's paired mean.
    let text = stdout(&o);
    assert!(text.contains("all 3 pairs, response_time_mean_h"), "{text}");
    assert!(text.contains("with 98.3% intervals"), "{text}");
    for opt in c["options"].as_array().unwrap().iter().skip(1) {
        let mean = opt["vs_baseline"]["response_time_mean_h"]["mean"]
            .as_f64()
            .unwrap();
        let name = opt["name"].as_str().unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with("more-drones ") && l.contains(&format!(" {name} ")))
            .unwrap_or_else(|| panic!("no pair line for {name}: {text}"));
        assert!(line.contains(&format!("{mean:+.3}")), "{line} vs {mean}");
    }
    let names: Vec<&str> = c["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "more-drones", "{c}");
    assert!(names.contains(&"base-scenario") && names.contains(&"no-drones"));
    assert!(c["options"][0]["vs_baseline"].is_null());
    // An unknown baseline is refused where it is written.
    let bad = study(
        &dir,
        "    baseline: \"nope\",\n",
        r#"        (name: "a", changes: [Units(of: Contingents(), add: 1)]),"#,
    );
    let o = forceplan(&["validate", &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("study.ron:5:") && stderr(&o).contains("unknown option \"nope\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn horizon_days_overrides_the_scenario() {
    let out = tmp("horizon");
    run_ok(
        "scenarios/tutorial.ron",
        &out,
        &["-n", "1", "--no-plots", "--horizon-days", "2.5"],
    );
    assert_eq!(json(&out.join("summary.json"))["horizon_days"], 2.5);
    let o = forceplan(&["run", "scenarios/tutorial.ron", "--horizon-days=-1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("expected a number of days"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_escalation_window_raises_that_weeks_violations_about_five_times() {
    let dir = tmp("window");
    // The sea sector has no random bursts: its weeks differ only by the window.
    let file = scenario_with_events(
        &dir,
        r#"Escalate(sectors: Sectors(["odesa-approaches"]), from: Days(7), until: Days(14), rate_multiplier: 5)"#,
    );
    let out = dir.join("out");
    run_ok(&file, &out, &["-n", "4", "--trace", "--no-plots"]);
    let rows = violations(&out);
    let week = |w: f64| {
        rows.iter()
            .filter(|r| r["sector"] == "odesa-approaches")
            .filter(|r| {
                let d = hours(r, "occurred_h").unwrap() / 24.0;
                d >= 7.0 * w && d < 7.0 * (w + 1.0)
            })
            .count() as f64
    };
    let ratio = week(1.0) / week(0.0);
    assert!((3.8..6.5).contains(&ratio), "week 2 / week 1 = {ratio}");
    let o = forceplan(&["validate", &file, "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // 8 a day at sea plus 4 × 8 more a day for 7 of the 30 days.
    let base: serde_json::Value = serde_json::from_str(&stdout(&forceplan(&[
        "validate",
        "scenarios/tutorial.ron",
        "--json",
    ])))
    .unwrap();
    let extra =
        v["violations_per_day"].as_f64().unwrap() - base["violations_per_day"].as_f64().unwrap();
    assert!((extra - 4.0 * 8.0 * 7.0 / 30.0).abs() < 1e-9, "{extra}");
}

#[test]
fn timed_events_in_a_scenario_withdraw_and_blind_on_their_dates() {
    let dir = tmp("events");
    let file = scenario_with_events(
        &dir,
        r#"
        Withdraw(contingents: Contingents(id: ["gbr-infantry"]), on: Days(10)),
        Outage(sensors: Sensors(id: ["odesa-coastal-radar"]), from: Days(5), until: Days(12)),"#,
    );
    let out = dir.join("out");
    run_ok(&file, &out, &["-n", "2", "--trace", "--no-plots"]);
    let rows = violations(&out);
    assert!(rows.iter().any(|r| r["contingent"] == "gbr-infantry"));
    assert!(
        rows.iter()
            .filter(|r| r["contingent"] == "gbr-infantry")
            .all(|r| hours(r, "tasked_h").unwrap() < 240.0),
        "the withdrawn infantry was tasked after day 10"
    );
    let radar: Vec<f64> = rows
        .iter()
        .filter(|r| r["sensor"] == "odesa-coastal-radar")
        .map(|r| hours(r, "detected_h").unwrap())
        .collect();
    assert!(!radar.is_empty());
    assert!(
        radar.iter().all(|h| !(120.0..288.0).contains(h)),
        "the radar saw something in its outage"
    );
    // A bad event is located in the scenario file.
    let bad = scenario_with_events(
        &dir,
        r#"Deploy(contingents: Contingents(kind: [Frigate]), on: Days(3))"#,
    );
    let o = forceplan(&["validate", &bad]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("events[0].contingents")
            && stderr(&o).contains("matches no contingent"),
        "{}",
        stderr(&o)
    );
}
