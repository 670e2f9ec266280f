//! Typed changes to a scenario: what a force option or a sweep factor does to the base.
//!
//! Changes edit the [`RawScenario`] (ids, not indices), so the result is validated like any
//! scenario file. A change that names something that does not exist is refused with the
//! known ids, and the path of the offending field within the change. Changes to one
//! contingent, nation or sensor by id are here; changes to a selection of the force
//! (selectors, relative forms) in `whole`, timed events in `events`.

mod events;
mod factor;
mod whole;

pub use factor::RawFactorTarget;

use super::raw::*;
use super::select::{RawContingents, RawNations, RawSensors};
use serde::Deserialize;

/// One change to a scenario.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawChange {
    /// Station a contingent at another base.
    MoveContingent {
        /// Contingent id.
        contingent: String,
        /// Base id.
        to: String,
    },
    /// Set the number of units of a contingent (drone fleets too).
    SetUnits {
        /// Contingent id.
        contingent: String,
        /// New number of units.
        units: u32,
    },
    /// Add a contingent.
    AddContingent(RawContingent),
    /// Remove a contingent.
    RemoveContingent(String),
    /// Change a contingent's notice to move (readiness).
    SetNoticeToMove {
        /// Contingent id.
        contingent: String,
        /// New notice to move.
        notice: RawDist,
    },
    /// Change a contingent's transit speed.
    SetSpeed {
        /// Contingent id.
        contingent: String,
        /// New speed \[km/h\].
        speed_kmh: f64,
    },
    /// Add a caveat to a nation.
    AddCaveat {
        /// Nation code.
        nation: String,
        /// The caveat.
        caveat: RawCaveat,
    },
    /// Drop one of a nation's caveats.
    DropCaveat {
        /// Nation code.
        nation: String,
        /// The caveat, as written in the scenario.
        caveat: RawCaveat,
    },
    /// Drop all of a nation's caveats.
    DropAllCaveats(String),
    /// Change a nation's approval delay (`None`: pre-delegated, no delay).
    SetApprovalDelay {
        /// Nation code.
        nation: String,
        /// New delay.
        delay: Option<RawDist>,
    },
    /// Change a satellite's revisit interval.
    SetRevisit {
        /// Satellite id.
        sensor: String,
        /// New revisit interval.
        revisit: RawDuration,
    },
    /// Change the detection probability of a satellite, radar or observation post.
    SetDetectionProbability {
        /// Sensor id.
        sensor: String,
        /// New probability.
        probability: f64,
    },
    /// Add a sensor.
    AddSensor(RawSensor),
    /// Remove a sensor.
    RemoveSensor(String),
    /// Multiply the violation rate of some sectors (`All` or `Sectors(\[...\])`).
    ScaleRate {
        /// Which sectors.
        sectors: RawCoverage,
        /// Factor (≥ 0).
        factor: f64,
    },
    /// Change the dispatch policy.
    SetDispatch(DispatchPolicy),
    /// Change the HQ processing delay.
    SetHqProcessing(RawDist),
    /// Units of every selected contingent: exactly one of `set`, `add` (may be negative)
    /// or `times` (rounded): `Units(of: Contingents(kind: [IsrDrone]), add: 1)`.
    Units {
        /// Which contingents.
        of: RawContingents,
        /// New number of units.
        #[serde(default)]
        set: Option<u32>,
        /// Units added (negative: removed; the result must not be below 0).
        #[serde(default)]
        add: Option<i64>,
        /// Factor on the units (≥ 0), rounded to the nearest whole number.
        #[serde(default)]
        times: Option<f64>,
    },
    /// Notice to move of every selected contingent: `set` a new one, or multiply every
    /// duration of it by `times` (0: none).
    NoticeToMove {
        /// Which contingents.
        of: RawContingents,
        /// New notice to move.
        #[serde(default)]
        set: Option<RawDist>,
        /// Factor on the notice (≥ 0).
        #[serde(default)]
        times: Option<f64>,
    },
    /// Transit speed \[km/h\] of every selected contingent: one of `set`, `add`, `times`.
    Speed {
        /// Which contingents.
        of: RawContingents,
        /// New speed \[km/h\].
        #[serde(default)]
        set: Option<f64>,
        /// Added speed \[km/h\].
        #[serde(default)]
        add: Option<f64>,
        /// Factor on the speed.
        #[serde(default)]
        times: Option<f64>,
    },
    /// Station every selected contingent at base `to`.
    Move {
        /// Which contingents.
        of: RawContingents,
        /// Base id.
        to: String,
    },
    /// Remove every selected contingent.
    Remove(RawContingents),
    /// Approval delay of every selected nation: `set` a new one, or multiply it by `times`
    /// (0: pre-delegated, no delay): `ApprovalDelay(of: Nations(), times: 0)`.
    ApprovalDelay {
        /// Which nations.
        of: RawNations,
        /// New delay.
        #[serde(default)]
        set: Option<RawDist>,
        /// Factor on the delay (≥ 0).
        #[serde(default)]
        times: Option<f64>,
    },
    /// Drop every caveat of every selected nation: `DropCaveats(Nations())`.
    DropCaveats(RawNations),
    /// Add a caveat to every selected nation.
    AddCaveats {
        /// Which nations.
        of: RawNations,
        /// The caveat.
        caveat: RawCaveat,
    },
    /// Detection probability of every selected sensor: `set` or `times` (capped at 1).
    DetectionProbability {
        /// Which sensors.
        of: RawSensors,
        /// New probability.
        #[serde(default)]
        set: Option<f64>,
        /// Factor on the probability (the result must be a probability).
        #[serde(default)]
        times: Option<f64>,
    },
    /// Timed event: an escalation window, as in a scenario's `events`.
    Escalate {
        /// Which sectors (`All` or `Sectors([...])`).
        sectors: RawCoverage,
        /// Opens at (since the start).
        from: RawDuration,
        /// Closes at.
        until: RawDuration,
        /// Factor on the rate while open.
        rate_multiplier: f64,
    },
    /// Timed event: contingents withdrawn on a date.
    Withdraw {
        /// Which contingents.
        contingents: RawContingents,
        /// When.
        on: RawDuration,
    },
    /// Timed event: contingents deployed on a date (not available before).
    Deploy {
        /// Which contingents.
        contingents: RawContingents,
        /// When.
        on: RawDuration,
    },
    /// Timed event: sensors out of service.
    Outage {
        /// Which sensors.
        sensors: RawSensors,
        /// From.
        from: RawDuration,
        /// Until.
        until: RawDuration,
    },
    /// Timed event: drones grounded.
    Ground {
        /// Which drone fleets.
        drones: RawContingents,
        /// From.
        from: RawDuration,
        /// Until.
        until: RawDuration,
    },
    /// Set the master seed (`--seed`). Not accepted in study files: options share the
    /// base's seed, so that they are compared on common random numbers.
    #[serde(skip_deserializing)]
    SetSeed(u64),
    /// Set the horizon \[days\] (validation cases). Not accepted in study files: options
    /// are compared over the same horizon.
    #[serde(skip_deserializing)]
    SetHorizonDays(f64),
    /// Set the warm-up \[days\] (`--warm-up-days`). Not accepted in study files: options are
    /// compared over the same window.
    #[serde(skip_deserializing)]
    SetWarmUpDays(f64),
    /// Set a sector's base rate \[violations/day\] (validation cases).
    #[serde(skip_deserializing)]
    SetRatePerDay {
        /// Sector id.
        sector: String,
        /// New base rate \[violations/day\].
        rate_per_day: f64,
    },
}

