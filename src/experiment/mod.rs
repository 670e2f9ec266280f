//! Experiments: many replications of a scenario, run in parallel.
//!
//! Replication `k` always uses the random streams of `(seed, k)`, whatever thread runs it
//! and whenever it finishes; results are collected in replication order, so the output is
//! the same for any thread count.

use crate::error::{Error, Result};
use crate::metrics::{ReplicationResult, TimelineSample, ViolationRecord};
use crate::model::{Outcome, Prepared, SimOptions, simulate};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// How to run replications.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Replications to run: `first .. first + count`.
    pub first: u64,
    /// How many.
    pub count: u64,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Keep every violation record and hand it to the trace sink.
    pub trace: bool,
    /// Record the hourly timeline of replication 0 (if it is among those run).
    pub timeline: bool,
}

/// The outcome of [`run_replications`].
#[derive(Debug, Clone)]
pub struct RunResults {
    /// One result per replication, in replication order.
    pub replications: Vec<ReplicationResult>,
    /// Events handled in all replications.
    pub events: u64,
    /// Wall-clock time spent simulating [s].
    pub wall_seconds: f64,
    /// Threads used.
    pub threads: usize,
    /// Whether the run was stopped before all replications were done.
    pub interrupted: bool,
    /// Hourly timeline of replication 0, if asked for and run.
    pub timeline: Option<Vec<TimelineSample>>,
}

/// Called with each replication's records when tracing; may be called from any thread.
pub type TraceSink<'a> = &'a (dyn Fn(u64, &[ViolationRecord]) -> Result<()> + Sync);

/// Runs the replications of `opts` on a pool of `opts.threads` threads.
///
/// `progress` is called once per finished replication (from worker threads). If `stop`
/// becomes true, replications not yet started are skipped and the result is marked
/// interrupted; the ones returned are exactly those that finished, in order.
pub fn run_replications(
    prepared: &Prepared,
    opts: &RunOptions,
    progress: &(dyn Fn() + Sync),
    trace: Option<TraceSink<'_>>,
    stop: &AtomicBool,
) -> Result<RunResults> {
    if opts.count == 0 {
        return Err(Error::Usage(
            "the number of replications must be at least 1".into(),
        ));
    }
    let threads = if opts.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.threads
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| Error::Internal(format!("cannot start {threads} threads: {e}")))?;
    let start = Instant::now();
    let outcomes: Vec<Option<Result<Outcome>>> = pool.install(|| {
        (opts.first..opts.first + opts.count)
            .into_par_iter()
            .map(|rep| {
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
                let sim = SimOptions {
                    trace: opts.trace,
                    timeline: opts.timeline && rep == 0,
                };
                let mut outcome = simulate(prepared, rep, sim);
                if let (Some(sink), Some(records)) = (trace, outcome.trace.take().as_deref())
                    && let Err(e) = sink(rep, records)
                {
                    return Some(Err(e));
                }
                progress();
                Some(Ok(outcome))
            })
            .collect()
    });
    let wall_seconds = start.elapsed().as_secs_f64();
    let mut replications = Vec::with_capacity(outcomes.len());
    let mut interrupted = false;
    let mut timeline = None;
    for o in outcomes {
        match o {
            Some(r) => {
                let r = r?;
                timeline = timeline.or(r.timeline);
                replications.push(r.result);
            }
            None => interrupted = true,
        }
    }
    let events = replications.iter().map(|r| r.events).sum();
    Ok(RunResults {
        replications,
        events,
        wall_seconds,
        threads,
        interrupted,
        timeline,
    })
}
