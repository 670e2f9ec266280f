//! The search: local search under common random numbers (a move is accepted only when a
//! paired one-sided t test, Bonferroni over the moves tried in the step, says it is better),
//! the descent in units of `FewestUnits`, and the final selection among the best
//! candidates: OCBA allocates replications, and the selection ends when every paired
//! interval (Bonferroni, 1 − alpha jointly) puts the chosen plan within delta of each other;
//! or, with `selection: Kn`, Kim & Nelson's KN eliminates replication by replication.

use super::eval::Evaluator;
use super::kn::{Kn, KnParams};
use super::ocba::ocba;
use super::paired::{Check, Verdict, all_feasible, better, paired};
use super::space::{PlanVec, Space};
use crate::error::{Error, Result};
use crate::metrics::stats::{Summary, t_quantile};
use crate::scenario::problem::{Problem, SelectionProcedure};

/// Most doublings of a plan's replications in the `FewestUnits` descent before its feasibility
/// is taken as it stands.
pub const MAX_DOUBLINGS: u32 = 3;
/// Plans in the final selection (the incumbent and the plans evaluated closest to it).
pub const CANDIDATES: usize = 5;
/// Share of the budget kept for the final selection.
pub const SELECTION_SHARE: f64 = 0.3;

/// One point of the convergence series: replications used, the incumbent's objective.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Replications used so far.
    pub used: u64,
    /// The incumbent's objective (mean and 95 % interval).
    pub objective: Summary,
}

/// What the final selection decided.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// The chosen plan first, then the others by mean objective.
    pub ranked: Vec<PlanVec>,
    /// Whether every paired interval put the chosen plan within delta of the others.
    pub complete: bool,
    /// What KN computed (`selection: Kn` only): its `h²`, the replications it screened and
    /// the most it could have needed.
    pub kn: Option<(f64, usize, usize)>,
}

/// The objective of `plan` so far (mean and 95 % interval).
pub fn summary(ev: &Evaluator<'_>, plan: &[i64]) -> Summary {
    Summary::of(ev.of(plan).objective)
}

/// The objective values signed so that smaller is better.
fn signed(ev: &Evaluator<'_>, plan: &[i64], minimise: bool) -> Vec<f64> {
    let o = ev.of(plan).objective;
    if minimise {
        o
    } else {
        o.into_iter().map(|x| -x).collect()
    }
}

/// The first replication of `plan` whose objective is undefined (NaN, e.g. a percentile
/// over no violation of its scope), if any. Such a plan cannot be compared (KN needs every
/// replication; a paired test or OCBA would drop it silently): it is set aside.
pub fn undefined(ev: &Evaluator<'_>, plan: &[i64]) -> Option<usize> {
    ev.obs
        .get(plan)
        .and_then(|o| o.objective.iter().position(|x| !x.is_finite()))
}

/// The error when no plan left to compare has an objective defined in every replication.
pub fn all_undefined(ev: &Evaluator<'_>, problem: &Problem, plan: &[i64]) -> Error {
    Error::Usage(format!(
        "problem {}: the objective {} is undefined (NaN) in replication {} of plan [{}]{}, and no plan left to compare has it defined in every replication: choose a KPI defined in each replication (a wider scope, a mean or a share, or a longer horizon)",
        problem.name,
        problem.objective_text,
        undefined(ev, plan).unwrap_or(0),
        ev.space().describe(plan).join("; "),
        if problem.constraints.is_empty() {
            ""
        } else {
            " (or the plans are decided infeasible)"
        }
    ))
}

/// The feasibility of `plan` over its replications so far: each constraint decided by
/// Andradóttir & Kim's sequential procedure at its confidence and tolerance; `No` for a plan
/// whose objective is undefined in a replication ([`undefined`]).
pub fn verdict(ev: &Evaluator<'_>, problem: &Problem, plan: &[i64]) -> Verdict {
    if undefined(ev, plan).is_some() {
        return Verdict::No;
    }
    if problem.constraints.is_empty() {
        return Verdict::Yes;
    }
    all_feasible(
        &ev.of(plan).constraints,
        &problem.constraints,
        Check::Sequential(problem.n0 as usize),
    )
}

