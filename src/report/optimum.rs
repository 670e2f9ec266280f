//! The outputs of `forceplan optimise`: `optimum.json` from an optimisation's outcome,
//! `best.ron` (a study of the best plan, the runners-up and the baseline that `forceplan
//! compare` runs as it is) and the console lines.

use super::files::*;
use crate::experiment::optimise::paired::{Check, Verdict, all_feasible, decide};
use crate::experiment::optimise::space::{PlanVec, Space};
use crate::experiment::optimise::{Mode, Outcome};
use crate::metrics::stats::Summary;
use crate::scenario::problem::{Objective, Problem, SelectionProcedure};
use std::fmt::Write;

/// Where and how the run was made, for `optimum.json`.
#[derive(Debug, Clone, Copy)]
pub struct OptimumInfo {
    /// Seed.
    pub seed: u64,
    /// Wall-clock seconds.
    pub wall_seconds: f64,
}

fn plan_entry(
    problem: &Problem,
    space: &Space,
    out: &Outcome,
    name: &str,
    plan: &PlanVec,
) -> PlanEntry {
    let o = out.obs.get(plan).cloned().unwrap_or_default();
    PlanEntry {
        name: name.to_string(),
        vector: plan.clone(),
        description: space.describe(plan),
        changes: space.change_texts(plan),
        units: space.units(plan),
        replications: o.len() as u64,
        objective: Summary::of(o.objective.iter().copied()),
        constraints: constraint_results(problem, &o.constraints, searched(problem)),
    }
}

fn constraint_results(
    problem: &Problem,
    values: &[Vec<f64>],
    check: Check,
) -> Vec<ConstraintResult> {
    problem
        .constraints
        .iter()
        .zip(values)
        .map(|(c, v)| ConstraintResult {
            text: c.text.clone(),
            value: Summary::of(v.iter().copied()),
            feasible: decide(v, c, check).key().to_string(),
        })
        .collect()
}

/// How the search decided the constraints: sequentially.
fn searched(problem: &Problem) -> Check {
    Check::Sequential(problem.n0 as usize)
}

fn verdict_of(problem: &Problem, values: &[Vec<f64>], check: Check) -> Verdict {
    if problem.constraints.is_empty() {
        Verdict::Yes
    } else {
        all_feasible(values, &problem.constraints, check)
    }
}

