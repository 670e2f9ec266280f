//! `theatre.json`: what the plots and the report need from the scenario, so that they work
//! from a results directory alone.

use super::files::{BaseEntry, PerDomain, SectorShapeEntry, TheatreFile, ViolationTypeEntry};
use super::hex;
use crate::scenario::Scenario;

/// The content of `theatre.json`: what the plots need from the scenario (bases with the units
/// stationed per domain, sector geometry, response-time targets), so that `forceplan plot`
/// and `forceplan report` work from the results directory alone.
pub fn theatre(sc: &Scenario, scenario_file: &str) -> TheatreFile {
    use crate::geo::Geometry;
    use crate::scenario::UnitKind;
    let bases = sc
        .bases
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let mut units = [0u64; 3];
            let mut isr = 0u64;
            for c in sc.contingents.iter().filter(|c| c.base == i) {
                if c.kind == UnitKind::IsrDrone {
                    isr += u64::from(c.units);
                } else {
                    units[c.domain.index()] += u64::from(c.units);
                }
            }
            BaseEntry {
                id: b.id.clone(),
                name: b.name.clone(),
                lat: b.pos.lat,
                lon: b.pos.lon,
                kind: format!("{:?}", b.kind),
                units: PerDomain::from_array(units),
                isr_drones: isr,
            }
        })
        .collect();
    let sectors = sc
        .sectors
        .iter()
        .map(|s| {
            let (kind, points) = match &s.geometry {
                Geometry::Line { points, .. } => ("line", points),
                Geometry::Polygon { points, .. } => ("polygon", points),
            };
            SectorShapeEntry {
                id: s.id.clone(),
                name: s.name.clone(),
                domain: s.domain.key().into(),
                kind: kind.into(),
                points: points.iter().map(|p| [p.lon, p.lat]).collect(),
            }
        })
        .collect();
    let violation_types = sc
        .violation_types
        .iter()
        .map(|t| ViolationTypeEntry {
            id: t.id.clone(),
            name: t.name.clone(),
            domain: t.domain.key().into(),
            severity: t.severity.key().into(),
            target_h: t.response.as_ref().map(|r| r.target.hours()),
        })
        .collect();
    TheatreFile {
        forceplan_version: env!("CARGO_PKG_VERSION").into(),
        scenario: sc.name.clone(),
        scenario_file: scenario_file.into(),
        scenario_hash: hex(sc.source_hash),
        description: sc
            .description
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
        bases,
        sectors,
        violation_types,
    }
}