/// Local search from `start` under common random numbers; returns the incumbent and the
/// runners-up for the final selection: the other plans evaluated, closest to the incumbent
/// first (by the paired mean difference over their common replications).
///
/// Each step evaluates every neighbour on the incumbent's replications and moves to the best
/// one a one-sided paired t test (Bonferroni over the neighbourhood) says is better. When none
/// is, the step is not over until no neighbour may still be better by more than delta: the
/// neighbours whose paired interval (at the same level) reaches below −delta get doubled
/// replications, again and again, until one of them is significantly better (a move), none
/// reaches below −delta (a local optimum within delta: the search stops), or the search's
/// share of the budget is spent.
pub fn local_search(
    ev: &mut Evaluator<'_>,
    space: &Space,
    problem: &Problem,
    start: PlanVec,
    trail: &mut Vec<Point>,
) -> Result<(PlanVec, Vec<PlanVec>)> {
    let minimise = problem.minimise();
    let n0 = problem.n0 as usize;
    let reserve = (ev.budget as f64 * SELECTION_SHARE) as u64;
    let mut x = start;
    ev.ensure(std::slice::from_ref(&x), n0)?;
    if undefined(ev, &x).is_some() {
        return Err(all_undefined(ev, problem, &x));
    }
    trail.push(Point {
        used: ev.used,
        objective: summary(ev, &x),
    });
    let mut m = n0;
    let mut focus: Option<Vec<PlanVec>> = None;
    // Neighbours in the current neighbourhood (the Bonferroni count of its tests).
    let mut k = 1;
    loop {
        let nbrs: Vec<PlanVec> = match focus.take() {
            Some(f) => f,
            None => {
                let all = space.neighbours(&x);
                k = all.len().max(1);
                all
            }
        };
        if nbrs.is_empty() {
            break;
        }
        let cost: u64 = nbrs
            .iter()
            .chain(std::iter::once(&x))
            .map(|p| m.saturating_sub(ev.reps(p)) as u64)
            .sum();
        if ev.used + cost + reserve > ev.budget {
            break;
        }
        let mut all = nbrs.clone();
        all.push(x.clone());
        ev.ensure(&all, m)?;
        let level = problem.alpha / k as f64;
        let t = t_quantile(1.0 - level, (m - 1) as u64);
        let gx = signed(ev, &x, minimise);
        // (mean difference neighbour − incumbent, significantly better, may be better by
        // more than delta, plan)
        let mut scored: Vec<(f64, bool, bool, PlanVec)> = Vec::new();
        for p in &nbrs {
            let gp = signed(ev, p, minimise);
            let (sig, d) = better(&gp[..m], &gx[..m], true, level);
            let open = match paired(&gp[..m], &gx[..m]) {
                Some((d, se, _)) => d - t * se < -problem.delta,
                None => true,
            };
            let ok = verdict(ev, problem, p) != Verdict::No;
            scored.push((d, sig && ok, open && ok, p.clone()));
        }
        scored.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.3.cmp(&b.3)));
        if let Some((_, _, _, p)) = scored.iter().find(|s| s.1) {
            x = p.clone();
            m = n0;
            trail.push(Point {
                used: ev.used,
                objective: summary(ev, &x),
            });
            continue;
        }
        let open: Vec<PlanVec> = scored.iter().filter(|s| s.2).map(|s| s.3.clone()).collect();
        if open.is_empty() {
            break;
        }
        m *= 2;
        focus = Some(open);
    }
    let others = nearest(ev, problem, &x);
    Ok((x, others))
}