/// `optimum.json` of an optimisation.
pub fn optimum_file(
    problem: &Problem,
    space: &Space,
    out: &Outcome,
    info: OptimumInfo,
) -> OptimumFile {
    let ranked = &out.selection.ranked;
    let best = plan_entry(problem, space, out, "best", &ranked[0]);
    let runners_up = ranked[1..]
        .iter()
        .enumerate()
        .map(|(i, p)| plan_entry(problem, space, out, &format!("runner-up-{}", i + 1), p))
        .collect();
    let baseline = out
        .baseline
        .as_ref()
        .map(|p| plan_entry(problem, space, out, "baseline", p));
    let evaluated = out
        .order
        .iter()
        .map(|p| {
            let o = &out.obs[p];
            let nan_at = o.objective.iter().position(|x| !x.is_finite());
            EvaluatedEntry {
                vector: p.clone(),
                description: space.describe(p).join("; "),
                replications: o.len() as u64,
                objective_mean: Summary::of(o.objective.iter().copied()).mean,
                feasible: if nan_at.is_some() {
                    Verdict::No
                } else {
                    verdict_of(problem, &o.constraints, searched(problem))
                }
                .key()
                .to_string(),
                set_aside: nan_at.map(|r| {
                    format!(
                        "objective undefined (NaN) in replication {r}: not compared (set aside as infeasible)"
                    )
                }),
            }
        })
        .collect();
    let (objective_kpi, minimise) = match &problem.objective {
        Objective::Minimise(k) => (Some(k.clone()), true),
        Objective::Maximise(k) => (Some(k.clone()), false),
        Objective::FewestUnits => (None, true),
    };
    let fewest_units = out.fewest.as_ref().and_then(|f| {
        let check = |p: &PlanVec| {
            let o = &out.obs[p];
            UnitsCheck {
                units: space.units(p),
                description: space.describe(p),
                // The confirmation's sample size is fixed beforehand: a t interval.
                constraints: constraint_results(problem, &o.constraints, Check::FixedSample),
                meets: verdict_of(problem, &o.constraints, Check::FixedSample) == Verdict::Yes,
            }
        };
        let answer = check(f.answer.as_ref()?);
        let one_fewer = f.one_fewer.as_ref().map(check);
        let confirmed = answer.meets && one_fewer.as_ref().is_none_or(|c| !c.meets);
        Some(FewestUnitsEntry {
            units: answer.units,
            replications: f.confirm,
            answer,
            one_fewer,
            confirmed,
        })
    });
    OptimumFile {
        problem: ProblemEntry {
            name: problem.name.clone(),
            description: problem.description.clone(),
            scenario: problem.scenario_file.clone(),
            objective: problem.objective_text.clone(),
            objective_kpi,
            minimise,
            constraints: problem
                .constraints
                .iter()
                .map(|c| ConstraintEntry {
                    text: c.text.clone(),
                    kpi: c.kpi.clone(),
                    op: if c.at_least { ">=" } else { "<=" }.into(),
                    threshold: c.threshold,
                    confidence: c.confidence,
                    tolerance: c.tolerance,
                })
                .collect(),
            decisions: problem.decisions.clone(),
            plans_in_space: space.count(),
            start: problem.start.key().to_string(),
        },
        mode: match out.mode {
            Mode::Search => "search".into(),
            Mode::Exhaustive(_) => "exhaustive".into(),
        },
        seed: info.seed,
        guarantee: guarantee(problem, out),
        best,
        runners_up,
        baseline,
        evaluated,
        replications_total: out.used,
        budget_replications: out.budget,
        convergence: out
            .trail
            .iter()
            .map(|p| ConvergencePoint {
                replications_used: p.used,
                best_objective: p.objective.mean,
                ci_low: p.objective.ci95_low,
                ci_high: p.objective.ci95_high,
            })
            .collect(),
        fewest_units,
        wall_seconds: info.wall_seconds,
        cpu_seconds: out.effort.cpu_seconds,
    }
}

