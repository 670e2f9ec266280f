//! Optimisation of a force plan (issue 13): the decision space (`space`), the evaluation of
//! plans under common random numbers (`eval`), the paired tests and feasibility decisions
//! (`paired`), the MEXCLP screen that proposes the starting placement (`screen`), the local search, `FewestUnits` descent and final selection (`search`), and
//! the statistical pieces from published procedures (`ocba`, `kn` for `selection: Kn`,
//! and `feasibility`, by which `paired` decides every constraint). [`optimise`] drives them.

pub mod eval;
pub mod feasibility;
pub mod kn;
pub mod mexclp;
pub mod ocba;
pub mod paired;
pub mod screen;
pub mod search;
pub mod space;

use crate::error::Result;
use crate::scenario::problem::{Objective, Problem, SearchStart};
use eval::{Evaluator, Obs, Progress};
use search::{Point, Selection};
use space::{PlanVec, Space};
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

/// How the plans are searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Local search from the base plan under common random numbers, then the final
    /// selection (or, for `FewestUnits`, the descent in units and its confirmation).
    Search,
    /// Every plan of the space with the given replications each.
    Exhaustive(u64),
}

/// How to run [`optimise`].
pub struct Options<'a> {
    /// Search or exhaustive.
    pub mode: Mode,
    /// Budget of replications instead of the problem's.
    pub budget: Option<u64>,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Set by a signal: stop after the items running.
    pub stop: &'a AtomicBool,
    /// Replications done so far and the budget.
    pub progress: Progress<'a>,
    /// Values finished by an earlier, interrupted run of the same problem and seed.
    pub journal: BTreeMap<PlanVec, Obs>,
    /// Called with each batch's new values, to keep the journal.
    pub on_batch: Option<eval::OnBatch<'a>>,
}

/// The `FewestUnits` answer and its confirmation.
#[derive(Debug, Clone, PartialEq)]
pub struct Fewest {
    /// The plan with the fewest units decided feasible (`None`: even the most units allowed
    /// are not).
    pub answer: Option<PlanVec>,
    /// The best plan with one unit fewer, re-run for the confirmation.
    pub one_fewer: Option<PlanVec>,
    /// Replications of each confirmation run.
    pub confirm: u64,
}

/// What [`optimise`] found.
pub struct Outcome {
    /// How the plans were searched.
    pub mode: Mode,
    /// The chosen plan first, then the runners-up.
    pub selection: Selection,
    /// Plans in the final selection.
    pub candidates: usize,
    /// The base scenario's plan, when it is a plan of the space (evaluated on as many
    /// replications as the chosen plan).
    pub baseline: Option<PlanVec>,
    /// For `FewestUnits`.
    pub fewest: Option<Fewest>,
    /// The incumbent's objective against the replications used.
    pub trail: Vec<Point>,
    /// Values of every plan evaluated.
    pub obs: BTreeMap<PlanVec, Obs>,
    /// Plans in the order first evaluated.
    pub order: Vec<PlanVec>,
    /// Replications used in total.
    pub used: u64,
    /// The budget the run was allowed.
    pub budget: u64,
    /// CPU time and work of what this run simulated.
    pub effort: crate::experiment::Effort,
    /// What the analytic screen did (one line per `Place` decision it solved).
    pub screen: Vec<String>,
}

