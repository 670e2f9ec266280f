//! The input files of an experiment: each read once from disk (or, when merging shards,
//! served only from the texts recorded in the shard), kept in reading order.

use super::read_text;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The texts of every input file, by the path used to read it, in reading order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inputs {
    files: Vec<(String, String)>,
    /// When set, files are only looked up here (merging shards), never read from disk.
    sealed: bool,
}

impl Inputs {
    /// Inputs that read files from disk as they are needed.
    pub fn from_disk() -> Self {
        Inputs::default()
    }

    /// Inputs that only serve the given files (as recorded in a shard).
    pub fn sealed(files: Vec<(String, String)>) -> Self {
        Inputs {
            files,
            sealed: true,
        }
    }

    /// Every file read, in order.
    pub fn files(&self) -> &[(String, String)] {
        &self.files
    }

    /// The text of `path`, read once.
    pub fn read(&mut self, path: &str) -> Result<String> {
        if let Some((_, t)) = self.files.iter().find(|(p, _)| p == path) {
            return Ok(t.clone());
        }
        if self.sealed {
            return Err(Error::Read {
                path: PathBuf::from(path),
                io: std::io::Error::other("not among the inputs recorded in the shard"),
            });
        }
        let text = read_text(Path::new(path))?;
        self.files.push((path.to_string(), text.clone()));
        Ok(text)
    }
}
