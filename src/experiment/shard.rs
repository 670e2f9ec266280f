//! Splitting a study across machines: shard `K` of `N` runs every `N`-th item of the
//! canonical item order, and its partial results carry the full inputs and their hash, so
//! that [`merge`] can rebuild the exact outputs of an unsharded run — bit for bit — and
//! refuse shards of different inputs.
//!
//! Floating-point values are stored as their IEEE-754 bits, so nothing is lost in JSON, and
//! items are compared bit for bit (a NaN KPI equals itself).
//!
//! The items carry a checksum ([`items_checksum`]: 64-bit FNV-1a of their canonical compact
//! JSON), checked on reading: it detects a KPI edited by hand or a corrupted file, not a
//! forger who recomputes it (FNV is not a cryptographic hash).

use super::plan::{Inputs, Kind, Params, Plan};
use super::{ByVariant, Item, ItemResult, all_items};
use crate::error::{Error, Result};
use crate::metrics::{
    HIST_BINS, KPI_COUNT, Kpis, NationFigures, ReplicationResult, TimelineSample, TypeTimes,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Format tag of a partial-results file.
pub const FORMAT: &str = "forceplan-shard-3";
/// File name of a shard's partial results inside its directory.
pub const PARTIAL_FILE: &str = "partial.json";

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    /// Which shard, from 1.
    pub index: u32,
    /// How many.
    pub count: u32,
}

impl std::str::FromStr for ShardSpec {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let err = || format!("expected K/N with 1 ≤ K ≤ N (e.g. 3/8), got \"{s}\"");
        let (k, n) = s.split_once('/').ok_or_else(err)?;
        let (index, count): (u32, u32) = (
            k.trim().parse().map_err(|_| err())?,
            n.trim().parse().map_err(|_| err())?,
        );
        if index == 0 || index > count {
            return Err(err());
        }
        Ok(ShardSpec { index, count })
    }
}

impl ShardSpec {
    /// Directory name of the shard's partial results.
    pub fn dir_name(&self) -> String {
        format!("shard-{}-of-{}", self.index, self.count)
    }

    /// The items of this shard, in canonical order.
    pub fn items(&self, all: &[Item]) -> Vec<Item> {
        all.iter()
            .enumerate()
            .filter(|(i, _)| *i as u64 % u64::from(self.count) == u64::from(self.index - 1))
            .map(|(_, it)| *it)
            .collect()
    }
}

/// One item's result as stored in partial results and checkpoints: floats as their IEEE-754
/// bits, response-time histograms as `\[bin, count\]` pairs of the non-empty bins, the timeline
/// as rows of [`TimelineSample`] fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRecord {
    /// Variant index.
    pub variant: u32,
    /// Replication number.
    pub replication: u64,
    /// Events handled.
    pub events: u64,
    /// Theatre KPIs (bits).
    pub kpis: [u64; KPI_COUNT],
    /// KPIs per domain (bits).
    pub by_domain: [[u64; KPI_COUNT]; 3],
    /// Per nation: tasks, responded, response time mean, utilisation (bits).
    pub by_nation: Vec<[u64; 4]>,
    /// Per sector: the figures of [`crate::metrics::SECTOR_KPIS`] (bits).
    pub by_sector: Vec<[u64; 7]>,
    /// Per domain: `(bin, count)` of the non-empty histogram bins.
    pub response_hist: [Vec<(usize, u32)>; 3],
    /// Timeline rows: hour, violations, needing response, queued, available ×3, drones on
    /// station, busy ×3.
    pub timeline: Option<Vec<[u32; 11]>>,
    /// KPIs per violation type (bits).
    pub by_type: Vec<[u64; KPI_COUNT]>,
    /// KPIs per (sector, type) pair of [`crate::metrics::sector_type_pairs`] (bits).
    pub by_sector_type: Vec<[u64; KPI_COUNT]>,
    /// Per violation type: `(bin, count)` of answered and of open violations, and the
    /// number never answered.
    pub type_times: Vec<TypeTimesRecord>,
    /// Who answered where: `(sector × contingents + contingent, tasks, response seconds,
    /// responses)`.
    pub sector_contingent: Vec<(u32, u32, u64, u32)>,
}

