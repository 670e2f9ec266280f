//! Sampling: the hourly timeline of a replication (violations of the hour, queue, units
//! available and busy, drones on station).

use super::events::Ev;
use super::record::TimelineSample;
use super::{Observer, Sim};
use crate::engine::Scheduler;
use crate::time::{HOUR, SimTime};

/// The hourly samples, when asked for, and the counts of the current hour.
#[derive(Default)]
pub(super) struct Sampler {
    timeline: Option<Vec<TimelineSample>>,
    /// Violations of the current hour, and of those how many need a response.
    hour_counts: (u32, u32),
    /// Busy units per domain, counted as units are tasked and become ready (a scan of
    /// the units every hour grew with the force).
    busy: [u32; 3],
}

impl Sampler {
    /// A sampler; with `timeline`, room for one sample per hour of `horizon_s`.
    pub(super) fn new(timeline: bool, horizon_s: u64) -> Self {
        Sampler {
            timeline: timeline
                .then(|| Vec::with_capacity(horizon_s as usize / HOUR.0 as usize + 1)),
            hour_counts: (0, 0),
            busy: [0; 3],
        }
    }

    /// Whether samples are taken.
    pub(super) fn enabled(&self) -> bool {
        self.timeline.is_some()
    }

    /// Counts a violation of the current hour.
    #[inline]
    pub(super) fn count(&mut self, needs_response: bool) {
        self.hour_counts.0 += 1;
        self.hour_counts.1 += u32::from(needs_response);
    }

    /// A unit of `domain` (its index) is tasked (`busy`) or ready again.
    #[inline]
    pub(super) fn set_busy(&mut self, domain: usize, busy: bool) {
        if busy {
            self.busy[domain] += 1;
        } else {
            self.busy[domain] -= 1;
        }
    }

    /// The samples taken.
    pub(super) fn take(&mut self) -> Option<Vec<TimelineSample>> {
        self.timeline.take()
    }
}

impl<O: Observer> Sim<'_, O> {
    /// Schedules the first sample, one hour in, when a timeline is asked for.
    pub(super) fn schedule_sampling(&mut self, sched: &mut Scheduler<Ev>) {
        if self.sampler.enabled() {
            sched.at(SimTime::ZERO + HOUR, Ev::Sample);
        }
    }

    /// Takes the sample of the hour that ends now and schedules the next.
    pub(super) fn sample(&mut self, sched: &mut Scheduler<Ev>) {
        let now = sched.now();
        let mut available = [0u32; 3];
        for (c, pool) in self.pools.iter().enumerate() {
            available[self.sc.contingents[c].domain.index()] += pool.len() as u32;
        }
        // Busy units are counted where a unit's state changes, not from the pools, so
        // that the two counts check each other (the property tests use this to check
        // units are conserved).
        let busy = self.sampler.busy;
        let sample = TimelineSample {
            hour: (now.secs() / HOUR.0) as u32,
            violations: self.sampler.hour_counts.0,
            needing_response: self.sampler.hour_counts.1,
            queued: self.queues.len() as u32,
            available,
            drones_on_station: self.on_station.iter().sum(),
            busy,
        };
        self.sampler.hour_counts = (0, 0);
        self.sampler
            .timeline
            .as_mut()
            .expect("sampling only with a timeline")
            .push(sample);
        if now + HOUR <= self.horizon {
            sched.after(HOUR, Ev::Sample);
        }
    }
}
