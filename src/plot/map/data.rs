//! What the theatre map reads: the borders asset, bases, the violations of replication 0 and
//! the sample points of each sector that no radar, observation post or drone orbit watches.

use crate::error::{Error, Result};
use crate::report::files::TheatreFile;
use serde_json::Value;
use std::path::Path;

/// A number of the borders asset.
fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Natural Earth 1:50m countries clipped to lon 20..44, lat 40..54 (see
/// `scripts/theatre-borders.py`).
pub const BORDERS_JSON: &str = include_str!("../../../assets/theatre-borders.json");

/// Days of replication 0 whose violations are drawn (all of them when the horizon is shorter).
pub const MAP_DAYS: f64 = 30.0;

/// A base as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseMarker {
    /// Name.
    pub name: String,
    /// Position.
    pub lon: f64,
    /// Position.
    pub lat: f64,
    /// Responder units stationed per domain (air, sea, land).
    pub units: [u64; 3],
}

impl BaseMarker {
    /// All responder units stationed.
    pub fn total(&self) -> u64 {
        self.units.iter().sum()
    }
    /// Index of the domain with the most units (ties: air, sea, land order).
    pub fn domain(&self) -> usize {
        let mut best = 0;
        for d in 1..3 {
            if self.units[d] > self.units[best] {
                best = d;
            }
        }
        best
    }
}

/// A violation needing a response, as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct MapViolation {
    /// Position.
    pub lon: f64,
    /// Position.
    pub lat: f64,
    /// Whether a sensor detected it.
    pub detected: bool,
    /// Response time \[h\], if a unit arrived.
    pub response_h: Option<f64>,
}

/// The bases of `theatre.json`.
pub fn base_markers(theatre: &TheatreFile) -> Vec<BaseMarker> {
    theatre
        .bases
        .iter()
        .map(|b| BaseMarker {
            name: b.name.clone(),
            lon: b.lon,
            lat: b.lat,
            units: [b.units.air, b.units.sea, b.units.land],
        })
        .collect()
}

/// The violations needing a response in the first [`MAP_DAYS`] days of replication 0 of
/// `violations.csv` (the file is read only as far as replication 0 goes).
pub fn map_violations(path: &Path) -> Result<Vec<MapViolation>> {
    let file = std::fs::File::open(path).map_err(|io| Error::Read {
        path: path.to_path_buf(),
        io,
    })?;
    let bad = |e: csv::Error| Error::Internal(format!("{}: {e}", path.display()));
    let mut rd = csv::Reader::from_reader(std::io::BufReader::new(file));
    let h = rd.headers().map_err(bad)?.clone();
    let col = |n: &str| {
        h.iter()
            .position(|x| x == n)
            .ok_or_else(|| Error::Internal(format!("{}: no column {n}", path.display())))
    };
    let (rep, lat, lon, needs, occ, det, rt) = (
        col("replication")?,
        col("lat")?,
        col("lon")?,
        col("needs_response")?,
        col("occurred_h")?,
        col("detected_h")?,
        col("response_time_h")?,
    );
    let mut out = Vec::new();
    let mut rec = csv::StringRecord::new();
    while rd.read_record(&mut rec).map_err(bad)? {
        if &rec[rep] != "0" {
            break;
        }
        if &rec[needs] != "true" {
            continue;
        }
        let t: f64 = rec[occ].parse().unwrap_or(f64::INFINITY);
        if t >= MAP_DAYS * 24.0 {
            continue;
        }
        out.push(MapViolation {
            lon: rec[lon].parse().unwrap_or(f64::NAN),
            lat: rec[lat].parse().unwrap_or(f64::NAN),
            detected: !rec[det].is_empty(),
            response_h: rec[rt].parse().ok(),
        });
    }
    Ok(out)
}

/// A polyline or ring of (lon, lat) points.
pub type Line = Vec<(f64, f64)>;

/// Coastlines, borders and land polygons.
#[derive(Debug, Clone, Default)]
pub struct Borders {
    /// Country polygons: (name, rings of (lon, lat)).
    pub land: Vec<(String, Vec<Line>)>,
    /// Coastline polylines.
    pub coast: Vec<Vec<(f64, f64)>>,
    /// Land border polylines.
    pub borders: Vec<Vec<(f64, f64)>>,
}

fn lines(v: &Value) -> Vec<Vec<(f64, f64)>> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|l| {
            l.as_array()
                .into_iter()
                .flatten()
                .map(|p| (num(&p[0]), num(&p[1])))
                .collect()
        })
        .collect()
}

/// Parses the shipped borders asset.
pub fn borders() -> Borders {
    let v: Value = serde_json::from_str(BORDERS_JSON).unwrap_or(Value::Null);
    Borders {
        land: v["land"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                (
                    c["name"].as_str().unwrap_or("").to_string(),
                    lines(&c["rings"]),
                )
            })
            .collect(),
        coast: lines(&v["coast"]),
        borders: lines(&v["borders"]),
    }
}

pub use crate::report::coverage::{
    GRID_STEP_DEG, LINE_STEP_KM, drones_per_sector, in_sensor_range, sample_points,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borders_asset_is_the_theatre() {
        let b = borders();
        let names: Vec<&str> = b.land.iter().map(|(n, _)| n.as_str()).collect();
        for n in [
            "Ukraine", "Russia", "Romania", "Moldova", "Turkey", "Poland",
        ] {
            assert!(names.contains(&n), "{n} in {names:?}");
        }
        assert!(b.coast.len() > 5 && b.borders.len() > 10);
        let all = b
            .coast
            .iter()
            .chain(&b.borders)
            .flatten()
            .chain(b.land.iter().flat_map(|(_, r)| r.iter().flatten()));
        for (lon, lat) in all {
            assert!((19.0..=45.0).contains(lon) && (39.0..=55.0).contains(lat));
        }
    }
}
