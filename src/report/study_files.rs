//! The result-file types of studies, re-exported by [`super::files`]: `comparison.json` (options,
//! paired differences, precision) and `sweep.json` (factors, design points, factor effects).

use super::files::*;
use crate::experiment::compare::{Difference, Direction};
use crate::metrics::Kpi;
use crate::metrics::stats::{Summary, nan_if_null};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The precision target of a comparison run with `--precision`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PrecisionEntry {
    /// Target CI half-width of the study's KPI.
    pub half_width: f64,
    /// Whether every option reached it.
    pub reached: bool,
}

/// One option of `comparison.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionEntry {
    /// Option name.
    pub name: String,
    /// What it changes.
    pub description: String,
    /// Rank by the study's KPI (1 = best).
    pub rank: usize,
    /// Replications.
    pub replications: u64,
    /// Theatre KPIs.
    pub kpis: KpiStats,
    /// KPIs per domain.
    pub by_domain: PerDomain<KpiStats>,
    /// Paired differences against the baseline; `None` for the baseline.
    pub vs_baseline: Option<KpiTable<Difference>>,
    /// Statistics of the ranked KPI (`ranked_by`, possibly scoped).
    #[serde(default)]
    pub ranked: Option<Summary>,
    /// Paired difference of the ranked KPI against the baseline; `None` for the baseline.
    #[serde(default)]
    pub ranked_vs_baseline: Option<Difference>,
    /// Paired differences per domain, violation type and sector; `None` for the baseline.
    #[serde(default)]
    pub breakdown_vs_baseline: Option<BreakdownEntry>,
}

/// `comparison.json`: force options compared against the baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonFile {
    /// Version of forceplan that wrote it.
    pub forceplan_version: String,
    /// Study name.
    pub study: String,
    /// Study description.
    pub description: String,
    /// Scenario name.
    pub scenario: String,
    /// Hash of every input (hexadecimal).
    pub input_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per option.
    pub replications: usize,
    /// Always true: options see the same violations.
    pub common_random_numbers: bool,
    /// The KPI ranked.
    pub kpi: Kpi,
    /// Which way it is better.
    pub kpi_direction: Direction,
    /// Multiple-comparison correction.
    pub correction: String,
    /// Comparisons against the baseline.
    pub comparisons: usize,
    /// Two-sided confidence of each comparison.
    pub per_comparison_confidence: f64,
    /// Precision target, when run with `--precision`.
    pub precision: Option<PrecisionEntry>,
    /// Events handled.
    pub events: u64,
    /// Wall-clock simulation time \[s\].
    #[serde(deserialize_with = "nan_if_null")]
    pub wall_seconds: f64,
    /// Threads used.
    pub threads: usize,
    /// Options, the baseline first.
    pub options: Vec<OptionEntry>,
    /// The KPI ranked, with its scope (e.g. `response_time_p90_h[type=land-incursion]`);
    /// `kpi` is its KPI without the scope.
    #[serde(default)]
    pub ranked_by: String,
}

/// Factor values of a sweep point, written as an object keyed by factor name in the order
/// of the sweep's factors.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FactorValues(pub Vec<(String, f64)>);

impl FactorValues {
    /// The value of factor `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }
}

impl Serialize for FactorValues {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (n, v) in &self.0 {
            m.serialize_entry(n, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for FactorValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FactorValues;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of factor values")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<FactorValues, A::Error> {
                let mut v = Vec::new();
                while let Some(e) = map.next_entry::<String, f64>()? {
                    v.push(e);
                }
                Ok(FactorValues(v))
            }
        }
        d.deserialize_map(V)
    }
}

/// One factor of `sweep.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactorEntry {
    /// Name.
    pub name: String,
    /// What it sets, as written.
    pub target: String,
    /// Lower end.
    pub min: f64,
    /// Upper end.
    pub max: f64,
}

/// One point of `sweep.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointEntry {
    /// Point number.
    pub index: usize,
    /// Its factor values.
    pub factors: FactorValues,
    /// Replications.
    pub replications: u64,
    /// Theatre KPIs.
    pub kpis: KpiStats,
    /// KPIs per domain.
    pub by_domain: PerDomain<KpiStats>,
    /// Statistics of the sweep's KPI with its scope (`ranked_by`).
    #[serde(default)]
    pub ranked: Option<Summary>,
    /// Per violation type, every KPI (absent from files of older versions).
    #[serde(default)]
    pub by_type: Vec<TypeStats>,
    /// Paired difference of the sweep's KPI (`ranked_by`) against the sweep's baseline, the
    /// base scenario run with the same replications (absent from files of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranked_vs_baseline: Option<Difference>,
    /// Paired differences against the baseline per domain, violation type and sector, as in
    /// `comparison.json` (absent from files of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breakdown_vs_baseline: Option<BreakdownEntry>,
}

/// The baseline of `sweep.json`: the sweep's base scenario, no factor applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepBaselineEntry {
    /// Replications (the points').
    pub replications: u64,
    /// Theatre KPIs.
    pub kpis: KpiStats,
    /// Statistics of the sweep's KPI (`ranked_by`).
    pub ranked: Summary,
    /// Two-sided confidence of each point's intervals against it (Bonferroni over the
    /// points: 1 − 0.05/points).
    pub per_comparison_confidence: f64,
}

/// `sweep.json`: the KPIs over a design of factor values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepFile {
    /// Version of forceplan that wrote it.
    pub forceplan_version: String,
    /// Sweep name.
    pub sweep: String,
    /// Sweep description.
    pub description: String,
    /// Scenario name (none for an empty design).
    pub scenario: Option<String>,
    /// Hash of every input (hexadecimal).
    pub input_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replications per point.
    pub replications: u64,
    /// Always true: points see the same violations.
    pub common_random_numbers: bool,
    /// Design (`grid`, `latin-hypercube`, …).
    pub design: String,
    /// The KPI of the summary table.
    pub kpi: Kpi,
    /// The factors.
    pub factors: Vec<FactorEntry>,
    /// Events handled.
    pub events: u64,
    /// Wall-clock simulation time \[s\].
    #[serde(deserialize_with = "nan_if_null")]
    pub wall_seconds: f64,
    /// Threads used.
    pub threads: usize,
    /// The points.
    pub points: Vec<PointEntry>,
    /// Factors ranked by their effect on `kpi` (empty when none can be estimated).
    #[serde(default)]
    pub factor_effects: Vec<FactorEffect>,
    /// The regression behind `factor_effects` (null when none can be estimated).
    #[serde(default)]
    pub factor_effects_fit: Option<EffectsFit>,
    /// The KPI of the summary table with its scope; `kpi` is its KPI without the scope.
    #[serde(default)]
    pub ranked_by: String,
    /// The base scenario, run as a baseline (absent from files of older versions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<SweepBaselineEntry>,
}