fn guarantee(problem: &Problem, out: &Outcome) -> GuaranteeEntry {
    let k = out.candidates;
    let (method, statement) = if matches!(problem.objective, Objective::FewestUnits) {
        (
            "descent in units with sequential feasibility checks (Andradóttir & Kim 2010), confirmed with fresh replications".to_string(),
            format!(
                "Each step takes one unit away while the best plan with one unit fewer is decided feasible by Andradóttir & Kim's sequential feasibility procedure (2010), each constraint at its confidence and tolerance. The answer and the best plan with one unit fewer are re-run with {} replications each and judged by each constraint's one-sided t interval at its confidence over those replications. The plans with one unit fewer that were not re-run are only known to be no better by the mean constraint margin after {} replications.",
                problem.confirm, problem.n0
            ),
        )
    } else if problem.selection == SelectionProcedure::Kn {
        let m = "KN (Kim & Nelson 2001), fully sequential, under common random numbers".to_string();
        let within = if let Mode::Exhaustive(r) = out.mode {
            format!(
                "Every plan of the space was evaluated with {r} replications (common random numbers); KN then chose among the {k} plans with the best means not decided infeasible."
            )
        } else {
            format!(
                "KN chose among the {k} plans of the final selection: the plan the local search ended at and the plans evaluated closest to it; that search is a local one, so a better plan elsewhere in the space is not excluded."
            )
        };
        let screened = out.selection.kn.map_or(String::new(), |(h2, r, most)| {
            format!(" KN's h2 = {h2:.4}; it screened {r} replications per surviving plan (at most {most} could have been needed).")
        });
        let within = within + &screened;
        let s = if out.selection.complete {
            format!(
                "{within} With probability at least {:.0} % (PCS >= 1 - alpha), the chosen plan is the best of them or within the indifference zone delta = {} of the best, provided the outputs are normal; KN eliminated plans replication by replication until one was left.",
                100.0 * (1.0 - problem.alpha),
                problem.delta
            )
        } else {
            format!(
                "{within} NOT GUARANTEED: the budget ran out before KN had eliminated all but one plan (delta = {}); the chosen plan is the survivor with the best mean so far.",
                problem.delta
            )
        };
        (m, s)
    } else {
        let m = "OCBA allocation (Chen et al. 2000) with joint paired intervals (Bonferroni) under common random numbers".to_string();
        let s = if let Mode::Exhaustive(r) = out.mode {
            format!(
                "Every plan of the space was evaluated with {r} replications (common random numbers); the chosen plan has the best mean among those not decided infeasible.{}",
                if out.selection.complete {
                    format!(
                        " With probability at least {:.0} %, it is within delta = {} of each of the next {} plans by mean (joint paired intervals).",
                        100.0 * (1.0 - problem.alpha),
                        problem.delta,
                        k.saturating_sub(1)
                    )
                } else {
                    format!(
                        " The paired intervals do not put it within delta = {} of every one of the next plans by mean: more replications would be needed to tell them apart.",
                        problem.delta
                    )
                }
            )
        } else if out.selection.complete {
            format!(
                "With probability at least {:.0} %, the chosen plan's expected objective is within delta = {} of the best of the {k} plans in the final selection (each other plan's paired interval, jointly at 1 - alpha, puts the difference below delta). The final selection holds the plan the local search ended at and the plans evaluated closest to it; that search is a local one, so a better plan elsewhere in the space is not excluded unless the search was exhaustive.",
                100.0 * (1.0 - problem.alpha),
                problem.delta
            )
        } else {
            format!(
                "NOT GUARANTEED: the budget ran out before the paired intervals put the chosen plan within delta = {} of every other of the {k} plans in the final selection; it is the plan with the best mean so far.",
                problem.delta
            )
        };
        (m, s)
    };
    let statement = if problem.constraints.is_empty()
        || matches!(problem.objective, Objective::FewestUnits)
    {
        statement
    } else {
        format!(
            "{statement} Plans were dropped when decided infeasible by Andradóttir & Kim's sequential feasibility procedure (2010), each constraint at its confidence and tolerance."
        )
    };
    GuaranteeEntry {
        method,
        delta: problem.delta,
        alpha: problem.alpha,
        confidence: 1.0 - problem.alpha,
        n0: u64::from(problem.n0),
        candidates: k as u64,
        selection_complete: out.selection.complete,
        statement,
        assumptions: vec![
            "Replications are independent and identically distributed for each plan; replication r of every plan uses the same random streams (seed, r), so differences are paired.".into(),
            "Paired differences are near enough to normal for t intervals (n0 replications or more per plan).".into(),
            "A plan whose objective is undefined (NaN, e.g. a percentile over no violation of its scope, or not reached) in any replication is set aside, not compared (its entry in evaluated says so); if no plan is left, the run stops with an error. A replication whose constraint KPI is undefined is left out of that constraint's check.".into(),
            "Constraints are on the expectation of the KPI over replications, not on each replication.".into(),
        ]
        .into_iter()
        .chain((!problem.constraints.is_empty()).then(|| {
            "Constraints: Andradóttir & Kim's sequential feasibility procedure (2010) decides each constraint on the plan's replications in order: an expectation at least the constraint's tolerance inside its threshold is decided feasible, and one at least the tolerance outside infeasible, each with probability at least its confidence (normal outputs); expectations within the tolerance may be decided either way. The decision is taken at the first replication that leaves the procedure's continuation region; later replications do not change it.".to_string()
        }))
        .chain((problem.selection == SelectionProcedure::Kn).then(|| {
            "KN: each plan's objective over replications is normal (replication averages of long runs nearly are), with any variances and any correlation between plans (common random numbers allowed); KN needs every replication, so a plan whose objective is undefined in one is set aside before KN compares it.".to_string()
        }))
        .collect(),
    }
}

