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

pub mod dispatch;

use crate::dist::Dist;
use crate::engine::rng::{KeyedRng, Streams, key};
use crate::engine::{self, Handler, Scheduler};
use crate::metrics::{Collector, ReplicationResult, SensorRef, TimelineSample, ViolationRecord};
use crate::scenario::{Domain, QueuePriority, Scenario, Severity};
use crate::time::{SimDuration, SimTime};
use bevy_ecs::prelude::*;
use dispatch::DispatchIndex;
use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

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
    /// Index into [`Scenario::fixed_sensors`].
    pub index: u32,
}

/// A base (static).
#[derive(Component, Debug)]
pub struct BaseSite {
    /// Index into [`Scenario::bases`].
    pub index: u32,
}

/// A sector (static).
#[derive(Component, Debug)]
pub struct SectorArea {
    /// Index into [`Scenario::sectors`].
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
}

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
    /// A drone takes off.
    DroneLaunch(Entity),
    /// A drone reaches its station.
    DroneOnStation(Entity),
    /// A drone leaves its station.
    DroneOffStation(Entity),
    /// A drone lands.
    DroneHome(Entity),
    /// The hourly timeline sample.
    Sample,
}

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
    /// Whether satellites or drones watch a sector (undetected violations are kept for them).
    watched: Vec<bool>,
    fixed_keys: Vec<u64>,
    satellite_keys: Vec<u64>,
    drone_keys: Vec<u64>,
    k_approval: u64,
    k_notice: u64,
    k_turnaround: u64,
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
        Prepared {
            dispatch: DispatchIndex::new(sc),
            fixed_by_sector,
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
            scenario,
        }
    }
}

/// The arrival process of one sector: a non-homogeneous Poisson process (daily profile,
/// escalation bursts) generated by thinning.
struct Arrivals {
    rng: ChaCha8Rng,
    t_secs: f64,
    max_rate_per_s: f64,
    bursts: Vec<(f64, f64)>,
    burst: usize,
}

impl Arrivals {
    fn new(sc: &Scenario, s: usize, streams: &Streams) -> Self {
        let sector = &sc.sectors[s];
        let horizon = sc.horizon.secs() as f64;
        let mut bursts = Vec::new();
        let mut peak = 1.0;
        if let Some(e) = &sector.escalation {
            peak = e.multiplier;
            let mut rng = streams.stream("escalation", &sector.id);
            let rate_per_s = e.bursts_per_day / 86_400.0;
            let mut t = 0.0;
            if rate_per_s > 0.0 {
                loop {
                    t += -(1.0 - rng.random::<f64>()).ln() / rate_per_s;
                    if t > horizon {
                        break;
                    }
                    let d = e.duration.sample_secs(&mut rng);
                    bursts.push((t, t + d));
                }
            }
        }
        let max_profile = sector.profile.iter().copied().fold(0.0, f64::max);
        Arrivals {
            rng: streams.stream("violations", &sector.id),
            t_secs: 0.0,
            max_rate_per_s: sector.rate_per_day / 86_400.0 * max_profile * peak,
            bursts,
            burst: 0,
        }
    }

    /// The next occurrence time, or None past the horizon.
    fn next(&mut self, sector: &crate::scenario::Sector, horizon: f64) -> Option<SimTime> {
        if self.max_rate_per_s <= 0.0 {
            return None;
        }
        let base = sector.rate_per_day / 86_400.0;
        let mult = sector.escalation.as_ref().map_or(1.0, |e| e.multiplier);
        loop {
            self.t_secs += -(1.0 - self.rng.random::<f64>()).ln() / self.max_rate_per_s;
            if self.t_secs > horizon {
                return None;
            }
            while self.burst < self.bursts.len() && self.bursts[self.burst].1 < self.t_secs {
                self.burst += 1;
            }
            let in_burst = self.bursts[self.burst..]
                .iter()
                .take_while(|b| b.0 <= self.t_secs)
                .any(|b| b.1 >= self.t_secs);
            let hour = ((self.t_secs / 3600.0) as u64 % 24) as usize;
            let rate = base * sector.profile[hour] * if in_burst { mult } else { 1.0 };
            if self.rng.random::<f64>() * self.max_rate_per_s < rate {
                return Some(SimTime(self.t_secs.round() as u64));
            }
        }
    }
}

