//! The per-replication collector: folds each violation's record, busy time, coverage and
//! queue length into the KPIs of one replication, as the model's [`Observer`]; and
//! [`replicate`], which runs one replication with a collector.

use super::group::{Group, hist_bin, mean_h, sparse_bins};
use super::{
    HIST_BINS, Kpi, NationFigures, ReplicationResult, SECTOR_KPIS, TimelineSample, TypeTimes,
    ViolationRecord, sector_type_pairs,
};
use crate::model::record::Observer;
use crate::model::{self, Prepared};
use crate::scenario::{Domain, Scenario};
use crate::time::{SimDuration, SimTime};

/// Collects the records of one replication.
#[derive(Debug)]
pub struct Collector {
    all: Group,
    domains: [Group; 3],
    sectors: Vec<Group>,
    types: Vec<Group>,
    /// Per (sector, type) pair of [`sector_type_pairs`].
    pairs: Vec<Group>,
    /// `sector × types + type` → index into `pairs` (`u32::MAX`: a pair that cannot occur).
    pair_of: Vec<u32>,
    horizon_s: u64,
    /// Per `sector × contingents + contingent`: tasks, response seconds, responses.
    sector_contingent: Vec<(u32, u64, u32)>,
    nation_tasks: Vec<u64>,
    nation_responded: Vec<u64>,
    nation_response_s: Vec<u64>,
    /// Busy unit-seconds per contingent.
    busy_s: Vec<u64>,
    /// Seconds with at least one drone on station, per sector.
    covered_s: Vec<u64>,
    /// Waiting violations × seconds, per domain.
    queue_area: [u128; 3],
    trace: Option<Vec<ViolationRecord>>,
    /// Start of the KPIs: earlier violations and time are left out.
    warm_up: SimTime,
    /// Monitor-only records, per `sector × types + type`: violations, detected, detection
    /// latency \[s\]. These are all such a record adds to its five groups, and integer sums
    /// do not depend on their order, so they are folded into the groups once, in `finish`,
    /// instead of five times per record (92 % of the records).
    monitor_only: Vec<[u64; 3]>,
}

/// The part of `d` ending at `now` that lies after `warm_up`.
fn after(warm_up: SimTime, d: SimDuration, now: SimTime) -> u64 {
    now.secs()
        .saturating_sub(warm_up.secs().max(now.secs().saturating_sub(d.secs())))
}

impl Collector {
    /// An empty collector for `sc`; with `trace`, every record is kept.
    pub fn new(sc: &Scenario, trace: bool) -> Self {
        let n_types = sc.violation_types.len();
        let pairs = sector_type_pairs(sc);
        let mut pair_of = vec![u32::MAX; sc.sectors.len() * n_types];
        for (i, &(s, t)) in pairs.iter().enumerate() {
            pair_of[s * n_types + t] = i as u32;
        }
        Collector {
            all: Group::default(),
            domains: Default::default(),
            sectors: vec![Group::default(); sc.sectors.len()],
            types: vec![Group::default(); n_types],
            pairs: vec![Group::default(); pairs.len()],
            pair_of,
            horizon_s: sc.horizon.secs(),
            sector_contingent: vec![(0, 0, 0); sc.sectors.len() * sc.contingents.len()],
            nation_tasks: vec![0; sc.nations.len()],
            nation_responded: vec![0; sc.nations.len()],
            nation_response_s: vec![0; sc.nations.len()],
            busy_s: vec![0; sc.contingents.len()],
            covered_s: vec![0; sc.sectors.len()],
            queue_area: [0; 3],
            trace: trace.then(Vec::new),
            warm_up: SimTime::ZERO + sc.warm_up,
            monitor_only: vec![[0; 3]; sc.sectors.len() * n_types],
        }
    }

    /// Counts a monitor-only record (after the warm-up): what `Group::add` would add to each
    /// of its groups, kept once (see `monitor_only`).
    fn count_monitor_only(
        &mut self,
        sector: u32,
        vtype: u32,
        occurred: SimTime,
        detected: Option<SimTime>,
    ) {
        let cell = &mut self.monitor_only[sector as usize * self.types.len() + vtype as usize];
        cell[0] += 1;
        if let Some(d) = detected {
            cell[1] += 1;
            cell[2] += (d - occurred).secs();
        }
    }

