//! Ctrl-C (SIGINT) or SIGTERM during a long run or shard keeps the finished replications,
//! leaves no half-written file, and `--resume` completes it with outputs identical to an
//! uninterrupted one; one run at a time owns an output directory; shards merge anywhere.

use crate::common::*;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn strip_timing(mut v: serde_json::Value) -> serde_json::Value {
    for k in [
        "wall_seconds",
        "events_per_second",
        "threads",
        "cpu_seconds",
        "seconds_per_replication_year",
        "violations_per_cpu_second",
    ] {
        v.as_object_mut().unwrap().remove(k);
    }
    v
}

#[test]
fn sigint_keeps_finished_replications_and_resume_completes_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cut");
    let child = Command::new(env!("CARGO_BIN_EXE_forceplan"))
        .args([
            "run",
            "scenarios/coalition-2026.ron",
            "-n",
            "12",
            "--threads",
            "1",
            "--trace",
            "--out",
            out.to_str().unwrap(),
        ])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let items = out.join(".checkpoint").join("items.jsonl");
    let start = Instant::now();
    while std::fs::read_to_string(&items).map_or(0, |t| t.lines().count()) < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no replication finished in 2 minutes"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    assert!(stdout(&o).contains("INTERRUPTED after"), "{}", stdout(&o));

    // The outputs cover exactly the finished replications and say so; nothing half-written.
    let s = json(&out.join("summary.json"));
    assert_eq!(s["interrupted"], true);
    let done = s["replications"].as_u64().unwrap();
    assert!((2..12).contains(&done), "{done} replications done");
    let rows = std::fs::read_to_string(out.join("replications.csv"))
        .unwrap()
        .lines()
        .count() as u64;
    assert_eq!(rows, done + 1);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains(".tmp")),
        "temporary files left: {names:?}"
    );

    let o = forceplan(&["run", "--resume", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !out.join(".checkpoint").exists(),
        "checkpoint removed after completion"
    );

    let direct = dir.path().join("direct");
    run_ok(
        "scenarios/coalition-2026.ron",
        &direct,
        &["-n", "12", "--threads", "2", "--trace"],
    );
    assert_eq!(
        strip_timing(json(&direct.join("summary.json"))),
        strip_timing(json(&out.join("summary.json")))
    );
    for f in [
        "replications.csv",
        "by_nation.csv",
        "by_sector.csv",
        "timeline.csv",
        "response_times.csv",
        "violations.csv",
    ] {
        assert_eq!(
            std::fs::read(direct.join(f)).unwrap(),
            std::fs::read(out.join(f)).unwrap(),
            "{f} differs after resume"
        );
    }
}