/// A refused change: the field of the change at fault and why.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeError {
    /// Field within the change (`contingent`, `to`, `of.nation[1]`, ...), empty for the
    /// change as a whole.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

fn unknown(field: &str, what: &str, id: &str, known: impl Iterator<Item = String>) -> ChangeError {
    let mut ids: Vec<String> = known.map(|k| format!("\"{k}\"")).collect();
    let more = ids.len().saturating_sub(25);
    ids.truncate(25);
    if more > 0 {
        ids.push(format!("… ({more} more)"));
    }
    ChangeError {
        field: field.to_string(),
        message: format!(
            "unknown {what} \"{id}\"; expected one of: {}",
            ids.join(", ")
        ),
    }
}

fn sensor_id(s: &RawSensor) -> &str {
    match s {
        RawSensor::Satellite { id, .. }
        | RawSensor::Radar { id, .. }
        | RawSensor::ObservationPost { id, .. } => id,
    }
}

fn contingent<'a>(
    raw: &'a mut RawScenario,
    id: &str,
    field: &'static str,
) -> Result<&'a mut RawContingent, ChangeError> {
    match raw.contingents.iter().position(|c| c.id == id) {
        Some(i) => Ok(&mut raw.contingents[i]),
        None => Err(unknown(
            field,
            "contingent",
            id,
            raw.contingents.iter().map(|c| c.id.clone()),
        )),
    }
}

