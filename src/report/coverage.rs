//! ISR coverage of each sector, from `theatre.json` alone: the share of its area (sample
//! points along a land line, a grid inside a sea or air polygon) that no radar or
//! observation post of its domain has in range, the drones that orbit it and the satellites
//! that pass over it. The theatre map draws the unwatched points; the findings name the
//! sectors part of whose area nothing but satellite passes watches.

use super::files::{SensorEntry, TheatreFile};
use crate::geo::LatLon;

/// Spacing of the sample points along a land sector's line \[km\].
pub const LINE_STEP_KM: f64 = 5.0;

/// Spacing of the sample grid inside a sea or air sector \[deg\].
pub const GRID_STEP_DEG: f64 = 0.1;

/// Sample points of a sector: every [`LINE_STEP_KM`] along a line (vertices included), or a
/// [`GRID_STEP_DEG`] grid inside a polygon (cell centres), as (lon, lat).
pub fn sample_points(polygon: bool, points: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let ll = |p: (f64, f64)| LatLon::new(p.1, p.0);
    let mut out = Vec::new();
    if !polygon {
        for w in points.windows(2) {
            let d = ll(w[0]).distance_km(ll(w[1]));
            let n = (d / LINE_STEP_KM).ceil().max(1.0) as usize;
            for k in 0..n {
                let f = k as f64 / n as f64;
                out.push((
                    w[0].0 + f * (w[1].0 - w[0].0),
                    w[0].1 + f * (w[1].1 - w[0].1),
                ));
            }
        }
        out.extend(points.last().copied());
        return out;
    }
    if points.len() < 3 {
        return out;
    }
    let g = crate::geo::Geometry::polygon(points.iter().map(|&p| ll(p)).collect());
    let (lon0, lat0) = points.iter().fold((f64::INFINITY, f64::INFINITY), |a, p| {
        (a.0.min(p.0), a.1.min(p.1))
    });
    let (lon1, lat1) = points
        .iter()
        .fold((f64::NEG_INFINITY, f64::NEG_INFINITY), |a, p| {
            (a.0.max(p.0), a.1.max(p.1))
        });
    let (nx, ny) = (
        ((lon1 - lon0) / GRID_STEP_DEG).ceil() as usize,
        ((lat1 - lat0) / GRID_STEP_DEG).ceil() as usize,
    );
    for i in 0..nx.min(2000) {
        for j in 0..ny.min(2000) {
            let p = (
                lon0 + (i as f64 + 0.5) * GRID_STEP_DEG,
                lat0 + (j as f64 + 0.5) * GRID_STEP_DEG,
            );
            if g.contains(ll(p)) {
                out.push(p);
            }
        }
    }
    out
}

/// Whether a radar or observation post that sees `domain` has `p` (lon, lat) in range.
pub fn in_sensor_range(p: (f64, f64), domain: &str, sensors: &[SensorEntry]) -> bool {
    let at = LatLon::new(p.1, p.0);
    sensors.iter().any(|s| {
        s.domains.iter().any(|d| d == domain)
            && LatLon::new(s.lat, s.lon).distance_km(at) <= s.range_km
    })
}

/// Drones orbiting each sector of `theatre`, in sector order.
pub fn drones_per_sector(theatre: &TheatreFile) -> Vec<u64> {
    theatre
        .sectors
        .iter()
        .map(|s| {
            theatre
                .drone_fleets
                .iter()
                .flat_map(|f| f.sectors.iter().zip(&f.drones_per_sector))
                .filter(|(id, _)| **id == s.id)
                .map(|(_, n)| *n)
                .sum()
        })
        .collect()
}

/// What watches one sector.
#[derive(Debug, Clone, PartialEq)]
pub struct SectorCoverage {
    /// Sector id.
    pub id: String,
    /// Share of its sample points that no radar or observation post of its domain has in
    /// range (NaN when it has no sample points).
    pub unwatched_share: f64,
    /// ISR drones orbiting it (their time on station is a KPI of the run).
    pub drones: u64,
    /// The shortest revisit of the satellites that pass over it \[h\], if any does.
    pub satellite_revisit_h: Option<f64>,
}

/// The coverage of every sector of `theatre`, in sector order.
pub fn sector_coverage(theatre: &TheatreFile) -> Vec<SectorCoverage> {
    let drones = drones_per_sector(theatre);
    theatre
        .sectors
        .iter()
        .zip(drones)
        .map(|(s, drones)| {
            let points: Vec<(f64, f64)> = s.points.iter().map(|p| (p[0], p[1])).collect();
            let samples = sample_points(s.kind == "polygon", &points);
            let unwatched = samples
                .iter()
                .filter(|p| !in_sensor_range(**p, &s.domain, &theatre.sensors))
                .count();
            SectorCoverage {
                id: s.id.clone(),
                unwatched_share: if samples.is_empty() {
                    f64::NAN
                } else {
                    unwatched as f64 / samples.len() as f64
                },
                drones,
                satellite_revisit_h: theatre
                    .satellites
                    .iter()
                    .filter(|x| x.sectors.contains(&s.id))
                    .map(|x| x.revisit_h)
                    .min_by(f64::total_cmp),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_follow_lines_and_fill_polygons() {
        // About 111 km of meridian: 23 points 5 km apart (vertices included).
        let line = sample_points(false, &[(33.0, 46.0), (33.0, 47.0)]);
        assert_eq!(line.len(), 24);
        assert_eq!(line.first(), Some(&(33.0, 46.0)));
        assert_eq!(line.last(), Some(&(33.0, 47.0)));
        // A 1° square holds 10 × 10 cell centres.
        let sq = sample_points(
            true,
            &[(30.0, 44.0), (31.0, 44.0), (31.0, 45.0), (30.0, 45.0)],
        );
        assert_eq!(sq.len(), 100);
        let s = SensorEntry {
            id: "r".into(),
            nation: "X".into(),
            kind: "radar".into(),
            lat: 44.5,
            lon: 30.5,
            range_km: 20.0,
            domains: vec!["sea".into()],
        };
        assert!(in_sensor_range(
            (30.5, 44.55),
            "sea",
            std::slice::from_ref(&s)
        ));
        assert!(!in_sensor_range(
            (30.5, 44.55),
            "air",
            std::slice::from_ref(&s)
        ));
        assert!(!in_sensor_range((30.9, 44.5), "sea", &[s]));
    }
}
