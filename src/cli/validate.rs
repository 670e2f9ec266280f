//! `forceplan validate`: a scenario, study, sweep or problem file checked, every problem located, then
//! described (the force; each option or design point as a difference from its baseline) and
//! warned about.

use super::*;

/// `forceplan validate` of a study or sweep file: every problem located as for scenarios,
/// then each option or design point with its changes and its force as a difference from
/// the baseline, and the warnings its changes add.
fn validate_plan(kind: Kind, path: &Path, json: bool) -> Result<()> {
    use forceplan::experiment::plan::{Inputs, Plan};
    let file = path.display().to_string();
    let params = Params {
        seed: None,
        replications: None,
        kpi: None,
        horizon_days: None,
        warm_up_days: None,
    };
    let plan = Plan::load(kind, &file, Inputs::from_disk(), params)?;
    let base = match kind {
        Kind::Sweep => {
            let kpi_check = |k: &str| {
                forceplan::metrics::Kpi::from_name(k)
                    .is_none()
                    .then(|| format!("unknown KPI \"{k}\""))
            };
            scenario::sweep::Sweep::load(&file, &mut Inputs::from_disk(), &[], &kpi_check)?
                .base()
                .clone()
        }
        _ => plan.variants[0].prepared.scenario.clone(),
    };
    let base_warnings = base.warnings();
    for w in &base_warnings {
        eprintln!("{file}: warning: base scenario: {}: {}", w.path, w.message);
    }
    let text = scenario::read_text(path)?;
    let changes = scenario::study::option_changes(&text, &file);
    let compared: Vec<_> = match kind {
        Kind::Sweep => plan.points().iter().collect(),
        _ => plan.variants.iter().skip(1).collect(),
    };
    let mut entries = Vec::new();
    for v in &compared {
        let sc = &v.prepared.scenario;
        let diff = sc.diff_from(&base);
        let warnings: Vec<_> = sc
            .warnings()
            .into_iter()
            .filter(|w| !base_warnings.iter().any(|b| b.message == w.message))
            .collect();
        for w in &warnings {
            eprintln!(
                "{file}: warning: {} \"{}\": {}: {}",
                if kind == Kind::Sweep {
                    "point"
                } else {
                    "option"
                },
                v.name,
                w.path,
                w.message
            );
        }
        let written = changes
            .iter()
            .find(|(n, _)| n == &v.name)
            .map(|(_, c)| c.clone())
            .unwrap_or_default();
        entries.push((v, diff, written, warnings));
    }
    let what = if kind == Kind::Sweep {
        "sweep"
    } else {
        "study"
    };
    if json {
        let items: Vec<serde_json::Value> = entries
            .iter()
            .map(|(v, diff, written, warnings)| {
                let mut o = serde_json::json!({
                    "name": v.name,
                    "description": v.description,
                    "difference": diff,
                    "warnings": warnings.iter().map(|w| serde_json::json!({"path": w.path, "message": w.message})).collect::<Vec<_>>(),
                });
                if kind == Kind::Sweep {
                    o["factors"] = plan
                        .factors
                        .iter()
                        .zip(&v.factors)
                        .map(|(f, x)| (f.name.clone(), serde_json::json!(x)))
                        .collect::<serde_json::Map<_, _>>()
                        .into();
                } else {
                    o["changes"] = serde_json::json!(written);
                }
                o
            })
            .collect();
        let v = serde_json::json!({
            "file": file,
            "kind": what,
            "valid": true,
            "name": plan.name,
            "baseline": plan.variants.first().filter(|_| kind != Kind::Sweep).map_or("baseline".to_string(), |b| b.name.clone()),
            "base_scenario": base.name,
            "units": base.total_units(),
            "units_by_domain": { "air": base.units_by_domain()[0], "sea": base.units_by_domain()[1], "land": base.units_by_domain()[2] },
            "base_warnings": base_warnings.iter().map(|w| serde_json::json!({"path": w.path, "message": w.message})).collect::<Vec<_>>(),
            "factors": plan.factors.iter().map(|f| serde_json::json!({"name": f.name, "target": f.target, "min": f.min, "max": f.max})).collect::<Vec<_>>(),
            "design": plan.design,
            if kind == Kind::Sweep { "points" } else { "options" }: items,
        });
        outln!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    let u = base.units_by_domain();
    outln!("{file} is valid: {what} \"{}\"", plan.name);
    outln!(
        "  base:         scenario \"{}\", {} contingents, {} units (air {}, sea {}, land {})",
        base.name,
        base.contingents.len(),
        base.total_units(),
        u[0],
        u[1],
        u[2]
    );
    if kind == Kind::Sweep {
        outln!("  design:       {}, {} points", plan.design, entries.len());
        for f in &plan.factors {
            outln!(
                "  factor:       {} = {} in [{}, {}]",
                f.name,
                f.target,
                f.min,
                f.max
            );
        }
    } else {
        outln!(
            "  compared with \"{}\"",
            plan.variants
                .first()
                .map_or("baseline", |b| b.name.as_str())
        );
    }
    const SHOWN: usize = 20;
    for (v, diff, written, _) in entries.iter().take(SHOWN) {
        if kind == Kind::Sweep {
            let values: Vec<String> = plan
                .factors
                .iter()
                .zip(&v.factors)
                .map(|(f, x)| format!("{} = {x}", f.name))
                .collect();
            outln!("  point {}: {}", v.name, values.join(", "));
        } else {
            outln!(
                "  option \"{}\": {}",
                v.name,
                v.description
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            for c in written {
                outln!("      change:  {c}");
            }
        }
        let lines = diff.lines();
        if lines.is_empty() {
            outln!("      force:   as the baseline");
        }
        for l in lines {
            outln!("      force:   {l}");
        }
    }
    if entries.len() > SHOWN {
        outln!(
            "  … {} more (all of them with --json)",
            entries.len() - SHOWN
        );
    }
    Ok(())
}

/// `forceplan validate`: a scenario, study, sweep or problem file checked and described.
pub(super) fn validate(path: &Path, json: bool) -> Result<()> {
    if super::optimise::is_problem(&scenario::read_text(path)?) {
        return super::optimise::validate_problem(path, json);
    }
    match scenario::study::file_kind(&scenario::read_text(path)?) {
        scenario::study::FileKind::Study => return validate_plan(Kind::Compare, path, json),
        scenario::study::FileKind::Sweep => return validate_plan(Kind::Sweep, path, json),
        scenario::study::FileKind::Scenario => {}
    }
    let sc = scenario::load(path)?;
    for w in sc.warnings() {
        eprintln!("{}: warning: {}: {}", path.display(), w.path, w.message);
    }
    let units = sc.units_by_domain();
    let mut per_domain = [0.0; 3];
    let mut needing = 0.0;
    for s in &sc.sectors {
        per_domain[s.domain.index()] += s.expected_per_day();
        for (t, vt) in sc.violation_types.iter().enumerate() {
            if vt.response.is_some() {
                needing += s.expected_per_day() * s.type_share(t);
            }
        }
    }
    let sectors_by_domain =
        Domain::ALL.map(|d| sc.sectors.iter().filter(|s| s.domain == d).count());
    let radars = sc
        .fixed_sensors
        .iter()
        .filter(|f| f.kind == FixedSensorKind::Radar)
        .count();
    let posts = sc.fixed_sensors.len() - radars;
    let drone_fleets: Vec<_> = sc.contingents.iter().filter(|c| c.isr.is_some()).collect();
    let drones: u64 = drone_fleets.iter().map(|c| u64::from(c.units)).sum();
    if json {
        let v = serde_json::json!({
            "scenario": sc.name,
            "file": path.display().to_string(),
            "valid": true,
            "nations": sc.nations.len(),
            "contingents": sc.contingents.len(),
            "units": sc.total_units(),
            "units_by_domain": { "air": units[0], "sea": units[1], "land": units[2] },
            "bases": sc.bases.len(),
            "sectors": sc.sectors.len(),
            "sectors_by_domain": { "air": sectors_by_domain[0], "sea": sectors_by_domain[1], "land": sectors_by_domain[2] },
            "satellites": sc.satellites.len(),
            "radars": radars,
            "observation_posts": posts,
            "drone_fleets": drone_fleets.len(),
            "drones": drones,
            "violation_types": sc.violation_types.len(),
            "violations_per_day": sc.violations_per_day(),
            "violations_per_day_by_domain": { "air": per_domain[0], "sea": per_domain[1], "land": per_domain[2] },
            "violations_needing_response_per_day": needing,
            "horizon_days": sc.horizon_days(),
            "seed": sc.seed,
            "replications": sc.replications,
            "scenario_hash": report::hex(sc.source_hash),
        });
        outln!("{}", serde_json::to_string_pretty(&v)?);
        return Ok(());
    }
    outln!("{} is valid: scenario \"{}\"", path.display(), sc.name);
    if !sc.description.is_empty() {
        outln!(
            "  {}",
            sc.description
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    outln!("  nations:      {}", sc.nations.len());
    outln!(
        "  force:        {} contingents, {} units (air {}, sea {}, land {})",
        sc.contingents.len(),
        sc.total_units(),
        units[0],
        units[1],
        units[2]
    );
    outln!("  bases:        {}", sc.bases.len());
    outln!(
        "  sectors:      {} (air {}, sea {}, land {})",
        sc.sectors.len(),
        sectors_by_domain[0],
        sectors_by_domain[1],
        sectors_by_domain[2]
    );
    outln!(
        "  sensors:      {} satellites, {} radars, {} observation posts, {} ISR drones in {} fleets",
        sc.satellites.len(),
        radars,
        posts,
        drones,
        drone_fleets.len()
    );
    outln!(
        "  violations:   {:.1} expected per day (air {:.1}, sea {:.1}, land {:.1}); {:.1} per day need a response",
        sc.violations_per_day(),
        per_domain[0],
        per_domain[1],
        per_domain[2],
        needing
    );
    outln!(
        "  run:          {} days, seed {}, {} replications by default",
        sc.horizon_days(),
        sc.seed,
        sc.replications
    );
    Ok(())
}
