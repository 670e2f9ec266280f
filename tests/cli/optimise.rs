//! `forceplan optimise`: the same optimum for any thread count, `best.ron` that `compare` runs
//! as it is, a resumed run that replays its journal, located errors in problem files, the
//! `FewestUnits` confirmation, and (a cheap version of `scripts/optimiser-check.sh`) seeded
//! searches that end within delta of the exhaustive truth.

use crate::common::{forceplan, json, stderr, stdout};
use std::path::Path;

const PROBLEM: &str = "scenarios/optimise/three-qrf-problem.ron";

fn optimise(out: &Path, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["optimise", PROBLEM, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = forceplan(&args);
    assert!(o.status.success(), "optimise failed: {}", stderr(&o));
    json(&out.join("optimum.json"))
}

/// optimum.json without its timing fields.
fn untimed(mut v: serde_json::Value) -> serde_json::Value {
    let m = v.as_object_mut().unwrap();
    m.remove("wall_seconds");
    m.remove("cpu_seconds");
    v
}

#[test]
fn one_and_two_threads_give_the_same_optimum_and_best_ron_runs_in_compare() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("t1"), dir.path().join("t2"));
    let ja = optimise(&a, &["--threads", "1", "--seed", "5"]);
    let jb = optimise(&b, &["--threads", "2", "--seed", "5"]);
    assert!(ja["replications_total"].as_u64().unwrap() > 0);
    assert_eq!(
        serde_json::to_string(&untimed(ja.clone())).unwrap(),
        serde_json::to_string(&untimed(jb)).unwrap()
    );
    assert_eq!(
        std::fs::read(a.join("best.ron")).unwrap(),
        std::fs::read(b.join("best.ron")).unwrap()
    );
    // The guarantee is stated with its delta, alpha and assumptions.
    assert_eq!(ja["guarantee"]["delta"], 0.1);
    assert!(
        !ja["guarantee"]["assumptions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(ja["problem"]["plans_in_space"], 56);
    // The convergence plot and the report section are written beside optimum.json.
    let html = std::fs::read_to_string(a.join("report.html")).unwrap();
    assert!(html.contains("qrf-1"), "report.html names the best plan");
    assert!(
        std::fs::read_dir(a.join("plots"))
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".svg")),
        "a convergence plot is drawn"
    );
    // best.ron is a study that compare runs as it is: the best plan, runners-up, baseline.
    let cmp = dir.path().join("cmp");
    let o = forceplan(&[
        "compare",
        a.join("best.ron").to_str().unwrap(),
        "--out",
        cmp.to_str().unwrap(),
        "-n",
        "4",
        "--no-plots",
    ]);
    assert!(
        o.status.success(),
        "compare best.ron failed: {}",
        stderr(&o)
    );
    let c = json(&cmp.join("comparison.json"));
    let names: Vec<&str> = c["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"best") && names.contains(&"baseline"),
        "{names:?}"
    );
}

#[test]
fn a_resumed_run_replays_its_journal_and_gives_the_same_optimum() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r");
    let full = optimise(&out, &["--seed", "3", "--threads", "2"]);
    // Keep only the first half of the journal's plans, as if the run had stopped.
    let jpath = out.join("journal.json");
    let mut j = json(&jpath);
    let plans = j["plans"].as_array_mut().unwrap();
    let half = plans.len() / 2;
    plans.truncate(half);
    assert!(half > 0);
    std::fs::write(&jpath, serde_json::to_vec(&j).unwrap()).unwrap();
    std::fs::remove_file(out.join("optimum.json")).unwrap();
    let o = forceplan(&["optimise", "--resume", out.to_str().unwrap()]);
    assert!(o.status.success(), "resume failed: {}", stderr(&o));
    let resumed = json(&out.join("optimum.json"));
    assert_eq!(untimed(full), untimed(resumed));
    // --resume takes everything from the directory.
    let o = forceplan(&["optimise", PROBLEM, "--resume", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn searches_end_within_delta_of_the_exhaustive_truth() {
    let dir = tempfile::tempdir().unwrap();
    let truth = optimise(
        &dir.path().join("truth"),
        &["--exhaustive", "60", "--threads", "2"],
    );
    assert_eq!(truth["mode"], "exhaustive");
    assert_eq!(truth["evaluated"].as_array().unwrap().len(), 56);
    let means: Vec<(String, f64)> = truth["evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["vector"].to_string(),
                e["objective_mean"].as_f64().unwrap(),
            )
        })
        .collect();
    let best = means.iter().map(|m| m.1).fold(f64::INFINITY, f64::min);
    let delta = truth["guarantee"]["delta"].as_f64().unwrap();
    for seed in ["1", "2", "3"] {
        let j = optimise(
            &dir.path().join(format!("s{seed}")),
            &[
                "--seed",
                seed,
                "--budget-replications",
                "2800",
                "--threads",
                "2",
            ],
        );
        let v = j["best"]["vector"].to_string();
        let mean = means.iter().find(|m| m.0 == v).unwrap().1;
        assert!(
            mean <= best + delta,
            "seed {seed}: {v} has {mean}, best {best}"
        );
        assert!(j["replications_total"].as_u64().unwrap() <= 2800);
    }
}

