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

/// A settled violation's place in the event order and what a count needs of it: sector,
/// type and second of occurrence (it was detected then). `slot` points into the store of
/// whole violations, kept only for an observer that builds whole records.
#[derive(Debug, Clone, Copy)]
struct Due {
    at: u128,
    sector: u32,
    vtype: u32,
    occurred_s: u32,
    slot: u32,
}

/// No whole violation kept.
const NO_SLOT: u32 = u32::MAX;

impl PartialEq for Due {
    fn eq(&self, o: &Self) -> bool {
        self.at == o.at
    }
}
impl Eq for Due {}
impl PartialOrd for Due {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Due {
    /// By place in the event order alone (unique: each has its own sequence number).
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.at.cmp(&o.at)
    }
}

/// Settled violations whose records are not handed over yet, earliest first.
///
/// The heap holds 32 bytes per violation: its place in the event order and what the counts
/// need. The whole violation (112 bytes) is stored aside only when the observer builds
/// whole records (a trace); otherwise it is never moved at all.
#[derive(Default)]
pub(super) struct Settled {
    heap: BinaryHeap<Reverse<Due>>,
    /// Whether whole violations are kept ([`Observer::wants_settled_records`]).
    keep_whole: bool,
    /// The whole violations, by slot (`None`: free), with `keep_whole`.
    store: Vec<Option<Violation>>,
    /// Free slots of `store`.
    free: Vec<u32>,
    /// Records handed over (each stands for the event it replaced).
    released: u64,
}

impl Settled {
    /// Nothing settled; with `keep_whole`, whole violations are kept for their records.
    pub(super) fn new(keep_whole: bool) -> Self {
        Settled {
            keep_whole,
            ..Settled::default()
        }
    }

    /// Records handed over so far: the events they replaced.
    pub(super) fn released(&self) -> u64 {
        self.released
    }

    /// Keeps `v` until `(time, seq)`.
    fn push(&mut self, time: SimTime, seq: u64, v: Violation) {
        let (sector, vtype, occurred_s) = (v.sector, v.vtype, v.occurred_s);
        let slot = if !self.keep_whole {
            NO_SLOT
        } else if let Some(slot) = self.free.pop() {
            self.store[slot as usize] = Some(v);
            slot
        } else {
            self.store.push(Some(v));
            u32::try_from(self.store.len() - 1)
                .ok()
                .filter(|&s| s != NO_SLOT)
                .expect("validated: violations below 2^32 - 1")
        };
        self.heap.push(Reverse(Due {
            at: order(time, seq),
            sector,
            vtype,
            occurred_s,
            slot,
        }));
    }

    /// The earliest violation due before `before` (any, with `None`), and the whole
    /// violation if kept.
    fn pop_before(&mut self, before: Option<u128>) -> Option<(Due, Option<Violation>)> {
        let &Reverse(due) = self.heap.peek()?;
        if before.is_some_and(|b| due.at >= b) {
            return None;
        }
        self.heap.pop();
        if due.slot == NO_SLOT {
            return Some((due, None));
        }
        self.free.push(due.slot);
        Some((due, self.store[due.slot as usize].take()))
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
        while let Some((due, whole)) = self.settled.pop_before(here) {
            self.settled.released += 1;
            let (sc, unit_contingent) = (self.sc, &self.p.unit_contingent);
            // Settled when it occurred: detected at once.
            let occurred = SimTime(u64::from(due.occurred_s));
            self.obs
                .record_settled(due.sector, due.vtype, occurred, occurred, || {
                    whole
                        .expect("whole violations are kept for an observer that builds records")
                        .record(sc, unit_contingent)
                });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::LatLon;
    use crate::model::components::Stamp;
    use crate::time::SimDuration;

    fn violation(id: u32, occurred_s: u32) -> Violation {
        Violation {
            seed: u64::from(id),
            pos: LatLon::new(48.0, 35.0),
            on_scene: SimDuration::ZERO,
            hq: SimDuration::ZERO,
            id,
            sector: id % 3,
            vtype: id % 5,
            occurred_s,
            detected: Stamp::at(SimTime(u64::from(occurred_s))),
            reported: Stamp::NONE,
            decided: Stamp::NONE,
            tasked: Stamp::NONE,
            approved: Stamp::NONE,
            departed: Stamp::NONE,
            arrived: Stamp::NONE,
            cleared: Stamp::NONE,
            sensor: None,
            unit: None,
            watch_slot: None,
            unanswerable: false,
        }
    }

    /// Pushes violations due at shuffled `(time, seq)` places, with slots reused halfway,
    /// and returns what comes out before each of a few places, then at the end.
    fn drain(keep_whole: bool) -> Vec<(u32, u32, u32, Option<u32>)> {
        let mut s = Settled::new(keep_whole);
        let due = [(50, 7), (10, 3), (50, 2), (30, 9), (10, 8), (70, 1)];
        let mut out = Vec::new();
        let mut take = |s: &mut Settled, before: Option<u128>| {
            while let Some((d, whole)) = s.pop_before(before) {
                out.push((d.sector, d.vtype, d.occurred_s, whole.map(|v| v.id)));
            }
        };
        for (id, &(t, seq)) in due.iter().enumerate().take(3) {
            s.push(SimTime(t), seq, violation(id as u32, t as u32 / 2));
        }
        take(&mut s, Some(order(SimTime(50), 2))); // (10, 3) only
        for (id, &(t, seq)) in due.iter().enumerate().skip(3) {
            s.push(SimTime(t), seq, violation(id as u32, t as u32 / 2));
        }
        take(&mut s, Some(order(SimTime(50), 3))); // (10, 8), (30, 9), (50, 2)
        take(&mut s, None);
        out
    }

    #[test]
    fn settled_violations_come_out_in_event_order_with_or_without_whole_records() {
        // Ids by (time, seq): (10,3)=1, (10,8)=4, (30,9)=3, (50,2)=2, (50,7)=0, (70,1)=5.
        let whole = drain(true);
        let ids: Vec<u32> = whole.iter().map(|w| w.3.expect("kept")).collect();
        assert_eq!(ids, [1, 4, 3, 2, 0, 5]);
        let brief = drain(false);
        assert!(brief.iter().all(|b| b.3.is_none()), "nothing whole kept");
        // The counts' fields are the same either way, and are the violations' own.
        let fields = |v: &[(u32, u32, u32, Option<u32>)]| -> Vec<(u32, u32, u32)> {
            v.iter().map(|&(a, b, c, _)| (a, b, c)).collect()
        };
        assert_eq!(fields(&whole), fields(&brief));
        let expected: Vec<(u32, u32, u32)> = ids
            .iter()
            .map(|&id| {
                let t = [50, 10, 50, 30, 10, 70][id as usize];
                (id % 3, id % 5, t / 2)
            })
            .collect();
        assert_eq!(fields(&brief), expected);
    }
}
