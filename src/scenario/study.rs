//! Study files: a base scenario and force options to compare with it, parsed and validated
//! into a [`Study`] whose base and options are validated scenarios.

use super::change::RawChange;
use super::inputs::Inputs;
use super::problems::Problems;
use super::span::SpanIndex;
use super::{Scenario, Source, parse_ron, validate};
use crate::error::{Diagnostic, Error, Result};
use serde::Deserialize;
use std::path::Path;

/// A force option of a study.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "ForceOption")]
pub struct RawForceOption {
    /// Short name (a directory name in the output).
    pub name: String,
    /// What the option does, for the report.
    #[serde(default)]
    pub description: String,
    /// Changes to the base scenario.
    pub changes: Vec<RawChange>,
}

/// A study file: a base scenario and force options to compare with it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Study")]
pub struct RawStudy {
    /// Name.
    pub name: String,
    /// Question the study answers.
    #[serde(default)]
    pub description: String,
    /// Base scenario file, relative to the study file.
    pub scenario: String,
    /// Replications per option (default: the scenario's).
    #[serde(default)]
    pub replications: Option<u32>,
    /// KPI to rank by (default `response_time_p90_h`).
    #[serde(default)]
    pub kpi: Option<String>,
    /// The option the others are compared with (default: the base scenario as written,
    /// `"baseline"`). When an option is named, the base scenario as written runs as the
    /// option `"base-scenario"`.
    #[serde(default)]
    pub baseline: Option<String>,
    /// Options; the base is compared as `baseline` unless `baseline` names an option.
    pub options: Vec<RawForceOption>,
}

/// A validated force option: its name (a directory name), what it does, and the base
/// scenario with its changes.
#[derive(Debug, Clone)]
pub struct ForceOption {
    name: String,
    description: String,
    scenario: Scenario,
}

impl ForceOption {
    /// Short name, unique in the study, usable as a directory name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What the option does.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The changed scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// Name, description and scenario, by value.
    pub fn into_parts(self) -> (String, String, Scenario) {
        (self.name, self.description, self.scenario)
    }
}

/// A validated study.
#[derive(Debug, Clone)]
pub struct Study {
    name: String,
    description: String,
    base: Scenario,
    options: Vec<ForceOption>,
    replications: Option<u32>,
    kpi: Option<String>,
    baseline: Option<String>,
}

/// The name of the base scenario as written when a study names an option as its baseline.
pub const BASE_SCENARIO: &str = "base-scenario";

/// Says what is wrong with a KPI name, `None` if it names a KPI. Studies and sweeps name
/// KPIs, which the layers above the scenario define.
pub type KpiCheck<'a> = &'a dyn Fn(&str) -> Option<String>;

impl Study {
    /// Reads, parses and validates the study `file` and its base scenario. `overrides`
    /// change the base before anything else (e.g. a seed given on the command line).
    pub fn load(
        file: &str,
        inputs: &mut Inputs,
        overrides: &[RawChange],
        kpi_check: KpiCheck<'_>,
    ) -> Result<Study> {
        let text = inputs.read(file)?;
        let study: RawStudy = parse_ron(&text, file)?;
        let base_file = relative(file, &study.scenario);
        let base_text = inputs.read(&base_file).map_err(|e| match e {
            Error::Read { io, .. } => Error::Invalid {
                problems: vec![Diagnostic {
                    file: file.into(),
                    at: SpanIndex::build(&text).find("scenario"),
                    path: "scenario".into(),
                    message: format!("cannot read the base scenario {base_file}: {io}"),
                }],
            },
            e => e,
        })?;
        let source = Source::parse(&base_text, &base_file)?;
        let source = source.changed(overrides)?;
        let base = source.validate()?;
        let mut pr = Problems::new();
        if let Some(message) = validate::dir_name_problem(&study.name) {
            pr.add("name", message);
        }
        if study.options.is_empty() {
            pr.add(
                "options",
                "a study needs at least one option to compare with the baseline",
            );
        }
        let mut names = vec!["baseline".to_string()];
        let mut options = Vec::new();
        for (i, o) in study.options.iter().enumerate() {
            if !is_dir_name(&o.name) {
                pr.add(format!("options[{i}].name"), format!("option name \"{}\" must be letters, digits, '-', '_' or '.' (it names a directory)", o.name));
            } else if names.contains(&o.name) {
                pr.add(
                    format!("options[{i}].name"),
                    format!(
                        "duplicate option name \"{}\" (\"baseline\" is the base scenario)",
                        o.name
                    ),
                );
            }
            names.push(o.name.clone());
            let changes: Vec<(String, &RawChange)> = o
                .changes
                .iter()
                .enumerate()
                .map(|(j, c)| (format!("options[{i}].changes[{j}]"), c))
                .collect();
            if changes.is_empty() {
                pr.add(
                    format!("options[{i}].changes"),
                    "an option needs at least one change",
                );
                continue;
            }
            if let Some(sc) = source.variant(&changes, &format!("option \"{}\"", o.name), &mut pr) {
                options.push(ForceOption {
                    name: o.name.clone(),
                    description: o.description.clone(),
                    scenario: sc,
                });
            }
        }
        if let Some(k) = &study.kpi
            && let Some(message) = kpi_check(k)
        {
            pr.add("kpi", message);
        }
        let baseline = match study.baseline.as_deref() {
            None | Some("baseline") => None,
            Some(b) if study.options.iter().any(|o| o.name == b) => {
                if study.options.iter().any(|o| o.name == BASE_SCENARIO) {
                    pr.add(
                        "baseline",
                        format!("with a named baseline the base scenario runs as \"{BASE_SCENARIO}\": rename the option of that name"),
                    );
                }
                Some(b.to_string())
            }
            Some(b) => {
                pr.add(
                    "baseline",
                    format!(
                        "unknown option \"{b}\"; expected \"baseline\" (the base scenario) or one of: {}",
                        study
                            .options
                            .iter()
                            .map(|o| format!("\"{}\"", o.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                None
            }
        };
        pr.finish(file, &text)?;
        Ok(Study {
            name: study.name,
            description: study.description,
            base,
            options,
            replications: study.replications,
            kpi: study.kpi,
            baseline,
        })
    }

    /// The option the others are compared with, when the study names one (not the base).
    pub fn baseline_option(&self) -> Option<&str> {
        self.baseline.as_deref()
    }

    /// Name: the default output directory.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The question the study answers.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The base scenario (compared as `baseline`).
    pub fn base(&self) -> &Scenario {
        &self.base
    }

    /// The force options, in file order.
    pub fn options(&self) -> &[ForceOption] {
        &self.options
    }

    /// Replications per option, when the study sets them.
    pub fn replications(&self) -> Option<u32> {
        self.replications
    }

    /// The KPI to rank by, when the study names one (a known KPI).
    pub fn kpi(&self) -> Option<&str> {
        self.kpi.as_deref()
    }

    /// The base scenario and the options, by value.
    pub fn into_scenarios(self) -> (Scenario, Vec<ForceOption>) {
        (self.base, self.options)
    }
}

/// The path of a file named relative to `from`'s directory.
pub(crate) fn relative(from: &str, name: &str) -> String {
    let dir = Path::new(from).parent().unwrap_or(Path::new(""));
    dir.join(name).to_string_lossy().into_owned()
}

fn is_dir_name(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !s.starts_with('.')
}

/// What kind of input a file holds, by the name of its top-level struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A scenario (`Scenario(...)`, or no name).
    Scenario,
    /// A study (`Study(...)`).
    Study,
    /// A sweep (`Sweep(...)`).
    Sweep,
}

/// The kind of input `text` holds: the name written before its top-level `(`, after
/// comments and `#![...]` attributes; a scenario when there is none.
pub fn file_kind(text: &str) -> FileKind {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |(_, b)| b);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |(_, b)| b);
        } else if let Some(r) = rest.strip_prefix("#!") {
            rest = r.split_once(']').map_or("", |(_, b)| b);
        } else {
            break;
        }
    }
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    match name.as_str() {
        "Study" => FileKind::Study,
        "Sweep" => FileKind::Sweep,
        _ => FileKind::Scenario,
    }
}

