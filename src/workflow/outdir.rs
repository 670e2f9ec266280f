//! Output directories: one run at a time owns a directory (a lock file naming its process),
//! and a run only writes into a directory that is empty or holds results of its own kind,
//! which it clears first, so that plots and report never read a file it did not write.

use crate::error::{Error, Result};
use crate::experiment::plan::Kind;
use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Name of the lock file inside a locked output directory.
pub const LOCK_FILE: &str = ".forceplan.lock";

/// An output directory held by this process; the lock is released when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Best effort: a lock left behind names a dead process and is taken over.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether process `pid` is running (on systems without `/proc`, assume it is).
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// Creates `dir` (and its parents) and locks it for this process. A second run into the
/// same directory is refused with the process that holds it; a lock left by a process that
/// no longer runs is taken over.
pub fn lock(dir: &Path) -> Result<Lock> {
    crate::report::create_dir(dir)?;
    let path = dir.join(LOCK_FILE);
    let write_err = |io| Error::Write {
        path: path.clone(),
        io,
    };
    for _ in 0..2 {
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(format!("{}\n", std::process::id()).as_bytes())
                    .map_err(write_err)?;
                return Ok(Lock { path });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                match text.trim().parse::<u32>() {
                    Ok(pid) if pid != std::process::id() && alive(pid) => {
                        return Err(Error::Usage(format!(
                            "{} is in use by another forceplan run (process {pid}); wait for it to end or choose another --out",
                            dir.display()
                        )));
                    }
                    // Our own, a dead process's, or unreadable: take it over.
                    _ => std::fs::remove_file(&path).map_err(write_err)?,
                }
            }
            Err(e) => return Err(write_err(e)),
        }
    }
    Err(Error::Usage(format!(
        "{} is being locked by another forceplan run at the same moment; try again",
        dir.display()
    )))
}

/// What kind of results a directory holds, judged by the files that name it.
fn kind_of(dir: &Path) -> Option<Kind> {
    let json_kind = |p: PathBuf| {
        let text = std::fs::read_to_string(p).ok()?;
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        v["kind"].as_str().and_then(Kind::from_key)
    };
    if dir.join("comparison.json").is_file() {
        Some(Kind::Compare)
    } else if dir.join("sweep.json").is_file() {
        Some(Kind::Sweep)
    } else if dir.join("summary.json").is_file() {
        Some(Kind::Run)
    } else {
        json_kind(dir.join(crate::experiment::shard::PARTIAL_FILE)).or_else(|| {
            json_kind(
                dir.join(crate::report::checkpoint::DIR)
                    .join("manifest.json"),
            )
        })
    }
}

/// Whether `name` is a shard's directory (`shard-K-of-N`).
fn is_shard_dir(name: &str) -> bool {
    name.strip_prefix("shard-")
        .and_then(|r| r.split_once("-of-"))
        .is_some_and(|(k, n)| k.parse::<u32>().is_ok() && n.parse::<u32>().is_ok())
}

/// Makes `dir` ready for fresh results of `kind`: nothing to do if it is missing or empty;
/// if it holds results of the same kind (or `force`), everything in it is removed but the
/// lock (and, with `keep_shards`, the shard directories being merged); anything else is
/// refused with what is there.
pub fn claim(dir: &Path, kind: Kind, force: bool, keep_shards: bool) -> Result<()> {
    let read_err = |io| Error::Read {
        path: dir.to_path_buf(),
        io,
    };
    let entries: Vec<(String, PathBuf)> = match std::fs::read_dir(dir) {
        Ok(list) => list
            .filter_map(|e| e.ok())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
            .filter(|(n, _)| n != LOCK_FILE && !(keep_shards && is_shard_dir(n)))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(read_err(e)),
    };
    if entries.is_empty() {
        return Ok(());
    }
    let found = kind_of(dir);
    if !force && found != Some(kind) {
        let mut names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        let more = names.len().saturating_sub(5);
        names.truncate(5);
        let what = match found {
            Some(k) => format!("the results of a `{}`", k.key()),
            None => "files that are not forceplan results".to_string(),
        };
        return Err(Error::Usage(format!(
            "{} already holds {what} ({}{}), not those of a `{}`: choose another --out, or give --force to replace them",
            dir.display(),
            names.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
            kind.key()
        )));
    }
    for (_, path) in entries {
        let removed = if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        removed.map_err(|io| Error::Write { path, io })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_lock_refuses_a_second_run_and_a_dead_one_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock(dir.path()).unwrap();
        // The same process may re-take its own lock, so fake another live process: pid 1.
        std::fs::write(dir.path().join(LOCK_FILE), "1\n").unwrap();
        let err = lock(dir.path()).unwrap_err().to_string();
        assert!(err.contains("process 1"), "{err}");
        // A pid that cannot be running is stale.
        std::fs::write(dir.path().join(LOCK_FILE), "4294967295\n").unwrap();
        let again = lock(dir.path()).unwrap();
        drop(held);
        drop(again);
        assert!(
            !dir.path().join(LOCK_FILE).exists(),
            "lock removed at the end"
        );
    }

    #[test]
    fn claim_refuses_foreign_files_and_clears_results_of_the_same_kind() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        claim(&d.join("missing"), Kind::Run, false, false).unwrap();
        std::fs::write(d.join("notes.txt"), "mine").unwrap();
        let err = claim(d, Kind::Run, false, false).unwrap_err().to_string();
        assert!(
            err.contains("notes.txt") && err.contains("--force"),
            "{err}"
        );
        std::fs::write(d.join("summary.json"), "{}").unwrap();
        let err = claim(d, Kind::Compare, false, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("the results of a `run`"), "{err}");
        std::fs::create_dir(d.join("shard-1-of-2")).unwrap();
        claim(d, Kind::Run, false, true).unwrap();
        let left: Vec<_> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["shard-1-of-2"]);
        std::fs::write(d.join("notes.txt"), "mine").unwrap();
        claim(d, Kind::Sweep, true, false).unwrap();
        assert_eq!(std::fs::read_dir(d).unwrap().count(), 0);
    }
}
