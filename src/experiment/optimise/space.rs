//! The decision space of a problem: plans as integer vectors (one value per decision
//! variable), their canonical order, limits, neighbours (relocate one contingent, add or
//! remove a unit, swap two placements, change a notice level), enumeration of small spaces,
//! and a plan as the typed changes it makes to the base scenario.

use crate::error::{Error, Result};
use crate::scenario::change::RawChange;
use crate::scenario::parse_ron;
use crate::scenario::problem::{Choice, MAX_ENUMERATED, Problem, Variable};
use std::collections::BTreeSet;

/// A plan: one value per decision variable.
pub type PlanVec = Vec<i64>;

/// The decision space: variables and limits.
#[derive(Debug, Clone)]
pub struct Space {
    vars: Vec<Variable>,
    max_units: Option<u64>,
    cost_limit: Option<(f64, f64)>,
}

impl Space {
    /// The space of `problem`.
    pub fn new(problem: &Problem) -> Space {
        Space {
            vars: problem.variables.clone(),
            max_units: problem.max_units,
            cost_limit: problem.cost_limit,
        }
    }

    /// The decision variables.
    pub fn variables(&self) -> &[Variable] {
        &self.vars
    }

    /// Smallest and largest value of variable `i`.
    pub fn range(&self, i: usize) -> (i64, i64) {
        match &self.vars[i].choice {
            Choice::Base(b) => (0, b.len() as i64 - 1),
            Choice::Units { min, max } => (i64::from(*min), i64::from(*max)),
            Choice::Notice(l) => (0, l.len() as i64 - 1),
        }
    }

    /// The plan with interchangeable placements sorted (one representative per multiset).
    pub fn canonical(&self, plan: &[i64]) -> PlanVec {
        let mut out = plan.to_vec();
        let mut i = 0;
        while i < out.len() {
            let mut j = i + 1;
            if let Some(g) = self.vars[i].group {
                while j < out.len() && self.vars[j].group == Some(g) {
                    j += 1;
                }
                out[i..j].sort_unstable();
            }
            i = j;
        }
        out
    }

    /// Units over the contingents the decisions touch.
    pub fn units(&self, plan: &[i64]) -> u64 {
        self.vars
            .iter()
            .zip(plan)
            .map(|(v, &x)| match v.choice {
                Choice::Units { .. } => x as u64,
                _ => u64::from(v.base_units),
            })
            .sum()
    }

    /// Whether the plan keeps to the limits (units, cost).
    pub fn within_limits(&self, plan: &[i64]) -> bool {
        let u = self.units(plan);
        self.max_units.is_none_or(|m| u <= m)
            && self
                .cost_limit
                .is_none_or(|(c, b)| u as f64 * c <= b + 1e-9)
    }

    /// The plan of the base scenario, with each value clamped into its range (a base not among
    /// the candidates becomes the first candidate), then units taken away from the largest
    /// counts until the limits hold.
    pub fn start(&self, max_counts: bool) -> PlanVec {
        let mut plan: PlanVec = (0..self.vars.len())
            .map(|i| {
                let (lo, hi) = self.range(i);
                match self.vars[i].choice {
                    Choice::Units { .. } if max_counts => hi,
                    _ => self.vars[i].base_value.unwrap_or(lo).clamp(lo, hi),
                }
            })
            .collect();
        while !self.within_limits(&plan) {
            let best = (0..plan.len())
                .filter(|&i| matches!(self.vars[i].choice, Choice::Units { .. }))
                .filter(|&i| plan[i] > self.range(i).0)
                .max_by_key(|&i| (plan[i], std::cmp::Reverse(i)));
            match best {
                Some(i) => plan[i] -= 1,
                None => break,
            }
        }
        self.canonical(&plan)
    }

