//! The force model: entities, components and the event handlers that carry a violation
//! from occurrence to response.
//!
//! For each violation: **occurs** (sector arrival process) → **detected** by the first sensor
//! that sees it (radar or observation post in range, an ISR drone on station, a satellite
//! pass while it is still observable; each with its detection probability) → **reported** to
//! HQ after the sensor's delay → monitor-only types are closed; the others go through **HQ
//! processing** → **tasking** of the unit chosen by [`dispatch`] (or a wait in the priority
//! queue until one frees up) → **national approval** → **notice to move** → **transit** →
//! **on scene** → **return** → **turnaround** → available again.
//!
//! Units, drones, sensors, bases, sectors and open violations are bevy_ecs entities; the
//! handlers reach their components directly with `World::get_mut`. Indexes that would
//! otherwise need scans (available units per station, undetected violations per sector,
//! drones on station per sector, queued violations per (type, sector)) live in [`Sim`].
//!
//! One module per concept: [`components`], [`events`], `arrivals`, `detection`,
//! `tasking` and [`dispatch`], [`queues`], `drones`, `onstation` (drones on station per sector and contingent), `sampling`, `unitpos` (positions as unit vectors without libm's trigonometry), `settled` (violations
//! whose history is known at once: no entity, no event); `handle` only forwards each event
//! to its module. What the model reports goes to an [`Observer`] ([`record`]);
//! `metrics::replicate` runs a replication with the KPI collector.

mod arrivals;
mod availability;
pub mod components;
mod detection;
pub mod dispatch;
mod drones;
pub mod events;
mod handle;
mod onstation;
pub mod queues;
pub mod record;
mod sampling;
mod settled;
mod tasking;
#[cfg(test)]
mod testkit;
mod unitpos;

pub use components::{
    BaseSite, Drone, FixedSensorSite, SatelliteTrack, SectorArea, Unit, Violation,
};
pub use events::Ev;
pub use record::{Observer, SensorRef, TimelineSample, ViolationRecord};

use crate::engine::rng::{Streams, key, mix64};
use crate::engine::{self, Scheduler};
use crate::geo::{LatLon, UnitVec, cos_of_km};
use crate::scenario::Scenario;
use crate::time::SimTime;
use arrivals::Arrivals;
use bevy_ecs::prelude::*;
use dispatch::DispatchIndex;
use onstation::OnStation;
use queues::WaitingQueues;
use rand::rngs::ChaCha8Rng;
use sampling::Sampler;
use settled::Settled;
use unitpos::UnitFrame;

const K_APPROVAL: &str = "approval";
const K_NOTICE: &str = "notice";
const K_TURNAROUND: &str = "turnaround";

/// What is derived once from a scenario and shared by all replications.
#[derive(Debug)]
pub struct Prepared {
    /// The scenario.
    pub scenario: Scenario,
    /// Dispatch index.
    pub dispatch: DispatchIndex,
    /// Fixed sensors that can see some part of each sector.
    fixed_by_sector: Vec<Vec<u32>>,
    /// Each fixed sensor's position as a unit vector and the cosine of its range, for range
    /// checks by dot product.
    fixed_reach: Vec<(UnitVec, f64)>,
    /// Each sector's reference point for its positions' unit vectors.
    frames: Vec<UnitFrame>,
    /// ISR contingents flying over each sector, in scenario order.
    fleets: Vec<Vec<u32>>,
    /// Whether satellites or drones watch a sector (undetected violations are kept for them).
    watched: Vec<bool>,
    fixed_keys: Vec<u64>,
    satellite_keys: Vec<u64>,
    drone_keys: Vec<u64>,
    k_approval: u64,
    k_notice: u64,
    k_turnaround: u64,
    /// Contingent of each responder unit, by global unit number.
    unit_contingent: Vec<u32>,
    /// Stations whose contingent has timed availability (issue 12).
    outages: availability::Outages,
}

