//! What is measured: one record per violation, and the KPIs of a replication.
//!
//! The model hands every finished [`ViolationRecord`] to a [`Collector`] (through the model's
//! [`Observer`](crate::model::record::Observer) trait; [`replicate`] runs one replication with one), which keeps running
//! sums and the response times it needs for percentiles, not the records themselves (unless
//! a trace is asked for). [`Collector::finish`] turns them into a [`ReplicationResult`].
//!
//! Definitions (all times in hours):
//! - *response time*: arrival on scene − occurrence, for violations that need a response and
//!   had a unit on scene before the horizon;
//! - `responded_share` and `within_target_share` are shares of **all** violations that need a
//!   response, undetected ones included: a violation nobody saw was not answered;
//! - `queue_length_mean`: time-average number of violations waiting for a unit;
//! - `queued_share`: share of tasked violations that waited for a unit (P(wait) of queueing theory);
//! - `unanswered_at_end`: detected violations that need a response with no unit on scene at
//!   the horizon (report on its way to HQ, in HQ processing, queued or en route);
//! - `unanswerable_share`: share of violations needing a response that no unit of the force
//!   could ever answer (no eligible station within range): they are not queued;
//! - `utilisation`: busy unit-time (tasking to available again) over responder units × horizon;
//!   ISR drones are counted in `isr_coverage_share` instead;
//! - `response_time_p50_h`, `_p90_h`, `_p95_h` are taken over **every** violation that needs
//!   a response ([`km`]): one never answered is infinitely late, one still open at the horizon
//!   is right-censored at its age then (Kaplan–Meier); a percentile the answered share never
//!   reaches is `+∞`, written `null`. The `_answered_h` variants are over answered violations
//!   only and interpolate linearly between order statistics (R type 7);
//! - a KPI with nothing to measure (no responses in a domain) is NaN, written as `null`.

mod collector;
mod group;
pub mod km;
pub mod kpi;
pub mod mser;
pub mod scope;
pub mod stats;

pub use crate::model::record::{SensorRef, TimelineSample, ViolationRecord};
pub use collector::{Collector, Outcome, SimOptions, replicate};
pub use kpi::{Direction, KPI_COUNT, Kpi, Unit};

/// Names of the KPIs, in the order of [`Kpis::values`]: [`Kpi::name`] of [`Kpi::ALL`]
/// (kept for callers that list names, e.g. in messages).
pub const KPI_NAMES: [&str; KPI_COUNT] = {
    let mut names = [""; KPI_COUNT];
    let mut i = 0;
    while i < KPI_COUNT {
        names[i] = Kpi::ALL[i].name();
        i += 1;
    }
    names
};

/// The KPIs of one replication (or one domain of it), in [`Kpi::ALL`] order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Kpis {
    /// Values; NaN where undefined.
    pub values: [f64; KPI_COUNT],
}

impl Kpis {
    /// The value of KPI `k`.
    pub fn get(&self, k: Kpi) -> f64 {
        self.values[k.index()]
    }
}

impl std::ops::Index<Kpi> for Kpis {
    type Output = f64;
    fn index(&self, k: Kpi) -> &f64 {
        &self.values[k.index()]
    }
}

impl std::ops::IndexMut<Kpi> for Kpis {
    fn index_mut(&mut self, k: Kpi) -> &mut f64 {
        &mut self.values[k.index()]
    }
}

/// Per-nation figures of one replication.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NationFigures {
    /// Units tasked.
    pub tasks: f64,
    /// Tasks that reached the scene.
    pub responded: f64,
    /// Mean response time of its responses \[h\].
    pub response_time_mean_h: f64,
    /// Utilisation of its responder units.
    pub utilisation: f64,
}

/// Names of the per-nation figures.
pub const NATION_FIGURES: [&str; 4] = ["tasks", "responded", "response_time_mean_h", "utilisation"];

impl NationFigures {
    /// Values in [`NATION_FIGURES`] order.
    pub fn values(&self) -> [f64; 4] {
        [
            self.tasks,
            self.responded,
            self.response_time_mean_h,
            self.utilisation,
        ]
    }
}

