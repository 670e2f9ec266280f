//! Problem files of `forceplan optimise`: a base scenario, the decisions that may vary
//! (placement, unit counts, notice to move), limits, an objective and constraints, parsed and
//! validated into a [`Problem`] whose decision variables name contingents and values.
//!
//! A plan is a list of typed [`RawChange`]s (`MoveContingent`, `SetUnits`,
//! `SetNoticeToMove`) applied to the base, so it validates as a study option does.

mod constraint;
mod raw;

pub use constraint::{Constraint, DEFAULT_TOLERANCE_DIVISOR, parse_requirement};
pub use raw::*;

use crate::error::{Diagnostic, Error, Result};
use crate::scenario::change::RawChange;
use crate::scenario::inputs::Inputs;
use crate::scenario::problems::Problems;
use crate::scenario::raw::{RawCaveat, RawContingent};
use crate::scenario::span::SpanIndex;
use crate::scenario::study::{relative, value_text};
use crate::scenario::{Scenario, Source, parse_ron};

/// Default first-stage replications of each plan.
pub const DEFAULT_N0: u32 = 10;
/// Default budget of replications over every plan.
pub const DEFAULT_BUDGET: u64 = 3_000;
/// Default replications of the `FewestUnits` confirmation.
pub const DEFAULT_CONFIRM: u32 = 1_000;
/// Default error probability of the final selection.
pub const DEFAULT_ALPHA: f64 = 0.05;
/// Most plans enumerated for `--exhaustive` (and counted for the output).
pub const MAX_ENUMERATED: u64 = 100_000;

/// What a decision variable chooses.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// A base among these ids (value: index).
    Base(Vec<String>),
    /// A number of units in `min..=max` (value: the number).
    Units {
        /// Fewest.
        min: u32,
        /// Most.
        max: u32,
    },
    /// A notice to move among these, as RON text (value: index).
    Notice(Vec<String>),
}

/// One decision variable: one contingent and what is chosen for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// Contingent id.
    pub contingent: String,
    /// Decision index in the file.
    pub decision: usize,
    /// What is chosen.
    pub choice: Choice,
    /// Units of the contingent in the base scenario.
    pub base_units: u32,
    /// The value of the base scenario as written, if it is one of the choices.
    pub base_value: Option<i64>,
    /// Interchangeable group: variables of one `Place` decision whose contingents differ
    /// only in id, name and base share a group, and their values are kept sorted (a plan is
    /// a multiset of bases); `None` otherwise.
    pub group: Option<usize>,
}

/// The objective, validated.
#[derive(Debug, Clone, PartialEq)]
pub enum Objective {
    /// Minimise the KPI.
    Minimise(String),
    /// Maximise the KPI.
    Maximise(String),
    /// The fewest units.
    FewestUnits,
}

/// A validated problem.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Name.
    pub name: String,
    /// The question.
    pub description: String,
    /// The base scenario as named in the file.
    pub scenario_file: String,
    /// The base scenario, parsed (after any overrides).
    pub source: Source,
    /// The base scenario, validated.
    pub base: Scenario,
    /// The decision variables.
    pub variables: Vec<Variable>,
    /// Each decision in words.
    pub decisions: Vec<String>,
    /// Most units over the touched contingents.
    pub max_units: Option<u64>,
    /// Cost per unit and budget.
    pub cost_limit: Option<(f64, f64)>,
    /// The objective.
    pub objective: Objective,
    /// The objective as written.
    pub objective_text: String,
    /// The constraints.
    pub constraints: Vec<Constraint>,
    /// Indifference zone.
    pub delta: f64,
    /// Error probability of the final selection.
    pub alpha: f64,
    /// First-stage replications.
    pub n0: u32,
    /// Budget of replications.
    pub budget: u64,
    /// Replications of the `FewestUnits` confirmation.
    pub confirm: u32,
    /// The final selection's procedure.
    pub selection: SelectionProcedure,
    /// Where the local search starts.
    pub start: SearchStart,
    /// Valid but worth saying: candidate bases left out by a nation's caveats.
    pub warnings: Vec<Diagnostic>,
}

