//! Scenarios: the RON file a planner writes, and the validated model the engine runs.
//!
//! Loading goes in two steps, as in ripgrep's argument handling: the text is parsed into
//! [`raw::RawScenario`] (shape only, with `line:col` on syntax and type errors), then
//! [`validate`] checks every reference, number and limit and builds a [`Scenario`] whose
//! ids are resolved to indices. The engine only ever sees a [`Scenario`].

pub mod change;
pub mod diff;
pub mod inputs;
mod load;
pub mod problem;
pub mod problems;
pub mod raw;
pub mod select;
pub mod span;
pub mod study;
pub mod sweep;
pub mod timed;
pub mod validate;
pub mod vocab;
pub mod warnings;

use crate::dist::Dist;
use crate::geo::{Geometry, LatLon};
use crate::time::{SimDuration, SimTime};

pub use load::{MAX_INPUT_BYTES, Source, from_str, load, parse_ron, read_text};
pub use problems::Problems;
pub use span::LineCol;
pub use vocab::{BaseKind, Capability, DispatchPolicy, Domain, QueuePriority, Severity, UnitKind};
pub use warnings::Warning;

/// Seconds per day, for rates and horizons in days.
const DAY_S: f64 = crate::time::DAY.0 as f64;

/// Default number of replications when neither the scenario nor the command line gives one.
pub const DEFAULT_REPLICATIONS: u32 = 30;

/// A set of domains as a bit mask (bit = [`Domain::index`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DomainSet(pub u8);

impl DomainSet {
    /// Whether `d` is in the set.
    pub fn contains(self, d: Domain) -> bool {
        self.0 & (1 << d.index()) != 0
    }
    /// The set with `d` added.
    pub fn with(self, d: Domain) -> Self {
        DomainSet(self.0 | (1 << d.index()))
    }
}

/// A set of capabilities as a bit mask (bit = [`Capability::bit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CapabilitySet(pub u8);

impl CapabilitySet {
    /// Whether `c` is in the set.
    pub fn contains(self, c: Capability) -> bool {
        self.0 & c.bit() != 0
    }
    /// The set with `c` added.
    pub fn with(self, c: Capability) -> Self {
        CapabilitySet(self.0 | c.bit())
    }
}

/// What a nation's units may not be tasked with.
#[readonly::make]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Caveats {
    /// Domains refused.
    pub domains: DomainSet,
    /// Capabilities refused.
    pub capabilities: CapabilitySet,
    /// Violation types refused (indices into [`Scenario::violation_types`]).
    pub violation_types: Vec<usize>,
    /// Sectors refused (indices into [`Scenario::sectors`]).
    pub sectors: Vec<usize>,
}

/// A contributing nation.
#[readonly::make]
#[derive(Debug, Clone)]
pub struct Nation {
    /// ISO 3166-1 alpha-3 code.
    pub code: String,
    /// Name.
    pub name: String,
    /// National approval delay, from tasking to approval.
    pub approval_delay: Dist,
    /// Caveats.
    pub caveats: Caveats,
}

/// A base.
#[readonly::make]
#[derive(Debug, Clone)]
pub struct Base {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Position.
    pub pos: LatLon,
    /// Kind.
    pub kind: BaseKind,
}

/// A timed change of a sector's violation rate.
#[readonly::make]
#[derive(Debug, Clone, PartialEq)]
pub struct RateWindow {
    /// Opens at [s since start].
    pub from: SimTime,
    /// Closes at (exclusive) [s since start].
    pub until: SimTime,
    /// Rate multiplier while open (> 0).
    pub multiplier: f64,
}

/// Escalation bursts of a sector.
#[readonly::make]
#[derive(Debug, Clone)]
pub struct Escalation {
    /// Bursts started per day \[1/day\].
    pub bursts_per_day: f64,
    /// Length of a burst.
    pub duration: Dist,
    /// Rate multiplier during a burst (≥ 1).
    pub multiplier: f64,
}

/// A sector with its violation process.
#[readonly::make]
#[derive(Debug, Clone)]
pub struct Sector {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Domain.
    pub domain: Domain,
    /// Geometry.
    pub geometry: Geometry,
    /// Base rate \[violations/day\] outside bursts, averaged over the day.
    pub rate_per_day: f64,
    /// Relative rate per UTC hour, mean 1.
    pub profile: [f64; 24],
    /// Escalation bursts.
    pub escalation: Option<Escalation>,
    /// Timed escalation windows (from the scenario's events and study changes), sorted by `from`;
    /// while a window is open the sector's rate is multiplied by its `multiplier`.
    pub rate_windows: Vec<RateWindow>,
    /// Violation types with their cumulative probability, for sampling.
    pub mix: Vec<(usize, f64)>,
    /// Lead nation (index into [`Scenario::nations`]).
    pub lead_nation: Option<usize>,
}

