//! Raw scenario → validated [`Scenario`]: resolves ids, checks numbers and limits, and
//! reports every problem at once with its path and `line:col`. One file per concern:
//! `values` (shared value checks), `sectors` (violation types, sectors and their
//! geometry), `sensors`, `force` (nations, bases, contingents), `command` and
//! `limits` (what a replication may cost).

mod command;
mod events;
mod force;
mod limits;
mod sectors;
mod sensors;
mod values;

pub use events::MAX_WINDOW_MULTIPLIER;
pub use sectors::MAX_POLYGON_VERTICES;

use super::problems::Problems;
use super::raw::*;
use super::*;
use crate::error::Result;

/// Seconds per day, for rates and horizons in days.
const DAY_S: f64 = crate::time::DAY.0 as f64;

/// Longest horizon accepted \[days\] (100 years).
pub const MAX_HORIZON_DAYS: f64 = 36_500.0;
/// Most violations expected in one replication; more would not fit in memory and time.
pub const MAX_VIOLATIONS_PER_REPLICATION: f64 = 20_000_000.0;
/// Most satellite passes (and, separately, drone sorties) in one replication.
pub const MAX_PASSES_PER_REPLICATION: f64 = 20_000_000.0;
/// Most units in a scenario.
pub const MAX_UNITS: u64 = 100_000;
/// Longest scenario name \[bytes\]: it names the output directory, and file systems
/// refuse longer names.
pub const MAX_NAME_BYTES: usize = 255;
/// Memory one replication may use for its open violations \[bytes\] (each thread runs one
/// replication at a time).
pub const MAX_OPEN_VIOLATION_BYTES: f64 = 4.0 * 1024.0 * 1024.0 * 1024.0;
/// Memory per open violation \[bytes\], for [`MAX_OPEN_VIOLATION_BYTES`]: measured 405 bytes
/// with 0.24 to 0.96 million violations open at once (the component, its entity, its pending
/// event, its place in a watch list, and the growth slack of those vectors), with a margin.
pub const BYTES_PER_OPEN_VIOLATION: f64 = 450.0;
/// Most replications a scenario may ask for by default.
pub const MAX_REPLICATIONS: u32 = 1_000_000;

/// What is wrong with `name` (of a scenario, study or sweep) as the name of the output
/// directory it becomes, if anything.
pub fn dir_name_problem(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        Some("name must not be empty".into())
    } else if name.contains('\0') {
        Some("name is used as a directory name: no NUL character (\\u{0})".into())
    } else if name.len() > MAX_NAME_BYTES {
        Some(format!(
            "name is used as a directory name: at most {MAX_NAME_BYTES} bytes, got {}",
            name.len()
        ))
    } else if name.contains(['/', '\\']) || name.starts_with('.') {
        Some("name is used as a directory name: no '/', '\\' or leading '.'".into())
    } else {
        None
    }
}

/// Validates a raw scenario; `text` is the file it came from (for positions and the hash).
pub fn validate(raw: &RawScenario, text: &str, file: &str) -> Result<Scenario> {
    let mut cx = Problems::new();
    let scenario = build(raw, &mut cx, text);
    cx.finish_sorted(file, text)?;
    Ok(scenario)
}

/// Validates a raw scenario without locating the problems in a file: `(path, message)`
/// pairs. For scenarios built by changes (options, design points), whose problems are
/// reported where the change was written.
pub fn check(
    raw: &RawScenario,
    text: &str,
) -> std::result::Result<Scenario, Vec<(String, String)>> {
    let mut cx = Problems::new();
    let scenario = build(raw, &mut cx, text);
    if cx.is_empty() {
        Ok(scenario)
    } else {
        Err(cx.into_pairs())
    }
}

