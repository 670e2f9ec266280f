//! The result-file types of `forceplan optimise`, re-exported by [`super::files`]:
//! `optimum.json` (the problem, the guarantee, the best plan and its runners-up, every plan
//! evaluated, the replications used and the convergence series).
//!
//! Numbers that are undefined (NaN) are written as `null` and read back as NaN. The timing
//! fields (`wall_seconds`, `cpu_seconds`) are the only ones that differ between two runs of
//! the same problem with the same seed.

use crate::metrics::stats::{Summary, nan_if_null};
use serde::{Deserialize, Serialize};

/// `optimum.json`: what `forceplan optimise` found and how sure it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimumFile {
    /// The problem as stated in the problem file.
    pub problem: ProblemEntry,
    /// How the plans were searched: `"search"` (screen, local search under common random
    /// numbers, ranking and selection) or `"exhaustive"` (every plan of the space).
    pub mode: String,
    /// Seed of the random streams; replication `r` of every plan uses the streams of
    /// `(seed, r)`, so plans see the same violations.
    pub seed: u64,
    /// What the answer guarantees, and under which assumptions.
    pub guarantee: GuaranteeEntry,
    /// The chosen plan.
    pub best: PlanEntry,
    /// The next best plans of the final selection, best first.
    pub runners_up: Vec<PlanEntry>,
    /// The base scenario as written (no change), evaluated on the same replications as the
    /// best plan; `None` when the base is not a plan of the space and was not evaluated.
    pub baseline: Option<PlanEntry>,
    /// Every plan evaluated, in the order first evaluated.
    pub evaluated: Vec<EvaluatedEntry>,
    /// Replications simulated in total, over every plan (the budget used).
    pub replications_total: u64,
    /// The budget of replications the run was allowed (`--budget-replications`).
    pub budget_replications: u64,
    /// The best objective against the replications used, one point per decision taken.
    pub convergence: Vec<ConvergencePoint>,
    /// For `FewestUnits`: the confirmation that the answer meets the constraints and one
    /// unit fewer does not; `None` for other objectives.
    pub fewest_units: Option<FewestUnitsEntry>,
    /// Wall-clock time of the run \[s\] (timing: differs between runs).
    #[serde(deserialize_with = "nan_if_null")]
    pub wall_seconds: f64,
    /// CPU time of the replications \[s\] (timing: differs between runs).
    #[serde(deserialize_with = "nan_if_null")]
    pub cpu_seconds: f64,
}

/// The problem of an `optimum.json`, as stated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProblemEntry {
    /// Name of the problem (the default output directory).
    pub name: String,
    /// The question it answers.
    pub description: String,
    /// Base scenario file, as named in the problem file.
    pub scenario: String,
    /// The objective as written: `Minimise("kpi")`, `Maximise("kpi")` or `FewestUnits`.
    pub objective: String,
    /// The scoped KPI of the objective (`None` for `FewestUnits`).
    pub objective_kpi: Option<String>,
    /// Whether smaller objective values are better (true for `Minimise` and `FewestUnits`).
    pub minimise: bool,
    /// The constraints, each decided at its confidence.
    pub constraints: Vec<ConstraintEntry>,
    /// Each decision in words (what varies and over which values).
    pub decisions: Vec<String>,
    /// Plans in the decision space within the limits (`None` when too many to count).
    pub plans_in_space: Option<u64>,
    /// Where the local search started: `"Screen"` (the MEXCLP screen's placement) or
    /// `"Base"` (the base scenario's plan); files written before the option read as
    /// `"Screen"`. An exhaustive evaluation does not search, but echoes it too.
    #[serde(default = "screen_start")]
    pub start: String,
}

fn screen_start() -> String {
    "Screen".into()
}

/// A constraint of the problem: `kpi op threshold` at `confidence`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConstraintEntry {
    /// The constraint as written, e.g. `within_target_share[domain=land] >= 0.9`.
    pub text: String,
    /// The scoped KPI.
    pub kpi: String,
    /// `">="` or `"<="`.
    pub op: String,
    /// The threshold.
    pub threshold: f64,
    /// Confidence at which feasibility is decided (e.g. 0.95).
    pub confidence: f64,
    /// Tolerance of the sequential feasibility check, in the KPI's unit.
    #[serde(default)]
    pub tolerance: f64,
}

