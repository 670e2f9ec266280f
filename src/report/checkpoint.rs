//! Checkpoints: every finished replication of a run, compare or sweep is appended to
//! `OUT/.checkpoint/items.jsonl` as it finishes, beside a manifest of the inputs. An
//! interrupted study is continued with `--resume OUT`, which runs only the missing items and
//! ends with outputs identical to an uninterrupted run.
//!
//! Each line is a [`CheckpointLine`]: the item and the checksum of its record
//! ([`shard::items_checksum`]). Reading refuses a complete line that does not match its
//! checksum (exit 2, naming the file and line); only a last line cut short by a kill is
//! dropped, and [`Checkpoint::reopen`] cuts it off before appending.

use super::atomic_write;
use crate::error::{Error, Result};
use crate::experiment::ItemResult;
use crate::experiment::plan::Plan;
use crate::experiment::runner::Precision;
use crate::experiment::shard::{self, ItemRecord, Partial, PartialFile, ShardSpec};
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Directory of the checkpoint inside an output directory.
pub const DIR: &str = ".checkpoint";

/// One line of `items.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointLine {
    /// The finished item.
    pub item: ItemRecord,
    /// [`shard::items_checksum`] of the item.
    pub checksum: String,
}

impl CheckpointLine {
    /// The line of a finished item.
    pub fn of(r: &ItemResult) -> CheckpointLine {
        let item = ItemRecord::of(r);
        CheckpointLine {
            checksum: shard::items_checksum(&item),
            item,
        }
    }
}

/// The text of [`CheckpointLine::of`]`(r)` with its newline, the same bytes as serde
/// writes, with the item serialised once: its JSON is both checksummed and written
/// (replication 0 carries the hourly timeline, the bulk of a line).
fn line_of(r: &ItemResult) -> Result<Vec<u8>> {
    let item =
        serde_json::to_vec(&ItemRecord::of(r)).map_err(|e| Error::Internal(e.to_string()))?;
    let checksum = format!("{:016x}", crate::hash::fnv1a(&item));
    let mut line = Vec::with_capacity(item.len() + 48);
    line.extend_from_slice(b"{\"item\":");
    line.extend_from_slice(&item);
    line.extend_from_slice(b",\"checksum\":\"");
    line.extend_from_slice(checksum.as_bytes());
    line.extend_from_slice(b"\"}\n");
    Ok(line)
}

/// An open checkpoint, appended to from worker threads.
#[derive(Debug)]
pub struct Checkpoint {
    path: PathBuf,
    file: Mutex<File>,
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |io| Error::Write {
        path: path.to_path_buf(),
        io,
    }
}

impl Checkpoint {
    /// Starts a checkpoint in `out` for `plan` (`trace`: the run keeps a trace; `precision`:
    /// the run adds replications until that precision).
    pub fn create(
        out: &Path,
        plan: &Plan,
        trace: bool,
        precision: Option<Precision>,
    ) -> Result<Checkpoint> {
        let dir = out.join(DIR);
        super::create_dir(&dir)?;
        let mut manifest = PartialFile::new(plan, ShardSpec { index: 1, count: 1 }, &[], 0, 0.0);
        manifest.trace = Some(trace);
        manifest.precision = precision;
        let text = serde_json::to_string(&manifest).map_err(|e| Error::Internal(e.to_string()))?;
        atomic_write(&dir.join("manifest.json"), text.as_bytes())?;
        let path = dir.join("items.jsonl");
        let file = File::create(&path).map_err(write_err(&path))?;
        Ok(Checkpoint {
            path,
            file: Mutex::new(file),
        })
    }

    /// Reopens the checkpoint of `out` to append to it, first cutting off a last line left
    /// incomplete by a kill.
    pub fn reopen(out: &Path) -> Result<Checkpoint> {
        let path = out.join(DIR).join("items.jsonl");
        let bytes = std::fs::read(&path).map_err(|io| Error::Read {
            path: path.clone(),
            io,
        })?;
        let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(write_err(&path))?;
        if complete < bytes.len() {
            file.set_len(complete as u64).map_err(write_err(&path))?;
        }
        Ok(Checkpoint {
            path,
            file: Mutex::new(file),
        })
    }

    /// Appends one finished item (one line, written and flushed at once).
    pub fn append(&self, r: &ItemResult) -> Result<()> {
        let line = line_of(r)?;
        let mut f = self
            .file
            .lock()
            .map_err(|_| Error::Internal("checkpoint lock poisoned".into()))?;
        f.write_all(&line)
            .and_then(|()| f.flush())
            .map_err(write_err(&self.path))
    }

