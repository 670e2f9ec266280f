//! The force: contributing nations and their caveats, bases, and contingents of units.

use super::super::problems::Problems;
use super::super::raw::*;
use super::super::*;
use super::MAX_UNITS;
use std::collections::HashMap;

/// Validates the nations, resolving caveats that name violation types or sectors.
pub(super) fn nations(
    cx: &mut Problems,
    raw: &RawScenario,
    type_ids: &HashMap<&str, usize>,
    sector_ids: &HashMap<&str, usize>,
) -> Vec<Nation> {
    raw.nations.iter().enumerate().map(|(i, n)| {
        let p = format!("nations[{i}]");
        if !(n.code.len() == 3 && n.code.bytes().all(|b| b.is_ascii_uppercase())) {
            cx.add(format!("{p}.code"), format!("expected an ISO 3166-1 alpha-3 code (three capital letters, e.g. \"POL\"), got \"{}\"", n.code));
        }
        let approval = n.approval_delay.as_ref().map_or(Dist::ZERO, |d| cx.dist(&format!("{p}.approval_delay"), d));
        let mut caveats = Caveats::default();
        for (k, c) in n.caveats.iter().enumerate() {
            let cp = format!("{p}.caveats[{k}]");
            match c {
                RawCaveat::NoDomain(d) => caveats.domains = caveats.domains.with(*d),
                RawCaveat::NoCapability(c) => caveats.capabilities = caveats.capabilities.with(*c),
                RawCaveat::NoViolationType(t) => {
                    if let Some(t) = cx.resolve(&cp, "violation type", t, type_ids) {
                        caveats.violation_types.push(t);
                    }
                }
                RawCaveat::NoSector(s) => {
                    if let Some(s) = cx.resolve(&cp, "sector", s, sector_ids) {
                        caveats.sectors.push(s);
                    }
                }
            }
        }
        Nation { code: n.code.clone(), name: n.name.clone(), approval_delay: approval, caveats }
    }).collect()
}

/// Validates the bases.
pub(super) fn bases(cx: &mut Problems, raw: &RawScenario) -> Vec<Base> {
    raw.bases
        .iter()
        .enumerate()
        .map(|(i, b)| Base {
            id: b.id.clone(),
            name: b.name.clone(),
            pos: cx.pos(&format!("bases[{i}].at"), b.at),
            kind: b.kind,
        })
        .collect()
}

/// Validates contingent `i`.
#[allow(
    clippy::too_many_arguments,
    reason = "each argument is one part of the raw input this check reads; a struct of them would only be built here"
)]
pub(super) fn contingent(
    cx: &mut Problems,
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
        cx.add(
            format!("{p}.units"),
            format!("{} units exceed the limit of {MAX_UNITS}", c.units),
        );
    }
    let endurance = c.endurance.map(|e| {
        let s = cx.duration(&format!("{p}.endurance"), e);
        if s <= 0.0 {
            cx.add(format!("{p}.endurance"), "endurance must be > 0");
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
            cx.add(format!("{ip}.sectors"), "an ISR tasking needs at least one sector");
        }
        let list: Vec<usize> = isr.sectors.iter().enumerate().filter_map(|(k, s)| cx.resolve(&format!("{ip}.sectors[{k}]"), "sector", s, sector_ids)).collect();
        match (endurance, base) {
            (None, _) => cx.add(format!("{p}.endurance"), "ISR drones need an endurance, e.g. endurance: Some(Hours(24))"),
            (Some(e), Some(b)) => {
                for (k, &s) in list.iter().enumerate() {
                    let km = bases[b].pos.distance_km(sectors[s].geometry.centroid()) * command.route_factor(c.domain);
                    let round_trip_h = 2.0 * km / speed_kmh;
                    if round_trip_h >= e.hours() {
                        cx.add(format!("{ip}.sectors[{k}]"), format!("sector \"{}\" is {km:.0} km from base \"{}\": the round trip of {round_trip_h:.1} h leaves no time on station within an endurance of {:.1} h", sectors[s].id, bases[b].id, e.hours()));
                    }
                }
            }
            _ => {}
        }
        let min_cycle = endurance.map_or(0.0, |e| e.secs() as f64) + turnaround.mean_secs();
        if endurance.is_some() && min_cycle < 600.0 {
            cx.add(format!("{p}.endurance"), "endurance plus turnaround must be at least Minutes(10) for an ISR orbit");
        }
        Isr {
            sectors: list,
            detection_probability: cx.probability(&format!("{ip}.detection_probability"), isr.detection_probability),
            reporting: cx.dist(&format!("{ip}.reporting_delay"), &isr.reporting_delay),
        }
    });
    if c.kind == UnitKind::IsrDrone && c.isr.is_none() {
        cx.add(format!("{p}.isr"), "an IsrDrone contingent needs an ISR tasking: isr: Some((sectors: [...], detection_probability: ..., reporting_delay: ...))");
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
        notice_to_move: cx.dist(&format!("{p}.notice_to_move"), &c.notice_to_move),
        capabilities: caps,
        endurance,
        turnaround,
        isr,
    }
}