#[test]
fn resume_without_a_checkpoint_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = forceplan(&["run", "--resume", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no interrupted run to resume"),
        "{}",
        stderr(&o)
    );
    let o = forceplan(&[
        "run",
        "scenarios/tutorial.ron",
        "--resume",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn merge_into_a_new_directory_works_for_sweep_shards() {
    let dir = tempfile::tempdir().unwrap();
    let shards = dir.path().join("shards");
    for k in ["1/2", "2/2"] {
        let o = forceplan(&[
            "sweep",
            "tests/data/sweep-small.ron",
            "-n",
            "2",
            "--shard",
            k,
            "--no-plots",
            "--out",
            shards.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let merged = dir.path().join("new").join("merged");
    let o = forceplan(&[
        "merge",
        shards.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let direct = dir.path().join("direct");
    let o = forceplan(&[
        "sweep",
        "tests/data/sweep-small.ron",
        "-n",
        "2",
        "--no-plots",
        "--out",
        direct.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        std::fs::read(direct.join("sweep.csv")).unwrap(),
        std::fs::read(merged.join("sweep.csv")).unwrap()
    );
    assert_eq!(
        strip_timing(json(&direct.join("sweep.json"))),
        strip_timing(json(&merged.join("sweep.json")))
    );
}

#[test]
fn a_second_run_into_a_busy_output_directory_is_refused_naming_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("busy");
    let child = Command::new(env!("CARGO_BIN_EXE_forceplan"))
        .args([
            "run",
            "scenarios/coalition-2026.ron",
            "-n",
            "8",
            "--threads",
            "1",
        ])
        .arg("--out")
        .arg(&out)
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let lock = out.join(".forceplan.lock");
    let start = Instant::now();
    while !lock.exists() {
        assert!(start.elapsed() < Duration::from_secs(60), "no lock taken");
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = forceplan(&[
        "run",
        "scenarios/tutorial.ron",
        "-n",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    let pid = child.id();
    Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    let first = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("in use by another forceplan run (process {pid})")),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        first.status.code(),
        Some(130),
        "the interrupted run's stderr: {}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        !lock.exists(),
        "the lock is released when the first run ends"
    );
}

#[test]
fn sigterm_to_a_shard_keeps_finished_items_and_resume_completes_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sharded");
    let o = out.to_str().unwrap();
    let study = "scenarios/studies/monitoring.ron";
    let child = Command::new(env!("CARGO_BIN_EXE_forceplan"))
        .args([
            "compare",
            study,
            "-n",
            "4",
            "--shard",
            "1/2",
            "--threads",
            "1",
        ])
        .args(["--no-plots", "--out", o])
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let shard = out.join("shard-1-of-2");
    let items = shard.join(".checkpoint").join("items.jsonl");
    let start = Instant::now();
    while std::fs::read_to_string(&items).map_or(0, |t| t.lines().count()) < 1 {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no item finished"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let r = child.wait_with_output().unwrap();
    assert_eq!(r.status.code(), Some(143), "{}", stderr(&r));
    assert!(stderr(&r).contains("SIGTERM"), "{}", stderr(&r));
    assert!(stderr(&r).contains("--resume"), "{}", stderr(&r));
    assert!(!shard.join("partial.json").exists());
    let kept = std::fs::read_to_string(&items).unwrap().lines().count();
    assert!(kept >= 1, "finished items kept");

    let r = forceplan(&[
        "compare",
        "--resume",
        shard.to_str().unwrap(),
        "--threads",
        "2",
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert!(
        stderr(&r).contains(&format!("resume: {kept} of")),
        "{}",
        stderr(&r)
    );
    assert!(shard.join("partial.json").is_file());
    assert!(!shard.join(".checkpoint").exists());
    let r = forceplan(&[
        "compare",
        study,
        "-n",
        "4",
        "--shard",
        "2/2",
        "--no-plots",
        "--out",
        o,
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    let merged = dir.path().join("merged");
    let r = forceplan(&["merge", o, "--out", merged.to_str().unwrap()]);
    assert!(r.status.success(), "{}", stderr(&r));

    let direct = dir.path().join("direct");
    let r = forceplan(&[
        "compare",
        study,
        "-n",
        "4",
        "--no-plots",
        "--out",
        direct.to_str().unwrap(),
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert_eq!(
        std::fs::read(direct.join("comparison.csv")).unwrap(),
        std::fs::read(merged.join("comparison.csv")).unwrap()
    );
    assert_eq!(
        strip_timing(json(&direct.join("comparison.json"))),
        strip_timing(json(&merged.join("comparison.json")))
    );
}

/// `optimise` stopped by Ctrl-C: exit 130, the journal kept whole (no optimum, no temporary
/// file), and `--resume` ends with the optimum of an uninterrupted run.
#[test]
fn sigint_during_an_optimisation_keeps_its_journal_and_resume_gives_the_same_optimum() {
    const HARD: &str = "scenarios/optimise/three-qrf-hard-problem.ron";
    let dir = tempfile::tempdir().unwrap();
    let (cut, whole) = (dir.path().join("cut"), dir.path().join("whole"));
    let args = |out: &std::path::Path| {
        vec![
            "optimise".to_string(),
            HARD.into(),
            "--seed".into(),
            "2".into(),
            "--threads".into(),
            "1".into(),
            "--no-plots".into(),
            "--out".into(),
            out.to_str().unwrap().into(),
        ]
    };
    let child = Command::new(env!("CARGO_BIN_EXE_forceplan"))
        .args(args(&cut))
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let journal = cut.join("journal.json");
    let start = Instant::now();
    while !journal.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no batch finished in 2 minutes"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(130), "{}", stderr(&o));
    let kept = json(&journal);
    assert!(!kept["plans"].as_array().unwrap().is_empty(), "{kept}");
    assert!(!cut.join("optimum.json").exists());
    let names: Vec<String> = std::fs::read_dir(&cut)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains(".tmp")),
        "temporary files left: {names:?}"
    );

    let o = forceplan(&["optimise", "--resume", cut.to_str().unwrap()]);
    assert!(o.status.success(), "resume failed: {}", stderr(&o));
    let a: Vec<String> = args(&whole);
    let o = forceplan(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "{}", stderr(&o));
    let untimed = |p: &std::path::Path| {
        let mut v = json(&p.join("optimum.json"));
        let m = v.as_object_mut().unwrap();
        m.remove("wall_seconds");
        m.remove("cpu_seconds");
        v
    };
    assert_eq!(untimed(&cut), untimed(&whole));
}