/// The plans evaluated other than `x` and not decided infeasible, closest to `x` first: by
/// the mean of the paired differences (signed so that negative is better) over their common
/// replications, ties by plan.
fn nearest(ev: &Evaluator<'_>, problem: &Problem, x: &PlanVec) -> Vec<PlanVec> {
    let minimise = problem.minimise();
    let gx = signed(ev, x, minimise);
    let mut scored: Vec<(f64, PlanVec)> = ev
        .order
        .iter()
        .filter(|p| *p != x && verdict(ev, problem, p) != Verdict::No)
        .map(|p| {
            let gp = signed(ev, p, minimise);
            let n = gp.len().min(gx.len());
            let d = paired(&gp[..n], &gx[..n]).map_or(f64::INFINITY, |(d, _, _)| d);
            (if d.is_finite() { d } else { f64::INFINITY }, p.clone())
        })
        .collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, p)| p).collect()
}

/// The first stage of both selections: the candidates without repeats (at most
/// [`CANDIDATES`]), each given `n0` replications if the budget allows, and those decided
/// infeasible dropped (unless that would drop them all).
fn first_stage(
    ev: &mut Evaluator<'_>,
    problem: &Problem,
    candidates: Vec<PlanVec>,
    n0: usize,
) -> Result<Vec<PlanVec>> {
    let mut cands: Vec<PlanVec> = Vec::new();
    for c in candidates {
        if !cands.contains(&c) {
            cands.push(c);
        }
    }
    cands.truncate(CANDIDATES);
    let need: u64 = cands
        .iter()
        .map(|p| n0.saturating_sub(ev.reps(p)) as u64)
        .sum();
    if need <= ev.remaining() {
        ev.ensure(&cands, n0)?;
    }
    let keep: Vec<PlanVec> = cands
        .iter()
        .filter(|p| verdict(ev, problem, p) != Verdict::No)
        .cloned()
        .collect();
    if !keep.is_empty() {
        cands = keep;
    }
    defined(ev, problem, cands)
}

/// `cands` without the plans whose objective is undefined in a replication; an error if
/// none is left.
fn defined(ev: &Evaluator<'_>, problem: &Problem, cands: Vec<PlanVec>) -> Result<Vec<PlanVec>> {
    let first = cands.first().cloned();
    let keep: Vec<PlanVec> = cands
        .into_iter()
        .filter(|p| undefined(ev, p).is_none())
        .collect();
    match (keep.is_empty(), first) {
        (true, Some(p)) => Err(all_undefined(ev, problem, &p)),
        _ => Ok(keep),
    }
}

/// The final selection among `candidates` (the first is the incumbent): each gets `n0`
/// replications, then OCBA gives batches of replications until the plan with the best
/// mean is, by paired intervals jointly at 1 − alpha (Bonferroni), within delta of every
/// other, or the budget is spent. Plans decided infeasible are dropped first.
pub fn select(
    ev: &mut Evaluator<'_>,
    problem: &Problem,
    candidates: Vec<PlanVec>,
    trail: &mut Vec<Point>,
) -> Result<Selection> {
    let minimise = problem.minimise();
    let n0 = problem.n0 as usize;
    let mut cands = first_stage(ev, problem, candidates, n0)?;
    loop {
        // A plan whose objective turned out undefined in a later replication is set aside.
        cands = defined(ev, problem, cands)?;
        let means: Vec<f64> = cands
            .iter()
            .map(|p| mean(&signed(ev, p, minimise)))
            .map(|m| if m.is_finite() { m } else { 1e12 })
            .collect();
        let best = (0..cands.len())
            .min_by(|&a, &b| means[a].total_cmp(&means[b]).then(a.cmp(&b)))
            .unwrap_or(0);
        let k = cands.len();
        let complete = k == 1
            || (0..k).filter(|&j| j != best).all(|j| {
                let gb = signed(ev, &cands[best], minimise);
                let gj = signed(ev, &cands[j], minimise);
                let n = gb.len().min(gj.len());
                match paired(&gb[..n], &gj[..n]) {
                    Some((d, se, n)) => {
                        d + t_quantile(1.0 - problem.alpha / (k - 1) as f64, (n - 1) as u64) * se
                            <= problem.delta
                    }
                    None => false,
                }
            });
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&a, &b| means[a].total_cmp(&means[b]).then(a.cmp(&b)));
        let ranked: Vec<PlanVec> = order.iter().map(|&i| cands[i].clone()).collect();
        trail.push(Point {
            used: ev.used,
            objective: summary(ev, &ranked[0]),
        });
        let add = (k * n0) as u64;
        if complete || ev.remaining() < add {
            return Ok(Selection {
                ranked,
                complete,
                kn: None,
            });
        }
        let vars: Vec<f64> = cands
            .iter()
            .map(|p| variance(&signed(ev, p, minimise)))
            .collect();
        let done: Vec<u64> = cands.iter().map(|p| ev.reps(p) as u64).collect();
        let extra = ocba(&means, &vars, &done, add);
        let wants: Vec<(PlanVec, usize)> = cands
            .iter()
            .zip(&extra)
            .map(|(p, e)| (p.clone(), ev.reps(p) + *e as usize))
            .collect();
        ev.ensure_each(&wants)?;
    }
}

