//! Shard partials and checkpoints cannot be corrupted unnoticed: their items carry a
//! checksum, are compared bit for bit, and must lie inside the plan (issue 9 point 14).

use crate::common::*;
use forceplan::experiment::plan::{Inputs, Kind, Params, Plan};
use forceplan::experiment::{ExecOptions, ItemResult, all_items, execute};
use forceplan::report::checkpoint::Checkpoint;
use std::path::Path;
use std::sync::atomic::AtomicBool;

/// Runs both shards of a 2-replication tutorial run into `out`.
fn two_shards(out: &Path) {
    for k in 1..=2 {
        run_ok(
            "scenarios/tutorial.ron",
            out,
            &["-n", "2", "--shard", &format!("{k}/2")],
        );
    }
}

#[test]
fn merge_refuses_a_partial_with_a_kpi_edited_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    two_shards(&out);
    let partial = out.join("shard-1-of-2").join("partial.json");
    let mut v = json(&partial);
    let k = &mut v["items"][0]["kpis"][3];
    let edited = (f64::from_bits(k.as_u64().unwrap()) + 0.01).to_bits();
    *k = serde_json::json!(edited);
    std::fs::write(&partial, serde_json::to_string(&v).unwrap()).unwrap();
    let o = forceplan(&["merge", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("checksum"), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&partial.display().to_string()),
        "names the file: {}",
        stderr(&o)
    );
    assert!(!out.join("summary.json").exists());
}

#[test]
fn the_same_shard_given_twice_merges_even_with_nan_kpis() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    two_shards(&out);
    let first = out.join("shard-1-of-2");
    // The tutorial has no air responses: undefined (NaN) KPIs, which never equal themselves
    // as numbers; the test is only meaningful with one.
    let v = json(&first.join("partial.json"));
    let has_nan = v["items"][0]["by_domain"][0]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| f64::from_bits(b.as_u64().unwrap()).is_nan());
    assert!(has_nan, "the partial holds a NaN KPI");
    let copy = dir.path().join("copy").join("shard-1-of-2");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(first.join("partial.json"), copy.join("partial.json")).unwrap();
    let o = forceplan(&[
        "merge",
        first.to_str().unwrap(),
        copy.to_str().unwrap(),
        out.join("shard-2-of-2").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&out.join("summary.json"))["replications"], 2);
}

/// The checkpoint of a 2-replication tutorial run in `out`, and the result of its first
/// replication (not yet appended).
fn checkpoint_of_a_two_replication_run(out: &Path) -> (Checkpoint, ItemResult) {
    let plan = Plan::load(
        Kind::Run,
        "scenarios/tutorial.ron",
        Inputs::from_disk(),
        Params {
            seed: None,
            replications: Some(2),
            kpi: None,
            warm_up_days: None,
            horizon_days: None,
        },
    )
    .unwrap();
    let checkpoint = Checkpoint::create(out, &plan, false, None).unwrap();
    let exec = execute(
        &[&plan.variants[0].prepared],
        &all_items(1, 0..1),
        ExecOptions::default(),
        &|_| Ok(()),
        None,
        &AtomicBool::new(false),
    )
    .unwrap();
    (checkpoint, exec.results[0].clone())
}

#[test]
fn resume_refuses_a_checkpoint_line_for_a_replication_beyond_n() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (checkpoint, first) = checkpoint_of_a_two_replication_run(&out);
    let mut beyond = first.clone();
    beyond.item.replication = 2;
    beyond.result.replication = 2;
    checkpoint.append(&first).unwrap();
    checkpoint.append(&beyond).unwrap();
    let o = forceplan(&["run", "--resume", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("items.jsonl") && stderr(&o).contains("replication 2 is beyond"),
        "{}",
        stderr(&o)
    );
    assert!(!out.join("summary.json").exists());
}

#[test]
fn resume_refuses_a_checkpoint_line_edited_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (checkpoint, first) = checkpoint_of_a_two_replication_run(&out);
    checkpoint.append(&first).unwrap();
    let items = out.join(".checkpoint").join("items.jsonl");
    let text = std::fs::read_to_string(&items).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(text.trim_end()).unwrap();
    v["item"]["events"] = serde_json::json!(v["item"]["events"].as_u64().unwrap() + 1);
    std::fs::write(&items, format!("{v}\n")).unwrap();
    let o = forceplan(&["run", "--resume", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("items.jsonl:1") && stderr(&o).contains("checksum"),
        "{}",
        stderr(&o)
    );
}

/// A precision-driven comparison stopped in its second batch keeps the precision in its
/// checkpoint; resumed, it takes the same decisions and writes the same comparison as an
/// uninterrupted one (its later replications are not refused as "beyond the plan").
#[test]
fn a_stopped_precision_run_resumes_to_the_same_comparison() {
    use forceplan::experiment::runner::{Precision, Progress};
    use forceplan::workflow::{Outcome, Request, Source, run_experiment};
    use std::sync::atomic::Ordering;
    let dir = tempfile::tempdir().unwrap();
    let request = |out: &Path, source: Source| Request {
        kind: Kind::Compare,
        source,
        out: Some(out.to_path_buf()),
        threads: 1,
        trace: false,
        shard: None,
        precision: Some(Precision {
            half_width: 1e-9,
            max_replications: 14,
        }),
        plots: false,
        force: false,
    };
    let file = Source::File {
        path: repo("tests/data/study-small.ron"),
        params: Params {
            seed: None,
            replications: Some(2),
            kpi: None,
            warm_up_days: None,
            horizon_days: None,
        },
    };
    let whole = dir.path().join("whole");
    run_experiment(
        &request(&whole, file.clone()),
        &|_| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    // Stop after the first item of the second batch (3 variants x 2 replications first).
    let stopped = dir.path().join("stopped");
    let stop = AtomicBool::new(false);
    let o = run_experiment(
        &request(&stopped, file),
        &|e| {
            if let Progress::ItemDone { done, .. } = e
                && done >= 8
            {
                stop.store(true, Ordering::SeqCst);
            }
        },
        &stop,
    )
    .unwrap();
    assert!(matches!(
        o,
        Outcome::Complete {
            interrupted: true,
            ..
        }
    ));
    let mut resume = request(&stopped, Source::Resume(stopped.clone()));
    resume.precision = None; // taken from the checkpoint
    let o = run_experiment(&resume, &|_| {}, &AtomicBool::new(false)).unwrap();
    assert!(matches!(
        o,
        Outcome::Complete {
            interrupted: false,
            ..
        }
    ));
    let strip = |p: &Path| {
        let mut v = json(&p.join("comparison.json"));
        for k in ["wall_seconds", "threads", "events_per_second"] {
            v.as_object_mut().unwrap().remove(k);
        }
        v
    };
    let (a, b) = (strip(&whole), strip(&stopped));
    assert_eq!(a["replications"], 14, "{a}");
    assert_eq!(a, b);
}
