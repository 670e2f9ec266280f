//! Running sums of one group of violations (the theatre, a domain, sector, type or
//! sector × type) within a replication, and their KPIs; the response-time histogram bins.

use super::km::km_quantile;
use super::stats;
use super::{HIST_BIN_H, HIST_BINS, Kpis, ViolationRecord};

pub(super) fn hist_bin(h: f64) -> usize {
    ((h / HIST_BIN_H) as usize).min(HIST_BINS - 1)
}

/// Sparse `(bin, count)` pairs of hours `xs`, bins ascending.
pub(super) fn sparse_bins(xs: &[f64]) -> Vec<(u32, u32)> {
    let mut bins: Vec<u32> = xs.iter().map(|&x| hist_bin(x) as u32).collect();
    bins.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for b in bins {
        match out.last_mut() {
            Some((lb, c)) if *lb == b => *c += 1,
            _ => out.push((b, 1)),
        }
    }
    out
}

/// Running sums for one group of violations (theatre, domain, sector, type or sector × type).
#[derive(Debug, Clone, Default)]
pub(super) struct Group {
    pub(super) violations: u64,
    pub(super) needing: u64,
    pub(super) detected: u64,
    pub(super) responded: u64,
    pub(super) within_target: u64,
    pub(super) unanswered: u64,
    pub(super) unanswerable: u64,
    pub(super) detect_latency_s: u64,
    /// Time spent \[s\] and count, per stage of a response: reporting, HQ decision, queue,
    /// approval, notice to move, transit (from each stage's start to the next's).
    pub(super) stage_s: [u64; 6],
    pub(super) stage_n: [u64; 6],
    pub(super) n_queued: u64,
    pub(super) response_h: Vec<f64>,
    /// Ages at the horizon \[h\] of violations needing a response still open then.
    pub(super) open_h: Vec<f64>,
    /// Violations needing a response closed without a unit on scene.
    pub(super) never: u64,
}

pub(super) fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

pub(super) fn mean_h(sum_s: u64, n: u64) -> f64 {
    if n == 0 {
        f64::NAN
    } else {
        sum_s as f64 / n as f64 / crate::time::HOUR.0 as f64
    }
}

impl Group {
    pub(super) fn add(&mut self, r: &ViolationRecord, at_end: bool, horizon_s: u64) {
        self.violations += 1;
        if let Some(d) = r.detected {
            self.detected += 1;
            self.detect_latency_s += (d - r.occurred).secs();
        }
        if !r.needs_response {
            return;
        }
        self.needing += 1;
        self.unanswerable += u64::from(r.unanswerable);
        let times = [
            r.detected, r.reported, r.decided, r.tasked, r.approved, r.departed, r.arrived,
        ];
        for (i, w) in times.windows(2).enumerate() {
            if let (Some(from), Some(to)) = (w[0], w[1]) {
                self.stage_s[i] += (to - from).secs();
                self.stage_n[i] += 1;
            }
        }
        if let (Some(dec), Some(t)) = (r.decided, r.tasked)
            && t > dec
        {
            self.n_queued += 1;
        }
        match r.response_time() {
            Some(rt) => {
                self.responded += 1;
                if rt <= r.target {
                    self.within_target += 1;
                }
                self.response_h.push(rt.hours());
            }
            None => {
                if at_end && r.detected.is_some() {
                    self.unanswered += 1;
                }
                if at_end {
                    let age_s = horizon_s.saturating_sub(r.occurred.secs());
                    self.open_h.push(age_s as f64 / crate::time::HOUR.0 as f64);
                } else {
                    self.never += 1;
                }
            }
        }
    }

    pub(super) fn kpis(&mut self, utilisation: f64, coverage: f64) -> Kpis {
        self.response_h.sort_unstable_by(f64::total_cmp);
        self.open_h.sort_unstable_by(f64::total_cmp);
        let rt = &self.response_h;
        let km = |p: f64| {
            if self.needing == 0 {
                f64::NAN
            } else {
                km_quantile(rt, &self.open_h, self.never, p)
            }
        };
        let mean_rt = if rt.is_empty() {
            f64::NAN
        } else {
            rt.iter().sum::<f64>() / rt.len() as f64
        };
        Kpis {
            values: [
                self.violations as f64,
                self.needing as f64,
                ratio(self.detected, self.violations),
                ratio(self.responded, self.needing),
                mean_h(self.detect_latency_s, self.detected),
                mean_h(self.stage_s[0], self.stage_n[0]),
                mean_h(self.stage_s[1], self.stage_n[1]),
                mean_h(self.stage_s[2], self.stage_n[2]),
                ratio(self.n_queued, self.stage_n[2]),
                f64::NAN, // queue_length_mean: set by the collector, which integrates over time
                mean_h(self.stage_s[3], self.stage_n[3]),
                mean_h(self.stage_s[4], self.stage_n[4]),
                mean_h(self.stage_s[5], self.stage_n[5]),
                mean_rt,
                km(0.50),
                km(0.90),
                km(0.95),
                ratio(self.within_target, self.needing),
                self.unanswered as f64,
                utilisation,
                coverage,
                ratio(self.unanswerable, self.needing),
                stats::quantile_sorted(rt, 0.50),
                stats::quantile_sorted(rt, 0.90),
                stats::quantile_sorted(rt, 0.95),
            ],
        }
    }
}
