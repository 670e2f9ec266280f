//! What is out of service when (issue 12's timed events): contingents not yet deployed or
//! withdrawn, radars, observation posts and satellites in outage, drone fleets grounded.
//!
//! The intervals come validated in [`crate::scenario::timed::Availability`]. The rest of the
//! model asks here through one-line guards (dispatch, the freed unit, fixed-sensor
//! detection, satellite passes, drone launches). Nothing here draws a random number, so the
//! violations stay the same across force options (common random numbers).

use super::components::Unit;
use super::dispatch::DispatchIndex;
use super::events::Ev;
use super::{Observer, Sim};
use crate::engine::Scheduler;
use crate::scenario::Scenario;
use crate::scenario::timed::end_of;
use crate::time::SimTime;
use bevy_ecs::prelude::*;

/// Derived once per scenario: which dispatch stations hold a contingent with timed
/// availability (such a contingent is a station of its own, see `DispatchIndex::new`).
#[derive(Debug, Clone, Default)]
pub(super) struct Outages {
    /// Per station: the contingent whose service it follows, if it has timed events.
    timed_station: Vec<Option<u32>>,
}

impl Outages {
    /// Built from the scenario and its dispatch index.
    pub(super) fn new(sc: &Scenario, dispatch: &DispatchIndex) -> Self {
        let timed_station = (0..dispatch.stations())
            .map(|st| {
                let cs = dispatch.contingents(st as u32);
                cs.iter()
                    .copied()
                    .find(|&c| sc.availability.contingent_has_events(c as usize))
            })
            .collect();
        Outages { timed_station }
    }
}