/// The final selection among `candidates` by the problem's procedure: OCBA ([`select`]) or
/// KN ([`select_kn`]).
pub fn select_by(
    ev: &mut Evaluator<'_>,
    problem: &Problem,
    candidates: Vec<PlanVec>,
    trail: &mut Vec<Point>,
) -> Result<Selection> {
    match problem.selection {
        SelectionProcedure::Ocba => select(ev, problem, candidates, trail),
        SelectionProcedure::Kn => select_kn(ev, problem, candidates, trail),
    }
}

/// The final selection by KN (Kim & Nelson 2001) among `candidates`: each gets `n0`
/// replications, plans decided infeasible are dropped, then the survivors get batches of
/// `n0` replications (the same for any thread count) and KN eliminates replication by
/// replication, in order, until one plan survives or the budget is spent (then the
/// selection is not complete and the survivor with the best mean is chosen). The chosen plan
/// comes first, then the others by mean.
pub fn select_kn(
    ev: &mut Evaluator<'_>,
    problem: &Problem,
    candidates: Vec<PlanVec>,
    trail: &mut Vec<Point>,
) -> Result<Selection> {
    let minimise = problem.minimise();
    let n0 = problem.n0 as usize;
    let cands = first_stage(ev, problem, candidates, n0)?;
    let mut kn = Kn::new(
        cands.len(),
        KnParams {
            delta: problem.delta,
            alpha: problem.alpha,
            n0,
            minimise,
        },
    );
    loop {
        let obs: Vec<Vec<f64>> = cands.iter().map(|p| ev.of(p).objective).collect();
        // A survivor whose objective is undefined in a replication is set aside (KN needs
        // every replication); none left is an error.
        for i in kn.survivors().to_vec() {
            if undefined(ev, &cands[i]).is_some() {
                kn.set_aside(i);
            }
        }
        if kn.survivors().is_empty() {
            return Err(all_undefined(ev, problem, &cands[0]));
        }
        kn.update(&obs);
        let survivors = kn.survivors().to_vec();
        let by_mean = |set: &mut Vec<usize>| {
            let m: Vec<f64> = cands
                .iter()
                .map(|p| mean(&signed(ev, p, minimise)))
                .collect();
            set.sort_by(|&a, &b| m[a].total_cmp(&m[b]).then(a.cmp(&b)));
        };
        let mut first = survivors.clone();
        by_mean(&mut first);
        let mut rest: Vec<usize> = (0..cands.len()).filter(|i| *i != first[0]).collect();
        by_mean(&mut rest);
        let ranked: Vec<PlanVec> = std::iter::once(first[0])
            .chain(rest)
            .map(|i| cands[i].clone())
            .collect();
        trail.push(Point {
            used: ev.used,
            objective: summary(ev, &ranked[0]),
        });
        let complete = kn.selected().is_some();
        let batch = (survivors.len() * n0) as u64;
        if complete || kn.replications() < n0 || ev.remaining() < batch {
            let screened = (
                kn.h2(),
                kn.replications(),
                kn.max_replications().unwrap_or(0),
            );
            return Ok(Selection {
                ranked,
                complete,
                kn: Some(screened),
            });
        }
        let upto = (kn.replications() + n0).min(kn.max_replications().unwrap_or(usize::MAX));
        let wants: Vec<(PlanVec, usize)> = survivors
            .iter()
            .map(|&i| (cands[i].clone(), upto.max(kn.replications() + 1)))
            .collect();
        ev.ensure_each(&wants)?;
    }
}

