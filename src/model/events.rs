//! The events of the model: what can happen to a sector, a violation, a unit or a sensor.

use bevy_ecs::prelude::Entity;

/// The events of the model.
#[derive(Debug, Clone, Copy)]
pub enum Ev {
    /// The next violation of a sector occurs.
    Occur(u32),
    /// An undetected violation stops being observable.
    Expire(Entity),
    /// A detection report reaches HQ.
    Report(Entity),
    /// HQ has processed a report and tasks a unit.
    Decide(Entity),
    /// National approval came for a unit's task.
    Approved(Entity),
    /// A unit leaves its base.
    Depart(Entity),
    /// A unit arrives on scene.
    Arrive(Entity),
    /// A unit leaves the scene.
    Clear(Entity),
    /// A unit is back at base.
    Home(Entity),
    /// A unit is available again.
    Ready(Entity),
    /// A satellite passes over a sector (the entity holds the track).
    SatPass(Entity),
    /// A drone reaches its station.
    DroneOnStation(Entity),
    /// A drone leaves its station.
    DroneOffStation(Entity),
    /// A contingent comes (back) into service (timed events).
    InService(u32),
    /// The hourly timeline sample.
    Sample,
}
