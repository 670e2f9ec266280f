//! Violations settled in advance: one whose whole history is known when it happens (a
//! monitor-only violation seen at once) is neither spawned nor given a `Report` event; its
//! record waits here until its report time and reaches the observer exactly where that
//! event would have been handled.

use super::components::Violation;
use super::{Observer, Sim};
use crate::engine::Scheduler;
use crate::time::SimTime;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// The place in the event order of the event a settled violation replaces, `(time, seq)`
/// packed into one integer (time in the high half) so that a comparison is one instruction.
fn order(time: SimTime, seq: u64) -> u128 {
    (u128::from(time.secs()) << 64) | u128::from(seq)
}

/// Settled violations whose records are not handed over yet, earliest first.
///
/// The heap holds only each one's place in the event order and its slot in `store`: it
/// moves 32 bytes per step instead of the whole violation.
#[derive(Default)]
pub(super) struct Settled {
    heap: BinaryHeap<Reverse<(u128, u32)>>,
    /// The violations, by slot (`None`: free).
    store: Vec<Option<Violation>>,
    /// Free slots of `store`.
    free: Vec<u32>,
    /// Records handed over (each stands for the event it replaced).
    released: u64,
}

impl Settled {
    /// Records handed over so far: the events they replaced.
    pub(super) fn released(&self) -> u64 {
        self.released
    }

    /// Keeps `v` until `(time, seq)`.
    fn push(&mut self, time: SimTime, seq: u64, v: Violation) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.store[slot as usize] = Some(v);
                slot
            }
            None => {
                self.store.push(Some(v));
                u32::try_from(self.store.len() - 1).expect("validated: violations below 2^32")
            }
        };
        self.heap.push(Reverse((order(time, seq), slot)));
    }

    /// The earliest violation due before `before` (any, with `None`).
    fn pop_before(&mut self, before: Option<u128>) -> Option<Violation> {
        let &Reverse((at, slot)) = self.heap.peek()?;
        if before.is_some_and(|b| at >= b) {
            return None;
        }
        self.heap.pop();
        self.free.push(slot);
        self.store[slot as usize].take()
    }
}

impl<O: Observer> Sim<'_, O> {
    /// Settles violation `v`: its record reaches the observer at `time`, where an event
    /// scheduled now would have been handled (it takes that event's sequence number).
    pub(super) fn settle(&mut self, sched: &mut Scheduler<super::Ev>, time: SimTime, v: Violation) {
        let seq = sched.reserve_seq();
        self.settled.push(time, seq, v);
    }

    /// Hands the observer every settled record due before the event being handled (all of
    /// them with `until_end`, once the run is over).
    pub(super) fn release_settled(&mut self, sched: &Scheduler<super::Ev>, until_end: bool) {
        let here = (!until_end).then(|| order(sched.now(), sched.current_seq()));
        while let Some(v) = self.settled.pop_before(here) {
            self.settled.released += 1;
            let (sc, unit_contingent) = (self.sc, &self.p.unit_contingent);
            let detected = v.detected.get().expect("settled: detected at once");
            self.obs
                .record_settled(v.sector, v.vtype, v.occurred(), detected, || {
                    v.record(sc, unit_contingent)
                });
        }
    }
}
