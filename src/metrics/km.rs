//! Response-time percentiles that count every violation needing a response: answered ones
//! are events, those still open at the horizon are right-censored at their age then, and
//! those closed without a unit on scene are never answered (censored at infinity).
//! Kaplan–Meier quantiles, exact within a replication and on the 5-minute bins pooled over
//! replications, the latter with a 95 % interval from Greenwood's variance (Brookmeyer and
//! Crowley's method).

use super::{HIST_BIN_H, HIST_BINS, PooledTimes};

/// Tolerance on the cumulative share when comparing it with a quantile level.
const EPS: f64 = 1e-12;

/// Quantile `p` of the Kaplan–Meier estimate from sorted answered times `events` \[h\],
/// sorted censoring times `censored` \[h\] and `never` violations never answered: the first
/// answered time at which the share answered reaches `p`. `+∞` when it never does (too
/// many never answered or still open); NaN when there is no violation at all. A censored
/// time equal to an event time is still at risk at that event.
pub fn km_quantile(events: &[f64], censored: &[f64], never: u64, p: f64) -> f64 {
    let n = events.len() as u64 + censored.len() as u64 + never;
    if n == 0 {
        return f64::NAN;
    }
    let mut at_risk = n as f64;
    let (mut survival, mut i, mut j) = (1.0f64, 0usize, 0usize);
    while i < events.len() {
        let t = events[i];
        while j < censored.len() && censored[j] < t {
            at_risk -= 1.0;
            j += 1;
        }
        let mut d = 0.0;
        while i < events.len() && events[i] == t {
            d += 1.0;
            i += 1;
        }
        survival *= 1.0 - d / at_risk;
        at_risk -= d;
        if 1.0 - survival >= p - EPS {
            return t;
        }
    }
    f64::INFINITY
}

/// A pooled percentile with its 95 % interval \[h\]; `+∞` where not reached within
/// [`super::HIST_MAX_H`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PooledQuantile {
    /// Estimate: the end of the 5-minute bin in which the share answered reaches the level.
    pub estimate: f64,
    /// Lower end of the 95 % interval.
    pub ci95_low: f64,
    /// Upper end of the 95 % interval.
    pub ci95_high: f64,
}

/// The binned Kaplan–Meier curve of pooled times: per bin below the overflow bin, the share
/// answered by the bin's end and its Greenwood standard error. Censored violations of a bin
/// are at risk through its answers.
pub fn binned_curve(t: &PooledTimes) -> Vec<(f64, f64)> {
    let mut at_risk = t.total() as f64;
    let (mut survival, mut greenwood) = (1.0f64, 0.0f64);
    let mut out = Vec::with_capacity(HIST_BINS - 1);
    for b in 0..HIST_BINS - 1 {
        let d = t.answered[b] as f64;
        if d > 0.0 && at_risk > 0.0 {
            survival *= 1.0 - d / at_risk;
            if at_risk > d {
                greenwood += d / (at_risk * (at_risk - d));
            }
        }
        at_risk -= d + t.open[b] as f64;
        out.push((1.0 - survival, survival * greenwood.sqrt()));
    }
    out
}

/// Quantile `p` of pooled times with its 95 % interval (z = 1.96 on Greenwood's standard
/// error): the interval holds the times at which the share answered is within 1.96 standard
/// errors of `p`. NaN when there is no violation.
pub fn pooled_quantile(t: &PooledTimes, p: f64) -> PooledQuantile {
    if t.total() == 0 {
        return PooledQuantile {
            estimate: f64::NAN,
            ci95_low: f64::NAN,
            ci95_high: f64::NAN,
        };
    }
    let curve = binned_curve(t);
    let first = |f: &dyn Fn(f64, f64) -> bool| {
        curve
            .iter()
            .position(|&(share, se)| f(share, se))
            .map_or(f64::INFINITY, |b| (b + 1) as f64 * HIST_BIN_H)
    };
    const Z: f64 = 1.959_963_984_540_054;
    PooledQuantile {
        estimate: first(&|s, _| s >= p - EPS),
        ci95_low: first(&|s, se| s + Z * se >= p - EPS),
        ci95_high: first(&|s, se| s - Z * se >= p - EPS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kaplan_meier_quantiles_match_a_hand_worked_example() {
        // Five violations: answered at 1, 2 and 3 h; one still open at the horizon aged
        // 2.5 h; one never answered. S(1) = 4/5, S(2) = 4/5 · 3/4 = 0.6; the open one leaves
        // the risk set before 3 h, so S(3) = 0.6 · (1 − 1/2) = 0.3: answered 20, 40, 70 %.
        let (ev, ce) = ([1.0, 2.0, 3.0], [2.5]);
        assert_eq!(km_quantile(&ev, &ce, 1, 0.2), 1.0);
        assert_eq!(km_quantile(&ev, &ce, 1, 0.4), 2.0);
        assert_eq!(km_quantile(&ev, &ce, 1, 0.5), 3.0);
        assert_eq!(km_quantile(&ev, &ce, 1, 0.7), 3.0);
        // 90 % is never reached: 30 % stay unanswered.
        assert_eq!(km_quantile(&ev, &ce, 1, 0.9), f64::INFINITY);
        // Answered-only would have said p90 = 3 h.
        assert_eq!(km_quantile(&ev, &[], 0, 0.9), 3.0);
        assert!(km_quantile(&[], &[], 0, 0.5).is_nan());
        // Nothing answered at all: never reached.
        assert_eq!(km_quantile(&[], &[1.0], 2, 0.5), f64::INFINITY);
    }

    fn pooled(answered: &[(usize, u64)], open: &[(usize, u64)], never: u64) -> PooledTimes {
        let mut t = PooledTimes::empty();
        for &(b, c) in answered {
            t.answered[b] = c;
        }
        for &(b, c) in open {
            t.open[b] = c;
        }
        t.never = never;
        t
    }

    #[test]
    fn pooled_quantiles_use_the_same_curve_with_greenwood_intervals() {
        // The hand-worked example with times in bins 11 (≈1 h), 23, 35, the open one in 29.
        let t = pooled(&[(11, 1), (23, 1), (35, 1)], &[(29, 1)], 1);
        let q = pooled_quantile(&t, 0.5);
        assert!((q.estimate - 36.0 * HIST_BIN_H).abs() < 1e-12);
        let curve = binned_curve(&t);
        // Greenwood at 3 h: S² · (1/(5·4) + 1/(4·3) + 1/(2·1)) = 0.09 · 0.6333…
        let (share, se) = curve[35];
        assert!((share - 0.7).abs() < 1e-12);
        assert!((se - (0.09f64 * (0.05 + 1.0 / 12.0 + 0.5)).sqrt()).abs() < 1e-12);
        assert!(q.ci95_low <= q.estimate);
        assert_eq!(pooled_quantile(&t, 0.9).estimate, f64::INFINITY);
        // Many answered in one bin: a tight interval around it.
        let t = pooled(&[(10, 1000), (20, 1000)], &[], 0);
        let q = pooled_quantile(&t, 0.5);
        assert_eq!(q.estimate, 11.0 * HIST_BIN_H);
        assert_eq!(q.ci95_low, 11.0 * HIST_BIN_H);
        assert_eq!(q.ci95_high, 21.0 * HIST_BIN_H);
    }
}