/// The descent of `FewestUnits`: from the most units allowed, take `step` units from one
/// contingent while the best such plan (the largest constraint margin) is decided
/// feasible, halving the step when none is, down to one unit.
/// Returns the answer and the best plan with one unit fewer (if any).
pub fn fewest_units(
    ev: &mut Evaluator<'_>,
    space: &Space,
    problem: &Problem,
    trail: &mut Vec<Point>,
) -> Result<(Option<PlanVec>, Option<PlanVec>)> {
    let n0 = problem.n0 as usize;
    let mut x = space.start(true);
    let decided = |ev: &mut Evaluator<'_>, p: &PlanVec| -> Result<Verdict> {
        let mut n = n0;
        loop {
            if n > ev.reps(p) {
                if (n - ev.reps(p)) as u64 > ev.remaining() {
                    return Ok(verdict(ev, problem, p));
                }
                ev.ensure(std::slice::from_ref(p), n)?;
            }
            let v = verdict(ev, problem, p);
            if v != Verdict::Undecided || n >= n0 << MAX_DOUBLINGS {
                return Ok(v);
            }
            n *= 2;
        }
    };
    if decided(ev, &x)? != Verdict::Yes {
        trail.push(Point {
            used: ev.used,
            objective: summary(ev, &x),
        });
        return Ok((None, None));
    }
    trail.push(Point {
        used: ev.used,
        objective: summary(ev, &x),
    });
    // Strides: take `step` units from one contingent at a time; halve the stride when no
    // such plan is decided feasible; stop when one unit fewer is not.
    let mut step = space
        .variables()
        .iter()
        .enumerate()
        .filter(|(_, v)| matches!(v.choice, crate::scenario::problem::Choice::Units { .. }))
        .map(|(i, _)| x[i] - space.range(i).0)
        .max()
        .unwrap_or(1)
        .max(1)
        / 2;
    step = step.max(1);
    loop {
        let down = if step == 1 {
            space.one_fewer(&x)
        } else {
            space.fewer_by(&x, step)
        };
        if down.is_empty() {
            if step == 1 {
                return Ok((Some(x), None));
            }
            step /= 2;
            continue;
        }
        let cost = down
            .iter()
            .map(|p| n0.saturating_sub(ev.reps(p)) as u64)
            .sum::<u64>();
        if cost > ev.remaining() {
            return Ok((Some(x), None));
        }
        ev.ensure(&down, n0)?;
        let margin = |ev: &Evaluator<'_>, p: &PlanVec| -> f64 {
            let o = ev.of(p);
            problem
                .constraints
                .iter()
                .zip(&o.constraints)
                .map(|(c, v)| {
                    let s = Summary::of(v.iter().copied());
                    let d = if c.at_least {
                        s.mean - c.threshold
                    } else {
                        c.threshold - s.mean
                    };
                    d / s.std.max(1e-9)
                })
                .fold(f64::INFINITY, f64::min)
        };
        let best = down
            .iter()
            .max_by(|a, b| {
                margin(ev, a)
                    .total_cmp(&margin(ev, b))
                    .then_with(|| b.cmp(a))
            })
            .cloned()
            .expect("not empty");
        if decided(ev, &best)? == Verdict::Yes {
            x = best;
            trail.push(Point {
                used: ev.used,
                objective: summary(ev, &x),
            });
        } else if step > 1 {
            step /= 2;
        } else {
            return Ok((Some(x), Some(best)));
        }
    }
}

fn mean(v: &[f64]) -> f64 {
    let f: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
    if f.is_empty() {
        f64::INFINITY
    } else {
        f.iter().sum::<f64>() / f.len() as f64
    }
}

fn variance(v: &[f64]) -> f64 {
    let s = Summary::of(v.iter().copied());
    if s.std.is_finite() {
        s.std * s.std
    } else {
        0.0
    }
}
