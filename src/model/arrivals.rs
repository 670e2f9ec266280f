//! Arrivals: each sector's non-homogeneous Poisson process of violations, and what is drawn
//! about a violation the moment it occurs.

use super::components::{Stamp, Violation};
use super::events::Ev;
use super::{Observer, Sim};
use crate::dist::Dist;
use crate::engine::Scheduler;
use crate::engine::rng::Streams;
use crate::scenario::Scenario;
use crate::time::{DAY, HOUR, SimDuration, SimTime, round_half_away};
use bevy_ecs::prelude::*;
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

/// The arrival process of one sector: a non-homogeneous Poisson process whose rate is
/// piecewise constant (the daily profile by hour, escalation bursts, timed rate windows),
/// drawn exactly by inversion: one exponential draw per arrival, spent over the segments of
/// constant rate until it is used up (no thinning, no rejected candidates).
pub(super) struct Arrivals {
    /// The sector's stream: arrival times and everything intrinsic to its violations.
    pub(super) rng: ChaCha8Rng,
    t_secs: f64,
    /// Rate per UTC hour of the day \[1/s\] (base rate × profile).
    hourly_per_s: [f64; 24],
    /// Where the rate multiplier of bursts and windows changes: `(from [s], multiplier)`,
    /// sorted, the first from 0.
    modifiers: Vec<(f64, f64)>,
    /// Index of the modifier in force at `t_secs`.
    modifier: usize,
    /// Whether the rate is ever above zero.
    any: bool,
}

