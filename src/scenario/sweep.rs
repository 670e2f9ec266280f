//! Sweep files: a base (a scenario, or an option of a study), factors that set numeric
//! fields, and a design, parsed and validated into a [`Sweep`]. The design points and their
//! scenarios are made from it by the experiment ([`Sweep::point`]).

use super::change::{RawChange, RawFactorTarget};
use super::inputs::Inputs;
use super::problems::Problems;
use super::study::{KpiCheck, RawStudy, relative};
use super::{Scenario, Source, parse_ron, validate};
use crate::error::{Error, Result};
use serde::Deserialize;

/// Most design points a sweep may have.
pub const MAX_POINTS: usize = 10_000;

/// What a sweep starts from.
#[derive(Debug, Clone, Deserialize)]
pub enum RawSweepBase {
    /// A scenario file, relative to the sweep file.
    Scenario(String),
    /// An option of a study file (relative to the sweep file): its base with its changes.
    StudyOption {
        /// Study file.
        study: String,
        /// Option name.
        option: String,
    },
}

/// A factor of a sweep.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Factor")]
pub struct RawFactor {
    /// Name (a column in the output).
    pub name: String,
    /// The numeric field it sets.
    pub target: RawFactorTarget,
    /// Lower end of the range.
    pub min: f64,
    /// Upper end of the range.
    pub max: f64,
    /// Levels in a grid design (default 5; whole-number targets may get fewer).
    #[serde(default)]
    pub levels: Option<u32>,
}

/// The design of a sweep.
#[derive(Debug, Clone, Deserialize)]
pub enum RawDesign {
    /// Full factorial grid over every factor's levels.
    Grid,
    /// Latin hypercube with `points` points, drawn with `seed`.
    LatinHypercube {
        /// Number of points.
        points: u32,
        /// Seed of the design (not of the simulation).
        seed: u64,
    },
    /// Nearly orthogonal Latin hypercube (Cioppa & Lucas 2007): the published design with
    /// 17, 33, 65, 129 or 257 points for up to 7, 11, 16, 22 or 29 factors, `stack` copies
    /// with rotated columns sharing one centre point.
    Nolh {
        /// Copies of the design (default 1).
        #[serde(default = "one")]
        stack: u32,
    },
}

fn one() -> u32 {
    1
}

/// (runs, columns) of the published NOLH tables ([`crate::experiment::nolh`] embeds them).
pub const NOLH_SIZES: [(usize, usize); 5] = [(17, 7), (33, 11), (65, 16), (129, 22), (257, 29)];

/// The (runs, columns) of the NOLH table for `factors` factors stacked `stack` times: the
/// smallest with at least `factors` columns; `stack` runs from 1 to its columns.
pub fn nolh_size(factors: usize, stack: u32) -> std::result::Result<(usize, usize), String> {
    let Some(&(runs, cols)) = NOLH_SIZES.iter().find(|(_, c)| *c >= factors) else {
        return Err(format!(
            "a NOLH design takes 1 to {} factors, got {factors}",
            NOLH_SIZES[NOLH_SIZES.len() - 1].1
        ));
    };
    if stack == 0 || stack as usize > cols {
        return Err(format!(
            "the {runs}-point NOLH design has {cols} columns, so it stacks 1 to {cols} times; expected stack from 1 to {cols}, got {stack}"
        ));
    }
    Ok((runs, cols))
}

/// A sweep file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Sweep")]
pub struct RawSweep {
    /// Name.
    pub name: String,
    /// Question the sweep answers.
    #[serde(default)]
    pub description: String,
    /// What it starts from.
    pub base: RawSweepBase,
    /// Replications per design point (default: the scenario's).
    #[serde(default)]
    pub replications: Option<u32>,
    /// KPI the sweep is about (default `response_time_p90_h`).
    #[serde(default)]
    pub kpi: Option<String>,
    /// Factors.
    pub factors: Vec<RawFactor>,
    /// Design.
    pub design: RawDesign,
}

/// A validated sweep: base, factors and design, ready to be turned into design points.
#[derive(Debug, Clone)]
pub struct Sweep {
    file: String,
    text: String,
    name: String,
    description: String,
    base: Source,
    base_scenario: Scenario,
    base_changes: Vec<RawChange>,
    factors: Vec<RawFactor>,
    design: RawDesign,
    replications: Option<u32>,
    kpi: Option<String>,
}