/// The KPIs kept per sector, in the order of [`ReplicationResult::by_sector`].
pub const SECTOR_KPIS: [Kpi; 7] = [
    Kpi::Violations,
    Kpi::DetectedShare,
    Kpi::RespondedShare,
    Kpi::ResponseTimeMeanH,
    Kpi::ResponseTimeP90H,
    Kpi::WithinTargetShare,
    Kpi::IsrCoverageShare,
];

/// Names of the per-sector figures: the names of [`SECTOR_KPIS`].
pub const SECTOR_FIGURES: [&str; 7] = [
    SECTOR_KPIS[0].name(),
    SECTOR_KPIS[1].name(),
    SECTOR_KPIS[2].name(),
    SECTOR_KPIS[3].name(),
    SECTOR_KPIS[4].name(),
    SECTOR_KPIS[5].name(),
    SECTOR_KPIS[6].name(),
];

/// The results of one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationResult {
    /// Replication number (0-based).
    pub replication: u64,
    /// Events handled.
    pub events: u64,
    /// Whole theatre.
    pub kpis: Kpis,
    /// Per domain, in [`Domain::ALL`](crate::scenario::Domain::ALL) order.
    pub by_domain: [Kpis; 3],
    /// Per nation, in scenario order.
    pub by_nation: Vec<NationFigures>,
    /// Per sector, in scenario order, in [`SECTOR_FIGURES`] order.
    pub by_sector: Vec<[f64; 7]>,
    /// Response times per domain as counts in [`HIST_BIN_H`]-wide bins from 0 to
    /// [`HIST_MAX_H`], the last bin holding everything longer.
    pub response_hist: [Vec<u32>; 3],
    /// Per violation type, in scenario order: every KPI (NaN where a KPI has no meaning for
    /// a type: utilisation, ISR coverage, queue length).
    pub by_type: Vec<Kpis>,
    /// Per (sector, type) pair of [`sector_type_pairs`], in that order: every KPI.
    pub by_sector_type: Vec<Kpis>,
    /// Per violation type, in scenario order: the response times of its violations that need
    /// a response, binned like `response_hist`.
    pub type_times: Vec<TypeTimes>,
    /// Who answers where: `(sector × contingents + contingent, tasks, summed response time
    /// \[s\] of those that reached the scene, responses)`, non-zero cells only, ascending.
    pub sector_contingent: Vec<(u32, u32, u64, u32)>,
}

/// Response times of one violation type in one replication, as sparse `(bin, count)` pairs
/// of [`HIST_BIN_H`]-wide bins (bin [`HIST_BINS`]` − 1` holds everything from [`HIST_MAX_H`] on).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeTimes {
    /// Answered: occurrence to a unit on scene, by bin, bins ascending.
    pub answered: Vec<(u32, u32)>,
    /// Still open at the horizon (right-censored): occurrence to the horizon, by bin.
    pub open: Vec<(u32, u32)>,
    /// Closed without a unit on scene (never answered: infinitely late).
    pub never: u32,
}

/// The (sector, type) pairs that can occur: for each sector in scenario order, each type of
/// its mix with a positive share, in scenario type order.
pub fn sector_type_pairs(sc: &crate::scenario::Scenario) -> Vec<(usize, usize)> {
    let mut v = Vec::new();
    for (s, sec) in sc.sectors.iter().enumerate() {
        for t in 0..sc.violation_types.len() {
            if sec.type_share(t) > 0.0 {
                v.push((s, t));
            }
        }
    }
    v
}

/// Width of a response-time histogram bin \[h\] (5 minutes).
pub const HIST_BIN_H: f64 = 5.0 / 60.0;
/// Longest response time with a bin of its own \[h\].
pub const HIST_MAX_H: f64 = 72.0;
/// Bins of the response-time histogram, overflow included.
pub const HIST_BINS: usize = 865;