impl<O: Observer> Sim<'_, O> {
    /// Whether the units of dispatch station `st` may be tasked at `now`.
    #[inline]
    pub(super) fn station_in_service(&self, st: u32, now: SimTime) -> bool {
        match self.p.outages.timed_station[st as usize] {
            None => true,
            Some(c) => self.sc.availability.contingent_in_service(c as usize, now),
        }
    }

    /// Whether contingent `c`'s units may be tasked at `now`.
    #[inline]
    pub(super) fn contingent_in_service(&self, c: usize, now: SimTime) -> bool {
        self.sc.availability.contingent_in_service(c, now)
    }

    /// Whether radar or observation post `f` is out of service at `now`.
    #[inline]
    pub(super) fn fixed_sensor_out(&self, f: usize, now: SimTime) -> bool {
        !self.sc.availability.fixed_sensor_out[f].is_empty()
            && end_of(&self.sc.availability.fixed_sensor_out[f], now).is_some()
    }

    /// Whether satellite `s` is out of service at `now`.
    #[inline]
    pub(super) fn satellite_out(&self, s: usize, now: SimTime) -> bool {
        !self.sc.availability.satellite_out[s].is_empty()
            && end_of(&self.sc.availability.satellite_out[s], now).is_some()
    }

    /// Schedules the moments at which a contingent comes (back) into service, so that its
    /// idle units take the violations waiting for them.
    pub(super) fn schedule_service_starts(&self, sched: &mut Scheduler<Ev>) {
        for (c, out) in self.sc.availability.contingent_out.iter().enumerate() {
            for &(_, until) in out {
                if until < self.horizon {
                    sched.at(until, Ev::InService(c as u32));
                }
            }
        }
    }

    /// Contingent `c` comes into service: each of its idle units looks for work.
    pub(super) fn in_service(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, c: usize) {
        if !self.contingent_in_service(c, sched.now()) {
            return;
        }
        let idle = std::mem::take(&mut self.pools[c]);
        if let Some(st) = self.p.dispatch.station_of(c) {
            self.station_available[st as usize] -= idle.len() as u32;
        }
        // The pool pops from the back (lowest unit number first): serve in that order.
        for unit in idle.into_iter().rev() {
            self.make_available(world, sched, unit);
        }
    }

    /// When a drone of contingent `c` due to take off at `launch` does: at the end of a
    /// grounding that holds `launch` (groundings are merged, so one lookup suffices), else
    /// at `launch`. Take-off is not an event, so the grounding moves the time it is planned.
    #[inline]
    pub(super) fn launch_after_grounding(&self, c: usize, launch: SimTime) -> SimTime {
        let grounded = &self.sc.availability.grounded[c];
        if grounded.is_empty() {
            return launch;
        }
        end_of(grounded, launch).unwrap_or(launch)
    }

    /// Whether the freed `unit` must stay idle (its contingent is out of service now).
    #[inline]
    pub(super) fn unit_out_of_service(&self, world: &World, unit: Entity, now: SimTime) -> bool {
        let c = world.get::<Unit>(unit).expect("unit exists").contingent as usize;
        !self.contingent_in_service(c, now)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::record::SensorRef;
    use crate::model::testkit::Records;
    use crate::model::{Prepared, simulate};
    use crate::scenario::change::RawChange;
    use crate::scenario::{Scenario, Source};
    use crate::time::{DAY, SimTime};
    use std::path::Path;

    fn tutorial_with(changes: &[&str]) -> Scenario {
        let src =
            Source::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.ron"))
                .unwrap();
        let changes: Vec<RawChange> = changes
            .iter()
            .map(|c| crate::scenario::parse_ron(c, "c.ron").unwrap())
            .collect();
        src.changed(&changes).unwrap().validate().unwrap()
    }

    fn records(sc: Scenario) -> (Scenario, Vec<crate::model::ViolationRecord>) {
        let p = Prepared::new(sc);
        let mut obs = Records::default();
        simulate(&p, 0, false, &mut obs);
        let mut rs: Vec<_> = obs.0.into_iter().map(|(r, _)| r).collect();
        rs.sort_by_key(|r| r.id);
        (p.scenario, rs)
    }

    fn contingent(sc: &Scenario, id: &str) -> u32 {
        sc.contingents.iter().position(|c| c.id == id).unwrap() as u32
    }

    #[test]
    fn a_withdrawn_contingent_is_never_tasked_after_its_date() {
        let day10 = SimTime::ZERO + crate::time::SimDuration(10 * DAY.0);
        let (base, before) = records(tutorial_with(&[]));
        let c = contingent(&base, "gbr-infantry");
        let tasked_after = |rs: &[crate::model::ViolationRecord]| {
            rs.iter()
                .filter(|r| r.contingent == Some(c) && r.tasked.is_some_and(|t| t >= day10))
                .count()
        };
        assert!(
            tasked_after(&before) > 0,
            "the case needs the infantry busy after day 10"
        );
        let (sc, after) = records(tutorial_with(&[
            r#"Withdraw(contingents: Contingents(id: ["gbr-infantry"]), on: Days(10))"#,
        ]));
        assert_eq!(tasked_after(&after), 0);
        assert!(
            after.iter().any(|r| r.contingent == Some(c)),
            "tasked before day 10"
        );
        // Common random numbers: the same violations occur.
        assert_eq!(before.len(), after.len());
        assert!(
            before
                .iter()
                .zip(&after)
                .all(|(a, b)| a.occurred == b.occurred)
        );
        // Deployed on day 10: never tasked before.
        let (_, late) = records(tutorial_with(&[
            r#"Deploy(contingents: Contingents(id: ["gbr-infantry"]), on: Days(10))"#,
        ]));
        assert!(late.iter().any(|r| r.contingent == Some(c)));
        assert!(
            late.iter()
                .filter(|r| r.contingent == Some(c))
                .all(|r| r.tasked.is_some_and(|t| t >= day10))
        );
        let _ = sc;
    }

    #[test]
    fn a_sensor_in_outage_detects_nothing_in_its_window() {
        let (from, until) = (
            SimTime::ZERO + crate::time::SimDuration(5 * DAY.0),
            SimTime::ZERO + crate::time::SimDuration(12 * DAY.0),
        );
        let in_window = |t: SimTime| from <= t && t < until;
        let (sc, base) = records(tutorial_with(&[]));
        let radar = sc
            .fixed_sensors
            .iter()
            .position(|f| f.id == "odesa-coastal-radar")
            .unwrap() as u32;
        let sat = 0u32;
        let seen_by = |rs: &[crate::model::ViolationRecord], s: SensorRef| {
            rs.iter()
                .filter(|r| r.sensor == Some(s) && r.detected.is_some_and(in_window))
                .count()
        };
        assert!(seen_by(&base, SensorRef::Fixed(radar)) > 0);
        assert!(seen_by(&base, SensorRef::Satellite(sat)) > 0);
        let (_, out) = records(tutorial_with(&[
            r#"Outage(sensors: Sensors(kind: [Radar, Satellite]), from: Days(5), until: Days(12))"#,
        ]));
        assert_eq!(seen_by(&out, SensorRef::Fixed(radar)), 0);
        assert_eq!(seen_by(&out, SensorRef::Satellite(sat)), 0);
        // Outside the window they see again.
        assert!(
            out.iter()
                .any(|r| r.sensor == Some(SensorRef::Fixed(radar)))
        );
        assert_eq!(base.len(), out.len());
    }

    #[test]
    fn grounded_drones_launch_no_sortie() {
        let (sc, base) = records(tutorial_with(&[]));
        let c = contingent(&sc, "gbr-isr-drones");
        let by_drones = |rs: &[crate::model::ViolationRecord]| {
            rs.iter()
                .filter(|r| r.sensor == Some(SensorRef::Drone(c)))
                .count()
        };
        assert!(by_drones(&base) > 0);
        let (_, grounded) = records(tutorial_with(&[
            "Ground(drones: Contingents(kind: [IsrDrone]), from: Days(0), until: Days(30))",
        ]));
        assert_eq!(by_drones(&grounded), 0);
    }
}
