//! Sampling: the hourly timeline of a replication (violations of the hour, queue, units
//! available and busy, drones on station).

use super::components::Unit;
use super::events::Ev;
use super::record::TimelineSample;
use super::{Observer, Sim};
use crate::engine::Scheduler;
use crate::time::{HOUR, SimTime};
use bevy_ecs::prelude::*;

/// The hourly samples, when asked for, and the counts of the current hour.
#[derive(Default)]
pub(super) struct Sampler {
    timeline: Option<Vec<TimelineSample>>,
    /// Violations of the current hour, and of those how many need a response.
    hour_counts: (u32, u32),
    /// The query over units, built once (a new query every hour allocated).
    units: Option<QueryState<&'static Unit>>,
}

impl Sampler {
    /// A sampler; with `timeline`, room for one sample per hour of `horizon_s`.
    pub(super) fn new(timeline: bool, horizon_s: u64) -> Self {
        Sampler {
            timeline: timeline
                .then(|| Vec::with_capacity(horizon_s as usize / HOUR.0 as usize + 1)),
            hour_counts: (0, 0),
            units: None,
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

    /// The samples taken.
    pub(super) fn take(&mut self) -> Option<Vec<TimelineSample>> {
        self.timeline.take()
    }
}

impl<O: Observer> Sim<'_, O> {
    /// Schedules the first sample, one hour in, when a timeline is asked for.
    pub(super) fn schedule_sampling(&mut self, world: &mut World, sched: &mut Scheduler<Ev>) {
        if self.sampler.enabled() {
            self.sampler.units = Some(world.query::<&Unit>());
            sched.at(SimTime::ZERO + HOUR, Ev::Sample);
        }
    }

    /// Takes the sample of the hour that ends now and schedules the next.
    pub(super) fn sample(&mut self, world: &mut World, sched: &mut Scheduler<Ev>) {
        let now = sched.now();
        let mut available = [0u32; 3];
        for (c, pool) in self.pools.iter().enumerate() {
            available[self.sc.contingents[c].domain.index()] += pool.len() as u32;
        }
        // Busy units come from the units' own state, so that the two counts check
        // each other (the property tests use this to check units are conserved).
        let mut busy = [0u32; 3];
        let units = self
            .sampler
            .units
            .as_mut()
            .expect("sampling builds its query first");
        for u in units.iter(world).filter(|u| u.busy) {
            busy[self.sc.contingents[u.contingent as usize].domain.index()] += 1;
        }
        let sample = TimelineSample {
            hour: (now.secs() / HOUR.0) as u32,
            violations: self.sampler.hour_counts.0,
            needing_response: self.sampler.hour_counts.1,
            queued: self.queues.len() as u32,
            available,
            drones_on_station: self.on_station.iter().map(|d| d.len() as u32).sum(),
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
