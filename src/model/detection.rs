//! Detection: fixed sensors and drones on station that see a violation when it occurs,
//! satellite passes and arriving drones that look over a sector's undetected violations.

use super::components::{SatelliteTrack, Stamp, Violation};
use super::events::Ev;
use super::onstation::first_report;
use super::record::SensorRef;
use super::{Observer, Sim};
use crate::dist::Dist;
use crate::engine::Scheduler;
use crate::engine::rng::{KeyedRng, Streams};
use crate::geo::{LatLon, UnitVec};
use crate::time::{SimDuration, SimTime};
use bevy_ecs::prelude::*;
use rand::RngExt;
use std::num::NonZeroU32;

/// The stored form of watch-list position `slot` (position + 1).
fn slot_key(slot: usize) -> NonZeroU32 {
    u32::try_from(slot + 1)
        .ok()
        .and_then(NonZeroU32::new)
        .expect("validated: violations per replication below 2^32")
}

/// Up to this many drones of a contingent on station over a sector, a violation's detection
/// draws each drone; beyond it, one draw for the group ([`first_report`]), so the cost does
/// not grow with the force.
const DRAW_EACH_UP_TO: u32 = 4;

/// Whether a log-normal delay whose logarithm is `log` certainly rounds to no less than the
/// best so far, whose logarithm is `best_log`: then it cannot be the first report and its
/// value (an `exp`) is not needed. The margin (10⁻⁹, relative) is far above `exp`'s error,
/// so the answer is the one the rounded values would give whenever it says yes.
#[inline]
fn cannot_beat(log: Option<f64>, best_log: Option<f64>) -> bool {
    match (log, best_log) {
        (Some(l), Some(b)) => l > b + 1e-9 * b.abs().max(1.0),
        _ => false,
    }
}

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
    /// Spawns a pass counter per (satellite, sector), its first pass at a random phase of
    /// the revisit. A track is dormant while its sector has nothing to look at: its passes are
    /// not events then (they would find nothing), and it wakes for the next pass when a
    /// violation joins the watch list. Every pass within the horizon still counts as an event.
    pub(super) fn spawn_satellite_tracks(&mut self, world: &mut World, streams: &Streams) {
        let sc = self.sc;
        for (si, sat) in sc.satellites.iter().enumerate() {
            for &s in &sat.sectors {
                let e = world
                    .spawn(SatelliteTrack {
                        satellite: si as u32,
                        sector: s as u32,
                        passes: 0,
                        first: SimTime::ZERO,
                        dormant: true,
                    })
                    .id();
                let mut rng = streams.stream(
                    "satellite-phase",
                    &format!("{}/{}", sat.id, sc.sectors[s].id),
                );
                let phase =
                    SimDuration::from_secs_f64(rng.random::<f64>() * sat.revisit.secs() as f64);
                let first = SimTime::ZERO + phase;
                world.get_mut::<SatelliteTrack>(e).expect("spawned").first = first;
                self.sat_tracks[s].push(e);
                if first <= self.horizon && sat.revisit.secs() > 0 {
                    // Every pass within the horizon, handled or not.
                    self.resolved += (self.horizon - first).secs() / sat.revisit.secs() + 1;
                }
            }
        }
    }

    /// The earliest report of the sensors that see a violation the moment it happens at
    /// `pos` in sector `s`: fixed sensors in range, drones on station.
    pub(super) fn seen_at_occurrence(
        &self,
        s: usize,
        pos: LatLon,
        seed: u64,
        now: SimTime,
    ) -> Option<(SimTime, SensorRef)> {
        let sc = self.sc;
        let mut best: Option<(SimTime, SensorRef)> = None;
        // ln of the best's delay, when it came from a log-normal (see `cannot_beat`).
        let mut best_log: Option<f64> = None;
        let fixed = &self.p.fixed_by_sector[s];
        // The position's unit vector only where some fixed sensor may see it.
        let at = if fixed.is_empty() {
            UnitVec::default()
        } else {
            self.p.frames[s].unit(pos)
        };
        for &f in fixed {
            let fs = &sc.fixed_sensors[f as usize];
            let (sensor_at, cos_range) = self.p.fixed_reach[f as usize];
            // Not during an outage (timed events).
            if self.fixed_sensor_out(f as usize, now) || !sensor_at.within(at, cos_range) {
                continue;
            }
            let mut rng = KeyedRng::new(seed, self.p.fixed_keys[f as usize]);
            if rng.random::<f64>() < fs.detection_probability {
                let drawn = fs.reporting.draw(&mut rng);
                let log = fs.reporting.ln_secs_of(drawn);
                if cannot_beat(log, best_log) {
                    continue;
                }
                let report = now + fs.reporting.duration_of(drawn);
                if best.is_none_or(|(b, _)| report < b) {
                    best = Some((report, SensorRef::Fixed(f)));
                    best_log = log;
                }
            }
        }
        // Drones on station: one draw per contingent's group over the sector.
        for (c, n) in self.on_station_groups.groups(s) {
            let isr = sc.contingents[c as usize]
                .isr
                .as_ref()
                .expect("drones have ISR tasking");
            let mut rng = KeyedRng::new(seed, self.p.drone_keys[c as usize]);
            let delay = if n <= DRAW_EACH_UP_TO {
                // A few drones: each one's roll and delay, drawn directly (cheaper than
                // inverting the distribution of the first report).
                let mut first: Option<(SimDuration, Option<f64>)> = None;
                for _ in 0..n {
                    if rng.random::<f64>() < isr.detection_probability {
                        let drawn = isr.reporting.draw(&mut rng);
                        let log = isr.reporting.ln_secs_of(drawn);
                        if cannot_beat(log, first.and_then(|f| f.1)) {
                            continue;
                        }
                        let d = isr.reporting.duration_of(drawn);
                        if first.is_none_or(|(f, _)| d < f) {
                            first = Some((d, log));
                        }
                    }
                }
                first.map(|f| f.0)
            } else {
                first_report(n, isr.detection_probability, &isr.reporting, rng.random())
            };
            if let Some(delay) = delay {
                let report = now + delay;
                if best.is_none_or(|(b, _)| report < b) {
                    best = Some((report, SensorRef::Drone(c)));
                }
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
        v.detected = Stamp::at(sched.now());
        v.sensor = Some(sensor);
        sched.at(report, Ev::Report(e));
    }

    /// An undetected violation stops being observable: it leaves its sector's watch list
    /// and is closed unseen.
    pub(super) fn expire(&mut self, world: &mut World, e: Entity) {
        let Some(v) = world.get::<Violation>(e) else {
            return;
        };
        if v.detected.is_some() {
            return;
        }
        if let Some(slot) = v.watch_slot {
            let s = v.sector as usize;
            self.watch_remove(world, s, slot.get() as usize - 1);
        }
        self.close(world, e);
    }

    /// Puts an undetected violation of sector `s` on the sector's watch list.
    pub(super) fn watch_push(
        &mut self,
        world: &mut World,
        sched: &mut Scheduler<Ev>,
        s: usize,
        e: Entity,
    ) {
        let slot = slot_key(self.watch[s].len());
        self.watch[s].push(e);
        world
            .get_mut::<Violation>(e)
            .expect("watched violation is open")
            .watch_slot = Some(slot);
        if slot.get() == 1 && !self.sat_tracks[s].is_empty() {
            self.wake_satellites(world, sched, s);
        }
    }

    /// Takes the violation at `slot` off sector `s`'s watch list in O(1): the last one takes
    /// its place.
    fn watch_remove(&mut self, world: &mut World, s: usize, slot: usize) -> Entity {
        let list = &mut self.watch[s];
        let e = list.swap_remove(slot);
        if let Some(&moved) = list.get(slot) {
            world
                .get_mut::<Violation>(moved)
                .expect("watched violation is open")
                .watch_slot = Some(slot_key(slot));
        }
        world
            .get_mut::<Violation>(e)
            .expect("watched violation is open")
            .watch_slot = None;
        e
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
        // Counted among the passes within the horizon at the start.
        self.resolved -= 1;
        let sat = &self.sc.satellites[si];
        let key = self.p.satellite_keys[si] ^ passes.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let look = Look {
            p: sat.detection_probability,
            key,
            delay: sat.processing,
            sensor: SensorRef::Satellite(si as u32),
        };
        if !self.satellite_out(si, now) {
            self.sweep(world, sched, s, look); // not during an outage (timed events)
        }
        if self.watch[s].is_empty() {
            world
                .get_mut::<SatelliteTrack>(track)
                .expect("track exists")
                .dormant = true;
        } else if now + sat.revisit <= self.horizon {
            sched.after(sat.revisit, Ev::SatPass(track));
        }
    }

    /// A violation joined the empty watch list of sector `s`: its dormant satellite tracks
    /// are scheduled for their next pass (from now on; passes are numbered from the first).
    fn wake_satellites(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, s: usize) {
        let now = sched.now();
        for &track in &self.sat_tracks[s] {
            let mut t = world
                .get_mut::<SatelliteTrack>(track)
                .expect("track exists");
            if !t.dormant {
                continue;
            }
            let revisit = self.sc.satellites[t.satellite as usize]
                .revisit
                .secs()
                .max(1);
            // Passes before now: k with first + k × revisit < now.
            let before = if now > t.first {
                (now - t.first).secs().div_ceil(revisit)
            } else {
                0
            };
            // A track put to sleep by its pass at `now` has made that pass already: it is
            // not made twice (nor counted twice against the passes within the horizon).
            let before = before.max(t.passes);
            let next = t.first + SimDuration(before * revisit);
            t.passes = before;
            t.dormant = false;
            if next <= self.horizon {
                sched.at(next, Ev::SatPass(track));
            }
        }
    }

    /// Satellites and arriving drones look at the undetected violations of a sector.
    ///
    /// Each watched violation is detected with probability `p`, independently. Rather than
    /// roll for every one, the look walks the watch list by geometric skips drawn from a
    /// stream keyed by the look (sensor and pass or sortie), so a look costs O(1 +
    /// detections), however many violations are watched. A detected violation leaves the
    /// list (the last one takes its place, not yet passed by the walk).
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
        if p <= 0.0 || self.watch[s].is_empty() {
            return;
        }
        let now = sched.now();
        let mut rng = KeyedRng::new(self.look_seed, key);
        let log_miss = (1.0 - p).ln();
        let mut i = 0usize;
        loop {
            self.look_steps += 1;
            let remaining = self.watch[s].len() - i;
            if p < 1.0 {
                // Failures before the next success: floor(ln U / ln(1 − p)), U in (0, 1].
                let u: f64 = 1.0 - rng.random::<f64>();
                let skip = (u.ln() / log_miss).floor();
                if skip >= remaining as f64 {
                    break;
                }
                i += skip as usize;
            } else if remaining == 0 {
                break;
            }
            let report = now + delay.sample(&mut rng);
            let e = self.watch_remove(world, s, i);
            self.mark_detected(world, sched, e, sensor, report);
            if i >= self.watch[s].len() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::model::testkit::{Records, contingent, scenario_with};
    use crate::model::{Prepared, simulate};

    /// Events plus look steps of one replication of a scenario whose violations stay
    /// observable for the whole run, watched by a satellite passing every 10 minutes that
    /// detects almost nothing (the case that took time quadratic in the horizon), and the
    /// number of satellite detections.
    fn work(horizon_days: u32) -> (u64, usize) {
        let sc = scenario_with(
            horizon_days,
            200.0,
            "(lat: 48.0, lon: 35.0), (lat: 48.0, lon: 35.1)",
            r#"(code: "AAA", name: "A")"#,
            r#"(id: "b", name: "B", at: (lat: 48.0, lon: 35.05), kind: Garrison)"#,
            &contingent("c", "AAA", "b", 2, ""),
            r#"Satellite(id: "sat", nation: "AAA", covers: All, revisit: Minutes(10),
                detection_probability: 0.00001, processing_delay: Fixed(Minutes(5)))"#,
            "Fixed(Days(400))",
        );
        let p = Prepared::new(sc);
        let mut obs = Records::default();
        let run = simulate(&p, 0, false, &mut obs);
        let detected = obs.0.iter().filter(|(r, _)| r.detected.is_some()).count();
        (run.events + run.look_steps, detected)
    }

    #[test]
    fn satellite_looks_cost_linear_time_in_the_horizon() {
        let ((short, seen_short), (long, seen_long)) = (work(20), work(40));
        // Passes do detect (so the looks are walked), yet twice the horizon costs about
        // twice the work; a look that examined every watched violation would cost four times.
        assert!(seen_short > 0 && seen_long > seen_short);
        assert!(
            (long as f64) < 2.6 * short as f64,
            "work {short} for 20 days, {long} for 40 days"
        );
    }
}
