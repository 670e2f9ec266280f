//! Sweep factors: the numeric field of a scenario a factor sets, one contingent, nation or
//! sensor by id or a whole selection, turned into the change that sets it to a value.

use super::super::raw::*;
use super::super::select::{RawContingents, RawNations, RawSensors};
use super::RawChange;
use serde::Deserialize;

/// A numeric field of a scenario that a sweep varies.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawFactorTarget {
    /// Units of a contingent (rounded to a whole number).
    Units(String),
    /// Speed of a contingent \[km/h\].
    SpeedKmh(String),
    /// Notice to move of a contingent, as a fixed delay \[min\].
    NoticeToMoveMinutes(String),
    /// Approval delay of a nation, as a fixed delay \[min\].
    ApprovalDelayMinutes(String),
    /// Revisit interval of a satellite \[h\].
    RevisitHours(String),
    /// Detection probability of a sensor.
    DetectionProbability(String),
    /// Factor on the violation rate of the listed sectors (or all).
    RateScale(RawCoverage),
    /// Units of every selected contingent (rounded): `UnitsOf(Contingents(kind: [IsrDrone]))`.
    UnitsOf(RawContingents),
    /// Factor on the units of every selected contingent (each rounded).
    UnitsTimes(RawContingents),
    /// Speed of every selected contingent \[km/h\].
    SpeedKmhOf(RawContingents),
    /// Notice to move of every selected contingent, as a fixed delay \[min\].
    NoticeToMoveMinutesOf(RawContingents),
    /// Factor on the notice to move of every selected contingent.
    NoticeToMoveTimes(RawContingents),
    /// Approval delay of every selected nation, as a fixed delay \[min\].
    ApprovalDelayMinutesOf(RawNations),
    /// Detection probability of every selected sensor.
    DetectionProbabilityOf(RawSensors),
}

impl RawFactorTarget {
    /// The change that sets this target to `value`.
    pub fn change(&self, value: f64) -> RawChange {
        match self {
            RawFactorTarget::Units(c) => RawChange::SetUnits {
                contingent: c.clone(),
                units: value.round().clamp(0.0, f64::from(u32::MAX)) as u32,
            },
            RawFactorTarget::SpeedKmh(c) => RawChange::SetSpeed {
                contingent: c.clone(),
                speed_kmh: value,
            },
            RawFactorTarget::NoticeToMoveMinutes(c) => RawChange::SetNoticeToMove {
                contingent: c.clone(),
                notice: RawDist::Fixed(RawDuration::Minutes(value)),
            },
            RawFactorTarget::ApprovalDelayMinutes(n) => RawChange::SetApprovalDelay {
                nation: n.clone(),
                delay: Some(RawDist::Fixed(RawDuration::Minutes(value))),
            },
            RawFactorTarget::RevisitHours(s) => RawChange::SetRevisit {
                sensor: s.clone(),
                revisit: RawDuration::Hours(value),
            },
            RawFactorTarget::DetectionProbability(s) => RawChange::SetDetectionProbability {
                sensor: s.clone(),
                probability: value,
            },
            RawFactorTarget::RateScale(sectors) => RawChange::ScaleRate {
                sectors: sectors.clone(),
                factor: value,
            },
            RawFactorTarget::UnitsOf(of) => RawChange::Units {
                of: of.clone(),
                set: Some(value.round().clamp(0.0, f64::from(u32::MAX)) as u32),
                add: None,
                times: None,
            },
            RawFactorTarget::UnitsTimes(of) => RawChange::Units {
                of: of.clone(),
                set: None,
                add: None,
                times: Some(value),
            },
            RawFactorTarget::SpeedKmhOf(of) => RawChange::Speed {
                of: of.clone(),
                set: Some(value),
                add: None,
                times: None,
            },
            RawFactorTarget::NoticeToMoveMinutesOf(of) => RawChange::NoticeToMove {
                of: of.clone(),
                set: Some(RawDist::Fixed(RawDuration::Minutes(value))),
                times: None,
            },
            RawFactorTarget::NoticeToMoveTimes(of) => RawChange::NoticeToMove {
                of: of.clone(),
                set: None,
                times: Some(value),
            },
            RawFactorTarget::ApprovalDelayMinutesOf(of) => RawChange::ApprovalDelay {
                of: of.clone(),
                set: Some(RawDist::Fixed(RawDuration::Minutes(value))),
                times: None,
            },
            RawFactorTarget::DetectionProbabilityOf(of) => RawChange::DetectionProbability {
                of: of.clone(),
                set: Some(value),
                times: None,
            },
        }
    }

    /// Whether values are whole numbers.
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            RawFactorTarget::Units(_) | RawFactorTarget::UnitsOf(_)
        )
    }

    /// Whether values below 0 are meaningless (numbers of units, factors).
    pub fn is_non_negative(&self) -> bool {
        self.is_integer()
            || matches!(
                self,
                RawFactorTarget::UnitsTimes(_) | RawFactorTarget::NoticeToMoveTimes(_)
            )
    }
}