/// One type's times in an [`ItemRecord`]: answered and open `(bin, count)` pairs, never
/// answered.
pub type TypeTimesRecord = (Vec<(u32, u32)>, Vec<(u32, u32)>, u32);

fn bits<const N: usize>(x: [f64; N]) -> [u64; N] {
    x.map(f64::to_bits)
}

fn unbits<const N: usize>(x: [u64; N]) -> [f64; N] {
    x.map(f64::from_bits)
}

impl ItemRecord {
    /// The record of an item result.
    pub fn of(r: &ItemResult) -> ItemRecord {
        let res = &r.result;
        ItemRecord {
            variant: r.item.variant,
            replication: r.item.replication,
            events: res.events,
            kpis: bits(res.kpis.values),
            by_domain: res.by_domain.map(|k| bits(k.values)),
            by_nation: res.by_nation.iter().map(|n| bits(n.values())).collect(),
            by_sector: res.by_sector.iter().map(|s| bits(*s)).collect(),
            response_hist: res.response_hist.each_ref().map(|h| {
                h.iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(b, c)| (b, *c))
                    .collect()
            }),
            timeline: r.timeline.as_ref().map(|t| {
                t.iter()
                    .map(|s| {
                        [
                            s.hour,
                            s.violations,
                            s.needing_response,
                            s.queued,
                            s.available[0],
                            s.available[1],
                            s.available[2],
                            s.drones_on_station,
                            s.busy[0],
                            s.busy[1],
                            s.busy[2],
                        ]
                    })
                    .collect()
            }),
            by_type: res.by_type.iter().map(|k| bits(k.values)).collect(),
            by_sector_type: res.by_sector_type.iter().map(|k| bits(k.values)).collect(),
            type_times: res
                .type_times
                .iter()
                .map(|t| (t.answered.clone(), t.open.clone(), t.never))
                .collect(),
            sector_contingent: res.sector_contingent.clone(),
        }
    }

    /// The item result; `None` if a histogram bin is out of range.
    pub fn to_result(&self) -> Option<ItemResult> {
        let item = Item {
            variant: self.variant,
            replication: self.replication,
        };
        let in_range = |pairs: &[(u32, u32)]| pairs.iter().all(|&(b, _)| (b as usize) < HIST_BINS);
        let mut type_times = Vec::with_capacity(self.type_times.len());
        for (answered, open, never) in &self.type_times {
            if !in_range(answered) || !in_range(open) {
                return None;
            }
            type_times.push(TypeTimes {
                answered: answered.clone(),
                open: open.clone(),
                never: *never,
            });
        }
        let mut response_hist: [Vec<u32>; 3] = Default::default();
        for (bins, pairs) in response_hist.iter_mut().zip(&self.response_hist) {
            *bins = vec![0u32; HIST_BINS];
            for &(b, c) in pairs {
                *bins.get_mut(b)? = c;
            }
        }
        Some(ItemResult {
            item,
            result: ReplicationResult {
                replication: item.replication,
                events: self.events,
                kpis: Kpis {
                    values: unbits(self.kpis),
                },
                by_domain: self.by_domain.map(|k| Kpis { values: unbits(k) }),
                by_nation: self
                    .by_nation
                    .iter()
                    .map(|n| {
                        let f = unbits(*n);
                        NationFigures {
                            tasks: f[0],
                            responded: f[1],
                            response_time_mean_h: f[2],
                            utilisation: f[3],
                        }
                    })
                    .collect(),
                by_sector: self.by_sector.iter().map(|s| unbits(*s)).collect(),
                response_hist,
                by_type: self
                    .by_type
                    .iter()
                    .map(|k| Kpis { values: unbits(*k) })
                    .collect(),
                by_sector_type: self
                    .by_sector_type
                    .iter()
                    .map(|k| Kpis { values: unbits(*k) })
                    .collect(),
                type_times,
                sector_contingent: self.sector_contingent.clone(),
            },
            timeline: self.timeline.as_ref().map(|t| {
                t.iter()
                    .map(|r| TimelineSample {
                        hour: r[0],
                        violations: r[1],
                        needing_response: r[2],
                        queued: r[3],
                        available: [r[4], r[5], r[6]],
                        drones_on_station: r[7],
                        busy: [r[8], r[9], r[10]],
                    })
                    .collect()
            }),
        })
    }
}