impl Prepared {
    /// Prepares a validated scenario for simulation.
    pub fn new(scenario: Scenario) -> Self {
        let sc = &scenario;
        let fixed_by_sector = sc
            .sectors
            .iter()
            .map(|s| {
                sc.fixed_sensors
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| {
                        f.domains.contains(s.domain)
                            && s.geometry.distance_km(f.pos) <= f.range_km * 1.01 + 1.0
                    })
                    .map(|(i, _)| i as u32)
                    .collect()
            })
            .collect();
        let mut watched = vec![false; sc.sectors.len()];
        for sat in &sc.satellites {
            sat.sectors.iter().for_each(|&s| watched[s] = true);
        }
        for c in &sc.contingents {
            if let (Some(isr), true) = (&c.isr, c.units > 0) {
                isr.sectors.iter().for_each(|&s| watched[s] = true);
            }
        }
        let dispatch = DispatchIndex::new(sc);
        let mut fleets = vec![Vec::new(); sc.sectors.len()];
        for (ci, c) in sc.contingents.iter().enumerate() {
            if let (Some(isr), true) = (&c.isr, c.units > 0) {
                for &s in &isr.sectors {
                    if !fleets[s].contains(&(ci as u32)) {
                        fleets[s].push(ci as u32);
                    }
                }
            }
        }
        Prepared {
            frames: sc
                .sectors
                .iter()
                .map(|s| {
                    let (lat0, lon0, lat1, lon1) = s.geometry.bbox();
                    UnitFrame::new(LatLon::new((lat0 + lat1) / 2.0, (lon0 + lon1) / 2.0))
                })
                .collect(),
            fleets,
            outages: availability::Outages::new(sc, &dispatch),
            dispatch,
            fixed_by_sector,
            fixed_reach: sc
                .fixed_sensors
                .iter()
                .map(|f| (f.pos.unit(), cos_of_km(f.range_km)))
                .collect(),
            watched,
            fixed_keys: sc
                .fixed_sensors
                .iter()
                .map(|f| key(&format!("fixed/{}", f.id)))
                .collect(),
            satellite_keys: sc
                .satellites
                .iter()
                .map(|f| key(&format!("satellite/{}", f.id)))
                .collect(),
            drone_keys: sc
                .contingents
                .iter()
                .map(|c| key(&format!("drone/{}", c.id)))
                .collect(),
            k_approval: key(K_APPROVAL),
            k_notice: key(K_NOTICE),
            k_turnaround: key(K_TURNAROUND),
            unit_contingent: sc
                .contingents
                .iter()
                .enumerate()
                .filter(|(_, c)| c.isr.is_none())
                .flat_map(|(ci, c)| std::iter::repeat_n(ci as u32, c.units as usize))
                .collect(),
            scenario,
        }
    }
}

/// The state of one replication outside the World: indexes, queues, streams, and the
/// observer that receives what happens.
pub struct Sim<'a, O: Observer> {
    p: &'a Prepared,
    sc: &'a Scenario,
    arrivals: Vec<Arrivals>,
    /// Available units per contingent.
    pools: Vec<Vec<Entity>>,
    /// Available units per dispatch station.
    station_available: Vec<u32>,
    /// Violations waiting for a unit.
    queues: WaitingQueues,
    /// Undetected, observable violations per sector (for satellites and drones).
    watch: Vec<Vec<Entity>>,
    /// Satellite tracks over each sector (woken when its watch list fills).
    sat_tracks: Vec<Vec<Entity>>,
    /// Drones on station per sector (a count: which drones is never asked).
    on_station: Vec<u32>,
    /// Drones on station per sector and contingent (what a violation's detection reads).
    on_station_groups: OnStation,
    covered_since: Vec<SimTime>,
    drone_rngs: Vec<Option<ChaCha8Rng>>,
    next_id: u64,
    horizon: SimTime,
    obs: &'a mut O,
    sampler: Sampler,
    /// Violations settled in advance, until their records are due.
    settled: Settled,
    /// Events resolved without the queue, within the horizon (drone launches and landings,
    /// satellite passes of dormant tracks).
    resolved: u64,
    /// Key of the replication for the draws of satellite passes and drone looks.
    look_seed: u64,
    /// Steps taken by those looks (geometric skips drawn), see [`Run::look_steps`].
    look_steps: u64,
}

/// What one replication leaves besides what its observer received.
#[derive(Debug, Clone)]
pub struct Run {
    /// The model's events: those handled through the queue, and those settled in advance
    /// without one (each counted when its time comes, within the horizon), so that the
    /// count does not depend on how the engine resolves them.
    pub events: u64,
    /// Hourly samples, when asked for.
    pub timeline: Option<Vec<TimelineSample>>,
    /// Steps taken by satellite passes and drone looks over the undetected violations: one
    /// per look and per detection, however many violations are watched (the work that must
    /// grow linearly with the horizon).
    pub look_steps: u64,
}

