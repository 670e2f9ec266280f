//! MEXCLP: Daskin's (1983) maximal expected covering location problem as an integer programme.
//!
//! Units are placed at candidate bases; a demand point is covered by the units at the bases that
//! reach it in time. Each unit is busy with probability `q`, independently, so a point covered by
//! `n` units is served with probability `1 − qⁿ = Σ_{k=1..n} (1 − q) q^(k−1)`. The programme
//! (Daskin 1983, Transportation Science 17(1)):
//!
//! - `x_i` integer in `0..=max_per_base_i`: units at base `i`;
//! - `y_jk` binary, `k = 1..units`: demand point `j` is covered by at least `k` units;
//! - maximise `Σ_j d_j Σ_k (1 − q) q^(k−1) y_jk`
//! - subject to `Σ_k y_jk ≤ Σ_{i covers j} x_i` for every `j` and `Σ_i x_i = units`.
//!
//! It is solved by `good_lp` with its pure-Rust `microlp` backend (field notes §10). Demand points
//! no base covers get no variables; `y_jk` exists only up to the most units that could cover `j`.

use crate::error::{Error, Result};
use good_lp::{
    Expression, ProblemVariables, Solution, SolverModel, Variable, constraint, microlp, variable,
};

/// One MEXCLP instance.
#[derive(Debug, Clone, PartialEq)]
pub struct MexclpInstance {
    /// Weight of each demand point (e.g. expected violations there).
    pub demand: Vec<f64>,
    /// `covers[j]` = candidate bases covering demand point `j` (distinct indices below `bases`).
    pub covers: Vec<Vec<usize>>,
    /// Number of candidate bases.
    pub bases: usize,
    /// Units to place.
    pub units: u32,
    /// Probability `q` in \[0, 1) that a unit is busy.
    pub busy_fraction: f64,
    /// Capacity of each base (0 = not allowed).
    pub max_per_base: Vec<u32>,
}

/// A placement and its expected coverage.
#[derive(Debug, Clone, PartialEq)]
pub struct MexclpSolution {
    /// Units at each candidate base (sums to `units`).
    pub units_per_base: Vec<u32>,
    /// `Σ_j d_j (1 − q^n_j)`, `n_j` the units covering `j` (at most `units`).
    pub expected_coverage: f64,
}

impl MexclpInstance {
    /// Checks the instance's shape; the messages name what is wrong.
    fn check(&self) -> Result<()> {
        let bad = |m: String| Err(Error::Internal(format!("MEXCLP instance: {m}")));
        if self.covers.len() != self.demand.len() {
            return bad(format!(
                "{} demand weights, {} cover lists",
                self.demand.len(),
                self.covers.len()
            ));
        }
        if self.max_per_base.len() != self.bases {
            return bad(format!(
                "{} bases, {} capacities",
                self.bases,
                self.max_per_base.len()
            ));
        }
        if !(0.0..1.0).contains(&self.busy_fraction) {
            return bad(format!(
                "busy fraction {} outside [0, 1)",
                self.busy_fraction
            ));
        }
        if let Some(d) = self.demand.iter().find(|d| !d.is_finite() || **d < 0.0) {
            return bad(format!(
                "demand weight {d} is not a finite non-negative number"
            ));
        }
        if let Some(i) = self.covers.iter().flatten().find(|&&i| i >= self.bases) {
            return bad(format!(
                "base {i} in a cover list, but only {} bases",
                self.bases
            ));
        }
        let capacity: u64 = self.max_per_base.iter().map(|&c| u64::from(c)).sum();
        if capacity < u64::from(self.units) {
            return bad(format!(
                "{} units but the bases hold only {capacity}",
                self.units
            ));
        }
        Ok(())
    }
}

/// `Σ_j d_j (1 − q^n_j)` for a placement, `n_j` the units at bases covering `j`, capped at `units`
/// (the programme's `k` runs to `units`).
pub fn expected_coverage(inst: &MexclpInstance, units_per_base: &[u32]) -> f64 {
    inst.demand
        .iter()
        .zip(&inst.covers)
        .map(|(d, cov)| {
            let n: u32 = cov.iter().map(|&i| units_per_base[i]).sum();
            let n = n.min(inst.units);
            d * (1.0 - inst.busy_fraction.powi(n as i32))
        })
        .sum()
}

