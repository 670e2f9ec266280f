//! Drones: ISR sorties over their sectors (launch, transit, time on station, return,
//! turnaround), the coverage they give and the look they take on arrival.

use super::components::Drone;
use super::detection::Look;
use super::events::Ev;
use super::record::SensorRef;
use super::{Observer, Sim};
use crate::engine::Scheduler;
use crate::time::{SimDuration, SimTime};
use bevy_ecs::prelude::*;

impl<O: Observer> Sim<'_, O> {
    /// Spawns the drones of every ISR contingent over their sectors (round robin) and
    /// staggers their first launches so that the sector's orbit is kept.
    pub(super) fn spawn_drones(&mut self, world: &mut World, sched: &mut Scheduler<Ev>) {
        let sc = self.sc;
        // Drones per sector, for staggering launches over all contingents covering it.
        let mut drones_for: Vec<Vec<(u32, u32)>> = vec![Vec::new(); sc.sectors.len()];
        for (ci, c) in sc.contingents.iter().enumerate() {
            if let Some(isr) = &c.isr {
                for k in 0..c.units {
                    let s = isr.sectors[k as usize % isr.sectors.len()];
                    drones_for[s].push((ci as u32, k));
                }
            }
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
    }

    /// A drone takes off towards its station.
    pub(super) fn drone_launch(world: &mut World, sched: &mut Scheduler<Ev>, d: Entity) {
        let transit = world.get::<Drone>(d).expect("drone exists").transit;
        sched.after(transit, Ev::DroneOnStation(d));
    }

    /// A drone reaches its station: the sector is covered, and it looks over the sector.
    pub(super) fn drone_on_station(
        &mut self,
        world: &mut World,
        sched: &mut Scheduler<Ev>,
        d: Entity,
    ) {
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

    /// A drone leaves its station; the sector's coverage ends if it was the last one.
    pub(super) fn drone_off_station(
        &mut self,
        world: &mut World,
        sched: &mut Scheduler<Ev>,
        d: Entity,
    ) {
        let drone = world.get::<Drone>(d).expect("drone exists");
        let s = drone.sector as usize;
        let list = &mut self.on_station[s];
        if let Some(i) = list.iter().position(|&x| x == d) {
            list.remove(i);
        }
        if list.is_empty() {
            self.obs.add_covered(s, sched.now() - self.covered_since[s]);
        }
        sched.after(drone.transit, Ev::DroneHome(d));
    }

    /// A drone lands and is launched again after its turnaround.
    pub(super) fn drone_home(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, d: Entity) {
        let c = world.get::<Drone>(d).expect("drone exists").contingent as usize;
        let rng = self.drone_rngs[c]
            .as_mut()
            .expect("drone contingents have a stream");
        let turnaround = self.sc.contingents[c].turnaround.sample(rng);
        sched.after(turnaround, Ev::DroneLaunch(d));
    }

    /// Hands the observer the coverage of sectors still covered at `end`.
    pub(super) fn close_coverage(&mut self, end: SimTime) {
        for s in 0..self.sc.sectors.len() {
            if !self.on_station[s].is_empty() {
                self.obs.add_covered(s, end - self.covered_since[s]);
            }
        }
    }
}
