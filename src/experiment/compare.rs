//! Comparing force options with common random numbers: paired differences against the
//! baseline, Bonferroni-corrected confidence intervals, verdicts and ranking.

pub use crate::metrics::Direction;
use crate::metrics::scope::ScopedKpi;
use crate::metrics::stats::Summary;
use crate::metrics::stats::nan_if_null;
use crate::metrics::stats::t_quantile;
use crate::metrics::{Aggregate, Kpi, ReplicationResult, SECTOR_KPIS};
use serde::{Deserialize, Serialize};

/// Family-wise error rate of the comparisons against the baseline.
pub const ALPHA: f64 = 0.05;

/// The plain-language outcome of one comparison (written as its [`Verdict::key`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    /// Significantly better than the baseline.
    #[serde(rename = "better")]
    Better,
    /// Significantly worse.
    #[serde(rename = "worse")]
    Worse,
    /// Significantly higher (a KPI with no good direction).
    #[serde(rename = "higher")]
    Higher,
    /// Significantly lower (a KPI with no good direction).
    #[serde(rename = "lower")]
    Lower,
    /// The confidence interval of the difference contains zero.
    #[serde(rename = "no significant difference")]
    NoSignificantDifference,
    /// Too few paired replications to tell.
    #[serde(rename = "undetermined")]
    Undetermined,
}

impl Verdict {
    /// Text for tables and files.
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::Higher => "higher",
            Verdict::Lower => "lower",
            Verdict::NoSignificantDifference => "no significant difference",
            Verdict::Undetermined => "undetermined",
        }
    }
}

/// A paired difference option − baseline of one KPI (as written in `comparison.json`:
/// undefined numbers as `null`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// Mean difference.
    #[serde(deserialize_with = "nan_if_null")]
    pub mean: f64,
    /// Standard deviation of the per-replication differences.
    #[serde(deserialize_with = "nan_if_null")]
    pub std: f64,
    /// Lower end of the (Bonferroni-corrected) confidence interval.
    #[serde(deserialize_with = "nan_if_null")]
    pub ci_low: f64,
    /// Upper end.
    #[serde(deserialize_with = "nan_if_null")]
    pub ci_high: f64,
    /// Replications where both were defined.
    pub n: u64,
    /// Verdict.
    pub verdict: Verdict,
}

/// Paired difference of KPI `k` between two result lists sorted by replication, with a
/// two-sided confidence interval at `confidence` (e.g. 0.95, or 1 − 0.05/m with Bonferroni).
pub fn paired(
    option: &[ReplicationResult],
    baseline: &[ReplicationResult],
    k: Kpi,
    confidence: f64,
) -> Difference {
    paired_by(option, baseline, |r| r.kpis[k], k.direction(), confidence)
}

/// Paired difference of the figure `f` of each replication (e.g. a KPI of one violation
/// type), better in `direction`; otherwise as [`paired`].
pub fn paired_by(
    option: &[ReplicationResult],
    baseline: &[ReplicationResult],
    f: impl Fn(&ReplicationResult) -> f64,
    direction: Direction,
    confidence: f64,
) -> Difference {
    let diffs: Vec<f64> = option
        .iter()
        .zip(baseline)
        .map(|(a, b)| {
            debug_assert_eq!(a.replication, b.replication, "paired by replication");
            f(a) - f(b)
        })
        .filter(|d| !d.is_nan())
        .collect();
    let n = diffs.len() as u64;
    let mean = if n == 0 {
        f64::NAN
    } else {
        diffs.iter().sum::<f64>() / n as f64
    };
    // An infinite difference (a percentile one side never reached) has no interval.
    if n < 2 || !mean.is_finite() {
        return Difference {
            mean,
            std: f64::NAN,
            ci_low: f64::NAN,
            ci_high: f64::NAN,
            n,
            verdict: Verdict::Undetermined,
        };
    }
    let std = (diffs.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / (n - 1) as f64).sqrt();
    let half = t_quantile(1.0 - (1.0 - confidence) / 2.0, n - 1) * std / (n as f64).sqrt();
    let (ci_low, ci_high) = (mean - half, mean + half);
    let verdict = if ci_low <= 0.0 && ci_high >= 0.0 || std == 0.0 && mean == 0.0 {
        Verdict::NoSignificantDifference
    } else {
        let up = ci_low > 0.0;
        match (direction, up) {
            (Direction::LowerIsBetter, true) | (Direction::HigherIsBetter, false) => Verdict::Worse,
            (Direction::LowerIsBetter, false) | (Direction::HigherIsBetter, true) => {
                Verdict::Better
            }
            (Direction::Neutral, true) => Verdict::Higher,
            (Direction::Neutral, false) => Verdict::Lower,
        }
    };
    Difference {
        mean,
        std,
        ci_low,
        ci_high,
        n,
        verdict,
    }
}

