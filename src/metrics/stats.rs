//! Summary statistics across replications: mean, standard deviation and Student-t
//! confidence intervals.

use serde::Serialize;

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

/// Two-sided 95 % quantile of Student's t with `df` degrees of freedom, t(0.975, df).
///
/// Exact table values up to 30 degrees of freedom, then the Cornish–Fisher expansion
/// around the normal quantile (error below 1e-4 from df = 30 on).
pub fn t975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706_204_736,
        4.302_652_730,
        3.182_446_305,
        2.776_445_105,
        2.570_581_836,
        2.446_911_851,
        2.364_624_252,
        2.306_004_135,
        2.262_157_163,
        2.228_138_852,
        2.200_985_160,
        2.178_812_830,
        2.160_368_656,
        2.144_786_688,
        2.131_449_546,
        2.119_905_299,
        2.109_815_578,
        2.100_922_040,
        2.093_024_054,
        2.085_963_447,
        2.079_613_845,
        2.073_873_068,
        2.068_657_610,
        2.063_898_562,
        2.059_538_553,
        2.055_529_439,
        2.051_830_516,
        2.048_407_142,
        2.045_229_642,
        2.042_272_456,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df as usize - 1],
        _ => {
            let z: f64 = 1.959_963_984_540_054;
            let n = df as f64;
            let z3 = z.powi(3);
            let z5 = z.powi(5);
            let z7 = z.powi(7);
            z + (z3 + z) / (4.0 * n)
                + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * n * n)
                + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * n * n * n)
        }
    }
}

/// Mean, spread and 95 % confidence interval of a KPI across replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation.
    pub std: f64,
    /// Lower end of the 95 % CI of the mean.
    pub ci95_low: f64,
    /// Upper end of the 95 % CI of the mean.
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
        assert!((t975(31) - 2.0395).abs() < 1e-4);
        assert!((t975(60) - 2.0003).abs() < 1e-4);
        assert!((t975(1000) - 1.9623).abs() < 1e-4);
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
