//! A problem file's constraints: `Require(that: "KPI >= number", confidence, tolerance)`
//! parsed and validated into [`Constraint`]s, with the default confidence and tolerance.

use super::RawConstraint;
use crate::scenario::Scenario;
use crate::scenario::problems::Problems;

/// Default tolerance of a constraint's sequential feasibility check: the size of its
/// threshold divided by this (1 %: 0.9 → 0.009), rounded to 12 decimal places so that it
/// prints as a planner would write it.
pub const DEFAULT_TOLERANCE_DIVISOR: f64 = 100.0;

/// The default tolerance of a constraint on `threshold` (not 0): see
/// [`DEFAULT_TOLERANCE_DIVISOR`]; unrounded where rounding would give 0 or overflow.
fn default_tolerance(threshold: f64) -> f64 {
    let t = threshold.abs() / DEFAULT_TOLERANCE_DIVISOR;
    let rounded = (t * 1e12).round() / 1e12;
    if rounded > 0.0 && rounded.is_finite() {
        rounded
    } else {
        t
    }
}
/// A constraint, validated: `kpi >= threshold` (`at_least`) or `kpi <= threshold`.
#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    /// As written.
    pub text: String,
    /// The KPI name.
    pub kpi: String,
    /// `>=` (true) or `<=`.
    pub at_least: bool,
    /// The threshold.
    pub threshold: f64,
    /// Confidence, in (0.5, 1).
    pub confidence: f64,
    /// Tolerance `ε > 0` of the sequential feasibility check, in the KPI's unit: an
    /// expectation at least `ε` inside the threshold is decided feasible, one at least `ε`
    /// outside infeasible, each with probability at least `confidence`.
    pub tolerance: f64,
}

/// Parses `KPI >= number` or `KPI <= number`.
pub fn parse_requirement(text: &str) -> std::result::Result<(String, bool, f64), String> {
    let (at, op) = if let Some(i) = text.find(">=") {
        (i, true)
    } else if let Some(i) = text.find("<=") {
        (i, false)
    } else {
        return Err(format!(
            "\"{text}\": expected `KPI >= number` or `KPI <= number`"
        ));
    };
    let kpi = text[..at].trim();
    let num = text[at + 2..].trim();
    let threshold: f64 = num
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite())
        .ok_or_else(|| format!("\"{text}\": \"{num}\" is not a number"))?;
    if kpi.is_empty() {
        return Err(format!("\"{text}\": no KPI before the operator"));
    }
    Ok((kpi.to_string(), op, threshold))
}

/// Validates a problem file's constraints on the `base` scenario, adding what is wrong to
/// `pr` at `constraints[i]`; `kpi_check` says what is wrong with a KPI name.
pub(super) fn validate(
    raw: &[RawConstraint],
    base: &Scenario,
    kpi_check: &dyn Fn(&str, &Scenario) -> Option<String>,
    pr: &mut Problems,
) -> Vec<Constraint> {
    let mut constraints = Vec::new();
    for (i, c) in raw.iter().enumerate() {
        let RawConstraint::Require {
            that,
            confidence,
            tolerance,
        } = c;
        let at = format!("constraints[{i}]");
        let confidence = confidence.unwrap_or(0.95);
        if !(confidence > 0.5 && confidence < 1.0) {
            pr.add(
                format!("{at}.confidence"),
                format!("confidence {confidence} must be in (0.5, 1), e.g. 0.95"),
            );
        }
        match parse_requirement(that) {
            Ok((kpi, at_least, threshold)) => {
                if let Some(m) = kpi_check(&kpi, base) {
                    pr.add(format!("{at}.that"), m);
                }
                let tolerance = match *tolerance {
                    Some(t) if t.is_finite() && t > 0.0 => t,
                    Some(t) => {
                        pr.add(
                            format!("{at}.tolerance"),
                            format!("tolerance {t} must be a positive number in the KPI's unit (expectations this close to the threshold may be decided either way), e.g. 0.01"),
                        );
                        1.0
                    }
                    None if threshold != 0.0 => default_tolerance(threshold),
                    None => {
                        pr.add(
                            format!("{at}.that"),
                            "the threshold is 0: give the constraint a tolerance (in the KPI's unit; by default it is 1 % of the threshold), e.g. Require(that: \"...\", tolerance: 0.01)",
                        );
                        1.0
                    }
                };
                constraints.push(Constraint {
                    text: that.clone(),
                    kpi,
                    at_least,
                    threshold,
                    confidence,
                    tolerance,
                });
            }
            Err(m) => pr.add(format!("{at}.that"), m),
        }
    }
    constraints
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_tolerances_print_as_written_and_are_never_zero() {
        assert_eq!(default_tolerance(0.9).to_string(), "0.009");
        assert_eq!(default_tolerance(-4.0), 0.04);
        assert!(default_tolerance(1e-13) > 0.0);
        assert!(default_tolerance(1e300).is_finite());
    }
}