fn nation<'a>(raw: &'a mut RawScenario, code: &str) -> Result<&'a mut RawNation, ChangeError> {
    match raw.nations.iter().position(|n| n.code == code) {
        Some(i) => Ok(&mut raw.nations[i]),
        None => Err(unknown(
            "nation",
            "nation",
            code,
            raw.nations.iter().map(|n| n.code.clone()),
        )),
    }
}

fn sensor<'a>(raw: &'a mut RawScenario, id: &str) -> Result<&'a mut RawSensor, ChangeError> {
    match raw.sensors.iter().position(|s| sensor_id(s) == id) {
        Some(i) => Ok(&mut raw.sensors[i]),
        None => Err(unknown(
            "sensor",
            "sensor",
            id,
            raw.sensors.iter().map(|s| sensor_id(s).to_string()),
        )),
    }
}

fn base_exists(raw: &RawScenario, id: &str, field: &'static str) -> Result<(), ChangeError> {
    if raw.bases.iter().any(|b| b.id == id) {
        Ok(())
    } else {
        Err(unknown(
            field,
            "base",
            id,
            raw.bases.iter().map(|b| b.id.clone()),
        ))
    }
}

impl RawChange {
    /// Applies the change to `raw`.
    pub fn apply(&self, raw: &mut RawScenario) -> Result<(), ChangeError> {
        match self {
            RawChange::MoveContingent { contingent: c, to } => {
                base_exists(raw, to, "to")?;
                contingent(raw, c, "contingent")?.base = to.clone();
            }
            RawChange::SetUnits {
                contingent: c,
                units,
            } => contingent(raw, c, "contingent")?.units = *units,
            RawChange::AddContingent(c) => {
                if raw.contingents.iter().any(|x| x.id == c.id) {
                    return Err(ChangeError {
                        field: "id".into(),
                        message: format!(
                            "a contingent \"{}\" exists already; ids must be unique",
                            c.id
                        ),
                    });
                }
                raw.contingents.push(c.clone());
            }
            RawChange::RemoveContingent(c) => {
                contingent(raw, c, "")?;
                raw.contingents.retain(|x| &x.id != c);
            }
            RawChange::SetNoticeToMove {
                contingent: c,
                notice,
            } => contingent(raw, c, "contingent")?.notice_to_move = notice.clone(),
            RawChange::SetSpeed {
                contingent: c,
                speed_kmh,
            } => contingent(raw, c, "contingent")?.speed_kmh = *speed_kmh,
            RawChange::AddCaveat { nation: n, caveat } => {
                nation(raw, n)?.caveats.push(caveat.clone())
            }
            RawChange::DropCaveat { nation: n, caveat } => {
                let nat = nation(raw, n)?;
                let before = nat.caveats.len();
                nat.caveats.retain(|c| c != caveat);
                if nat.caveats.len() == before {
                    return Err(ChangeError {
                        field: "caveat".into(),
                        message: format!(
                            "nation \"{n}\" has no caveat {caveat:?}; its caveats are {:?}",
                            nat.caveats
                        ),
                    });
                }
            }
            RawChange::DropAllCaveats(n) => nation(raw, n)
                .map_err(|e| ChangeError {
                    field: String::new(),
                    ..e
                })?
                .caveats
                .clear(),
            RawChange::SetApprovalDelay { nation: n, delay } => {
                nation(raw, n)?.approval_delay = delay.clone()
            }
            RawChange::SetRevisit { sensor: s, revisit } => match sensor(raw, s)? {
                RawSensor::Satellite { revisit: r, .. } => *r = *revisit,
                _ => {
                    return Err(ChangeError {
                        field: "sensor".into(),
                        message: format!(
                            "sensor \"{s}\" is not a satellite; only satellites have a revisit interval"
                        ),
                    });
                }
            },
            RawChange::SetDetectionProbability {
                sensor: s,
                probability,
            } => match sensor(raw, s)? {
                RawSensor::Satellite {
                    detection_probability: p,
                    ..
                }
                | RawSensor::Radar {
                    detection_probability: p,
                    ..
                }
                | RawSensor::ObservationPost {
                    detection_probability: p,
                    ..
                } => *p = *probability,
            },
            RawChange::AddSensor(s) => {
                if raw.sensors.iter().any(|x| sensor_id(x) == sensor_id(s)) {
                    return Err(ChangeError {
                        field: String::new(),
                        message: format!(
                            "a sensor \"{}\" exists already; ids must be unique",
                            sensor_id(s)
                        ),
                    });
                }
                raw.sensors.push(s.clone());
            }
            RawChange::RemoveSensor(s) => {
                sensor(raw, s).map_err(|e| ChangeError {
                    field: String::new(),
                    ..e
                })?;
                raw.sensors.retain(|x| sensor_id(x) != s);
            }
            RawChange::ScaleRate { sectors, factor } => {
                if !(factor.is_finite() && *factor >= 0.0) {
                    return Err(ChangeError {
                        field: "factor".into(),
                        message: format!("expected a factor ≥ 0, got {factor}"),
                    });
                }
                match sectors {
                    RawCoverage::All => raw
                        .sectors
                        .iter_mut()
                        .for_each(|s| s.rate_per_day *= factor),
                    RawCoverage::Sectors(ids) => {
                        for id in ids {
                            match raw.sectors.iter_mut().find(|s| &s.id == id) {
                                Some(s) => s.rate_per_day *= factor,
                                None => {
                                    return Err(unknown(
                                        "sectors",
                                        "sector",
                                        id,
                                        raw.sectors.iter().map(|s| s.id.clone()),
                                    ));
                                }
                            }
                        }
                    }
                }
            }
            RawChange::Units { .. }
            | RawChange::NoticeToMove { .. }
            | RawChange::Speed { .. }
            | RawChange::Move { .. }
            | RawChange::Remove(_)
            | RawChange::ApprovalDelay { .. }
            | RawChange::DropCaveats(_)
            | RawChange::AddCaveats { .. }
            | RawChange::DetectionProbability { .. } => whole::apply(self, raw)?,
            RawChange::Escalate { .. }
            | RawChange::Withdraw { .. }
            | RawChange::Deploy { .. }
            | RawChange::Outage { .. }
            | RawChange::Ground { .. } => events::apply(self, raw)?,
            RawChange::SetDispatch(p) => raw.command.dispatch = *p,
            RawChange::SetHqProcessing(d) => raw.command.hq_processing = d.clone(),
            RawChange::SetSeed(seed) => raw.seed = *seed,
            RawChange::SetHorizonDays(days) => raw.horizon_days = *days,
            RawChange::SetWarmUpDays(days) => raw.warm_up_days = *days,
            RawChange::SetRatePerDay {
                sector,
                rate_per_day,
            } => match raw.sectors.iter_mut().find(|s| &s.id == sector) {
                Some(s) => s.rate_per_day = *rate_per_day,
                None => {
                    return Err(unknown(
                        "sector",
                        "sector",
                        sector,
                        raw.sectors.iter().map(|s| s.id.clone()),
                    ));
                }
            },
        }
        Ok(())
    }
}
