//! Evaluating plans: replications `0..n` of each plan asked for, run as one batch of items
//! through [`crate::experiment::execute`] (replication `r` of every plan uses the streams
//! of `(seed, r)`: common random numbers), kept per plan in replication order. Decisions are
//! taken only on completed batches, so the search does not depend on the thread count.
//!
//! Every finished (plan, replication) is kept in a journal of values (objective and
//! constraint KPIs as IEEE bits); a resumed run replays the same decisions and simulates
//! only what the journal lacks.

use super::space::{PlanVec, Space};
use crate::error::{Error, Result};
use crate::experiment::{Effort, ExecOptions, Item, execute};
use crate::metrics::scope::ScopedKpi;
use crate::model::Prepared;
use crate::scenario::Source;
use crate::scenario::problem::{Objective, Problem};
use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

/// The values of one plan, per replication in order `0..n`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Obs {
    /// The objective per replication (for `FewestUnits`: the units).
    pub objective: Vec<f64>,
    /// Per constraint: the KPI per replication.
    pub constraints: Vec<Vec<f64>>,
}

impl Obs {
    /// Replications kept.
    pub fn len(&self) -> usize {
        self.objective.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.objective.is_empty()
    }
}

/// Progress of an evaluation: replications simulated so far (this run and journal), and
/// the budget.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Sync);

/// Called with each completed batch's new values: (plan, first replication, values).
pub type OnBatch<'a> = Box<dyn FnMut(&[(PlanVec, usize, Obs)]) -> Result<()> + 'a>;

/// Evaluates plans with common random numbers and keeps every value.
pub struct Evaluator<'a> {
    space: &'a Space,
    source: &'a Source,
    objective: Option<ScopedKpi>,
    constraints: Vec<ScopedKpi>,
    threads: usize,
    stop: &'a AtomicBool,
    progress: Progress<'a>,
    /// Replications this evaluator may simulate over every plan.
    pub budget: u64,
    /// Values per plan.
    pub obs: BTreeMap<PlanVec, Obs>,
    /// Plans in the order first evaluated.
    pub order: Vec<PlanVec>,
    /// Replications simulated or replayed, over every plan.
    pub used: u64,
    /// CPU time and work of what this run simulated.
    pub effort: Effort,
    journal: BTreeMap<PlanVec, Obs>,
    /// Called with each completed batch's new values (plan, first replication, values), to
    /// keep the journal on disk.
    pub on_batch: Option<OnBatch<'a>>,
}

/// The error a stopped evaluation returns: the journal keeps what finished.
pub fn interrupted() -> Error {
    Error::Interrupted
}