/// A contingent with the fields that make it different from an interchangeable one
/// (id, name, base) blanked.
fn anonymous(c: &RawContingent) -> RawContingent {
    let mut c = c.clone();
    c.id.clear();
    c.name.clear();
    c.base.clear();
    c
}

/// Sector ids where `nation` may not act (its `NoSector` caveats).
fn barred_sectors<'a>(raw: &'a super::raw::RawScenario, nation: &str) -> Vec<&'a str> {
    raw.nations
        .iter()
        .filter(|n| n.code == nation)
        .flat_map(|n| n.caveats.iter())
        .filter_map(|c| match c {
            RawCaveat::NoSector(s) => Some(s.as_str()),
            _ => None,
        })
        .collect()
}

impl Problem {
    /// Reads, parses and validates the problem `file` and its base scenario. `overrides`
    /// change the base first (e.g. a seed); `kpi_check` says what is wrong with a KPI name
    /// on the base scenario.
    pub fn load(
        file: &str,
        inputs: &mut Inputs,
        overrides: &[RawChange],
        kpi_check: &dyn Fn(&str, &Scenario) -> Option<String>,
    ) -> Result<Problem> {
        let text = inputs.read(file)?;
        let p: RawProblem = parse_ron(&text, file)?;
        let base_file = relative(file, &p.scenario);
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
        let mut overrides = overrides.to_vec();
        overrides.extend(p.horizon_days.map(RawChange::SetHorizonDays));
        let source = Source::parse(&base_text, &base_file)?.changed(&overrides)?;
        let base = source.validate()?;
        let raw = source.raw();
        let mut pr = Problems::new();
        let mut warn = Problems::new();
        if let Some(m) = super::validate::dir_name_problem(&p.name) {
            pr.add("name", m);
        }
        if p.decisions.is_empty() {
            pr.add("decisions", "a problem needs at least one decision");
        }
        let spans = SpanIndex::build(&text);
        let mut variables: Vec<Variable> = Vec::new();
        let mut decisions = Vec::new();
        let mut groups = 0;
        for (i, d) in p.decisions.iter().enumerate() {
            let at = format!("decisions[{i}]");
            let (sel, what) = match d {
                RawDecision::Place { contingents, .. } => (contingents, "placed"),
                RawDecision::Count { contingents, .. } => (contingents, "counted"),
                RawDecision::NoticeToMove { contingents, .. } => (contingents, "readiness"),
            };
            let picked = match sel.resolve(raw) {
                Ok(v) => v,
                Err(e) => {
                    pr.add(format!("{at}.contingents.{}", e.field), e.message);
                    continue;
                }
            };
            for &c in &picked {
                let id = &raw.contingents[c].id;
                if variables.iter().any(|v| &v.contingent == id) {
                    pr.add(
                        format!("{at}.contingents"),
                        format!("contingent \"{id}\" is already {what} by another decision; each contingent may appear in one decision"),
                    );
                }
            }
            match d {
                RawDecision::Place { bases, .. } => {
                    if bases.is_empty() {
                        pr.add(
                            format!("{at}.bases"),
                            "expected at least one candidate base",
                        );
                        continue;
                    }
                    for (k, b) in bases.iter().enumerate() {
                        if !raw.bases.iter().any(|x| &x.id == b) {
                            pr.add(
                                format!("{at}.bases[{k}]"),
                                format!(
                                    "unknown base \"{b}\"; expected one of: {}",
                                    raw.bases
                                        .iter()
                                        .map(|x| format!("\"{}\"", x.id))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            );
                        } else if bases[..k].contains(b) {
                            pr.add(
                                format!("{at}.bases[{k}]"),
                                format!("base \"{b}\" is listed twice"),
                            );
                        }
                    }
                    let mut prev: Option<(RawContingent, usize)> = None;
                    for &c in &picked {
                        let rc = &raw.contingents[c];
                        let barred = barred_sectors(raw, &rc.nation);
                        let mut allowed = Vec::new();
                        for b in bases {
                            let Some(pos) = base.bases.iter().find(|x| &x.id == b).map(|x| x.pos)
                            else {
                                continue;
                            };
                            match base.sectors.iter().find(|s| {
                                barred.contains(&s.id.as_str()) && s.geometry.contains(pos)
                            }) {
                                Some(s) => warn.add(
                                    format!("{at}.bases"),
                                    format!(
                                        "base \"{b}\" is left out for \"{}\": it lies in sector \"{}\", where {} may not act (caveat NoSector)",
                                        rc.id, s.id, rc.nation
                                    ),
                                ),
                                None => allowed.push(b.clone()),
                            }
                        }
                        if allowed.is_empty() {
                            pr.add(
                                format!("{at}.bases"),
                                format!("no candidate base is left for \"{}\" after its nation's caveats", rc.id),
                            );
                            continue;
                        }
                        let anon = anonymous(rc);
                        let group = match &prev {
                            Some((a, g)) if *a == anon => *g,
                            _ => {
                                groups += 1;
                                groups - 1
                            }
                        };
                        prev = Some((anon, group));
                        let base_value =
                            allowed.iter().position(|b| *b == rc.base).map(|x| x as i64);
                        variables.push(Variable {
                            contingent: rc.id.clone(),
                            decision: i,
                            choice: Choice::Base(allowed),
                            base_units: rc.units,
                            base_value,
                            group: Some(group),
                        });
                    }
                    decisions.push(format!(
                        "place {} at one of: {}",
                        sel.describe(),
                        bases.join(", ")
                    ));
                }
                RawDecision::Count { min, max, .. } => {
                    let top = picked
                        .iter()
                        .map(|&c| raw.contingents[c].units)
                        .max()
                        .unwrap_or(0);
                    let max_or = |units: u32| max.unwrap_or(units);
                    if max.is_some_and(|m| *min > m)
                        || (max.is_none()
                            && picked.iter().any(|&c| raw.contingents[c].units < *min))
                    {
                        pr.add(
                            format!("{at}.max"),
                            format!("max ({}) is below min ({min})", max.unwrap_or(top)),
                        );
                        continue;
                    }
                    if u64::from(max.unwrap_or(top)) > super::validate::MAX_UNITS {
                        pr.add(
                            format!("{at}.max"),
                            format!(
                                "{} units exceed the limit of {}",
                                max.unwrap_or(top),
                                super::validate::MAX_UNITS
                            ),
                        );
                        continue;
                    }
                    for &c in &picked {
                        let rc = &raw.contingents[c];
                        let u = i64::from(rc.units);
                        let hi = max_or(rc.units);
                        variables.push(Variable {
                            contingent: rc.id.clone(),
                            decision: i,
                            choice: Choice::Units { min: *min, max: hi },
                            base_units: rc.units,
                            base_value: (i64::from(*min)..=i64::from(hi)).contains(&u).then_some(u),
                            group: None,
                        });
                    }
                    decisions.push(format!(
                        "units of each of {}: {min} to {}",
                        sel.describe(),
                        max.map_or("its units in the base scenario".to_string(), |m| m
                            .to_string())
                    ));
                }
                RawDecision::NoticeToMove { levels, .. } => {
                    if levels.is_empty() {
                        pr.add(
                            format!("{at}.levels"),
                            "expected at least one notice-to-move level",
                        );
                        continue;
                    }
                    let texts: Vec<String> = (0..levels.len())
                        .map(|k| {
                            spans
                                .find(&format!("{at}.levels[{k}]"))
                                .map_or_else(String::new, |l| value_text(&text, l))
                        })
                        .collect();
                    for &c in &picked {
                        let rc = &raw.contingents[c];
                        variables.push(Variable {
                            contingent: rc.id.clone(),
                            decision: i,
                            choice: Choice::Notice(texts.clone()),
                            base_units: rc.units,
                            base_value: levels
                                .iter()
                                .position(|l| *l == rc.notice_to_move)
                                .map(|x| x as i64),
                            group: None,
                        });
                    }
                    decisions.push(format!(
                        "notice to move of each of {}: one of {}",
                        sel.describe(),
                        texts.join(", ")
                    ));
                }
            }
        }
        let objective = match &p.objective {
            RawObjective::Minimise(k) | RawObjective::Maximise(k) => {
                if let Some(m) = kpi_check(k, &base) {
                    pr.add("objective", m);
                }
                if matches!(p.objective, RawObjective::Minimise(_)) {
                    Objective::Minimise(k.clone())
                } else {
                    Objective::Maximise(k.clone())
                }
            }
            RawObjective::FewestUnits => {
                if !variables
                    .iter()
                    .any(|v| matches!(v.choice, Choice::Units { .. }))
                {
                    pr.add(
                        "objective",
                        "FewestUnits needs a Count decision (the units it may take away)",
                    );
                }
                if p.constraints.is_empty() {
                    pr.add("constraints", "FewestUnits needs at least one constraint (what the fewest units must achieve)");
                }
                Objective::FewestUnits
            }
        };
        let objective_text = match &objective {
            Objective::Minimise(k) => format!("Minimise(\"{k}\")"),
            Objective::Maximise(k) => format!("Maximise(\"{k}\")"),
            Objective::FewestUnits => "FewestUnits".to_string(),
        };
        let constraints = constraint::validate(&p.constraints, &base, kpi_check, &mut pr);
        if !(p.delta.is_finite() && p.delta > 0.0) {
            pr.add("delta", format!("delta {} must be a positive number (the indifference zone, in the objective's unit)", p.delta));
        }
        let alpha = p.alpha.unwrap_or(DEFAULT_ALPHA);
        if !(alpha > 0.0 && alpha < 0.5) {
            pr.add(
                "alpha",
                format!("alpha {alpha} must be in (0, 0.5), e.g. 0.05"),
            );
        }
        let n0 = p.replications.n0.unwrap_or(DEFAULT_N0);
        if !(2..=1_000).contains(&n0) {
            pr.add("replications.n0", format!("n0 {n0} must be 2 to 1,000"));
        }
        let budget = p.replications.budget.unwrap_or(DEFAULT_BUDGET);
        if !(1..=crate::scenario::validate::MAX_REPLICATIONS as u64 * 100).contains(&budget) {
            pr.add(
                "replications.budget",
                format!(
                    "budget {budget} must be 1 to {}",
                    crate::scenario::validate::MAX_REPLICATIONS as u64 * 100
                ),
            );
        }
        let confirm = p.replications.confirm.unwrap_or(DEFAULT_CONFIRM);
        if !(2..=crate::scenario::validate::MAX_REPLICATIONS).contains(&confirm) {
            pr.add(
                "replications.confirm",
                format!(
                    "confirm {confirm} must be 2 to {}",
                    crate::scenario::validate::MAX_REPLICATIONS
                ),
            );
        }
        let cost_limit = match (p.cost_per_unit, p.budget) {
            (Some(c), Some(b)) if c.is_finite() && c > 0.0 && b.is_finite() && b >= 0.0 => {
                Some((c, b))
            }
            (None, None) => None,
            (Some(_), Some(_)) => {
                pr.add(
                    "cost_per_unit",
                    "cost_per_unit must be positive and budget not negative",
                );
                None
            }
            _ => {
                pr.add("budget", "give both cost_per_unit and budget, or neither");
                None
            }
        };
        pr.finish(file, &text)?;
        Ok(Problem {
            name: p.name,
            description: p.description,
            scenario_file: p.scenario,
            source,
            base,
            variables,
            decisions,
            max_units: p.max_units,
            cost_limit,
            objective,
            objective_text,
            constraints,
            delta: p.delta,
            alpha,
            n0,
            budget,
            confirm,
            selection: p.selection,
            start: p.start,
            warnings: warn.locate(file, &text),
        })
    }

    /// Whether smaller objective values are better.
    pub fn minimise(&self) -> bool {
        !matches!(self.objective, Objective::Maximise(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_parse() {
        assert_eq!(
            parse_requirement("within_target_share[domain=land] >= 0.9").unwrap(),
            ("within_target_share[domain=land]".to_string(), true, 0.9)
        );
        assert_eq!(
            parse_requirement("x<=2").unwrap(),
            ("x".to_string(), false, 2.0)
        );
        assert!(parse_requirement("x > 2").is_err());
        assert!(parse_requirement(">= 2").is_err());
        assert!(parse_requirement("x >= abc").is_err());
    }
}