/// Runs replication `replication` (0-based) of a prepared scenario, handing every record,
/// busy time, coverage and queue length to `obs`; with `timeline`, samples every hour.
pub fn simulate<O: Observer>(p: &Prepared, replication: u64, timeline: bool, obs: &mut O) -> Run {
    let sc = &p.scenario;
    let streams = Streams::new(sc.seed, replication);
    let mut world = World::new();
    let mut sched: Scheduler<Ev> = Scheduler::with_capacity(1024);
    let mut sim = Sim::new(p, &streams, timeline, obs);
    sim.populate(&mut world, &mut sched, &streams);
    let horizon = sim.horizon;
    engine::run(&mut world, &mut sched, &mut sim, horizon);
    // Settled records are all due within the horizon.
    sim.release_settled(&sched, true);
    let events = sched.processed() + sim.settled.released() + sim.resolved;
    sim.finish(&mut world, events)
}

impl<'a, O: Observer> Sim<'a, O> {
    fn new(p: &'a Prepared, streams: &Streams, timeline: bool, obs: &'a mut O) -> Self {
        let sc = &p.scenario;
        let keep_whole = obs.wants_settled_records();
        Sim {
            p,
            sc,
            arrivals: (0..sc.sectors.len())
                .map(|s| Arrivals::new(sc, s, streams))
                .collect(),
            pools: sc
                .contingents
                .iter()
                .map(|c| Vec::with_capacity(c.units as usize))
                .collect(),
            station_available: vec![0; p.dispatch.stations()],
            queues: WaitingQueues::new(p.dispatch.queues()),
            watch: vec![Vec::new(); sc.sectors.len()],
            sat_tracks: vec![Vec::new(); sc.sectors.len()],
            on_station: vec![0; sc.sectors.len()],
            on_station_groups: OnStation::new(p.fleets.clone()),
            covered_since: vec![SimTime::ZERO; sc.sectors.len()],
            drone_rngs: sc
                .contingents
                .iter()
                .map(|c| c.isr.as_ref().map(|_| streams.stream("drones", &c.id)))
                .collect(),
            next_id: 0,
            horizon: SimTime::ZERO + sc.horizon,
            obs,
            sampler: Sampler::new(timeline, sc.horizon.secs()),
            settled: Settled::new(keep_whole),
            resolved: 0,
            look_seed: mix64(sc.seed ^ mix64(streams.replication() ^ key("looks"))),
            look_steps: 0,
        }
    }

    /// Spawns the static entities and the force, and schedules the first events.
    fn populate(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, streams: &Streams) {
        let sc = self.sc;
        for i in 0..sc.bases.len() {
            world.spawn(BaseSite { index: i as u32 });
        }
        for i in 0..sc.sectors.len() {
            world.spawn(SectorArea { index: i as u32 });
        }
        for i in 0..sc.fixed_sensors.len() {
            world.spawn(FixedSensorSite { index: i as u32 });
        }
        self.spawn_units(world);
        self.spawn_drones(world, sched);
        self.spawn_satellite_tracks(world, streams);
        self.schedule_first_arrivals(sched);
        self.schedule_service_starts(sched); // timed events (availability)
        self.schedule_sampling(sched);
    }

    /// Hands the observer what is still open at the horizon.
    fn finish(mut self, world: &mut World, events: u64) -> Run {
        let end = self.horizon;
        self.queues.integrate_to(end, &mut *self.obs);
        let mut open: Vec<ViolationRecord> = world
            .query::<&Violation>()
            .iter(world)
            .map(|v| v.record(self.sc, &self.p.unit_contingent))
            .collect();
        open.sort_by_key(|r| r.id);
        for r in &open {
            self.obs.record(r, true);
        }
        let mut busy: Vec<(u32, crate::time::SimDuration)> = world
            .query::<&Unit>()
            .iter(world)
            .filter(|u| u.busy)
            .map(|u| (u.contingent, end - u.busy_since))
            .collect();
        busy.sort_unstable();
        for (c, d) in busy {
            self.obs.add_busy(c as usize, d, end);
        }
        self.close_coverage(end);
        Run {
            events,
            timeline: self.sampler.take(),
            look_steps: self.look_steps,
        }
    }
}
