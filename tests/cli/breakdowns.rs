//! Breakdowns and gaps, read from the files a run or sweep writes: the stage breakdown per
//! type and sector (`summary.json`'s `stages`, `stages.csv`), the timed escalation windows in
//! `theatre.json` and their shading on the timeline SVG, the finding that names a sector no
//! fixed sensor or drone watches, and a sweep's paired differences against its base scenario
//! (`sweep.json`, `sweep_breakdown.csv`), the same when sharded and merged.

use crate::common::{forceplan, json, run_ok, stderr, stdout};
use std::path::Path;

/// Two land sectors: `watched` along an observation post's 100 km range, `blind` 300 km
/// away from any sensor; five times the rate from day 3 to day 5.
const SCENARIO: &str = r#"Scenario(
    name: "gaps",
    horizon_days: 10,
    nations: [(code: "AAA", name: "Alphaland")],
    bases: [(id: "depot", name: "Depot", at: (lat: 48.0, lon: 35.0), kind: Garrison)],
    sectors: [
        (id: "watched", name: "Watched", domain: Land, geometry: Line([(lat: 48.0, lon: 35.0), (lat: 48.3, lon: 35.3)]), rate_per_day: 10.0, mix: [("job", 1.0)]),
        (id: "blind", name: "Blind", domain: Land, geometry: Line([(lat: 46.0, lon: 32.0), (lat: 46.2, lon: 32.3)]), rate_per_day: 10.0, mix: [("job", 1.0)]),
    ],
    violation_types: [(id: "job", domain: Land, severity: Moderate, observable_for: Fixed(Hours(30)),
        response: Respond(capability: Investigate, on_scene: Fixed(Hours(1)), target: Hours(2)))],
    sensors: [
        ObservationPost(id: "eye", nation: "AAA", at: (lat: 48.0, lon: 35.0), range_km: 100.0, detection_probability: 0.9, reporting_delay: Fixed(Minutes(5))),
        Satellite(id: "sat", nation: "AAA", covers: All, revisit: Hours(24), detection_probability: 0.5, processing_delay: Fixed(Hours(1))),
    ],
    contingents: [(id: "c1", nation: "AAA", name: "C1", domain: Land, kind: LightInfantry, units: 2, base: "depot", speed_kmh: 50, notice_to_move: Fixed(Minutes(30)), capabilities: [Investigate])],
    command: (hq_processing: Fixed(Minutes(10)), dispatch: FastestArrival),
    events: [Escalate(sectors: All, from: Days(3), until: Days(5), rate_multiplier: 5)],
)
"#;

fn run(dir: &Path) -> String {
    let sc = dir.join("gaps.ron");
    std::fs::write(&sc, SCENARIO).unwrap();
    let out = dir.join("out");
    let o = run_ok(
        sc.to_str().unwrap(),
        &out,
        &["-n", "2", "--threads", "1", "--seed", "7"],
    );
    stdout(&o)
}

/// The number after `name="` in an SVG element's attributes.
fn attr(el: &str, name: &str) -> Option<f64> {
    let at = el.find(&format!(" {name}=\""))? + name.len() + 3;
    el[at..].split('"').next()?.parse().ok()
}

#[test]
fn stages_escalation_windows_and_isr_gaps_come_from_the_result_files() {
    let dir = tempfile::tempdir().unwrap();
    let console = run(dir.path());
    let out = dir.path().join("out");

    // Stages: per type with an interval, per sector without, in summary.json and stages.csv.
    let s = json(&out.join("summary.json"));
    let stages = s["stages"].as_array().expect("a stages section");
    let find = |scope: &str, name: &str, stage: &str| {
        stages
            .iter()
            .find(|e| e["scope"] == scope && e["name"] == name && e["stage"] == stage)
            .unwrap_or_else(|| panic!("{scope} {name} {stage} in {stages:?}"))
    };
    let ty = find("type", "job", "transit");
    let transit_h = s["by_type"][0]["kpis"]["transit_mean_h"]["mean"]
        .as_f64()
        .unwrap();
    assert!((ty["mean_min"].as_f64().unwrap() - transit_h * 60.0).abs() < 1e-9);
    assert!(ty["ci95_low_min"].as_f64().unwrap() <= ty["mean_min"].as_f64().unwrap());
    // The HQ takes a fixed 10 minutes in every sector.
    for sector in ["watched", "blind"] {
        let hq = find("sector", sector, "HQ decision");
        assert!(
            (hq["mean_min"].as_f64().unwrap() - 10.0).abs() < 1e-6,
            "{hq}"
        );
        assert!(hq["ci95_low_min"].is_null());
    }
    let csv = std::fs::read_to_string(out.join("stages.csv")).unwrap();
    assert!(csv.starts_with("scope,name,stage,kpi,mean_min,ci95_low_min,ci95_high_min\n"));
    assert_eq!(csv.lines().count(), stages.len() + 1);
    assert!(
        csv.contains("\nsector,blind,HQ decision,decision_time_mean_h,10,,\n"),
        "{csv}"
    );

    // The Escalate window is saved and shaded exactly, days 3 to 5 of the 10 shown.
    let t = json(&out.join("theatre.json"));
    let w = &t["escalations"][0];
    assert_eq!(
        (w["from_h"].as_f64(), w["until_h"].as_f64()),
        (Some(72.0), Some(120.0))
    );
    assert_eq!(w["sectors"].as_array().unwrap().len(), 2);
    let svg = std::fs::read_to_string(out.join("plots/timeline.svg")).unwrap();
    // Shaded rectangles (the escalation colour, translucent), one per panel.
    let shaded: Vec<&str> = svg
        .split('<')
        .filter(|e| e.starts_with("rect") && e.contains("#E69F00") && e.contains("opacity"))
        .collect();
    assert_eq!(shaded.len(), 3, "{shaded:?}");
    // The x axis of the first panel: its whole-day tick labels share one y; the shading
    // runs from the tick of day 3 to the tick of day 5 (labels are centred on their ticks).
    let texts: Vec<(String, f64, f64)> = svg
        .split("<text")
        .skip(1)
        .filter_map(|e| {
            let label = e.split('>').nth(1)?.split('<').next()?.trim().to_string();
            Some((label, attr(e, "x")?, attr(e, "y")?))
        })
        .collect();
    let tick = |label: &str, y: f64| texts.iter().find(|t| t.0 == label && t.2 == y).map(|t| t.1);
    let axis_y = texts
        .iter()
        .filter(|t| t.0 == "3")
        .map(|t| t.2)
        .find(|&y| tick("5", y).is_some_and(|x5| Some(x5) != tick("3", y)))
        .expect("an x axis with ticks 3 and 5");
    let (x3, x5) = (tick("3", axis_y).unwrap(), tick("5", axis_y).unwrap());
    let r = shaded[0];
    let (x, width) = (attr(r, "x").unwrap(), attr(r, "width").unwrap());
    assert!(
        (x - x3).abs() <= 1.0,
        "shading starts at {x}, day 3 is at {x3}"
    );
    assert!(
        (x + width - x5).abs() <= 1.0,
        "shading ends at {}, day 5 is at {x5}",
        x + width
    );
    assert!(!svg.contains("as the counts show"));

    // The finding names the blind sector, not the watched one, with its share and satellite.
    let blind = "1 of 2 sectors lack ISR coverage over part of their area: blind (100 % of its area out of range of every radar and observation post; no drone orbit; satellite passes every 24 h).";
    assert!(console.contains(blind), "{console}");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("blind (100 % of its area"),
        "report.html has the finding"
    );
}

