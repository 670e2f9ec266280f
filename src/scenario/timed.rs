//! Timed events: escalation windows, contingents deployed or withdrawn on a date, sensors
//! out of service and drones grounded for a while, as a scenario's `events` or a study's
//! changes write them ([`RawEvent`]), and what the model reads of them ([`Availability`];
//! escalation windows become each sector's [`super::RateWindow`]s).

use super::raw::{RawCoverage, RawDuration};
use super::select::{RawContingents, RawSensors};
use crate::time::SimTime;
use serde::Deserialize;

/// A timed event. Times count from the start of a replication: `from: Days(30)`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawEvent {
    /// The violation rate of some sectors (`All` or `Sectors([...])`) is multiplied by
    /// `rate_multiplier` from `from` until `until`:
    /// `Escalate(sectors: All, from: Days(30), until: Days(37), rate_multiplier: 5)`.
    Escalate {
        /// Which sectors.
        sectors: RawCoverage,
        /// Opens at.
        from: RawDuration,
        /// Closes at.
        until: RawDuration,
        /// Factor on the rate while open (> 0; below 1 is a lull).
        rate_multiplier: f64,
    },
    /// The contingents leave the theatre on a date: from then on their units are not tasked
    /// (a unit already on a task finishes it).
    Withdraw {
        /// Which contingents.
        contingents: RawContingents,
        /// When.
        on: RawDuration,
    },
    /// The contingents arrive in theatre on a date: their units are not tasked before.
    Deploy {
        /// Which contingents.
        contingents: RawContingents,
        /// When.
        on: RawDuration,
    },
    /// Sensors out of service (a radar or observation post sees nothing, a satellite's
    /// passes see nothing) from `from` until `until`.
    Outage {
        /// Which sensors.
        sensors: RawSensors,
        /// From.
        from: RawDuration,
        /// Until.
        until: RawDuration,
    },
    /// Drones grounded from `from` until `until`: no sortie is launched in between (drones
    /// already in the air finish their sortie).
    Ground {
        /// Which drone contingents.
        drones: RawContingents,
        /// From.
        from: RawDuration,
        /// Until.
        until: RawDuration,
    },
}

/// A time interval `[from, until)`.
pub type Interval = (SimTime, SimTime);

/// What is out of service when: the contingents, sensors and drone fleets of the timed
/// events, each with its intervals sorted and merged.
#[readonly::make]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Availability {
    /// Per contingent: intervals in which its units may not be tasked.
    pub contingent_out: Vec<Vec<Interval>>,
    /// Per radar or observation post (`Scenario::fixed_sensors`): intervals out of service.
    pub fixed_sensor_out: Vec<Vec<Interval>>,
    /// Per satellite (`Scenario::satellites`): intervals out of service.
    pub satellite_out: Vec<Vec<Interval>>,
    /// Per contingent (drone fleets): intervals in which no sortie is launched.
    pub grounded: Vec<Vec<Interval>>,
}

/// Whether `t` lies in one of the sorted `intervals`.
pub fn within(intervals: &[Interval], t: SimTime) -> bool {
    intervals.iter().any(|&(a, b)| a <= t && t < b)
}

/// The end of the interval holding `t`, if one does.
pub fn end_of(intervals: &[Interval], t: SimTime) -> Option<SimTime> {
    intervals
        .iter()
        .find(|&&(a, b)| a <= t && t < b)
        .map(|&(_, b)| b)
}

/// Sorts and merges overlapping or touching intervals; drops empty ones.
pub fn merged(mut v: Vec<Interval>) -> Vec<Interval> {
    v.retain(|(a, b)| a < b);
    v.sort_unstable();
    let mut out: Vec<Interval> = Vec::with_capacity(v.len());
    for (a, b) in v {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

impl Availability {
    /// Built from per-item interval lists (each is sorted and merged here).
    pub(super) fn new(
        contingent_out: Vec<Vec<Interval>>,
        fixed_sensor_out: Vec<Vec<Interval>>,
        satellite_out: Vec<Vec<Interval>>,
        grounded: Vec<Vec<Interval>>,
    ) -> Self {
        Availability {
            contingent_out: contingent_out.into_iter().map(merged).collect(),
            fixed_sensor_out: fixed_sensor_out.into_iter().map(merged).collect(),
            satellite_out: satellite_out.into_iter().map(merged).collect(),
            grounded: grounded.into_iter().map(merged).collect(),
        }
    }

    /// Whether contingent `c`'s units may be tasked at `t`.
    pub fn contingent_in_service(&self, c: usize, t: SimTime) -> bool {
        self.contingent_out.get(c).is_none_or(|v| !within(v, t))
    }

    /// Whether contingent `c` is ever out of service.
    pub fn contingent_has_events(&self, c: usize) -> bool {
        self.contingent_out.get(c).is_some_and(|v| !v.is_empty())
    }

    /// Whether nothing is ever out of service.
    pub fn is_empty(&self) -> bool {
        [
            &self.contingent_out,
            &self.fixed_sensor_out,
            &self.satellite_out,
            &self.grounded,
        ]
        .iter()
        .all(|l| l.iter().all(Vec::is_empty))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_merge_and_are_found() {
        let t = SimTime;
        let m = merged(vec![
            (t(5), t(9)),
            (t(0), t(2)),
            (t(2), t(3)),
            (t(7), t(12)),
            (t(4), t(4)),
        ]);
        assert_eq!(m, vec![(t(0), t(3)), (t(5), t(12))]);
        assert!(within(&m, t(0)) && within(&m, t(11)) && !within(&m, t(3)) && !within(&m, t(12)));
        assert_eq!(end_of(&m, t(6)), Some(t(12)));
        assert_eq!(end_of(&m, t(4)), None);
    }
}
