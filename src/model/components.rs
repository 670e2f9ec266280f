//! The bevy_ecs components of the model: units, drones, satellite tracks, static sites and
//! open violations.

use super::record::{SensorRef, ViolationRecord};
use crate::geo::LatLon;
use crate::scenario::Scenario;
use crate::time::{SimDuration, SimTime};
use bevy_ecs::prelude::*;
use std::num::NonZeroU32;

/// A unit that answers violations.
#[derive(Component, Debug)]
pub struct Unit {
    /// Contingent index.
    pub contingent: u32,
    /// Global unit number (stable: contingent order, then unit order).
    pub index: u32,
    /// The violation it is answering.
    pub task: Option<Entity>,
    /// Whether it is tasked, en route, on scene, returning or turning around.
    pub busy: bool,
    /// When it became busy.
    pub busy_since: SimTime,
    /// One-way transit of the current task.
    pub transit: SimDuration,
    /// Key of the current task's violation, for its random draws.
    pub task_seed: u64,
}

/// An ISR drone flying orbits over one sector.
#[derive(Component, Debug)]
pub struct Drone {
    /// Contingent index.
    pub contingent: u32,
    /// Sector it keeps covered.
    pub sector: u32,
    /// Number within its contingent.
    pub index: u32,
    /// One-way transit between base and station.
    pub transit: SimDuration,
    /// Time on station per sortie (endurance − 2 × transit).
    pub on_station: SimDuration,
    /// Sorties flown.
    pub sorties: u64,
}

/// A satellite constellation's pass counter over one sector.
#[derive(Component, Debug)]
pub struct SatelliteTrack {
    /// Satellite index.
    pub satellite: u32,
    /// Sector index.
    pub sector: u32,
    /// Passes so far (numbered from the first within the horizon, dormant ones included).
    pub passes: u64,
    /// Time of the first pass.
    pub first: SimTime,
    /// Whether its passes are not scheduled, its sector having nothing to look at.
    pub dormant: bool,
}

/// A radar or observation post.
#[derive(Component, Debug)]
pub struct FixedSensorSite {
    /// Index into [`Scenario::fixed_sensors`](crate::scenario::Scenario::fixed_sensors).
    pub index: u32,
}

/// A base (static).
#[derive(Component, Debug)]
pub struct BaseSite {
    /// Index into [`Scenario::bases`](crate::scenario::Scenario::bases).
    pub index: u32,
}

/// A sector (static).
#[derive(Component, Debug)]
pub struct SectorArea {
    /// Index into [`Scenario::sectors`](crate::scenario::Scenario::sectors).
    pub index: u32,
}

/// An instant of a violation's history in 32 bits: seconds since the start plus one, or
/// none. Validated horizons are at most 100 years (3.2·10⁹ s < 2³²), and a violation's
/// stages are stamped when their events fire, within the horizon.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stamp(Option<NonZeroU32>);

impl Stamp {
    /// Not reached.
    pub const NONE: Stamp = Stamp(None);

    /// Reached at `t` (within a validated horizon).
    #[inline]
    pub fn at(t: SimTime) -> Stamp {
        let secs = u32::try_from(t.secs() + 1).expect("validated: horizon below 2^32 s");
        Stamp(NonZeroU32::new(secs))
    }

    /// When, if reached.
    #[inline]
    pub fn get(self) -> Option<SimTime> {
        self.0.map(|n| SimTime(u64::from(n.get()) - 1))
    }

    /// Whether reached.
    #[inline]
    pub fn is_some(self) -> bool {
        self.0.is_some()
    }
}