    /// Adds the monitor-only counts kept per (sector, type) to the groups they belong to.
    fn fold_monitor_only(&mut self, sc: &Scenario) {
        let n_types = self.types.len();
        for (i, &[n, detected, latency_s]) in self.monitor_only.iter().enumerate() {
            if n == 0 {
                continue;
            }
            let (s, t) = (i / n_types, i % n_types);
            let domain = sc.violation_types[t].domain.index();
            let pair = self.pair_of[i] as usize;
            let groups = [
                Some(&mut self.all),
                Some(&mut self.domains[domain]),
                Some(&mut self.sectors[s]),
                Some(&mut self.types[t]),
                self.pairs.get_mut(pair),
            ];
            for g in groups.into_iter().flatten() {
                g.violations += n;
                g.detected += detected;
                g.detect_latency_s += latency_s;
            }
        }
        self.monitor_only.iter_mut().for_each(|c| *c = [0; 3]);
    }

    /// Takes a finished record; `at_end` marks records still open at the horizon.
    pub fn record(&mut self, r: &ViolationRecord, at_end: bool) {
        if let Some(t) = &mut self.trace {
            t.push(r.clone());
        }
        if r.occurred < self.warm_up {
            return;
        }
        if !r.needs_response && r.contingent.is_none() && r.nation.is_none() {
            self.count_monitor_only(r.sector, r.vtype, r.occurred, r.detected);
            return;
        }
        let h = self.horizon_s;
        self.all.add(r, at_end, h);
        self.domains[r.domain.index()].add(r, at_end, h);
        self.sectors[r.sector as usize].add(r, at_end, h);
        self.types[r.vtype as usize].add(r, at_end, h);
        let pair = self.pair_of[r.sector as usize * self.types.len() + r.vtype as usize];
        // A record of a pair outside the mix cannot happen; keep it out rather than panic.
        if let Some(g) = self.pairs.get_mut(pair as usize) {
            g.add(r, at_end, h);
        }
        if let Some(c) = r.contingent
            && r.tasked.is_some()
        {
            let n_c = self.sector_contingent.len() / self.sectors.len().max(1);
            if let Some(cell) = self
                .sector_contingent
                .get_mut(r.sector as usize * n_c + c as usize)
            {
                cell.0 += 1;
                if let Some(rt) = r.response_time() {
                    cell.1 += rt.secs();
                    cell.2 += 1;
                }
            }
        }
        if let Some(n) = r.nation {
            let n = n as usize;
            if r.tasked.is_some() {
                self.nation_tasks[n] += 1;
            }
            if let Some(rt) = r.response_time() {
                self.nation_responded[n] += 1;
                self.nation_response_s[n] += rt.secs();
            }
        }
    }

    /// Adds busy time `d` of a unit of contingent `c`, ending at `now` (the part after the
    /// warm-up).
    pub fn add_busy(&mut self, c: usize, d: SimDuration, now: SimTime) {
        self.busy_s[c] += after(self.warm_up, d, now);
    }

    /// Adds time `d` ending at `now` during which sector `s` had a drone on station (the part
    /// after the warm-up).
    pub fn add_covered(&mut self, s: usize, d: SimDuration, now: SimTime) {
        self.covered_s[s] += after(self.warm_up, d, now);
    }

    /// Adds `waiting` violations of `domain` waiting for `d`, ending at `now` (the part after
    /// the warm-up).
    pub fn add_queue_area(&mut self, domain: Domain, waiting: u32, d: SimDuration, now: SimTime) {
        self.queue_area[domain.index()] +=
            u128::from(waiting) * u128::from(after(self.warm_up, d, now));
    }