/// `best.ron`: a study of the best plan, the runners-up and the baseline (the base scenario
/// as written), ranked by the objective's KPI, that `forceplan compare` runs as it is.
/// `scenario` is the base scenario's path relative to the output directory.
pub fn best_study(problem: &Problem, file: &OptimumFile, scenario: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// Written by forceplan optimise: the best plan of problem \"{}\", the runners-up and the base",
        problem.name
    );
    let _ = writeln!(
        s,
        "// scenario as written (\"baseline\"), to compare with common random numbers:"
    );
    let _ = writeln!(s, "//   forceplan compare best.ron");
    let _ = writeln!(s, "Study(");
    let _ = writeln!(s, "    name: {:?},", format!("{}-best", problem.name));
    let _ = writeln!(
        s,
        "    description: {:?},",
        format!("The best plan found for: {}", problem.description)
    );
    let _ = writeln!(s, "    scenario: {scenario:?},");
    let reps = file.best.replications.clamp(2, 1_000);
    let _ = writeln!(s, "    replications: {reps},");
    if let Some(k) = &file.problem.objective_kpi {
        let _ = writeln!(s, "    kpi: {k:?},");
    }
    let _ = writeln!(s, "    options: [");
    for p in std::iter::once(&file.best).chain(&file.runners_up) {
        let _ = writeln!(s, "        ForceOption(");
        let _ = writeln!(s, "            name: {:?},", p.name);
        let _ = writeln!(
            s,
            "            description: {:?},",
            p.description.join("; ")
        );
        let _ = writeln!(s, "            changes: [");
        if p.changes.is_empty() {
            // A plan equal to the base: a change that leaves it as it is.
            let _ = writeln!(s, "                ScaleRate(sectors: All, factor: 1.0),");
        }
        for c in &p.changes {
            let _ = writeln!(s, "                {c},");
        }
        let _ = writeln!(s, "            ],");
        let _ = writeln!(s, "        ),");
    }
    let _ = writeln!(s, "    ],");
    let _ = writeln!(s, ")");
    s
}

/// The console lines of an optimisation: the answer, its figures and the guarantee.
pub fn console(file: &OptimumFile) -> String {
    let mut s = String::new();
    let p = &file.problem;
    let _ = writeln!(s, "problem {}: {}", p.name, p.objective);
    let what = match &p.objective_kpi {
        Some(k) => format!(
            "{k} = {:.4} (95 % CI {:.4} to {:.4})",
            file.best.objective.mean, file.best.objective.ci95_low, file.best.objective.ci95_high
        ),
        None => format!("{} units", file.best.units),
    };
    let _ = writeln!(
        s,
        "best plan ({} replications): {what}",
        file.best.replications
    );
    for d in &file.best.description {
        let _ = writeln!(s, "  {d}");
    }
    for c in &file.best.constraints {
        let _ = writeln!(
            s,
            "  {}: {:.4} (95 % CI {:.4} to {:.4}), feasible: {}",
            c.text, c.value.mean, c.value.ci95_low, c.value.ci95_high, c.feasible
        );
    }
    if let Some(b) = &file.baseline {
        let _ = writeln!(
            s,
            "baseline (the base scenario as written, {} replications): objective {:.4}, {} units",
            b.replications, b.objective.mean, b.units
        );
    }
    if p.objective == "FewestUnits" && file.fewest_units.is_none() {
        let _ = writeln!(
            s,
            "NO PLAN MEETS THE CONSTRAINTS: even the most units the decisions allow ({}) are not decided feasible; the plan shown is that one.",
            file.best.units
        );
    }
    if let Some(f) = &file.fewest_units {
        let _ = writeln!(
            s,
            "fewest units: {} ({} replications each: answer meets the constraints: {}; one unit fewer meets them: {}; confirmed: {})",
            f.units,
            f.replications,
            f.answer.meets,
            f.one_fewer
                .as_ref()
                .map_or("no such plan".to_string(), |c| c.meets.to_string()),
            f.confirmed
        );
    }
    let confirm = file.fewest_units.as_ref().map_or(String::new(), |f| {
        format!(
            " (the confirmation's {} replications per plan come on top of the budget)",
            f.replications
        )
    });
    let _ = writeln!(
        s,
        "replications used: {} of a budget of {}{confirm}; {} plans evaluated{}",
        file.replications_total,
        file.budget_replications,
        file.evaluated.len(),
        p.plans_in_space
            .map_or(String::new(), |n| format!(" of {n} in the space"))
    );
    let _ = writeln!(
        s,
        "guarantee ({}; delta {}, alpha {}): {}",
        file.guarantee.method, file.guarantee.delta, file.guarantee.alpha, file.guarantee.statement
    );
    s
}
