//! The scenario file as written: serde types that mirror the RON text one to one.
//!
//! Nothing here is checked beyond its shape; [`super::validate`] turns a [`RawScenario`]
//! into a validated [`super::Scenario`]. Every struct refuses unknown fields, so a typo
//! in a field name is an error that lists the fields that exist.

use serde::Deserialize;

pub use super::vocab::{
    BaseKind, Capability, DispatchPolicy, Domain, QueuePriority, Severity, UnitKind,
};

/// Seconds per day, for rates and horizons in days.
const DAY_S: f64 = crate::time::DAY.0 as f64;
/// Seconds per hour.
const HOUR_S: f64 = crate::time::HOUR.0 as f64;

/// A length of time as planners write it: `Seconds(30)`, `Minutes(15)`, `Hours(2.5)`, `Days(3)`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub enum RawDuration {
    /// Seconds.
    Seconds(f64),
    /// Minutes.
    Minutes(f64),
    /// Hours.
    Hours(f64),
    /// Days of 24 hours.
    Days(f64),
}

impl RawDuration {
    /// The duration in seconds (may be negative or NaN: validation checks).
    pub fn seconds(self) -> f64 {
        match self {
            RawDuration::Seconds(s) => s,
            RawDuration::Minutes(m) => m * 60.0,
            RawDuration::Hours(h) => h * HOUR_S,
            RawDuration::Days(d) => d * DAY_S,
        }
    }
}

/// A random delay or duration.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawDist {
    /// Always the same value: `Fixed(Minutes(15))`.
    Fixed(RawDuration),
    /// Uniform between `min` and `max`.
    Uniform {
        /// Lower bound.
        min: RawDuration,
        /// Upper bound.
        max: RawDuration,
    },
    /// Exponential with the given mean.
    Exponential {
        /// Mean.
        mean: RawDuration,
    },
    /// Triangular between `min` and `max` with the most likely value `mode`.
    Triangular {
        /// Lower bound.
        min: RawDuration,
        /// Most likely value.
        mode: RawDuration,
        /// Upper bound.
        max: RawDuration,
    },
    /// Log-normal given by its median and 90th percentile, which planners can estimate.
    LogNormal {
        /// Median (50th percentile).
        median: RawDuration,
        /// 90th percentile; must exceed the median.
        p90: RawDuration,
    },
}

/// A point on the WGS84 ellipsoid: `(lat: 50.45, lon: 30.52)` in decimal degrees.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "LatLon")]
pub struct RawLatLon {
    /// Latitude \[deg\], north positive.
    pub lat: f64,
    /// Longitude \[deg\], east positive.
    pub lon: f64,
}

/// A national caveat: what that nation's units may not be tasked with.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub enum RawCaveat {
    /// No tasks in this domain.
    NoDomain(Domain),
    /// No tasks that need this capability.
    NoCapability(Capability),
    /// No tasks answering this violation type (by id).
    NoViolationType(String),
    /// No tasks in this sector (by id).
    NoSector(String),
}

/// A contributing nation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Nation")]
pub struct RawNation {
    /// ISO 3166-1 alpha-3 code, e.g. `"POL"`.
    pub code: String,
    /// Name, e.g. `"Poland"`.
    pub name: String,
    /// National approval delay before the nation's units may act on a tasking.
    #[serde(default)]
    pub approval_delay: Option<RawDist>,
    /// What the nation's units may not do.
    #[serde(default)]
    pub caveats: Vec<RawCaveat>,
}

/// A base where contingents are stationed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Base")]
pub struct RawBase {
    /// Unique id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Position.
    pub at: RawLatLon,
    /// Kind of base.
    pub kind: BaseKind,
    /// Host country (ISO alpha-3), for reports only.
    #[serde(default)]
    pub country: Option<String>,
}