/// Searches `problem`'s decision space for the best plan (see [`Mode`]). Deterministic: the
/// same problem and seed give the same outcome for any thread count, resumed or not.
pub fn optimise(problem: &Problem, space: &Space, opts: Options<'_>) -> Result<Outcome> {
    let mut ev = Evaluator::new(problem, space, opts.threads, opts.stop, opts.progress)?
        .with_journal(opts.journal);
    ev.on_batch = opts.on_batch;
    let mut trail = Vec::new();
    let mut fewest = None;
    let mut screen_notes = Vec::new();
    let base_plan = base_plan(space);
    let (selection, candidates) = match (opts.mode, &problem.objective) {
        (Mode::Exhaustive(r), _) => {
            let plans = space.enumerate()?;
            ev.budget = r * plans.len() as u64 + r;
            ev.ensure(&plans, r as usize)?;
            let minimise = problem.minimise();
            let mut scored: Vec<(f64, PlanVec)> = plans
                .iter()
                .filter(|p| search::verdict(&ev, problem, p) != paired::Verdict::No)
                .map(|p| {
                    let m = search::summary(&ev, p).mean;
                    (if minimise { m } else { -m }, p.clone())
                })
                .collect();
            if scored.is_empty() {
                scored = plans
                    .iter()
                    .filter(|p| search::undefined(&ev, p).is_none())
                    .map(|p| (search::summary(&ev, p).mean, p.clone()))
                    .collect();
            }
            if scored.is_empty() {
                return Err(search::all_undefined(&ev, problem, &plans[0]));
            }
            scored.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
            let top: Vec<PlanVec> = scored
                .into_iter()
                .take(search::CANDIDATES)
                .map(|x| x.1)
                .collect();
            let k = top.len();
            (search::select_by(&mut ev, problem, top, &mut trail)?, k)
        }
        (Mode::Search, Objective::FewestUnits) => {
            ev.budget = opts.budget.unwrap_or(problem.budget);
            let (answer, one_fewer) = search::fewest_units(&mut ev, space, problem, &mut trail)?;
            let confirm = u64::from(problem.confirm);
            ev.budget = ev.used + 2 * confirm;
            let mut runs: Vec<PlanVec> = answer.iter().chain(one_fewer.iter()).cloned().collect();
            runs.dedup();
            ev.ensure(&runs, confirm as usize)?;
            let ranked: Vec<PlanVec> = answer.iter().chain(one_fewer.iter()).cloned().collect();
            let ranked = if ranked.is_empty() {
                vec![space.start(true)]
            } else {
                ranked
            };
            fewest = Some(Fewest {
                answer: answer.clone(),
                one_fewer,
                confirm,
            });
            (
                Selection {
                    ranked,
                    complete: answer.is_some(),
                    kn: None,
                },
                1,
            )
        }
        (Mode::Search, _) => {
            ev.budget = opts.budget.unwrap_or(problem.budget);
            let (start, notes) = match problem.start {
                SearchStart::Screen => screen::screen(&problem.base, space, &space.start(false))?,
                SearchStart::Base => (
                    space.start(false),
                    vec![
                        "start: Base: the search starts from the base scenario's plan (no screen)"
                            .to_string(),
                    ],
                ),
            };
            screen_notes = notes;
            let (x, others) = search::local_search(&mut ev, space, problem, start, &mut trail)?;
            let mut cands = vec![x];
            cands.extend(others);
            let k = cands.len().min(search::CANDIDATES);
            (search::select_by(&mut ev, problem, cands, &mut trail)?, k)
        }
    };
    let baseline = base_plan.filter(|b| Some(b) != selection.ranked.first());
    if let Some(b) = &baseline {
        // Within what is left of the budget, but at least n0 replications.
        let n = ev
            .reps(&selection.ranked[0])
            .min((problem.n0 as u64).max(ev.remaining()) as usize);
        ev.ensure(std::slice::from_ref(b), n)?;
    }
    let used = ev.used;
    let budget = match opts.mode {
        Mode::Exhaustive(r) => r * ev.order.len() as u64,
        Mode::Search => opts.budget.unwrap_or(problem.budget),
    };
    Ok(Outcome {
        mode: opts.mode,
        selection,
        candidates,
        baseline,
        fewest,
        trail,
        obs: ev.obs,
        order: ev.order,
        used,
        budget,
        effort: ev.effort,
        screen: screen_notes,
    })
}

/// Evaluates shard `index` (from 1) of `count` of an exhaustive evaluation: every
/// `count`-th plan of the space in its canonical order, from the `index`-th, with `r`
/// replications each (the values go to `opts.on_batch`; the selection is left to the merge,
/// which replays them). Returns the plans of the shard.
pub fn evaluate_shard(
    problem: &Problem,
    space: &Space,
    opts: Options<'_>,
    r: u64,
    index: u32,
    count: u32,
) -> Result<usize> {
    let mut ev = Evaluator::new(problem, space, opts.threads, opts.stop, opts.progress)?
        .with_journal(opts.journal);
    ev.on_batch = opts.on_batch;
    let plans: Vec<PlanVec> = space
        .enumerate()?
        .into_iter()
        .skip(index as usize - 1)
        .step_by(count as usize)
        .collect();
    ev.budget = r * plans.len() as u64;
    ev.ensure(&plans, r as usize)?;
    Ok(plans.len())
}

/// The base scenario's plan, when every variable's base value is a choice and the plan
/// keeps to the limits.
pub fn base_plan(space: &Space) -> Option<PlanVec> {
    let p: Option<PlanVec> = space.variables().iter().map(|v| v.base_value).collect();
    p.map(|p| space.canonical(&p))
        .filter(|p| space.within_limits(p))
}
