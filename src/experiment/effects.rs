//! Factor effects of a sweep: ordinary least squares of a KPI's design-point means on the
//! factors coded to −1..1 over their ranges, with Student-t 95 % intervals on the residual
//! degrees of freedom, and the factors ranked by the size of their effect.

use crate::metrics::stats::{nan_if_null, t975};
use serde::{Deserialize, Serialize};

/// How the effects are estimated (written beside them).
pub const METHOD: &str = "least squares on the design-point means of the KPI; each factor coded \
    to -1..1 over its range (min to max), so a coefficient is half the change of the KPI from \
    the factor's min to its max; 95 % intervals are Student-t with the residual degrees of freedom";

/// A least-squares fit `y = b0 + Σ b_j x_j`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Intercept `b0`.
    pub intercept: f64,
    /// Coefficients `b_j`, one per column of `x`.
    pub coefficients: Vec<f64>,
    /// Standard errors of the coefficients (NaN without residual degrees of freedom).
    pub std_errors: Vec<f64>,
    /// Residual degrees of freedom: points − columns − 1.
    pub residual_df: u64,
    /// Share of the variance of `y` the fit explains (NaN when `y` is constant).
    pub r_squared: f64,
}

/// Inverse of the symmetric matrix `a` (row-major, `n × n`) by Gauss-Jordan elimination with
/// partial pivoting; `None` when it is singular to working precision.
fn invert(mut a: Vec<Vec<f64>>) -> Option<Vec<Vec<f64>>> {
    let n = a.len();
    let scale = (0..n).map(|i| a[i][i].abs()).fold(0.0, f64::max);
    let mut inv: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect())
        .collect();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        let pivot = a[p][c].abs();
        if pivot.is_nan() || pivot <= 1e-10 * scale {
            return None;
        }
        a.swap(c, p);
        inv.swap(c, p);
        let d = a[c][c];
        for j in 0..n {
            a[c][j] /= d;
            inv[c][j] /= d;
        }
        for r in 0..n {
            if r != c {
                let f = a[r][c];
                if f != 0.0 {
                    for j in 0..n {
                        a[r][j] -= f * a[c][j];
                        inv[r][j] -= f * inv[c][j];
                    }
                }
            }
        }
    }
    Some(inv)
}

/// Least squares of `y` on the columns of `x` (one row per observation) with an intercept;
/// `None` when there are fewer observations than parameters or the columns are collinear.
pub fn least_squares(x: &[Vec<f64>], y: &[f64]) -> Option<Fit> {
    let n = y.len();
    let p = x.first().map_or(0, Vec::len) + 1;
    if n < p || x.len() != n {
        return None;
    }
    let row = |i: usize| std::iter::once(1.0).chain(x[i].iter().copied());
    let mut xtx = vec![vec![0.0; p]; p];
    let mut xty = vec![0.0; p];
    for (i, yi) in y.iter().enumerate() {
        let r: Vec<f64> = row(i).collect();
        for a in 0..p {
            xty[a] += r[a] * yi;
            for b in 0..p {
                xtx[a][b] += r[a] * r[b];
            }
        }
    }
    let inv = invert(xtx)?;
    let beta: Vec<f64> = (0..p)
        .map(|a| (0..p).map(|b| inv[a][b] * xty[b]).sum())
        .collect();
    let fitted = |i: usize| row(i).zip(&beta).map(|(v, b)| v * b).sum::<f64>();
    let rss: f64 = (0..n).map(|i| (y[i] - fitted(i)).powi(2)).sum();
    let mean = y.iter().sum::<f64>() / n as f64;
    let tss: f64 = y.iter().map(|v| (v - mean).powi(2)).sum();
    let df = (n - p) as u64;
    let sigma2 = if df > 0 { rss / df as f64 } else { f64::NAN };
    Some(Fit {
        intercept: beta[0],
        coefficients: beta[1..].to_vec(),
        std_errors: (1..p)
            .map(|a| (sigma2 * inv[a][a]).max(0.0).sqrt())
            .collect(),
        residual_df: df,
        r_squared: if tss > 0.0 { 1.0 - rss / tss } else { f64::NAN },
    })
}

