//! What one replication may cost: units, drone sorties and violations, refused before a
//! run that would not fit in memory or time.

use super::super::problems::Problems;
use super::super::raw::*;
use super::super::*;
use super::{
    BYTES_PER_OPEN_VIOLATION, MAX_OPEN_VIOLATION_BYTES, MAX_PASSES_PER_REPLICATION, MAX_UNITS,
    MAX_VIOLATIONS_PER_REPLICATION,
};

/// Seconds per day, for rates and horizons in days.
const DAY_S: f64 = crate::time::DAY.0 as f64;

/// Checks the totals of the whole scenario against the limits.
pub(super) fn check(
    cx: &mut Problems,
    raw: &RawScenario,
    horizon_days: f64,
    contingents: &[Contingent],
    sectors: &[Sector],
    types: &[ViolationType],
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
    let horizon = SimDuration::from_secs_f64(horizon_days * DAY_S);
    let per_replication = if sectors.iter().all(|s| s.rate_windows.is_empty()) {
        per_day * horizon_days
    } else {
        sectors.iter().map(|s| s.expected_over(horizon)).sum()
    };
    if per_replication > MAX_VIOLATIONS_PER_REPLICATION {
        cx.add("sectors", format!("{per_replication:.3e} violations expected per replication ({per_day:.3e}/day over {horizon_days} days) exceed the limit of {MAX_VIOLATIONS_PER_REPLICATION:.0e}: lower the rates or the horizon"));
    }
    let open = open_at_once(horizon_days, sectors, types);
    let bytes = open * BYTES_PER_OPEN_VIOLATION;
    if bytes > MAX_OPEN_VIOLATION_BYTES {
        cx.add(
            "sectors",
            format!(
                "up to {open:.3e} violations could be open at once ({:.1} GB at {BYTES_PER_OPEN_VIOLATION} bytes each), over the limit of {:.1} GB per replication: shorten observable_for, or lower the rates or the horizon",
                bytes / 1e9,
                MAX_OPEN_VIOLATION_BYTES / 1e9
            ),
        );
    }
}

/// An upper estimate of the violations open at once in one replication: every violation
/// stays open while it is observable (satellites and drones may still detect it), and every
/// violation needing a response may wait until the horizon if the force cannot keep up.
fn open_at_once(horizon_days: f64, sectors: &[Sector], types: &[ViolationType]) -> f64 {
    let horizon_s = horizon_days * DAY_S;
    sectors
        .iter()
        .map(|s| {
            let per_s = s.expected_per_day() * s.peak_window() / DAY_S;
            let (observable_s, needing) =
                types
                    .iter()
                    .enumerate()
                    .fold((0.0, 0.0), |(obs, need), (t, vt)| {
                        let share = s.type_share(t);
                        (
                            obs + share * vt.observable.mean_secs().min(horizon_s),
                            need + share * f64::from(u8::from(vt.response.is_some())),
                        )
                    });
            per_s * (observable_s + needing * horizon_s)
        })
        .sum::<f64>()
        .min(
            sectors
                .iter()
                .map(|s| s.expected_per_day() * s.peak_window())
                .sum::<f64>()
                * horizon_days,
        )
}

#[cfg(test)]
mod tests {
    use crate::scenario;

    /// The tutorial with every violation observable for `days` days, at `rate` a day.
    fn long_lived(days: u32, rate: u32) -> String {
        let t = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.ron"),
        )
        .unwrap();
        let mut out = String::new();
        for line in t.lines() {
            if let Some(i) = line.find("observable_for:") {
                out.push_str(&line[..i]);
                out.push_str(&format!("observable_for: Fixed(Days({days})),\n"));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
        out.replacen("horizon_days: 30", "horizon_days: 3650", 1)
            .replacen("rate_per_day: 40,", &format!("rate_per_day: {rate},"), 1)
    }

    #[test]
    fn violations_open_at_once_beyond_the_memory_limit_are_refused_before_the_run() {
        // Quiet and long-lived: fits.
        assert!(scenario::from_str(&long_lived(3650, 40), "ok.ron").is_ok());
        // 4,000 a day, each observable for ten years: about 1.5e7 open at once, over 6 GB.
        let e = scenario::from_str(&long_lived(3650, 4_000), "big.ron")
            .unwrap_err()
            .to_string();
        assert!(e.contains("could be open at once"), "{e}");
        assert!(e.contains("big.ron"), "{e}");
    }
}
