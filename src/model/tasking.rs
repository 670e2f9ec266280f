//! Tasking: HQ's decision on a report, the unit chosen by [`dispatch`](super::dispatch) or the
//! wait in the queue, and a unit's life from tasking to available again.

use super::components::{Stamp, Unit, Violation};
use super::events::Ev;
use super::queues::{QueueKey, priority};
use super::{Observer, Sim};
use crate::engine::Scheduler;
use crate::engine::rng::KeyedRng;
use crate::time::{SimDuration, SimTime};
use bevy_ecs::prelude::*;

impl<O: Observer> Sim<'_, O> {
    /// Spawns the responder units, every one available at its base.
    pub(super) fn spawn_units(&mut self, world: &mut World) {
        let sc = self.sc;
        let mut unit_index = 0u32;
        for (ci, c) in sc.contingents.iter().enumerate() {
            if c.isr.is_some() {
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
                if let Some(st) = st {
                    self.station_available[st as usize] += 1;
                }
            }
            // Pop from the back: the unit with the lowest number goes first.
            self.pools[ci].reverse();
        }
    }

    /// A detection report reaches HQ: monitor-only violations are closed, the others wait
    /// for HQ's decision.
    pub(super) fn report(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, e: Entity) {
        let mut v = world
            .get_mut::<Violation>(e)
            .expect("reported violation is open");
        v.reported = Stamp::at(sched.now());
        if v.needs_response(self.sc) {
            let hq = v.hq;
            sched.after(hq, Ev::Decide(e));
        } else {
            self.close(world, e);
        }
    }

    /// HQ decides to respond: the fastest eligible available unit is tasked, or the
    /// violation waits in its pair's queue.
    pub(super) fn decide(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, e: Entity) {
        let mut v = world
            .get_mut::<Violation>(e)
            .expect("decided violation is open");
        v.decided = Stamp::at(sched.now());
        let (t, s, pos, occurred_s, id) = (
            v.vtype as usize,
            v.sector as usize,
            v.pos,
            v.occurred_s,
            v.id,
        );
        let vt = &self.sc.violation_types[t];
        let (sev, domain) = (vt.severity, vt.domain);
        let Some(pair) = self.p.dispatch.pair(t, s) else {
            return; // Validated scenarios give every answered (type, sector) a pair.
        };
        let lead = self.sc.sectors[s].lead_nation;
        let avail = &self.station_available;
        let now = sched.now();
        match self.p.dispatch.choose(pair, pos, lead, |st| {
            avail[st as usize] > 0 && self.station_in_service(st, now) // timed events
        }) {
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
                let dispatch = &self.p.dispatch;
                let mut reaching = dispatch.queues_reaching(pair, pos).peekable();
                if reaching.peek().is_none() {
                    // No unit of the force could ever answer it: it is counted, not queued.
                    Self::stamp(world, e, |v| v.unanswerable = true);
                    self.close(world, e);
                    return;
                }
                let key = QueueKey {
                    priority: priority(self.sc.command.queue_priority, sev),
                    occurred_s,
                    id,
                    violation: e,
                };
                self.queues
                    .push(sched.now(), reaching, key, domain, &mut *self.obs);
            }
        }
    }

    /// Tasks `unit` with violation `e`; national approval comes after its delay.
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
        v.tasked = Stamp::at(now);
        v.unit = Some(index);
        let seed = v.seed;
        let mut u = world.get_mut::<Unit>(unit).expect("unit exists");
        u.task = Some(e);
        u.busy = true;
        self.sampler.set_busy(contingent.domain.index(), true);
        u.busy_since = now;
        u.transit = transit;
        u.task_seed = seed;
        let approval = self.sc.nations[contingent.nation]
            .approval_delay
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

    fn stamp(world: &mut World, e: Entity, f: impl FnOnce(&mut Violation)) {
        f(&mut world
            .get_mut::<Violation>(e)
            .expect("task's violation is open"));
    }

    /// Closes an open violation and hands its record to the observer.
    pub(super) fn close(&mut self, world: &mut World, e: Entity) {
        // Read in place and despawned once (taking the component first moved the entity to
        // another archetype before despawning it).
        let r = world
            .get::<Violation>(e)
            .expect("open violation")
            .record(self.sc, &self.p.unit_contingent);
        world.despawn(e);
        self.obs.record(&r, false);
    }

    /// National approval came: the unit leaves after its notice to move.
    pub(super) fn approved(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, unit: Entity) {
        let now = sched.now();
        let (e, c, _, seed) = Self::task_of(world, unit);
        Self::stamp(world, e, |v| v.approved = Stamp::at(now));
        let notice = self.sc.contingents[c as usize]
            .notice_to_move
            .sample(&mut KeyedRng::new(seed, self.p.k_notice));
        sched.after(notice, Ev::Depart(unit));
    }

    /// The unit leaves its base.
    pub(super) fn depart(world: &mut World, sched: &mut Scheduler<Ev>, unit: Entity) {
        let now = sched.now();
        let (e, _, transit, _) = Self::task_of(world, unit);
        Self::stamp(world, e, |v| v.departed = Stamp::at(now));
        sched.after(transit, Ev::Arrive(unit));
    }

    /// The unit arrives on scene and stays the violation's time on scene.
    pub(super) fn arrive(world: &mut World, sched: &mut Scheduler<Ev>, unit: Entity) {
        let now = sched.now();
        let (e, _, _, _) = Self::task_of(world, unit);
        let mut v = world
            .get_mut::<Violation>(e)
            .expect("task's violation is open");
        v.arrived = Stamp::at(now);
        let on_scene = v.on_scene;
        sched.after(on_scene, Ev::Clear(unit));
    }

    /// The unit leaves the scene: the violation is closed and the unit heads home.
    pub(super) fn clear(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, unit: Entity) {
        let now = sched.now();
        let (e, _, transit, _) = Self::task_of(world, unit);
        Self::stamp(world, e, |v| v.cleared = Stamp::at(now));
        self.close(world, e);
        world.get_mut::<Unit>(unit).expect("unit exists").task = None;
        sched.after(transit, Ev::Home(unit));
    }

    /// The unit is back at base and turns around.
    pub(super) fn home(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, unit: Entity) {
        let u = world.get::<Unit>(unit).expect("unit exists");
        let turnaround = self.sc.contingents[u.contingent as usize]
            .turnaround
            .sample(&mut KeyedRng::new(u.task_seed, self.p.k_turnaround));
        sched.after(turnaround, Ev::Ready(unit));
    }

    /// The unit is available again: its busy time is counted and it looks for work.
    pub(super) fn ready(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, unit: Entity) {
        let now = sched.now();
        let mut u = world.get_mut::<Unit>(unit).expect("unit exists");
        u.busy = false;
        let (c, since) = (u.contingent as usize, u.busy_since);
        self.sampler
            .set_busy(self.sc.contingents[c].domain.index(), false);
        self.obs.add_busy(c, now - since, now);
        self.make_available(world, sched, unit);
    }

    /// A unit becomes available: it takes the most urgent waiting violation it may answer
    /// and reach, or joins its contingent's pool.
    pub(super) fn make_available(
        &mut self,
        world: &mut World,
        sched: &mut Scheduler<Ev>,
        unit: Entity,
    ) {
        let c = world.get::<Unit>(unit).expect("unit exists").contingent as usize;
        let station = self
            .p
            .dispatch
            .station_of(c)
            .expect("responder units have a station");
        let idle = self.unit_out_of_service(world, unit, sched.now()); // timed events
        if !idle && !self.queues.is_empty() {
            let is_waiting = |e: Entity| {
                world
                    .get::<Violation>(e)
                    .is_some_and(|v| !v.tasked.is_some())
            };
            let queues = self.p.dispatch.queues_of(station);
            if let Some((head, q)) = self.queues.best_for(queues, is_waiting) {
                let v = world
                    .get::<Violation>(head.violation)
                    .expect("queued violation is open");
                let (domain, pos) = (self.sc.violation_types[v.vtype as usize].domain, v.pos);
                let transit_h = self
                    .p
                    .dispatch
                    .transit_h(station, pos)
                    .expect("queued only under stations that reach it");
                self.queues.take(sched.now(), q, domain, &mut *self.obs);
                let transit = SimDuration::from_hours_f64(transit_h);
                self.assign(world, sched, unit, head.violation, transit);
                return;
            }
        }
        self.pools[c].push(unit);
        self.station_available[station as usize] += 1;
    }
}

