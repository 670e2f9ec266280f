//! Errors of the library.
//!
//! Each variant says whether the user can fix it ([`Error::is_user_error`]): bad input, a
//! scenario that does not validate, an output directory that cannot be written. The binary
//! maps those to exit code 2 and everything else to exit code 1.

use std::fmt;
use std::path::PathBuf;

/// A 1-based line and column in an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub col: usize,
}

/// One problem found in an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as the user named it.
    pub file: String,
    /// Where in the file, when known.
    pub at: Option<LineCol>,
    /// Path of the value, e.g. `contingents\[12\].base` (empty for the whole file).
    pub path: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(at) = self.at {
            write!(f, ":{}:{}", at.line, at.col)?;
        }
        if !self.path.is_empty() {
            write!(f, ": {}", self.path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Everything that can go wrong in forceplan.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file could not be read. Fatal for the command; the user can fix it.
    #[error("cannot read {}: {io}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        io: std::io::Error,
    },
    /// An input file does not parse or does not validate. Every problem found is listed.
    #[error("{}", format_problems(.problems))]
    Invalid {
        /// The problems, in file order.
        problems: Vec<Diagnostic>,
    },
    /// A command-line value is wrong (e.g. zero replications).
    #[error("{0}")]
    Usage(String),
    /// An output file or directory could not be written. The user can fix it.
    #[error("cannot write {}: {io}", path.display())]
    Write {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        io: std::io::Error,
    },
    /// The command was stopped (Ctrl-C or SIGTERM) before it finished; what finished is
    /// kept (a checkpoint or a journal) for `--resume`.
    #[error("interrupted")]
    Interrupted,
    /// A bug or an unexpected failure of the machine. Not the user's fault.
    #[error("internal error: {0}")]
    Internal(String),
}

fn format_problems(problems: &[Diagnostic]) -> String {
    let mut s = match problems.len() {
        1 => String::from("1 problem:"),
        n => format!("{n} problems:"),
    };
    for p in problems {
        s.push_str("\n  ");
        s.push_str(&p.to_string());
    }
    s
}

impl Error {
    /// Whether the user can fix this (bad input, usage or output location): exit code 2.
    pub fn is_user_error(&self) -> bool {
        !matches!(self, Error::Internal(_))
    }
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
