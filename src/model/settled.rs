//! Violations settled in advance: one whose whole history is known when it happens (a
//! monitor-only violation seen at once) is neither spawned nor given a `Report` event; its
//! record waits here until its report time and reaches the observer exactly where that
//! event would have been handled.

use super::components::Violation;
use super::{Observer, Sim};
use crate::engine::Scheduler;
use crate::time::SimTime;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// A settled violation and the place in the event order of the event it replaces.
struct Entry {
    time: SimTime,
    /// The sequence number the replaced event would have had.
    seq: u64,
    violation: Violation,
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl Eq for Entry {}
impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.time, self.seq).cmp(&(other.time, other.seq))
    }
}

/// Settled violations whose records are not handed over yet, earliest first.
#[derive(Default)]
pub(super) struct Settled {
    heap: BinaryHeap<Reverse<Entry>>,
    /// Records handed over (each stands for the event it replaced).
    released: u64,
}

impl Settled {
    /// Records handed over so far: the events they replaced.
    pub(super) fn released(&self) -> u64 {
        self.released
    }
}

impl<O: Observer> Sim<'_, O> {
    /// Settles violation `v`: its record reaches the observer at `time`, where an event
    /// scheduled now would have been handled (it takes that event's sequence number).
    pub(super) fn settle(&mut self, sched: &mut Scheduler<super::Ev>, time: SimTime, v: Violation) {
        let seq = sched.reserve_seq();
        self.settled.heap.push(Reverse(Entry {
            time,
            seq,
            violation: v,
        }));
    }

    /// Hands the observer every settled record due before the event being handled (all of
    /// them with `until_end`, once the run is over).
    pub(super) fn release_settled(&mut self, sched: &Scheduler<super::Ev>, until_end: bool) {
        let here = (sched.now(), sched.current_seq());
        while let Some(Reverse(top)) = self.settled.heap.peek() {
            if !until_end && (top.time, top.seq) >= here {
                break;
            }
            let Reverse(e) = self.settled.heap.pop().expect("peeked");
            self.settled.released += 1;
            self.obs
                .record(&e.violation.record(self.sc, &self.p.unit_contingent), false);
        }
    }
}