impl<'a> Evaluator<'a> {
    /// An evaluator of `problem`'s plans over `space`.
    pub fn new(
        problem: &'a Problem,
        space: &'a Space,
        threads: usize,
        stop: &'a AtomicBool,
        progress: Progress<'a>,
    ) -> Result<Evaluator<'a>> {
        let kpi = |k: &str| {
            ScopedKpi::parse(k, &problem.base)
                .map_err(|m| Error::Usage(format!("problem {}: {m}", problem.name)))
        };
        let objective = match &problem.objective {
            Objective::Minimise(k) | Objective::Maximise(k) => Some(kpi(k)?),
            Objective::FewestUnits => None,
        };
        let constraints = problem
            .constraints
            .iter()
            .map(|c| kpi(&c.kpi))
            .collect::<Result<Vec<_>>>()?;
        Ok(Evaluator {
            space,
            source: &problem.source,
            objective,
            constraints,
            threads,
            stop,
            progress,
            budget: problem.budget,
            obs: BTreeMap::new(),
            order: Vec::new(),
            used: 0,
            effort: Effort::ZERO,
            journal: BTreeMap::new(),
            on_batch: None,
        })
    }

    /// Values finished before (a resumed run): used instead of simulating them again.
    pub fn with_journal(mut self, journal: BTreeMap<PlanVec, Obs>) -> Self {
        self.journal = journal;
        self
    }

    /// The decision space the plans come from.
    pub fn space(&self) -> &Space {
        self.space
    }

    /// Replications left of the budget.
    pub fn remaining(&self) -> u64 {
        self.budget.saturating_sub(self.used)
    }

    /// The values of `plan` (empty if never evaluated).
    pub fn of(&self, plan: &[i64]) -> Obs {
        self.obs.get(plan).cloned().unwrap_or_default()
    }

    /// Replications kept for `plan`.
    pub fn reps(&self, plan: &[i64]) -> usize {
        self.obs.get(plan).map_or(0, Obs::len)
    }

    /// Makes sure each of `plans` has at least `n` replications (`0..n`), simulating what is
    /// missing as one batch.
    pub fn ensure(&mut self, plans: &[PlanVec], n: usize) -> Result<()> {
        let wants: Vec<(PlanVec, usize)> = plans.iter().map(|p| (p.clone(), n)).collect();
        self.ensure_each(&wants)
    }

    /// Makes sure each plan has at least its number of replications, as one batch.
    pub fn ensure_each(&mut self, wants: &[(PlanVec, usize)]) -> Result<()> {
        let mut need: Vec<(PlanVec, usize, usize)> = Vec::new();
        for (p, n) in wants {
            let have = self.reps(p).max(
                need.iter()
                    .filter(|x| &x.0 == p)
                    .map(|x| x.2)
                    .max()
                    .unwrap_or(0),
            );
            if *n > have {
                need.retain(|x| &x.0 != p);
                need.push((p.clone(), self.reps(p), *n));
            }
        }
        // Replay what the journal holds.
        let mut sim: Vec<(PlanVec, usize, usize)> = Vec::new();
        for (p, from, to) in need {
            let mut from = from;
            if let Some(j) = self.journal.get(&p) {
                let upto = j.len().min(to);
                if upto > from {
                    let part = slice(j, from, upto);
                    self.push(&p, from, part);
                    from = upto;
                }
            }
            if to > from {
                sim.push((p, from, to));
            }
        }
        if sim.is_empty() {
            return Ok(());
        }
        let mut prepared = Vec::with_capacity(sim.len());
        for (p, _, _) in &sim {
            let changes = self.space.changes(p)?;
            let sc = self.source.changed(&changes)?.validate()?;
            prepared.push(Prepared::new(sc));
        }
        let refs: Vec<&Prepared> = prepared.iter().collect();
        let mut items: Vec<Item> = Vec::new();
        let longest = sim.iter().map(|x| x.2).max().unwrap_or(0);
        for r in 0..longest {
            for (v, (_, from, to)) in sim.iter().enumerate() {
                if (*from..*to).contains(&r) {
                    items.push(Item {
                        variant: v as u32,
                        replication: r as u64,
                    });
                }
            }
        }
        let base = self.used;
        let total = items.len() as u64;
        let done = std::sync::atomic::AtomicU64::new(0);
        let progress = self.progress;
        let budget = self.budget;
        let on_done = |_: &crate::experiment::ItemResult| {
            let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress(base + d, budget.max(base + total));
            Ok(())
        };
        let opts = ExecOptions {
            threads: self.threads,
            trace: false,
            timeline: false,
            pool: false,
        };
        let ex = execute(&refs, &items, opts, &on_done, None, self.stop)?;
        self.effort = self.effort.plus(ex.effort);
        if ex.interrupted {
            // Keep what finished, in order, for the journal; then stop.
            let mut batch = Vec::new();
            for (v, (p, from, _)) in sim.iter().enumerate() {
                let mut vals: Vec<_> = ex
                    .results
                    .iter()
                    .filter(|r| r.item.variant as usize == v)
                    .collect();
                vals.sort_by_key(|r| r.item.replication);
                let mut o = Obs {
                    objective: Vec::new(),
                    constraints: vec![Vec::new(); self.constraints.len()],
                };
                for (k, r) in vals.iter().enumerate() {
                    if r.item.replication as usize != from + k {
                        break;
                    }
                    self.value_into(p, &r.result, &mut o);
                }
                if !o.is_empty() {
                    batch.push((p.clone(), *from, o));
                }
            }
            if let Some(f) = self.on_batch.as_mut() {
                f(&batch)?;
            }
            return Err(interrupted());
        }
        let mut batch = Vec::new();
        for (v, (p, from, to)) in sim.iter().enumerate() {
            let mut o = Obs {
                objective: Vec::with_capacity(to - from),
                constraints: vec![Vec::with_capacity(to - from); self.constraints.len()],
            };
            for r in ex.results.iter().filter(|r| r.item.variant as usize == v) {
                self.value_into(p, &r.result, &mut o);
            }
            batch.push((p.clone(), *from, o));
        }
        if let Some(f) = self.on_batch.as_mut() {
            f(&batch)?;
        }
        for (p, from, o) in batch {
            self.push(&p, from, o);
        }
        Ok(())
    }

    fn value_into(&self, plan: &[i64], r: &crate::metrics::ReplicationResult, o: &mut Obs) {
        o.objective.push(match &self.objective {
            Some(k) => k.value(r),
            None => self.space.units(plan) as f64,
        });
        for (c, k) in self.constraints.iter().enumerate() {
            o.constraints[c].push(k.value(r));
        }
    }

    fn push(&mut self, plan: &[i64], from: usize, o: Obs) {
        let entry = self.obs.entry(plan.to_vec()).or_insert_with(|| Obs {
            objective: Vec::new(),
            constraints: vec![Vec::new(); o.constraints.len()],
        });
        if entry.is_empty() && from == 0 && !self.order.iter().any(|p| p == plan) {
            self.order.push(plan.to_vec());
        }
        assert_eq!(entry.len(), from, "replications kept in order");
        self.used += o.len() as u64;
        entry.objective.extend(o.objective);
        for (c, v) in o.constraints.into_iter().enumerate() {
            entry.constraints[c].extend(v);
        }
    }
}

/// Replications `from..to` of `o`.
fn slice(o: &Obs, from: usize, to: usize) -> Obs {
    Obs {
        objective: o.objective[from..to].to_vec(),
        constraints: o.constraints.iter().map(|c| c[from..to].to_vec()).collect(),
    }
}