/// The statistical guarantee of the answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuaranteeEntry {
    /// The final selection procedure, e.g. `"KN (Kim & Nelson 2001) with common random
    /// numbers"`.
    pub method: String,
    /// Indifference zone, in the objective's unit: plans within `delta` of the best are
    /// equally good.
    pub delta: f64,
    /// Error probability of the selection.
    pub alpha: f64,
    /// `1 - alpha`: probability that the chosen plan is within `delta` of the best of the
    /// plans selected among.
    pub confidence: f64,
    /// First-stage replications of each plan.
    pub n0: u64,
    /// Plans in the final selection.
    pub candidates: u64,
    /// Whether the selection ended with one plan left (false: the budget ran out first and
    /// the plan with the best mean was taken; the guarantee then does not hold).
    pub selection_complete: bool,
    /// The guarantee in words, including what it does not cover.
    pub statement: String,
    /// Assumptions the guarantee rests on, in words.
    pub assumptions: Vec<String>,
}

/// A plan with its figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanEntry {
    /// Short name of the plan, e.g. `plan-3` or `baseline` (an option name in `best.ron`).
    pub name: String,
    /// The plan as the decision vector (one integer per decision variable, see
    /// `variables`).
    pub vector: Vec<i64>,
    /// The plan in words, one line per decision variable, e.g. `pol-qrf-kyiv-1 at dnipro`.
    pub description: Vec<String>,
    /// The typed changes to the base scenario, as RON text (the changes of `best.ron`).
    pub changes: Vec<String>,
    /// Units of the contingents the decisions touch.
    pub units: u64,
    /// Replications of this plan.
    pub replications: u64,
    /// The objective over those replications (mean and 95 % t interval).
    pub objective: Summary,
    /// Each constraint over those replications, in problem order.
    pub constraints: Vec<ConstraintResult>,
}

/// A constraint evaluated on one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConstraintResult {
    /// The constraint as written.
    pub text: String,
    /// The KPI over the plan's replications.
    pub value: Summary,
    /// `"yes"`, `"no"` or `"undecided"` at the constraint's confidence.
    pub feasible: String,
}

/// A plan that was evaluated, briefly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluatedEntry {
    /// The decision vector.
    pub vector: Vec<i64>,
    /// The plan in words, one decision per entry joined by `"; "`.
    pub description: String,
    /// Replications of this plan.
    pub replications: u64,
    /// Mean objective over them.
    #[serde(deserialize_with = "nan_if_null")]
    pub objective_mean: f64,
    /// Whether every constraint held at its confidence (`"yes"`, `"no"`, `"undecided"`);
    /// `"no"` for a plan set aside.
    pub feasible: String,
    /// Why the plan was set aside, e.g. its objective undefined (NaN) in a replication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_aside: Option<String>,
}

/// One point of the convergence series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ConvergencePoint {
    /// Replications used so far, over every plan.
    pub replications_used: u64,
    /// Mean objective of the incumbent (the best plan so far).
    #[serde(deserialize_with = "nan_if_null")]
    pub best_objective: f64,
    /// Lower end of its 95 % interval.
    #[serde(deserialize_with = "nan_if_null")]
    pub ci_low: f64,
    /// Upper end of its 95 % interval.
    #[serde(deserialize_with = "nan_if_null")]
    pub ci_high: f64,
}

/// The confirmation of a `FewestUnits` answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FewestUnitsEntry {
    /// Units of the answer.
    pub units: u64,
    /// Replications of each confirmation run.
    pub replications: u64,
    /// The answer, re-run: `meets` should be true.
    pub answer: UnitsCheck,
    /// The best plan found with one unit fewer, re-run: `meets` should be false; `None` when
    /// the answer is at the smallest count allowed.
    pub one_fewer: Option<UnitsCheck>,
    /// Whether both held: the answer meets every constraint and one unit fewer does not.
    pub confirmed: bool,
}

/// A confirmation run of one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitsCheck {
    /// Units of the plan.
    pub units: u64,
    /// The plan in words.
    pub description: Vec<String>,
    /// Each constraint over the confirmation replications.
    pub constraints: Vec<ConstraintResult>,
    /// Whether every constraint was decided feasible.
    pub meets: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_round_trips_as_null() {
        let p = ConvergencePoint {
            replications_used: 10,
            best_objective: 1.5,
            ci_low: f64::NAN,
            ci_high: 2.0,
        };
        let text = serde_json::to_string(&p).unwrap();
        assert!(text.contains("\"ci_low\":null"), "{text}");
        let back: ConvergencePoint = serde_json::from_str(&text).unwrap();
        assert!(back.ci_low.is_nan());
        assert_eq!(back.best_objective, 1.5);
    }
}
