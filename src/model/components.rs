//! The bevy_ecs components of the model: units, drones, satellite tracks, static sites and
//! open violations.

use super::record::ViolationRecord;
use crate::time::{SimDuration, SimTime};
use bevy_ecs::prelude::*;

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
    /// Passes so far.
    pub passes: u64,
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

/// An open violation.
#[derive(Component, Debug)]
pub struct Violation {
    /// What has happened so far.
    pub rec: ViolationRecord,
    /// Key for the violation's own random draws (detection rolls, delays of its tasking).
    pub seed: u64,
    /// Sensors can detect it until then.
    pub observable_until: SimTime,
    /// Time on scene (drawn at occurrence, so every force option sees the same).
    pub on_scene: SimDuration,
    /// HQ processing time (drawn at occurrence).
    pub hq: SimDuration,
    /// Its place in its sector's watch list while undetected and observable.
    pub watch_slot: Option<u32>,
}
