//! Warm-up detection: MSER-5 (White 1997) on an output series, e.g. the hourly queue length.
//!
//! The series is cut into batches of 5 observations; for each truncation point d (in
//! batches) the statistic is the variance of the remaining batch means divided by their
//! number, `Σ_{j≥d} (Z_j − Z̄_d)² / (k − d)²`. The d that minimises it, searched over the
//! first half of the batches (a minimum beyond that means the series is too short to tell),
//! gives the warm-up: `5·d` observations.

/// Observations per batch.
pub const BATCH: usize = 5;

/// Fewest batches MSER-5 is computed on.
pub const MIN_BATCHES: usize = 10;

/// The number of leading observations of `series` to drop, by MSER-5; `None` when the
/// series has fewer than [`MIN_BATCHES`] batches, holds a non-finite value, or its minimum
/// lies in the second half (too short to settle).
pub fn mser5(series: &[f64]) -> Option<usize> {
    if series.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let z: Vec<f64> = series
        .chunks_exact(BATCH)
        .map(|c| c.iter().sum::<f64>() / BATCH as f64)
        .collect();
    let k = z.len();
    if k < MIN_BATCHES {
        return None;
    }
    // Suffix sums of Z and Z² give each truncation's statistic in O(1).
    let (mut s, mut s2) = (vec![0.0; k + 1], vec![0.0; k + 1]);
    for j in (0..k).rev() {
        s[j] = s[j + 1] + z[j];
        s2[j] = s2[j + 1] + z[j] * z[j];
    }
    let stat = |d: usize| {
        let n = (k - d) as f64;
        let mean = s[d] / n;
        ((s2[d] - n * mean * mean).max(0.0)) / (n * n)
    };
    let best = (0..k - 1)
        .min_by(|&a, &b| stat(a).total_cmp(&stat(b)))
        .expect("at least two batches");
    (best <= k / 2).then_some(best * BATCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic noise in [−1, 1] (a multiplicative congruential sequence).
    fn noise(n: usize) -> Vec<f64> {
        let mut x: u64 = 12345;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (x >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
            })
            .collect()
    }

    #[test]
    fn finds_a_known_transient() {
        // 300 observations climbing from 0 to a level of 20 (like a queue filling from an
        // empty start), then 2,700 around it.
        let e = noise(3000);
        let series: Vec<f64> = (0..3000)
            .map(|t| {
                let level = if t < 300 {
                    20.0 * t as f64 / 300.0
                } else {
                    20.0
                };
                level + 2.0 * e[t]
            })
            .collect();
        let d = mser5(&series).unwrap();
        assert!((250..=400).contains(&d), "truncation {d}");
    }

    #[test]
    fn a_stationary_series_needs_little_or_no_warm_up() {
        let series: Vec<f64> = noise(2000).iter().map(|e| 5.0 + e).collect();
        let d = mser5(&series).unwrap();
        assert!(d < 200, "truncation {d}");
    }

    #[test]
    fn short_or_unsettled_series_give_none() {
        assert_eq!(mser5(&[1.0; 49]), None);
        assert_eq!(mser5(&[f64::NAN; 100]), None);
        // Still rising at the end: the minimum lies in the second half.
        let rising: Vec<f64> = (0..500)
            .map(|t| f64::from(t) + if t % 2 == 0 { 0.0 } else { 1.0 })
            .collect();
        assert_eq!(mser5(&rising), None);
    }
}
