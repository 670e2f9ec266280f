//! Raw scenario → validated [`Scenario`]: resolves ids, checks numbers and limits, and
//! reports every problem at once with its path and `line:col`.

use super::raw::*;
use super::span::SpanIndex;
use super::*;
use std::collections::HashMap;

/// Longest horizon accepted \[days\] (100 years).
pub const MAX_HORIZON_DAYS: f64 = 36_500.0;
/// Most violations expected in one replication; more would not fit in memory and time.
pub const MAX_VIOLATIONS_PER_REPLICATION: f64 = 20_000_000.0;
/// Most satellite passes (and, separately, drone sorties) in one replication.
pub const MAX_PASSES_PER_REPLICATION: f64 = 20_000_000.0;
/// Most units in a scenario.
pub const MAX_UNITS: u64 = 100_000;
/// Most replications a scenario may ask for by default.
pub const MAX_REPLICATIONS: u32 = 1_000_000;

/// Collects problems by path while validation goes on.
struct Ctx {
    problems: Vec<(String, String)>,
}

impl Ctx {
    fn err(&mut self, path: impl Into<String>, msg: impl Into<String>) {
        self.problems.push((path.into(), msg.into()));
    }

    fn duration(&mut self, path: &str, d: RawDuration) -> f64 {
        let s = d.seconds();
        if !s.is_finite() || s < 0.0 {
            self.err(
                path,
                format!("duration must be a finite number ≥ 0, got {d:?}"),
            );
            return 0.0;
        }
        if s > MAX_HORIZON_DAYS * 86_400.0 {
            self.err(
                path,
                format!("duration {d:?} exceeds {MAX_HORIZON_DAYS} days"),
            );
            return 0.0;
        }
        s
    }

    fn dist(&mut self, path: &str, d: &RawDist) -> Dist {
        let before = self.problems.len();
        let out = match d {
            RawDist::Fixed(v) => Dist::Fixed {
                secs: self.duration(path, *v),
            },
            RawDist::Uniform { min, max } => {
                let (a, b) = (
                    self.duration(&format!("{path}.min"), *min),
                    self.duration(&format!("{path}.max"), *max),
                );
                if a > b {
                    self.err(
                        path,
                        format!("Uniform needs min ≤ max, got {min:?} > {max:?}"),
                    );
                }
                Dist::Uniform { min: a, max: b }
            }
            RawDist::Exponential { mean } => {
                let m = self.duration(&format!("{path}.mean"), *mean);
                if m <= 0.0 {
                    self.err(
                        path,
                        "Exponential needs a mean > 0 (use Fixed for no delay)",
                    );
                }
                Dist::Exponential { mean: m }
            }
            RawDist::Triangular { min, mode, max } => {
                let (a, c, b) = (
                    self.duration(&format!("{path}.min"), *min),
                    self.duration(&format!("{path}.mode"), *mode),
                    self.duration(&format!("{path}.max"), *max),
                );
                if !(a <= c && c <= b) {
                    self.err(path, "Triangular needs min ≤ mode ≤ max");
                }
                Dist::Triangular {
                    min: a,
                    mode: c,
                    max: b,
                }
            }
            RawDist::LogNormal { median, p90 } => {
                let (m, p) = (
                    self.duration(&format!("{path}.median"), *median),
                    self.duration(&format!("{path}.p90"), *p90),
                );
                if !(m > 0.0 && p > m) {
                    self.err(path, "LogNormal needs 0 < median < p90");
                    Dist::ZERO
                } else if (p / m).ln() / 1.2816 > 3.0 {
                    self.err(
                        path,
                        "LogNormal p90 is more than 47× the median: use a narrower spread",
                    );
                    Dist::ZERO
                } else {
                    Dist::lognormal_from_median_p90(m, p)
                }
            }
        };
        if self.problems.len() > before {
            Dist::ZERO
        } else {
            out
        }
    }

    fn probability(&mut self, path: &str, p: f64) -> f64 {
        if !(0.0..=1.0).contains(&p) {
            self.err(path, format!("probability must be in [0, 1], got {p}"));
            return 0.0;
        }
        p
    }