impl Escalation {
    /// Long-run share of time in which at least one burst is active. Bursts start as a
    /// Poisson process and last a random time, so the number active at once is Poisson with
    /// mean `bursts_per_day × E\[duration in days\]` (an M/G/∞ queue), and overlapping bursts
    /// count once: the share is `1 − exp(−mean)`.
    pub fn active_share(&self) -> f64 {
        let mean_active = self.bursts_per_day * self.duration.mean_secs() / DAY_S;
        -(-mean_active).exp_m1()
    }
}

impl Sector {
    /// Expected violations per day, escalation included [1/day]: the multiplier applies
    /// while at least one burst is active ([`Escalation::active_share`]).
    pub fn expected_per_day(&self) -> f64 {
        let boost = self
            .escalation
            .as_ref()
            .map_or(0.0, |e| (e.multiplier - 1.0) * e.active_share());
        self.rate_per_day * (1.0 + boost)
    }

    /// Expected violations over `[0, horizon)`, escalation bursts and timed windows included:
    /// each window adds `(multiplier − 1)` times the rate over its part of the horizon.
    pub fn expected_over(&self, horizon: SimDuration) -> f64 {
        let days = horizon.secs() as f64 / DAY_S;
        let end = SimTime::ZERO + horizon;
        let extra_days: f64 = self
            .rate_windows
            .iter()
            .map(|w| {
                let open = w.until.min(end).since(w.from).secs() as f64 / DAY_S;
                (w.multiplier - 1.0) * open
            })
            .sum();
        self.expected_per_day() * (days + extra_days).max(0.0)
    }

    /// The largest timed-window multiplier (1 without windows, never below 1).
    pub fn peak_window(&self) -> f64 {
        self.rate_windows
            .iter()
            .map(|w| w.multiplier)
            .fold(1.0, f64::max)
    }

    /// Probability that a violation of this sector is of type `t`.
    pub fn type_share(&self, t: usize) -> f64 {
        let mut prev = 0.0;
        let mut share = 0.0;
        for &(ty, cum) in &self.mix {
            if ty == t {
                share += cum - prev;
            }
            prev = cum;
        }
        share
    }
}

/// How a violation type is answered.
#[readonly::make]
#[derive(Debug, Clone)]
pub struct Response {
    /// Capability needed.
    pub capability: Capability,
    /// Domains whose units may respond.
    pub responders: DomainSet,
    /// Time on scene.
    pub on_scene: Dist,
    /// Response-time target.
    pub target: SimDuration,
}

/// A violation type.
#[readonly::make]
#[derive(Debug, Clone)]
pub struct ViolationType {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Domain.
    pub domain: Domain,
    /// Severity.
    pub severity: Severity,
    /// How long it stays observable.
    pub observable: Dist,
    /// `None` for monitor-only types.
    pub response: Option<Response>,
}

/// A satellite constellation.
#[readonly::make]
#[derive(Debug, Clone)]
pub struct Satellite {
    /// Id.
    pub id: String,
    /// Operating nation.
    pub nation: usize,
    /// Sectors covered.
    pub sectors: Vec<usize>,
    /// Revisit interval per sector.
    pub revisit: SimDuration,
    /// Detection probability per pass.
    pub detection_probability: f64,
    /// Processing delay from pass to report.
    pub processing: Dist,
}

/// Radar or observation post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixedSensorKind {
    /// Radar.
    Radar,
    /// Observation post.
    ObservationPost,
}

/// A sensor at a fixed position.
#[readonly::make]
#[derive(Debug, Clone)]
pub struct FixedSensor {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: FixedSensorKind,
    /// Operating nation.
    pub nation: usize,
    /// Position.
    pub pos: LatLon,
    /// Range \[km\].
    pub range_km: f64,
    /// Domains seen.
    pub domains: DomainSet,
    /// Detection probability for a violation in range.
    pub detection_probability: f64,
    /// Reporting delay.
    pub reporting: Dist,
}

/// ISR orbit tasking of a drone contingent.
#[readonly::make]
#[derive(Debug, Clone)]
pub struct Isr {
    /// Sectors; drone `k` of the contingent serves `sectors\[k % len\]`.
    pub sectors: Vec<usize>,
    /// Detection probability while on station.
    pub detection_probability: f64,
    /// Reporting delay.
    pub reporting: Dist,
}

/// A contingent of identical units.
#[readonly::make]
#[derive(Debug, Clone)]
pub struct Contingent {
    /// Id.
    pub id: String,
    /// Nation (index).
    pub nation: usize,
    /// Name.
    pub name: String,
    /// Domain.
    pub domain: Domain,
    /// Kind.
    pub kind: UnitKind,
    /// Number of units.
    pub units: u32,
    /// Home base (index).
    pub base: usize,
    /// Transit speed \[km/h\].
    pub speed_kmh: f64,
    /// Notice to move, from approval to departure.
    pub notice_to_move: Dist,
    /// Capabilities.
    pub capabilities: CapabilitySet,
    /// Endurance away from base.
    pub endurance: Option<SimDuration>,
    /// Turnaround after a task or sortie.
    pub turnaround: Dist,
    /// ISR tasking (drones).
    pub isr: Option<Isr>,
}

