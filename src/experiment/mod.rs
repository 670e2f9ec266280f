//! Experiments: replications of one or more variants of a scenario, run in parallel.
//!
//! The work of an experiment is a list of items (variant, replication), in the order
//! replication-major: `(0, 0), (1, 0), …, (V-1, 0), (0, 1), …`. Replication `k` of every
//! variant uses the random streams of `(seed, k)`, whatever thread runs it and whenever it
//! finishes, so variants see the same violations (common random numbers) and results are the
//! same for any thread count or any split into shards.

pub mod compare;
pub mod effects;
pub mod nolh;
pub mod optimise;
pub mod plan;
pub mod runner;
pub mod shard;

use crate::error::{Error, Result};
use crate::metrics::{Pooled, ReplicationResult, TimelineSample, ViolationRecord};
use crate::metrics::{SimOptions, replicate};
use crate::model::Prepared;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Most replications per variant (the limit of a scenario's `replications` field).
pub const MAX_REPLICATIONS: u64 = crate::scenario::validate::MAX_REPLICATIONS as u64;

/// Most worker threads an execution starts.
pub const MAX_THREADS: usize = 1024;

/// One replication of one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Item {
    /// Variant index.
    pub variant: u32,
    /// Replication number.
    pub replication: u64,
}

/// Every item of `variants` × `replications` in the canonical order.
pub fn all_items(variants: usize, replications: std::ops::Range<u64>) -> Vec<Item> {
    replications
        .flat_map(|r| {
            (0..variants as u32).map(move |v| Item {
                variant: v,
                replication: r,
            })
        })
        .collect()
}

/// The result of one item.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemResult {
    /// Which item.
    pub item: Item,
    /// Its KPIs.
    pub result: ReplicationResult,
    /// Hourly timeline (replication 0 only, when asked for).
    pub timeline: Option<Vec<TimelineSample>>,
}

/// How to run items.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExecOptions {
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Keep every violation record and hand it to the trace sink.
    pub trace: bool,
    /// Record the hourly timeline of replication 0 of each variant.
    pub timeline: bool,
    /// Sum each finished item's pooled parts (histograms, who answered where) into
    /// [`Execution::pooled`] once it is journaled, and keep only its KPIs: a long run then
    /// holds a few KB per replication instead of all its breakdowns.
    pub pool: bool,
}

/// The work of simulating: the CPU time of the replications and what they covered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Effort {
    /// CPU time of the replications \[s\]: each timed on the thread that ran it
    /// (`CLOCK_THREAD_CPUTIME_ID`), so it does not depend on the thread count; NaN when not
    /// measured (a merge of shards).
    pub cpu_seconds: f64,
    /// Replications simulated, each counted for its horizon \[years of 365 days\].
    pub replication_years: f64,
    /// Violations simulated.
    pub violations: f64,
}

impl Effort {
    /// No work yet.
    pub const ZERO: Effort = Effort {
        cpu_seconds: 0.0,
        replication_years: 0.0,
        violations: 0.0,
    };

    /// Work that was not measured.
    pub const UNMEASURED: Effort = Effort {
        cpu_seconds: f64::NAN,
        replication_years: f64::NAN,
        violations: f64::NAN,
    };

    /// Both efforts.
    pub fn plus(self, o: Effort) -> Effort {
        Effort {
            cpu_seconds: self.cpu_seconds + o.cpu_seconds,
            replication_years: self.replication_years + o.replication_years,
            violations: self.violations + o.violations,
        }
    }

    /// CPU seconds per replication-year (NaN when nothing was simulated).
    pub fn seconds_per_replication_year(&self) -> f64 {
        if self.replication_years > 0.0 && self.cpu_seconds > 0.0 {
            self.cpu_seconds / self.replication_years
        } else {
            f64::NAN
        }
    }

    /// Violations simulated per CPU second (NaN when nothing was simulated).
    pub fn violations_per_cpu_second(&self) -> f64 {
        if self.cpu_seconds > 0.0 {
            self.violations / self.cpu_seconds
        } else {
            f64::NAN
        }
    }
}

/// CPU time of the calling thread \[s\].
fn thread_cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write into; the clock id is a constant.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc == 0 {
        ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
    } else {
        f64::NAN
    }
}

/// What [`execute`] did.
#[derive(Debug, Clone)]
pub struct Execution {
    /// Results of the items that finished, in item order.
    pub results: Vec<ItemResult>,
    /// Events handled.
    pub events: u64,
    /// Wall-clock time spent simulating \[s\].
    pub wall_seconds: f64,
    /// Threads used.
    pub threads: usize,
    /// Whether `stop` cut the work short.
    pub interrupted: bool,
    /// CPU time and work of the replications that finished.
    pub effort: Effort,
    /// Per variant: the pooled parts taken out of its results (with [`ExecOptions::pool`]).
    pub pooled: Vec<Pooled>,
}

/// Called with each item's records when tracing; may be called from any thread.
pub type TraceSink<'a> = &'a (dyn Fn(Item, &[ViolationRecord]) -> Result<()> + Sync);

