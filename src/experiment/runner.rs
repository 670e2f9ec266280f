//! Orchestration of an experiment's items: a fresh run, the rest of an interrupted one, one
//! shard, or batches of replications until a precision is reached. No files and no printing:
//! callers watch through a progress callback, keep finished items through a [`Journal`], and
//! stop the work with a flag.

use super::compare::half_widths;
use super::plan::Plan;
use super::shard::ShardSpec;
use super::{ByVariant, ExecOptions, Item, ItemResult, all_items, execute};
use crate::error::{Error, Result};
use crate::metrics::ViolationRecord;
use crate::model::Prepared;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Which items of a plan a run covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Every item of the plan.
    #[default]
    Whole,
    /// Only the items of one shard.
    Shard(ShardSpec),
}

/// Add replications in batches until the 95 % CI half-width of the plan's KPI is at most
/// `half_width` for every variant, or `max_replications` is reached. Recorded in a run's
/// checkpoint, so that a stopped precision run resumes where it was.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Precision {
    /// Target half-width, in the KPI's unit.
    pub half_width: f64,
    /// Most replications per variant.
    pub max_replications: u64,
}

/// How a precision-driven run ended.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrecisionOutcome {
    /// The target half-width.
    pub half_width: f64,
    /// Whether every variant reached it.
    pub reached: bool,
}

/// How to run.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunOptions {
    /// Worker threads (0: one per core, never more than the items of a batch).
    pub threads: usize,
    /// Keep every violation record and hand it to [`Journal::trace`].
    pub trace: bool,
    /// Which items.
    pub scope: Scope,
    /// Batches until a precision is reached (whole runs only).
    pub precision: Option<Precision>,
}

/// What a run reports as it goes (from any thread).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Progress {
    /// An interrupted run continues: `done` of its `total` items are already finished.
    Resumed {
        /// Items finished before.
        done: u64,
        /// Items of the run.
        total: u64,
    },
    /// A batch of `total` items starts.
    BatchStarted {
        /// Items in the batch.
        total: u64,
    },
    /// One more item of the current batch finished.
    ItemDone {
        /// Items of the batch finished so far.
        done: u64,
        /// Items in the batch.
        total: u64,
    },
    /// The current batch ended (finished or stopped).
    BatchEnded,
    /// The precision is not reached yet: more replications follow.
    MoreReplications {
        /// Worst half-width over the variants, in the KPI's unit.
        worst_half_width: f64,
        /// The target.
        target: f64,
        /// Replications per variant so far.
        replications: u64,
        /// Replications per variant after the next batch.
        next: u64,
    },
}

/// Where finished work goes as it finishes (a checkpoint, trace files); called from worker
/// threads. An error stops the run.
pub trait Journal: Sync {
    /// Keeps one finished item.
    fn record(&self, result: &ItemResult) -> Result<()>;
    /// Keeps the violation records of one item (only when tracing).
    fn trace(&self, item: Item, records: &[ViolationRecord]) -> Result<()>;
}

/// A journal that keeps nothing (results are only returned).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoJournal;

impl Journal for NoJournal {
    fn record(&self, _: &ItemResult) -> Result<()> {
        Ok(())
    }
    fn trace(&self, _: Item, _: &[ViolationRecord]) -> Result<()> {
        Ok(())
    }
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// Every finished item of the scope: those given as done, then those run now.
    pub results: Vec<ItemResult>,
    /// Items the scope holds (with a precision: those of the first batch).
    pub planned: usize,
    /// Wall-clock time simulating in this call \[s\].
    pub wall_seconds: f64,
    /// Threads used.
    pub threads: usize,
    /// Whether `stop` cut the run short.
    pub interrupted: bool,
    /// How a precision-driven run ended.
    pub precision: Option<PrecisionOutcome>,
    /// Replications per variant the run covers: the plan's, or more with a precision.
    pub replications: u64,
    /// CPU time and work of the replications run in this call.
    pub effort: super::Effort,
    /// Per variant: the pooled parts (histograms, who answered where) taken out of the
    /// results run in this call, which keep only their KPIs (whole runs; a shard keeps
    /// everything for its partial results).
    pub pooled: Vec<crate::metrics::Pooled>,
}