/// The placement that maximises expected coverage, by the integer programme solved with good_lp +
/// microlp. An ill-formed instance (lengths that differ, `q` outside \[0, 1), capacity below
/// `units`) or a solver failure is an internal error, never a panic.
pub fn solve(inst: &MexclpInstance) -> Result<MexclpSolution> {
    inst.check()?;
    let units = inst.units;
    let mut vars = ProblemVariables::new();
    let x: Vec<Variable> = inst
        .max_per_base
        .iter()
        .map(|&cap| vars.add(variable().integer().min(0).max(cap.min(units))))
        .collect();
    let q = inst.busy_fraction;
    let mut objective = Expression::from(0.0);
    let mut cover_rows: Vec<(Vec<Variable>, usize)> = Vec::new();
    for (j, cov) in inst.covers.iter().enumerate() {
        let reach: u64 = cov
            .iter()
            .map(|&i| u64::from(inst.max_per_base[i].min(units)))
            .sum();
        let levels = reach.min(u64::from(units)) as usize;
        if levels == 0 || inst.demand[j] == 0.0 {
            continue;
        }
        let y: Vec<Variable> = (0..levels).map(|_| vars.add(variable().binary())).collect();
        for (k, &v) in y.iter().enumerate() {
            objective += inst.demand[j] * (1.0 - q) * q.powi(k as i32) * v;
        }
        cover_rows.push((y, j));
    }
    let mut model = vars.maximise(objective).using(microlp);
    for (y, j) in &cover_rows {
        let covered: Expression = y.iter().map(|&v| Expression::from(v)).sum();
        let units_near: Expression = inst.covers[*j]
            .iter()
            .map(|&i| Expression::from(x[i]))
            .sum();
        model = model.with(constraint!(covered <= units_near));
    }
    let total: Expression = x.iter().map(|&v| Expression::from(v)).sum();
    model = model.with(constraint!(total == f64::from(units)));
    let solution = model
        .solve()
        .map_err(|e| Error::Internal(format!("MEXCLP solver (microlp): {e}")))?;
    let mut units_per_base = Vec::with_capacity(inst.bases);
    for (i, &v) in x.iter().enumerate() {
        let value = solution.value(v);
        let rounded = value.round();
        if !(rounded >= 0.0
            && rounded <= f64::from(inst.max_per_base[i])
            && (value - rounded).abs() < 1e-6)
        {
            return Err(Error::Internal(format!(
                "MEXCLP solver (microlp) gave {value} units at base {i}, capacity {}",
                inst.max_per_base[i]
            )));
        }
        units_per_base.push(rounded as u32);
    }
    let placed: u32 = units_per_base.iter().sum();
    if placed != units {
        return Err(Error::Internal(format!(
            "MEXCLP solver (microlp) placed {placed} of {units} units"
        )));
    }
    let expected_coverage = expected_coverage(inst, &units_per_base);
    Ok(MexclpSolution {
        units_per_base,
        expected_coverage,
    })
}

