//! Detection: fixed sensors and drones on station that see a violation when it occurs,
//! satellite passes and arriving drones that look over a sector's undetected violations.

use super::components::{Drone, SatelliteTrack, Violation};
use super::events::Ev;
use super::record::SensorRef;
use super::{Observer, Sim};
use crate::dist::Dist;
use crate::engine::Scheduler;
use crate::engine::rng::{KeyedRng, Streams};
use crate::geo::LatLon;
use crate::time::{SimDuration, SimTime};
use bevy_ecs::prelude::*;
use rand::RngExt;

/// One look by a sensor at the undetected violations of a sector.
#[derive(Debug, Clone, Copy)]
pub(super) struct Look {
    /// Detection probability per violation.
    pub(super) p: f64,
    /// Key of this look's random draws.
    pub(super) key: u64,
    /// Reporting or processing delay.
    pub(super) delay: Dist,
    /// Who looks.
    pub(super) sensor: SensorRef,
}

impl<O: Observer> Sim<'_, O> {
    /// Spawns a pass counter per (satellite, sector) and schedules its first pass at a
    /// random phase of the revisit.
    pub(super) fn spawn_satellite_tracks(
        &mut self,
        world: &mut World,
        sched: &mut Scheduler<Ev>,
        streams: &Streams,
    ) {
        let sc = self.sc;
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
    }

    /// The earliest report of the sensors that see a violation the moment it happens at
    /// `pos` in sector `s`: fixed sensors in range, drones on station.
    pub(super) fn seen_at_occurrence(
        &self,
        world: &World,
        s: usize,
        pos: LatLon,
        seed: u64,
        now: SimTime,
    ) -> Option<(SimTime, SensorRef)> {
        let sc = self.sc;
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
        best
    }

    /// Marks a violation detected now by `sensor`; its report reaches HQ at `report`.
    pub(super) fn mark_detected(
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

    /// An undetected violation stops being observable: it is closed unseen.
    pub(super) fn expire(&mut self, world: &mut World, e: Entity) {
        if world
            .get::<Violation>(e)
            .is_some_and(|v| v.rec.detected.is_none())
        {
            self.close(world, e);
        }
    }

    /// A satellite passes over a sector: it looks, and the next pass is scheduled.
    pub(super) fn satellite_pass(
        &mut self,
        world: &mut World,
        sched: &mut Scheduler<Ev>,
        track: Entity,
    ) {
        let now = sched.now();
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

    /// Satellites and arriving drones look at the undetected violations of a sector.
    pub(super) fn sweep(
        &mut self,
        world: &mut World,
        sched: &mut Scheduler<Ev>,
        s: usize,
        look: Look,
    ) {
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
}