    /// Every neighbour of `plan` within the limits, canonical, in ascending order: one
    /// contingent moved to another candidate base, one unit added or removed, two placed
    /// contingents swapped, a notice level one step up or down.
    pub fn neighbours(&self, plan: &[i64]) -> Vec<PlanVec> {
        let mut out = BTreeSet::new();
        for i in 0..plan.len() {
            let (lo, hi) = self.range(i);
            let values: Vec<i64> = match self.vars[i].choice {
                Choice::Base(_) => (lo..=hi).filter(|&v| v != plan[i]).collect(),
                _ => [plan[i] - 1, plan[i] + 1]
                    .into_iter()
                    .filter(|v| (lo..=hi).contains(v))
                    .collect(),
            };
            for v in values {
                let mut p = plan.to_vec();
                p[i] = v;
                out.insert(self.canonical(&p));
            }
            for j in i + 1..plan.len() {
                let both_placed = matches!(self.vars[i].choice, Choice::Base(_))
                    && self.vars[j].choice == self.vars[i].choice;
                if both_placed && plan[i] != plan[j] && self.vars[i].group != self.vars[j].group {
                    let mut p = plan.to_vec();
                    p.swap(i, j);
                    out.insert(self.canonical(&p));
                }
            }
        }
        out.remove(plan);
        out.into_iter().filter(|p| self.within_limits(p)).collect()
    }

    /// The neighbours of `plan` with one unit fewer.
    pub fn one_fewer(&self, plan: &[i64]) -> Vec<PlanVec> {
        let u = self.units(plan);
        self.neighbours(plan)
            .into_iter()
            .filter(|p| self.units(p) + 1 == u)
            .collect()
    }

    /// The plans with `step` units fewer in one counted contingent, within the limits.
    pub fn fewer_by(&self, plan: &[i64], step: i64) -> Vec<PlanVec> {
        let mut out = BTreeSet::new();
        for i in 0..plan.len() {
            if matches!(self.vars[i].choice, Choice::Units { .. })
                && plan[i] - step >= self.range(i).0
            {
                let mut p = plan.to_vec();
                p[i] -= step;
                out.insert(self.canonical(&p));
            }
        }
        out.into_iter().filter(|p| self.within_limits(p)).collect()
    }

    /// Plans in the space (before limits), or `None` if more than [`MAX_ENUMERATED`].
    fn raw_size(&self) -> Option<u64> {
        let mut n: u64 = 1;
        for i in 0..self.vars.len() {
            let (lo, hi) = self.range(i);
            n = n.checked_mul((hi - lo + 1) as u64)?;
            if n > MAX_ENUMERATED {
                return None;
            }
        }
        Some(n)
    }

