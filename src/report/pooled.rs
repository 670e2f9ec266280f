//! Figures pooled over replications for `summary.json`'s `pooled` section and the tables:
//! counts of violations needing a response, Wilson intervals of the answered and
//! within-target shares, and Kaplan–Meier percentiles with their intervals; and how a
//! percentile that is not reached is shown.

use super::breakdown::target_h;
use super::files::{
    PerDomain, PooledEntry, PooledSection, PooledTypeEntry, QuantileInterval, ShareInterval,
};
use crate::metrics::km::pooled_quantile;
use crate::metrics::stats::wilson95;
use crate::metrics::{Aggregate, PooledTimes};
use crate::scenario::{Domain, Scenario};

/// What `pooled.method` says.
pub const METHOD: &str = "counts summed over replications; shares with Wilson score 95 % intervals; percentiles from the Kaplan-Meier curve of every violation needing a response (never answered = infinitely late, open at the horizon = censored) on 5-minute bins, 95 % intervals from Greenwood's variance (Brookmeyer-Crowley), treating violations as independent; null where not reached";

fn share(k: u64, n: u64) -> ShareInterval {
    let (wilson95_low, wilson95_high) = wilson95(k, n);
    ShareInterval {
        estimate: if n == 0 {
            f64::NAN
        } else {
            k as f64 / n as f64
        },
        wilson95_low,
        wilson95_high,
    }
}

fn quantile(t: &PooledTimes, p: f64) -> QuantileInterval {
    let q = pooled_quantile(t, p);
    QuantileInterval {
        estimate: q.estimate,
        ci95_low: q.ci95_low,
        ci95_high: q.ci95_high,
    }
}

/// The pooled figures of a set of times.
pub fn entry(t: &PooledTimes) -> PooledEntry {
    let answered: u64 = t.answered.iter().sum();
    let n = t.total();
    PooledEntry {
        needing_response: n,
        answered,
        open_at_end: t.open.iter().sum(),
        never_answered: t.never,
        answered_share: share(answered, n),
        within_target_share: share(t.within_target.min(n), n),
        response_time_p50_h: quantile(t, 0.50),
        response_time_p90_h: quantile(t, 0.90),
        response_time_p95_h: quantile(t, 0.95),
    }
}

/// The `pooled` section of `summary.json`.
pub fn section(sc: &Scenario, agg: &Aggregate) -> PooledSection {
    let sum = |pred: &dyn Fn(usize) -> bool| {
        let mut p = PooledTimes::empty();
        for (t, times) in agg.type_times.iter().enumerate() {
            if pred(t) {
                p.add_pooled(times);
            }
        }
        p
    };
    PooledSection {
        method: METHOD.into(),
        theatre: entry(&sum(&|_| true)),
        by_domain: PerDomain::from_array(
            Domain::ALL.map(|d| entry(&sum(&|t| sc.violation_types[t].domain == d))),
        ),
        by_type: sc
            .violation_types
            .iter()
            .enumerate()
            .zip(&agg.type_times)
            .filter_map(|((t, vt), times)| {
                Some(PooledTypeEntry {
                    id: vt.id.clone(),
                    target_h: Some(target_h(sc, t)?),
                    figures: entry(times),
                })
            })
            .collect(),
    }
}

/// A pooled percentile as text: `2.25 h [2.08, 2.50]`, or `not reached (answered 83 %)`.
pub fn quantile_text(q: &QuantileInterval, e: &PooledEntry) -> String {
    if e.needing_response == 0 {
        return "—".into();
    }
    if !q.estimate.is_finite() {
        return format!(
            "not reached (answered {:.0} %)",
            e.answered_share.estimate * 100.0
        );
    }
    let hi = if q.ci95_high.is_finite() {
        format!("{:.2}", q.ci95_high)
    } else {
        "not reached".into()
    };
    format!("{:.2} [{:.2}, {hi}]", q.estimate, q.ci95_low)
}

/// A pooled share as text in percent with its Wilson interval: `20.4 % [17.1, 24.0]`.
pub fn share_text(s: &ShareInterval) -> String {
    if s.estimate.is_nan() {
        return "—".into();
    }
    format!(
        "{:.1} % [{:.1}, {:.1}]",
        s.estimate * 100.0,
        s.wilson95_low * 100.0,
        s.wilson95_high * 100.0
    )
}
