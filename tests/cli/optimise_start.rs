//! Where `forceplan optimise`'s local search starts (`start: Screen`, the default, or
//! `start: Base`): the start is the first plan evaluated and is echoed in `optimum.json` and by
//! `validate`; the same optimum for 1 and 2 threads from either start; a bad value is refused
//! at its `line:col` with exit 2 and nothing written.

use crate::common::{forceplan, json, repo, stderr, stdout};
use std::path::{Path, PathBuf};

/// The three-QRF problem in `dir` with `extra` added after `delta` (its scenario copied).
fn problem_with(dir: &Path, extra: &str) -> PathBuf {
    let text = std::fs::read_to_string(repo("scenarios/optimise/three-qrf-problem.ron")).unwrap();
    let text = text.replacen("delta: 0.1,", &format!("delta: 0.1,\n    {extra}"), 1);
    std::fs::copy(
        repo("scenarios/optimise/three-qrf.ron"),
        dir.join("three-qrf.ron"),
    )
    .unwrap();
    let p = dir.join(format!("problem-{}.ron", extra.len()));
    std::fs::write(&p, text).unwrap();
    p
}

fn optimise(problem: &Path, out: &Path, threads: &str) -> serde_json::Value {
    let o = forceplan(&[
        "optimise",
        problem.to_str().unwrap(),
        "--seed",
        "3",
        "--threads",
        threads,
        "--out",
        out.to_str().unwrap(),
        "--no-plots",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut v = json(&out.join("optimum.json"));
    let m = v.as_object_mut().unwrap();
    m.remove("wall_seconds");
    m.remove("cpu_seconds");
    v
}

#[test]
fn the_search_starts_from_the_base_plan_or_the_screen_and_says_which() {
    let dir = tempfile::tempdir().unwrap();
    let base = problem_with(dir.path(), "start: Base,");
    let a = optimise(&base, &dir.path().join("b1"), "1");
    assert_eq!(a["problem"]["start"], "Base", "{}", a["problem"]);
    // The base scenario stands all three platoons in Kyiv (candidate 0): the search's first
    // plan.
    assert_eq!(a["evaluated"][0]["vector"], serde_json::json!([0, 0, 0]));
    assert_eq!(
        a["evaluated"][0]["description"],
        "qrf-1 at kyiv; qrf-2 at kyiv; qrf-3 at kyiv"
    );
    // The same optimum with 2 threads.
    assert_eq!(a, optimise(&base, &dir.path().join("b2"), "2"));
    // The default starts from the screen's plan, elsewhere, and says so.
    let plain = problem_with(dir.path(), "");
    let s = optimise(&plain, &dir.path().join("s1"), "1");
    assert_eq!(s["problem"]["start"], "Screen");
    assert_ne!(s["evaluated"][0]["vector"], serde_json::json!([0, 0, 0]));
    assert_eq!(s, optimise(&plain, &dir.path().join("s2"), "2"));
    // validate echoes it, in words and in JSON.
    let o = forceplan(&["validate", base.to_str().unwrap()]);
    assert!(stdout(&o).contains("start:        Base"), "{}", stdout(&o));
    let o = forceplan(&["validate", plain.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["start"], "Screen");
}

#[test]
fn a_bad_start_is_refused_at_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = problem_with(dir.path(), "start: Kyiv,");
    let line = std::fs::read_to_string(&bad)
        .unwrap()
        .lines()
        .position(|l| l.contains("start: Kyiv"))
        .unwrap()
        + 1;
    let out = dir.path().join("bad");
    let o = forceplan(&[
        "optimise",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    let name = bad.file_name().unwrap().to_str().unwrap();
    assert!(e.contains(&format!("{name}:{line}:")), "{e}");
    assert!(
        e.contains("Kyiv") && e.contains("Screen") && e.contains("Base"),
        "{e}"
    );
    assert!(!out.join("optimum.json").exists());
}