/// Command-line parameters as recorded in a partial-results file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamsEntry {
    /// Seed override.
    pub seed: Option<u64>,
    /// Replications override.
    pub replications: Option<u64>,
    /// KPI override.
    pub kpi: Option<String>,
    /// Warm-up override \[days\] (absent when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warm_up_days: Option<f64>,
    /// Horizon override \[days\] (absent when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_days: Option<f64>,
}

/// `partial.json` of a shard, and the manifest of a checkpoint (with `trace` and no items).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialFile {
    /// Format tag, [`FORMAT`].
    pub format: String,
    /// Kind of experiment ([`Kind::key`]).
    pub kind: String,
    /// Study, sweep or scenario name.
    pub name: String,
    /// Main input file.
    pub main_file: String,
    /// Hash of the inputs (hexadecimal).
    pub input_hash: String,
    /// Which shard, from 1.
    pub shard: u32,
    /// How many shards.
    pub of: u32,
    /// Command-line parameters.
    pub params: ParamsEntry,
    /// Input files: (path, text).
    pub inputs: Vec<(String, String)>,
    /// Events handled.
    pub events: u64,
    /// Simulation wall time \[s\].
    pub wall_seconds: f64,
    /// [`items_checksum`] of `items`.
    pub items_checksum: String,
    /// Item results.
    pub items: Vec<ItemRecord>,
    /// Checkpoint manifests only: whether the run keeps a trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<bool>,
    /// Checkpoint manifests of precision-driven runs only: the precision asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<super::runner::Precision>,
}

impl PartialFile {
    /// The partial results of shard `spec` of `plan`.
    pub fn new(
        plan: &Plan,
        spec: ShardSpec,
        results: &[ItemResult],
        events: u64,
        wall_seconds: f64,
    ) -> PartialFile {
        let items: Vec<ItemRecord> = results.iter().map(ItemRecord::of).collect();
        PartialFile {
            format: FORMAT.into(),
            kind: plan.kind.key().into(),
            name: plan.name.clone(),
            main_file: plan.main_file.clone(),
            input_hash: format!("{:016x}", plan.input_hash()),
            shard: spec.index,
            of: spec.count,
            params: ParamsEntry {
                seed: plan.params.seed,
                replications: plan.params.replications,
                kpi: plan.params.kpi.clone(),
                warm_up_days: plan.params.warm_up_days,
                horizon_days: plan.params.horizon_days,
            },
            inputs: plan
                .inputs
                .files()
                .iter()
                .map(|(p, t)| (p.clone(), t.clone()))
                .collect(),
            events,
            wall_seconds,
            items_checksum: items_checksum(&items),
            items,
            trace: None,
            precision: None,
        }
    }
}

/// Checksum of item records: 64-bit FNV-1a of their compact JSON (integers only, so the
/// bytes are canonical), in hexadecimal.
pub fn items_checksum<T: Serialize + ?Sized>(items: &T) -> String {
    let bytes = serde_json::to_vec(items).unwrap_or_default();
    format!("{:016x}", crate::scenario::fnv1a(&bytes))
}

/// The partial results of one shard, as JSON ([`PartialFile::new`] as a JSON value).
pub fn partial_json(
    plan: &Plan,
    spec: ShardSpec,
    results: &[ItemResult],
    events: u64,
    wall_seconds: f64,
) -> Value {
    serde_json::to_value(PartialFile::new(plan, spec, results, events, wall_seconds))
        .unwrap_or(Value::Null)
}

/// A shard's partial results, read back.
#[derive(Debug)]
pub struct Partial {
    /// Where it came from (for messages).
    pub source: String,
    /// Kind of experiment.
    pub kind: Kind,
    /// Main input file.
    pub main_file: String,
    /// Input hash, as recorded.
    pub input_hash: String,
    /// Which shard.
    pub spec: ShardSpec,
    /// Command-line parameters.
    pub params: Params,
    /// Input files.
    pub inputs: Vec<(String, String)>,
    /// Events handled.
    pub events: u64,
    /// Simulation wall time \[s\].
    pub wall_seconds: f64,
    /// Item results.
    pub items: Vec<ItemResult>,
}

