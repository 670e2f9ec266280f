//! `forceplan run`: the files it writes and what they contain.

use crate::common::*;

const KPIS: [&str; 11] = [
    "violations",
    "detected_share",
    "responded_share",
    "detection_latency_mean_h",
    "response_time_mean_h",
    "response_time_p50_h",
    "response_time_p90_h",
    "response_time_p95_h",
    "within_target_share",
    "unanswered_at_end",
    "utilisation",
];

#[test]
fn run_writes_summary_csvs_and_trace() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = run_ok(
        "scenarios/tutorial.ron",
        &out,
        &["--replications", "4", "--trace", "--threads", "2"],
    );
    let table = stdout(&o);
    assert!(table.contains("response time p90 [h]"), "{table}");

    let s = json(&out.join("summary.json"));
    assert_eq!(s["scenario"], "tutorial");
    assert_eq!(s["replications"], 4);
    assert!(s["events"].as_u64().unwrap() > 0);
    assert!(s["wall_seconds"].as_f64().unwrap() > 0.0);
    for k in KPIS {
        let kpi = &s["kpis"][k];
        for f in ["mean", "std", "ci95_low", "ci95_high"] {
            assert!(kpi.get(f).is_some(), "kpis.{k}.{f} missing");
        }
        for d in ["air", "sea", "land"] {
            assert!(
                s["by_domain"][d][k].get("mean").is_some(),
                "by_domain.{d}.{k} missing"
            );
        }
    }
    let m = |k: &str| s["kpis"][k]["mean"].as_f64().unwrap();
    assert!(m("violations") > 0.0);
    assert!((0.0..=1.0).contains(&m("detected_share")));
    assert!(m("response_time_p50_answered_h") <= m("response_time_p90_answered_h"));
    assert!(m("response_time_p90_answered_h") <= m("response_time_p95_answered_h"));
    assert!(!s["by_nation"].as_array().unwrap().is_empty());
    assert!(!s["by_sector"].as_array().unwrap().is_empty());

    let reps = std::fs::read_to_string(out.join("replications.csv")).unwrap();
    assert_eq!(reps.lines().count(), 5, "header + one row per replication");
    assert!(
        std::fs::read_to_string(out.join("by_nation.csv"))
            .unwrap()
            .starts_with("code,name,units,tasks_mean")
    );
    assert!(
        std::fs::read_to_string(out.join("by_sector.csv"))
            .unwrap()
            .starts_with("id,name,domain,violations_mean")
    );

    // The trace agrees with the summary: violations per replication and the p90.
    let trace = std::fs::read_to_string(out.join("violations.csv")).unwrap();
    let mut lines = trace.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |n: &str| {
        header
            .iter()
            .position(|h| *h == n)
            .unwrap_or_else(|| panic!("column {n}"))
    };
    let (rep_c, rt_c) = (col("replication"), col("response_time_h"));
    for c in [
        "sector",
        "type",
        "domain",
        "severity",
        "lat",
        "lon",
        "detected_h",
        "sensor",
        "arrived_h",
        "unit",
        "nation",
    ] {
        col(c);
    }
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len() as f64, m("violations") * 4.0);
    let mut rt0: Vec<f64> = rows
        .iter()
        .filter(|r| r[rep_c] == "0" && !r[rt_c].is_empty())
        .map(|r| r[rt_c].parse().unwrap())
        .collect();
    rt0.sort_by(f64::total_cmp);
    let reps: Vec<&str> = reps.lines().collect();
    let rh: Vec<&str> = reps[0].split(',').collect();
    let p90_col = rh
        .iter()
        .position(|h| *h == "response_time_p90_answered_h")
        .unwrap();
    let p90: f64 = reps[1].split(',').nth(p90_col).unwrap().parse().unwrap();
    let h = (rt0.len() - 1) as f64 * 0.9;
    let lo = h.floor() as usize;
    let from_trace = rt0[lo] + (h - lo as f64) * (rt0[(lo + 1).min(rt0.len() - 1)] - rt0[lo]);
    assert!(
        (from_trace - p90).abs() < 1e-3,
        "p90 from trace {from_trace} vs {p90}"
    );
    assert!(!out.join(".trace-parts").exists(), "trace parts cleaned up");
}

#[test]
fn seed_flag_changes_results_and_default_out_dir_is_results_name() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    run_ok("tests/data/good-small.ron", &a, &["-n", "3", "--seed", "1"]);
    run_ok("tests/data/good-small.ron", &b, &["-n", "3", "--seed", "2"]);
    let (sa, sb) = (json(&a.join("summary.json")), json(&b.join("summary.json")));
    assert_eq!(sa["seed"], 1);
    assert_ne!(sa["kpis"], sb["kpis"]);
}

#[test]
fn unwritable_output_directory_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = forceplan(&[
        "run",
        "tests/data/good-small.ron",
        "-n",
        "1",
        "--out",
        file.join("sub").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot write"));
}

/// Runs forceplan with its stdout a pipe whose reading end is already closed.
fn with_closed_stdout(args: &[&str]) -> std::process::Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    std::process::Command::new(env!("CARGO_BIN_EXE_forceplan"))
        .args(args)
        .current_dir(root())
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn a_closed_stdout_pipe_ends_the_output_not_the_command() {
    for args in [
        vec!["validate", "scenarios/coalition-2026.ron"],
        vec!["validate", "--json", "scenarios/coalition-2026.ron"],
    ] {
        let o = with_closed_stdout(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
    // A run whose table cannot be printed still writes every output.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = with_closed_stdout(&[
        "run",
        "scenarios/tutorial.ron",
        "-n",
        "2",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("report.html").is_file());
}

#[test]
fn a_run_owns_its_directory_and_leaves_no_stale_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    run_ok(
        "scenarios/tutorial.ron",
        &out,
        &["-n", "2", "--trace", "--no-plots"],
    );
    assert!(out.join("violations.csv").is_file());
    // The same kind of result again, without a trace: the old trace goes.
    run_ok("scenarios/tutorial.ron", &out, &["-n", "2", "--no-plots"]);
    assert!(!out.join("violations.csv").exists(), "stale trace left");
    // Another kind of result is refused, saying what is there.
    let r = forceplan(&[
        "compare",
        "tests/data/study-small.ron",
        "-n",
        "2",
        "--out",
        o,
    ]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("the results of a `run`"),
        "{}",
        stderr(&r)
    );
    // Files that are not results are refused too; --force replaces them.
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("thesis.tex"), "keep me").unwrap();
    let m = mine.to_str().unwrap();
    let r = forceplan(&["run", "scenarios/tutorial.ron", "-n", "1", "--out", m]);
    assert_eq!(r.status.code(), Some(2), "{}", stderr(&r));
    assert!(stderr(&r).contains("thesis.tex"), "{}", stderr(&r));
    assert_eq!(
        std::fs::read_to_string(mine.join("thesis.tex")).unwrap(),
        "keep me"
    );
    run_ok(
        "scenarios/tutorial.ron",
        &mine,
        &["-n", "1", "--no-plots", "--force"],
    );
    assert!(!mine.join("thesis.tex").exists());
    assert!(mine.join("summary.json").is_file());
}