impl Sweep {
    /// Reads, parses and validates the sweep `file` and its base. `overrides` change the
    /// base scenario before anything else (e.g. a seed given on the command line).
    pub fn load(
        file: &str,
        inputs: &mut Inputs,
        overrides: &[RawChange],
        kpi_check: KpiCheck<'_>,
    ) -> Result<Sweep> {
        let text = inputs.read(file)?;
        let sweep: RawSweep = parse_ron(&text, file)?;
        let mut pr = Problems::new();
        // The base: a scenario, or a study option's scenario and changes.
        let (base_file, base_changes): (String, Vec<RawChange>) = match &sweep.base {
            RawSweepBase::Scenario(s) => (relative(file, s), vec![]),
            RawSweepBase::StudyOption { study, option } => {
                let sfile = relative(file, study);
                let stext = inputs.read(&sfile)?;
                let st: RawStudy = parse_ron(&stext, &sfile)?;
                match st.options.iter().find(|o| &o.name == option) {
                    Some(o) => (relative(&sfile, &st.scenario), o.changes.clone()),
                    None => {
                        let known: Vec<String> = st
                            .options
                            .iter()
                            .map(|o| format!("\"{}\"", o.name))
                            .collect();
                        pr.add(
                            "base.option",
                            format!(
                                "study {sfile} has no option \"{option}\"; expected one of: {}",
                                known.join(", ")
                            ),
                        );
                        return pr.finish(file, &text).and(Err(Error::Internal(
                            "a refused study option gave no problem".into(),
                        )));
                    }
                }
            }
        };
        let base_text = inputs.read(&base_file)?;
        let base = Source::parse(&base_text, &base_file)?.changed(overrides)?;
        let base_scenario = base.validate()?;
        if let Some(message) = validate::dir_name_problem(&sweep.name) {
            pr.add("name", message);
        }
        if sweep.factors.is_empty() {
            pr.add("factors", "a sweep needs at least one factor");
        }
        for (i, f) in sweep.factors.iter().enumerate() {
            if !(f.min.is_finite() && f.max.is_finite() && f.min <= f.max) {
                pr.add(
                    format!("factors[{i}]"),
                    format!(
                        "expected finite min ≤ max, got min {} and max {}",
                        f.min, f.max
                    ),
                );
            }
            if sweep.factors[..i].iter().any(|g| g.name == f.name) || f.name.is_empty() {
                pr.add(
                    format!("factors[{i}].name"),
                    format!(
                        "factor names must be unique and not empty, got \"{}\"",
                        f.name
                    ),
                );
            }
            if f.target.is_non_negative() && f.min < 0.0 {
                pr.add(
                    format!("factors[{i}].min"),
                    format!(
                        "{:?} sets a number of units or a factor, which cannot be negative; expected min ≥ 0, got {}",
                        f.target, f.min
                    ),
                );
            }
            if f.levels == Some(0) {
                pr.add(
                    format!("factors[{i}].levels"),
                    "a grid needs at least 1 level",
                );
            }
        }
        if let RawDesign::LatinHypercube { points, .. } = sweep.design
            && points == 0
        {
            pr.add("design", "a Latin hypercube needs at least 1 point");
        }
        if let RawDesign::Nolh { stack } = sweep.design
            && let Err(message) = nolh_size(sweep.factors.len(), stack)
        {
            pr.add("design", message);
        }
        if let Some(k) = &sweep.kpi
            && let Some(message) = kpi_check(k)
        {
            pr.add("kpi", message);
        }
        let n_points: f64 = match sweep.design {
            RawDesign::Grid => sweep
                .factors
                .iter()
                .map(|f| f64::from(f.levels.unwrap_or(5).max(1)))
                .product(),
            RawDesign::LatinHypercube { points, .. } => f64::from(points),
            RawDesign::Nolh { stack } => nolh_size(sweep.factors.len(), stack)
                .map_or(0.0, |(runs, _)| {
                    (stack as usize * runs - (stack as usize - 1)) as f64
                }),
        };
        if n_points > MAX_POINTS as f64 {
            pr.add(
                "design",
                format!("{n_points} design points exceed the limit of {MAX_POINTS}"),
            );
        }
        pr.finish(file, &text)?;
        Ok(Sweep {
            file: file.to_string(),
            text,
            name: sweep.name,
            description: sweep.description,
            base,
            base_scenario,
            base_changes,
            factors: sweep.factors,
            design: sweep.design,
            replications: sweep.replications,
            kpi: sweep.kpi,
        })
    }

    /// The sweep file, as named.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The text of the sweep file (to locate problems of design points).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Name: the default output directory.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The question the sweep answers.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The base scenario, validated, without a study option's changes.
    pub fn base(&self) -> &Scenario {
        &self.base_scenario
    }

    /// The factors, in file order (each with finite `min ≤ max`).
    pub fn factors(&self) -> &[RawFactor] {
        &self.factors
    }

    /// The design.
    pub fn design(&self) -> &RawDesign {
        &self.design
    }

    /// Replications per design point, when the sweep sets them.
    pub fn replications(&self) -> Option<u32> {
        self.replications
    }

    /// The KPI the sweep is about, when it names one (a known KPI).
    pub fn kpi(&self) -> Option<&str> {
        self.kpi.as_deref()
    }

    /// The scenario of the design point with `values` (one per factor): the base option's
    /// changes, then each factor's. Problems go to `pr` at the factor or `base`; `what`
    /// names the point in messages.
    pub fn point(&self, values: &[f64], what: &str, pr: &mut Problems) -> Option<Scenario> {
        let mut changes: Vec<(String, RawChange)> = self
            .base_changes
            .iter()
            .map(|c| ("base".to_string(), c.clone()))
            .collect();
        for (i, (f, v)) in self.factors.iter().zip(values).enumerate() {
            changes.push((format!("factors[{i}].target"), f.target.change(*v)));
        }
        let refs: Vec<(String, &RawChange)> = changes.iter().map(|(p, c)| (p.clone(), c)).collect();
        self.base.variant(&refs, what, pr)
    }
}
