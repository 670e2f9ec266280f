//! Sequential feasibility check of one constraint on a mean (Andradóttir & Kim 2010; Batur & Kim 2010).
//!
//! Is `E[Y] ≤ q` (or `≥ q`)? With tolerance `ε > 0` and confidence `1 − α`: a system whose mean is
//! at least `ε` inside the constraint is declared feasible, and one at least `ε` outside it
//! infeasible, each with probability at least `1 − α` (normal outputs); between the two, either
//! answer is acceptable. After `n0 ≥ 2` replications, `S²` is the sample variance of the first
//! `n0`, and from `r = n0` on, with `R(r) = max(0, h² S² / (2ε) − ε r / 2)`:
//!
//! - `E[Y] ≤ q`: feasible once `Σ_{j ≤ r} (Y_j − q) ≤ −R(r)`, infeasible once it is `≥ R(r)`;
//! - `E[Y] ≥ q`: the signs flip (feasible once `Σ (Y_j − q) ≥ R(r)`, infeasible once `≤ −R(r)`).
//!
//! `h² = (n0 − 1) [(2α)^(−2/(n0 − 1)) − 1]`: Procedure F of Andradóttir & Kim (2010) and of Batur &
//! Kim (2010) for one system and one constraint (their `k = 1`, `s = 1`), i.e. KN's
//! `h² = 2η(n0 − 1)` with one comparison, so that the triangular region's error bound
//! `½ (1 + h²/(n0 − 1))^(−(n0 − 1)/2)` equals `α`. For several constraints or systems the caller
//! splits `α` (Bonferroni). `R(r)` reaches 0 at `r = h² S² / ε²`, so a decision comes by then.

/// Which side of the threshold is feasible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    /// Feasible when `E[Y] ≤ threshold`.
    AtMost,
    /// Feasible when `E[Y] ≥ threshold`.
    AtLeast,
}

/// The decision after the observations given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feasible {
    /// The constraint holds (at the stated confidence, within the tolerance).
    Yes,
    /// The constraint does not hold.
    No,
    /// Not decided yet: more replications are needed.
    Undecided,
}

/// One constraint and the confidence of its check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeasibilityParams {
    /// The threshold `q`, in the unit of `Y`.
    pub threshold: f64,
    /// Which side of `q` is feasible.
    pub sense: Sense,
    /// Tolerance `ε > 0`, in the unit of `Y`: means within `ε` of `q` may be decided either way.
    pub epsilon: f64,
    /// Probability of a wrong decision allowed, `α` in (0, 1).
    pub alpha: f64,
    /// First-stage replications (≥ 2).
    pub n0: usize,
}

/// `h² = (n0 − 1) [(2α)^(−2/(n0 − 1)) − 1]` for one system and one constraint. Panics unless
/// `n0 ≥ 2` and `0 < α < 0.5` (at `α ≥ 0.5` the bound asks for no replication at all).
pub fn feasibility_h2(n0: usize, alpha: f64) -> f64 {
    assert!(n0 >= 2, "the feasibility check needs n0 >= 2, got {n0}");
    assert!(
        alpha > 0.0 && alpha < 0.5,
        "the feasibility check needs 0 < alpha < 0.5, got {alpha}"
    );
    (n0 - 1) as f64 * ((2.0 * alpha).powf(-2.0 / (n0 - 1) as f64) - 1.0)
}