    /// The KPIs of the replication, and the trace if one was kept.
    pub fn finish(
        mut self,
        sc: &Scenario,
        replication: u64,
        events: u64,
    ) -> (ReplicationResult, Option<Vec<ViolationRecord>>) {
        self.fold_monitor_only(sc);
        // Time averages run over the window after the warm-up.
        let horizon = sc.horizon.secs().saturating_sub(sc.warm_up.secs()).max(1) as f64;
        let (mut unit_s, mut busy) = ([0.0; 3], [0.0; 3]);
        let (mut n_unit_s, mut n_busy) = (vec![0.0; sc.nations.len()], vec![0.0; sc.nations.len()]);
        for (c, k) in sc.contingents.iter().enumerate() {
            if k.isr.is_some() {
                continue;
            }
            let cap = f64::from(k.units) * horizon;
            unit_s[k.domain.index()] += cap;
            busy[k.domain.index()] += self.busy_s[c] as f64;
            n_unit_s[k.nation] += cap;
            n_busy[k.nation] += self.busy_s[c] as f64;
        }
        let util = |b: f64, u: f64| if u > 0.0 { b / u } else { f64::NAN };
        let isr_sectors: Vec<bool> = {
            let mut v = vec![false; sc.sectors.len()];
            for c in &sc.contingents {
                if let Some(isr) = &c.isr
                    && c.units > 0
                {
                    isr.sectors.iter().for_each(|&s| v[s] = true);
                }
            }
            v
        };
        let coverage = |pred: &dyn Fn(usize) -> bool| {
            let idx: Vec<usize> = (0..sc.sectors.len())
                .filter(|&s| isr_sectors[s] && pred(s))
                .collect();
            if idx.is_empty() {
                f64::NAN
            } else {
                idx.iter()
                    .map(|&s| self.covered_s[s] as f64 / horizon)
                    .sum::<f64>()
                    / idx.len() as f64
            }
        };
        let cov_all = coverage(&|_| true);
        let cov_dom: Vec<f64> = Domain::ALL
            .iter()
            .map(|d| coverage(&|s| sc.sectors[s].domain == *d))
            .collect();
        let cov_sector: Vec<f64> = (0..sc.sectors.len())
            .map(|s| coverage(&|x| x == s))
            .collect();
        let kpis = self
            .all
            .kpis(util(busy.iter().sum(), unit_s.iter().sum()), cov_all);
        let mut by_domain =
            [0, 1, 2].map(|d| self.domains[d].kpis(util(busy[d], unit_s[d]), cov_dom[d]));
        let mut kpis = kpis;
        for (d, k) in by_domain.iter_mut().enumerate() {
            k[Kpi::QueueLengthMean] = self.queue_area[d] as f64 / horizon;
        }
        kpis[Kpi::QueueLengthMean] = self.queue_area.iter().sum::<u128>() as f64 / horizon;
        let by_nation = (0..sc.nations.len())
            .map(|n| NationFigures {
                tasks: self.nation_tasks[n] as f64,
                responded: self.nation_responded[n] as f64,
                response_time_mean_h: mean_h(self.nation_response_s[n], self.nation_responded[n]),
                utilisation: util(n_busy[n], n_unit_s[n]),
            })
            .collect();
        let by_sector = self
            .sectors
            .iter_mut()
            .enumerate()
            .map(|(s, g)| {
                let k = g.kpis(f64::NAN, cov_sector[s]);
                SECTOR_KPIS.map(|n| k[n])
            })
            .collect();
        let by_type = self
            .types
            .iter_mut()
            .map(|g| g.kpis(f64::NAN, f64::NAN))
            .collect();
        let by_sector_type = self
            .pairs
            .iter_mut()
            .map(|g| g.kpis(f64::NAN, f64::NAN))
            .collect();
        let type_times = self
            .types
            .iter()
            .map(|g| TypeTimes {
                answered: sparse_bins(&g.response_h),
                open: sparse_bins(&g.open_h),
                never: g.never as u32,
            })
            .collect();
        let response_hist = [0, 1, 2].map(|d| {
            let mut h = vec![0u32; HIST_BINS];
            for &x in &self.domains[d].response_h {
                h[hist_bin(x)] += 1;
            }
            h
        });
        (
            ReplicationResult {
                replication,
                events,
                kpis,
                by_domain,
                by_nation,
                by_sector,
                response_hist,
                by_type,
                by_sector_type,
                type_times,
                sector_contingent: self
                    .sector_contingent
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c.0 > 0)
                    .map(|(i, c)| (i as u32, c.0, c.1, c.2))
                    .collect(),
            },
            self.trace,
        )
    }
}