/// Order of the queue: (priority, occurrence \[s\], violation id, violation); smallest first.
type QueueKey = (u8, u64, u64, Entity);

/// One look by a sensor at the undetected violations of a sector.
#[derive(Debug, Clone, Copy)]
struct Look {
    /// Detection probability per violation.
    p: f64,
    /// Key of this look's random draws.
    key: u64,
    /// Reporting or processing delay.
    delay: Dist,
    /// Who looks.
    sensor: SensorRef,
}

/// The state of one replication outside the World: indexes, queues, streams, metrics.
pub struct Sim<'a> {
    p: &'a Prepared,
    sc: &'a Scenario,
    arrivals: Vec<Arrivals>,
    /// Available units per contingent.
    pools: Vec<Vec<Entity>>,
    /// Available units per dispatch station.
    station_available: Vec<u32>,
    /// Waiting violations per (type, sector) pair: key (priority, occurrence, id).
    queues: Vec<BinaryHeap<Reverse<QueueKey>>>,
    queued: usize,
    /// Waiting violations per domain, and when that last changed (for the time average).
    queued_by_domain: [u32; 3],
    queue_changed: SimTime,
    /// Undetected, observable violations per sector (for satellites and drones).
    watch: Vec<Vec<Entity>>,
    /// Drones on station per sector.
    on_station: Vec<Vec<Entity>>,
    covered_since: Vec<SimTime>,
    drone_rngs: Vec<Option<ChaCha8Rng>>,
    next_id: u64,
    horizon: SimTime,
    collector: Collector,
    /// Hourly samples, when asked for, and the counts of the current hour.
    timeline: Option<Vec<TimelineSample>>,
    hour_counts: (u32, u32),
}

/// What to record beyond the KPIs.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimOptions {
    /// Keep every violation record.
    pub trace: bool,
    /// Sample the theatre every hour.
    pub timeline: bool,
}

/// The results of one replication.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// KPIs.
    pub result: ReplicationResult,
    /// Every violation record, with [`SimOptions::trace`].
    pub trace: Option<Vec<ViolationRecord>>,
    /// Hourly samples, with [`SimOptions::timeline`].
    pub timeline: Option<Vec<TimelineSample>>,
}

/// Runs one replication.
pub fn simulate(p: &Prepared, replication: u64, opts: SimOptions) -> Outcome {
    let sc = &p.scenario;
    let streams = Streams::new(sc.seed, replication);
    let mut world = World::new();
    let mut sched: Scheduler<Ev> = Scheduler::with_capacity(1024);
    let mut sim = Sim::new(p, &streams, opts.trace);
    sim.populate(&mut world, &mut sched, &streams);
    if opts.timeline {
        sim.timeline = Some(Vec::with_capacity(sc.horizon.secs() as usize / 3600 + 1));
        sched.at(SimTime(3600), Ev::Sample);
    }
    let horizon = sim.horizon;
    engine::run(&mut world, &mut sched, &mut sim, horizon);
    sim.finish(&mut world, replication, sched.processed())
}