    /// Every canonical plan within the limits, in ascending order; an error if the space
    /// has more than [`MAX_ENUMERATED`] plans.
    pub fn enumerate(&self) -> Result<Vec<PlanVec>> {
        let Some(n) = self.raw_size() else {
            return Err(Error::Usage(format!(
                "the decision space has more than {MAX_ENUMERATED} plans: too many for --exhaustive"
            )));
        };
        let ranges: Vec<(i64, i64)> = (0..self.vars.len()).map(|i| self.range(i)).collect();
        let mut out = Vec::new();
        for mut k in 0..n {
            let mut p = vec![0; ranges.len()];
            for i in (0..ranges.len()).rev() {
                let (lo, hi) = ranges[i];
                let w = (hi - lo + 1) as u64;
                p[i] = lo + (k % w) as i64;
                k /= w;
            }
            if self.canonical(&p) == p && self.within_limits(&p) {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Canonical plans within the limits, when there are at most [`MAX_ENUMERATED`].
    pub fn count(&self) -> Option<u64> {
        self.enumerate().ok().map(|v| v.len() as u64)
    }

    /// The plan in words, one entry per variable.
    pub fn describe(&self, plan: &[i64]) -> Vec<String> {
        self.vars
            .iter()
            .zip(plan)
            .map(|(v, &x)| match &v.choice {
                Choice::Base(b) => format!("{} at {}", v.contingent, b[x as usize]),
                Choice::Units { .. } => format!(
                    "{}: {x} unit{}",
                    v.contingent,
                    if x == 1 { "" } else { "s" }
                ),
                Choice::Notice(l) => format!("{}: notice to move {}", v.contingent, l[x as usize]),
            })
            .collect()
    }

    /// The changes the plan makes to the base scenario, as RON text (only where it differs
    /// from the base as written).
    pub fn change_texts(&self, plan: &[i64]) -> Vec<String> {
        self.vars
            .iter()
            .zip(plan)
            .filter(|(v, x)| v.base_value != Some(**x))
            .map(|(v, &x)| match &v.choice {
                Choice::Base(b) => format!(
                    "MoveContingent(contingent: \"{}\", to: \"{}\")",
                    v.contingent, b[x as usize]
                ),
                Choice::Units { .. } => {
                    format!("SetUnits(contingent: \"{}\", units: {x})", v.contingent)
                }
                Choice::Notice(l) => format!(
                    "SetNoticeToMove(contingent: \"{}\", notice: {})",
                    v.contingent, l[x as usize]
                ),
            })
            .collect()
    }

    /// The changes the plan makes, typed (parsed from [`Space::change_texts`], so the text
    /// written to `best.ron` is what runs).
    pub fn changes(&self, plan: &[i64]) -> Result<Vec<RawChange>> {
        self.change_texts(plan)
            .iter()
            .map(|t| parse_ron::<RawChange>(t, "plan"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::problem::Variable;

    fn place(id: &str, group: usize, base: Option<i64>) -> Variable {
        Variable {
            contingent: id.into(),
            decision: 0,
            choice: Choice::Base((0..6).map(|i| format!("b{i}")).collect()),
            base_units: 2,
            base_value: base,
            group: Some(group),
        }
    }

    fn space(vars: Vec<Variable>, max_units: Option<u64>) -> Space {
        Space {
            vars,
            max_units,
            cost_limit: None,
        }
    }

    #[test]
    fn three_interchangeable_units_over_six_bases_make_56_plans() {
        let s = space(
            vec![
                place("a", 0, Some(0)),
                place("b", 0, Some(0)),
                place("c", 0, None),
            ],
            None,
        );
        assert_eq!(s.enumerate().unwrap().len(), 56);
        assert_eq!(s.canonical(&[4, 1, 3]), vec![1, 3, 4]);
        // Distinguishable contingents: 6^3 plans.
        let s2 = space(
            vec![
                place("a", 0, None),
                place("b", 1, None),
                place("c", 2, None),
            ],
            None,
        );
        assert_eq!(s2.enumerate().unwrap().len(), 216);
        let n = s.neighbours(&[0, 0, 1]);
        assert!(
            n.iter()
                .all(|p| s.canonical(p) == *p && p != &vec![0, 0, 1])
        );
        assert!(n.contains(&vec![0, 1, 1]) && n.contains(&vec![0, 0, 5]));
        assert_eq!(s.start(false), vec![0, 0, 0]);
        assert_eq!(
            s.change_texts(&[0, 0, 2]),
            vec!["MoveContingent(contingent: \"c\", to: \"b2\")".to_string()]
        );
        assert!(matches!(
            s.changes(&[0, 0, 2]).unwrap()[0],
            RawChange::MoveContingent { .. }
        ));
    }

    #[test]
    fn counts_keep_to_the_unit_limit() {
        let count = |id: &str| Variable {
            contingent: id.into(),
            decision: 1,
            choice: Choice::Units { min: 0, max: 3 },
            base_units: 1,
            base_value: Some(1),
            group: None,
        };
        let s = space(vec![count("x"), count("y")], Some(4));
        assert_eq!(s.start(true), vec![2, 2]);
        assert_eq!(s.enumerate().unwrap().len(), 13);
        assert_eq!(s.one_fewer(&[2, 2]), vec![vec![1, 2], vec![2, 1]]);
        assert!(s.neighbours(&[2, 2]).iter().all(|p| s.units(p) <= 4));
    }
}