fn build(raw: &RawScenario, cx: &mut Problems, text: &str) -> Scenario {
    if let Some(message) = dir_name_problem(&raw.name) {
        cx.add("name", message);
    }
    if !(raw.horizon_days.is_finite()
        && raw.horizon_days > 0.0
        && raw.horizon_days <= MAX_HORIZON_DAYS)
    {
        cx.add(
            "horizon_days",
            format!(
                "expected a number of days in (0, {MAX_HORIZON_DAYS}], got {}",
                raw.horizon_days
            ),
        );
    }
    let horizon_days = if raw.horizon_days.is_finite() {
        raw.horizon_days.clamp(0.0, MAX_HORIZON_DAYS)
    } else {
        0.0
    };
    if !(raw.warm_up_days.is_finite()
        && raw.warm_up_days >= 0.0
        && raw.warm_up_days < horizon_days.max(f64::MIN_POSITIVE))
    {
        cx.add(
            "warm_up_days",
            format!(
                "expected a number of days with 0 ≤ warm-up < horizon ({horizon_days} days), got {}",
                raw.warm_up_days
            ),
        );
    }
    let replications = raw.replications.unwrap_or(DEFAULT_REPLICATIONS);
    if replications == 0 || replications > MAX_REPLICATIONS {
        cx.add(
            "replications",
            format!("expected 1 to {MAX_REPLICATIONS} replications, got {replications}"),
        );
    }
    for (field, empty) in [
        ("nations", raw.nations.is_empty()),
        ("bases", raw.bases.is_empty()),
        ("sectors", raw.sectors.is_empty()),
        ("violation_types", raw.violation_types.is_empty()),
        ("contingents", raw.contingents.is_empty()),
    ] {
        if empty {
            cx.add(field, format!("{field} must not be empty"));
        }
    }

    // Ids first, so every reference below can be resolved.
    let nation_ids = cx.ids(
        "nation",
        raw.nations
            .iter()
            .enumerate()
            .map(|(i, n)| (format!("nations[{i}].code"), n.code.as_str())),
    );
    let base_ids = cx.ids(
        "base",
        raw.bases
            .iter()
            .enumerate()
            .map(|(i, b)| (format!("bases[{i}].id"), b.id.as_str())),
    );
    let sector_ids = cx.ids(
        "sector",
        raw.sectors
            .iter()
            .enumerate()
            .map(|(i, s)| (format!("sectors[{i}].id"), s.id.as_str())),
    );
    let type_ids = cx.ids(
        "violation type",
        raw.violation_types
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("violation_types[{i}].id"), t.id.as_str())),
    );
    let sensor_ids: Vec<(String, &str)> = raw
        .sensors
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let id = match s {
                RawSensor::Satellite { id, .. }
                | RawSensor::Radar { id, .. }
                | RawSensor::ObservationPost { id, .. } => id.as_str(),
            };
            (format!("sensors[{i}].id"), id)
        })
        .collect();
    cx.ids("sensor", sensor_ids.into_iter());
    cx.ids(
        "contingent",
        raw.contingents
            .iter()
            .enumerate()
            .map(|(i, c)| (format!("contingents[{i}].id"), c.id.as_str())),
    );

    let nations = force::nations(cx, raw, &type_ids, &sector_ids);
    let bases = force::bases(cx, raw);
    let types = sectors::violation_types(cx, raw);
    let mut sectors: Vec<Sector> = raw
        .sectors
        .iter()
        .enumerate()
        .map(|(i, s)| sectors::sector(cx, i, s, &types, &type_ids, &nation_ids))
        .collect();
    let (satellites, fixed_sensors) =
        sensors::sensors(cx, raw, horizon_days, &nation_ids, &sector_ids);
    let command = command::command(cx, &raw.command);
    let availability = events::events(cx, raw, &mut sectors);
    let contingents: Vec<Contingent> = raw
        .contingents
        .iter()
        .enumerate()
        .map(|(i, c)| {
            force::contingent(
                cx,
                i,
                c,
                &bases,
                &sectors,
                &command,
                &nation_ids,
                &base_ids,
                &sector_ids,
            )
        })
        .collect();
    limits::check(cx, raw, horizon_days, &contingents, &sectors, &types);

    Scenario {
        name: raw.name.clone(),
        description: raw.description.clone(),
        horizon: SimDuration::from_secs_f64(horizon_days * DAY_S),
        warm_up: SimDuration::from_secs_f64(raw.warm_up_days.clamp(0.0, horizon_days) * DAY_S),
        seed: raw.seed,
        replications,
        nations,
        bases,
        sectors,
        violation_types: types,
        satellites,
        fixed_sensors,
        contingents,
        command,
        availability,
        source_hash: fnv1a(text.as_bytes()),
    }
}