/// One factor's effect in `sweep.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorEffect {
    /// Factor name.
    pub factor: String,
    /// Rank by the size of the effect (1 = largest); factors that could not be estimated
    /// (no range, or constant over the design) come last.
    pub rank: usize,
    /// Coefficient of the coded factor: half the change of the KPI over the factor's range
    /// (null when not estimated).
    #[serde(deserialize_with = "nan_if_null")]
    pub coefficient: f64,
    /// Its standard error.
    #[serde(deserialize_with = "nan_if_null")]
    pub std_error: f64,
    /// Lower end of its 95 % interval.
    #[serde(deserialize_with = "nan_if_null")]
    pub ci95_low: f64,
    /// Upper end of its 95 % interval.
    #[serde(deserialize_with = "nan_if_null")]
    pub ci95_high: f64,
}

/// The fit behind the effects in `sweep.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EffectsFit {
    /// How the effects were estimated ([`METHOD`]).
    pub method: String,
    /// Design points used (those with a KPI mean).
    pub points: usize,
    /// Residual degrees of freedom of the t intervals.
    pub residual_df: u64,
    /// KPI at the centre of every range.
    #[serde(deserialize_with = "nan_if_null")]
    pub intercept: f64,
    /// Share of the variance of the means the fit explains.
    #[serde(deserialize_with = "nan_if_null")]
    pub r_squared: f64,
}

/// A sweep factor as the regression sees it: name and range.
#[derive(Debug, Clone, PartialEq)]
pub struct FactorRange {
    /// Name.
    pub name: String,
    /// Lower end.
    pub min: f64,
    /// Upper end.
    pub max: f64,
}