/// The rate multiplier over time as `(from [s], multiplier)` steps, the first from 0: inside
/// the union of `bursts` the rate is multiplied by `burst_multiplier`, and by each open
/// window's multiplier (`(from, until, multiplier)` \[s\]); overlapping factors multiply.
fn modifier_steps(
    bursts: &[(f64, f64)],
    burst_multiplier: f64,
    windows: &[(f64, f64, f64)],
) -> Vec<(f64, f64)> {
    // The union of the bursts (they start in order, and may overlap).
    let mut merged: Vec<(f64, f64)> = Vec::with_capacity(bursts.len());
    for &(a, b) in bursts {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut cuts: Vec<f64> = vec![0.0];
    for &(a, b) in &merged {
        cuts.extend([a, b]);
    }
    for &(a, b, _) in windows {
        cuts.extend([a, b]);
    }
    cuts.retain(|t| t.is_finite() && *t >= 0.0);
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let mut steps: Vec<(f64, f64)> = Vec::with_capacity(cuts.len());
    let mut burst = 0;
    for &t in &cuts {
        // Bursts and windows hold on [start, end).
        while merged.get(burst).is_some_and(|&(_, b)| b <= t) {
            burst += 1;
        }
        let in_burst = merged.get(burst).is_some_and(|&(a, _)| a <= t);
        let mut m = if in_burst { burst_multiplier } else { 1.0 };
        for &(a, b, w) in windows {
            if a <= t && t < b {
                m *= w;
            }
        }
        if steps.last().is_none_or(|&(_, last)| last != m) {
            steps.push((t, m));
        }
    }
    steps
}

impl Arrivals {
    /// The process of sector `s` in the replication of `streams`.
    pub(super) fn new(sc: &Scenario, s: usize, streams: &Streams) -> Self {
        let sector = &sc.sectors[s];
        let horizon = sc.horizon.secs() as f64;
        let mut bursts = Vec::new();
        let mut burst_multiplier = 1.0;
        if let Some(e) = &sector.escalation {
            burst_multiplier = e.multiplier;
            let mut rng = streams.stream("escalation", &sector.id);
            let rate_per_s = e.bursts_per_day / DAY.0 as f64;
            let mut t = 0.0;
            if rate_per_s > 0.0 {
                loop {
                    t += -(1.0 - rng.random::<f64>()).ln() / rate_per_s;
                    if t > horizon {
                        break;
                    }
                    let d = e.duration.sample_secs(&mut rng);
                    bursts.push((t, t + d));
                }
            }
        }
        let windows: Vec<(f64, f64, f64)> = sector
            .rate_windows
            .iter()
            .map(|w| (w.from.secs() as f64, w.until.secs() as f64, w.multiplier))
            .collect();
        Self::from_parts(
            streams.stream("violations", &sector.id),
            sector.rate_per_day,
            &sector.profile,
            modifier_steps(&bursts, burst_multiplier, &windows),
        )
    }

    /// The process of a rate per day shaped by an hourly profile and multiplier steps.
    fn from_parts(
        rng: ChaCha8Rng,
        rate_per_day: f64,
        profile: &[f64; 24],
        modifiers: Vec<(f64, f64)>,
    ) -> Self {
        let hourly_per_s = profile.map(|p| (rate_per_day / DAY.0 as f64 * p).max(0.0));
        let any = hourly_per_s.iter().any(|&r| r > 0.0) && modifiers.iter().any(|m| m.1 > 0.0);
        Arrivals {
            rng,
            t_secs: 0.0,
            hourly_per_s,
            modifiers,
            modifier: 0,
            any,
        }
    }

    /// The next occurrence time, or None past the horizon.
    pub(super) fn next(&mut self, horizon: f64) -> Option<SimTime> {
        if !self.any {
            return None;
        }
        let hour_s = HOUR.0 as f64;
        // The integrated rate to spend before the next arrival.
        let mut budget = -(1.0 - self.rng.random::<f64>()).ln();
        loop {
            let t = self.t_secs;
            if t > horizon {
                return None;
            }
            while self
                .modifiers
                .get(self.modifier + 1)
                .is_some_and(|&(from, _)| from <= t)
            {
                self.modifier += 1;
            }
            // floor() is a libm call on x86-64 without SSE4.1; for 0 ≤ q < 2⁵² the cast
            // truncates to the same value.
            let q = t / hour_s;
            let hour = if (0.0..4_503_599_627_370_496.0).contains(&q) {
                (q as i64) as f64
            } else {
                q.floor()
            };
            let mut end = (hour + 1.0) * hour_s;
            if let Some(&(from, _)) = self.modifiers.get(self.modifier + 1) {
                end = end.min(from);
            }
            let rate =
                self.hourly_per_s[(hour as u64 % 24) as usize] * self.modifiers[self.modifier].1;
            let room = rate * (end - t);
            if rate > 0.0 && budget < room {
                self.t_secs = t + budget / rate;
                if self.t_secs > horizon {
                    return None;
                }
                return Some(SimTime(round_half_away(self.t_secs)));
            }
            budget -= room;
            self.t_secs = end;
        }
    }
}

impl<O: Observer> Sim<'_, O> {
    /// Schedules the first violation of every sector.
    pub(super) fn schedule_first_arrivals(&mut self, sched: &mut Scheduler<Ev>) {
        let sc = self.sc;
        let horizon = sc.horizon.secs() as f64;
        for s in 0..sc.sectors.len() {
            if let Some(t) = self.arrivals[s].next(horizon) {
                sched.at(t, Ev::Occur(s as u32));
            }
        }
    }

    /// A violation occurs in sector `s`: draw what it is, schedule the sector's next one,
    /// and hand it to the sensors.
    pub(super) fn occur(&mut self, world: &mut World, sched: &mut Scheduler<Ev>, s: usize) {
        let sc = self.sc;
        let now = sched.now();
        let sector = &sc.sectors[s];
        let arr = &mut self.arrivals[s];
        // Everything about the violation comes from the sector's own stream.
        let pos = sector.geometry.sample(&mut arr.rng);
        let u: f64 = arr.rng.random();
        let t = sector
            .mix
            .iter()
            .find(|(_, cum)| u < *cum)
            .unwrap_or_else(|| sector.mix.last().expect("validated: mix not empty"))
            .0;
        let vt = &sc.violation_types[t];
        // Observable time and HQ processing are drawn in stream order, but turned into
        // durations (an `exp` each, for log-normals) only if used: most violations are seen
        // at once (no observable time needed) and need no response (no HQ processing).
        let observable = vt.observable.draw(&mut arr.rng);
        let on_scene = vt
            .response
            .as_ref()
            .map_or(Dist::ZERO, |r| r.on_scene)
            .sample(&mut arr.rng);
        let hq_drawn = sc.command.hq_processing.draw(&mut arr.rng);
        let hq = if vt.response.is_some() {
            sc.command.hq_processing.duration_of(hq_drawn)
        } else {
            SimDuration::ZERO // never read: no decision to make
        };
        let seed: u64 = arr.rng.random();
        if let Some(next) = arr.next(sc.horizon.secs() as f64) {
            sched.at(next, Ev::Occur(s as u32));
        }

        let id = u32::try_from(self.next_id).expect("validated: violations per replication");
        self.next_id += 1;
        self.sampler.count(vt.response.is_some());
        let seen = self.seen_at_occurrence(s, pos, seed, now);
        let v = Violation {
            seed,
            pos,
            on_scene,
            hq,
            id,
            sector: s as u32,
            vtype: t as u32,
            occurred_s: u32::try_from(now.secs()).expect("validated: horizon below 2^32 s"),
            detected: Stamp::NONE,
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
        };
        match seen {
            Some((report, sensor)) if vt.response.is_none() && report <= self.horizon => {
                // Monitor-only and seen at once: its record is known now.
                let v = Violation {
                    detected: Stamp::at(now),
                    sensor: Some(sensor),
                    reported: Stamp::at(report),
                    ..v
                };
                self.settle(sched, report, v);
                return;
            }
            _ => {}
        }
        let e = world.spawn(v).id();
        if let Some((report, sensor)) = seen {
            self.mark_detected(world, sched, e, sensor, report);
        } else if let Some(observable) = self.p.watched[s]
            .then(|| vt.observable.duration_of(observable))
            .filter(|&d| d > SimDuration::ZERO)
        {
            self.watch_push(world, sched, s, e);
            sched.at(now + observable, Ev::Expire(e));
        } else {
            // Nothing can ever see it.
            self.close(world, e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn load(path: &str) -> Scenario {
        crate::scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path))
            .expect("shipped scenario validates")
    }

    /// Counts of one sector's arrivals over the horizon, one per replication.
    fn counts(sc: &Scenario, s: usize, replications: u64) -> Vec<f64> {
        let horizon = sc.horizon.secs() as f64;
        (0..replications)
            .map(|rep| {
                let mut a = Arrivals::new(sc, s, &Streams::new(sc.seed, rep));
                std::iter::from_fn(|| a.next(horizon)).count() as f64
            })
            .collect()
    }

    #[test]
    fn arrivals_match_rate_times_horizon() {
        // Sectors without escalation: the count is Poisson with mean
        // rate × horizon; the mean over many replications lies within a few standard errors.
        for path in ["scenarios/validation/mmc.ron", "scenarios/tutorial.ron"] {
            let sc = load(path);
            let days = sc.horizon.secs() as f64 / DAY.0 as f64;
            let mut checked = 0;
            for s in (0..sc.sectors.len()).filter(|&s| sc.sectors[s].escalation.is_none()) {
                let expected = sc.sectors[s].rate_per_day * days;
                let n = 40;
                let c = counts(&sc, s, n);
                let mean = c.iter().sum::<f64>() / n as f64;
                let se = (expected / n as f64).sqrt();
                assert!(
                    (mean - expected).abs() < 4.0 * se + 1.0,
                    "{path} sector {s}: mean {mean} vs expected {expected} (se {se})"
                );
                checked += 1;
                if checked == 2 {
                    break;
                }
            }
            assert!(checked > 0, "{path} has a sector without escalation");
        }
    }

    /// Issue 12: a window at five times the rate for a week gives about five times the
    /// arrivals in that week.
    #[test]
    fn a_rate_window_multiplies_arrivals_while_open() {
        use crate::scenario::change::RawChange;
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/tutorial.ron"),
        )
        .unwrap();
        let window: RawChange = crate::scenario::parse_ron(
            "Escalate(sectors: Sectors([\"odesa-approaches\"]), from: Days(7), until: Days(14), rate_multiplier: 5)",
            "c.ron",
        )
        .unwrap();
        let sc = crate::scenario::Source::parse(&text, "t.ron")
            .unwrap()
            .changed(&[window])
            .unwrap()
            .validate()
            .unwrap();
        let s = sc
            .sectors
            .iter()
            .position(|x| x.id == "odesa-approaches")
            .unwrap();
        assert_eq!(sc.sectors[s].rate_windows.len(), 1);
        let horizon = sc.horizon.secs() as f64;
        let (mut inside, mut before) = (0.0, 0.0);
        let reps = 40;
        for rep in 0..reps {
            let mut a = Arrivals::new(&sc, s, &Streams::new(sc.seed, rep));
            while let Some(t) = a.next(horizon) {
                let day = t.secs() / DAY.0;
                if (7..14).contains(&day) {
                    inside += 1.0;
                } else if day < 7 {
                    before += 1.0;
                }
            }
        }
        let ratio = inside / before;
        assert!((4.5..5.5).contains(&ratio), "week 2 / week 1 = {ratio}");
        // The expected count includes the window: 30 days + 4 extra weeks' days of rate.
        let expected = sc.sectors[s].expected_over(sc.horizon);
        assert!((expected - sc.sectors[s].expected_per_day() * (30.0 + 28.0)).abs() < 1e-6);
    }

    #[test]
    fn a_window_multiplies_the_rate_while_open() {
        // 100 a day, flat profile, a ×5 window over days 7 to 14 of 21: about 5 times the
        // arrivals of the weeks around it, and about 700 + 3,500 + 700 in all.
        let window = (7.0 * DAY.0 as f64, 14.0 * DAY.0 as f64, 5.0);
        let steps = modifier_steps(&[], 1.0, &[window]);
        assert_eq!(steps, vec![(0.0, 1.0), (window.0, 5.0), (window.1, 1.0)]);
        let horizon = 21.0 * DAY.0 as f64;
        let mut weeks = [0u32; 3];
        for rep in 0..20 {
            let streams = Streams::new(11, rep);
            let mut a = Arrivals::from_parts(
                streams.stream("violations", "w"),
                100.0,
                &[1.0; 24],
                steps.clone(),
            );
            while let Some(t) = a.next(horizon) {
                weeks[(t.secs() / (7 * DAY.0)).min(2) as usize] += 1;
            }
        }
        let per_week = weeks.map(|w| f64::from(w) / 20.0);
        let ratio = per_week[1] / (0.5 * (per_week[0] + per_week[2]));
        assert!(
            (ratio - 5.0).abs() < 0.25,
            "weeks {per_week:?}, ratio {ratio}"
        );
        assert!((per_week[0] - 700.0).abs() < 4.0 * (700.0f64 / 20.0).sqrt());
        assert!((per_week[1] - 3500.0).abs() < 4.0 * (3500.0f64 / 20.0).sqrt());
    }

    #[test]
    fn bursts_and_windows_multiply_where_they_overlap() {
        let steps = modifier_steps(&[(10.0, 30.0), (20.0, 40.0)], 3.0, &[(35.0, 50.0, 2.0)]);
        assert_eq!(
            steps,
            vec![
                (0.0, 1.0),
                (10.0, 3.0),
                (35.0, 6.0),
                (40.0, 2.0),
                (50.0, 1.0)
            ]
        );
    }

    #[test]
    fn the_daily_profile_shapes_the_hours() {
        // All of the day's rate in one hour: every arrival falls in that hour.
        let mut profile = [0.0; 24];
        profile[5] = 24.0;
        let streams = Streams::new(3, 0);
        let mut a = Arrivals::from_parts(
            streams.stream("violations", "p"),
            48.0,
            &profile,
            vec![(0.0, 1.0)],
        );
        let mut n = 0;
        while let Some(t) = a.next(30.0 * DAY.0 as f64) {
            // Rounding to the second can land on the next hour's first second.
            let s = t.secs() % DAY.0;
            assert!((5 * HOUR.0..=6 * HOUR.0).contains(&s), "{t:?}");
            n += 1;
        }
        assert!((n as f64 - 1440.0).abs() < 4.0 * 1440f64.sqrt(), "{n}");
    }

    #[test]
    fn escalation_only_adds_arrivals() {
        let sc = load("scenarios/coalition-2026.ron");
        let s = (0..sc.sectors.len())
            .find(|&s| sc.sectors[s].escalation.is_some())
            .expect("the default scenario has an escalating sector");
        let days = sc.horizon.secs() as f64 / DAY.0 as f64;
        let c = counts(&sc, s, 10);
        let mean = c.iter().sum::<f64>() / c.len() as f64;
        assert!(mean > sc.sectors[s].rate_per_day * days);
    }
}
