//! What the model reports: one record per violation, hourly samples, and the [`Observer`]
//! that receives them (the metrics layer implements it).

use crate::geo::LatLon;
use crate::scenario::{Domain, Scenario, Severity};
use crate::time::{SimDuration, SimTime};

/// Which sensor detected a violation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SensorRef {
    /// A satellite (index into [`Scenario::satellites`]).
    Satellite(u32),
    /// A radar or observation post (index into [`Scenario::fixed_sensors`]).
    Fixed(u32),
    /// An ISR drone of a contingent (index into [`Scenario::contingents`]).
    Drone(u32),
}

impl SensorRef {
    /// The sensor's id (for drones: the contingent's id).
    pub fn id<'a>(&self, sc: &'a Scenario) -> &'a str {
        match *self {
            SensorRef::Satellite(i) => &sc.satellites[i as usize].id,
            SensorRef::Fixed(i) => &sc.fixed_sensors[i as usize].id,
            SensorRef::Drone(i) => &sc.contingents[i as usize].id,
        }
    }
}

/// Everything that happened to one violation.
#[derive(Debug, Clone, PartialEq)]
pub struct ViolationRecord {
    /// Sequence number within the replication, in order of occurrence.
    pub id: u64,
    /// Sector index.
    pub sector: u32,
    /// Violation type index.
    pub vtype: u32,
    /// Domain.
    pub domain: Domain,
    /// Severity.
    pub severity: Severity,
    /// Where it happened.
    pub pos: LatLon,
    /// Whether it needs a unit on scene.
    pub needs_response: bool,
    /// Response-time target (zero for monitor-only types).
    pub target: SimDuration,
    /// When it happened.
    pub occurred: SimTime,
    /// When a sensor detected it.
    pub detected: Option<SimTime>,
    /// Which sensor.
    pub sensor: Option<SensorRef>,
    /// When the report reached HQ.
    pub reported: Option<SimTime>,
    /// When HQ decided to respond.
    pub decided: Option<SimTime>,
    /// When a unit was tasked.
    pub tasked: Option<SimTime>,
    /// When national approval came.
    pub approved: Option<SimTime>,
    /// When the unit left its base (end of notice to move).
    pub departed: Option<SimTime>,
    /// When the unit arrived on scene.
    pub arrived: Option<SimTime>,
    /// When the unit left the scene.
    pub cleared: Option<SimTime>,
    /// The responding unit's global index.
    pub unit: Option<u32>,
    /// The responding unit's contingent.
    pub contingent: Option<u32>,
    /// The responding unit's nation.
    pub nation: Option<u32>,
    /// Whether no unit of the force could ever answer it (no eligible station within
    /// range): it was closed when HQ decided, not queued.
    pub unanswerable: bool,
}

impl ViolationRecord {
    /// Response time, if a unit arrived.
    pub fn response_time(&self) -> Option<SimDuration> {
        self.arrived.map(|a| a - self.occurred)
    }
}

/// The state of the theatre at the end of one hour of a replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimelineSample {
    /// Hours since the start.
    pub hour: u32,
    /// Violations that occurred during the hour.
    pub violations: u32,
    /// Of those, how many need a response.
    pub needing_response: u32,
    /// Violations waiting for a unit at the end of the hour.
    pub queued: u32,
    /// Responder units available at their bases, per domain ([`Domain::ALL`] order).
    pub available: [u32; 3],
    /// ISR drones on station.
    pub drones_on_station: u32,
    /// Responder units busy (tasked, en route, on scene, returning or turning around), per
    /// domain; with `available` they account for every responder unit.
    pub busy: [u32; 3],
}

/// Receives what happens in a replication; [`crate::metrics::Collector`] implements it.
pub trait Observer {
    /// Takes a finished record; `at_end` marks records still open at the horizon.
    fn record(&mut self, r: &ViolationRecord, at_end: bool);
    /// Takes the record of a monitor-only violation settled in advance: one of sector
    /// `sector` and type `vtype` that occurred at `occurred`, was detected at `detected` and
    /// closed by its report, with no unit. `full` builds the whole record; an observer that
    /// needs only counts can skip it (most records of a run are of this kind). The default
    /// hands the whole record to [`Observer::record`].
    ///
    /// `full` may be called only if [`Observer::wants_settled_records`] said so.
    fn record_settled(
        &mut self,
        sector: u32,
        vtype: u32,
        occurred: SimTime,
        detected: SimTime,
        full: impl FnOnce() -> ViolationRecord,
    ) {
        let _ = (sector, vtype, occurred, detected);
        self.record(&full(), false);
    }
    /// Whether [`Observer::record_settled`] may build whole records (the default). An
    /// observer that only counts settled violations says no, asked once at the start of a
    /// replication, and the model keeps none of their whole state.
    fn wants_settled_records(&self) -> bool {
        true
    }
    /// Adds busy time `d` of a unit of contingent `contingent`, ending at `now`.
    fn add_busy(&mut self, contingent: usize, d: SimDuration, now: SimTime);
    /// Adds time `d` during which sector `sector` had a drone on station, ending at `now`.
    fn add_covered(&mut self, sector: usize, d: SimDuration, now: SimTime);
    /// Adds `waiting` violations of `domain` waiting for `d`, ending at `now`.
    fn add_queue_area(&mut self, domain: Domain, waiting: u32, d: SimDuration, now: SimTime);
}
