//! Waiting queues: violations decided on while no eligible unit was available, per
//! (type, sector) pair and dispatch station in priority order, and the time-integrated
//! number waiting.

use super::record::Observer;
use crate::scenario::{Domain, QueuePriority, Severity};
use crate::time::SimTime;
use bevy_ecs::prelude::Entity;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The place of a waiting violation in its queue; smallest first (fields compared in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct QueueKey {
    /// 0 is served first (see [`priority`]).
    pub priority: u8,
    /// Occurrence \[s\]: older first.
    pub occurred_s: u32,
    /// Violation id: the tie-break.
    pub id: u32,
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

/// Waiting violations, and their time-integrated count per domain.
///
/// A waiting violation is queued once under every dispatch station that can reach it (one
/// min-heap per (pair, station)), so a unit that comes free finds the most urgent violation
/// *it* can serve by peeking the heads of its station's queues: no scan of the waiting
/// violations, and no violation stranded behind one the unit cannot reach. When a violation
/// is taken from one queue, its copies in the others are dropped lazily, when they reach a
/// head (`is_waiting` tells them apart).
#[derive(Debug)]
pub struct WaitingQueues {
    /// One min-heap per (pair, station), by [`DispatchIndex`](super::dispatch::DispatchIndex)
    /// queue id.
    heaps: Vec<BinaryHeap<Reverse<QueueKey>>>,
    len: usize,
    /// Waiting violations per domain, and when that last changed (for the time average).
    by_domain: [u32; 3],
    changed: SimTime,
}

impl WaitingQueues {
    /// Empty queues, `queues` of them.
    pub fn new(queues: usize) -> Self {
        WaitingQueues {
            heaps: (0..queues).map(|_| BinaryHeap::new()).collect(),
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

    /// Queues a violation of `domain` at `now` under each of `queues` (at least one).
    pub fn push(
        &mut self,
        now: SimTime,
        queues: impl IntoIterator<Item = u32>,
        key: QueueKey,
        domain: Domain,
        obs: &mut impl Observer,
    ) {
        for q in queues {
            self.heaps[q as usize].push(Reverse(key));
        }
        self.len += 1;
        self.change(now, domain, 1, obs);
    }

    /// The most urgent violation still waiting (`is_waiting`) among the heads of `queues`,
    /// with the queue it heads. Heads no longer waiting are dropped on the way.
    pub fn best_for(
        &mut self,
        queues: &[u32],
        is_waiting: impl Fn(Entity) -> bool,
    ) -> Option<(QueueKey, u32)> {
        let mut best: Option<(QueueKey, u32)> = None;
        for &q in queues {
            let heap = &mut self.heaps[q as usize];
            while let Some(Reverse(head)) = heap.peek() {
                if is_waiting(head.violation) {
                    if best.is_none_or(|(b, _)| *head < b) {
                        best = Some((*head, q));
                    }
                    break;
                }
                heap.pop();
            }
        }
        best
    }

    /// Takes the head of queue `q` (a violation of `domain`) at `now`; its copies in other
    /// queues are dropped later.
    pub fn take(&mut self, now: SimTime, q: u32, domain: Domain, obs: &mut impl Observer) {
        self.heaps[q as usize].pop().expect("queue not empty");
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
            obs.add_queue_area(d, self.by_domain[d.index()], elapsed, now);
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
    use crate::time::SimDuration;
    use bevy_ecs::world::World;

    #[derive(Default)]
    struct Area([u64; 3]);
    impl Observer for Area {
        fn record(&mut self, _: &ViolationRecord, _: bool) {}
        fn add_busy(&mut self, _: usize, _: SimDuration, _: SimTime) {}
        fn add_covered(&mut self, _: usize, _: SimDuration, _: SimTime) {}
        fn add_queue_area(&mut self, d: Domain, waiting: u32, t: SimDuration, _: SimTime) {
            self.0[d.index()] += u64::from(waiting) * t.secs();
        }
    }

    fn key(world: &mut World, sev: Severity, occurred_s: u32, id: u32) -> QueueKey {
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
            q.push(SimTime(60), [0], k, Domain::Land, &mut obs);
        }
        let mut order = Vec::new();
        while let Some((k, queue)) = q.best_for(&[0], |_| true) {
            order.push(k);
            q.take(SimTime(60), queue, Domain::Land, &mut obs);
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
    fn best_for_takes_the_most_urgent_head_and_drops_copies_already_taken() {
        let mut w = World::new();
        // Queue 0: station A's; queue 1: station B's. `both` waits under both stations.
        let mut q = WaitingQueues::new(2);
        let mut obs = Area::default();
        let both = key(&mut w, Severity::Critical, 0, 0);
        let only_b = key(&mut w, Severity::Minor, 5, 1);
        q.push(SimTime(0), [0, 1], both, Domain::Sea, &mut obs);
        q.push(SimTime(0), [1], only_b, Domain::Sea, &mut obs);
        assert_eq!(q.len(), 2);
        // Station A takes `both`.
        assert_eq!(q.best_for(&[0], |_| true), Some((both, 0)));
        q.take(SimTime(1), 0, Domain::Sea, &mut obs);
        // Station B's copy of `both` is stale: B gets `only_b`.
        let taken = |e: Entity| e == both.violation;
        assert_eq!(q.best_for(&[1], |e| !taken(e)), Some((only_b, 1)));
        q.take(SimTime(2), 1, Domain::Sea, &mut obs);
        assert!(q.is_empty());
        assert_eq!(
            q.best_for(&[0, 1], |e| !taken(e) && e != only_b.violation),
            None
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
            [0],
            key(&mut w, Severity::Minor, 0, 0),
            Domain::Land,
            &mut obs,
        );
        q.push(
            SimTime(300),
            [0],
            key(&mut w, Severity::Minor, 1, 1),
            Domain::Land,
            &mut obs,
        );
        q.take(SimTime(400), 0, Domain::Land, &mut obs);
        q.integrate_to(SimTime(1000), &mut obs);
        assert_eq!(obs.0[Domain::Land.index()], 200 + 2 * 100 + 600);
        assert_eq!(obs.0[Domain::Air.index()], 0);
        assert_eq!(q.len(), 1);
    }
}
