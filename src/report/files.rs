//! The result files as types: `summary.json` and `plots/index.json` here, `comparison.json`
//! and `sweep.json` in `study_files`, `theatre.json` in `theatre_file`, the answers' entries in
//! `answer_files`, `optimum.json` in `optimum_file` (all re-exported here), written and read through the same structs (shard
//! partials and checkpoints: [`crate::experiment::shard::PartialFile`]).
//!
//! Field order is the key order in the files; numbers that are undefined (NaN) are written
//! as `null` and read back as NaN. Readers accept KPI tables that list only some KPIs, but
//! refuse a KPI name they do not know.

use crate::error::{Diagnostic, Error, Result};
pub use crate::experiment::effects::{EffectsFit, FactorEffect};
use crate::metrics::stats::{Summary, nan_if_null};
use crate::metrics::{KPI_COUNT, Kpi};
use crate::scenario::Domain;
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::path::Path;

pub use super::answer_files::*;
pub use super::optimum_file::*;
pub use super::study_files::*;
pub use super::theatre_file::*;
pub use crate::experiment::shard::{ItemRecord, PartialFile};

/// Values per KPI, written as a JSON object keyed by [`Kpi::name`] in [`Kpi::ALL`] order;
/// a KPI absent from a file is `None`.
#[derive(Debug, Clone, PartialEq)]
pub struct KpiTable<T>(pub [Option<T>; KPI_COUNT]);

impl<T> Default for KpiTable<T> {
    fn default() -> Self {
        KpiTable(std::array::from_fn(|_| None))
    }
}

impl<T> KpiTable<T> {
    /// A table with every KPI, `f(k)` for KPI `k`.
    pub fn full(mut f: impl FnMut(Kpi) -> T) -> Self {
        KpiTable(Kpi::ALL.map(|k| Some(f(k))))
    }

    /// The value of KPI `k`, if the file has it.
    pub fn get(&self, k: Kpi) -> Option<&T> {
        self.0[k.index()].as_ref()
    }

    /// Whether the file has KPI `k`.
    pub fn has(&self, k: Kpi) -> bool {
        self.0[k.index()].is_some()
    }
}

impl<T: Serialize> Serialize for KpiTable<T> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let present = self.0.iter().filter(|v| v.is_some()).count();
        let mut m = s.serialize_map(Some(present))?;
        for k in Kpi::ALL {
            if let Some(v) = self.get(k) {
                m.serialize_entry(k.name(), v)?;
            }
        }
        m.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for KpiTable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = KpiTable<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object keyed by KPI names")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<KpiTable<T>, A::Error> {
                let mut t = KpiTable::default();
                while let Some(name) = map.next_key::<String>()? {
                    let k = Kpi::from_name(&name)
                        .ok_or_else(|| serde::de::Error::custom(format!("unknown KPI `{name}`")))?;
                    t.0[k.index()] = Some(map.next_value()?);
                }
                Ok(t)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

/// One value per domain, written as `{air, sea, land}`; a domain absent from a file reads
/// as the default.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, bound(deserialize = "T: Deserialize<'de> + Default"))]
pub struct PerDomain<T> {
    /// Air.
    pub air: T,
    /// Sea.
    pub sea: T,
    /// Land.
    pub land: T,
}

impl<T> PerDomain<T> {
    /// From values in [`Domain::ALL`] order.
    pub fn from_array([air, sea, land]: [T; 3]) -> Self {
        PerDomain { air, sea, land }
    }

    /// The value of domain `d`.
    pub fn get(&self, d: Domain) -> &T {
        match d.index() {
            0 => &self.air,
            1 => &self.sea,
            _ => &self.land,
        }
    }
}

/// KPI statistics of the theatre and per domain.
pub type KpiStats = KpiTable<Summary>;

/// One nation in `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NationEntry {
    /// Nation code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Units it contributes (responders and ISR drones).
    pub units: u64,
    /// Units tasked per replication.
    pub tasks: Summary,
    /// Tasks that reached the scene per replication.
    pub responded: Summary,
    /// Mean response time of its responses \[h\].
    pub response_time_mean_h: Summary,
    /// Utilisation of its responder units.
    pub utilisation: Summary,
}