    /// Removes the checkpoint of `out` once the outputs are complete.
    pub fn remove(out: &Path) -> Result<()> {
        let dir = out.join(DIR);
        std::fs::remove_dir_all(&dir).map_err(write_err(&dir))
    }
}

/// What a checkpoint holds.
#[derive(Debug)]
pub struct Saved {
    /// The manifest (inputs, parameters, hash).
    pub manifest: Partial,
    /// Whether the run keeps a trace.
    pub trace: bool,
    /// The precision of a precision-driven run.
    pub precision: Option<Precision>,
    /// Items finished so far (a line cut short by a kill is skipped).
    pub items: Vec<ItemResult>,
    /// The file the items were read from (for messages: check the items against the plan
    /// rebuilt from the manifest with [`shard::check_items`]).
    pub items_file: PathBuf,
}

/// Reads the checkpoint of `out`.
pub fn load(out: &Path) -> Result<Saved> {
    let dir = out.join(DIR);
    let mpath = dir.join("manifest.json");
    let text = std::fs::read_to_string(&mpath).map_err(|io| {
        if io.kind() == std::io::ErrorKind::NotFound {
            Error::Usage(format!(
                "{} holds no interrupted run to resume (no {}/manifest.json)",
                out.display(),
                dir.display()
            ))
        } else {
            Error::Read {
                path: mpath.clone(),
                io,
            }
        }
    })?;
    let source = mpath.display().to_string();
    let file = shard::read_partial_file(&source, &text)?;
    let trace = file.trace.unwrap_or(false);
    let precision = file.precision;
    let manifest = shard::from_file(&source, file)?;
    let ipath = dir.join("items.jsonl");
    let text = std::fs::read_to_string(&ipath).map_err(|io| Error::Read {
        path: ipath.clone(),
        io,
    })?;
    let bad = |line: usize, what: &str| {
        Error::Usage(format!(
            "{}:{line}: {what}: refusing to resume from it (remove the line, or rerun without --resume)",
            ipath.display()
        ))
    };
    let mut items: Vec<ItemResult> = Vec::new();
    let mut index: std::collections::BTreeMap<crate::experiment::Item, usize> =
        std::collections::BTreeMap::new();
    // The text after the last newline is a line cut short by a kill: not an item.
    let complete = text.rfind('\n').map_or("", |i| &text[..i]);
    for (n, line) in complete
        .split('\n')
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
    {
        let l: CheckpointLine = serde_json::from_str(line)
            .map_err(|e| bad(n + 1, &format!("not a checkpoint item ({e})")))?;
        if shard::items_checksum(&l.item) != l.checksum {
            return Err(bad(
                n + 1,
                "the item does not match its checksum (edited or corrupted)",
            ));
        }
        let r = l
            .item
            .to_result()
            .ok_or_else(|| bad(n + 1, "malformed item"))?;
        match index.get(&r.item).map(|&i| &items[i]) {
            None => {
                index.insert(r.item, items.len());
                items.push(r);
            }
            Some(x) if shard::same_bits(std::slice::from_ref(x), std::slice::from_ref(&r)) => {}
            Some(_) => return Err(bad(n + 1, "a second, different result for the same item")),
        }
    }
    Ok(Saved {
        manifest,
        trace,
        precision,
        items,
        items_file: ipath,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::Item;
    use crate::metrics::{SimOptions, replicate};
    use crate::model::Prepared;

    #[test]
    fn a_line_is_the_bytes_serde_writes_and_reads_back() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/validation/mmc.ron");
        let p = Prepared::new(crate::scenario::load(&path).expect("shipped scenario validates"));
        let out = replicate(
            &p,
            0,
            SimOptions {
                trace: false,
                timeline: true,
            },
        );
        let r = ItemResult {
            item: Item {
                variant: 0,
                replication: 0,
            },
            result: out.result,
            timeline: out.timeline,
        };
        assert!(r.timeline.as_ref().is_some_and(|t| !t.is_empty()));
        let mut expected = serde_json::to_string(&CheckpointLine::of(&r)).expect("serialises");
        expected.push('\n');
        let line = line_of(&r).expect("serialises");
        assert_eq!(String::from_utf8(line).expect("UTF-8"), expected);
    }
}
