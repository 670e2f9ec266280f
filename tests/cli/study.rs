//! `forceplan compare`, `sweep`, `--shard` and `merge`: outputs, statistics, and the
//! equality of sharded and unsharded studies.

use crate::common::*;
use forceplan::experiment::plan::{Inputs, Kind, Params, Plan};
use forceplan::metrics::{SimOptions, replicate};
use std::path::Path;

/// Parses a JSON file with the timing fields removed (they are the only allowed difference).
fn strip_timing(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(m) => m
            .into_iter()
            .filter(|(k, _)| {
                ![
                    "wall_seconds",
                    "events_per_second",
                    "threads",
                    "cpu_seconds",
                    "seconds_per_replication_year",
                    "violations_per_cpu_second",
                ]
                .contains(&k.as_str())
            })
            .map(|(k, v)| (k, strip_timing(v)))
            .collect(),
        serde_json::Value::Array(a) => a.into_iter().map(strip_timing).collect(),
        v => v,
    }
}

/// Asserts every file under `a` exists under `b` with the same content (JSON modulo timing).
fn assert_same_outputs(a: &Path, b: &Path) {
    let mut n = 0;
    let mut stack = vec![a.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let q = b.join(p.strip_prefix(a).unwrap());
            assert!(q.exists(), "{} missing", q.display());
            if p.extension().is_some_and(|x| x == "json") {
                assert_eq!(
                    strip_timing(json(&p)),
                    strip_timing(json(&q)),
                    "{} differs",
                    p.display()
                );
            } else if p.file_name().is_some_and(|n| n == "report.html") {
                // The report of a run states the wall time; nothing else may differ.
                let text = |f: &Path| {
                    let t = std::fs::read_to_string(f).unwrap();
                    t.lines()
                        .filter(|l| !l.contains("<dt>events simulated</dt>"))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                assert_eq!(text(&p), text(&q), "{} differs", p.display());
            } else {
                assert_eq!(
                    std::fs::read(&p).unwrap(),
                    std::fs::read(&q).unwrap(),
                    "{} differs",
                    p.display()
                );
            }
            n += 1;
        }
    }
    assert!(n >= 7, "only {n} files compared");
}

#[test]
fn compare_ranks_options_with_paired_cis_and_bonferroni() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cmp");
    let o = forceplan(&[
        "compare",
        "tests/data/study-small.ron",
        // The tutorial's p90 over every violation needing a response is not reached (too
        // many never answered): rank by the answered-only p90, which always exists.
        "--kpi",
        "response_time_p90_answered_h",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("Bonferroni correction for 2 comparisons"),
        "{text}"
    );
    let c = json(&out.join("comparison.json"));
    assert_eq!(c["kpi"], "response_time_p90_answered_h");
    assert_eq!(c["comparisons"], 2);
    assert_eq!(c["correction"], "bonferroni");
    assert!((c["per_comparison_confidence"].as_f64().unwrap() - 0.975).abs() < 1e-12);
    let options = c["options"].as_array().unwrap();
    assert_eq!(options.len(), 3);
    assert_eq!(options[0]["name"], "baseline");
    assert!(options[0]["vs_baseline"].is_null());
    let mut ranks: Vec<u64> = options
        .iter()
        .map(|o| o["rank"].as_u64().unwrap())
        .collect();
    ranks.sort();
    assert_eq!(ranks, vec![1, 2, 3]);
    // Ranks follow the KPI means (lower p90 is better).
    let mut by_rank: Vec<(u64, f64)> = options
        .iter()
        .map(|o| {
            (
                o["rank"].as_u64().unwrap(),
                o["kpis"]["response_time_p90_answered_h"]["mean"]
                    .as_f64()
                    .unwrap(),
            )
        })
        .collect();
    by_rank.sort_by_key(|x| x.0);
    assert!(by_rank.windows(2).all(|w| w[0].1 <= w[1].1));
    for o in &options[1..] {
        let d = &o["vs_baseline"]["response_time_p90_answered_h"];
        let diff = o["kpis"]["response_time_p90_answered_h"]["mean"]
            .as_f64()
            .unwrap()
            - options[0]["kpis"]["response_time_p90_answered_h"]["mean"]
                .as_f64()
                .unwrap();
        assert!(
            (d["mean"].as_f64().unwrap() - diff).abs() < 1e-9,
            "paired mean = difference of means"
        );
        let (lo, hi) = (
            d["ci_low"].as_f64().unwrap(),
            d["ci_high"].as_f64().unwrap(),
        );
        let verdict = d["verdict"].as_str().unwrap();
        let expected = if lo > 0.0 {
            "worse"
        } else if hi < 0.0 {
            "better"
        } else {
            "no significant difference"
        };
        assert_eq!(verdict, expected);
        // Violations are the same in every option (common random numbers).
        assert_eq!(o["vs_baseline"]["violations"]["mean"].as_f64(), Some(0.0));
        assert_eq!(
            o["vs_baseline"]["violations"]["verdict"],
            "no significant difference"
        );
    }
    let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    assert!(csv.starts_with("option,rank,kpi,mean"));
    for name in ["baseline", "more-infantry", "infantry-to-kulbakino"] {
        assert!(out.join("options").join(name).join("summary.json").exists());
    }
}

