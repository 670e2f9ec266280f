//! `theatre.json`: what the plots and the report need from the scenario, so that they work
//! from a results directory alone.

use super::files::{
    BaseEntry, DroneFleetEntry, EscalationWindowEntry, PerDomain, SatelliteEntry, SectorShapeEntry,
    SensorEntry, TheatreFile, ViolationTypeEntry,
};
use super::hex;
use crate::scenario::Scenario;

/// The content of `theatre.json`: what the plots need from the scenario (bases with the units
/// stationed per domain, sector geometry, response-time targets, sensors with their ranges and
/// the sectors the drone fleets orbit), so that `forceplan plot` and `forceplan report` work
/// from the results directory alone.
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
    let nation = |i: usize| sc.nations[i].code.clone();
    let sector_ids = |v: &[usize]| v.iter().map(|&k| sc.sectors[k].id.clone()).collect();
    let sensors = sc
        .fixed_sensors
        .iter()
        .map(|f| SensorEntry {
            id: f.id.clone(),
            nation: nation(f.nation),
            kind: match f.kind {
                crate::scenario::FixedSensorKind::Radar => "radar",
                crate::scenario::FixedSensorKind::ObservationPost => "observation-post",
            }
            .into(),
            lat: f.pos.lat,
            lon: f.pos.lon,
            range_km: f.range_km,
            domains: crate::scenario::Domain::ALL
                .iter()
                .filter(|d| f.domains.contains(**d))
                .map(|d| d.key().to_string())
                .collect(),
        })
        .collect();
    let satellites = sc
        .satellites
        .iter()
        .map(|s| SatelliteEntry {
            id: s.id.clone(),
            nation: nation(s.nation),
            sectors: sector_ids(&s.sectors),
            revisit_h: s.revisit.hours(),
        })
        .collect();
    let drone_fleets = sc
        .contingents
        .iter()
        .filter_map(|c| {
            let isr = c.isr.as_ref()?;
            let n = isr.sectors.len() as u64;
            let units = u64::from(c.units);
            Some(DroneFleetEntry {
                id: c.id.clone(),
                nation: nation(c.nation),
                base: sc.bases[c.base].id.clone(),
                units,
                sectors: sector_ids(&isr.sectors),
                // Drone k orbits sectors[k % n]: slot j gets ceil((units - j) / n) drones.
                drones_per_sector: (0..n)
                    .map(|j| units.saturating_sub(j).div_ceil(n))
                    .collect(),
                endurance_h: c.endurance.map_or(0.0, |e| e.hours()),
            })
        })
        .collect();
    let mut escalations: Vec<EscalationWindowEntry> = Vec::new();
    for s in &sc.sectors {
        for w in &s.rate_windows {
            let (from_h, until_h) = (w.from.hours(), w.until.hours());
            match escalations.iter_mut().find(|e| {
                e.from_h == from_h && e.until_h == until_h && e.rate_multiplier == w.multiplier
            }) {
                Some(e) => e.sectors.push(s.id.clone()),
                None => escalations.push(EscalationWindowEntry {
                    sectors: vec![s.id.clone()],
                    from_h,
                    until_h,
                    rate_multiplier: w.multiplier,
                }),
            }
        }
    }
    escalations.sort_by(|a, b| {
        a.from_h
            .total_cmp(&b.from_h)
            .then(a.until_h.total_cmp(&b.until_h))
    });
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
        sensors,
        satellites,
        drone_fleets,
        escalations,
    }
}
