//! Reading a results directory back: `summary.json`, the CSV files, `theatre.json`,
//! `comparison.json` and `sweep.json`.

use crate::error::{Diagnostic, Error, Result};
use serde_json::Value;
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

/// Reads and parses a JSON file.
pub fn read_json(path: &Path) -> Result<Value> {
    let text = read_text(path)?;
    serde_json::from_str(&text).map_err(|e| invalid(&path.display().to_string(), &e.to_string()))
}

/// A number from JSON; `null` and absent are NaN.
pub fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Everything the plots and the report read from a results directory.
#[derive(Debug, Clone)]
pub struct Results {
    /// The directory.
    pub dir: PathBuf,
    /// `summary.json` of a run.
    pub summary: Option<Value>,
    /// `theatre.json` (geography and targets), when the run wrote one.
    pub theatre: Option<Value>,
    /// `comparison.json`.
    pub comparison: Option<Value>,
    /// `sweep.json`.
    pub sweep: Option<Value>,
}

impl Results {
    /// Loads a results directory: it must hold `summary.json`, `comparison.json` or
    /// `sweep.json`, else this is a usage error.
    pub fn load(dir: &Path) -> Result<Results> {
        if !dir.is_dir() {
            return Err(Error::Usage(format!(
                "{} is not a directory: give the output directory of `forceplan run`",
                dir.display()
            )));
        }
        let opt = |name: &str| -> Result<Option<Value>> {
            let p = dir.join(name);
            if p.is_file() {
                read_json(&p).map(Some)
            } else {
                Ok(None)
            }
        };
        let r = Results {
            dir: dir.to_path_buf(),
            summary: opt("summary.json")?,
            theatre: opt("theatre.json")?,
            comparison: opt("comparison.json")?,
            sweep: opt("sweep.json")?,
        };
        if r.summary.is_none() && r.comparison.is_none() && r.sweep.is_none() {
            return Err(Error::Usage(format!(
                "{} is not a forceplan results directory (no summary.json, comparison.json or sweep.json)",
                dir.display()
            )));
        }
        Ok(r)
    }

    /// The JSON that describes the whole directory: summary, else comparison, else sweep.
    pub fn head(&self) -> &Value {
        self.summary
            .as_ref()
            .or(self.comparison.as_ref())
            .or(self.sweep.as_ref())
            .expect("load checks that one exists")
    }

    /// Scenario name.
    pub fn scenario(&self) -> String {
        self.head()["scenario"].as_str().unwrap_or("?").to_string()
    }

    /// Master seed.
    pub fn seed(&self) -> String {
        self.head()["seed"].to_string()
    }

    /// Replications.
    pub fn replications(&self) -> String {
        self.head()["replications"].to_string()
    }

    /// The caption line under every plot.
    pub fn caption(&self) -> String {
        let h = self.head();
        let mut s = format!(
            "scenario {} · seed {} · {} replications",
            self.scenario(),
            self.seed(),
            self.replications()
        );
        if let Some(study) = self.comparison.as_ref().and_then(|c| c["study"].as_str()) {
            s.push_str(&format!(" · study {study}"));
        }
        if let Some(sw) = self.sweep.as_ref().and_then(|c| c["sweep"].as_str()) {
            s.push_str(&format!(" · sweep {sw}"));
        }
        let hash = h["scenario_hash"]
            .as_str()
            .or(h["input_hash"].as_str())
            .unwrap_or("");
        if !hash.is_empty() {
            s.push_str(&format!(" · inputs {hash}"));
        }
        if let Some(v) = h["forceplan_version"].as_str() {
            s.push_str(&format!(" · forceplan {v}"));
        }
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