/// Paired differences against the baseline of the parts of the theatre.
#[derive(Debug, Clone)]
pub struct BreakdownDifferences {
    /// Per domain, every KPI.
    pub by_domain: Vec<Vec<Difference>>,
    /// Per violation type, every KPI.
    pub by_type: Vec<Vec<Difference>>,
    /// Per sector, the KPIs of [`SECTOR_KPIS`].
    pub by_sector: Vec<Vec<Difference>>,
}

impl BreakdownDifferences {
    /// The differences of `option` against `baseline`, each interval at `confidence`.
    pub fn of(
        option: &[ReplicationResult],
        baseline: &[ReplicationResult],
        confidence: f64,
    ) -> Self {
        let n = |f: fn(&ReplicationResult) -> usize| baseline.first().map_or(0, f);
        let all = |get: &dyn Fn(&ReplicationResult, Kpi) -> f64| -> Vec<Difference> {
            Kpi::ALL
                .into_iter()
                .map(|k| paired_by(option, baseline, |r| get(r, k), k.direction(), confidence))
                .collect()
        };
        BreakdownDifferences {
            by_domain: (0..3).map(|d| all(&|r, k| r.by_domain[d][k])).collect(),
            by_type: (0..n(|r| r.by_type.len()))
                .map(|t| all(&|r, k| r.by_type[t][k]))
                .collect(),
            by_sector: (0..n(|r| r.by_sector.len()))
                .map(|s| {
                    SECTOR_KPIS
                        .iter()
                        .enumerate()
                        .map(|(i, k)| {
                            paired_by(
                                option,
                                baseline,
                                |r| r.by_sector[s][i],
                                k.direction(),
                                confidence,
                            )
                        })
                        .collect()
                })
                .collect(),
        }
    }
}

/// One option's results in a comparison.
#[derive(Debug, Clone)]
pub struct OptionResult {
    /// Statistics of its own replications.
    pub aggregate: Aggregate,
    /// Paired differences against the baseline, per KPI; `None` for the baseline.
    pub vs_baseline: Option<Vec<Difference>>,
    /// Rank by the study's KPI (1 = best).
    pub rank: usize,
    /// Statistics of the study's (possibly scoped) KPI.
    pub ranked: Summary,
    /// Paired difference of the study's KPI against the baseline; `None` for the baseline.
    pub ranked_vs_baseline: Option<Difference>,
    /// Paired differences per domain, type and sector; `None` for the baseline.
    pub breakdown_vs_baseline: Option<BreakdownDifferences>,
}

/// A whole comparison.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// Number of comparisons against the baseline (options − 1).
    pub comparisons: usize,
    /// Two-sided confidence of each comparison's interval (Bonferroni: 1 − α/m).
    pub per_comparison_confidence: f64,
    /// The KPI ranked.
    pub kpi: ScopedKpi,
    /// Per option, the baseline first.
    pub options: Vec<OptionResult>,
}

/// Compares every option (index ≥ 1) with the baseline (index 0), ranking by the (possibly
/// scoped) KPI `kpi`, as [`Plan::kpi`](super::plan::Plan::kpi).
pub fn compare(results: &[Vec<ReplicationResult>], kpi: &ScopedKpi) -> Comparison {
    let aggregates: Vec<Aggregate> = results.iter().map(|r| Aggregate::of(r)).collect();
    compare_with(results, aggregates, kpi)
}

/// [`compare`] of grouped results whose pooled parts were summed as they finished.
pub fn compare_grouped(results: &super::ByVariant, kpi: &ScopedKpi) -> Comparison {
    let aggregates = (0..results.results.len())
        .map(|v| results.aggregate(v))
        .collect();
    compare_with(&results.results, aggregates, kpi)
}