impl RunOutcome {
    /// Events handled by every finished item.
    pub fn events(&self) -> u64 {
        self.results.iter().map(|r| r.result.events).sum()
    }

    /// The finished items grouped by variant, with their pooled parts (moved, not copied:
    /// a long run's results are held once).
    pub fn into_by_variant(self, variants: usize) -> ByVariant {
        ByVariant::group(variants, self.results).with_pooled(&self.pooled)
    }
}

/// Checks a run's options before any work: a usage error names what is wrong.
pub fn check_options(opts: &RunOptions) -> Result<()> {
    if let Scope::Shard(_) = opts.scope
        && (opts.trace || opts.precision.is_some())
    {
        return Err(Error::Usage(
            "--shard cannot be combined with --trace or --precision".into(),
        ));
    }
    if let Some(p) = opts.precision {
        if !(p.half_width.is_finite() && p.half_width > 0.0) {
            return Err(Error::Usage(format!(
                "--precision must be a positive number, got {}",
                p.half_width
            )));
        }
        if p.max_replications > super::MAX_REPLICATIONS {
            return Err(Error::Usage(format!(
                "--max-replications: expected at most {}, got {}",
                super::MAX_REPLICATIONS,
                p.max_replications
            )));
        }
    }
    if opts.threads > super::MAX_THREADS {
        return Err(Error::Usage(format!(
            "expected 0 (one per core) to {} threads, got {}",
            super::MAX_THREADS,
            opts.threads
        )));
    }
    Ok(())
}

/// Runs the items of `plan` in `opts.scope` that are not in `done`, then, with a precision,
/// more replications in batches ([`RunOutcome::replications`] says how many in all).
///
/// Results are the same bytes whatever the threads, the split into shards, or the points
/// where the run was stopped and resumed.
pub fn run(
    plan: &Plan,
    done: Vec<ItemResult>,
    opts: RunOptions,
    journal: &dyn Journal,
    progress: &(dyn Fn(Progress) + Sync),
    stop: &AtomicBool,
) -> Result<RunOutcome> {
    check_options(&opts)?;
    if plan.replications > super::MAX_REPLICATIONS {
        return Err(Error::Usage(format!(
            "expected 1 to {} replications, got {}",
            super::MAX_REPLICATIONS,
            plan.replications
        )));
    }
    let everything = all_items(plan.variants.len(), 0..plan.replications);
    let scope = match opts.scope {
        Scope::Whole => everything,
        Scope::Shard(spec) => spec.items(&everything),
    };
    let planned = scope.len();
    let already: std::collections::BTreeSet<Item> = done.iter().map(|d| d.item).collect();
    let todo: Vec<Item> = scope.into_iter().filter(|i| !already.contains(i)).collect();
    let mut results = done;
    let first = batch(plan, &todo, opts, journal, progress, stop)?;
    let (mut wall_seconds, threads, mut interrupted, mut effort) = (
        first.wall_seconds,
        first.threads,
        first.interrupted,
        first.effort,
    );
    results.extend(first.results);
    let mut pooled = first.pooled;
    let mut precision = None;
    let mut replications = plan.replications;
    if let Some(p) = opts.precision.filter(|_| !interrupted) {
        let step = plan.replications.max(10);
        let mut n = plan.replications;
        loop {
            // Decide on the replications below `n` only: a resumed run may already hold items
            // of later batches, and must take the same decisions as an uninterrupted one.
            let grouped = ByVariant::group(
                plan.variants.len(),
                results.iter().filter(|r| r.item.replication < n).cloned(),
            );
            let worst = half_widths(&grouped.results, &plan.kpi)
                .into_iter()
                .fold(0.0, f64::max);
            let reached = worst <= p.half_width;
            if reached || n >= p.max_replications {
                precision = Some(PrecisionOutcome {
                    half_width: p.half_width,
                    reached,
                });
                break;
            }
            let next = (n + step).min(p.max_replications);
            progress(Progress::MoreReplications {
                worst_half_width: worst,
                target: p.half_width,
                replications: n,
                next,
            });
            let items: Vec<Item> = all_items(plan.variants.len(), n..next)
                .into_iter()
                .filter(|i| !already.contains(i))
                .collect();
            let more = batch(plan, &items, opts, journal, progress, stop)?;
            results.extend(more.results);
            for (p, m) in pooled.iter_mut().zip(&more.pooled) {
                p.merge(m);
            }
            wall_seconds += more.wall_seconds;
            effort = effort.plus(more.effort);
            n = next;
            if more.interrupted {
                interrupted = true;
                break;
            }
        }
        replications = n;
    }
    Ok(RunOutcome {
        results,
        planned,
        wall_seconds,
        threads,
        interrupted,
        precision,
        replications,
        effort,
        pooled,
    })
}

