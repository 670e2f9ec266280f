//! The raw types of a problem file, as written (serde, `deny_unknown_fields`): decisions,
//! objective, constraints and replication settings.

use crate::scenario::raw::RawDist;
use crate::scenario::select::RawContingents;
use serde::Deserialize;

/// One decision of a problem file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawDecision {
    /// Each selected contingent stands at one of `bases` (the whole contingent moves).
    Place {
        /// Which contingents.
        contingents: RawContingents,
        /// Candidate base ids.
        bases: Vec<String>,
    },
    /// Units of each selected contingent, from `min` to `max` (drone fleets too).
    Count {
        /// Which contingents.
        contingents: RawContingents,
        /// Fewest units (default 0).
        #[serde(default)]
        min: u32,
        /// Most units (default: each contingent's units in the base scenario).
        #[serde(default)]
        max: Option<u32>,
    },
    /// Notice to move of each selected contingent: one of `levels`.
    NoticeToMove {
        /// Which contingents.
        contingents: RawContingents,
        /// The notice-to-move distributions to choose from, as in a scenario.
        levels: Vec<RawDist>,
    },
}

/// The objective of a problem file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub enum RawObjective {
    /// Minimise a (scoped) KPI.
    Minimise(String),
    /// Maximise a (scoped) KPI.
    Maximise(String),
    /// The fewest units (of the `Count` decisions) such that every constraint holds.
    FewestUnits,
}

/// A constraint of a problem file: `Require(that: "KPI >= number", confidence: 0.95, tolerance: 0.01)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawConstraint {
    /// The KPI's expectation must satisfy `that` at `confidence`.
    Require {
        /// `KPI >= number` or `KPI <= number`.
        that: String,
        /// Confidence of the feasibility decision (default 0.95).
        #[serde(default)]
        confidence: Option<f64>,
        /// Tolerance of the sequential feasibility check, in the KPI's unit: expectations
        /// within it of the threshold may be decided either way (default 1 % of the
        /// threshold's size).
        #[serde(default)]
        tolerance: Option<f64>,
    },
}

/// Replication settings of a problem file.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "Replications")]
pub struct RawReplications {
    /// First-stage replications of each plan (default 10).
    #[serde(default)]
    pub n0: Option<u32>,
    /// Replications over every plan (default 3,000).
    #[serde(default)]
    pub budget: Option<u64>,
    /// Replications of the `FewestUnits` confirmation (default 1,000).
    #[serde(default)]
    pub confirm: Option<u32>,
}

/// The ranking-and-selection procedure of the final selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum SelectionProcedure {
    /// OCBA allocation with joint paired intervals (the default).
    #[default]
    Ocba,
    /// Kim & Nelson's fully sequential procedure KN (2001).
    Kn,
}

/// Where the local search of `Minimise`/`Maximise` starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum SearchStart {
    /// The analytic screen's placement (MEXCLP per `Place` decision; the default).
    #[default]
    Screen,
    /// The base scenario's own plan, as written (clamped into the decisions' ranges).
    Base,
}

impl SearchStart {
    /// The name as written in a problem file (`"Screen"` or `"Base"`).
    pub fn key(self) -> &'static str {
        match self {
            SearchStart::Screen => "Screen",
            SearchStart::Base => "Base",
        }
    }
}

/// A problem file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename = "Problem")]
pub struct RawProblem {
    /// Name (the default output directory).
    pub name: String,
    /// The question.
    #[serde(default)]
    pub description: String,
    /// Base scenario file, relative to the problem file.
    pub scenario: String,
    /// Simulated days per replication, instead of the scenario's `horizon_days`.
    #[serde(default)]
    pub horizon_days: Option<f64>,
    /// What may vary.
    pub decisions: Vec<RawDecision>,
    /// Most units over the contingents the decisions touch.
    #[serde(default)]
    pub max_units: Option<u64>,
    /// Cost of one unit (with `budget`).
    #[serde(default)]
    pub cost_per_unit: Option<f64>,
    /// Most cost over the contingents the decisions touch (with `cost_per_unit`).
    #[serde(default)]
    pub budget: Option<f64>,
    /// What to optimise.
    pub objective: RawObjective,
    /// Constraints, each decided at its confidence.
    #[serde(default)]
    pub constraints: Vec<RawConstraint>,
    /// Indifference zone, in the objective's unit (units for `FewestUnits`).
    pub delta: f64,
    /// Error probability of the final selection (default 0.05).
    #[serde(default)]
    pub alpha: Option<f64>,
    /// Replication settings.
    #[serde(default)]
    pub replications: RawReplications,
    /// The final selection's procedure (default `Ocba`).
    #[serde(default)]
    pub selection: SelectionProcedure,
    /// Where the local search starts (default `Screen`).
    #[serde(default)]
    pub start: SearchStart,
}