impl Observer for Collector {
    fn record(&mut self, r: &ViolationRecord, at_end: bool) {
        Collector::record(self, r, at_end);
    }
    fn record_settled(
        &mut self,
        sector: u32,
        vtype: u32,
        occurred: SimTime,
        detected: SimTime,
        full: impl FnOnce() -> ViolationRecord,
    ) {
        if self.trace.is_some() {
            Collector::record(self, &full(), false);
        } else if occurred >= self.warm_up {
            self.count_monitor_only(sector, vtype, occurred, Some(detected));
        }
    }
    fn wants_settled_records(&self) -> bool {
        // Whole records only for the trace; the KPIs count settled violations.
        self.trace.is_some()
    }
    fn add_busy(&mut self, contingent: usize, d: SimDuration, now: SimTime) {
        Collector::add_busy(self, contingent, d, now);
    }
    fn add_covered(&mut self, sector: usize, d: SimDuration, now: SimTime) {
        Collector::add_covered(self, sector, d, now);
    }
    fn add_queue_area(&mut self, domain: Domain, waiting: u32, d: SimDuration, now: SimTime) {
        Collector::add_queue_area(self, domain, waiting, d, now);
    }
}

/// What to record beyond the KPIs.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimOptions {
    /// Keep every violation record.
    pub trace: bool,
    /// Sample the theatre every hour.
    pub timeline: bool,
}

/// The results of one replication.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// KPIs.
    pub result: ReplicationResult,
    /// Every violation record, with [`SimOptions::trace`].
    pub trace: Option<Vec<ViolationRecord>>,
    /// Hourly samples, with [`SimOptions::timeline`].
    pub timeline: Option<Vec<TimelineSample>>,
}

