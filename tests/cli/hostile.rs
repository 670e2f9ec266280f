//! Hostile inputs: each gives a clear error and exit code 2 at once (the 10-second bound
//! only guards against hangs; the figures measured are in the README), never a panic, and
//! nothing is written.

use crate::common::*;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Runs `forceplan validate` and `forceplan run` on `file`; both must fail with exit code 2,
/// print nothing on stdout, say `expect` on stderr, and write no output directory.
fn refused(file: &Path, expect: &str) {
    let out = file.with_extension("out");
    for args in [
        vec!["validate".as_ref(), file.as_os_str()],
        vec![
            "run".as_ref(),
            file.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
    ] {
        let start = Instant::now();
        let o = Command::new(env!("CARGO_BIN_EXE_forceplan"))
            .args(&args)
            .current_dir(root())
            .output()
            .unwrap();
        let took = start.elapsed();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?} printed to stdout");
        assert!(
            err.contains(expect),
            "{args:?}: expected {expect:?} in {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
        assert!(took < Duration::from_secs(10), "{args:?} took {took:?}");
    }
    assert!(!out.exists(), "{} was created", out.display());
}

fn tutorial() -> String {
    std::fs::read_to_string(repo("scenarios/tutorial.ron")).unwrap()
}

#[test]
fn empty_garbage_and_deeply_nested_files() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty.ron");
    std::fs::write(&empty, "").unwrap();
    refused(&empty, "empty.ron:1:1");
    let garbage = dir.path().join("garbage.ron");
    std::fs::write(
        &garbage,
        (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect::<Vec<u8>>(),
    )
    .unwrap();
    refused(&garbage, "not UTF-8");
    let text_garbage = dir.path().join("text-garbage.ron");
    std::fs::write(&text_garbage, "}{ ))) Scenario(((( \u{202e} ::: ").unwrap();
    refused(&text_garbage, "text-garbage.ron:1:1");
    let deep = dir.path().join("deep.ron");
    std::fs::write(&deep, format!("Scenario(name: {}", "[".repeat(200_000))).unwrap();
    refused(&deep, "deep.ron:1:");
}

#[test]
fn a_fifty_megabyte_file_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.ron");
    let mut text = tutorial();
    text.push_str(&format!("\n// {}\n", "x".repeat(50 * 1024 * 1024)));
    std::fs::write(&big, text).unwrap();
    refused(&big, "input files are limited to");
}

#[test]
fn absurd_numbers_are_refused_before_anything_is_allocated() {
    let dir = tempfile::tempdir().unwrap();
    let t = tutorial();
    let cases = [
        (
            "horizon",
            t.replacen("horizon_days: 30", "horizon_days: 1e9", 1),
            "horizon_days",
        ),
        (
            "rate",
            t.replacen("rate_per_day: 40", "rate_per_day: 1e12", 1),
            "exceed the limit",
        ),
        (
            "units",
            t.replacen("units: 6,", "units: 10000000,", 1),
            "units exceed the limit",
        ),
        (
            "nan",
            t.replacen("speed_kmh: 45", "speed_kmh: NaN", 1),
            "got NaN",
        ),
        (
            "inf",
            t.replacen("speed_kmh: 45", "speed_kmh: inf", 1),
            "got inf",
        ),
        (
            "negative",
            t.replacen("horizon_days: 30", "horizon_days: -30", 1),
            "got -30",
        ),
        (
            "negative-units",
            t.replacen("units: 6,", "units: -6,", 1),
            "units",
        ),
    ];
    for (name, text, expect) in cases {
        assert_ne!(text, t, "case {name} did not change the tutorial");
        let f = dir.path().join(format!("{name}.ron"));
        std::fs::write(&f, text).unwrap();
        refused(&f, expect);
    }
}