/// The best placement by trying every one (for tests and tiny instances: the count grows as
/// `C(units + bases − 1, units)`); ties keep the first in lexicographic order, largest counts at
/// the lowest bases first. Panics on an ill-formed instance.
pub fn brute_force(inst: &MexclpInstance) -> MexclpSolution {
    if let Err(e) = inst.check() {
        panic!("{e}");
    }
    let mut best: Option<MexclpSolution> = None;
    let mut plan = vec![0u32; inst.bases];
    fn place(
        inst: &MexclpInstance,
        base: usize,
        left: u32,
        plan: &mut Vec<u32>,
        best: &mut Option<MexclpSolution>,
    ) {
        if base == inst.bases {
            if left == 0 {
                let c = expected_coverage(inst, plan);
                if best.as_ref().is_none_or(|b| c > b.expected_coverage) {
                    *best = Some(MexclpSolution {
                        units_per_base: plan.clone(),
                        expected_coverage: c,
                    });
                }
            }
            return;
        }
        for n in (0..=left.min(inst.max_per_base[base])).rev() {
            plan[base] = n;
            place(inst, base + 1, left - n, plan, best);
        }
        plan[base] = 0;
    }
    place(inst, 0, inst.units, &mut plan, &mut best);
    best.expect("capacity was checked, so some placement exists")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix-based uniforms for reproducible random instances.
    struct Uniform(u64);
    impl Uniform {
        fn next(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            (crate::engine::rng::mix64(self.0) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn random_instance(u: &mut Uniform, bases: usize, points: usize, units: u32) -> MexclpInstance {
        let covers: Vec<Vec<usize>> = (0..points)
            .map(|_| (0..bases).filter(|_| u.next() < 0.3).collect())
            .collect();
        let mut max_per_base: Vec<u32> = (0..bases).map(|_| (u.next() * 4.0) as u32).collect();
        while max_per_base.iter().sum::<u32>() < units {
            max_per_base[0] += 1;
        }
        MexclpInstance {
            demand: (0..points).map(|_| (u.next() * 10.0).round()).collect(),
            covers,
            bases,
            units,
            busy_fraction: 0.1 + 0.6 * u.next(),
            max_per_base,
        }
    }

    fn greedy(inst: &MexclpInstance) -> MexclpSolution {
        let mut plan = vec![0u32; inst.bases];
        for _ in 0..inst.units {
            let mut best: Option<(f64, usize)> = None;
            for i in 0..inst.bases {
                if plan[i] < inst.max_per_base[i] {
                    plan[i] += 1;
                    let c = expected_coverage(inst, &plan);
                    plan[i] -= 1;
                    if best.is_none_or(|(b, _)| c > b) {
                        best = Some((c, i));
                    }
                }
            }
            plan[best.unwrap().1] += 1;
        }
        let expected_coverage = expected_coverage(inst, &plan);
        MexclpSolution {
            units_per_base: plan,
            expected_coverage,
        }
    }

    #[test]
    fn coverage_by_hand() {
        // Two bases, two points: point 0 (weight 10) covered by both, point 1 (weight 4) by base 1.
        let inst = MexclpInstance {
            demand: vec![10.0, 4.0],
            covers: vec![vec![0, 1], vec![1]],
            bases: 2,
            units: 2,
            busy_fraction: 0.5,
            max_per_base: vec![2, 2],
        };
        // Both at base 1: 10·(1 − 0.25) + 4·(1 − 0.25) = 10.5; one each: 7.5 + 2 = 9.5.
        assert_eq!(expected_coverage(&inst, &[0, 2]), 10.5);
        assert_eq!(expected_coverage(&inst, &[1, 1]), 9.5);
        let s = solve(&inst).unwrap();
        assert_eq!(s.units_per_base, vec![0, 2]);
        assert_eq!(s.expected_coverage, 10.5);
        assert_eq!(brute_force(&inst), s);
    }

    #[test]
    fn matches_brute_force_on_tiny_random_instances() {
        let mut u = Uniform(13);
        for case in 0..20 {
            let inst = random_instance(&mut u, 5, 12, 3);
            let exact = brute_force(&inst);
            let got = solve(&inst).unwrap();
            assert_eq!(got.units_per_base.iter().sum::<u32>(), 3);
            assert!(
                got.units_per_base
                    .iter()
                    .zip(&inst.max_per_base)
                    .all(|(n, c)| n <= c)
            );
            assert!(
                (got.expected_coverage - exact.expected_coverage).abs() < 1e-9,
                "case {case}: solver {got:?}, brute force {exact:?}"
            );
        }
    }

    #[test]
    fn field_notes_size_beats_greedy() {
        let mut u = Uniform(2026);
        let inst = random_instance(&mut u, 20, 100, 8);
        let got = solve(&inst).unwrap();
        assert_eq!(got.units_per_base.iter().sum::<u32>(), 8);
        assert!(
            got.units_per_base
                .iter()
                .zip(&inst.max_per_base)
                .all(|(n, c)| n <= c)
        );
        let g = greedy(&inst);
        assert!(
            got.expected_coverage >= g.expected_coverage - 1e-9,
            "{got:?} vs greedy {g:?}"
        );
    }

    #[test]
    fn ill_formed_instances_are_errors_not_panics() {
        let ok = MexclpInstance {
            demand: vec![1.0],
            covers: vec![vec![0]],
            bases: 1,
            units: 1,
            busy_fraction: 0.2,
            max_per_base: vec![1],
        };
        assert!(solve(&ok).is_ok());
        let too_many = MexclpInstance {
            units: 2,
            ..ok.clone()
        };
        let e = solve(&too_many).unwrap_err();
        assert!(!e.is_user_error());
        assert!(e.to_string().contains("hold only 1"), "{e}");
        assert!(
            solve(&MexclpInstance {
                busy_fraction: 1.0,
                ..ok.clone()
            })
            .is_err()
        );
        assert!(
            solve(&MexclpInstance {
                covers: vec![vec![3]],
                ..ok.clone()
            })
            .is_err()
        );
        assert!(
            solve(&MexclpInstance {
                max_per_base: vec![],
                ..ok
            })
            .is_err()
        );
    }

    #[test]
    fn nothing_covered_still_places_every_unit() {
        let inst = MexclpInstance {
            demand: vec![5.0, 5.0],
            covers: vec![vec![], vec![]],
            bases: 3,
            units: 4,
            busy_fraction: 0.0,
            max_per_base: vec![1, 0, 3],
        };
        let s = solve(&inst).unwrap();
        assert_eq!(s.units_per_base, vec![1, 0, 3]);
        assert_eq!(s.expected_coverage, 0.0);
    }
}