    fn positive(&mut self, path: &str, x: f64, max: f64, unit: &str) -> f64 {
        if !(x.is_finite() && x > 0.0 && x <= max) {
            self.err(
                path,
                format!("expected a number in (0, {max}] {unit}, got {x}"),
            );
            return 1.0;
        }
        x
    }

    fn pos(&mut self, path: &str, p: RawLatLon) -> LatLon {
        if !(p.lat.is_finite() && (-90.0..=90.0).contains(&p.lat)) {
            self.err(
                format!("{path}.lat"),
                format!("latitude must be in [-90, 90] degrees, got {}", p.lat),
            );
        }
        if !(p.lon.is_finite() && (-180.0..=180.0).contains(&p.lon)) {
            self.err(
                format!("{path}.lon"),
                format!("longitude must be in [-180, 180] degrees, got {}", p.lon),
            );
        }
        LatLon::new(p.lat, p.lon)
    }

    /// Builds an id → index map, reporting duplicates and empty ids.
    fn ids<'a>(
        &mut self,
        what: &str,
        items: impl Iterator<Item = (String, &'a str)>,
    ) -> HashMap<&'a str, usize> {
        let mut map = HashMap::new();
        for (i, (path, id)) in items.enumerate() {
            if id.trim().is_empty() {
                self.err(path, format!("{what} id must not be empty"));
            } else if map.insert(id, i).is_some() {
                self.err(
                    path,
                    format!("duplicate {what} id \"{id}\"; ids must be unique"),
                );
            }
        }
        map
    }

    fn resolve(
        &mut self,
        path: &str,
        what: &str,
        id: &str,
        map: &HashMap<&str, usize>,
    ) -> Option<usize> {
        match map.get(id) {
            Some(&i) => Some(i),
            None => {
                self.err(
                    path,
                    format!("unknown {what} \"{id}\"; expected one of: {}", known(map)),
                );
                None
            }
        }
    }
}

/// The known ids of a map, sorted, shortened past 25.
fn known(map: &HashMap<&str, usize>) -> String {
    let mut ids: Vec<(&usize, &&str)> = map.iter().map(|(k, v)| (v, k)).collect();
    ids.sort();
    let mut s: Vec<String> = ids
        .iter()
        .take(25)
        .map(|(_, k)| format!("\"{k}\""))
        .collect();
    if ids.len() > 25 {
        s.push(format!("… ({} more)", ids.len() - 25));
    }
    if s.is_empty() {
        "(none defined)".into()
    } else {
        s.join(", ")
    }
}

/// Validates a raw scenario; `text` is the file it came from (for positions and the hash).
pub fn validate(raw: &RawScenario, text: &str, file: &str) -> Result<Scenario> {
    check(raw, text).map_err(|problems| {
        let spans = SpanIndex::build(text);
        let mut problems: Vec<Diagnostic> = problems
            .into_iter()
            .map(|(path, message)| Diagnostic {
                file: file.to_string(),
                at: spans.find(&path),
                path,
                message,
            })
            .collect();
        problems.sort_by_key(|d| d.at);
        Error::Invalid { problems }
    })
}

/// Validates a raw scenario without locating the problems in a file: `(path, message)`
/// pairs. For scenarios built by changes (options, design points), whose problems are
/// reported where the change was written.
pub fn check(
    raw: &RawScenario,
    text: &str,
) -> std::result::Result<Scenario, Vec<(String, String)>> {
    let mut cx = Ctx {
        problems: Vec::new(),
    };
    let scenario = build(raw, &mut cx, text);
    if cx.problems.is_empty() {
        Ok(scenario)
    } else {
        Err(cx.problems)
    }
}

