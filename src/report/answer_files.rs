//! The result-file types of the answers to a planner's questions, re-exported by
//! [`super::files`]: per violation type and sector × type, figures pooled over replications
//! (Wilson intervals, Kaplan–Meier percentiles), who answers each sector, and the paired
//! differences per part of the theatre in `comparison.json`.

use super::files::{KpiStats, KpiTable, PerDomain};
use crate::experiment::compare::Difference;
use crate::metrics::stats::nan_if_null;
use serde::{Deserialize, Serialize};

/// One responder contingent in `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContingentEntry {
    /// Contingent id.
    pub id: String,
    /// Nation code.
    pub nation: String,
    /// Domain key.
    pub domain: String,
    /// Units.
    pub units: u64,
    /// Tasks per replication (mean over replications).
    pub tasks_per_replication: f64,
}

/// Tasks of one contingent in one sector in `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectorContingentEntry {
    /// Sector id.
    pub sector: String,
    /// Contingent id.
    pub contingent: String,
    /// Nation code.
    pub nation: String,
    /// Tasks per replication (mean over replications).
    pub tasks_per_replication: f64,
    /// Mean response time of its responses there, pooled over replications \[h\].
    #[serde(deserialize_with = "nan_if_null")]
    pub response_time_mean_h: f64,
}

/// A share pooled over replications with its Wilson score 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct ShareInterval {
    /// Successes over trials, summed over replications (`null` with no trials).
    #[serde(deserialize_with = "nan_if_null")]
    pub estimate: f64,
    /// Lower end of the Wilson 95 % interval.
    #[serde(deserialize_with = "nan_if_null")]
    pub wilson95_low: f64,
    /// Upper end.
    #[serde(deserialize_with = "nan_if_null")]
    pub wilson95_high: f64,
}

/// A response-time percentile of the pooled Kaplan–Meier curve \[h\]: `null` where not
/// reached (see the answered share beside it) or where nothing needed a response.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct QuantileInterval {
    /// The end of the 5-minute bin in which the share answered reaches the level.
    #[serde(deserialize_with = "nan_if_null")]
    pub estimate: f64,
    /// Lower end of the 95 % interval (Greenwood standard error, Brookmeyer–Crowley).
    #[serde(deserialize_with = "nan_if_null")]
    pub ci95_low: f64,
    /// Upper end (`null`: not bounded within the horizon).
    #[serde(deserialize_with = "nan_if_null")]
    pub ci95_high: f64,
}

/// Figures of violations needing a response, pooled over replications.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct PooledEntry {
    /// Violations needing a response, all replications.
    pub needing_response: u64,
    /// Of those, answered (a unit on scene).
    pub answered: u64,
    /// Still open when the horizon ended (right-censored).
    pub open_at_end: u64,
    /// Closed without a unit on scene (infinitely late).
    pub never_answered: u64,
    /// Answered share.
    pub answered_share: ShareInterval,
    /// Share answered within each violation's own target.
    pub within_target_share: ShareInterval,
    /// Median response time \[h\].
    pub response_time_p50_h: QuantileInterval,
    /// 90th percentile \[h\].
    pub response_time_p90_h: QuantileInterval,
    /// 95th percentile \[h\].
    pub response_time_p95_h: QuantileInterval,
}

/// One violation type's pooled figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PooledTypeEntry {
    /// Type id.
    pub id: String,
    /// Its response-time target \[h\].
    pub target_h: Option<f64>,
    /// The figures.
    pub figures: PooledEntry,
}

/// `summary.json`'s `pooled`: the theatre, each domain and each type that needs a response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PooledSection {
    /// How the figures are made.
    pub method: String,
    /// The theatre.
    pub theatre: PooledEntry,
    /// Per domain.
    pub by_domain: PerDomain<PooledEntry>,
    /// Per violation type that needs a response, in scenario order.
    pub by_type: Vec<PooledTypeEntry>,
}

/// One violation type in `summary.json`: every KPI over its own violations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeEntry {
    /// Type id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Domain key.
    pub domain: String,
    /// Severity key.
    pub severity: String,
    /// Its own response-time target \[h\]; `None` for monitor-only types.
    pub target_h: Option<f64>,
    /// KPIs over its violations (utilisation, ISR coverage and queue length are `null`).
    pub kpis: KpiStats,
}

/// One stage of a response in one scope, in `summary.json`'s `stages` and `stages.csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageEntry {
    /// `type` or `sector`.
    pub scope: String,
    /// The type's or sector's id.
    pub name: String,
    /// Stage, as the report names it (`detection`, `reporting`, `HQ decision`, `queue for a
    /// unit`, `national approval`, `notice to move`, `transit`).
    pub stage: String,
    /// The KPI of the stage (`transit_mean_h`, …).
    pub kpi: String,
    /// Mean time in the stage \[min\].
    pub mean_min: f64,
    /// Lower end of its 95 % interval \[min\] (types only).
    pub ci95_low_min: Option<f64>,
    /// Upper end of its 95 % interval \[min\] (types only).
    pub ci95_high_min: Option<f64>,
}

/// One (sector, violation type) pair in `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectorTypeEntry {
    /// Sector id.
    pub sector: String,
    /// Violation type id.
    #[serde(rename = "type")]
    pub vtype: String,
    /// Domain key.
    pub domain: String,
    /// The type's response-time target \[h\]; `None` for monitor-only types.
    pub target_h: Option<f64>,
    /// KPIs over the pair's violations.
    pub kpis: KpiStats,
}

/// Paired differences (option − baseline, same replication indices) of the parts of the
/// theatre, in each KPI's own unit (`_h`: hours).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BreakdownEntry {
    /// Per domain, every KPI.
    pub by_domain: PerDomain<KpiTable<Difference>>,
    /// Per violation type, every KPI.
    pub by_type: Vec<PartDifferences>,
    /// Per sector, the KPIs kept per sector.
    pub by_sector: Vec<PartDifferences>,
}

/// The paired differences of one violation type or sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartDifferences {
    /// Type or sector id.
    pub id: String,
    /// The type's response-time target \[h\] (`None` for sectors and monitor-only types).
    pub target_h: Option<f64>,
    /// Differences per KPI.
    pub differences: KpiTable<Difference>,
}

/// KPI statistics of one violation type at a sweep point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeStats {
    /// Type id.
    pub id: String,
    /// Its response-time target \[h\]; `None` for monitor-only types.
    pub target_h: Option<f64>,
    /// KPIs over its violations.
    pub kpis: KpiStats,
}