impl<'a> Sim<'a> {
    fn new(p: &'a Prepared, streams: &Streams, trace: bool) -> Self {
        let sc = &p.scenario;
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
            queues: (0..p.dispatch.pairs()).map(|_| BinaryHeap::new()).collect(),
            queued: 0,
            queued_by_domain: [0; 3],
            queue_changed: SimTime::ZERO,
            watch: vec![Vec::new(); sc.sectors.len()],
            on_station: vec![Vec::new(); sc.sectors.len()],
            covered_since: vec![SimTime::ZERO; sc.sectors.len()],
            drone_rngs: sc
                .contingents
                .iter()
                .map(|c| c.isr.as_ref().map(|_| streams.stream("drones", &c.id)))
                .collect(),
            next_id: 0,
            horizon: SimTime::ZERO + sc.horizon,
            collector: Collector::new(sc, trace),
            timeline: None,
            hour_counts: (0, 0),
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
        let mut unit_index = 0u32;
        // Drones per sector, for staggering launches over all contingents covering it.
        let mut drones_for: Vec<Vec<(u32, u32)>> = vec![Vec::new(); sc.sectors.len()];
        for (ci, c) in sc.contingents.iter().enumerate() {
            if let Some(isr) = &c.isr {
                for k in 0..c.units {
                    let s = isr.sectors[k as usize % isr.sectors.len()];
                    drones_for[s].push((ci as u32, k));
                }
                continue;
            }
            let st = self.p.dispatch.station_of(ci);
            for _ in 0..c.units {
                let e = world
                    .spawn(Unit {
                        contingent: ci as u32,
                        index: unit_index,
                        task: None,
                        busy: false,
                        busy_since: SimTime::ZERO,
                        transit: SimDuration::ZERO,
                        task_seed: 0,
                    })
                    .id();
                unit_index += 1;
                self.pools[ci].push(e);
                if st != u32::MAX {
                    self.station_available[st as usize] += 1;
                }
            }
            // Pop from the back: the unit with the lowest number goes first.
            self.pools[ci].reverse();
        }
        for (s, drones) in drones_for.iter().enumerate() {
            let n = drones.len() as f64;
            for (j, &(ci, k)) in drones.iter().enumerate() {
                let c = &sc.contingents[ci as usize];
                let endurance = c
                    .endurance
                    .expect("validated: ISR drones have an endurance");
                let km = sc.bases[c.base]
                    .pos
                    .distance_km(sc.sectors[s].geometry.centroid())
                    * sc.command.route_factor(c.domain);
                let transit = SimDuration::from_hours_f64(km / c.speed_kmh);
                let on_station = SimDuration(endurance.secs().saturating_sub(2 * transit.secs()));
                let cycle = endurance.secs() as f64 + c.turnaround.mean_secs();
                let e = world
                    .spawn(Drone {
                        contingent: ci,
                        sector: s as u32,
                        index: k,
                        transit,
                        on_station,
                        sorties: 0,
                    })
                    .id();
                sched.at(
                    SimTime::ZERO + SimDuration::from_secs_f64(j as f64 * cycle / n),
                    Ev::DroneLaunch(e),
                );
            }
        }
        for (si, sat) in sc.satellites.iter().enumerate() {
            for &s in &sat.sectors {
                let e = world
                    .spawn(SatelliteTrack {
                        satellite: si as u32,
                        sector: s as u32,
                        passes: 0,
                    })
                    .id();
                let mut rng = streams.stream(
                    "satellite-phase",
                    &format!("{}/{}", sat.id, sc.sectors[s].id),
                );
                let phase =
                    SimDuration::from_secs_f64(rng.random::<f64>() * sat.revisit.secs() as f64);
                sched.at(SimTime::ZERO + phase, Ev::SatPass(e));
            }
        }
        let horizon = sc.horizon.secs() as f64;
        for s in 0..sc.sectors.len() {
            if let Some(t) = self.arrivals[s].next(&sc.sectors[s], horizon) {
                sched.at(t, Ev::Occur(s as u32));
            }
        }
    }

    fn finish(mut self, world: &mut World, replication: u64, events: u64) -> Outcome {
        let end = self.horizon;
        self.queue_change(end, Domain::Air, 0);
        let mut open: Vec<ViolationRecord> = world
            .query::<&Violation>()
            .iter(world)
            .map(|v| v.rec.clone())
            .collect();
        open.sort_by_key(|r| r.id);
        for r in &open {
            self.collector.record(r, true);
        }
        let mut busy: Vec<(u32, SimDuration)> = world
            .query::<&Unit>()
            .iter(world)
            .filter(|u| u.busy)
            .map(|u| (u.contingent, end - u.busy_since))
            .collect();
        busy.sort_unstable();
        for (c, d) in busy {
            self.collector.add_busy(c as usize, d);
        }
        for s in 0..self.sc.sectors.len() {
            if !self.on_station[s].is_empty() {
                self.collector.add_covered(s, end - self.covered_since[s]);
            }
        }
        let timeline = self.timeline.take();
        let (result, trace) = self.collector.finish(self.sc, replication, events);
        Outcome {
            result,
            trace,
            timeline,
        }
    }

    // ---- violations -------------------------------------------------------------------

