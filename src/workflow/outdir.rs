//! Output directories: one run at a time owns a directory (a lock file naming its process).

use crate::error::{Error, Result};
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
}
