//! The violation process: violation types, sectors with their geometry, hourly profile,
//! escalation bursts and type mix.

use super::super::problems::Problems;
use super::super::raw::*;
use super::super::*;
use std::collections::HashMap;

/// Validates the violation types.
pub(super) fn violation_types(cx: &mut Problems, raw: &RawScenario) -> Vec<ViolationType> {
    raw.violation_types.iter().enumerate().map(|(i, t)| {
        let p = format!("violation_types[{i}]");
        let observable = cx.dist(&format!("{p}.observable_for"), &t.observable_for);
        let response = match &t.response {
            RawResponse::MonitorOnly => None,
            RawResponse::Respond { capability, responders, on_scene, target } => {
                let mut set = DomainSet::default();
                match responders {
                    None => set = set.with(t.domain),
                    Some(list) if list.is_empty() => cx.add(format!("{p}.response.responders"), "responders must name at least one domain (or be left out to mean the violation's own domain)"),
                    Some(list) => list.iter().for_each(|d| set = set.with(*d)),
                }
                let target_s = cx.duration(&format!("{p}.response.target"), *target);
                if target_s <= 0.0 {
                    cx.add(format!("{p}.response.target"), "response-time target must be > 0");
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
    }).collect()
}

/// Most vertices of a polygon sector (the self-intersection check is quadratic).
pub const MAX_POLYGON_VERTICES: usize = 1_000;

/// Validates sector `i`.
pub(super) fn sector(
    cx: &mut Problems,
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
                cx.add(
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
                cx.add(
                    format!("{p}.geometry"),
                    format!("a Polygon needs at least 3 points, got {}", pts.len()),
                );
            }
            let pts: Vec<LatLon> = pts
                .iter()
                .enumerate()
                .map(|(k, q)| cx.pos(&format!("{p}.geometry[{k}]"), *q))
                .collect();
            let n = pts.len();
            let g = Geometry::polygon(if n < 3 {
                vec![LatLon::default(); 3]
            } else {
                pts
            });
            let (_, min_lon, _, max_lon) = g.bbox();
            if n < 3 {
                // Reported above.
            } else if n > MAX_POLYGON_VERTICES {
                cx.add(
                    format!("{p}.geometry"),
                    format!("a Polygon may have at most {MAX_POLYGON_VERTICES} vertices, got {n}"),
                );
            } else if max_lon - min_lon > 180.0 {
                cx.add(
                    format!("{p}.geometry"),
                    format!(
                        "polygon spans {:.1} degrees of longitude: a sector across the antimeridian (±180°) is not supported; split it in two sectors, one on each side",
                        max_lon - min_lon
                    ),
                );
            } else if let Some((e1, e2)) = g.self_intersection() {
                cx.add(
                    format!("{p}.geometry"),
                    format!(
                        "polygon is self-intersecting: edge {e1} (vertex {e1} to {}) meets edge {e2} (vertex {e2} to {}); list the vertices in order around the sector",
                        (e1 + 1) % n,
                        (e2 + 1) % n
                    ),
                );
            } else if cx.is_empty() {
                let (a, b, c, d) = g.bbox();
                let box_area = Geometry::polygon(vec![
                    LatLon::new(a, b),
                    LatLon::new(a, d),
                    LatLon::new(c, d),
                    LatLon::new(c, b),
                ])
                .area_km2();
                if !(g.area_km2() > 0.01 * box_area && g.area_km2() > 0.0) {
                    cx.add(format!("{p}.geometry"), "polygon is degenerate (zero area, or less than 1% of its bounding box; is it self-intersecting?)");
                }
            }
            g
        }
    };
    if !(s.rate_per_day.is_finite() && s.rate_per_day >= 0.0) {
        cx.add(
            format!("{p}.rate_per_day"),
            format!("expected a rate ≥ 0 per day, got {}", s.rate_per_day),
        );
    }
    let mut profile = [1.0; 24];
    if let Some(w) = &s.daily_profile {
        if w.len() != 24 {
            cx.add(
                format!("{p}.daily_profile"),
                format!(
                    "expected 24 hourly weights (UTC hours 0..23), got {}",
                    w.len()
                ),
            );
        } else if w.iter().any(|x| !x.is_finite() || *x < 0.0) || w.iter().sum::<f64>() <= 0.0 {
            cx.add(
                format!("{p}.daily_profile"),
                "hourly weights must be finite, ≥ 0 and not all zero",
            );
        } else if !w.iter().sum::<f64>().is_finite() {
            cx.add(
                format!("{p}.daily_profile"),
                "the hourly weights add up to more than the largest number (infinity): use smaller weights, only their ratios matter",
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
            cx.add(
                format!("{ep}.bursts_per_year"),
                format!(
                    "expected 0 to 8760 bursts per year, got {}",
                    e.bursts_per_year
                ),
            );
        }
        if !(e.rate_multiplier.is_finite() && (1.0..=1_000.0).contains(&e.rate_multiplier)) {
            cx.add(
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
        cx.add(
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
            cx.add(
                format!("{mp}.1"),
                format!("weight must be finite and ≥ 0, got {w}"),
            );
            continue;
        }
        if let Some(t) = cx.resolve(&mp, "violation type", id, type_ids) {
            if types[t].domain != s.domain {
                cx.add(
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
        cx.add(format!("{p}.mix"), "mix weights must not all be zero");
    }
    if !total.is_finite() {
        cx.add(
            format!("{p}.mix"),
            "the mix weights add up to more than the largest number (infinity): use smaller weights, only their ratios matter",
        );
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
        rate_windows: Vec::new(),
        mix,
        lead_nation,
    }
}