    fn occur(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, s: usize) {
        let sc = self.sc;
        let now = sched.now();
        let sector = &sc.sectors[s];
        let arr = &mut self.arrivals[s];
        // Everything about the violation comes from the sector's own stream.
        let pos = sector.geometry.sample(&mut arr.rng);
        let u: f64 = arr.rng.random();
        let t = sector
            .mix
            .iter()
            .find(|(_, cum)| u < *cum)
            .unwrap_or_else(|| sector.mix.last().expect("validated: mix not empty"))
            .0;
        let vt = &sc.violation_types[t];
        let observable = vt.observable.sample(&mut arr.rng);
        let on_scene = vt
            .response
            .as_ref()
            .map_or(Dist::ZERO, |r| r.on_scene)
            .sample(&mut arr.rng);
        let hq = sc.command.hq_processing.sample(&mut arr.rng);
        let seed: u64 = arr.rng.random();
        if let Some(next) = arr.next(sector, sc.horizon.secs() as f64) {
            sched.at(next, Ev::Occur(s as u32));
        }

        let id = self.next_id;
        self.next_id += 1;
        self.hour_counts.0 += 1;
        self.hour_counts.1 += u32::from(vt.response.is_some());
        let rec = ViolationRecord {
            id,
            sector: s as u32,
            vtype: t as u32,
            domain: vt.domain,
            severity: vt.severity,
            pos,
            needs_response: vt.response.is_some(),
            target: vt.response.as_ref().map_or(SimDuration::ZERO, |r| r.target),
            occurred: now,
            detected: None,
            sensor: None,
            reported: None,
            decided: None,
            tasked: None,
            approved: None,
            departed: None,
            arrived: None,
            cleared: None,
            unit: None,
            contingent: None,
            nation: None,
        };
        let observable_until = now + observable;

        // Sensors that see it the moment it happens: fixed sensors in range, drones on station.
        let mut best: Option<(SimTime, SensorRef)> = None;
        let mut consider = |report: SimTime, sensor: SensorRef| {
            if best.is_none_or(|(b, _)| report < b) {
                best = Some((report, sensor));
            }
        };
        for &f in &self.p.fixed_by_sector[s] {
            let fs = &sc.fixed_sensors[f as usize];
            if fs.pos.distance_km(pos) > fs.range_km {
                continue;
            }
            let mut rng = KeyedRng::new(seed, self.p.fixed_keys[f as usize]);
            if rng.random::<f64>() < fs.detection_probability {
                consider(now + fs.reporting.sample(&mut rng), SensorRef::Fixed(f));
            }
        }
        for &d in &self.on_station[s] {
            let drone = world.get::<Drone>(d).expect("drone on station exists");
            let c = drone.contingent as usize;
            let isr = sc.contingents[c]
                .isr
                .as_ref()
                .expect("drones have ISR tasking");
            let mut rng = KeyedRng::new(
                seed,
                self.p.drone_keys[c] ^ u64::from(drone.index).wrapping_mul(0x9e37_79b9),
            );
            if rng.random::<f64>() < isr.detection_probability {
                consider(
                    now + isr.reporting.sample(&mut rng),
                    SensorRef::Drone(c as u32),
                );
            }
        }

        let e = world
            .spawn(Violation {
                rec,
                seed,
                observable_until,
                on_scene,
                hq,
            })
            .id();
        if let Some((report, sensor)) = best {
            self.mark_detected(world, sched, e, sensor, report);
        } else if self.p.watched[s] && observable > SimDuration::ZERO {
            self.watch[s].push(e);
            sched.at(observable_until, Ev::Expire(e));
        } else {
            // Nothing can ever see it.
            self.close(world, e);
        }
    }

    fn mark_detected(
        &mut self,
        world: &mut World,
        sched: &mut Scheduler<Ev>,
        e: Entity,
        sensor: SensorRef,
        report: SimTime,
    ) {
        let mut v = world.get_mut::<Violation>(e).expect("open violation");
        v.rec.detected = Some(sched.now());
        v.rec.sensor = Some(sensor);
        sched.at(report, Ev::Report(e));
    }

    /// Satellites and arriving drones look at the undetected violations of a sector.
    fn sweep(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, s: usize, look: Look) {
        let Look {
            p,
            key,
            delay,
            sensor,
        } = look;
        let now = sched.now();
        let mut i = 0;
        while i < self.watch[s].len() {
            let e = self.watch[s][i];
            let Some(v) = world.get::<Violation>(e) else {
                self.watch[s].swap_remove(i);
                continue;
            };
            if v.rec.detected.is_some() || v.observable_until < now {
                self.watch[s].swap_remove(i);
                continue;
            }
            let mut rng = KeyedRng::new(v.seed, key);
            if rng.random::<f64>() < p {
                let report = now + delay.sample(&mut rng);
                self.watch[s].swap_remove(i);
                self.mark_detected(world, sched, e, sensor, report);
            } else {
                i += 1;
            }
        }
    }

