//! What one replication may cost: units, drone sorties and violations, refused before a
//! run that would not fit in memory or time.

use super::super::problems::Problems;
use super::super::raw::*;
use super::super::*;
use super::{MAX_PASSES_PER_REPLICATION, MAX_UNITS, MAX_VIOLATIONS_PER_REPLICATION};

/// Seconds per day, for rates and horizons in days.
const DAY_S: f64 = crate::time::DAY.0 as f64;

/// Checks the totals of the whole scenario against the limits.
pub(super) fn check(
    cx: &mut Problems,
    raw: &RawScenario,
    horizon_days: f64,
    contingents: &[Contingent],
    sectors: &[Sector],
) {
    let total_units: u64 = contingents.iter().map(|c| u64::from(c.units)).sum();
    if total_units == 0 && !raw.contingents.is_empty() {
        cx.add(
            "contingents",
            "the force has no units: at least one contingent needs units > 0",
        );
    }
    if total_units > MAX_UNITS {
        cx.add(
            "contingents",
            format!("{total_units} units exceed the limit of {MAX_UNITS}"),
        );
    }
    let sorties: f64 = contingents
        .iter()
        .filter(|c| c.isr.is_some())
        .map(|c| {
            let cycle_s = c.endurance.map_or(0.0, |e| e.secs() as f64) + c.turnaround.mean_secs();
            f64::from(c.units) * horizon_days * DAY_S / cycle_s.max(600.0)
        })
        .sum();
    if sorties > MAX_PASSES_PER_REPLICATION {
        cx.add(
            "contingents",
            format!("{sorties:.3e} drone sorties per replication exceed the limit of {MAX_PASSES_PER_REPLICATION:.0e}: fewer drones, longer endurance or a shorter horizon"),
        );
    }
    let per_day: f64 = sectors.iter().map(Sector::expected_per_day).sum();
    let per_replication = per_day * horizon_days;
    if per_replication > MAX_VIOLATIONS_PER_REPLICATION {
        cx.add("sectors", format!("{per_replication:.3e} violations expected per replication ({per_day:.3e}/day over {horizon_days} days) exceed the limit of {MAX_VIOLATIONS_PER_REPLICATION:.0e}: lower the rates or the horizon"));
    }
}