/// Statistics across replications.
#[derive(Debug, Clone)]
pub struct Aggregate {
    /// Replications summarised.
    pub replications: u64,
    /// Theatre KPIs, in [`Kpi::ALL`] order.
    pub kpis: Vec<stats::Summary>,
    /// Per domain, in [`Domain::ALL`](crate::scenario::Domain::ALL) order.
    pub by_domain: Vec<Vec<stats::Summary>>,
    /// Per nation, in [`NATION_FIGURES`] order.
    pub by_nation: Vec<Vec<stats::Summary>>,
    /// Per sector, in [`SECTOR_FIGURES`] order.
    pub by_sector: Vec<Vec<stats::Summary>>,
    /// Response-time histograms per domain, summed over replications.
    pub response_hist: [Vec<u64>; 3],
    /// Per violation type, every KPI, in [`Kpi::ALL`] order.
    pub by_type: Vec<Vec<stats::Summary>>,
    /// Per (sector, type) pair of [`sector_type_pairs`], every KPI.
    pub by_sector_type: Vec<Vec<stats::Summary>>,
    /// Per violation type, response times pooled over replications.
    pub type_times: Vec<PooledTimes>,
    /// Per (sector, contingent) cell `sector × contingents + contingent` with any task:
    /// tasks, summed response time \[s\] and responses, summed over replications.
    pub sector_contingent: std::collections::BTreeMap<u32, (u64, u64, u64)>,
}

/// Response times of one violation type pooled over replications, dense over
/// [`HIST_BINS`] bins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PooledTimes {
    /// Answered, per bin.
    pub answered: Vec<u64>,
    /// Still open at the horizon, per bin of their age at the horizon.
    pub open: Vec<u64>,
    /// Never answered.
    pub never: u64,
    /// Answered within the type's target (from each replication's within-target share).
    pub within_target: u64,
}

impl PooledTimes {
    /// No violations.
    pub fn empty() -> PooledTimes {
        PooledTimes {
            answered: vec![0; HIST_BINS],
            open: vec![0; HIST_BINS],
            never: 0,
            within_target: 0,
        }
    }

    /// Adds one replication's times.
    pub fn add(&mut self, t: &TypeTimes) {
        for &(b, c) in &t.answered {
            self.answered[b as usize] += u64::from(c);
        }
        for &(b, c) in &t.open {
            self.open[b as usize] += u64::from(c);
        }
        self.never += u64::from(t.never);
    }

    /// Adds another pooled set (e.g. the types of one domain).
    pub fn add_pooled(&mut self, o: &PooledTimes) {
        for (a, b) in self.answered.iter_mut().zip(&o.answered) {
            *a += b;
        }
        for (a, b) in self.open.iter_mut().zip(&o.open) {
            *a += b;
        }
        self.never += o.never;
        self.within_target += o.within_target;
    }

    /// Violations counted (that need a response).
    pub fn total(&self) -> u64 {
        self.answered.iter().sum::<u64>() + self.open.iter().sum::<u64>() + self.never
    }
}

fn kpi_columns(
    results: &[ReplicationResult],
    n: usize,
    f: impl Fn(&ReplicationResult, usize) -> &Kpis,
) -> Vec<Vec<stats::Summary>> {
    (0..n)
        .map(|i| {
            (0..KPI_COUNT)
                .map(|k| stats::Summary::of(results.iter().map(|r| f(r, i).values[k])))
                .collect()
        })
        .collect()
}

/// The parts of replications' results that are only ever summed over replications (the
/// response-time histograms per domain and per type, who answered where), summed as
/// replications finish, so that a long run need not keep them per replication. Integer
/// sums: the same whatever order replications are added in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pooled {
    /// Response-time histograms per domain, summed (empty until a replication is added).
    pub response_hist: [Vec<u64>; 3],
    /// Per violation type, response times pooled.
    pub type_times: Vec<PooledTimes>,
    /// Per (sector, contingent) cell: tasks, summed response time \[s\] and responses.
    pub sector_contingent: std::collections::BTreeMap<u32, (u64, u64, u64)>,
}

impl Pooled {
    /// The pooled parts of `results`.
    pub fn of(results: &[ReplicationResult]) -> Pooled {
        let mut p = Pooled::default();
        for r in results {
            p.add(r);
        }
        p
    }