    fn report(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, e: Entity) {
        let mut v = world
            .get_mut::<Violation>(e)
            .expect("reported violation is open");
        v.rec.reported = Some(sched.now());
        if v.rec.needs_response {
            let hq = v.hq;
            sched.after(hq, Ev::Decide(e));
        } else {
            self.close(world, e);
        }
    }

    fn decide(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, e: Entity) {
        let mut v = world
            .get_mut::<Violation>(e)
            .expect("decided violation is open");
        v.rec.decided = Some(sched.now());
        let (t, s, pos, sev, occurred, id, domain) = (
            v.rec.vtype as usize,
            v.rec.sector as usize,
            v.rec.pos,
            v.rec.severity,
            v.rec.occurred,
            v.rec.id,
            v.rec.domain,
        );
        let Some(pair) = self.p.dispatch.pair(t, s) else {
            return; // Validated scenarios give every answered (type, sector) a pair.
        };
        let lead = self.sc.sectors[s].lead_nation;
        let avail = &self.station_available;
        match self
            .p
            .dispatch
            .choose(pair, pos, lead, |st| avail[st as usize] > 0)
        {
            Some(choice) => {
                let c = self
                    .p
                    .dispatch
                    .contingents(choice.station)
                    .iter()
                    .copied()
                    .find(|&c| !self.pools[c as usize].is_empty())
                    .expect("station has a unit available");
                let unit = self.pools[c as usize].pop().expect("pool not empty");
                self.station_available[choice.station as usize] -= 1;
                self.assign(
                    world,
                    sched,
                    unit,
                    e,
                    SimDuration::from_hours_f64(choice.transit_h),
                );
            }
            None => {
                let prio = match self.sc.command.queue_priority {
                    QueuePriority::SeverityThenAge => Severity::Critical as u8 - sev as u8,
                    QueuePriority::Fifo => 0,
                };
                self.queues[pair as usize].push(Reverse((prio, occurred.secs(), id, e)));
                self.queued += 1;
                self.queue_change(sched.now(), domain, 1);
            }
        }
    }

    /// Integrates the queue lengths up to `now`, then changes the length of `domain`'s.
    fn queue_change(&mut self, now: SimTime, domain: Domain, by: i32) {
        let elapsed = now - self.queue_changed;
        for d in Domain::ALL {
            self.collector
                .add_queue_area(d, self.queued_by_domain[d.index()], elapsed);
        }
        self.queue_changed = now;
        let q = &mut self.queued_by_domain[domain.index()];
        *q = q
            .checked_add_signed(by)
            .expect("queue length stays non-negative");
    }

    fn assign(
        &mut self,
        world: &mut World,
        sched: &mut Scheduler<Ev>,
        unit: Entity,
        e: Entity,
        transit: SimDuration,
    ) {
        let now = sched.now();
        let u = world.get::<Unit>(unit).expect("unit exists");
        let (c, index) = (u.contingent as usize, u.index);
        let contingent = &self.sc.contingents[c];
        let mut v = world
            .get_mut::<Violation>(e)
            .expect("tasked violation is open");
        v.rec.tasked = Some(now);
        v.rec.unit = Some(index);
        v.rec.contingent = Some(c as u32);
        v.rec.nation = Some(contingent.nation as u32);
        let seed = v.seed;
        let mut u = world.get_mut::<Unit>(unit).expect("unit exists");
        u.task = Some(e);
        u.busy = true;
        u.busy_since = now;
        u.transit = transit;
        u.task_seed = seed;
        let approval = self.sc.nations[contingent.nation]
            .approval
            .sample(&mut KeyedRng::new(seed, self.p.k_approval));
        sched.after(approval, Ev::Approved(unit));
    }

    fn task_of(world: &World, unit: Entity) -> (Entity, u32, SimDuration, u64) {
        let u = world.get::<Unit>(unit).expect("unit exists");
        (
            u.task.expect("unit has a task"),
            u.contingent,
            u.transit,
            u.task_seed,
        )
    }