/// One sector in `summary.json` (the figures of [`crate::metrics::SECTOR_KPIS`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectorEntry {
    /// Sector id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Domain key.
    pub domain: String,
    /// Violations per replication.
    pub violations: Summary,
    /// Share detected.
    pub detected_share: Summary,
    /// Share answered on scene.
    pub responded_share: Summary,
    /// Mean response time \[h\].
    pub response_time_mean_h: Summary,
    /// 90th percentile of response time \[h\].
    pub response_time_p90_h: Summary,
    /// Share answered within target.
    pub within_target_share: Summary,
    /// ISR orbit coverage share.
    pub isr_coverage_share: Summary,
}

/// `summary.json`: the statistics of one scenario's replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryFile {
    /// Version of forceplan that wrote it.
    pub forceplan_version: String,
    /// Scenario name.
    pub scenario: String,
    /// Hash of the scenario source (hexadecimal).
    pub scenario_hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replications summarised.
    pub replications: u64,
    /// Replications asked for.
    pub replications_requested: u64,
    /// Whether the run was cut short.
    pub interrupted: bool,
    /// Horizon \[days\].
    pub horizon_days: f64,
    /// Warm-up left out of the KPIs \[days\] (0: none).
    #[serde(default)]
    pub warm_up_days: f64,
    /// Warm-up suggested by MSER-5 on the hourly queue length of replication 0 \[days\]:
    /// only for a heavily loaded run (mean utilisation ≥ 0.8), else null.
    #[serde(default)]
    pub suggested_warm_up_days: Option<f64>,
    /// Number of nations.
    pub nations: usize,
    /// Responder units per domain.
    pub units_by_domain: PerDomain<u64>,
    /// Expected violations per day.
    pub violations_per_day_expected: f64,
    /// Events handled.
    pub events: u64,
    /// Wall-clock simulation time \[s\].
    #[serde(deserialize_with = "nan_if_null")]
    pub wall_seconds: f64,
    /// Events per wall-clock second (NaN when no time was measured).
    #[serde(deserialize_with = "nan_if_null")]
    pub events_per_second: f64,
    /// Threads used.
    pub threads: usize,
    /// CPU time of the replications simulated by this command \[s\] (null for a merge).
    #[serde(default = "f64_nan", deserialize_with = "nan_if_null")]
    pub cpu_seconds: f64,
    /// CPU seconds per replication of one year (365 days) \[s\].
    #[serde(default = "f64_nan", deserialize_with = "nan_if_null")]
    pub seconds_per_replication_year: f64,
    /// Violations simulated per CPU second.
    #[serde(default = "f64_nan", deserialize_with = "nan_if_null")]
    pub violations_per_cpu_second: f64,
    /// Theatre KPIs.
    pub kpis: KpiStats,
    /// KPIs per domain.
    pub by_domain: PerDomain<KpiStats>,
    /// Per nation, in scenario order.
    pub by_nation: Vec<NationEntry>,
    /// Per sector, in scenario order.
    pub by_sector: Vec<SectorEntry>,
    /// Per violation type, in scenario order (absent from files of older versions).
    #[serde(default)]
    pub by_type: Vec<TypeEntry>,
    /// Per (sector, violation type) pair that can occur, sector by sector.
    #[serde(default)]
    pub by_sector_type: Vec<SectorTypeEntry>,
    /// Figures pooled over replications: counts, Wilson intervals of shares, Kaplan–Meier
    /// percentiles with their intervals (absent from files of older versions).
    #[serde(default)]
    pub pooled: Option<PooledSection>,
    /// Per contingent of responders (ISR drones left out), in scenario order.
    #[serde(default)]
    pub by_contingent: Vec<ContingentEntry>,
    /// Who answers each sector: every (sector, contingent) pair with a task in any
    /// replication, sector by sector.
    #[serde(default)]
    pub by_sector_contingent: Vec<SectorContingentEntry>,
    /// Where the time goes: the mean of each stage per violation type and per sector
    /// \[min\] (absent from files of older versions).
    #[serde(default)]
    pub stages: Vec<StageEntry>,
}

/// NaN, for timing fields missing from a file.
fn f64_nan() -> f64 {
    f64::NAN
}