#[cfg(test)]
mod tests {
    use crate::model::testkit::{Records, contingent, scenario};
    use crate::model::{Prepared, simulate};
    use crate::time::DAY;

    #[test]
    fn violations_behind_an_unreachable_one_are_all_answered() {
        // One unit with a 2 h endurance at the western end of a 150 km sector: most of the
        // sector is out of its reach. Violations it can never reach must not block the ones
        // it can (they used to head the queue and strand everything behind them).
        let sc = scenario(
            30,
            12.0,
            37.0,
            r#"(code: "AAA", name: "A")"#,
            r#"(id: "west", name: "West", at: (lat: 48.0, lon: 35.0), kind: Garrison)"#,
            &contingent("c", "AAA", "west", 1, "endurance: Some(Hours(2))"),
        );
        let end = crate::time::SimTime::ZERO + sc.horizon;
        let p = Prepared::new(sc);
        let mut obs = Records::default();
        simulate(&p, 0, false, &mut obs);
        let records: Vec<_> = obs.0.iter().map(|(r, _)| r).collect();
        let unanswerable = records.iter().filter(|r| r.unanswerable).count();
        assert!(unanswerable > 0, "the case needs violations out of reach");
        assert!(
            records
                .iter()
                .all(|r| !r.unanswerable || r.tasked.is_none()),
            "an unanswerable violation was tasked"
        );
        let waited = records
            .iter()
            .filter(|r| matches!((r.decided, r.tasked), (Some(d), Some(t)) if t > d))
            .count();
        assert!(waited > 0, "the case needs a queue");
        let stranded: Vec<_> = records
            .iter()
            .filter(|r| {
                !r.unanswerable && r.tasked.is_none() && r.decided.is_some_and(|d| d + DAY < end)
            })
            .collect();
        assert!(
            stranded.is_empty(),
            "{} reachable violations waited over a day unanswered, e.g. {:?}",
            stranded.len(),
            stranded[0]
        );
    }
}