/// Runs `items` of `variants` on a pool of threads (`opts.threads`, or one per core, but
/// never more than the items nor [`MAX_THREADS`]).
///
/// `on_done` is called once per finished item, from worker threads (to show progress or
/// keep a checkpoint); an error it returns stops the execution. Once `stop` is set, items
/// not yet started are skipped and the execution is marked interrupted; the results
/// returned are exactly the items that finished, in item order.
pub fn execute(
    variants: &[&Prepared],
    items: &[Item],
    opts: ExecOptions,
    on_done: &(dyn Fn(&ItemResult) -> Result<()> + Sync),
    trace: Option<TraceSink<'_>>,
    stop: &AtomicBool,
) -> Result<Execution> {
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.threads
    }
    .min(items.len())
    .clamp(1, MAX_THREADS);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Internal(format!("cannot start {threads} threads: {e}")))?;
    let start = Instant::now();
    let cpu_nanos = std::sync::atomic::AtomicU64::new(0);
    let pooled = std::sync::Mutex::new(vec![Pooled::default(); variants.len()]);
    let outcomes: Vec<Option<Result<ItemResult>>> = pool.install(|| {
        items
            .par_iter()
            .map(|&item| {
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
                let sim = SimOptions {
                    trace: opts.trace,
                    timeline: opts.timeline && item.replication == 0,
                };
                let cpu_start = thread_cpu_seconds();
                let prepared = variants[item.variant as usize];
                let mut outcome = replicate(prepared, item.replication, sim);
                cpu_nanos.fetch_add(
                    ((thread_cpu_seconds() - cpu_start).max(0.0) * 1e9) as u64,
                    Ordering::Relaxed,
                );
                if let (Some(sink), Some(records)) = (trace, outcome.trace.take().as_deref())
                    && let Err(e) = sink(item, records)
                {
                    return Some(Err(e));
                }
                let mut done = ItemResult {
                    item,
                    result: outcome.result,
                    timeline: outcome.timeline,
                };
                if let Err(e) = on_done(&done) {
                    stop.store(true, Ordering::Relaxed);
                    return Some(Err(e));
                }
                if opts.pool {
                    let mut p = pooled.lock().unwrap_or_else(|e| e.into_inner());
                    p[item.variant as usize].take(&mut done.result);
                }
                Some(Ok(done))
            })
            .collect()
    });
    let wall_seconds = start.elapsed().as_secs_f64();
    let mut results = Vec::with_capacity(outcomes.len());
    let mut interrupted = false;
    let mut first_error = None;
    for o in outcomes {
        match o {
            Some(Ok(r)) => results.push(r),
            Some(Err(e)) => first_error = first_error.or(Some(e)),
            None => interrupted = true,
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    let events = results.iter().map(|r| r.result.events).sum();
    let year_s = 365.0 * crate::time::DAY.0 as f64;
    let effort = Effort {
        cpu_seconds: cpu_nanos.load(Ordering::Relaxed) as f64 * 1e-9,
        replication_years: results
            .iter()
            .map(|r| variants[r.item.variant as usize].scenario.horizon.secs() as f64 / year_s)
            .sum(),
        violations: results
            .iter()
            .map(|r| r.result.kpis.get(crate::metrics::Kpi::Violations))
            .sum(),
    };
    Ok(Execution {
        results,
        events,
        wall_seconds,
        threads,
        interrupted,
        effort,
        pooled: pooled.into_inner().unwrap_or_else(|e| e.into_inner()),
    })
}

/// Results grouped by variant, each in replication order.
#[derive(Debug, Clone, Default)]
pub struct ByVariant {
    /// Per variant: its replications' results, sorted by replication.
    pub results: Vec<Vec<ReplicationResult>>,
    /// Per variant: the timeline of replication 0, if recorded.
    pub timelines: Vec<Option<Vec<TimelineSample>>>,
    /// Per variant: the pooled parts of every replication (those summed as they finished
    /// and those the results still held).
    pub pooled: Vec<Pooled>,
}

impl ByVariant {
    /// Groups item results (in any order) for `variants` variants.
    pub fn group(variants: usize, items: impl IntoIterator<Item = ItemResult>) -> Self {
        let mut results = vec![Vec::new(); variants];
        let mut timelines = vec![None; variants];
        let mut pooled = vec![Pooled::default(); variants];
        for r in items {
            let v = r.item.variant as usize;
            pooled[v].add(&r.result);
            if r.timeline.is_some() {
                timelines[v] = r.timeline;
            }
            results[v].push(r.result);
        }
        for list in &mut results {
            list.sort_by_key(|r: &ReplicationResult| r.replication);
        }
        ByVariant {
            results,
            timelines,
            pooled,
        }
    }

    /// Adds pooled parts taken out of the results before grouping (one per variant).
    pub fn with_pooled(mut self, taken: &[Pooled]) -> Self {
        for (p, t) in self.pooled.iter_mut().zip(taken) {
            p.merge(t);
        }
        self
    }

    /// The statistics of variant `v`.
    pub fn aggregate(&self, v: usize) -> crate::metrics::Aggregate {
        crate::metrics::Aggregate::of_pooled(&self.results[v], self.pooled[v].clone())
    }
}