fn bad(source: &str, what: &str) -> Error {
    Error::Invalid {
        problems: vec![crate::error::Diagnostic {
            file: source.to_string(),
            at: None,
            path: String::new(),
            message: format!("not a forceplan shard result: {what}"),
        }],
    }
}

/// Reads a partial-results document (`source` names it in messages).
pub fn parse_partial(source: &str, text: &str) -> Result<Partial> {
    from_file(source, read_partial_file(source, text)?)
}

/// Reads the text of a [`PartialFile`], checking its format tag first.
pub fn read_partial_file(source: &str, text: &str) -> Result<PartialFile> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| bad(source, &format!("invalid JSON ({e})")))?;
    if v["format"] != FORMAT {
        return Err(bad(
            source,
            &format!("format is {}, expected \"{FORMAT}\"", v["format"]),
        ));
    }
    PartialFile::deserialize(&v).map_err(|e| bad(source, &e.to_string()))
}

/// Checks a [`PartialFile`] read from `source` and turns it into a [`Partial`].
pub fn from_file(source: &str, file: PartialFile) -> Result<Partial> {
    let kind = Kind::from_key(&file.kind).ok_or_else(|| bad(source, "unknown kind"))?;
    let spec = ShardSpec {
        index: file.shard,
        count: file.of,
    };
    if spec.index == 0 || spec.index > spec.count {
        return Err(bad(source, "shard number out of range"));
    }
    let sum = items_checksum(&file.items);
    if sum != file.items_checksum {
        return Err(bad(
            source,
            &format!(
                "its items do not match their checksum (recorded {}, computed {sum}): the file was edited or corrupted",
                file.items_checksum
            ),
        ));
    }
    let items = file
        .items
        .iter()
        .map(ItemRecord::to_result)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| bad(source, "malformed item results"))?;
    Ok(Partial {
        source: source.to_string(),
        kind,
        main_file: file.main_file,
        input_hash: file.input_hash,
        spec,
        params: Params {
            seed: file.params.seed,
            replications: file.params.replications,
            kpi: file.params.kpi,
            warm_up_days: file.params.warm_up_days,
            horizon_days: file.params.horizon_days,
        },
        inputs: file.inputs,
        events: file.events,
        wall_seconds: file.wall_seconds,
        items,
    })
}

/// Whether two lists of item results are the same bit for bit.
pub fn same_bits(a: &[ItemResult], b: &[ItemResult]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| ItemRecord::of(x) == ItemRecord::of(y))
}

/// Refuses items read from `source` that lie outside `plan` (a variant or replication out
/// of range, an item twice), or, for a shard, outside the share of `spec`.
pub fn check_items(
    source: &str,
    items: &[ItemResult],
    plan: &Plan,
    spec: Option<ShardSpec>,
) -> Result<()> {
    check_items_up_to(source, items, plan, spec, plan.replications)
}

/// [`check_items`] with replications allowed up to `replications` (a precision-driven run
/// adds replications beyond its plan's, up to its maximum).
pub fn check_items_up_to(
    source: &str,
    items: &[ItemResult],
    plan: &Plan,
    spec: Option<ShardSpec>,
    replications: u64,
) -> Result<()> {
    let variants = plan.variants.len() as u64;
    let mut seen = std::collections::BTreeSet::new();
    for r in items {
        let Item {
            variant,
            replication,
        } = r.item;
        let problem = if u64::from(variant) >= variants {
            Some(format!(
                "variant {variant} is out of range (the plan has {variants})"
            ))
        } else if replication >= replications {
            Some(format!(
                "replication {replication} is beyond the plan's {replications} replications"
            ))
        } else if !seen.insert(r.item) {
            Some("it appears twice".to_string())
        } else {
            spec.filter(|s| {
                (replication * variants + u64::from(variant)) % u64::from(s.count)
                    != u64::from(s.index - 1)
            })
            .map(|s| {
                format!(
                    "it belongs to another shard than {} of {}",
                    s.index, s.count
                )
            })
        };
        if let Some(p) = problem {
            return Err(Error::Usage(format!(
                "{source}: refusing the result of variant {variant}, replication {replication}: {p}"
            )));
        }
    }
    Ok(())
}

