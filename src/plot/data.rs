//! Reading a results directory back: `summary.json`, the CSV files, `theatre.json`,
//! `comparison.json` and `sweep.json` (the JSON files through the types of
//! [`crate::report::files`]).

use crate::error::{Diagnostic, Error, Result};
use crate::report::files::{self, ComparisonFile, Head, SummaryFile, SweepFile, TheatreFile};
use std::path::{Path, PathBuf};

/// A CSV file as text cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Column names.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Parses CSV text (`file` names it in errors).
    pub fn parse(text: &str, file: &str) -> Result<Table> {
        let mut rd = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let header = rd
            .headers()
            .map_err(|e| invalid(file, &e.to_string()))?
            .iter()
            .map(str::to_string)
            .collect();
        let mut rows = Vec::new();
        for r in rd.records() {
            let r = r.map_err(|e| invalid(file, &e.to_string()))?;
            rows.push(r.iter().map(str::to_string).collect());
        }
        Ok(Table { header, rows })
    }

    /// Reads and parses a CSV file.
    pub fn read(path: &Path) -> Result<Table> {
        let text = read_text(path)?;
        Table::parse(&text, &path.display().to_string())
    }

    /// Index of a column.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// A numeric column (empty or unparsable cells are NaN); `None` if absent.
    pub fn numbers(&self, name: &str) -> Option<Vec<f64>> {
        let c = self.col(name)?;
        Some(
            self.rows
                .iter()
                .map(|r| r.get(c).and_then(|x| x.parse().ok()).unwrap_or(f64::NAN))
                .collect(),
        )
    }

    /// A text column; `None` if absent.
    pub fn texts(&self, name: &str) -> Option<Vec<&str>> {
        let c = self.col(name)?;
        Some(
            self.rows
                .iter()
                .map(|r| r.get(c).map_or("", String::as_str))
                .collect(),
        )
    }
}

fn invalid(file: &str, message: &str) -> Error {
    Error::Invalid {
        problems: vec![Diagnostic {
            file: file.to_string(),
            at: None,
            path: String::new(),
            message: message.to_string(),
        }],
    }
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|io| Error::Read {
        path: path.to_path_buf(),
        io,
    })
}

/// Everything the plots and the report read from a results directory.
#[derive(Debug, Clone)]
pub struct Results {
    /// The directory.
    pub dir: PathBuf,
    /// `summary.json` of a run.
    pub summary: Option<SummaryFile>,
    /// `theatre.json` (geography and targets), when the run wrote one.
    pub theatre: Option<TheatreFile>,
    /// `comparison.json`.
    pub comparison: Option<ComparisonFile>,
    /// `sweep.json`.
    pub sweep: Option<SweepFile>,
    head: Head,
}

impl Results {
    /// Loads a results directory: it must hold `summary.json`, `comparison.json` or
    /// `sweep.json`, else this is a usage error; a file that is not what its name says is
    /// bad input.
    pub fn load(dir: &Path) -> Result<Results> {
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{} is not a directory: give the output directory of `forceplan run`",
                dir.display()
            )));
        }
        let summary = files::read_if_present(&dir.join("summary.json"))?;
        let theatre = files::read_if_present(&dir.join("theatre.json"))?;
        let comparison = files::read_if_present(&dir.join("comparison.json"))?;
        let sweep = files::read_if_present(&dir.join("sweep.json"))?;
        let Some(head) = Head::of(summary.as_ref(), comparison.as_ref(), sweep.as_ref()) else {
            return Err(Error::Usage(format!(
                "{} is not a forceplan results directory (no summary.json, comparison.json or sweep.json)",
                dir.display()
            )));
        };
        Ok(Results {
            dir: dir.to_path_buf(),
            summary,
            theatre,
            comparison,
            sweep,
            head,
        })
    }

    /// What describes the whole directory: summary, else comparison, else sweep.
    pub fn head(&self) -> &Head {
        &self.head
    }

    /// Scenario name.
    pub fn scenario(&self) -> String {
        self.head.scenario.clone()
    }

    /// Master seed.
    pub fn seed(&self) -> String {
        self.head.seed.to_string()
    }

    /// Replications.
    pub fn replications(&self) -> String {
        self.head.replications.to_string()
    }

    /// The caption line under every plot.
    pub fn caption(&self) -> String {
        let h = &self.head;
        let mut s = format!(
            "scenario {} · seed {} · {} replications",
            self.scenario(),
            self.seed(),
            self.replications()
        );
        if let Some(c) = &self.comparison {
            s.push_str(&format!(" · study {}", c.study));
        }
        if let Some(sw) = &self.sweep {
            s.push_str(&format!(" · sweep {}", sw.sweep));
        }
        if !h.hash.is_empty() {
            s.push_str(&format!(" · inputs {}", h.hash));
        }
        s.push_str(&format!(" · forceplan {}", h.version));
        s
    }

    /// A CSV file of the directory, if present.
    pub fn table(&self, name: &str) -> Result<Option<Table>> {
        let p = self.dir.join(name);
        if p.is_file() {
            Table::read(&p).map(Some)
        } else {
            Ok(None)
        }
    }
}
