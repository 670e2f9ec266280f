//! Drones: ISR sorties over their sectors (launch, transit, time on station, return,
//! turnaround), the coverage they give and the look they take on arrival. Only reaching and
//! leaving the station are events; launch and landing follow from them.

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
    /// staggers each fleet's first launches over its own cycle: the `n` drones of a fleet
    /// over a sector leave at `j × cycle / n`, so every fleet starts covering at once.
    pub(super) fn spawn_drones(&mut self, world: &mut World, sched: &mut Scheduler<Ev>) {
        let sc = self.sc;
        for (ci, c) in sc.contingents.iter().enumerate() {
            let Some(isr) = &c.isr else { continue };
            let endurance = c
                .endurance
                .expect("validated: ISR drones have an endurance");
            let cycle = endurance.secs() as f64 + c.turnaround.mean_secs();
            let sectors = isr.sectors.len() as u32;
            for k in 0..c.units {
                let slot = k % sectors;
                let s = isr.sectors[slot as usize];
                // This fleet's drones over `s`: k = slot, slot + sectors, ...
                let (j, n) = (k / sectors, (c.units - slot).div_ceil(sectors));
                let km = sc.bases[c.base]
                    .pos
                    .distance_km(sc.sectors[s].geometry.centroid())
                    * sc.command.route_factor(c.domain);
                let transit = SimDuration::from_hours_f64(km / c.speed_kmh);
                let on_station = SimDuration(endurance.secs().saturating_sub(2 * transit.secs()));
                let e = world
                    .spawn(Drone {
                        contingent: ci as u32,
                        sector: s as u32,
                        index: k,
                        transit,
                        on_station,
                        sorties: 0,
                    })
                    .id();
                // Take-off is not an event: the drone is scheduled on station.
                let launch =
                    SimTime::ZERO + SimDuration::from_secs_f64(f64::from(j) * cycle / f64::from(n));
                let launch = self.launch_after_grounding(ci, launch); // timed events
                self.resolved += u64::from(launch <= self.horizon);
                sched.at(launch + transit, Ev::DroneOnStation(e));
            }
        }
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
        if self.on_station[s] == 0 {
            self.covered_since[s] = sched.now();
        }
        self.on_station[s] += 1;
        self.on_station_groups.arrive(s, c as u32);
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
        self.on_station_groups.leave(s, drone.contingent);
        self.on_station[s] -= 1;
        if self.on_station[s] == 0 {
            self.obs
                .add_covered(s, sched.now() - self.covered_since[s], sched.now());
        }
        // Landing and take-off are not events: the turnaround is drawn now and the drone is
        // scheduled on station again (each counted as the event it replaces).
        let (c, transit) = (drone.contingent as usize, drone.transit);
        let rng = self.drone_rngs[c]
            .as_mut()
            .expect("drone contingents have a stream");
        let turnaround = self.sc.contingents[c].turnaround.sample(rng);
        let home = sched.now() + transit;
        let launch = self.launch_after_grounding(c, home + turnaround); // timed events
        self.resolved += u64::from(home <= self.horizon) + u64::from(launch <= self.horizon);
        sched.at(launch + transit, Ev::DroneOnStation(d));
    }

    /// Hands the observer the coverage of sectors still covered at `end`.
    pub(super) fn close_coverage(&mut self, end: SimTime) {
        for s in 0..self.sc.sectors.len() {
            if self.on_station[s] > 0 {
                self.obs.add_covered(s, end - self.covered_since[s], end);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::record::{Observer, ViolationRecord};
    use crate::model::testkit::{contingent, scenario};
    use crate::model::{Prepared, simulate};
    use crate::scenario::Domain;
    use crate::time::{HOUR, SimDuration, SimTime};

    #[derive(Default)]
    struct Covered(u64);
    impl Observer for Covered {
        fn record(&mut self, _: &ViolationRecord, _: bool) {}
        fn add_busy(&mut self, _: usize, _: SimDuration, _: SimTime) {}
        fn add_covered(&mut self, _: usize, d: SimDuration, _: SimTime) {
            self.0 += d.secs();
        }
        fn add_queue_area(&mut self, _: Domain, _: u32, _: SimDuration, _: SimTime) {}
    }

    fn isr(id: &str, base: &str, units: u32, endurance_h: u32, turnaround_h: u32) -> String {
        format!(
            r#"(id: "{id}", nation: "AAA", name: "{id}", domain: Air, kind: IsrDrone, units: {units},
                base: "{base}", speed_kmh: 100, notice_to_move: Fixed(Minutes(0)),
                capabilities: [Surveil], endurance: Some(Hours({endurance_h})),
                turnaround: Some(Fixed(Hours({turnaround_h}))),
                isr: Some((sectors: ["s1"], detection_probability: 0.5,
                           reporting_delay: Fixed(Minutes(5))))),"#
        )
    }

    #[test]
    fn a_nearby_fleet_covers_from_the_start_whatever_the_file_order() {
        // A distant fleet (2.2 h away) is listed before a fleet based on the sector. Staggered
        // together, the nearby drones launched hours late; staggered per fleet, the first
        // nearby drone leaves at once and the sector is covered from the start.
        let sc = scenario(
            1,
            10.0,
            35.1,
            r#"(code: "AAA", name: "A")"#,
            r#"(id: "near", name: "Near", at: (lat: 48.0, lon: 35.05), kind: AirBase),
               (id: "far", name: "Far", at: (lat: 50.0, lon: 35.05), kind: AirBase)"#,
            &[
                isr("distant", "far", 4, 24, 4),
                isr("nearby", "near", 2, 12, 2),
                contingent("responders", "AAA", "near", 1, ""),
            ]
            .concat(),
        );
        let horizon = sc.horizon.secs();
        let p = Prepared::new(sc);
        let mut obs = Covered::default();
        simulate(&p, 0, false, &mut obs);
        assert!(
            obs.0 + HOUR.0 / 2 >= horizon,
            "covered {:.2} h of {:.2} h",
            obs.0 as f64 / HOUR.0 as f64,
            horizon as f64 / HOUR.0 as f64
        );
    }
}