fn compare_with(
    results: &[Vec<ReplicationResult>],
    aggregates: Vec<Aggregate>,
    kpi: &ScopedKpi,
) -> Comparison {
    let m = results.len().saturating_sub(1).max(1);
    let confidence = 1.0 - ALPHA / m as f64;
    let ranked: Vec<Summary> = results
        .iter()
        .map(|r| Summary::of(r.iter().map(|x| kpi.value(x))))
        .collect();
    let mut order: Vec<usize> = (0..results.len()).collect();
    let key = |i: usize| {
        let x = ranked[i].mean;
        match kpi.kpi.direction() {
            Direction::HigherIsBetter => -x,
            _ => x,
        }
    };
    order.sort_by(|&a, &b| key(a).total_cmp(&key(b)).then(a.cmp(&b)));
    let mut rank = vec![0; results.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r + 1;
    }
    let options = aggregates
        .into_iter()
        .enumerate()
        .map(|(i, aggregate)| OptionResult {
            vs_baseline: (i > 0).then(|| {
                Kpi::ALL
                    .into_iter()
                    .map(|k| paired(&results[i], &results[0], k, confidence))
                    .collect()
            }),
            ranked_vs_baseline: (i > 0).then(|| {
                paired_by(
                    &results[i],
                    &results[0],
                    |r| kpi.value(r),
                    kpi.kpi.direction(),
                    confidence,
                )
            }),
            breakdown_vs_baseline: (i > 0)
                .then(|| BreakdownDifferences::of(&results[i], &results[0], confidence)),
            aggregate,
            rank: rank[i],
            ranked: ranked[i],
        })
        .collect();
    Comparison {
        comparisons: results.len().saturating_sub(1),
        per_comparison_confidence: confidence,
        kpi: kpi.clone(),
        options,
    }
}

/// The 95 % CI half-width of the (possibly scoped) KPI `k` for each variant; infinite when
/// a replication's value is (a percentile not reached), so that no precision is reached.
pub fn half_widths(results: &[Vec<ReplicationResult>], k: &ScopedKpi) -> Vec<f64> {
    results
        .iter()
        .map(|r| {
            let s = Summary::of(r.iter().map(|x| k.value(x)));
            if s.mean.is_infinite() {
                f64::INFINITY
            } else {
                s.half_width()
            }
        })
        .collect()
}

/// Every pair `(a, b)`, `a < b`, of `n` options: what `compare --all-pairs` compares.
pub fn all_pairs(n: usize) -> Vec<(usize, usize)> {
    (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .collect()
}

/// The paired difference `b − a` of KPI `k` for each pair `(a, b)` of `results` (one list
/// per option, sorted by replication), with Bonferroni-corrected intervals over all the
/// pairs, so that every verdict holds together at 1 − [`ALPHA`].
pub fn pairwise(
    results: &[Vec<ReplicationResult>],
    pairs: &[(usize, usize)],
    k: Kpi,
) -> Vec<Difference> {
    let confidence = 1.0 - ALPHA / pairs.len().max(1) as f64;
    pairs
        .iter()
        .map(|&(a, b)| paired(&results[b], &results[a], k, confidence))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::{KPI_COUNT, Kpis};

    fn result(rep: u64, p90: f64) -> ReplicationResult {
        let mut values = [0.0; KPI_COUNT];
        values[Kpi::ResponseTimeP90H.index()] = p90;
        ReplicationResult {
            replication: rep,
            events: 0,
            kpis: Kpis { values },
            by_domain: [Kpis { values }; 3],
            by_nation: vec![],
            by_sector: vec![],
            response_hist: Default::default(),
            by_type: vec![],
            by_sector_type: vec![],
            type_times: vec![],
            sector_contingent: vec![],
        }
    }

    #[test]
    fn paired_difference_and_verdicts() {
        let k = Kpi::ResponseTimeP90H;
        let base: Vec<_> = (0..10).map(|r| result(r, 3.0 + r as f64 * 0.1)).collect();
        let faster: Vec<_> = (0..10)
            .map(|r| {
                result(
                    r,
                    2.5 + r as f64 * 0.1 + if r % 2 == 0 { 0.01 } else { -0.01 },
                )
            })
            .collect();
        let same: Vec<_> = (0..10)
            .map(|r| {
                result(
                    r,
                    3.0 + r as f64 * 0.1 + if r % 2 == 0 { 0.01 } else { -0.01 },
                )
            })
            .collect();
        let d = paired(&faster, &base, k, 0.95);
        assert!((d.mean + 0.5).abs() < 1e-12);
        assert_eq!(d.verdict, Verdict::Better);
        assert_eq!(paired(&base, &faster, k, 0.95).verdict, Verdict::Worse);
        assert_eq!(
            paired(&same, &base, k, 0.95).verdict,
            Verdict::NoSignificantDifference
        );
        let c = compare(&[base, faster, same], &ScopedKpi::theatre(k));
        assert_eq!(c.comparisons, 2);
        assert!((c.per_comparison_confidence - 0.975).abs() < 1e-12);
        assert_eq!(c.options[1].rank, 1);
        assert!(c.options[0].vs_baseline.is_none());
    }
}