/// The shape of a sector.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub enum RawGeometry {
    /// A polyline, e.g. a stretch of the line of contact; violations occur along it.
    Line(Vec<RawLatLon>),
    /// A polygon (sea area, airspace); violations occur inside it. Do not repeat the first point.
    Polygon(Vec<RawLatLon>),
}

/// Escalation bursts: periods in which the violation rate is multiplied.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Escalation")]
pub struct RawEscalation {
    /// How many bursts start per year on average (Poisson).
    pub bursts_per_year: f64,
    /// How long a burst lasts.
    pub duration: RawDist,
    /// Factor applied to the rate during a burst (≥ 1).
    pub rate_multiplier: f64,
}

/// A sector of the theatre with its violation process.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Sector")]
pub struct RawSector {
    /// Unique id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Domain of the sector.
    pub domain: Domain,
    /// Geometry.
    pub geometry: RawGeometry,
    /// Mean number of violations per day \[1/day\].
    pub rate_per_day: f64,
    /// Relative rate by hour of day (24 weights, UTC); normalised to mean 1.
    #[serde(default)]
    pub daily_profile: Option<Vec<f64>>,
    /// Escalation bursts.
    #[serde(default)]
    pub escalation: Option<RawEscalation>,
    /// Mix of violation types: `[("type-id", weight), ...]`; weights are normalised.
    pub mix: Vec<(String, f64)>,
    /// Lead nation (ISO alpha-3) whose units are preferred by `LeadNationFirst`.
    #[serde(default)]
    pub lead_nation: Option<String>,
}

/// How a violation type is answered.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawResponse {
    /// Detected and recorded; no unit is sent.
    MonitorOnly,
    /// A unit with the capability is sent.
    Respond {
        /// Capability the responding unit must have.
        capability: Capability,
        /// Domains whose units may respond; default: the violation's own domain.
        #[serde(default)]
        responders: Option<Vec<Domain>>,
        /// Time spent on scene.
        on_scene: RawDist,
        /// Response-time target (occurrence to arrival on scene).
        target: RawDuration,
    },
}

/// A kind of violation.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "ViolationType")]
pub struct RawViolationType {
    /// Unique id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Domain the violation happens in.
    pub domain: Domain,
    /// Severity, also the queue priority.
    pub severity: Severity,
    /// How long the violation stays observable to sensors after it occurs.
    pub observable_for: RawDist,
    /// Whether and how it is answered.
    pub response: RawResponse,
}

/// Which sectors a satellite constellation covers.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub enum RawCoverage {
    /// Every sector.
    All,
    /// Only these sector ids.
    Sectors(Vec<String>),
}

/// A fixed or space-based sensor. ISR drones are contingents (they fly).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum RawSensor {
    /// A satellite constellation passing over sectors periodically.
    Satellite {
        /// Unique id.
        id: String,
        /// Operating nation (ISO alpha-3).
        nation: String,
        /// Sectors covered.
        covers: RawCoverage,
        /// Interval between passes over a sector (each sector gets its own random phase).
        revisit: RawDuration,
        /// Probability that a pass detects an observable violation.
        detection_probability: f64,
        /// Delay from pass to report at HQ (image processing and exploitation).
        processing_delay: RawDist,
    },
    /// A ground-based radar.
    Radar {
        /// Unique id.
        id: String,
        /// Operating nation.
        nation: String,
        /// Position.
        at: RawLatLon,
        /// Detection range \[km\].
        range_km: f64,
        /// Domains of violations it can see (e.g. `\[Air, Sea\]`).
        domains: Vec<Domain>,
        /// Probability of detecting a violation in range.
        detection_probability: f64,
        /// Delay from detection to report at HQ.
        reporting_delay: RawDist,
    },
    /// A manned observation post (monitors on the line).
    ObservationPost {
        /// Unique id.
        id: String,
        /// Operating nation.
        nation: String,
        /// Position.
        at: RawLatLon,
        /// Observation range \[km\].
        range_km: f64,
        /// Probability of detecting a violation in range.
        detection_probability: f64,
        /// Delay from observation to report at HQ.
        reporting_delay: RawDist,
        /// Domains it can see; default `[Land]`.
        #[serde(default)]
        domains: Option<Vec<Domain>>,
    },
}