/// Runs replication `replication` of a prepared scenario with a [`Collector`] and returns its
/// KPIs (and the trace and timeline, when asked for).
pub fn replicate(prepared: &Prepared, replication: u64, opts: SimOptions) -> Outcome {
    let sc = &prepared.scenario;
    let mut collector = Collector::new(sc, opts.trace);
    let run = model::simulate(prepared, replication, opts.timeline, &mut collector);
    let (result, trace) = collector.finish(sc, replication, run.events);
    Outcome {
        result,
        trace,
        timeline: run.timeline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::LatLon;
    use crate::scenario::Severity;
    use crate::time::SimTime;

    fn fixture() -> (Scenario, ViolationRecord) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.ron");
        let sc = crate::scenario::load(&path).expect("shipped scenario validates");
        let open = ViolationRecord {
            id: 0,
            sector: 0,
            vtype: 0,
            domain: Domain::Land,
            severity: Severity::Minor,
            pos: LatLon { lat: 0.0, lon: 0.0 },
            needs_response: true,
            target: crate::time::HOUR,
            occurred: SimTime(10),
            detected: None,
            sensor: None,
            reported: None,
            decided: None,
            tasked: None,
            approved: None,
            departed: None,
            arrived: None,
            cleared: None,
            unit: None,
            contingent: None,
            nation: None,
            unanswerable: false,
        };
        (sc, open)
    }

    #[test]
    fn unanswered_at_end_counts_every_detected_violation_needing_a_response() {
        let (sc, open) = fixture();
        let mut c = Collector::new(&sc, false);
        // Undetected: not counted. Detected, report still on its way to HQ: counted.
        // Reported and queued: counted.
        c.record(&open, true);
        c.record(
            &ViolationRecord {
                id: 1,
                detected: Some(SimTime(20)),
                ..open.clone()
            },
            true,
        );
        c.record(
            &ViolationRecord {
                id: 2,
                detected: Some(SimTime(20)),
                reported: Some(SimTime(30)),
                decided: Some(SimTime(40)),
                ..open.clone()
            },
            true,
        );
        let (r, _) = c.finish(&sc, 0, 0);
        assert_eq!(r.kpis[Kpi::UnansweredAtEnd], 2.0);
        assert_eq!(r.kpis[Kpi::UnanswerableShare], 0.0);
    }

    #[test]
    fn unanswerable_share_counts_violations_no_unit_could_answer() {
        let (sc, open) = fixture();
        let mut c = Collector::new(&sc, false);
        c.record(&open, false);
        let decided = Some(SimTime(40));
        c.record(
            &ViolationRecord {
                id: 1,
                decided,
                unanswerable: true,
                ..open.clone()
            },
            false,
        );
        let (r, _) = c.finish(&sc, 0, 0);
        assert_eq!(r.kpis[Kpi::UnanswerableShare], 0.5);
    }

    /// Monitor-only records are counted per (sector, type) and folded into the groups at the
    /// end: the KPIs are those of handing each record to every group, whichever way the
    /// record comes (whole, or settled without being built).
    #[test]
    fn monitor_only_records_count_in_every_group() {
        let (sc, open) = fixture();
        let t = sc
            .violation_types
            .iter()
            .position(|v| v.response.is_none())
            .expect("the tutorial has a monitor-only type");
        let s = (0..sc.sectors.len())
            .find(|&s| sc.sectors[s].type_share(t) > 0.0)
            .expect("some sector has it");
        let mo = ViolationRecord {
            sector: s as u32,
            vtype: t as u32,
            domain: sc.violation_types[t].domain,
            needs_response: false,
            target: SimDuration::ZERO,
            ..open.clone()
        };
        let mut c = Collector::new(&sc, false);
        // Undetected; detected after 1 h; settled, detected after 2 h.
        c.record(&mo, false);
        c.record(
            &ViolationRecord {
                detected: Some(SimTime(10 + 3600)),
                ..mo.clone()
            },
            false,
        );
        Observer::record_settled(
            &mut c,
            s as u32,
            t as u32,
            SimTime(10),
            SimTime(7210),
            || unreachable!("counts need no whole record"),
        );
        // One that needs a response, to show the groups keep their other records.
        let needing = sc
            .violation_types
            .iter()
            .position(|v| v.response.is_some())
            .expect("the tutorial has a type needing a response");
        c.record(
            &ViolationRecord {
                vtype: needing as u32,
                domain: sc.violation_types[needing].domain,
                ..open.clone()
            },
            true,
        );
        let (r, _) = c.finish(&sc, 0, 0);
        assert_eq!(r.kpis[Kpi::Violations], 4.0);
        assert_eq!(r.kpis[Kpi::DetectedShare], 0.5);
        assert_eq!(r.kpis[Kpi::DetectionLatencyMeanH], 1.5);
        assert_eq!(r.by_type[t][Kpi::Violations], 3.0);
        assert_eq!(r.by_type[t][Kpi::DetectionLatencyMeanH], 1.5);
        let d = sc.violation_types[t].domain.index();
        assert!(r.by_domain[d][Kpi::Violations] >= 3.0);
        let pair = sector_type_pairs(&sc)
            .iter()
            .position(|&p| p == (s, t))
            .unwrap();
        assert_eq!(r.by_sector_type[pair][Kpi::DetectedShare], 2.0 / 3.0);
        // Traced, the settled record is built and kept.
        let mut c = Collector::new(&sc, true);
        Observer::record_settled(&mut c, s as u32, t as u32, SimTime(10), SimTime(10), || {
            ViolationRecord {
                detected: Some(SimTime(10)),
                ..mo.clone()
            }
        });
        let (r, trace) = c.finish(&sc, 0, 0);
        assert_eq!(trace.map(|t| t.len()), Some(1));
        assert_eq!(r.kpis[Kpi::DetectedShare], 1.0);
    }
}