    fn stamp(world: &mut World, e: Entity, f: impl FnOnce(&mut ViolationRecord)) {
        f(&mut world
            .get_mut::<Violation>(e)
            .expect("task's violation is open")
            .rec);
    }

    fn close(&mut self, world: &mut World, e: Entity) {
        let mut ent = world.entity_mut(e);
        let v = ent.take::<Violation>().expect("open violation");
        ent.despawn();
        self.collector.record(&v.rec, false);
    }

    // ---- units ------------------------------------------------------------------------

    /// A unit becomes available: it takes the most urgent waiting violation it may answer,
    /// or joins its contingent's pool.
    fn make_available(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, unit: Entity) {
        let c = world.get::<Unit>(unit).expect("unit exists").contingent as usize;
        let station = self.p.dispatch.station_of(c);
        if self.queued > 0 {
            let mut best: Option<(QueueKey, u32, SimDuration)> = None;
            for &pair in self.p.dispatch.serves(c) {
                let Some(Reverse(head)) = self.queues[pair as usize].peek() else {
                    continue;
                };
                if best.as_ref().is_some_and(|(b, _, _)| head >= b) {
                    continue;
                }
                let pos = world
                    .get::<Violation>(head.3)
                    .expect("queued violation is open")
                    .rec
                    .pos;
                if let Some(h) = self.p.dispatch.transit_h(station, pos) {
                    best = Some((*head, pair, SimDuration::from_hours_f64(h)));
                }
            }
            if let Some((head, pair, transit)) = best {
                self.queues[pair as usize].pop();
                self.queued -= 1;
                let domain = world
                    .get::<Violation>(head.3)
                    .expect("queued violation is open")
                    .rec
                    .domain;
                self.queue_change(sched.now(), domain, -1);
                self.assign(world, sched, unit, head.3, transit);
                return;
            }
        }
        self.pools[c].push(unit);
        self.station_available[station as usize] += 1;
    }

    // ---- drones -----------------------------------------------------------------------

    fn drone_on_station(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, d: Entity) {
        let drone = world.get::<Drone>(d).expect("drone exists");
        let (s, c, index, on_station) = (
            drone.sector as usize,
            drone.contingent as usize,
            drone.index,
            drone.on_station,
        );
        if self.on_station[s].is_empty() {
            self.covered_since[s] = sched.now();
        }
        self.on_station[s].push(d);
        sched.after(on_station, Ev::DroneOffStation(d));
        let isr = self.sc.contingents[c]
            .isr
            .as_ref()
            .expect("drones have ISR tasking");
        let mut w = world.get_mut::<Drone>(d).expect("drone exists");
        w.sorties += 1;
        let key = self.p.drone_keys[c]
            ^ u64::from(index).wrapping_mul(0x9e37_79b9)
            ^ w.sorties.rotate_left(40);
        let look = Look {
            p: isr.detection_probability,
            key,
            delay: isr.reporting,
            sensor: SensorRef::Drone(c as u32),
        };
        self.sweep(world, sched, s, look);
    }

    fn drone_off_station(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, d: Entity) {
        let drone = world.get::<Drone>(d).expect("drone exists");
        let s = drone.sector as usize;
        let list = &mut self.on_station[s];
        if let Some(i) = list.iter().position(|&x| x == d) {
            list.remove(i);
        }
        if list.is_empty() {
            self.collector
                .add_covered(s, sched.now() - self.covered_since[s]);
        }
        sched.after(drone.transit, Ev::DroneHome(d));
    }
}