/// The decision after all of obs, in order: the first replication `r ≥ n0` at which the sum leaves
/// the continuation region decides; `Undecided` if none has (or fewer than `n0` are given).
/// Panics if `epsilon ≤ 0` or on `n0`, `alpha` outside their ranges.
pub fn feasibility(obs: &[f64], p: &FeasibilityParams) -> Feasible {
    assert!(
        p.epsilon > 0.0 && p.epsilon.is_finite(),
        "the feasibility check needs epsilon > 0, got {}",
        p.epsilon
    );
    let h2 = feasibility_h2(p.n0, p.alpha);
    let n0 = p.n0;
    if obs.len() < n0 {
        return Feasible::Undecided;
    }
    let mean0 = obs[..n0].iter().sum::<f64>() / n0 as f64;
    let s2 = obs[..n0]
        .iter()
        .map(|y| (y - mean0) * (y - mean0))
        .sum::<f64>()
        / (n0 - 1) as f64;
    // Feasible side is negative for AtMost: flip AtLeast so one rule serves both.
    let sign = match p.sense {
        Sense::AtMost => 1.0,
        Sense::AtLeast => -1.0,
    };
    let mut sum = 0.0;
    for (j, y) in obs.iter().enumerate() {
        sum += sign * (y - p.threshold);
        let r = (j + 1) as f64;
        if j + 1 < n0 {
            continue;
        }
        let bound = (h2 * s2 / (2.0 * p.epsilon) - p.epsilon * r / 2.0).max(0.0);
        if sum <= -bound {
            return Feasible::Yes;
        }
        if sum >= bound {
            return Feasible::No;
        }
    }
    Feasible::Undecided
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;
    use rand_distr::{Distribution, StandardNormal};

    fn p(sense: Sense) -> FeasibilityParams {
        FeasibilityParams {
            threshold: 10.0,
            sense,
            epsilon: 0.5,
            alpha: 0.05,
            n0: 10,
        }
    }

    #[test]
    fn h2_matches_kn_with_one_comparison() {
        let h2 = feasibility_h2(10, 0.05);
        let kn = 2.0 * super::super::kn::kn_eta(2, 10, 0.05) * 9.0;
        assert!((h2 - kn).abs() < 1e-12);
        // The error bound of the triangular region is alpha.
        let bound = 0.5 * (1.0 + h2 / 9.0).powf(-4.5);
        assert!((bound - 0.05).abs() < 1e-12);
    }

    #[test]
    fn decisions_by_hand() {
        // Constant outputs: S² = 0, R = 0 from n0 on, so the sign of the first-stage sum decides.
        assert_eq!(feasibility(&[9.0; 10], &p(Sense::AtMost)), Feasible::Yes);
        assert_eq!(feasibility(&[11.0; 10], &p(Sense::AtMost)), Feasible::No);
        assert_eq!(feasibility(&[9.0; 10], &p(Sense::AtLeast)), Feasible::No);
        assert_eq!(feasibility(&[11.0; 10], &p(Sense::AtLeast)), Feasible::Yes);
        assert_eq!(
            feasibility(&[9.0; 9], &p(Sense::AtMost)),
            Feasible::Undecided
        );
        // Alternating 9.5 / 10.5 around q = 10: S² = 5/18, h² ≈ 6.013, R(10) = 1.67 − 2.5 < 0: the
        // sum 0 meets R = 0 and is declared feasible (the first test, as in the papers' order).
        let alt: Vec<f64> = (0..10)
            .map(|j| if j % 2 == 0 { 9.5 } else { 10.5 })
            .collect();
        assert_eq!(feasibility(&alt, &p(Sense::AtMost)), Feasible::Yes);
        // Wider spread: S² = 2.5, R(10) = 6.013 · 2.5 / 1 − 2.5 = 12.5 > 0 = |sum|: not decided.
        let wide: Vec<f64> = (0..10)
            .map(|j| if j % 2 == 0 { 8.5 } else { 11.5 })
            .collect();
        assert_eq!(feasibility(&wide, &p(Sense::AtMost)), Feasible::Undecided);
    }

    fn correct_share(mean: f64, sense: Sense, want: Feasible, seed: u64, macros: usize) -> f64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let params = p(sense);
        let mut correct = 0;
        for _ in 0..macros {
            // R(r) is 0 from r = h² S² / ε² ≈ 24 S² on (S² ≈ 4): 600 replications always decide.
            let obs: Vec<f64> = (0..600)
                .map(|_| {
                    let z: f64 = StandardNormal.sample(&mut rng);
                    mean + 2.0 * z
                })
                .collect();
            let d = feasibility(&obs, &params);
            assert_ne!(d, Feasible::Undecided);
            correct += usize::from(d == want);
        }
        correct as f64 / macros as f64
    }

    #[test]
    fn probability_of_a_correct_decision_at_q_plus_minus_epsilon() {
        // sigma = 2, epsilon = 0.5. At exactly epsilon inside or outside the constraint the bound is
        // tight (it is exact for Brownian motion; 40,000 runs of this discrete procedure gave
        // 0.959), so 2,000 runs are checked against 1 − α less three standard errors (a one-sided
        // test of "P(correct) ≥ 1 − α" at about 0.1 %); at 2ε away it must clear 1 − α outright.
        let macros = 2000;
        let se = (0.05f64 * 0.95 / macros as f64).sqrt();
        for (mean, sense, want, seed) in [
            (9.5, Sense::AtMost, Feasible::Yes, 1),
            (10.5, Sense::AtMost, Feasible::No, 2),
            (10.5, Sense::AtLeast, Feasible::Yes, 3),
            (9.5, Sense::AtLeast, Feasible::No, 4),
        ] {
            let share = correct_share(mean, sense, want, seed, macros);
            assert!(share >= 0.95 - 3.0 * se, "{mean} {sense:?}: {share}");
        }
        for (mean, sense, want, seed) in [
            (9.0, Sense::AtMost, Feasible::Yes, 5),
            (11.0, Sense::AtLeast, Feasible::Yes, 6),
        ] {
            let share = correct_share(mean, sense, want, seed, 500);
            assert!(share >= 0.95, "{mean} {sense:?}: {share}");
        }
    }
}
