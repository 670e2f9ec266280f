//! Same scenario and seed → the same results, byte for byte, for any thread count.

use crate::common::*;

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
fn same_seed_same_bytes_for_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let outs: Vec<_> = [("1", "a"), ("2", "b"), ("2", "c")]
        .iter()
        .map(|(t, name)| {
            let out = dir.path().join(name);
            run_ok(
                "scenarios/tutorial.ron",
                &out,
                &["-n", "6", "--threads", t, "--trace"],
            );
            out
        })
        .collect();
    let first = strip_timing(json(&outs[0].join("summary.json")));
    for out in &outs[1..] {
        assert_eq!(first, strip_timing(json(&out.join("summary.json"))));
        for f in [
            "replications.csv",
            "by_nation.csv",
            "by_sector.csv",
            "violations.csv",
        ] {
            assert_eq!(
                std::fs::read(outs[0].join(f)).unwrap(),
                std::fs::read(out.join(f)).unwrap(),
                "{f} differs"
            );
        }
    }
}