/// ISR tasking of a drone contingent.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Isr")]
pub struct RawIsr {
    /// Sectors to keep covered; the drones are shared out among them in order.
    pub sectors: Vec<String>,
    /// Probability that a drone on station detects an observable violation in its sector.
    pub detection_probability: f64,
    /// Delay from detection to report at HQ.
    pub reporting_delay: RawDist,
}

/// A national contingent: a number of identical units at one base.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Contingent")]
pub struct RawContingent {
    /// Unique id.
    pub id: String,
    /// Contributing nation (ISO alpha-3).
    pub nation: String,
    /// Name.
    pub name: String,
    /// Domain.
    pub domain: Domain,
    /// Kind.
    pub kind: UnitKind,
    /// Number of units (aircraft, ships, platoons or companies).
    pub units: u32,
    /// Home base id.
    pub base: String,
    /// Transit speed \[km/h\].
    pub speed_kmh: f64,
    /// Notice to move: readiness delay before departure once approved.
    pub notice_to_move: RawDist,
    /// Capabilities.
    #[serde(default)]
    pub capabilities: Vec<Capability>,
    /// Endurance away from base (aircraft); a responder whose round trip exceeds it is not sent.
    #[serde(default)]
    pub endurance: Option<RawDuration>,
    /// Turnaround at base after a task or sortie.
    #[serde(default)]
    pub turnaround: Option<RawDist>,
    /// ISR tasking: the units fly orbits over sectors instead of answering violations.
    #[serde(default)]
    pub isr: Option<RawIsr>,
}

/// The command chain.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Command")]
pub struct RawCommand {
    /// HQ processing from report to decision.
    pub hq_processing: RawDist,
    /// Dispatch policy.
    pub dispatch: DispatchPolicy,
    /// Queue priority.
    #[serde(default = "default_priority")]
    pub queue_priority: QueuePriority,
    /// Land route length over great-circle distance (≥ 1).
    #[serde(default = "default_route_land")]
    pub route_factor_land: f64,
    /// Sea route length over great-circle distance (≥ 1).
    #[serde(default = "default_route_sea")]
    pub route_factor_sea: f64,
}

fn default_priority() -> QueuePriority {
    QueuePriority::SeverityThenAge
}
fn default_route_land() -> f64 {
    1.3
}
fn default_route_sea() -> f64 {
    1.15
}

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Scenario")]
pub struct RawScenario {
    /// Short name, used for the default output directory.
    pub name: String,
    /// What the scenario represents.
    #[serde(default)]
    pub description: String,
    /// Simulated days per replication.
    pub horizon_days: f64,
    /// Days at the start of each replication left out of the KPIs (default 0): violations
    /// that occur before it are not counted, time averages start at it.
    #[serde(default)]
    pub warm_up_days: f64,
    /// Master seed.
    #[serde(default)]
    pub seed: u64,
    /// Default number of replications (30 if absent).
    #[serde(default)]
    pub replications: Option<u32>,
    /// Contributing nations.
    pub nations: Vec<RawNation>,
    /// Bases.
    pub bases: Vec<RawBase>,
    /// Sectors.
    pub sectors: Vec<RawSector>,
    /// Violation types.
    pub violation_types: Vec<RawViolationType>,
    /// Fixed and space sensors.
    #[serde(default)]
    pub sensors: Vec<RawSensor>,
    /// Contingents.
    pub contingents: Vec<RawContingent>,
    /// Command chain.
    pub command: RawCommand,
    /// Timed events: escalation windows, deployments and withdrawals, outages.
    #[serde(default)]
    pub events: Vec<super::timed::RawEvent>,
}