/// `sweep.json` without the fields that time the run.
fn untimed(mut v: serde_json::Value) -> serde_json::Value {
    for k in ["wall_seconds", "events_per_second", "threads"] {
        v.as_object_mut().unwrap().remove(k);
    }
    v
}

#[test]
fn a_sweep_compares_each_point_with_its_base_scenario_sharded_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = |out: &Path, extra: &[&str]| {
        let mut args = vec![
            "sweep",
            "tests/data/sweep-small.ron",
            "-n",
            "3",
            "--kpi",
            "response_time_mean_h",
            "--threads",
            "2",
            "--no-plots",
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = forceplan(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let direct = dir.path().join("direct");
    let console = sweep(&direct, &[]);
    let s = json(&direct.join("sweep.json"));
    let points = s["points"].as_array().unwrap();
    assert_eq!(points.len(), 6, "the baseline is not a design point");
    let base = &s["baseline"];
    assert_eq!(base["replications"], 3);
    let base_mean = base["ranked"]["mean"].as_f64().unwrap();
    for p in points {
        // Paired by replication with the same n: the mean difference is the difference of means.
        let d = &p["ranked_vs_baseline"];
        let diff = p["ranked"]["mean"].as_f64().unwrap() - base_mean;
        assert!(
            (d["mean"].as_f64().unwrap() - diff).abs() < 1e-9,
            "{d} vs {diff}"
        );
        assert_eq!(d["n"], 3);
        let b = &p["breakdown_vs_baseline"];
        assert!(b["by_domain"]["land"]["response_time_mean_h"]["mean"].is_number());
        assert!(!b["by_type"].as_array().unwrap().is_empty());
        assert!(!b["by_sector"].as_array().unwrap().is_empty());
    }
    // Common random numbers: the base scenario sees the points' violations.
    assert_eq!(
        base["kpis"]["violations"]["mean"],
        points[0]["kpis"]["violations"]["mean"]
    );
    let csv = std::fs::read_to_string(direct.join("sweep_breakdown.csv")).unwrap();
    assert!(csv.starts_with("point,part,id,kpi,diff_mean,diff_ci_low,diff_ci_high,n,verdict\n"));
    let land_rt =
        points[5]["breakdown_vs_baseline"]["by_domain"]["land"]["response_time_mean_h"]["mean"]
            .as_f64()
            .unwrap();
    let row = csv
        .lines()
        .find(|l| l.starts_with("point-5,domain,land,response_time_mean_h,"))
        .expect("a row per point, part and KPI");
    let v: f64 = row.split(',').nth(4).unwrap().parse().unwrap();
    assert!(
        (v - land_rt).abs() <= 1e-12 * land_rt.abs().max(1.0),
        "{row}"
    );
    assert!(console.contains("point − baseline"), "{console}");
    assert!(
        console.contains("(base scenario, no factor applied"),
        "{console}"
    );

    // Two shards and a merge give the same files.
    let sharded = dir.path().join("sharded");
    for k in ["1/2", "2/2"] {
        sweep(&sharded, &["--shard", k]);
    }
    let o = forceplan(&["merge", sharded.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        untimed(json(&sharded.join("sweep.json"))),
        untimed(json(&direct.join("sweep.json")))
    );
    for f in ["sweep.csv", "sweep_breakdown.csv"] {
        assert_eq!(
            std::fs::read_to_string(sharded.join(f)).unwrap(),
            std::fs::read_to_string(direct.join(f)).unwrap(),
            "{f}"
        );
    }
}
