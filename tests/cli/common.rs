//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A path under the repository root.
pub fn repo(p: &str) -> PathBuf {
    root().join(p)
}

/// Runs the real binary with `args` in the repository root.
pub fn forceplan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_forceplan"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("forceplan runs")
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Reads and parses a JSON file.
pub fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("file exists")).expect("valid JSON")
}

/// Runs a scenario into `out` and asserts success.
pub fn run_ok(scenario: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["run", scenario, "--out", out.to_str().expect("utf-8 path")];
    args.extend_from_slice(extra);
    let o = forceplan(&args);
    assert!(o.status.success(), "forceplan run failed: {}", stderr(&o));
    o
}
