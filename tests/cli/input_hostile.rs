//! Hostile input files of issue 9 (devices, FIFOs, bad names, overflowing weights, bad
//! polygons, negative sweep levels): each is refused at once with exit code 2 and a located
//! message, or accepted cleanly where it is valid.

use crate::common::*;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `forceplan ARGS` with a 5-second guard; returns exit code and stderr.
fn run_bounded(args: &[&std::ffi::OsStr]) -> (Option<i32>, String) {
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_forceplan"))
        .args(args)
        .current_dir(root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
            return (status.code(), err);
        }
        if start.elapsed() > Duration::from_secs(5) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{args:?} still running after 5 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `forceplan validate FILE` must exit 2 at once with `expect` in its message.
fn refused(file: &Path, expect: &str) {
    let (code, err) = run_bounded(&["validate".as_ref(), file.as_os_str()]);
    assert_eq!(code, Some(2), "{}: {err}", file.display());
    assert!(err.contains(expect), "expected {expect:?} in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success(), "mkfifo failed");
}

#[test]
fn devices_and_fifos_are_refused_at_once_not_read() {
    for dev in ["/dev/zero", "/dev/urandom"] {
        if Path::new(dev).exists() {
            refused(Path::new(dev), "not a regular file");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("scenario.ron");
    mkfifo(&fifo);
    refused(&fifo, "not a regular file");
    // A study whose base scenario is a FIFO.
    let study = dir.path().join("study.ron");
    std::fs::write(
        &study,
        std::fs::read_to_string(repo("tests/data/study-small.ron"))
            .unwrap()
            .lines()
            .map(|l| {
                if l.trim_start().starts_with("scenario:") {
                    "    scenario: \"scenario.ron\",".to_string()
                } else {
                    l.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
    )
    .unwrap();
    let (code, err) = run_bounded(&[
        "compare".as_ref(),
        study.as_os_str(),
        "--out".as_ref(),
        dir.path().join("out").as_os_str(),
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn negative_units_level_in_a_sweep_is_refused_where_written() {
    use forceplan::experiment::plan::{Inputs, Kind, Params, Plan};
    let file = repo("tests/data/sweep-negative-units.ron");
    let params = Params {
        seed: None,
        replications: None,
        kpi: None,
        warm_up_days: None,
        horizon_days: None,
    };
    let err = Plan::load(
        Kind::Sweep,
        file.to_str().unwrap(),
        Inputs::from_disk(),
        params,
    )
    .expect_err("a negative number of units must be refused")
    .to_string();
    assert!(
        err.contains("sweep-negative-units.ron:7:") && err.contains("factors[0].min"),
        "{err}"
    );
    assert!(err.contains("cannot be negative"), "{err}");
}

#[test]
fn weights_whose_sum_overflows_are_refused() {
    for (name, path) in [
        ("mix-overflow", "sectors[0].mix"),
        ("profile-overflow", "sectors[0].daily_profile"),
    ] {
        let file = repo(&format!("tests/data/bad/{name}.ron"));
        refused(&file, &format!("{name}.ron:7:"));
        refused(&file, path);
        refused(&file, "infinity");
    }
}

#[test]
fn names_that_cannot_name_a_directory_are_refused_at_validation() {
    for (name, expect) in [
        ("name-nul", "no NUL"),
        ("name-too-long", "at most 255 bytes"),
        ("name-dotdot", "leading '.'"),
    ] {
        let file = repo(&format!("tests/data/bad/{name}.ron"));
        refused(&file, &format!("{name}.ron:3:11"));
        refused(&file, expect);
    }
}

#[test]
fn byte_order_mark_is_skipped_and_positions_stay_right() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("bom.ron");
    let text = std::fs::read_to_string(repo("tests/data/good-small.ron")).unwrap();
    std::fs::write(&good, format!("\u{feff}{text}")).unwrap();
    let (code, err) = run_bounded(&["validate".as_ref(), good.as_os_str()]);
    assert_eq!(code, Some(0), "{err}");
    // An error on line 1 is reported at the column the editor shows.
    let bad = dir.path().join("bom-bad.ron");
    std::fs::write(&bad, "\u{feff}Scenario(nme: \"x\")").unwrap();
    refused(&bad, "bom-bad.ron:1:10");
}

#[test]
fn self_intersecting_and_antimeridian_polygons_are_refused_where_written() {
    for (name, expect) in [
        ("polygon-self-intersecting", "self-intersecting"),
        ("polygon-antimeridian", "antimeridian"),
    ] {
        let file = repo(&format!("tests/data/bad/{name}.ron"));
        refused(&file, &format!("{name}.ron:7:"));
        refused(&file, "sectors[0].geometry");
        refused(&file, expect);
    }
}

#[test]
fn validate_warns_when_no_unit_may_answer_a_type_or_a_sector() {
    let o = forceplan(&["validate", "tests/data/warn-no-eligible-unit.ron"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: violation_types[0]") && err.contains("\"job\""),
        "{err}"
    );
    let o = forceplan(&["validate", "tests/data/warn-sector-without-unit.ron"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: sectors[1]") && err.contains("\"s2\""),
        "{err}"
    );
    assert!(!err.contains("sectors[0]"), "{err}");
    // The scenario every test starts from has no warning.
    let o = forceplan(&["validate", "tests/data/good-small.ron"]);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}