/// Runs one batch of items, reporting progress and journaling each finished item.
fn batch(
    plan: &Plan,
    items: &[Item],
    opts: RunOptions,
    journal: &dyn Journal,
    progress: &(dyn Fn(Progress) + Sync),
    stop: &AtomicBool,
) -> Result<super::Execution> {
    let variants: Vec<&Prepared> = plan.variants.iter().map(|v| &v.prepared).collect();
    let total = items.len() as u64;
    progress(Progress::BatchStarted { total });
    let finished = AtomicU64::new(0);
    let on_done = |r: &ItemResult| -> Result<()> {
        journal.record(r)?;
        let done = finished.fetch_add(1, Ordering::Relaxed) + 1;
        progress(Progress::ItemDone { done, total });
        Ok(())
    };
    let sink = |item: Item, records: &[ViolationRecord]| journal.trace(item, records);
    let exec_opts = ExecOptions {
        threads: opts.threads,
        trace: opts.trace,
        timeline: true,
        pool: matches!(opts.scope, Scope::Whole),
    };
    let exec = execute(
        &variants,
        items,
        exec_opts,
        &on_done,
        opts.trace.then_some(&sink as _),
        stop,
    );
    progress(Progress::BatchEnded);
    exec
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiment::plan::{Inputs, Kind, Params};
    use std::sync::Mutex;

    fn plan(kind: Kind, file: &str, replications: u64) -> Plan {
        let params = Params {
            seed: None,
            replications: Some(replications),
            kpi: None,
            warm_up_days: None,
            horizon_days: None,
        };
        Plan::load(kind, file, Inputs::from_disk(), params).expect("test inputs load")
    }

    /// Every finished item as bits (NaN-safe), in item order.
    fn bits(results: &[ItemResult]) -> Vec<String> {
        let mut v: Vec<&ItemResult> = results.iter().collect();
        v.sort_by_key(|r| (r.item.replication, r.item.variant));
        v.iter()
            .map(|r| {
                serde_json::to_string(&crate::experiment::shard::ItemRecord::of(r))
                    .expect("an item serialises")
            })
            .collect()
    }

    struct Recorder(Mutex<Vec<Item>>);
    impl Journal for Recorder {
        fn record(&self, r: &ItemResult) -> Result<()> {
            self.0.lock().unwrap().push(r.item);
            Ok(())
        }
        fn trace(&self, _: Item, _: &[ViolationRecord]) -> Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_stopped_run_resumed_equals_an_uninterrupted_one() {
        let p = plan(Kind::Compare, "tests/data/study-small.ron", 3);
        let opts = RunOptions {
            threads: 1,
            ..RunOptions::default()
        };
        let stop = AtomicBool::new(false);
        let journal = Recorder(Mutex::new(Vec::new()));
        // Stop once 2 items are done (one thread: the item under way finishes, no more start).
        let cut = run(
            &p,
            Vec::new(),
            opts,
            &journal,
            &|e| {
                if let Progress::ItemDone { done: 2, .. } = e {
                    stop.store(true, Ordering::SeqCst);
                }
            },
            &stop,
        )
        .unwrap();
        assert!(cut.interrupted);
        assert_eq!(cut.results.len(), 2);
        assert_eq!(
            *journal.0.lock().unwrap(),
            [cut.results[0].item, cut.results[1].item]
        );

        let resumed = Mutex::new(Vec::new());
        let rest = run(
            &p,
            cut.results.clone(),
            opts,
            &NoJournal,
            &|e| resumed.lock().unwrap().push(e),
            &AtomicBool::new(false),
        )
        .unwrap();
        assert!(!rest.interrupted);
        assert_eq!(rest.planned, 9);
        assert_eq!(
            resumed.lock().unwrap()[0],
            Progress::BatchStarted { total: 7 },
            "only the missing items run"
        );
        let direct = run(
            &p,
            Vec::new(),
            RunOptions { threads: 2, ..opts },
            &NoJournal,
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(bits(&rest.results), bits(&direct.results));
    }

    #[test]
    fn shards_resumed_cover_the_study_once() {
        let p = plan(Kind::Compare, "tests/data/study-small.ron", 2);
        let spec = ShardSpec { index: 2, count: 2 };
        let opts = RunOptions {
            threads: 1,
            scope: Scope::Shard(spec),
            ..RunOptions::default()
        };
        let stop = AtomicBool::new(false);
        let cut = run(
            &p,
            Vec::new(),
            opts,
            &NoJournal,
            &|e| {
                if let Progress::ItemDone { done: 1, .. } = e {
                    stop.store(true, Ordering::SeqCst);
                }
            },
            &stop,
        )
        .unwrap();
        assert!(cut.interrupted && cut.results.len() == 1);
        let rest = run(
            &p,
            cut.results,
            opts,
            &NoJournal,
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
        let all = all_items(3, 0..2);
        let mut got: Vec<Item> = rest.results.iter().map(|r| r.item).collect();
        got.sort_by_key(|i| (i.replication, i.variant));
        assert_eq!(got, spec.items(&all));
    }

    #[test]
    fn precision_adds_batches_until_the_target_or_the_limit() {
        let mut p = plan(Kind::Compare, "tests/data/study-small.ron", 2);
        // The tutorial's p90 over every violation needing a response is not reached (too
        // many are never answered), so no precision could be met on it: use the mean.
        p.kpi = crate::metrics::scope::ScopedKpi::theatre(crate::metrics::Kpi::ResponseTimeMeanH);
        let events = Mutex::new(Vec::new());
        let precise = run(
            &p,
            Vec::new(),
            RunOptions {
                threads: 2,
                precision: Some(Precision {
                    half_width: 1e-9,
                    max_replications: 5,
                }),
                ..RunOptions::default()
            },
            &NoJournal,
            &|e| {
                if let Progress::MoreReplications { .. } = e {
                    events.lock().unwrap().push(e);
                }
            },
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(precise.replications, 5);
        assert_eq!(
            precise.precision,
            Some(PrecisionOutcome {
                half_width: 1e-9,
                reached: false
            })
        );
        assert!(matches!(
            events.lock().unwrap()[..],
            [Progress::MoreReplications {
                replications: 2,
                next: 5,
                ..
            }]
        ));
        // The same bytes as five replications asked for at once.
        let direct = run(
            &plan(Kind::Compare, "tests/data/study-small.ron", 5),
            Vec::new(),
            RunOptions::default(),
            &NoJournal,
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(bits(&precise.results), bits(&direct.results));
        // A target already met: no more batches.
        let loose = run(
            &p,
            Vec::new(),
            RunOptions {
                precision: Some(Precision {
                    half_width: 1e12,
                    max_replications: 5,
                }),
                ..RunOptions::default()
            },
            &NoJournal,
            &|_| {},
            &AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(loose.replications, 2);
        assert!(loose.precision.is_some_and(|o| o.reached));
    }

    #[test]
    fn shards_refuse_trace_and_precision_and_precision_must_be_positive() {
        let shard = Scope::Shard(ShardSpec { index: 1, count: 2 });
        for opts in [
            RunOptions {
                scope: shard,
                trace: true,
                ..RunOptions::default()
            },
            RunOptions {
                precision: Some(Precision {
                    half_width: -1.0,
                    max_replications: 5,
                }),
                ..RunOptions::default()
            },
        ] {
            assert!(matches!(check_options(&opts), Err(Error::Usage(_))));
        }
    }
}