/// The effects of `factors` on `y` (one KPI mean per design point, NaN points left out),
/// `values[i]` the factor values of point `i`, ranked; `None` for the fit when nothing can be
/// estimated (then the list is empty).
pub fn factor_effects(
    factors: &[FactorRange],
    values: &[Vec<f64>],
    y: &[f64],
) -> (Vec<FactorEffect>, Option<EffectsFit>) {
    let keep: Vec<usize> = (0..y.len().min(values.len()))
        .filter(|&i| y[i].is_finite())
        .collect();
    // Factors with a range that vary over the kept points.
    let used: Vec<usize> = (0..factors.len())
        .filter(|&j| {
            let f = &factors[j];
            f.max > f.min && {
                let first = keep.first().map(|&i| values[i][j]);
                keep.iter().any(|&i| Some(values[i][j]) != first)
            }
        })
        .collect();
    let code = |j: usize, v: f64| {
        let f = &factors[j];
        (2.0 * v - (f.min + f.max)) / (f.max - f.min)
    };
    let x: Vec<Vec<f64>> = keep
        .iter()
        .map(|&i| used.iter().map(|&j| code(j, values[i][j])).collect())
        .collect();
    let ys: Vec<f64> = keep.iter().map(|&i| y[i]).collect();
    let Some(fit) = least_squares(&x, &ys).filter(|_| !used.is_empty()) else {
        return (Vec::new(), None);
    };
    let t = t975(fit.residual_df);
    let mut effects: Vec<FactorEffect> = factors
        .iter()
        .enumerate()
        .map(|(j, f)| {
            let (b, se) = match used.iter().position(|&u| u == j) {
                Some(k) => (fit.coefficients[k], fit.std_errors[k]),
                None => (f64::NAN, f64::NAN),
            };
            FactorEffect {
                factor: f.name.clone(),
                rank: 0,
                coefficient: b,
                std_error: se,
                ci95_low: b - t * se,
                ci95_high: b + t * se,
            }
        })
        .collect();
    // Largest |coefficient| first, unestimated last, file order among equals.
    let size = |e: &FactorEffect| {
        if e.coefficient.is_nan() {
            -1.0
        } else {
            e.coefficient.abs()
        }
    };
    effects.sort_by(|a, b| size(b).total_cmp(&size(a)));
    for (i, e) in effects.iter_mut().enumerate() {
        e.rank = i + 1;
    }
    let fit_entry = EffectsFit {
        method: METHOD.into(),
        points: keep.len(),
        residual_df: fit.residual_df,
        intercept: fit.intercept,
        r_squared: fit.r_squared,
    };
    (effects, Some(fit_entry))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    #[test]
    fn exact_linear_data_recovers_its_coefficients() {
        // y = 3 + 2·x1 − 0.5·x2 + 0·x3 on a small design.
        let x: Vec<Vec<f64>> = vec![
            vec![-1.0, -1.0, 0.5],
            vec![1.0, -1.0, -0.5],
            vec![-1.0, 1.0, 1.0],
            vec![1.0, 1.0, 0.0],
            vec![0.0, 0.0, -1.0],
            vec![0.5, -0.5, 0.25],
        ];
        let y: Vec<f64> = x.iter().map(|r| 3.0 + 2.0 * r[0] - 0.5 * r[1]).collect();
        let f = least_squares(&x, &y).unwrap();
        assert!(close(f.intercept, 3.0, 1e-12));
        for (b, want) in f.coefficients.iter().zip([2.0, -0.5, 0.0]) {
            assert!(close(*b, want, 1e-12), "{b} vs {want}");
        }
        assert!(f.std_errors.iter().all(|s| *s < 1e-6));
        assert_eq!(f.residual_df, 2);
        assert!(close(f.r_squared, 1.0, 1e-12));
    }

    #[test]
    fn a_hand_computed_fit_with_residuals() {
        // z = (−1, 0, 1), y = (1, 2, 4): slope (4 − 1)/2 = 1.5, intercept 7/3, residuals
        // (1/6, −1/3, 1/6), RSS 1/6 on 1 df, se(slope) = sqrt(1/6 · 1/2) = sqrt(1/12);
        // t(0.975, 1) = 12.7062.
        let f = least_squares(&[vec![-1.0], vec![0.0], vec![1.0]], &[1.0, 2.0, 4.0]).unwrap();
        assert!(close(f.coefficients[0], 1.5, 1e-12));
        assert!(close(f.intercept, 7.0 / 3.0, 1e-12));
        assert!(close(f.std_errors[0], (1.0f64 / 12.0).sqrt(), 1e-12));
        assert_eq!(f.residual_df, 1);
        // R² = 1 − (1/6) / (14/3) = 27/28.
        assert!(close(f.r_squared, 27.0 / 28.0, 1e-12));
        // Through factor_effects: the factor's range 10..20 codes 10, 15, 20 as −1, 0, 1.
        let (e, fit) = factor_effects(
            &[FactorRange {
                name: "a".into(),
                min: 10.0,
                max: 20.0,
            }],
            &[vec![10.0], vec![15.0], vec![20.0]],
            &[1.0, 2.0, 4.0],
        );
        let h = 12.706_204_736 * (1.0f64 / 12.0).sqrt();
        assert!(close(e[0].coefficient, 1.5, 1e-12));
        assert!(close(e[0].ci95_low, 1.5 - h, 1e-6), "{}", e[0].ci95_low);
        assert!(close(e[0].ci95_high, 1.5 + h, 1e-6));
        assert_eq!(fit.unwrap().residual_df, 1);
    }

    #[test]
    fn factors_are_ranked_by_the_size_of_their_effect() {
        let factors: Vec<FactorRange> = ["small", "none", "big", "flat"]
            .iter()
            .map(|n| FactorRange {
                name: n.to_string(),
                min: 0.0,
                max: if *n == "flat" { 0.0 } else { 4.0 },
            })
            .collect();
        let values: Vec<Vec<f64>> = (0..9)
            .map(|i| {
                let i = f64::from(i);
                vec![i % 3.0 * 2.0, (i * 7.0) % 5.0, (i * 4.0) % 9.0 / 2.0, 0.0]
            })
            .collect();
        // Coded effects: big −3 per unit of coded value, small +0.5.
        let code = |v: f64| (2.0 * v - 4.0) / 4.0;
        let y: Vec<f64> = values
            .iter()
            .map(|v| 10.0 + 0.5 * code(v[0]) - 3.0 * code(v[2]))
            .collect();
        let (e, _) = factor_effects(&factors, &values, &y);
        let order: Vec<&str> = e.iter().map(|e| e.factor.as_str()).collect();
        assert_eq!(order, ["big", "small", "none", "flat"]);
        assert!(close(e[0].coefficient, -3.0, 1e-9));
        assert!(close(e[1].coefficient, 0.5, 1e-9));
        assert!(e[3].coefficient.is_nan());
        assert_eq!(e.iter().map(|e| e.rank).collect::<Vec<_>>(), [1, 2, 3, 4]);
    }

    #[test]
    fn too_few_points_or_collinear_factors_give_nothing() {
        assert!(least_squares(&[vec![1.0, 2.0]], &[1.0]).is_none());
        let x = vec![
            vec![1.0, 2.0],
            vec![2.0, 4.0],
            vec![3.0, 6.0],
            vec![4.0, 8.0],
        ];
        assert!(least_squares(&x, &[1.0, 2.0, 3.0, 4.0]).is_none());
    }
}