#[test]
fn paths_that_cannot_be_read_or_written() {
    let dir = tempfile::tempdir().unwrap();
    // A path that is not UTF-8: missing, then present and valid.
    let odd = dir
        .path()
        .join(std::ffi::OsStr::from_bytes(b"sc\xffenario.ron"));
    refused(&odd, "cannot read");
    std::fs::write(&odd, tutorial()).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_forceplan"))
        .arg("validate")
        .arg(&odd)
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "a valid scenario behind a non-UTF-8 path: {}",
        stderr(&o)
    );
    // A directory where a file is expected.
    let d = dir.path().join("a-directory.ron");
    std::fs::create_dir(&d).unwrap();
    refused(&d, "is a directory");
    // A file without read permission (root reads it anyway: then only the directory case applies).
    let locked = dir.path().join("locked.ron");
    std::fs::write(&locked, tutorial()).unwrap();
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_err() {
        refused(&locked, "Permission denied");
    }
    // An output directory that cannot be created.
    let file = dir.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    let o = forceplan(&[
        "run",
        "scenarios/tutorial.ron",
        "-n",
        "1",
        "--out",
        file.join("results").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot write"), "{}", stderr(&o));
}

#[test]
fn replications_and_threads_beyond_the_limits_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    for args in [
        vec![
            "run",
            "scenarios/tutorial.ron",
            "-n",
            "4294967296",
            "--out",
            o,
        ],
        vec!["run", "scenarios/tutorial.ron", "-n", "1000001", "--out", o],
        vec![
            "run",
            "scenarios/tutorial.ron",
            "--threads",
            "5000",
            "--out",
            o,
        ],
        vec![
            "compare",
            "tests/data/study-small.ron",
            "--precision",
            "0.1",
            "--max-replications",
            "99999999999",
            "--out",
            o,
        ],
        vec!["validate-model", "--threads", "100000", "--out", o],
    ] {
        let start = Instant::now();
        let r = forceplan(&args);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {}", stderr(&r));
        assert!(
            stderr(&r).contains("1000000") || stderr(&r).contains("1024"),
            "{}",
            stderr(&r)
        );
        assert!(start.elapsed() < Duration::from_secs(10), "{args:?}");
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}

#[test]
fn never_more_threads_than_replications() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_ok(
        "scenarios/tutorial.ron",
        &out,
        &["-n", "2", "--threads", "64", "--no-plots"],
    );
    assert_eq!(json(&out.join("summary.json"))["threads"], 2);
}

#[test]
fn validate_model_on_a_users_directory_never_crashes() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("VALIDATION.md");
    let check = |scenarios: &Path, expect: &str| {
        let o = forceplan(&[
            "validate-model",
            "--quick",
            "--scenarios",
            scenarios.to_str().unwrap(),
            "--out",
            report.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(expect),
            "expected {expect:?} in {}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
        assert!(!report.exists());
    };
    // Missing directory, empty directory.
    check(&dir.path().join("nowhere"), "has no mmc.ron");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    check(&empty, "has no mmc.ron");
    // Every file present, but one is garbage, then one lacks what its case reads.
    let user = dir.path().join("user");
    std::fs::create_dir(&user).unwrap();
    for e in std::fs::read_dir(repo("scenarios/validation")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), user.join(e.file_name())).unwrap();
    }
    std::fs::write(user.join("detection.ron"), "not a scenario").unwrap();
    check(&user, "detection.ron:1:1");
    // mmc.ron has an observation post but no satellite and no drone fleet.
    let mmc = repo("scenarios/validation/mmc.ron");
    std::fs::copy(
        repo("scenarios/validation/detection.ron"),
        user.join("detection.ron"),
    )
    .unwrap();
    std::fs::copy(&mmc, user.join("satellite.ron")).unwrap();
    check(&user, "needs a satellite");
    std::fs::copy(
        repo("scenarios/validation/satellite.ron"),
        user.join("satellite.ron"),
    )
    .unwrap();
    std::fs::copy(&mmc, user.join("drone-orbit.ron")).unwrap();
    check(&user, "needs a first contingent with an endurance");
}