/// An open violation, stored compactly: what its type fixes (domain, severity, response,
/// target) is looked up, stage times take 32 bits; [`Violation::record`] expands it.
#[derive(Component, Debug)]
pub struct Violation {
    /// Key for the violation's own random draws (detection rolls, delays of its tasking).
    pub seed: u64,
    /// Where it happened.
    pub pos: LatLon,
    /// Time on scene (drawn at occurrence, so every force option sees the same).
    pub on_scene: SimDuration,
    /// HQ processing time (drawn at occurrence; zero, never read, for a type needing no
    /// response).
    pub hq: SimDuration,
    /// Sequence number within the replication, in order of occurrence.
    pub id: u32,
    /// Sector index.
    pub sector: u32,
    /// Violation type index.
    pub vtype: u32,
    /// When it happened \[s\].
    pub occurred_s: u32,
    /// When a sensor detected it.
    pub detected: Stamp,
    /// When the report reached HQ.
    pub reported: Stamp,
    /// When HQ decided to respond.
    pub decided: Stamp,
    /// When a unit was tasked.
    pub tasked: Stamp,
    /// When national approval came.
    pub approved: Stamp,
    /// When the unit left its base.
    pub departed: Stamp,
    /// When the unit arrived on scene.
    pub arrived: Stamp,
    /// When the unit left the scene.
    pub cleared: Stamp,
    /// Which sensor detected it.
    pub sensor: Option<SensorRef>,
    /// The responding unit's global index.
    pub unit: Option<u32>,
    /// Its place in its sector's watch list while undetected and observable.
    pub watch_slot: Option<NonZeroU32>,
    /// Whether no unit of the force could ever answer it.
    pub unanswerable: bool,
}

impl Violation {
    /// When it happened.
    #[inline]
    pub fn occurred(&self) -> SimTime {
        SimTime(u64::from(self.occurred_s))
    }

    /// Whether its type needs a unit on scene.
    #[inline]
    pub fn needs_response(&self, sc: &Scenario) -> bool {
        sc.violation_types[self.vtype as usize].response.is_some()
    }

    /// The full record; `unit_contingent` gives each unit's contingent.
    pub fn record(&self, sc: &Scenario, unit_contingent: &[u32]) -> ViolationRecord {
        let vt = &sc.violation_types[self.vtype as usize];
        let contingent = self.unit.map(|u| unit_contingent[u as usize]);
        ViolationRecord {
            id: u64::from(self.id),
            sector: self.sector,
            vtype: self.vtype,
            domain: vt.domain,
            severity: vt.severity,
            pos: self.pos,
            needs_response: vt.response.is_some(),
            target: vt.response.as_ref().map_or(SimDuration::ZERO, |r| r.target),
            occurred: self.occurred(),
            detected: self.detected.get(),
            sensor: self.sensor,
            reported: self.reported.get(),
            decided: self.decided.get(),
            tasked: self.tasked.get(),
            approved: self.approved.get(),
            departed: self.departed.get(),
            arrived: self.arrived.get(),
            cleared: self.cleared.get(),
            unit: self.unit,
            contingent,
            nation: contingent.map(|c| sc.contingents[c as usize].nation as u32),
            unanswerable: self.unanswerable,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::queues::QueueKey;

    #[test]
    fn open_violations_stay_compact() {
        // What is stored per open violation: the component, one watch-list slot while
        // undetected (an Entity), one QueueKey per station that can reach it while waiting.
        // The validator's memory estimate relies on these figures (issue 9.3).
        assert!(size_of::<Violation>() <= 112, "{}", size_of::<Violation>());
        assert!(size_of::<Entity>() <= 8);
        assert!(size_of::<QueueKey>() <= 24, "{}", size_of::<QueueKey>());
        assert_eq!(size_of::<Stamp>(), 4);
    }

    #[test]
    fn stamps_round_trip_and_none_is_distinct() {
        assert_eq!(Stamp::at(SimTime(0)).get(), Some(SimTime(0)));
        let last = SimTime(u64::from(u32::MAX) - 1);
        assert_eq!(Stamp::at(last).get(), Some(last));
        assert_eq!(Stamp::NONE.get(), None);
        assert!(!Stamp::NONE.is_some());
    }
}