fn build(raw: &RawScenario, cx: &mut Ctx, text: &str) -> Scenario {
    if raw.name.trim().is_empty() {
        cx.err("name", "name must not be empty");
    } else if raw.name.contains(['/', '\\']) || raw.name.starts_with('.') {
        cx.err(
            "name",
            "name is used as a directory name: no '/', '\\' or leading '.'",
        );
    }
    if !(raw.horizon_days.is_finite()
        && raw.horizon_days > 0.0
        && raw.horizon_days <= MAX_HORIZON_DAYS)
    {
        cx.err(
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
    let replications = raw.replications.unwrap_or(DEFAULT_REPLICATIONS);
    if replications == 0 || replications > MAX_REPLICATIONS {
        cx.err(
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
            cx.err(field, format!("{field} must not be empty"));
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

    let nations: Vec<Nation> = raw.nations.iter().enumerate().map(|(i, n)| {
        let p = format!("nations[{i}]");
        if !(n.code.len() == 3 && n.code.bytes().all(|b| b.is_ascii_uppercase())) {
            cx.err(format!("{p}.code"), format!("expected an ISO 3166-1 alpha-3 code (three capital letters, e.g. \"POL\"), got \"{}\"", n.code));
        }
        let approval = n.approval_delay.as_ref().map_or(Dist::ZERO, |d| cx.dist(&format!("{p}.approval_delay"), d));
        let mut caveats = Caveats::default();
        for (k, c) in n.caveats.iter().enumerate() {
            let cp = format!("{p}.caveats[{k}]");
            match c {
                RawCaveat::NoDomain(d) => caveats.domains = caveats.domains.with(*d),
                RawCaveat::NoCapability(c) => caveats.capabilities = caveats.capabilities.with(*c),
                RawCaveat::NoViolationType(t) => {
                    if let Some(t) = cx.resolve(&cp, "violation type", t, &type_ids) {
                        caveats.violation_types.push(t);
                    }
                }
                RawCaveat::NoSector(s) => {
                    if let Some(s) = cx.resolve(&cp, "sector", s, &sector_ids) {
                        caveats.sectors.push(s);
                    }
                }
            }
        }
        Nation { code: n.code.clone(), name: n.name.clone(), approval, caveats }
    }).collect();

    let bases: Vec<Base> = raw
        .bases
        .iter()
        .enumerate()
        .map(|(i, b)| Base {
            id: b.id.clone(),
            name: b.name.clone(),
            pos: cx.pos(&format!("bases[{i}].at"), b.at),
            kind: b.kind,
        })
        .collect();

    let types: Vec<ViolationType> = raw.violation_types.iter().enumerate().map(|(i, t)| {
        let p = format!("violation_types[{i}]");
        let observable = cx.dist(&format!("{p}.observable_for"), &t.observable_for);
        let response = match &t.response {
            RawResponse::MonitorOnly => None,
            RawResponse::Respond { capability, responders, on_scene, target } => {
                let mut set = DomainSet::default();
                match responders {
                    None => set = set.with(t.domain),
                    Some(list) if list.is_empty() => cx.err(format!("{p}.response.responders"), "responders must name at least one domain (or be left out to mean the violation's own domain)"),
                    Some(list) => list.iter().for_each(|d| set = set.with(*d)),
                }
                let target_s = cx.duration(&format!("{p}.response.target"), *target);
                if target_s <= 0.0 {
                    cx.err(format!("{p}.response.target"), "response-time target must be > 0");
                }
                Some(Response {
                    capability: *capability,
                    responders: set,
                    on_scene: cx.dist(&format!("{p}.response.on_scene"), on_scene),
                    target: SimDuration::from_secs_f64(target_s),
                })
            }
        };
        ViolationType {
            id: t.id.clone(),
            name: t.name.clone().unwrap_or_else(|| t.id.clone()),
            domain: t.domain,
            severity: t.severity,
            observable,
            response,
        }
    }).collect();

    let sectors: Vec<Sector> = raw
        .sectors
        .iter()
        .enumerate()
        .map(|(i, s)| sector(cx, i, s, &types, &type_ids, &nation_ids))
        .collect();

    let mut satellites = Vec::new();
    let mut fixed_sensors = Vec::new();
    for (i, s) in raw.sensors.iter().enumerate() {
        let p = format!("sensors[{i}]");
        match s {
            RawSensor::Satellite {
                id,
                nation,
                covers,
                revisit,
                detection_probability,
                processing_delay,
            } => {
                let nation = cx
                    .resolve(&format!("{p}.nation"), "nation", nation, &nation_ids)
                    .unwrap_or(0);
                let sectors_covered: Vec<usize> = match covers {
                    RawCoverage::All => (0..raw.sectors.len()).collect(),
                    RawCoverage::Sectors(list) => {
                        if list.is_empty() {
                            cx.err(
                                format!("{p}.covers"),
                                "Sectors([...]) must name at least one sector (or use All)",
                            );
                        }
                        list.iter()
                            .enumerate()
                            .filter_map(|(k, id)| {
                                cx.resolve(&format!("{p}.covers[{k}]"), "sector", id, &sector_ids)
                            })
                            .collect()
                    }
                };
                let revisit_s = cx.duration(&format!("{p}.revisit"), *revisit);
                if revisit_s < 60.0 {
                    cx.err(
                        format!("{p}.revisit"),
                        "revisit interval must be at least Minutes(1)",
                    );
                }
                let passes =
                    sectors_covered.len() as f64 * horizon_days * 86_400.0 / revisit_s.max(60.0);
                if passes > MAX_PASSES_PER_REPLICATION {
                    cx.err(format!("{p}.revisit"), format!("{passes:.3e} passes per replication exceed the limit of {MAX_PASSES_PER_REPLICATION:.0e}: lengthen the revisit interval"));
                }
                satellites.push(Satellite {
                    id: id.clone(),
                    nation,
                    sectors: sectors_covered,
                    revisit: SimDuration::from_secs_f64(revisit_s.max(60.0)),
                    detection_probability: cx.probability(
                        &format!("{p}.detection_probability"),
                        *detection_probability,
                    ),
                    processing: cx.dist(&format!("{p}.processing_delay"), processing_delay),
                });
            }
            RawSensor::Radar {
                id,
                nation,
                at,
                range_km,
                domains,
                detection_probability,
                reporting_delay,
            } => {
                fixed_sensors.push(fixed(
                    cx,
                    &p,
                    FixedSensorKind::Radar,
                    id,
                    nation,
                    *at,
                    *range_km,
                    Some(domains),
                    *detection_probability,
                    reporting_delay,
                    &nation_ids,
                ));
            }
            RawSensor::ObservationPost {
                id,
                nation,
                at,
                range_km,
                detection_probability,
                reporting_delay,
                domains,
            } => {
                fixed_sensors.push(fixed(
                    cx,
                    &p,
                    FixedSensorKind::ObservationPost,
                    id,
                    nation,
                    *at,
                    *range_km,
                    domains.as_ref(),
                    *detection_probability,
                    reporting_delay,
                    &nation_ids,
                ));
            }
        }
    }

    let command = Command {
        hq_processing: cx.dist("command.hq_processing", &raw.command.hq_processing),
        dispatch: raw.command.dispatch,
        queue_priority: raw.command.queue_priority,
        route_factor_land: route_factor(
            cx,
            "command.route_factor_land",
            raw.command.route_factor_land,
        ),
        route_factor_sea: route_factor(
            cx,
            "command.route_factor_sea",
            raw.command.route_factor_sea,
        ),
    };

    let contingents: Vec<Contingent> = raw
        .contingents
        .iter()
        .enumerate()
        .map(|(i, c)| {
            contingent(
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

    let total_units: u64 = contingents.iter().map(|c| u64::from(c.units)).sum();
    if total_units == 0 && !raw.contingents.is_empty() {
        cx.err(
            "contingents",
            "the force has no units: at least one contingent needs units > 0",
        );
    }
    if total_units > MAX_UNITS {
        cx.err(
            "contingents",
            format!("{total_units} units exceed the limit of {MAX_UNITS}"),
        );
    }
    let sorties: f64 = contingents
        .iter()
        .filter(|c| c.isr.is_some())
        .map(|c| {
            let cycle_s = c.endurance.map_or(0.0, |e| e.secs() as f64) + c.turnaround.mean_secs();
            f64::from(c.units) * horizon_days * 86_400.0 / cycle_s.max(600.0)
        })
        .sum();
    if sorties > MAX_PASSES_PER_REPLICATION {
        cx.err(
            "contingents",
            format!("{sorties:.3e} drone sorties per replication exceed the limit of {MAX_PASSES_PER_REPLICATION:.0e}: fewer drones, longer endurance or a shorter horizon"),
        );
    }
    let per_day: f64 = sectors.iter().map(Sector::expected_per_day).sum();
    let per_replication = per_day * horizon_days;
    if per_replication > MAX_VIOLATIONS_PER_REPLICATION {
        cx.err("sectors", format!("{per_replication:.3e} violations expected per replication ({per_day:.3e}/day over {horizon_days} days) exceed the limit of {MAX_VIOLATIONS_PER_REPLICATION:.0e}: lower the rates or the horizon"));
    }

    Scenario {
        name: raw.name.clone(),
        description: raw.description.clone(),
        horizon: SimDuration::from_secs_f64(horizon_days * 86_400.0),
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
        source_hash: fnv1a(text.as_bytes()),
    }
}

fn route_factor(cx: &mut Ctx, path: &str, f: f64) -> f64 {
    if !(f.is_finite() && (1.0..=10.0).contains(&f)) {
        cx.err(
            path,
            format!(
                "route factor must be in [1, 10] (route length over great-circle distance), got {f}"
            ),
        );
        return 1.0;
    }
    f
}

fn sector(
    cx: &mut Ctx,
    i: usize,
    s: &RawSector,
    types: &[ViolationType],
    type_ids: &HashMap<&str, usize>,
    nation_ids: &HashMap<&str, usize>,
) -> Sector {
    let p = format!("sectors[{i}]");
    let geometry = match &s.geometry {
        RawGeometry::Line(pts) => {
            if pts.len() < 2 {
                cx.err(
                    format!("{p}.geometry"),
                    format!("a Line needs at least 2 points, got {}", pts.len()),
                );
            }
            let pts: Vec<LatLon> = pts
                .iter()
                .enumerate()
                .map(|(k, q)| cx.pos(&format!("{p}.geometry[{k}]"), *q))
                .collect();
            Geometry::line(if pts.is_empty() {
                vec![LatLon::default()]
            } else {
                pts
            })
        }
        RawGeometry::Polygon(pts) => {
            if pts.len() < 3 {
                cx.err(
                    format!("{p}.geometry"),
                    format!("a Polygon needs at least 3 points, got {}", pts.len()),
                );
            }
            let pts: Vec<LatLon> = pts
                .iter()
                .enumerate()
                .map(|(k, q)| cx.pos(&format!("{p}.geometry[{k}]"), *q))
                .collect();
            let g = Geometry::polygon(if pts.len() < 3 {
                vec![LatLon::default(); 3]
            } else {
                pts
            });
            if cx.problems.is_empty() {
                let (a, b, c, d) = g.bbox();
                let box_area = Geometry::polygon(vec![
                    LatLon::new(a, b),
                    LatLon::new(a, d),
                    LatLon::new(c, d),
                    LatLon::new(c, b),
                ])
                .area_km2();
                if !(g.area_km2() > 0.01 * box_area && g.area_km2() > 0.0) {
                    cx.err(format!("{p}.geometry"), "polygon is degenerate (zero area, or less than 1% of its bounding box; is it self-intersecting?)");
                }
            }
            g
        }
    };
    if !(s.rate_per_day.is_finite() && s.rate_per_day >= 0.0) {
        cx.err(
            format!("{p}.rate_per_day"),
            format!("expected a rate ≥ 0 per day, got {}", s.rate_per_day),
        );
    }
    let mut profile = [1.0; 24];
    if let Some(w) = &s.daily_profile {
        if w.len() != 24 {
            cx.err(
                format!("{p}.daily_profile"),
                format!(
                    "expected 24 hourly weights (UTC hours 0..23), got {}",
                    w.len()
                ),
            );
        } else if w.iter().any(|x| !x.is_finite() || *x < 0.0) || w.iter().sum::<f64>() <= 0.0 {
            cx.err(
                format!("{p}.daily_profile"),
                "hourly weights must be finite, ≥ 0 and not all zero",
            );
        } else {
            let mean = w.iter().sum::<f64>() / 24.0;
            for (k, x) in w.iter().enumerate() {
                profile[k] = x / mean;
            }
        }
    }
    let escalation = s.escalation.as_ref().map(|e| {
        let ep = format!("{p}.escalation");
        if !(e.bursts_per_year.is_finite() && (0.0..=8_760.0).contains(&e.bursts_per_year)) {
            cx.err(
                format!("{ep}.bursts_per_year"),
                format!(
                    "expected 0 to 8760 bursts per year, got {}",
                    e.bursts_per_year
                ),
            );
        }
        if !(e.rate_multiplier.is_finite() && (1.0..=1_000.0).contains(&e.rate_multiplier)) {
            cx.err(
                format!("{ep}.rate_multiplier"),
                format!(
                    "expected a multiplier in [1, 1000], got {}",
                    e.rate_multiplier
                ),
            );
        }
        Escalation {
            bursts_per_day: if e.bursts_per_year.is_finite() {
                e.bursts_per_year.max(0.0) / 365.0
            } else {
                0.0
            },
            duration: cx.dist(&format!("{ep}.duration"), &e.duration),
            multiplier: if e.rate_multiplier.is_finite() {
                e.rate_multiplier.max(1.0)
            } else {
                1.0
            },
        }
    });
    let mut mix = Vec::new();
    if s.mix.is_empty() {
        cx.err(
            format!("{p}.mix"),
            "the mix must name at least one violation type",
        );
    }
    let total: f64 = s
        .mix
        .iter()
        .map(|m| m.1)
        .filter(|w| w.is_finite() && *w > 0.0)
        .sum();
    let mut cum = 0.0;
    for (k, (id, w)) in s.mix.iter().enumerate() {
        let mp = format!("{p}.mix[{k}]");
        if !(w.is_finite() && *w >= 0.0) {
            cx.err(
                format!("{mp}.1"),
                format!("weight must be finite and ≥ 0, got {w}"),
            );
            continue;
        }
        if let Some(t) = cx.resolve(&mp, "violation type", id, type_ids) {
            if types[t].domain != s.domain {
                cx.err(
                    &mp,
                    format!(
                        "violation type \"{id}\" is in the {:?} domain but sector \"{}\" is {:?}",
                        types[t].domain, s.id, s.domain
                    ),
                );
            }
            if total > 0.0 {
                cum += w / total;
                mix.push((t, cum));
            }
        }
    }
    if !s.mix.is_empty() && total <= 0.0 {
        cx.err(format!("{p}.mix"), "mix weights must not all be zero");
    }
    if let Some(last) = mix.last_mut() {
        last.1 = 1.0;
    }
    let lead_nation = s
        .lead_nation
        .as_ref()
        .and_then(|n| cx.resolve(&format!("{p}.lead_nation"), "nation", n, nation_ids));
    Sector {
        id: s.id.clone(),
        name: s.name.clone(),
        domain: s.domain,
        geometry,
        rate_per_day: if s.rate_per_day.is_finite() {
            s.rate_per_day.max(0.0)
        } else {
            0.0
        },
        profile,
        escalation,
        mix,
        lead_nation,
    }
}

#[allow(clippy::too_many_arguments)]
fn fixed(
    cx: &mut Ctx,
    p: &str,
    kind: FixedSensorKind,
    id: &str,
    nation: &str,
    at: RawLatLon,
    range_km: f64,
    domains: Option<&Vec<Domain>>,
    prob: f64,
    delay: &RawDist,
    nation_ids: &HashMap<&str, usize>,
) -> FixedSensor {
    let mut set = DomainSet::default();
    match domains {
        None => set = set.with(Domain::Land),
        Some(list) if list.is_empty() => cx.err(
            format!("{p}.domains"),
            "domains must name at least one of Air, Sea, Land",
        ),
        Some(list) => list.iter().for_each(|d| set = set.with(*d)),
    }
    FixedSensor {
        id: id.to_string(),
        kind,
        nation: cx
            .resolve(&format!("{p}.nation"), "nation", nation, nation_ids)
            .unwrap_or(0),
        pos: cx.pos(&format!("{p}.at"), at),
        range_km: cx.positive(&format!("{p}.range_km"), range_km, 5_000.0, "km"),
        domains: set,
        detection_probability: cx.probability(&format!("{p}.detection_probability"), prob),
        reporting: cx.dist(&format!("{p}.reporting_delay"), delay),
    }
}

#[allow(clippy::too_many_arguments)]
fn contingent(
    cx: &mut Ctx,
    i: usize,
    c: &RawContingent,
    bases: &[Base],
    sectors: &[Sector],
    command: &Command,
    nation_ids: &HashMap<&str, usize>,
    base_ids: &HashMap<&str, usize>,
    sector_ids: &HashMap<&str, usize>,
) -> Contingent {
    let p = format!("contingents[{i}]");
    let nation = cx
        .resolve(&format!("{p}.nation"), "nation", &c.nation, nation_ids)
        .unwrap_or(0);
    let base = cx.resolve(&format!("{p}.base"), "base", &c.base, base_ids);
    let speed_kmh = cx.positive(&format!("{p}.speed_kmh"), c.speed_kmh, 5_000.0, "km/h");
    if u64::from(c.units) > MAX_UNITS {
        cx.err(
            format!("{p}.units"),
            format!("{} units exceed the limit of {MAX_UNITS}", c.units),
        );
    }
    let endurance = c.endurance.map(|e| {
        let s = cx.duration(&format!("{p}.endurance"), e);
        if s <= 0.0 {
            cx.err(format!("{p}.endurance"), "endurance must be > 0");
        }
        SimDuration::from_secs_f64(s)
    });
    let turnaround = c
        .turnaround
        .as_ref()
        .map_or(Dist::ZERO, |d| cx.dist(&format!("{p}.turnaround"), d));
    let mut caps = CapabilitySet::default();
    for cap in &c.capabilities {
        caps = caps.with(*cap);
    }
    let isr = c.isr.as_ref().map(|isr| {
        let ip = format!("{p}.isr");
        if isr.sectors.is_empty() {
            cx.err(format!("{ip}.sectors"), "an ISR tasking needs at least one sector");
        }
        let list: Vec<usize> = isr.sectors.iter().enumerate().filter_map(|(k, s)| cx.resolve(&format!("{ip}.sectors[{k}]"), "sector", s, sector_ids)).collect();
        match (endurance, base) {
            (None, _) => cx.err(format!("{p}.endurance"), "ISR drones need an endurance, e.g. endurance: Some(Hours(24))"),
            (Some(e), Some(b)) => {
                for (k, &s) in list.iter().enumerate() {
                    let km = bases[b].pos.distance_km(sectors[s].geometry.centroid()) * command.route_factor(c.domain);
                    let round_trip_h = 2.0 * km / speed_kmh;
                    if round_trip_h >= e.hours() {
                        cx.err(format!("{ip}.sectors[{k}]"), format!("sector \"{}\" is {km:.0} km from base \"{}\": the round trip of {round_trip_h:.1} h leaves no time on station within an endurance of {:.1} h", sectors[s].id, bases[b].id, e.hours()));
                    }
                }
            }
            _ => {}
        }
        let min_cycle = endurance.map_or(0.0, |e| e.secs() as f64) + turnaround.mean_secs();
        if endurance.is_some() && min_cycle < 600.0 {
            cx.err(format!("{p}.endurance"), "endurance plus turnaround must be at least Minutes(10) for an ISR orbit");
        }
        Isr {
            sectors: list,
            detection_probability: cx.probability(&format!("{ip}.detection_probability"), isr.detection_probability),
            reporting: cx.dist(&format!("{ip}.reporting_delay"), &isr.reporting_delay),
        }
    });
    if c.kind == UnitKind::IsrDrone && c.isr.is_none() {
        cx.err(format!("{p}.isr"), "an IsrDrone contingent needs an ISR tasking: isr: Some((sectors: [...], detection_probability: ..., reporting_delay: ...))");
    }
    Contingent {
        id: c.id.clone(),
        nation,
        name: c.name.clone(),
        domain: c.domain,
        kind: c.kind,
        units: c.units,
        base: base.unwrap_or(0),
        speed_kmh,
        notice: cx.dist(&format!("{p}.notice_to_move"), &c.notice_to_move),
        capabilities: caps,
        endurance,
        turnaround,
        isr,
    }
}
