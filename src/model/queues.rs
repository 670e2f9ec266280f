//! Waiting queues: violations decided on while no eligible unit was available, per
//! (type, sector) pair in priority order, and the time-integrated number waiting.

use super::record::Observer;
use crate::scenario::{Domain, QueuePriority, Severity};
use crate::time::{SimDuration, SimTime};
use bevy_ecs::prelude::Entity;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The place of a waiting violation in its queue; smallest first (fields compared in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct QueueKey {
    /// 0 is served first (see [`priority`]).
    pub priority: u8,
    /// Occurrence [s]: older first.
    pub occurred_s: u64,
    /// Violation id: the tie-break.
    pub id: u64,
    /// The violation.
    pub violation: Entity,
}

/// The queue priority of a violation of `severity` under `policy` (0 first).
pub fn priority(policy: QueuePriority, severity: Severity) -> u8 {
    match policy {
        QueuePriority::SeverityThenAge => Severity::Critical as u8 - severity as u8,
        QueuePriority::Fifo => 0,
    }
}

/// Waiting violations per dispatch pair, and their time-integrated count per domain.
#[derive(Debug)]
pub struct WaitingQueues {
    /// One min-heap per (type, sector) pair.
    heaps: Vec<BinaryHeap<Reverse<QueueKey>>>,
    len: usize,
    /// Waiting violations per domain, and when that last changed (for the time average).
    by_domain: [u32; 3],
    changed: SimTime,
}

impl WaitingQueues {
    /// Empty queues for `pairs` dispatch pairs.
    pub fn new(pairs: usize) -> Self {
        WaitingQueues {
            heaps: (0..pairs).map(|_| BinaryHeap::new()).collect(),
            len: 0,
            by_domain: [0; 3],
            changed: SimTime::ZERO,
        }
    }

    /// Violations waiting.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no violation waits.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Queues a violation of `domain` for `pair` at `now`.
    pub fn push(
        &mut self,
        now: SimTime,
        pair: u32,
        key: QueueKey,
        domain: Domain,
        obs: &mut impl Observer,
    ) {
        self.heaps[pair as usize].push(Reverse(key));
        self.len += 1;
        self.change(now, domain, 1, obs);
    }

    /// The most urgent waiting violation among the heads of `pairs` that a unit can reach
    /// (`reach(violation)` gives its one-way transit), with its pair and transit. Ties go to
    /// the pair listed first.
    pub fn best_for(
        &self,
        pairs: &[u32],
        mut reach: impl FnMut(Entity) -> Option<SimDuration>,
    ) -> Option<(QueueKey, u32, SimDuration)> {
        let mut best: Option<(QueueKey, u32, SimDuration)> = None;
        for &pair in pairs {
            let Some(Reverse(head)) = self.heaps[pair as usize].peek() else {
                continue;
            };
            if best.as_ref().is_some_and(|(b, _, _)| head >= b) {
                continue;
            }
            if let Some(transit) = reach(head.violation) {
                best = Some((*head, pair, transit));
            }
        }
        best
    }

    /// Removes the head of `pair` (a violation of `domain`) at `now`.
    pub fn pop(&mut self, now: SimTime, pair: u32, domain: Domain, obs: &mut impl Observer) {
        self.heaps[pair as usize].pop().expect("queue not empty");
        self.len -= 1;
        self.change(now, domain, -1, obs);
    }

    /// Hands the observer the waiting time accumulated up to `now`.
    pub fn integrate_to(&mut self, now: SimTime, obs: &mut impl Observer) {
        self.change(now, Domain::Air, 0, obs);
    }

    /// Integrates the queue lengths up to `now`, then changes the length of `domain`'s.
    fn change(&mut self, now: SimTime, domain: Domain, by: i32, obs: &mut impl Observer) {
        let elapsed = now - self.changed;
        for d in Domain::ALL {
            obs.add_queue_area(d, self.by_domain[d.index()], elapsed);
        }
        self.changed = now;
        let q = &mut self.by_domain[domain.index()];
        *q = q
            .checked_add_signed(by)
            .expect("queue length stays non-negative");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::record::ViolationRecord;
    use bevy_ecs::world::World;

    #[derive(Default)]
    struct Area([u64; 3]);
    impl Observer for Area {
        fn record(&mut self, _: &ViolationRecord, _: bool) {}
        fn add_busy(&mut self, _: usize, _: SimDuration) {}
        fn add_covered(&mut self, _: usize, _: SimDuration) {}
        fn add_queue_area(&mut self, d: Domain, waiting: u32, t: SimDuration) {
            self.0[d.index()] += u64::from(waiting) * t.secs();
        }
    }

    fn key(world: &mut World, sev: Severity, occurred_s: u64, id: u64) -> QueueKey {
        QueueKey {
            priority: priority(QueuePriority::SeverityThenAge, sev),
            occurred_s,
            id,
            violation: world.spawn_empty().id(),
        }
    }

    #[test]
    fn queue_serves_severity_then_age_then_id() {
        let mut w = World::new();
        let mut q = WaitingQueues::new(1);
        let mut obs = Area::default();
        let minor_old = key(&mut w, Severity::Minor, 10, 0);
        let critical_new = key(&mut w, Severity::Critical, 50, 3);
        let critical_old = key(&mut w, Severity::Critical, 20, 1);
        let critical_tie = key(&mut w, Severity::Critical, 20, 2);
        for k in [minor_old, critical_new, critical_tie, critical_old] {
            q.push(SimTime(60), 0, k, Domain::Land, &mut obs);
        }
        let mut order = Vec::new();
        while let Some((k, pair, _)) = q.best_for(&[0], |_| Some(SimDuration::ZERO)) {
            order.push(k);
            q.pop(SimTime(60), pair, Domain::Land, &mut obs);
        }
        assert_eq!(order, [critical_old, critical_tie, critical_new, minor_old]);
        assert!(q.is_empty());
    }

    #[test]
    fn fifo_ignores_severity() {
        assert_eq!(priority(QueuePriority::Fifo, Severity::Critical), 0);
        assert_eq!(priority(QueuePriority::Fifo, Severity::Minor), 0);
        assert!(
            priority(QueuePriority::SeverityThenAge, Severity::Critical)
                < priority(QueuePriority::SeverityThenAge, Severity::Minor)
        );
    }

    #[test]
    fn best_for_skips_unreachable_heads_and_picks_across_pairs() {
        let mut w = World::new();
        let mut q = WaitingQueues::new(2);
        let mut obs = Area::default();
        let far = key(&mut w, Severity::Critical, 0, 0);
        let near = key(&mut w, Severity::Minor, 5, 1);
        q.push(SimTime(0), 0, far, Domain::Sea, &mut obs);
        q.push(SimTime(0), 1, near, Domain::Sea, &mut obs);
        let reach = |e: Entity| (e != far.violation).then_some(SimDuration(7));
        assert_eq!(q.best_for(&[0, 1], reach), Some((near, 1, SimDuration(7))));
        assert_eq!(
            q.best_for(&[0, 1], |_| Some(SimDuration(1))),
            Some((far, 0, SimDuration(1)))
        );
    }

    #[test]
    fn integrated_length_is_waiting_times_duration_per_domain() {
        let mut w = World::new();
        let mut q = WaitingQueues::new(1);
        let mut obs = Area::default();
        // Two land violations wait from 100 s and 300 s; one leaves at 400 s; end at 1000 s.
        q.push(
            SimTime(100),
            0,
            key(&mut w, Severity::Minor, 0, 0),
            Domain::Land,
            &mut obs,
        );
        q.push(
            SimTime(300),
            0,
            key(&mut w, Severity::Minor, 1, 1),
            Domain::Land,
            &mut obs,
        );
        q.pop(SimTime(400), 0, Domain::Land, &mut obs);
        q.integrate_to(SimTime(1000), &mut obs);
        assert_eq!(obs.0[Domain::Land.index()], 200 + 2 * 100 + 600);
        assert_eq!(obs.0[Domain::Air.index()], 0);
        assert_eq!(q.len(), 1);
    }
}