/// The command chain.
#[readonly::make]
#[derive(Debug, Clone)]
pub struct Command {
    /// HQ processing delay.
    pub hq_processing: Dist,
    /// Dispatch policy.
    pub dispatch: DispatchPolicy,
    /// Queue priority.
    pub queue_priority: QueuePriority,
    /// Land route factor (≥ 1).
    pub route_factor_land: f64,
    /// Sea route factor (≥ 1).
    pub route_factor_sea: f64,
}

impl Command {
    /// Route length over great-circle distance for a unit of `domain`.
    pub fn route_factor(&self, domain: Domain) -> f64 {
        match domain {
            Domain::Air => 1.0,
            Domain::Sea => self.route_factor_sea,
            Domain::Land => self.route_factor_land,
        }
    }
}

/// A validated scenario: every id resolved to an index, every number checked.
#[readonly::make]
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Simulated time per replication.
    pub horizon: SimDuration,
    /// Start of the KPIs: what happens before it is left out (0 = no warm-up).
    pub warm_up: SimDuration,
    /// Master seed.
    pub seed: u64,
    /// Default replications.
    pub replications: u32,
    /// Nations.
    pub nations: Vec<Nation>,
    /// Bases.
    pub bases: Vec<Base>,
    /// Sectors.
    pub sectors: Vec<Sector>,
    /// Violation types.
    pub violation_types: Vec<ViolationType>,
    /// Satellites.
    pub satellites: Vec<Satellite>,
    /// Radars and observation posts.
    pub fixed_sensors: Vec<FixedSensor>,
    /// Contingents.
    pub contingents: Vec<Contingent>,
    /// Command chain.
    pub command: Command,
    /// What is out of service when (timed events).
    pub availability: timed::Availability,
    /// FNV-1a hash of the scenario text, to tie results to their input.
    pub source_hash: u64,
}

impl Scenario {
    /// Horizon \[days\].
    pub fn horizon_days(&self) -> f64 {
        self.horizon.secs() as f64 / DAY_S
    }

    /// Expected violations per day over all sectors, escalation included (timed escalation
    /// windows averaged over the horizon).
    pub fn violations_per_day(&self) -> f64 {
        let base: f64 = self.sectors.iter().map(Sector::expected_per_day).sum();
        let days = self.horizon_days();
        if days <= 0.0 || self.sectors.iter().all(|s| s.rate_windows.is_empty()) {
            return base;
        }
        self.sectors
            .iter()
            .map(|s| s.expected_over(self.horizon))
            .sum::<f64>()
            / days
    }

    /// Units per domain, in [`Domain::ALL`] order.
    pub fn units_by_domain(&self) -> [u64; 3] {
        let mut n = [0; 3];
        for c in &self.contingents {
            n[c.domain.index()] += u64::from(c.units);
        }
        n
    }

    /// Total units.
    pub fn total_units(&self) -> u64 {
        self.units_by_domain().iter().sum()
    }
}

pub use crate::hash::fnv1a;

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};

    /// Share of `\[0, horizon\]` covered by bursts drawn as the simulator draws them.
    fn simulated_active_share(e: &Escalation, horizon_s: f64, seed: u64) -> f64 {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let rate_per_s = e.bursts_per_day / DAY_S;
        let (mut t, mut covered, mut reach) = (0.0_f64, 0.0, 0.0_f64);
        loop {
            t += -(1.0 - rng.random::<f64>()).ln() / rate_per_s;
            if t > horizon_s {
                break;
            }
            let end = (t + e.duration.sample_secs(&mut rng)).min(horizon_s);
            if end > reach {
                covered += end - t.max(reach);
                reach = end;
            }
        }
        covered / horizon_s
    }

    #[test]
    fn expected_violations_count_overlapping_bursts_once() {
        // Two bursts a day lasting a day on average: they overlap most of the time. The old
        // figure (share = rate × mean duration, capped at 1) said the multiplier always
        // applies; the exact share is 1 − e^(−2) ≈ 0.865.
        let e = Escalation {
            bursts_per_day: 2.0,
            duration: Dist::Exponential { mean: DAY_S },
            multiplier: 4.0,
        };
        let exact = e.active_share();
        assert!((exact - (1.0 - (-2.0_f64).exp())).abs() < 1e-12);
        let simulated = simulated_active_share(&e, 20_000.0 * DAY_S, 7);
        assert!(
            (simulated - exact).abs() < 0.01,
            "simulated {simulated}, expected {exact}"
        );
        // Rare short bursts: the share tends to rate × duration.
        let rare = Escalation {
            bursts_per_day: 0.01,
            duration: Dist::Fixed {
                secs: crate::time::HOUR.0 as f64,
            },
            multiplier: 2.0,
        };
        let simulated = simulated_active_share(&rare, 2_000_000.0 * DAY_S, 8);
        assert!((simulated - rare.active_share()).abs() < 0.1 * rare.active_share());
    }
}
