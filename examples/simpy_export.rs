//! Writes the validated parameters of a scenario as JSON for the independent SimPy reference
//! model (`scripts/simpy_reference.py`), so that both simulate the same inputs:
//! `cargo run --example simpy_export -- scenarios/coalition-2026.ron > params.json`.

use forceplan::dist::Dist;
use forceplan::geo::Geometry;
use forceplan::scenario::{Capability, Domain, Scenario};
use serde_json::{Value, json};

fn dist(d: &Dist) -> Value {
    match *d {
        Dist::Fixed { secs } => json!({"kind": "fixed", "secs": secs}),
        Dist::Uniform { min, max } => json!({"kind": "uniform", "min": min, "max": max}),
        Dist::Exponential { mean } => json!({"kind": "exponential", "mean": mean}),
        Dist::Triangular { min, mode, max } => {
            json!({"kind": "triangular", "min": min, "mode": mode, "max": max})
        }
        Dist::LogNormal { mu, sigma } => json!({"kind": "lognormal", "mu": mu, "sigma": sigma}),
    }
}

fn domains(f: impl Fn(Domain) -> bool) -> Vec<&'static str> {
    Domain::ALL
        .iter()
        .filter(|&&d| f(d))
        .map(|d| d.key())
        .collect()
}

fn caps(f: impl Fn(Capability) -> bool) -> Vec<String> {
    [
        Capability::Investigate,
        Capability::Intercept,
        Capability::Deter,
        Capability::Escort,
        Capability::MineClearance,
        Capability::Surveil,
    ]
    .into_iter()
    .filter(|&c| f(c))
    .map(|c| format!("{c:?}"))
    .collect()
}

fn export(sc: &Scenario) -> Value {
    json!({
        "horizon_s": sc.horizon.secs(),
        "seed": sc.seed,
        "dispatch": format!("{:?}", sc.command.dispatch),
        "queue_priority": format!("{:?}", sc.command.queue_priority),
        "hq_processing": dist(&sc.command.hq_processing),
        "route_factor": {
            "land": sc.command.route_factor(Domain::Land),
            "sea": sc.command.route_factor(Domain::Sea),
            "air": sc.command.route_factor(Domain::Air),
        },
        "nations": sc.nations.iter().map(|n| json!({
            "code": n.code,
            "approval": dist(&n.approval_delay),
            "caveat_domains": domains(|d| n.caveats.domains.contains(d)),
            "caveat_capabilities": caps(|c| n.caveats.capabilities.contains(c)),
            "caveat_types": n.caveats.violation_types,
            "caveat_sectors": n.caveats.sectors,
        })).collect::<Vec<_>>(),
        "bases": sc.bases.iter().map(|b| json!([b.pos.lat, b.pos.lon])).collect::<Vec<_>>(),
        "sectors": sc.sectors.iter().map(|s| {
            let (kind, pts) = match &s.geometry {
                Geometry::Line { points, .. } => ("line", points),
                Geometry::Polygon { points, .. } => ("polygon", points),
            };
            let c = s.geometry.centroid();
            json!({
                "id": s.id,
                "domain": s.domain.key(),
                "kind": kind,
                "points": pts.iter().map(|p| [p.lat, p.lon]).collect::<Vec<_>>(),
                "centroid": [c.lat, c.lon],
                "rate_per_day": s.rate_per_day,
                "profile": s.profile,
                "escalation": s.escalation.as_ref().map(|e| json!({
                    "bursts_per_day": e.bursts_per_day,
                    "duration": dist(&e.duration),
                    "multiplier": e.multiplier,
                })),
                "rate_windows": s.rate_windows.iter()
                    .map(|w| [w.from.secs() as f64, w.until.secs() as f64, w.multiplier])
                    .collect::<Vec<_>>(),
                "mix": s.mix,
                "lead_nation": s.lead_nation,
            })
        }).collect::<Vec<_>>(),
        "violation_types": sc.violation_types.iter().map(|t| json!({
            "id": t.id,
            "domain": t.domain.key(),
            "severity": t.severity as u8,
            "observable": dist(&t.observable),
            "response": t.response.as_ref().map(|r| json!({
                "capability": format!("{:?}", r.capability),
                "responders": domains(|d| r.responders.contains(d)),
                "on_scene": dist(&r.on_scene),
                "target_s": r.target.secs(),
            })),
        })).collect::<Vec<_>>(),
        "fixed_sensors": sc.fixed_sensors.iter().map(|f| json!({
            "pos": [f.pos.lat, f.pos.lon],
            "range_km": f.range_km,
            "domains": domains(|d| f.domains.contains(d)),
            "p": f.detection_probability,
            "reporting": dist(&f.reporting),
        })).collect::<Vec<_>>(),
        "satellites": sc.satellites.iter().map(|s| json!({
            "sectors": s.sectors,
            "revisit_s": s.revisit.secs(),
            "p": s.detection_probability,
            "processing": dist(&s.processing),
        })).collect::<Vec<_>>(),
        "contingents": sc.contingents.iter().map(|c| json!({
            "id": c.id,
            "nation": c.nation,
            "domain": c.domain.key(),
            "units": c.units,
            "base": c.base,
            "speed_kmh": c.speed_kmh,
            "notice": dist(&c.notice_to_move),
            "capabilities": caps(|k| c.capabilities.contains(k)),
            "endurance_s": c.endurance.map(|e| e.secs()),
            "turnaround": dist(&c.turnaround),
            "isr": c.isr.as_ref().map(|i| json!({
                "sectors": i.sectors,
                "p": i.detection_probability,
                "reporting": dist(&i.reporting),
            })),
        })).collect::<Vec<_>>(),
    })
}

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "scenarios/coalition-2026.ron".into());
    match forceplan::scenario::load(std::path::Path::new(&path)) {
        Ok(sc) => println!("{}", export(&sc)),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
