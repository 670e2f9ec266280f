//! The value checks every part of a scenario shares: durations, distributions,
//! probabilities, positions, and ids with their references.

use super::super::problems::Problems;
use super::super::raw::*;
use super::MAX_HORIZON_DAYS;
use crate::dist::Dist;
use crate::geo::LatLon;
use std::collections::HashMap;

/// Seconds per day, for rates and horizons in days.
const DAY_S: f64 = crate::time::DAY.0 as f64;

impl Problems {
    pub(super) fn duration(&mut self, path: &str, d: RawDuration) -> f64 {
        let s = d.seconds();
        if !s.is_finite() || s < 0.0 {
            self.add(
                path,
                format!("duration must be a finite number ≥ 0, got {d:?}"),
            );
            return 0.0;
        }
        if s > MAX_HORIZON_DAYS * DAY_S {
            self.add(
                path,
                format!("duration {d:?} exceeds {MAX_HORIZON_DAYS} days"),
            );
            return 0.0;
        }
        s
    }

    pub(super) fn dist(&mut self, path: &str, d: &RawDist) -> Dist {
        let before = self.len();
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
                    self.add(
                        path,
                        format!("Uniform needs min ≤ max, got {min:?} > {max:?}"),
                    );
                }
                Dist::Uniform { min: a, max: b }
            }
            RawDist::Exponential { mean } => {
                let m = self.duration(&format!("{path}.mean"), *mean);
                if m <= 0.0 {
                    self.add(
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
                    self.add(path, "Triangular needs min ≤ mode ≤ max");
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
                    self.add(path, "LogNormal needs 0 < median < p90");
                    Dist::ZERO
                } else if (p / m).ln() / 1.2816 > 3.0 {
                    self.add(
                        path,
                        "LogNormal p90 is more than 47× the median: use a narrower spread",
                    );
                    Dist::ZERO
                } else {
                    Dist::lognormal_from_median_p90(m, p)
                }
            }
        };
        if self.len() > before { Dist::ZERO } else { out }
    }

    pub(super) fn probability(&mut self, path: &str, p: f64) -> f64 {
        if !(0.0..=1.0).contains(&p) {
            self.add(path, format!("probability must be in [0, 1], got {p}"));
            return 0.0;
        }
        p
    }

    pub(super) fn positive(&mut self, path: &str, x: f64, max: f64, unit: &str) -> f64 {
        if !(x.is_finite() && x > 0.0 && x <= max) {
            self.add(
                path,
                format!("expected a number in (0, {max}] {unit}, got {x}"),
            );
            return 1.0;
        }
        x
    }

    pub(super) fn pos(&mut self, path: &str, p: RawLatLon) -> LatLon {
        if !(p.lat.is_finite() && (-90.0..=90.0).contains(&p.lat)) {
            self.add(
                format!("{path}.lat"),
                format!("latitude must be in [-90, 90] degrees, got {}", p.lat),
            );
        }
        if !(p.lon.is_finite() && (-180.0..=180.0).contains(&p.lon)) {
            self.add(
                format!("{path}.lon"),
                format!("longitude must be in [-180, 180] degrees, got {}", p.lon),
            );
        }
        LatLon::new(p.lat, p.lon)
    }

    /// Builds an id → index map, reporting duplicates and empty ids.
    pub(super) fn ids<'a>(
        &mut self,
        what: &str,
        items: impl Iterator<Item = (String, &'a str)>,
    ) -> HashMap<&'a str, usize> {
        let mut map = HashMap::new();
        for (i, (path, id)) in items.enumerate() {
            if id.trim().is_empty() {
                self.add(path, format!("{what} id must not be empty"));
            } else if map.insert(id, i).is_some() {
                self.add(
                    path,
                    format!("duplicate {what} id \"{id}\"; ids must be unique"),
                );
            }
        }
        map
    }

    pub(super) fn resolve(
        &mut self,
        path: &str,
        what: &str,
        id: &str,
        map: &HashMap<&str, usize>,
    ) -> Option<usize> {
        match map.get(id) {
            Some(&i) => Some(i),
            None => {
                self.add(
                    path,
                    format!("unknown {what} \"{id}\"; expected one of: {}", known(map)),
                );
                None
            }
        }
    }
}

/// The known ids of a map, sorted, shortened past 25.
pub(super) fn known(map: &HashMap<&str, usize>) -> String {
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