/// The text of the value that starts at `at` in `text` (up to its balanced end), with
/// whitespace and comments collapsed: how a change was written, for previews.
pub fn value_text(text: &str, at: super::LineCol) -> String {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(line) = text.split_inclusive('\n').nth(at.line.saturating_sub(1)) else {
        return String::new();
    };
    let line_start = line.as_ptr() as usize - text.as_ptr() as usize;
    let col = line
        .char_indices()
        .nth(at.col.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let src = &text[line_start + col..];
    let mut out = String::new();
    let (mut depth, mut in_str, mut esc, mut comment) = (0i32, false, false, false);
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        if comment {
            if c == '\n' {
                comment = false;
                out.push(' ');
            }
            continue;
        }
        if in_str {
            out.push(c);
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '/' if chars.peek() == Some(&'/') => {
                comment = true;
                continue;
            }
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => {
                depth -= 1;
                if depth < 0 {
                    break;
                }
            }
            ',' if depth == 0 => break,
            _ => {}
        }
        out.push(c);
        if depth == 0 && matches!(c, ')' | ']' | '}') {
            break;
        }
        if out.len() > 2_000 {
            out.push('…');
            break;
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each option of a study text with its changes as written (for previews); empty if the
/// text does not parse.
pub fn option_changes(text: &str, file: &str) -> Vec<(String, Vec<String>)> {
    let Ok(study) = parse_ron::<RawStudy>(text, file) else {
        return Vec::new();
    };
    let spans = SpanIndex::build(text);
    study
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let changes = (0..o.changes.len())
                .map(|j| {
                    spans
                        .find(&format!("options[{i}].changes[{j}]"))
                        .map_or_else(|| format!("{:?}", o.changes[j]), |at| value_text(text, at))
                })
                .collect();
            (o.name.clone(), changes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_kinds_and_change_texts() {
        assert_eq!(
            file_kind("// x\n/* y */ #![enable(implicit_some)]\nStudy(name: \"a\")"),
            FileKind::Study
        );
        assert_eq!(file_kind("Sweep("), FileKind::Sweep);
        assert_eq!(file_kind("(name: \"x\")"), FileKind::Scenario);
        assert_eq!(file_kind("Scenario("), FileKind::Scenario);
        let text = "Study(name: \"s\", scenario: \"t.ron\", options: [\n  (name: \"a\", changes: [\n    Units(of: Contingents(kind: [IsrDrone]), // more\n      add: 1),\n    RemoveContingent(\"x\"),\n  ]),\n])";
        let got = option_changes(text, "s.ron");
        assert_eq!(got.len(), 1);
        assert_eq!(
            got[0].1,
            vec![
                "Units(of: Contingents(kind: [IsrDrone]), add: 1)".to_string(),
                "RemoveContingent(\"x\")".to_string()
            ]
        );
    }
}
