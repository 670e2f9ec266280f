//! The hostile corpus within bounds: every input of the regression and fuzz corpora, given to
//! the real binary, ends with exit code 0 or 2, never a panic, within a time bound and under
//! 200 MB of peak memory (measured per child process with `wait4`).
//!
//! The time bound here is a hang guard (10 s, for a debug build on a loaded 2-core machine);
//! the figures measured on a release build are in FUZZING.md.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Peak memory allowed to one child [bytes].
const MAX_RSS_BYTES: i64 = 200 * 1024 * 1024;
/// Wall time after which a child counts as hung.
const HANG: Duration = Duration::from_secs(10);

/// What one child did.
struct Measured {
    code: Option<i32>,
    peak_rss_bytes: i64,
    wall: Duration,
    stderr: String,
}

/// Runs the binary with `args` in `cwd`, waits for it with `wait4` to read its peak memory,
/// and kills it if it runs past [`HANG`].
fn measure(args: &[&std::ffi::OsStr], cwd: &Path) -> Measured {
    let err_file = tempfile::NamedTempFile::new().unwrap();
    let start = Instant::now();
    #[expect(
        clippy::zombie_processes,
        reason = "reaped by wait4 below, which also reads its peak memory"
    )]
    let child = Command::new(env!("CARGO_BIN_EXE_forceplan"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err_file.reopen().unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: plain POSIX calls on a child this process spawned and has not reaped; `usage`
    // is a zeroed out-parameter of the right type.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        assert!(r >= 0, "wait4 failed");
        if r == pid {
            break;
        }
        if start.elapsed() > HANG {
            unsafe { libc::kill(pid, libc::SIGKILL) };
            unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            panic!("{args:?} hung for more than {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let wall = start.elapsed();
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Measured {
        code,
        // ru_maxrss is in KiB on Linux.
        peak_rss_bytes: usage.ru_maxrss * 1024,
        wall,
        stderr: std::fs::read_to_string(err_file.path()).unwrap_or_default(),
    }
}

fn files(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    v.sort();
    v
}

/// Asserts the bounds for `args` and returns the measurement.
fn within_bounds(args: &[&std::ffi::OsStr], cwd: &Path) -> Measured {
    let m = measure(args, cwd);
    assert!(
        matches!(m.code, Some(0) | Some(2)),
        "{args:?} exited with {:?}: {}",
        m.code,
        m.stderr
    );
    assert!(!m.stderr.contains("panicked"), "{args:?}: {}", m.stderr);
    assert!(
        m.peak_rss_bytes < MAX_RSS_BYTES,
        "{args:?} peaked at {} MB",
        m.peak_rss_bytes / (1024 * 1024)
    );
    m
}

#[test]
fn every_corpus_input_ends_cleanly_within_time_and_memory_bounds() {
    let scratch = tempfile::tempdir().unwrap();
    let mut worst = (Duration::ZERO, 0i64, String::new());
    let mut n = 0;
    let mut note = |m: &Measured, what: &Path| {
        n += 1;
        if m.wall > worst.0 {
            worst.0 = m.wall;
            worst.2 = what.display().to_string();
        }
        worst.1 = worst.1.max(m.peak_rss_bytes);
    };
    // Scenario files: validated (the parser, the span index, the validator, the limits).
    let mut scenarios = files("tests/data/bad");
    scenarios.retain(|p| p.extension().is_some_and(|e| e == "ron"));
    scenarios.extend(files("fuzz/corpus/scenario"));
    scenarios.extend(files("fuzz/regressions"));
    for f in &scenarios {
        let m = within_bounds(&["validate".as_ref(), f.as_os_str()], &root());
        note(&m, f);
    }
    // Studies and sweeps: loaded from a scratch directory, where the scenarios they name do
    // not exist, so nothing is simulated: the study and sweep parsers and validators run.
    for (cmd, dir) in [
        ("compare", "fuzz/corpus/study"),
        ("sweep", "fuzz/corpus/sweep"),
    ] {
        for f in files(dir) {
            let out = scratch.path().join("out");
            let m = within_bounds(
                &[
                    cmd.as_ref(),
                    f.as_os_str(),
                    "--no-plots".as_ref(),
                    "-n".as_ref(),
                    "1".as_ref(),
                    "--out".as_ref(),
                    out.as_os_str(),
                ],
                scratch.path(),
            );
            note(&m, &f);
            let _ = std::fs::remove_dir_all(&out);
        }
    }
    // Problem files: validated next to the tutorial, the base scenario they name (as the fuzz
    // target seals it), so the decisions, objective and constraints are checked too.
    let problems = scratch.path().join("problems");
    std::fs::create_dir_all(&problems).unwrap();
    std::fs::copy(
        root().join("scenarios/tutorial.ron"),
        problems.join("tutorial.ron"),
    )
    .unwrap();
    for f in files("fuzz/corpus/problem") {
        let copy = problems.join(f.file_name().unwrap());
        std::fs::copy(&f, &copy).unwrap();
        let m = within_bounds(&["validate".as_ref(), copy.as_os_str()], &problems);
        note(&m, &f);
    }
    assert!(n > 800, "the corpus shrank to {n} inputs");
    eprintln!(
        "{n} corpus inputs: slowest {:?} ({}), peak memory {} MB",
        worst.0,
        worst.2,
        worst.1 / (1024 * 1024)
    );
}
