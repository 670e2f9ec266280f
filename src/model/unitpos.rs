//! A violation's position as a unit vector without libm's trigonometry: each sector keeps
//! the sines and cosines of a reference point (its bounding box's centre), and a position's
//! small offsets from it go through short Taylor polynomials and the angle-addition
//! formulas. Two `sin_cos` calls were about 4 % of a replication; the vector differs from
//! [`LatLon::unit`]'s by a few units in the last place, which moves a range check's
//! boundary by well under a micrometre.

use crate::geo::{LatLon, UnitVec};

/// Offsets up to this \[rad\] (about 20°) go through the polynomials; beyond, libm.
const MAX_OFFSET_RAD: f64 = 0.35;

/// `(sin x, cos x)` for |x| ≤ [`MAX_OFFSET_RAD`]: Taylor series to x¹³ and x¹⁴, whose next
/// terms are below 10⁻¹⁹ relative there.
#[inline]
fn small_sin_cos(x: f64) -> (f64, f64) {
    let x2 = x * x;
    // Horner's scheme in x².
    let s = 1.0
        - x2 * (1.0 / 6.0)
            * (1.0
                - x2 * (1.0 / 20.0)
                    * (1.0
                        - x2 * (1.0 / 42.0)
                            * (1.0
                                - x2 * (1.0 / 72.0)
                                    * (1.0 - x2 * (1.0 / 110.0) * (1.0 - x2 * (1.0 / 156.0))))));
    let c = 1.0
        - x2 * (1.0 / 2.0)
            * (1.0
                - x2 * (1.0 / 12.0)
                    * (1.0
                        - x2 * (1.0 / 30.0)
                            * (1.0
                                - x2 * (1.0 / 56.0)
                                    * (1.0
                                        - x2 * (1.0 / 90.0)
                                            * (1.0
                                                - x2 * (1.0 / 132.0)
                                                    * (1.0 - x2 * (1.0 / 182.0)))))));
    (x * s, c)
}

/// `(sin, cos)` of `to − from` \[rad\] given those of `from`: the polynomials for a small
/// offset, libm otherwise.
#[inline]
fn sin_cos_from(to: f64, from: f64, (sin_from, cos_from): (f64, f64)) -> (f64, f64) {
    let d = to - from;
    if d.abs() > MAX_OFFSET_RAD {
        return to.sin_cos();
    }
    let (sd, cd) = small_sin_cos(d);
    (sin_from * cd + cos_from * sd, cos_from * cd - sin_from * sd)
}

/// A sector's reference point for [`UnitFrame::unit`].
#[derive(Debug, Clone, Copy)]
pub(super) struct UnitFrame {
    lat_rad: f64,
    lon_rad: f64,
    lat_sin_cos: (f64, f64),
    lon_sin_cos: (f64, f64),
}

impl UnitFrame {
    /// The frame of positions near `centre`.
    pub(super) fn new(centre: LatLon) -> Self {
        let (lat_rad, lon_rad) = (centre.lat.to_radians(), centre.lon.to_radians());
        UnitFrame {
            lat_rad,
            lon_rad,
            lat_sin_cos: lat_rad.sin_cos(),
            lon_sin_cos: lon_rad.sin_cos(),
        }
    }

    /// The unit vector of `pos`, as [`LatLon::unit`] to a few units in the last place.
    #[inline]
    pub(super) fn unit(&self, pos: LatLon) -> UnitVec {
        let (sin_lat, cos_lat) = sin_cos_from(pos.lat.to_radians(), self.lat_rad, self.lat_sin_cos);
        let (sin_lon, cos_lon) = sin_cos_from(pos.lon.to_radians(), self.lon_rad, self.lon_sin_cos);
        UnitVec {
            x: cos_lat * cos_lon,
            y: cos_lat * sin_lon,
            z: sin_lat,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::cos_of_km;

    #[test]
    fn small_offsets_agree_with_libm() {
        let mut worst = 0f64;
        for i in -3500..=3500 {
            let x = f64::from(i) * 1e-4;
            let (s, c) = small_sin_cos(x);
            let (ls, lc) = x.sin_cos();
            worst = worst.max((s - ls).abs()).max((c - lc).abs());
        }
        assert!(worst <= 4.0 * f64::EPSILON, "worst error {worst:e}");
    }

    #[test]
    fn frame_vectors_agree_with_libm_near_and_far() {
        let frame = UnitFrame::new(LatLon::new(48.3, 35.7));
        let mut worst = 0f64;
        // Near the centre (polynomials) and beyond 20° (libm), both signs.
        for (dlat, dlon) in [
            (0.0, 0.0),
            (2.5, -3.1),
            (-7.9, 9.4),
            (19.0, -19.5),
            (25.0, 40.0),
        ] {
            for k in 0..50 {
                let f = f64::from(k) / 49.0;
                let p = LatLon::new(48.3 + f * dlat, 35.7 + f * dlon);
                let (a, b) = (frame.unit(p), p.unit());
                worst = worst
                    .max((a.x - b.x).abs())
                    .max((a.y - b.y).abs())
                    .max((a.z - b.z).abs());
            }
        }
        assert!(worst <= 8.0 * f64::EPSILON, "worst error {worst:e}");
        // A range check a metre either side of its boundary gives the same answer.
        let sensor = LatLon::new(48.0, 35.0);
        for km in [5.0, 40.0, 300.0] {
            let (inside, outside) = (km / 111.2 - 1e-5, km / 111.2 + 1e-5);
            for (d, expect) in [(inside, true), (outside, false)] {
                let p = LatLon::new(48.0 + d, 35.0);
                let cos_range = cos_of_km(sensor.distance_km(LatLon::new(48.0 + km / 111.2, 35.0)));
                assert_eq!(
                    sensor.unit().within(frame.unit(p), cos_range),
                    expect,
                    "{km} km, {d}"
                );
                assert_eq!(
                    sensor.unit().within(p.unit(), cos_range),
                    expect,
                    "{km} km, {d}"
                );
            }
        }
    }
}
