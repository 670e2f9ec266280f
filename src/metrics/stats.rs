//! Summary statistics across replications: mean, standard deviation and Student-t
//! confidence intervals.

use serde::{Deserialize, Deserializer, Serialize};

/// Reads a number that JSON writes as `null` when undefined (serde_json writes NaN and
/// infinities as `null`): `null` becomes NaN.
pub(crate) fn nan_if_null<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

/// Linear-interpolation quantile (R type 7) of sorted data; NaN when empty.
pub fn quantile_sorted(xs: &[f64], q: f64) -> f64 {
    match xs.len() {
        0 => f64::NAN,
        1 => xs[0],
        n => {
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo])
        }
    }
}

/// Quantile `p` of Student's t distribution with `df` degrees of freedom (NaN for df = 0).
pub fn t_quantile(p: f64, df: u64) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    if df == 0 {
        return f64::NAN;
    }
    StudentsT::new(0.0, 1.0, df as f64).map_or(f64::NAN, |t| t.inverse_cdf(p))
}

/// Two-sided 95 % quantile of Student's t with `df` degrees of freedom, t(0.975, df).
pub fn t975(df: u64) -> f64 {
    t_quantile(0.975, df)
}

/// Wilson score 95 % interval of a share with `k` successes in `n` trials (Wilson 1927):
/// it stays inside \[0, 1\] and is sound near 0 and 1. NaN for `n` = 0.
pub fn wilson95(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (f64::NAN, f64::NAN);
    }
    const Z: f64 = 1.959_963_984_540_054;
    let (n, p) = (n as f64, k as f64 / n as f64);
    let z2 = Z * Z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

/// Mean, spread and 95 % confidence interval of a KPI across replications.
///
/// Written to the result files as `{mean, std, ci95_low, ci95_high, n}`, NaN as `null`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Mean.
    #[serde(deserialize_with = "nan_if_null")]
    pub mean: f64,
    /// Sample standard deviation.
    #[serde(deserialize_with = "nan_if_null")]
    pub std: f64,
    /// Lower end of the 95 % CI of the mean.
    #[serde(deserialize_with = "nan_if_null")]
    pub ci95_low: f64,
    /// Upper end of the 95 % CI of the mean.
    #[serde(deserialize_with = "nan_if_null")]
    pub ci95_high: f64,
    /// Replications in which the KPI was defined.
    pub n: u64,
}

impl Summary {
    /// Summarises the defined (non-NaN) values; sums in the order given, so the result is
    /// the same bit for bit whenever the values come in the same order.
    pub fn of(values: impl IntoIterator<Item = f64>) -> Summary {
        let (mut n, mut sum) = (0u64, 0.0);
        let vals: Vec<f64> = values.into_iter().filter(|v| !v.is_nan()).collect();
        for v in &vals {
            n += 1;
            sum += v;
        }
        if n == 0 {
            return Summary {
                mean: f64::NAN,
                std: f64::NAN,
                ci95_low: f64::NAN,
                ci95_high: f64::NAN,
                n: 0,
            };
        }
        let mean = sum / n as f64;
        if n == 1 {
            return Summary {
                mean,
                std: f64::NAN,
                ci95_low: f64::NAN,
                ci95_high: f64::NAN,
                n,
            };
        }
        let var = vals.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1) as f64;
        let std = var.sqrt();
        let half = t975(n - 1) * std / (n as f64).sqrt();
        Summary {
            mean,
            std,
            ci95_low: mean - half,
            ci95_high: mean + half,
            n,
        }
    }

    /// Half-width of the confidence interval.
    pub fn half_width(&self) -> f64 {
        (self.ci95_high - self.ci95_low) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles() {
        assert!((t975(29) - 2.0452).abs() < 1e-4);
        assert!((t975(1) - 12.7062).abs() < 1e-3);
        // Bonferroni for 3 comparisons at 95 %: t(1 - 0.05/6, 29).
        let b = t_quantile(1.0 - 0.05 / 6.0, 29);
        assert!((b - 2.540_908).abs() < 1e-5, "{b}");
        assert!((t975(31) - 2.0395).abs() < 1e-4);
        assert!((t975(60) - 2.0003).abs() < 1e-4);
        assert!((t975(1000) - 1.9623).abs() < 1e-4);
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), Statistics in Medicine 17:857, Table I: 81/263 → 0.2553 – 0.3662.
        let (lo, hi) = wilson95(81, 263);
        assert!(
            (lo - 0.2553).abs() < 5e-5 && (hi - 0.3662).abs() < 5e-5,
            "{lo} {hi}"
        );
        // 0/20: [0, z²/(n + z²)] = [0, 0.1611].
        let (lo, hi) = wilson95(0, 20);
        assert_eq!(lo, 0.0);
        assert!((hi - 0.1611).abs() < 5e-5, "{hi}");
        let (lo, hi) = wilson95(20, 20);
        assert!((lo - 0.8389).abs() < 5e-5 && hi == 1.0, "{lo} {hi}");
        assert!(wilson95(0, 0).0.is_nan());
    }

    #[test]
    fn quantiles_interpolate() {
        let xs = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile_sorted(&xs, 0.5), 3.0);
        assert!((quantile_sorted(&xs, 0.9) - 4.6).abs() < 1e-12);
        assert!(quantile_sorted(&[], 0.5).is_nan());
    }

    #[test]
    fn summary_of_known_sample() {
        let s = Summary::of([1.0, 2.0, 3.0, 4.0, f64::NAN]);
        assert_eq!(s.n, 4);
        assert_eq!(s.mean, 2.5);
        assert!((s.std - 1.290_994).abs() < 1e-6);
        assert!((s.half_width() - 3.182_446 * 1.290_994 / 2.0).abs() < 1e-5);
    }
}
