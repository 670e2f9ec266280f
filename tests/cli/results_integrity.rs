//! Shard partials and checkpoints cannot be corrupted unnoticed: their items carry a
//! checksum, are compared bit for bit, and must lie inside the plan (issue 9 point 14).

use crate::common::*;
use forceplan::experiment::plan::{Inputs, Kind, Params, Plan};
use forceplan::experiment::{ExecOptions, all_items, execute};
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

#[test]
fn resume_refuses_a_checkpoint_line_for_a_replication_beyond_n() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let plan = Plan::load(
        Kind::Run,
        "scenarios/tutorial.ron",
        Inputs::from_disk(),
        Params {
            seed: None,
            replications: Some(2),
            kpi: None,
        },
    )
    .unwrap();
    let checkpoint = Checkpoint::create(&out, &plan, false).unwrap();
    let exec = execute(
        &[&plan.variants[0].prepared],
        &all_items(1, 0..1),
        ExecOptions::default(),
        &|_| Ok(()),
        None,
        &AtomicBool::new(false),
    )
    .unwrap();
    let mut beyond = exec.results[0].clone();
    beyond.item.replication = 2;
    beyond.result.replication = 2;
    checkpoint.append(&exec.results[0]).unwrap();
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
    let plan = Plan::load(
        Kind::Run,
        "scenarios/tutorial.ron",
        Inputs::from_disk(),
        Params {
            seed: None,
            replications: Some(2),
            kpi: None,
        },
    )
    .unwrap();
    let checkpoint = Checkpoint::create(&out, &plan, false).unwrap();
    let exec = execute(
        &[&plan.variants[0].prepared],
        &all_items(1, 0..1),
        ExecOptions::default(),
        &|_| Ok(()),
        None,
        &AtomicBool::new(false),
    )
    .unwrap();
    checkpoint.append(&exec.results[0]).unwrap();
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
