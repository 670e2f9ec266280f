//! The statistical tests the search decides by: paired differences of two plans over their
//! common replications (one-sided t test, Bonferroni over the moves tried in a step), and the
//! feasibility of a constraint at its confidence from a one-sided t interval.

use crate::metrics::stats::t_quantile;
use crate::scenario::problem::Constraint;

/// Mean and standard error of the paired differences `a[r] - b[r]` over the common
/// replications where both are defined; `None` with fewer than 2 pairs.
pub fn paired(a: &[f64], b: &[f64]) -> Option<(f64, f64, usize)> {
    let d: Vec<f64> = a
        .iter()
        .zip(b)
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .map(|(x, y)| x - y)
        .collect();
    let n = d.len();
    if n < 2 {
        return None;
    }
    let mean = d.iter().sum::<f64>() / n as f64;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    Some((mean, (var / n as f64).sqrt(), n))
}

/// Whether `a` is better than `b` (smaller when `minimise`) by a one-sided paired t test at
/// level `alpha`; with the mean difference (a − b, signed so that negative is better).
pub fn better(a: &[f64], b: &[f64], minimise: bool, alpha: f64) -> (bool, f64) {
    match paired(a, b) {
        Some((m, se, n)) => {
            let m = if minimise { m } else { -m };
            let t = t_quantile(1.0 - alpha, (n - 1) as u64);
            (m + t * se < 0.0 && m < 0.0, m)
        }
        None => (false, f64::NAN),
    }
}

/// The feasibility decision of one constraint or of all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Holds at the confidence.
    Yes,
    /// Fails at the confidence.
    No,
    /// Not decided by the replications so far.
    Undecided,
}

impl Verdict {
    /// `"yes"`, `"no"`, `"undecided"`.
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Yes => "yes",
            Verdict::No => "no",
            Verdict::Undecided => "undecided",
        }
    }
}

/// Whether the expectation of `values` meets `c`: `Yes` when the one-sided interval at the
/// constraint's confidence lies on the right side of the threshold, `No` when it lies on
/// the wrong side, else `Undecided`. Undefined values (NaN) are left out.
pub fn feasible(values: &[f64], c: &Constraint) -> Verdict {
    let v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let n = v.len();
    if n < 2 {
        return Verdict::Undecided;
    }
    let mean = v.iter().sum::<f64>() / n as f64;
    let sd = (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt();
    let h = t_quantile(c.confidence, (n - 1) as u64) * sd / (n as f64).sqrt();
    let (lo, hi) = (mean - h, mean + h);
    let (ok, bad) = if c.at_least {
        (lo >= c.threshold, hi < c.threshold)
    } else {
        (hi <= c.threshold, lo > c.threshold)
    };
    if ok {
        Verdict::Yes
    } else if bad {
        Verdict::No
    } else {
        Verdict::Undecided
    }
}

/// Every constraint: `No` if any fails, `Yes` if all hold, else `Undecided`.
pub fn all_feasible(values: &[Vec<f64>], cs: &[Constraint]) -> Verdict {
    let vs: Vec<Verdict> = cs.iter().zip(values).map(|(c, v)| feasible(v, c)).collect();
    if vs.contains(&Verdict::No) {
        Verdict::No
    } else if vs.iter().all(|v| *v == Verdict::Yes) {
        Verdict::Yes
    } else {
        Verdict::Undecided
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_tests_and_feasibility_decide() {
        let a: Vec<f64> = (0..20).map(|i| i as f64).collect();
        let b: Vec<f64> = (0..20)
            .map(|i| i as f64 + 1.0 + 0.1 * (i % 3) as f64)
            .collect();
        assert!(better(&a, &b, true, 0.05).0);
        assert!(!better(&b, &a, true, 0.05).0);
        assert!(better(&b, &a, false, 0.05).0);
        let c = Constraint {
            text: "x >= 0.9".into(),
            kpi: "x".into(),
            at_least: true,
            threshold: 0.9,
            confidence: 0.95,
        };
        let high: Vec<f64> = (0..30).map(|i| 0.95 + 0.001 * (i % 5) as f64).collect();
        let low: Vec<f64> = (0..30).map(|i| 0.85 + 0.001 * (i % 5) as f64).collect();
        let mid: Vec<f64> = (0..30)
            .map(|i| 0.9 + if i % 2 == 0 { 0.05 } else { -0.05 })
            .collect();
        assert_eq!(feasible(&high, &c), Verdict::Yes);
        assert_eq!(feasible(&low, &c), Verdict::No);
        assert_eq!(feasible(&mid, &c), Verdict::Undecided);
    }
}
