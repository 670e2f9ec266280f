//! The discrete-event engine: clock, event queue, random streams and the loop.
//!
//! Events are kept outside the bevy_ecs [`World`] in a binary heap ordered by
//! `(time, sequence)`: equal times are served first in, first out, so a run is fully
//! determined by its inputs. The [`Handler`] reaches components directly
//! (`world.get_mut::<C>(entity)`), which costs no more than a plain loop over vectors
//! (field notes §1); running bevy systems per event would halve the throughput.

pub mod rng;

use crate::time::{SimDuration, SimTime};
use bevy_ecs::world::World;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// An event waiting in the queue.
#[derive(Debug, Clone, Copy)]
struct Pending<E> {
    /// `(time, seq)` packed into one integer, time in the high half: the heap compares
    /// one `u128` (two instructions, no branch) rather than a pair.
    order: u128,
    event: E,
}

impl<E> Pending<E> {
    fn new(time: SimTime, seq: u64, event: E) -> Self {
        Pending {
            order: (u128::from(time.secs()) << 64) | u128::from(seq),
            event,
        }
    }

    fn time(&self) -> SimTime {
        SimTime((self.order >> 64) as u64)
    }

    fn seq(&self) -> u64 {
        self.order as u64
    }
}

impl<E> PartialEq for Pending<E> {
    fn eq(&self, other: &Self) -> bool {
        self.order == other.order
    }
}
impl<E> Eq for Pending<E> {}
impl<E> PartialOrd for Pending<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Pending<E> {
    /// Reversed, so that the max-heap pops the earliest `(time, seq)`.
    fn cmp(&self, other: &Self) -> Ordering {
        other.order.cmp(&self.order)
    }
}

/// The clock and the future event list.
#[derive(Debug)]
pub struct Scheduler<E> {
    now: SimTime,
    seq: u64,
    /// Sequence number of the event being handled.
    current: u64,
    processed: u64,
    queue: BinaryHeap<Pending<E>>,
}

impl<E> Default for Scheduler<E> {
    fn default() -> Self {
        Self::with_capacity(0)
    }
}

impl<E> Scheduler<E> {
    /// An empty scheduler at time zero with room for `n` pending events.
    pub fn with_capacity(n: usize) -> Self {
        Scheduler {
            now: SimTime::ZERO,
            seq: 0,
            current: 0,
            processed: 0,
            queue: BinaryHeap::with_capacity(n),
        }
    }

    /// The current simulation time.
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at `time`. Scheduling in the past is a bug in the model.
    #[inline]
    pub fn at(&mut self, time: SimTime, event: E) {
        debug_assert!(time >= self.now, "event scheduled in the past");
        self.seq += 1;
        self.queue.push(Pending::new(time, self.seq, event));
    }

    /// Takes the sequence number an event scheduled now would get, without scheduling
    /// one: for what the model settles in advance yet must order among the events.
    #[inline]
    pub fn reserve_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// The sequence number of the event being handled (events run in `(time, seq)` order).
    #[inline]
    pub fn current_seq(&self) -> u64 {
        self.current
    }

    /// Schedules `event` after `delay`.
    #[inline]
    pub fn after(&mut self, delay: SimDuration, event: E) {
        self.at(self.now + delay, event);
    }

    /// Events handled so far.
    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// Events still pending.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

/// The model side of the loop: what happens when an event fires.
pub trait Handler {
    /// The event type (small and `Copy`: it lives in the heap).
    type Event: Copy;
    /// Handles `event` at `sched.now()`, reading and writing `world`, scheduling more events.
    fn handle(&mut self, world: &mut World, sched: &mut Scheduler<Self::Event>, event: Self::Event);
}

/// Runs events in `(time, sequence)` order until the queue is empty or the next event lies
/// after `until`; the clock is then set to `until`. Returns the number of events handled.
pub fn run<H: Handler>(
    world: &mut World,
    sched: &mut Scheduler<H::Event>,
    handler: &mut H,
    until: SimTime,
) -> u64 {
    let start = sched.processed;
    while let Some(next) = sched.queue.peek() {
        if next.time() > until {
            break;
        }
        let next = sched.queue.pop().expect("peeked");
        sched.now = next.time();
        sched.current = next.seq();
        let event = next.event;
        sched.processed += 1;
        handler.handle(world, sched, event);
    }
    sched.now = sched.now.max(until);
    sched.processed - start
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Log(Vec<(u64, u32)>);
    impl Handler for Log {
        type Event = u32;
        fn handle(&mut self, _: &mut World, s: &mut Scheduler<u32>, e: u32) {
            self.0.push((s.now().secs(), e));
            if e == 1 {
                // Same time as an already queued event: served after it (FIFO).
                s.after(SimDuration(0), 10);
            }
        }
    }

    #[test]
    fn time_order_then_fifo_and_horizon() {
        let mut w = World::new();
        let mut s = Scheduler::default();
        s.at(SimTime(5), 2);
        s.at(SimTime(1), 1);
        s.at(SimTime(1), 3);
        s.at(SimTime(100), 4);
        let mut h = Log(Vec::new());
        let n = run(&mut w, &mut s, &mut h, SimTime(50));
        assert_eq!(h.0, vec![(1, 1), (1, 3), (1, 10), (5, 2)]);
        assert_eq!(n, 4);
        assert_eq!(s.now(), SimTime(50));
        assert_eq!(s.pending(), 1);
    }
}
