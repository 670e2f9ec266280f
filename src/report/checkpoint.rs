//! Checkpoints: every finished replication of a run, compare or sweep is appended to
//! `OUT/.checkpoint/items.jsonl` as it finishes, beside a manifest of the inputs. An
//! interrupted study is continued with `--resume OUT`, which runs only the missing items and
//! ends with outputs identical to an uninterrupted run.

use super::atomic_write;
use crate::error::{Error, Result};
use crate::experiment::ItemResult;
use crate::experiment::plan::Plan;
use crate::experiment::shard::{self, ItemRecord, Partial, PartialFile, ShardSpec};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Directory of the checkpoint inside an output directory.
pub const DIR: &str = ".checkpoint";

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
    /// Starts a checkpoint in `out` for `plan` (`trace`: the run keeps a trace).
    pub fn create(out: &Path, plan: &Plan, trace: bool) -> Result<Checkpoint> {
        let dir = out.join(DIR);
        super::create_dir(&dir)?;
        let mut manifest = PartialFile::new(plan, ShardSpec { index: 1, count: 1 }, &[], 0, 0.0);
        manifest.trace = Some(trace);
        let text = serde_json::to_string(&manifest).map_err(|e| Error::Internal(e.to_string()))?;
        atomic_write(&dir.join("manifest.json"), text.as_bytes())?;
        let path = dir.join("items.jsonl");
        let file = File::create(&path).map_err(write_err(&path))?;
        Ok(Checkpoint {
            path,
            file: Mutex::new(file),
        })
    }

    /// Reopens the checkpoint of `out` to append to it.
    pub fn reopen(out: &Path) -> Result<Checkpoint> {
        let path = out.join(DIR).join("items.jsonl");
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(write_err(&path))?;
        Ok(Checkpoint {
            path,
            file: Mutex::new(file),
        })
    }

    /// Appends one finished item (one line, written and flushed at once).
    pub fn append(&self, r: &ItemResult) -> Result<()> {
        let mut line = serde_json::to_string(&ItemRecord::of(r))
            .map_err(|e| Error::Internal(e.to_string()))?;
        line.push('\n');
        let mut f = self
            .file
            .lock()
            .map_err(|_| Error::Internal("checkpoint lock poisoned".into()))?;
        f.write_all(line.as_bytes())
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
    /// Items finished so far (a line cut short by a kill is skipped).
    pub items: Vec<ItemResult>,
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
    let manifest = shard::from_file(&source, file)?;
    let ipath = dir.join("items.jsonl");
    let f = File::open(&ipath).map_err(|io| Error::Read {
        path: ipath.clone(),
        io,
    })?;
    let mut items: Vec<ItemResult> = Vec::new();
    for line in BufReader::new(f).lines() {
        let line = line.map_err(|io| Error::Read {
            path: ipath.clone(),
            io,
        })?;
        if let Some(r) = serde_json::from_str::<ItemRecord>(&line)
            .ok()
            .as_ref()
            .and_then(ItemRecord::to_result)
            && !items.iter().any(|x| x.item == r.item)
        {
            items.push(r);
        }
    }
    Ok(Saved {
        manifest,
        trace,
        items,
    })
}
