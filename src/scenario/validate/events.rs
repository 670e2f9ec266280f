//! Timed events: checks each event of the scenario's `events` (times within the horizon,
//! `from < until`, multipliers, selectors that match) and turns them into the sectors'
//! rate windows and the [`Availability`] of contingents, sensors and drones.

use super::super::problems::Problems;
use super::super::raw::*;
use super::super::select::{SensorKind, sensor_parts};
use super::super::timed::{Availability, Interval, RawEvent};
use super::super::*;

/// Largest rate multiplier of an escalation window.
pub const MAX_WINDOW_MULTIPLIER: f64 = 1_000.0;

/// The time `d` after the start, checked at `path` (≥ 0, within the validation limits).
fn at(cx: &mut Problems, path: &str, d: RawDuration) -> SimTime {
    SimTime::ZERO + SimDuration::from_secs_f64(cx.duration(path, d))
}

fn window(cx: &mut Problems, p: &str, from: RawDuration, until: RawDuration) -> Option<Interval> {
    let (a, b) = (
        at(cx, &format!("{p}.from"), from),
        at(cx, &format!("{p}.until"), until),
    );
    if a >= b {
        cx.add(
            format!("{p}.until"),
            format!("expected `until` after `from`, got from {from:?} until {until:?}"),
        );
        return None;
    }
    Some((a, b))
}

/// Validates `raw.events` and fills each sector's rate windows; returns what is out of
/// service when. `n_fixed`/`n_sat`: how the sensors of `raw` split (in file order).
pub(super) fn events(cx: &mut Problems, raw: &RawScenario, sectors: &mut [Sector]) -> Availability {
    let nc = raw.contingents.len();
    let mut contingent_out = vec![Vec::new(); nc];
    let mut grounded = vec![Vec::new(); nc];
    // Index of each raw sensor among the fixed sensors or the satellites.
    let mut sensor_slot = Vec::with_capacity(raw.sensors.len());
    let (mut n_fixed, mut n_sat) = (0, 0);
    for s in &raw.sensors {
        if sensor_parts(s).2 == SensorKind::Satellite {
            sensor_slot.push((true, n_sat));
            n_sat += 1;
        } else {
            sensor_slot.push((false, n_fixed));
            n_fixed += 1;
        }
    }
    let mut fixed_out = vec![Vec::new(); n_fixed];
    let mut satellite_out = vec![Vec::new(); n_sat];
    let forever = SimTime(u64::MAX);
    for (i, ev) in raw.events.iter().enumerate() {
        let p = format!("events[{i}]");
        match ev {
            RawEvent::Escalate {
                sectors: which,
                from,
                until,
                rate_multiplier,
            } => {
                let w = window(cx, &p, *from, *until);
                if !(rate_multiplier.is_finite()
                    && *rate_multiplier > 0.0
                    && *rate_multiplier <= MAX_WINDOW_MULTIPLIER)
                {
                    cx.add(
                        format!("{p}.rate_multiplier"),
                        format!("expected a multiplier in (0, {MAX_WINDOW_MULTIPLIER}], got {rate_multiplier}"),
                    );
                    continue;
                }
                let idx: Vec<usize> = match which {
                    RawCoverage::All => (0..sectors.len()).collect(),
                    RawCoverage::Sectors(ids) => {
                        let mut v = Vec::new();
                        for (k, id) in ids.iter().enumerate() {
                            match raw.sectors.iter().position(|s| &s.id == id) {
                                Some(j) => v.push(j),
                                None => cx.add(
                                    format!("{p}.sectors[{k}]"),
                                    format!(
                                        "unknown sector \"{id}\"; expected one of: {}",
                                        raw.sectors
                                            .iter()
                                            .map(|s| format!("\"{}\"", s.id))
                                            .collect::<Vec<_>>()
                                            .join(", ")
                                    ),
                                ),
                            }
                        }
                        if ids.is_empty() {
                            cx.add(
                                format!("{p}.sectors"),
                                "name at least one sector, or write All",
                            );
                        }
                        v
                    }
                };
                if let Some((a, b)) = w {
                    for j in idx {
                        if let Some(s) = sectors.get_mut(j) {
                            s.rate_windows.push(RateWindow {
                                from: a,
                                until: b,
                                multiplier: *rate_multiplier,
                            });
                        }
                    }
                }
            }
            RawEvent::Withdraw { contingents, on } | RawEvent::Deploy { contingents, on } => {
                let t = at(cx, &format!("{p}.on"), *on);
                let out = if matches!(ev, RawEvent::Withdraw { .. }) {
                    (t, forever)
                } else {
                    (SimTime::ZERO, t)
                };
                match contingents.resolve(raw) {
                    Ok(list) => list.into_iter().for_each(|c| contingent_out[c].push(out)),
                    Err(e) => cx.add(sub(&format!("{p}.contingents"), &e.field), e.message),
                }
            }
            RawEvent::Outage {
                sensors: which,
                from,
                until,
            } => {
                let w = window(cx, &p, *from, *until);
                match which.resolve(raw) {
                    Ok(list) => {
                        if let Some(w) = w {
                            for k in list {
                                match sensor_slot[k] {
                                    (true, j) => satellite_out[j].push(w),
                                    (false, j) => fixed_out[j].push(w),
                                }
                            }
                        }
                    }
                    Err(e) => cx.add(sub(&format!("{p}.sensors"), &e.field), e.message),
                }
            }
            RawEvent::Ground {
                drones,
                from,
                until,
            } => {
                let w = window(cx, &p, *from, *until);
                match drones.resolve(raw) {
                    Ok(list) => {
                        let not_drones: Vec<&str> = list
                            .iter()
                            .filter(|&&c| raw.contingents[c].isr.is_none())
                            .map(|&c| raw.contingents[c].id.as_str())
                            .collect();
                        if !not_drones.is_empty() {
                            cx.add(
                                format!("{p}.drones"),
                                format!(
                                    "only ISR drone fleets (contingents with `isr`) can be grounded; {} matched {:?} too: add kind: [IsrDrone] to the selector",
                                    drones.describe(),
                                    not_drones
                                ),
                            );
                        } else if let Some(w) = w {
                            list.into_iter().for_each(|c| grounded[c].push(w));
                        }
                    }
                    Err(e) => cx.add(sub(&format!("{p}.drones"), &e.field), e.message),
                }
            }
        }
    }
    for s in sectors.iter_mut() {
        s.rate_windows.sort_by_key(|w| (w.from, w.until));
    }
    Availability::new(contingent_out, fixed_out, satellite_out, grounded)
}

/// `path.field`, or `path` when the field is empty.
fn sub(path: &str, field: &str) -> String {
    if field.is_empty() {
        path.to_string()
    } else {
        format!("{path}.{field}")
    }
}