#[test]
fn fewest_units_is_confirmed_and_one_fewer_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("fewest.ron");
    let scenario = crate::common::repo("scenarios/optimise/three-qrf.ron");
    std::fs::write(
        &p,
        format!(
            "Problem(name: \"fewest\", scenario: {:?},\n decisions: [Count(contingents: Contingents(id: [\"qrf-1\", \"qrf-2\", \"qrf-3\"]), min: 0, max: 3)],\n objective: FewestUnits,\n constraints: [Require(that: \"responded_share[domain=land] >= 0.95\", confidence: 0.95)],\n delta: 1, replications: (n0: 10, budget: 2000, confirm: 200))",
            scenario.to_str().unwrap()
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = forceplan(&[
        "optimise",
        p.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let j = json(&out.join("optimum.json"));
    let f = &j["fewest_units"];
    assert_eq!(f["replications"], 200);
    assert_eq!(f["answer"]["meets"], true, "{f}");
    assert_eq!(f["confirmed"], true, "{f}");
    if !f["one_fewer"].is_null() {
        assert_eq!(f["one_fewer"]["meets"], false);
        assert_eq!(
            f["one_fewer"]["units"].as_u64().unwrap() + 1,
            f["units"].as_u64().unwrap()
        );
    }
    assert!(stdout(&o).contains("fewest units:"));
    // The best plan in words: "qrf-1: 1 unit", "qrf-2: 0 units".
    for d in j["best"]["description"].as_array().unwrap() {
        let d = d.as_str().unwrap();
        let n: u64 = d
            .rsplit(": ")
            .next()
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            d.ends_with(if n == 1 { " 1 unit" } else { " units" }),
            "{d}"
        );
    }
}

#[test]
fn a_bad_problem_file_is_located_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.ron");
    let scenario = crate::common::repo("scenarios/optimise/three-qrf.ron");
    std::fs::write(
        &p,
        format!(
            "Problem(name: \"bad\", scenario: {:?},\n decisions: [Place(contingents: Contingents(id: [\"qrf-1\"]),\n   bases: [\"kyiv\", \"atlantis\"])],\n objective: Minimise(\"response_time_mean_h\"),\n constraints: [Require(that: \"no_such_kpi >= 1\")],\n delta: 0.1)",
            scenario.to_str().unwrap()
        ),
    )
    .unwrap();
    let o = forceplan(&[
        "optimise",
        p.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("bad.ron:3:") && e.contains("unknown base \"atlantis\""),
        "{e}"
    );
    assert!(e.contains("bad.ron:5:") && e.contains("no_such_kpi"), "{e}");
    assert!(!dir.path().join("o").join("optimum.json").exists());
}

#[test]
fn two_shards_of_an_exhaustive_evaluation_merge_into_the_unsharded_optimum() {
    let dir = tempfile::tempdir().unwrap();
    let whole = optimise(
        &dir.path().join("whole"),
        &["--exhaustive", "4", "--seed", "7"],
    );
    let sh = dir.path().join("sh");
    for k in ["1/2", "2/2"] {
        let o = forceplan(&[
            "optimise",
            PROBLEM,
            "--exhaustive",
            "4",
            "--seed",
            "7",
            "--shard",
            k,
            "--out",
            sh.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "shard {k} failed: {}", stderr(&o));
    }
    assert!(!sh.join("optimum.json").exists(), "a shard selects nothing");
    // Each shard evaluated its half of the 56 plans, 4 replications each, and no plan twice.
    let mut all = std::collections::BTreeSet::new();
    for k in ["shard-1-of-2", "shard-2-of-2"] {
        let j = json(&sh.join(k).join("journal.json"));
        let plans = j["plans"].as_array().unwrap();
        assert_eq!(plans.len(), 28, "{k}");
        for p in plans {
            assert_eq!(p["objective"].as_array().unwrap().len(), 4);
            assert!(all.insert(p["plan"].to_string()), "{k} repeats a plan");
        }
    }
    let o = forceplan(&["merge", sh.to_str().unwrap()]);
    assert!(o.status.success(), "merge failed: {}", stderr(&o));
    assert!(stdout(&o).contains("merged 2 shards"), "{}", stdout(&o));
    let merged = json(&sh.join("optimum.json"));
    assert_eq!(merged["mode"], "exhaustive");
    assert_eq!(untimed(whole), untimed(merged));
    // A shard of another seed is refused, and so is a missing shard.
    let other = dir.path().join("other");
    let o = forceplan(&[
        "optimise",
        PROBLEM,
        "--exhaustive",
        "4",
        "--seed",
        "8",
        "--shard",
        "2/2",
        "--out",
        other.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = forceplan(&[
        "merge",
        sh.join("shard-1-of-2").to_str().unwrap(),
        other.join("shard-2-of-2").to_str().unwrap(),
        "--out",
        dir.path().join("m").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("another optimisation"),
        "{}",
        stderr(&o)
    );
    let o = forceplan(&["merge", other.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("shard 1 of 2 is missing"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_adaptive_search_is_not_sharded() {
    let dir = tempfile::tempdir().unwrap();
    let o = forceplan(&[
        "optimise",
        PROBLEM,
        "--shard",
        "1/2",
        "--out",
        dir.path().join("s").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("exhaustive evaluation only"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.path().join("s").exists(), "nothing written");
}

/// The three-QRF problem in `dir` with `extra` fields added (its scenario copied beside it).
fn problem_with(dir: &Path, extra: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(PROBLEM).unwrap();
    let text = text.replacen("delta: 0.1,", &format!("delta: 0.1,\n    {extra}"), 1);
    std::fs::copy(
        "scenarios/optimise/three-qrf.ron",
        dir.join("three-qrf.ron"),
    )
    .unwrap();
    let p = dir.join("problem.ron");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn kn_selection_is_deterministic_across_threads_and_named_in_the_guarantee() {
    let dir = tempfile::tempdir().unwrap();
    let p = problem_with(dir.path(), "selection: Kn,");
    let run = |name: &str, threads: &str| {
        let out = dir.path().join(name);
        let o = forceplan(&[
            "optimise",
            p.to_str().unwrap(),
            "--seed",
            "5",
            "--threads",
            threads,
            "--out",
            out.to_str().unwrap(),
            "--no-plots",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        json(&out.join("optimum.json"))
    };
    let (a, b) = (run("t1", "1"), run("t2", "2"));
    assert_eq!(untimed(a.clone()), untimed(b));
    let g = &a["guarantee"];
    assert!(
        g["method"]
            .as_str()
            .unwrap()
            .starts_with("KN (Kim & Nelson 2001)"),
        "{g}"
    );
    assert!(
        g["statement"]
            .as_str()
            .unwrap()
            .contains("PCS >= 1 - alpha")
            && g["selection_complete"] == true,
        "{g}"
    );
    // KN ran: its h² = 2 η (n0 - 1), η = ((2 alpha / (k - 1))^(-2 / (n0 - 1)) - 1) / 2.
    let k = g["candidates"].as_f64().unwrap();
    let (alpha, n0) = (g["alpha"].as_f64().unwrap(), g["n0"].as_f64().unwrap());
    let eta = 0.5 * ((2.0 * alpha / (k - 1.0)).powf(-2.0 / (n0 - 1.0)) - 1.0);
    let h2 = format!("KN's h2 = {:.4};", 2.0 * eta * (n0 - 1.0));
    assert!(
        g["statement"].as_str().unwrap().contains(&h2),
        "{h2} in {g}"
    );
    // The default stays OCBA, and anything else is refused where it is written.
    let ocba = optimise(&dir.path().join("ocba"), &["--seed", "5", "--no-plots"]);
    assert!(
        ocba["guarantee"]["method"]
            .as_str()
            .unwrap()
            .starts_with("OCBA")
    );
    let bad = problem_with(dir.path(), "selection: Best,");
    let o = forceplan(&[
        "optimise",
        bad.to_str().unwrap(),
        "--out",
        dir.path().join("bad").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("problem.ron:14:") && e.contains("Best"), "{e}");
    assert!(!dir.path().join("bad").join("optimum.json").exists());
}

/// The three-QRF scenario with a sector around Kyiv where its nation may not act
/// (`NoSector`), and a problem placing the platoons at `bases`, both in `dir`.
fn barred_kyiv(dir: &Path, bases: &str) -> std::path::PathBuf {
    let sc = std::fs::read_to_string("scenarios/optimise/three-qrf.ron").unwrap();
    let sc = sc.replacen(
        r#"nations: [(code: "AAA", name: "Alphaland")],"#,
        r#"nations: [(code: "AAA", name: "Alphaland", caveats: [NoSector("kyiv-area")])],"#,
        1,
    );
    let sc = sc.replacen(
        "    sectors: [\n",
        "    sectors: [\n        (id: \"kyiv-area\", name: \"Kyiv\", domain: Land, geometry: Polygon([(lat: 50.0, lon: 30.0), (lat: 50.0, lon: 31.0), (lat: 51.0, lon: 31.0), (lat: 51.0, lon: 30.0)]),\n            rate_per_day: 0.1, mix: [(\"incursion\", 1.0)]),\n",
        1,
    );
    assert!(sc.contains("NoSector") && sc.contains("kyiv-area\", name"));
    std::fs::write(dir.join("three-qrf.ron"), sc).unwrap();
    let text = std::fs::read_to_string(PROBLEM).unwrap();
    let from = r#"bases: ["kyiv", "poltava", "dnipro", "kharkiv", "zaporizhzhia", "kramatorsk"]"#;
    assert!(text.contains(from));
    let p = dir.join("problem.ron");
    std::fs::write(&p, text.replacen(from, &format!("bases: {bases}"), 1)).unwrap();
    p
}

#[test]
fn a_base_in_a_barred_sector_is_left_out_with_a_warning_and_none_left_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = barred_kyiv(dir.path(), r#"["kyiv", "kharkiv"]"#);
    let out = dir.path().join("o");
    let o = forceplan(&[
        "optimise",
        p.to_str().unwrap(),
        "--exhaustive",
        "2",
        "--out",
        out.to_str().unwrap(),
        "--no-plots",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains(r#"base "kyiv" is left out for "qrf-1": it lies in sector "kyiv-area", where AAA may not act (caveat NoSector)"#),
        "{e}"
    );
    assert!(e.contains("problem.ron:"), "the warning is located: {e}");
    // Only Kharkiv is left: one plan, all three platoons there.
    let j = json(&out.join("optimum.json"));
    assert_eq!(j["problem"]["plans_in_space"], 1, "{}", j["problem"]);
    assert!(
        !j["best"]["plan"].to_string().contains("kyiv"),
        "{}",
        j["best"]
    );
    // With Kyiv alone, no base is left: a located error, exit 2, nothing written.
    let p = barred_kyiv(dir.path(), r#"["kyiv"]"#);
    let out = dir.path().join("none");
    let o = forceplan(&[
        "optimise",
        p.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("problem.ron:10:22:")
            && e.contains(r#"no candidate base is left for "qrf-1" after its nation's caveats"#),
        "{e}"
    );
    assert!(!out.join("optimum.json").exists());
}

#[test]
fn validate_reads_problem_files_with_the_space_size_and_caveat_warnings() {
    let o = forceplan(&["validate", PROBLEM]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains(r#"is valid: problem "three-qrf""#), "{s}");
    assert!(s.contains("3 variables, 56 plans"), "{s}");
    let o = forceplan(&["validate", PROBLEM, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["kind"], "problem");
    assert_eq!(v["plans_in_space"], 56);
    assert_eq!(v["selection"], "Ocba");
    // The caveat warning, on stderr and in the JSON; the space counts what is left.
    let dir = tempfile::tempdir().unwrap();
    let p = barred_kyiv(dir.path(), r#"["kyiv", "kharkiv", "dnipro"]"#);
    let o = forceplan(&["validate", p.to_str().unwrap(), "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(r#"base "kyiv" is left out for "qrf-1""#),
        "{}",
        stderr(&o)
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["plans_in_space"], 4, "3 platoons over 2 bases");
    assert_eq!(
        v["warnings"].as_array().unwrap().len(),
        3,
        "{}",
        v["warnings"]
    );
    // No base left: located, exit 2.
    let p = barred_kyiv(dir.path(), r#"["kyiv"]"#);
    let o = forceplan(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("problem.ron:10:22:"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}
