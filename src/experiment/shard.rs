//! Splitting a study across machines: shard `K` of `N` runs every `N`-th item of the
//! canonical item order, and its partial results carry the full inputs and their hash, so
//! that [`merge`] can rebuild the exact outputs of an unsharded run — bit for bit — and
//! refuse shards of different inputs.
//!
//! Floating-point values are stored as their IEEE-754 bits, so nothing is lost in JSON.

use super::plan::{Inputs, Kind, Params, Plan};
use super::{ByVariant, Item, ItemResult, all_items};
use crate::error::{Error, Result};
use crate::metrics::{
    HIST_BINS, KPI_COUNT, Kpis, NationFigures, ReplicationResult, TimelineSample,
};
use serde_json::{Value, json};

/// Format tag of a partial-results file.
pub const FORMAT: &str = "forceplan-shard-1";
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

fn bits(x: f64) -> Value {
    json!(x.to_bits())
}

fn unbits(v: &Value) -> Option<f64> {
    v.as_u64().map(f64::from_bits)
}

/// One item result as JSON (floats as IEEE bits).
pub fn item_json(r: &ItemResult) -> Value {
    let res = &r.result;
    let hist: Vec<Value> = res
        .response_hist
        .iter()
        .map(|h| {
            Value::Array(
                h.iter()
                    .enumerate()
                    .filter(|(_, c)| **c > 0)
                    .map(|(b, c)| json!([b, c]))
                    .collect(),
            )
        })
        .collect();
    json!({
        "variant": r.item.variant,
        "replication": r.item.replication,
        "events": res.events,
        "kpis": res.kpis.values.iter().map(|x| bits(*x)).collect::<Vec<_>>(),
        "by_domain": res.by_domain.iter().map(|k| k.values.iter().map(|x| bits(*x)).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "by_nation": res.by_nation.iter().map(|n| n.values().iter().map(|x| bits(*x)).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "by_sector": res.by_sector.iter().map(|s| s.iter().map(|x| bits(*x)).collect::<Vec<_>>()).collect::<Vec<_>>(),
        "response_hist": hist,
        "timeline": r.timeline.as_ref().map(|t| t.iter().map(|s| json!([s.hour, s.violations, s.needing_response, s.queued, s.available[0], s.available[1], s.available[2], s.drones_on_station, s.busy[0], s.busy[1], s.busy[2]])).collect::<Vec<_>>()),
    })
}

fn kpis(v: &Value) -> Option<Kpis> {
    let a = v.as_array()?;
    if a.len() != KPI_COUNT {
        return None;
    }
    let mut values = [0.0; KPI_COUNT];
    for (x, y) in values.iter_mut().zip(a) {
        *x = unbits(y)?;
    }
    Some(Kpis { values })
}

fn floats<const N: usize>(v: &Value) -> Option<[f64; N]> {
    let a = v.as_array()?;
    if a.len() != N {
        return None;
    }
    let mut out = [0.0; N];
    for (x, y) in out.iter_mut().zip(a) {
        *x = unbits(y)?;
    }
    Some(out)
}

/// Reads [`item_json`] back; `None` if malformed.
pub fn item_from_json(v: &Value) -> Option<ItemResult> {
    let item = Item {
        variant: u32::try_from(v["variant"].as_u64()?).ok()?,
        replication: v["replication"].as_u64()?,
    };
    let dom = v["by_domain"].as_array()?;
    if dom.len() != 3 {
        return None;
    }
    let by_nation = v["by_nation"]
        .as_array()?
        .iter()
        .map(|n| {
            floats::<4>(n).map(|f| NationFigures {
                tasks: f[0],
                responded: f[1],
                response_time_mean_h: f[2],
                utilisation: f[3],
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let by_sector = v["by_sector"]
        .as_array()?
        .iter()
        .map(floats::<7>)
        .collect::<Option<Vec<_>>>()?;
    let mut response_hist: [Vec<u32>; 3] = Default::default();
    let hist = v["response_hist"].as_array()?;
    if hist.len() != 3 {
        return None;
    }
    for (d, h) in hist.iter().enumerate() {
        let mut bins = vec![0u32; HIST_BINS];
        for pair in h.as_array()? {
            let (b, c) = (
                usize::try_from(pair[0].as_u64()?).ok()?,
                u32::try_from(pair[1].as_u64()?).ok()?,
            );
            *bins.get_mut(b)? = c;
        }
        response_hist[d] = bins;
    }
    let timeline = match &v["timeline"] {
        Value::Null => None,
        t => Some(
            t.as_array()?
                .iter()
                .map(|row| {
                    let r: Vec<u32> = row
                        .as_array()?
                        .iter()
                        .map(|x| x.as_u64().and_then(|x| u32::try_from(x).ok()))
                        .collect::<Option<_>>()?;
                    (r.len() == 11).then(|| TimelineSample {
                        hour: r[0],
                        violations: r[1],
                        needing_response: r[2],
                        queued: r[3],
                        available: [r[4], r[5], r[6]],
                        drones_on_station: r[7],
                        busy: [r[8], r[9], r[10]],
                    })
                })
                .collect::<Option<Vec<_>>>()?,
        ),
    };
    Some(ItemResult {
        item,
        result: ReplicationResult {
            replication: item.replication,
            events: v["events"].as_u64()?,
            kpis: kpis(&v["kpis"])?,
            by_domain: [kpis(&dom[0])?, kpis(&dom[1])?, kpis(&dom[2])?],
            by_nation,
            by_sector,
            response_hist,
        },
        timeline,
    })
}

/// The partial results of one shard, as JSON.
pub fn partial_json(
    plan: &Plan,
    spec: ShardSpec,
    results: &[ItemResult],
    events: u64,
    wall_seconds: f64,
) -> Value {
    json!({
        "format": FORMAT,
        "kind": plan.kind.key(),
        "name": plan.name,
        "main_file": plan.main_file,
        "input_hash": format!("{:016x}", plan.input_hash()),
        "shard": spec.index,
        "of": spec.count,
        "params": { "seed": plan.params.seed, "replications": plan.params.replications, "kpi": plan.params.kpi },
        "inputs": plan.inputs.files().iter().map(|(p, t)| json!([p, t])).collect::<Vec<_>>(),
        "events": events,
        "wall_seconds": wall_seconds,
        "items": results.iter().map(item_json).collect::<Vec<_>>(),
    })
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

/// Reads a partial-results document.
pub fn parse_partial(source: &str, text: &str) -> Result<Partial> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| bad(source, &format!("invalid JSON ({e})")))?;
    if v["format"] != FORMAT {
        return Err(bad(
            source,
            &format!("format is {}, expected \"{FORMAT}\"", v["format"]),
        ));
    }
    let kind = v["kind"]
        .as_str()
        .and_then(Kind::from_key)
        .ok_or_else(|| bad(source, "unknown kind"))?;
    let get_u32 = |k: &str| {
        v[k].as_u64()
            .and_then(|x| u32::try_from(x).ok())
            .ok_or_else(|| bad(source, &format!("no {k}")))
    };
    let spec = ShardSpec {
        index: get_u32("shard")?,
        count: get_u32("of")?,
    };
    if spec.index == 0 || spec.index > spec.count {
        return Err(bad(source, "shard number out of range"));
    }
    let params = Params {
        seed: v["params"]["seed"].as_u64(),
        replications: v["params"]["replications"].as_u64(),
        kpi: v["params"]["kpi"].as_str().map(String::from),
    };
    let inputs = v["inputs"]
        .as_array()
        .ok_or_else(|| bad(source, "no inputs"))?
        .iter()
        .map(|p| Some((p[0].as_str()?.to_string(), p[1].as_str()?.to_string())))
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| bad(source, "malformed inputs"))?;
    let items = v["items"]
        .as_array()
        .ok_or_else(|| bad(source, "no items"))?
        .iter()
        .map(item_from_json)
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| bad(source, "malformed item results"))?;
    Ok(Partial {
        source: source.to_string(),
        kind,
        main_file: v["main_file"]
            .as_str()
            .ok_or_else(|| bad(source, "no main_file"))?
            .to_string(),
        input_hash: v["input_hash"]
            .as_str()
            .ok_or_else(|| bad(source, "no input_hash"))?
            .to_string(),
        spec,
        params,
        inputs,
        events: v["events"].as_u64().unwrap_or(0),
        wall_seconds: v["wall_seconds"].as_f64().unwrap_or(0.0),
        items,
    })
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
    partials.dedup_by(|a, b| a.spec.index == b.spec.index && a.items == b.items);
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
        return Err(Error::Internal("the recorded inputs do not hash to the recorded input hash (a different forceplan version?)".into()));
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