    /// Adds the pooled parts one replication still holds (none once [`Pooled::take`] has
    /// moved them out).
    pub fn add(&mut self, r: &ReplicationResult) {
        for (acc, h) in self.response_hist.iter_mut().zip(&r.response_hist) {
            if acc.len() < h.len() {
                acc.resize(h.len(), 0);
            }
            for (a, &c) in acc.iter_mut().zip(h) {
                *a += u64::from(c);
            }
        }
        if self.type_times.len() < r.type_times.len() {
            self.type_times
                .resize_with(r.type_times.len(), PooledTimes::empty);
        }
        for (t, (p, times)) in self.type_times.iter_mut().zip(&r.type_times).enumerate() {
            p.add(times);
            if let Some(k) = r.by_type.get(t) {
                let within = k[Kpi::WithinTargetShare] * k[Kpi::NeedingResponse];
                if within.is_finite() {
                    p.within_target += within.round() as u64;
                }
            }
        }
        for &(cell, tasks, rt_s, n) in &r.sector_contingent {
            let e = self.sector_contingent.entry(cell).or_default();
            e.0 += u64::from(tasks);
            e.1 += rt_s;
            e.2 += u64::from(n);
        }
    }

    /// Adds `r`'s pooled parts and removes them from `r`, which keeps its KPIs only.
    pub fn take(&mut self, r: &mut ReplicationResult) {
        self.add(r);
        r.response_hist = Default::default();
        r.type_times = Vec::new();
        r.sector_contingent = Vec::new();
    }

    /// Adds another pooled set (of other replications of the same variant).
    pub fn merge(&mut self, o: &Pooled) {
        for (acc, h) in self.response_hist.iter_mut().zip(&o.response_hist) {
            if acc.len() < h.len() {
                acc.resize(h.len(), 0);
            }
            for (a, &c) in acc.iter_mut().zip(h) {
                *a += c;
            }
        }
        if self.type_times.len() < o.type_times.len() {
            self.type_times
                .resize_with(o.type_times.len(), PooledTimes::empty);
        }
        for (a, b) in self.type_times.iter_mut().zip(&o.type_times) {
            a.add_pooled(b);
        }
        for (&cell, c) in &o.sector_contingent {
            let e = self.sector_contingent.entry(cell).or_default();
            e.0 += c.0;
            e.1 += c.1;
            e.2 += c.2;
        }
    }
}

impl Aggregate {
    /// Summarises results given in replication order, each still holding its pooled parts.
    pub fn of(results: &[ReplicationResult]) -> Aggregate {
        Aggregate::of_pooled(results, Pooled::of(results))
    }

    /// Summarises the KPIs of results given in replication order, with the pooled parts of
    /// the same replications summed in `pooled` (those left in `results` are ignored).
    pub fn of_pooled(results: &[ReplicationResult], pooled: Pooled) -> Aggregate {
        let col = |f: &dyn Fn(&ReplicationResult) -> f64| stats::Summary::of(results.iter().map(f));
        let n_nations = results.first().map_or(0, |r| r.by_nation.len());
        let n_sectors = results.first().map_or(0, |r| r.by_sector.len());
        let Pooled {
            response_hist,
            type_times,
            sector_contingent,
        } = pooled;
        Aggregate {
            replications: results.len() as u64,
            kpis: (0..KPI_COUNT).map(|k| col(&|r| r.kpis.values[k])).collect(),
            by_domain: (0..3)
                .map(|d| {
                    (0..KPI_COUNT)
                        .map(|k| col(&|r| r.by_domain[d].values[k]))
                        .collect()
                })
                .collect(),
            by_nation: (0..n_nations)
                .map(|n| {
                    (0..NATION_FIGURES.len())
                        .map(|k| col(&|r| r.by_nation[n].values()[k]))
                        .collect()
                })
                .collect(),
            response_hist: response_hist.map(|mut h| {
                h.resize(HIST_BINS, 0);
                h
            }),
            by_sector: (0..n_sectors)
                .map(|s| {
                    (0..SECTOR_FIGURES.len())
                        .map(|k| col(&|r| r.by_sector[s][k]))
                        .collect()
                })
                .collect(),
            by_type: kpi_columns(
                results,
                results.first().map_or(0, |r| r.by_type.len()),
                |r, i| &r.by_type[i],
            ),
            by_sector_type: kpi_columns(
                results,
                results.first().map_or(0, |r| r.by_sector_type.len()),
                |r, i| &r.by_sector_type[i],
            ),
            type_times: if results.is_empty() {
                Vec::new()
            } else {
                type_times
            },
            sector_contingent,
        }
    }

    /// The summary of theatre KPI `k`.
    pub fn kpi(&self, k: Kpi) -> stats::Summary {
        self.kpis[k.index()]
    }
}
