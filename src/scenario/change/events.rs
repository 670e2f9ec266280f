//! Timed events written as study changes: the same events as a scenario's `events`, added
//! to the scenario; their selectors are checked here so that a mistake is reported at the
//! change that made it.

use super::super::raw::*;
use super::super::timed::RawEvent;
use super::whole::no_match;
use super::{ChangeError, RawChange};

/// The event a timed change adds.
fn event(ch: &RawChange) -> RawEvent {
    match ch.clone() {
        RawChange::Escalate {
            sectors,
            from,
            until,
            rate_multiplier,
        } => RawEvent::Escalate {
            sectors,
            from,
            until,
            rate_multiplier,
        },
        RawChange::Withdraw { contingents, on } => RawEvent::Withdraw { contingents, on },
        RawChange::Deploy { contingents, on } => RawEvent::Deploy { contingents, on },
        RawChange::Outage {
            sensors,
            from,
            until,
        } => RawEvent::Outage {
            sensors,
            from,
            until,
        },
        RawChange::Ground {
            drones,
            from,
            until,
        } => RawEvent::Ground {
            drones,
            from,
            until,
        },
        _ => unreachable!("RawChange::apply routes only timed events here"),
    }
}

/// Adds the timed event of `ch` to the scenario's events.
pub(super) fn apply(ch: &RawChange, raw: &mut RawScenario) -> Result<(), ChangeError> {
    let ev = event(ch);
    match &ev {
        RawEvent::Escalate {
            sectors: RawCoverage::Sectors(ids),
            ..
        } => {
            for (k, id) in ids.iter().enumerate() {
                if !raw.sectors.iter().any(|s| &s.id == id) {
                    return Err(super::unknown(
                        &format!("sectors[{k}]"),
                        "sector",
                        id,
                        raw.sectors.iter().map(|s| s.id.clone()),
                    ));
                }
            }
        }
        RawEvent::Escalate { .. } => {}
        RawEvent::Withdraw { contingents, .. } | RawEvent::Deploy { contingents, .. } => {
            contingents
                .resolve(raw)
                .map_err(|e| no_match("contingents", e))?;
        }
        RawEvent::Outage { sensors, .. } => {
            sensors.resolve(raw).map_err(|e| no_match("sensors", e))?;
        }
        RawEvent::Ground { drones, .. } => {
            drones.resolve(raw).map_err(|e| no_match("drones", e))?;
        }
    }
    raw.events.push(ev);
    Ok(())
}