/// One plot in `plots/index.json` (the file is a list of them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlotEntry {
    /// File stem under `plots/`.
    pub name: String,
    /// Title.
    pub title: String,
    /// What it shows.
    pub description: String,
    /// Width \[px\].
    pub width: u32,
    /// Height \[px\].
    pub height: u32,
}

/// `plots/index.json`.
pub type PlotIndex = Vec<PlotEntry>;

/// What describes a whole results directory, from `summary.json`, else `comparison.json`,
/// else `sweep.json`.
#[derive(Debug, Clone, PartialEq)]
pub struct Head {
    /// Scenario name (`?` when the file names none).
    pub scenario: String,
    /// Version of forceplan that wrote it.
    pub version: String,
    /// Hash of the scenario (runs) or of every input (studies, sweeps).
    pub hash: String,
    /// Master seed.
    pub seed: u64,
    /// Replications (per option or point).
    pub replications: u64,
}

impl Head {
    /// The head of whichever file is present, in the order summary, comparison, sweep.
    pub fn of(
        summary: Option<&SummaryFile>,
        comparison: Option<&ComparisonFile>,
        sweep: Option<&SweepFile>,
    ) -> Option<Head> {
        if let Some(s) = summary {
            return Some(Head {
                scenario: s.scenario.clone(),
                version: s.forceplan_version.clone(),
                hash: s.scenario_hash.clone(),
                seed: s.seed,
                replications: s.replications,
            });
        }
        if let Some(c) = comparison {
            return Some(Head {
                scenario: c.scenario.clone(),
                version: c.forceplan_version.clone(),
                hash: c.input_hash.clone(),
                seed: c.seed,
                replications: c.replications as u64,
            });
        }
        sweep.map(|s| Head {
            scenario: s.scenario.clone().unwrap_or_else(|| "?".into()),
            version: s.forceplan_version.clone(),
            hash: s.input_hash.clone(),
            seed: s.seed,
            replications: s.replications,
        })
    }
}

/// A value as pretty JSON (the format of every result file).
pub fn to_pretty<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(v).map_err(|e| Error::Internal(e.to_string()))
}

/// A number as the result files write it: shortest round trip, `null` when undefined.
pub fn json_number(x: f64) -> String {
    serde_json::to_string(&x).unwrap_or_else(|_| "null".into())
}

fn invalid(path: &Path, message: String) -> Error {
    Error::Invalid {
        problems: vec![Diagnostic {
            file: path.display().to_string(),
            at: None,
            path: String::new(),
            message,
        }],
    }
}

/// Reads a result file of type `T`; a file that is not one is bad input naming it.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<T> {
    let text = std::fs::read_to_string(path).map_err(|io| Error::Read {
        path: path.to_path_buf(),
        io,
    })?;
    serde_json::from_str(&text).map_err(|e| invalid(path, e.to_string()))
}

/// Reads a result file of type `T` if it exists.
pub fn read_if_present<T: DeserializeOwned>(path: &Path) -> Result<Option<T>> {
    if path.is_file() {
        read(path).map(Some)
    } else {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kpi_tables_keep_kpi_order_and_refuse_unknown_names() {
        let t = KpiTable::full(|k| k.index() as f64);
        let text = serde_json::to_string(&t).unwrap();
        assert!(text.starts_with("{\"violations\":0.0,\"needing_response\":1.0,"));
        let back: KpiTable<f64> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, t);
        let some: KpiTable<f64> = serde_json::from_str("{\"utilisation\":0.5}").unwrap();
        assert_eq!(some.get(Kpi::Utilisation), Some(&0.5));
        assert_eq!(some.get(Kpi::Violations), None);
        assert!(serde_json::from_str::<KpiTable<f64>>("{\"utilization\":0.5}").is_err());
    }

    #[test]
    fn undefined_statistics_round_trip_as_null() {
        let s = Summary::of(std::iter::empty());
        let text = serde_json::to_string(&s).unwrap();
        assert!(text.contains("\"mean\":null"), "{text}");
        let back: Summary = serde_json::from_str(&text).unwrap();
        assert!(back.mean.is_nan() && back.n == 0);
    }
}
