//! Reading input files, parsing RON into raw types, and a parsed scenario kept with its
//! text ([`Source`]) so that changed copies validate and locate like the file.

use super::Scenario;
use super::change::RawChange;
use super::problems::Problems;
use super::raw::RawScenario;
use super::validate;
use crate::error::{Diagnostic, Error, LineCol, Result};
use std::path::Path;

/// Parses and validates scenario text. `file` names the source in error messages.
pub fn from_str(text: &str, file: &str) -> Result<Scenario> {
    let raw = parse_ron::<RawScenario>(text, file)?;
    validate::validate(&raw, text, file)
}

/// Reads, parses and validates a scenario file.
pub fn load(path: &Path) -> Result<Scenario> {
    let text = read_text(path)?;
    from_str(&text, &path.display().to_string())
}

/// Largest input file accepted \[bytes\]: larger than any sensible scenario or study.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// The UTF-8 byte-order mark.
const BOM: char = '\u{feff}';

fn read_error(path: &Path, io: std::io::Error) -> Error {
    Error::Read {
        path: path.to_path_buf(),
        io,
    }
}

/// Opens `path` for reading with `O_NONBLOCK`, so that a FIFO swapped in after the type
/// check cannot block the open.
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    opts.open(path)
}

/// Reads an input file as UTF-8. Only regular files are read (a FIFO, socket or device such
/// as `/dev/zero` is refused before it is opened for reading), and at most
/// [`MAX_INPUT_BYTES`]. A UTF-8 byte-order mark at the start is dropped, so that `line:col`
/// stay right.
pub fn read_text(path: &Path) -> Result<String> {
    use std::io::Read;
    let not_regular = || {
        read_error(
            path,
            std::io::Error::other(
                "is not a regular file (a FIFO, socket or device), expected a RON file",
            ),
        )
    };
    let too_large = |len: u64| {
        invalid(
            &path.display().to_string(),
            None,
            "",
            format!("file is {len} bytes; input files are limited to {MAX_INPUT_BYTES} bytes"),
        )
    };
    let meta = std::fs::metadata(path).map_err(|io| read_error(path, io))?;
    if meta.is_dir() {
        return Err(read_error(
            path,
            std::io::Error::other("is a directory, expected a RON file"),
        ));
    }
    if !meta.is_file() {
        return Err(not_regular());
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(too_large(meta.len()));
    }
    let file = open_nonblocking(path).map_err(|io| read_error(path, io))?;
    // The file may have been replaced between the check and the open: check what was opened.
    if !file
        .metadata()
        .map_err(|io| read_error(path, io))?
        .is_file()
    {
        return Err(not_regular());
    }
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|io| read_error(path, io))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    let mut text = String::from_utf8(bytes).map_err(|e| {
        invalid(
            &path.display().to_string(),
            None,
            "",
            format!(
                "not UTF-8 text (invalid byte at offset {}); expected a RON file",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    // A byte-order mark some editors write: not part of the document.
    if text.starts_with(BOM) {
        text.drain(..BOM.len_utf8());
    }
    Ok(text)
}

fn invalid(file: &str, at: Option<LineCol>, path: &str, message: String) -> Error {
    Error::Invalid {
        problems: vec![Diagnostic {
            file: file.to_string(),
            at,
            path: path.to_string(),
            message,
        }],
    }
}

/// Parses RON text into a raw serde type, reporting the path, `line:col` and message of
/// the first syntax or type error.
pub fn parse_ron<T: serde::de::DeserializeOwned>(text: &str, file: &str) -> Result<T> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    let opts = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(64);
    let mut de = ron::Deserializer::from_str_with_options(text, &opts).map_err(|e| {
        let at = LineCol {
            line: e.span.start.line,
            col: e.span.start.col,
        };
        invalid(file, Some(at), "", e.code.to_string())
    })?;
    let value: T = match serde_path_to_error::deserialize(&mut de) {
        Ok(v) => v,
        Err(e) => {
            // serde_path_to_error writes `?` for segments it could not name.
            let path = e.path().to_string();
            let path = path
                .trim_end_matches(".?")
                .trim_end_matches('?')
                .to_string();
            let path = if path == "." { String::new() } else { path };
            let spanned = de.span_error(e.into_inner());
            let at = LineCol {
                line: spanned.span.start.line,
                col: spanned.span.start.col,
            };
            return Err(invalid(file, Some(at), &path, spanned.code.to_string()));
        }
    };
    de.end().map_err(|e| {
        let spanned = de.span_error(e);
        let at = LineCol {
            line: spanned.span.start.line,
            col: spanned.span.start.col,
        };
        invalid(
            file,
            Some(at),
            "",
            format!("{} (trailing text after the document)", spanned.code),
        )
    })?;
    Ok(value)
}

/// A scenario file parsed into its raw form, with the text it came from. Every scenario
/// the engine runs is validated from one of these, changed or not.
#[derive(Debug, Clone)]
pub struct Source {
    file: String,
    text: String,
    raw: RawScenario,
}

impl Source {
    /// Parses scenario text; `file` names it in error messages.
    pub fn parse(text: &str, file: &str) -> Result<Source> {
        Ok(Source {
            file: file.to_string(),
            text: text.to_string(),
            raw: parse_ron(text, file)?,
        })
    }

    /// Reads and parses a scenario file.
    pub fn read(path: &Path) -> Result<Source> {
        let text = read_text(path)?;
        Source::parse(&text, &path.display().to_string())
    }

    /// The file, as named.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The text of the file.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The scenario as written (after any changes).
    pub fn raw(&self) -> &RawScenario {
        &self.raw
    }

    /// Validates the scenario, every problem located in the file.
    pub fn validate(&self) -> Result<Scenario> {
        validate::validate(&self.raw, &self.text, &self.file)
    }

    /// A copy with `changes` applied in order (not yet validated). A change that names
    /// something that does not exist is refused with the known ids.
    pub fn changed(&self, changes: &[RawChange]) -> Result<Source> {
        let mut out = self.clone();
        let mut problems = Vec::new();
        for ch in changes {
            if let Err(e) = ch.apply(&mut out.raw) {
                problems.push(Diagnostic {
                    file: self.file.clone(),
                    at: None,
                    path: e.field.to_string(),
                    message: format!("cannot apply {ch:?}: {}", e.message),
                });
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(Error::Invalid { problems })
        }
    }

    /// Applies `changes` (each with its path in the study or sweep file that wrote it) to a
    /// copy and validates the result. Problems go to `pr` at the change's path, with the
    /// scenario's own path in the message; `what` names the variant (e.g. `option "x"`).
    pub fn variant(
        &self,
        changes: &[(String, &RawChange)],
        what: &str,
        pr: &mut Problems,
    ) -> Option<Scenario> {
        let mut raw = self.raw.clone();
        let mut ok = true;
        for (path, ch) in changes {
            if let Err(e) = ch.apply(&mut raw) {
                let p = if e.field.is_empty() {
                    path.clone()
                } else {
                    format!("{path}.{}", e.field)
                };
                pr.add(p, e.message);
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        match validate::check(&raw, &self.text) {
            Ok(sc) => Some(sc),
            Err(problems) => {
                let at = changes.first().map_or(String::new(), |(p, _)| {
                    p.rsplit_once('[').map_or(p.clone(), |(a, _)| a.to_string())
                });
                for (path, message) in problems {
                    let place = if path.is_empty() {
                        String::new()
                    } else {
                        format!("{path}: ")
                    };
                    pr.add(
                        at.clone(),
                        format!(
                            "after the changes of {what} the scenario is invalid: {place}{message}"
                        ),
                    );
                }
                None
            }
        }
    }
}