impl Handler for Sim<'_> {
    type Event = Ev;

    fn handle(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, event: Ev) {
        let now = sched.now();
        match event {
            Ev::Occur(s) => self.occur(world, sched, s as usize),
            Ev::Expire(e) => {
                if world
                    .get::<Violation>(e)
                    .is_some_and(|v| v.rec.detected.is_none())
                {
                    self.close(world, e);
                }
            }
            Ev::Report(e) => self.report(world, sched, e),
            Ev::Decide(e) => self.decide(world, sched, e),
            Ev::Approved(unit) => {
                let (e, c, _, seed) = Self::task_of(world, unit);
                Self::stamp(world, e, |r| r.approved = Some(now));
                let notice = self.sc.contingents[c as usize]
                    .notice
                    .sample(&mut KeyedRng::new(seed, self.p.k_notice));
                sched.after(notice, Ev::Depart(unit));
            }
            Ev::Depart(unit) => {
                let (e, _, transit, _) = Self::task_of(world, unit);
                Self::stamp(world, e, |r| r.departed = Some(now));
                sched.after(transit, Ev::Arrive(unit));
            }
            Ev::Arrive(unit) => {
                let (e, _, _, _) = Self::task_of(world, unit);
                let mut v = world
                    .get_mut::<Violation>(e)
                    .expect("task's violation is open");
                v.rec.arrived = Some(now);
                let on_scene = v.on_scene;
                sched.after(on_scene, Ev::Clear(unit));
            }
            Ev::Clear(unit) => {
                let (e, _, transit, _) = Self::task_of(world, unit);
                Self::stamp(world, e, |r| r.cleared = Some(now));
                self.close(world, e);
                world.get_mut::<Unit>(unit).expect("unit exists").task = None;
                sched.after(transit, Ev::Home(unit));
            }
            Ev::Home(unit) => {
                let u = world.get::<Unit>(unit).expect("unit exists");
                let turnaround = self.sc.contingents[u.contingent as usize]
                    .turnaround
                    .sample(&mut KeyedRng::new(u.task_seed, self.p.k_turnaround));
                sched.after(turnaround, Ev::Ready(unit));
            }
            Ev::Ready(unit) => {
                let mut u = world.get_mut::<Unit>(unit).expect("unit exists");
                u.busy = false;
                let (c, since) = (u.contingent as usize, u.busy_since);
                self.collector.add_busy(c, now - since);
                self.make_available(world, sched, unit);
            }
            Ev::SatPass(track) => {
                let mut t = world
                    .get_mut::<SatelliteTrack>(track)
                    .expect("track exists");
                t.passes += 1;
                let (si, s, passes) = (t.satellite as usize, t.sector as usize, t.passes);
                let sat = &self.sc.satellites[si];
                let key = self.p.satellite_keys[si] ^ passes.wrapping_mul(0x9e37_79b9_7f4a_7c15);
                let look = Look {
                    p: sat.detection_probability,
                    key,
                    delay: sat.processing,
                    sensor: SensorRef::Satellite(si as u32),
                };
                self.sweep(world, sched, s, look);
                if now + sat.revisit <= self.horizon {
                    sched.after(sat.revisit, Ev::SatPass(track));
                }
            }
            Ev::DroneLaunch(d) => {
                let transit = world.get::<Drone>(d).expect("drone exists").transit;
                sched.after(transit, Ev::DroneOnStation(d));
            }
            Ev::Sample => {
                let mut available = [0u32; 3];
                for (c, pool) in self.pools.iter().enumerate() {
                    available[self.sc.contingents[c].domain.index()] += pool.len() as u32;
                }
                // Busy units come from the units' own state, so that the two counts check
                // each other (the property tests use this to check units are conserved).
                let mut busy = [0u32; 3];
                for u in world.query::<&Unit>().iter(world).filter(|u| u.busy) {
                    busy[self.sc.contingents[u.contingent as usize].domain.index()] += 1;
                }
                let sample = TimelineSample {
                    hour: (now.secs() / 3600) as u32,
                    violations: self.hour_counts.0,
                    needing_response: self.hour_counts.1,
                    queued: self.queued as u32,
                    available,
                    drones_on_station: self.on_station.iter().map(|d| d.len() as u32).sum(),
                    busy,
                };
                self.hour_counts = (0, 0);
                self.timeline
                    .as_mut()
                    .expect("sampling only with a timeline")
                    .push(sample);
                if now + SimDuration(3600) <= self.horizon {
                    sched.after(SimDuration(3600), Ev::Sample);
                }
            }
            Ev::DroneOnStation(d) => self.drone_on_station(world, sched, d),
            Ev::DroneOffStation(d) => self.drone_off_station(world, sched, d),
            Ev::DroneHome(d) => {
                let c = world.get::<Drone>(d).expect("drone exists").contingent as usize;
                let rng = self.drone_rngs[c]
                    .as_mut()
                    .expect("drone contingents have a stream");
                let turnaround = self.sc.contingents[c].turnaround.sample(rng);
                sched.after(turnaround, Ev::DroneLaunch(d));
            }
        }
    }
}