#[test]
fn precision_adds_replications_until_the_ci_is_narrow_enough() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("p");
    let o = forceplan(&[
        "compare",
        "tests/data/study-small.ron",
        "-n",
        "4",
        "--precision",
        "0.8",
        "--kpi",
        "response_time_mean_h",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let c = json(&out.join("comparison.json"));
    assert_eq!(c["precision"]["reached"], true);
    let n = c["replications"].as_u64().unwrap();
    assert!(n > 4, "needed more than the first batch: {n}");
    for o in c["options"].as_array().unwrap() {
        let k = &o["kpis"]["response_time_mean_h"];
        assert!((k["ci95_high"].as_f64().unwrap() - k["ci95_low"].as_f64().unwrap()) / 2.0 <= 0.8);
        assert_eq!(o["replications"].as_u64(), Some(n));
    }
}

#[test]
fn paired_differences_beat_unpaired_ones_and_violations_are_common() {
    let plan = Plan::load(
        Kind::Compare,
        &repo("tests/data/study-small.ron").display().to_string(),
        Inputs::from_disk(),
        Params {
            seed: None,
            replications: None,
            kpi: None,
            warm_up_days: None,
            horizon_days: None,
        },
    )
    .unwrap();
    let (base, opt) = (&plan.variants[0].prepared, &plan.variants[1].prepared);
    // The same option under another seed: its scenario file, the option's change, a new seed.
    let src = forceplan::scenario::Source::read(&repo("scenarios/tutorial.ron")).unwrap();
    let other_seed = src
        .changed(&[
            forceplan::scenario::change::RawChange::SetUnits {
                contingent: "gbr-infantry".into(),
                units: 12,
            },
            forceplan::scenario::change::RawChange::SetSeed(opt.scenario.seed + 1_000),
        ])
        .unwrap()
        .validate()
        .unwrap();
    assert_eq!(plan.variants[1].name, "more-infantry");
    let independent = forceplan::model::Prepared::new(other_seed);
    let k = forceplan::metrics::Kpi::ResponseTimeMeanH.index();
    let (mut paired, mut unpaired) = (Vec::new(), Vec::new());
    for rep in 0..12 {
        let trace = SimOptions {
            trace: true,
            timeline: false,
        };
        let (a, b) = (replicate(base, rep, trace), replicate(opt, rep, trace));
        let key = |o: &forceplan::metrics::Outcome| {
            o.trace
                .as_ref()
                .unwrap()
                .iter()
                .map(|r| (r.id, r.occurred, r.sector, r.vtype, r.pos.lat.to_bits()))
                .collect::<std::collections::BTreeSet<_>>()
        };
        assert_eq!(
            key(&a),
            key(&b),
            "replication {rep}: the options see different violations"
        );
        let c = replicate(&independent, rep, SimOptions::default());
        paired.push(b.result.kpis.values[k] - a.result.kpis.values[k]);
        unpaired.push(c.result.kpis.values[k] - a.result.kpis.values[k]);
    }
    let var = |x: &[f64]| {
        let m = x.iter().sum::<f64>() / x.len() as f64;
        x.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (x.len() - 1) as f64
    };
    assert!(
        var(&paired) < var(&unpaired) / 2.0,
        "paired variance {} vs unpaired {}",
        var(&paired),
        var(&unpaired)
    );
}

#[test]
fn sweep_grid_writes_one_row_per_point() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sw");
    let o = forceplan(&[
        "sweep",
        "tests/data/sweep-small.ron",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = json(&out.join("sweep.json"));
    assert_eq!(s["design"], "grid");
    let points = s["points"].as_array().unwrap();
    assert_eq!(points.len(), 6, "3 revisit levels × 2 infantry levels");
    let values: Vec<(f64, f64)> = points
        .iter()
        .map(|p| {
            (
                p["factors"]["revisit_h"].as_f64().unwrap(),
                p["factors"]["infantry"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        values,
        vec![
            (1.0, 2.0),
            (1.0, 6.0),
            (4.5, 2.0),
            (4.5, 6.0),
            (8.0, 2.0),
            (8.0, 6.0)
        ]
    );
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert_eq!(csv.lines().count(), 7);
    assert!(
        csv.lines()
            .next()
            .unwrap()
            .starts_with("point,revisit_h,infantry,violations_mean")
    );
    // Common random numbers: every point sees the same violations.
    let v: Vec<f64> = points
        .iter()
        .map(|p| p["kpis"]["violations"]["mean"].as_f64().unwrap())
        .collect();
    assert!(v.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn latin_hypercube_is_seeded_and_stratified() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo("tests/data/sweep-small.ron"))
        .unwrap()
        .replace("design: Grid", "design: LatinHypercube(points: 5, seed: 3)")
        .replace(
            "study-small.ron",
            &repo("tests/data/study-small.ron").display().to_string(),
        );
    let file = dir.path().join("lhs.ron");
    std::fs::write(&file, text).unwrap();
    let run = |name: &str| {
        let out = dir.path().join(name);
        let o = forceplan(&[
            "sweep",
            file.to_str().unwrap(),
            "-n",
            "1",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        json(&out.join("sweep.json"))
    };
    let (a, b) = (run("a"), run("b"));
    assert_eq!(strip_timing(a.clone()), strip_timing(b));
    let mut strata: Vec<usize> = a["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| ((p["factors"]["revisit_h"].as_f64().unwrap() - 1.0) / 7.0 * 5.0).floor() as usize)
        .collect();
    strata.sort();
    assert_eq!(
        strata,
        vec![0, 1, 2, 3, 4],
        "one point per stratum of the first factor"
    );
}

#[test]
fn sharded_runs_merge_to_the_unsharded_outputs_whatever_n() {
    let dir = tempfile::tempdir().unwrap();
    let direct = dir.path().join("direct");
    let o = forceplan(&[
        "compare",
        "tests/data/study-small.ron",
        "-n",
        "5",
        "--out",
        direct.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    for n in [2, 3, 7] {
        let sharded = dir.path().join(format!("sharded-{n}"));
        for k in 1..=n {
            let spec = format!("{k}/{n}");
            let o = forceplan(&[
                "compare",
                "tests/data/study-small.ron",
                "-n",
                "5",
                "--shard",
                &spec,
                "--out",
                sharded.to_str().unwrap(),
            ]);
            assert!(o.status.success(), "{}", stderr(&o));
        }
        let o = forceplan(&["merge", sharded.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_same_outputs(&direct, &sharded);
    }
    // A plain run and a sweep shard and merge the same way.
    let run_direct = dir.path().join("run-direct");
    run_ok("scenarios/tutorial.ron", &run_direct, &["-n", "3"]);
    let run_sharded = dir.path().join("run-sharded");
    for k in 1..=2 {
        run_ok(
            "scenarios/tutorial.ron",
            &run_sharded,
            &["-n", "3", "--shard", &format!("{k}/2")],
        );
    }
    assert!(
        forceplan(&[
            "merge",
            run_sharded.join("shard-1-of-2").to_str().unwrap(),
            run_sharded.join("shard-2-of-2").to_str().unwrap(),
            "--out",
            run_sharded.to_str().unwrap()
        ])
        .status
        .success()
    );
    assert_same_outputs(&run_direct, &run_sharded);
}

#[test]
fn merge_refuses_foreign_and_reports_missing_shards() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    for k in [1, 3] {
        let o = forceplan(&[
            "compare",
            "tests/data/study-small.ron",
            "-n",
            "3",
            "--shard",
            &format!("{k}/4"),
            "--out",
            a.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    // A shard killed half-way leaves only a temporary file: merge does not take it.
    std::fs::create_dir_all(a.join("shard-2-of-4")).unwrap();
    std::fs::write(
        a.join("shard-2-of-4").join(".partial.json.tmp-999"),
        "{\"format\": \"forceplan-shard-2\", \"trunc",
    )
    .unwrap();
    let o = forceplan(&["merge", a.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("missing shards 2, 4 of 4"),
        "{}",
        stderr(&o)
    );
    assert!(!a.join("comparison.json").exists());
    // A shard of other inputs (another seed) is refused.
    let b = dir.path().join("b");
    let o = forceplan(&[
        "compare",
        "tests/data/study-small.ron",
        "-n",
        "3",
        "--seed",
        "99",
        "--shard",
        "2/4",
        "--out",
        b.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let o = forceplan(&[
        "merge",
        a.join("shard-1-of-4").to_str().unwrap(),
        b.join("shard-2-of-4").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("different inputs"), "{}", stderr(&o));
}

#[test]
fn broken_studies_give_exit_code_2_and_say_where() {
    let mut n = 0;
    for e in std::fs::read_dir(repo("tests/data/bad-study")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "ron") {
            continue;
        }
        let rel = format!(
            "tests/data/bad-study/{}",
            p.file_name().unwrap().to_string_lossy()
        );
        let o = forceplan(&["compare", &rel]);
        assert_eq!(o.status.code(), Some(2), "{rel}: {}", stderr(&o));
        for line in std::fs::read_to_string(p.with_extension("expect"))
            .unwrap()
            .lines()
            .filter(|l| !l.is_empty())
        {
            assert!(
                stderr(&o).contains(line),
                "{rel}: expected {line:?} in {}",
                stderr(&o)
            );
        }
        n += 1;
    }
    assert_eq!(n, 3);
}

#[test]
fn shipped_studies_and_sweeps_validate() {
    // One replication of a 2-day horizon would still load the whole default scenario; the
    // plan loading (parse, apply changes, validate every option) is what is checked here.
    for (kind, f) in [
        (Kind::Compare, "scenarios/studies/basing.ron"),
        (Kind::Compare, "scenarios/studies/monitoring.ron"),
        (Kind::Sweep, "scenarios/sweeps/qrf-readiness.ron"),
        (Kind::Sweep, "scenarios/sweeps/sar-revisit-lhs.ron"),
    ] {
        let plan = Plan::load(
            kind,
            &repo(f).display().to_string(),
            Inputs::from_disk(),
            Params {
                seed: None,
                replications: None,
                kpi: None,
                warm_up_days: None,
                horizon_days: None,
            },
        );
        let plan = plan.unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(
            plan.variants.len() >= 5,
            "{f}: {} variants",
            plan.variants.len()
        );
    }
}