/// A merged study: the plan rebuilt from the recorded inputs and every item's result.
#[derive(Debug)]
pub struct Merged {
    /// The plan.
    pub plan: Plan,
    /// Results by variant.
    pub results: ByVariant,
    /// Events of all shards.
    pub events: u64,
    /// Simulation wall time of all shards added up \[s\].
    pub wall_seconds: f64,
}

/// Merges the partial results of every shard of one study.
///
/// Refuses shards of different inputs, reports missing shards by number, and checks that
/// every item of the study is present exactly once.
pub fn merge(mut partials: Vec<Partial>) -> Result<Merged> {
    let usage = |m: String| Error::Usage(m);
    let first = partials
        .first()
        .ok_or_else(|| usage("no shard results given".into()))?;
    let (hash, count, kind) = (first.input_hash.clone(), first.spec.count, first.kind);
    for p in &partials {
        if p.input_hash != hash || p.kind != kind {
            return Err(usage(format!(
                "{} comes from different inputs (input hash {}, {}) than {} (input hash {hash}, {}): merge only shards of one study",
                p.source,
                p.input_hash,
                p.kind.key(),
                first.source,
                kind.key()
            )));
        }
        if p.spec.count != count {
            return Err(usage(format!(
                "{} is shard {} of {}, but {} is one of {count}",
                p.source, p.spec.index, p.spec.count, first.source
            )));
        }
    }
    partials.sort_by_key(|p| p.spec.index);
    partials.dedup_by(|a, b| a.spec.index == b.spec.index && same_bits(&a.items, &b.items));
    if let Some(w) = partials
        .windows(2)
        .find(|w| w[0].spec.index == w[1].spec.index)
    {
        return Err(usage(format!(
            "shard {} appears twice with different results ({} and {})",
            w[0].spec.index, w[0].source, w[1].source
        )));
    }
    let present: Vec<u32> = partials.iter().map(|p| p.spec.index).collect();
    let missing: Vec<String> = (1..=count)
        .filter(|k| !present.contains(k))
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(usage(format!(
            "missing shard{} {} of {count}: run {} and merge again",
            if missing.len() > 1 { "s" } else { "" },
            missing.join(", "),
            if missing.len() > 1 { "them" } else { "it" }
        )));
    }
    let first = &partials[0];
    let plan = Plan::load(
        kind,
        &first.main_file,
        Inputs::sealed(first.inputs.clone()),
        first.params.clone(),
    )?;
    if format!("{:016x}", plan.input_hash()) != hash {
        return Err(usage(format!(
            "{}: the recorded inputs do not hash to the recorded input hash {hash} (edited, or written by a different forceplan version)",
            first.source
        )));
    }
    for p in &partials {
        check_items(&p.source, &p.items, &plan, Some(p.spec))?;
    }
    let expected = all_items(plan.variants.len(), 0..plan.replications);
    let mut items: Vec<ItemResult> = partials
        .iter_mut()
        .flat_map(|p| std::mem::take(&mut p.items))
        .collect();
    items.sort_by_key(|r| (r.item.replication, r.item.variant));
    let got: Vec<Item> = items.iter().map(|r| r.item).collect();
    if got != expected {
        return Err(usage(format!(
            "the shards hold {} item results, but the study has {} (replications × variants): were they run with the same forceplan version?",
            got.len(),
            expected.len()
        )));
    }
    let events = partials.iter().map(|p| p.events).sum();
    let wall_seconds = partials.iter().map(|p| p.wall_seconds).sum();
    let results = ByVariant::group(plan.variants.len(), items);
    Ok(Merged {
        plan,
        results,
        events,
        wall_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_specs() {
        assert_eq!(
            "3/8".parse::<ShardSpec>(),
            Ok(ShardSpec { index: 3, count: 8 })
        );
        assert!("0/8".parse::<ShardSpec>().is_err());
        assert!("9/8".parse::<ShardSpec>().is_err());
        assert!("x".parse::<ShardSpec>().is_err());
        let all = all_items(2, 0..5);
        let mut union: Vec<Item> = (1..=3)
            .flat_map(|k| ShardSpec { index: k, count: 3 }.items(&all))
            .collect();
        union.sort_by_key(|i| (i.replication, i.variant));
        assert_eq!(union, all);
    }
}
