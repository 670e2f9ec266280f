//! Positions on the Earth and the geometry of sectors.
//!
//! Distances are great-circle (haversine on a sphere of the WGS84 mean radius): the error
//! against the ellipsoid is below 0.5 %, far inside the uncertainty of route factors.

use rand::RngExt;

/// Mean Earth radius \[km\] (IUGG mean of WGS84).
pub const EARTH_RADIUS_KM: f64 = 6_371.008_8;

/// A position \[deg\], WGS84.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
pub struct LatLon {
    /// Latitude \[deg\].
    pub lat: f64,
    /// Longitude \[deg\].
    pub lon: f64,
}

impl LatLon {
    /// A position from latitude and longitude \[deg\].
    pub const fn new(lat: f64, lon: f64) -> Self {
        LatLon { lat, lon }
    }

    /// Great-circle distance \[km\].
    pub fn distance_km(self, other: LatLon) -> f64 {
        let (p1, p2) = (self.lat.to_radians(), other.lat.to_radians());
        let dp = p2 - p1;
        let dl = (other.lon - self.lon).to_radians();
        let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
        2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
    }
}

/// Where in a sector violations occur.
#[derive(Debug, Clone)]
pub enum Geometry {
    /// Along a polyline; `cumulative_km[i]` is the length from the start to vertex `i`.
    Line {
        /// Vertices.
        points: Vec<LatLon>,
        /// Cumulative length at each vertex \[km\].
        cumulative_km: Vec<f64>,
    },
    /// Inside a polygon (vertices in order, not closed).
    Polygon {
        /// Vertices.
        points: Vec<LatLon>,
        /// Bounding box: (min lat, min lon, max lat, max lon) \[deg\].
        bbox: (f64, f64, f64, f64),
    },
}

impl Geometry {
    /// A polyline sector.
    pub fn line(points: Vec<LatLon>) -> Self {
        let mut cumulative_km = Vec::with_capacity(points.len());
        let mut total = 0.0;
        for (i, p) in points.iter().enumerate() {
            if i > 0 {
                total += points[i - 1].distance_km(*p);
            }
            cumulative_km.push(total);
        }
        Geometry::Line {
            points,
            cumulative_km,
        }
    }

    /// A polygon sector.
    pub fn polygon(points: Vec<LatLon>) -> Self {
        let bbox = bbox(&points);
        Geometry::Polygon { points, bbox }
    }

    /// The vertices.
    pub fn points(&self) -> &[LatLon] {
        match self {
            Geometry::Line { points, .. } | Geometry::Polygon { points, .. } => points,
        }
    }

    /// Length of a line \[km\], or 0 for a polygon.
    pub fn length_km(&self) -> f64 {
        match self {
            Geometry::Line { cumulative_km, .. } => *cumulative_km.last().unwrap_or(&0.0),
            Geometry::Polygon { .. } => 0.0,
        }
    }

    /// Approximate area of a polygon \[km²\] (equirectangular projection), 0 for a line.
    pub fn area_km2(&self) -> f64 {
        match self {
            Geometry::Line { .. } => 0.0,
            Geometry::Polygon { points, .. } => {
                let lat0 = points.iter().map(|p| p.lat).sum::<f64>() / points.len() as f64;
                let kx = EARTH_RADIUS_KM * lat0.to_radians().cos() * std::f64::consts::PI / 180.0;
                let ky = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;
                let mut s = 0.0;
                for i in 0..points.len() {
                    let a = points[i];
                    let b = points[(i + 1) % points.len()];
                    s += (a.lon * kx) * (b.lat * ky) - (b.lon * kx) * (a.lat * ky);
                }
                (s / 2.0).abs()
            }
        }
    }

    /// A representative point: the middle of a line by length, the vertex mean of a polygon.
    pub fn centroid(&self) -> LatLon {
        match self {
            Geometry::Line { .. } => self.point_at_fraction(0.5),
            Geometry::Polygon { points, .. } => {
                let n = points.len() as f64;
                LatLon::new(
                    points.iter().map(|p| p.lat).sum::<f64>() / n,
                    points.iter().map(|p| p.lon).sum::<f64>() / n,
                )
            }
        }
    }

    /// Bounding box (min lat, min lon, max lat, max lon) \[deg\].
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        match self {
            Geometry::Line { points, .. } => bbox(points),
            Geometry::Polygon { bbox, .. } => *bbox,
        }
    }

    /// The point at fraction `f` ∈ [0, 1] of a line's length (linear between vertices).
    fn point_at_fraction(&self, f: f64) -> LatLon {
        match self {
            Geometry::Line {
                points,
                cumulative_km,
            } => {
                let total = *cumulative_km.last().unwrap_or(&0.0);
                if points.len() < 2 || total <= 0.0 {
                    return points[0];
                }
                let target = f.clamp(0.0, 1.0) * total;
                // First vertex whose cumulative length reaches the target.
                let i = cumulative_km
                    .partition_point(|&c| c < target)
                    .clamp(1, points.len() - 1);
                let seg = cumulative_km[i] - cumulative_km[i - 1];
                let t = if seg > 0.0 {
                    (target - cumulative_km[i - 1]) / seg
                } else {
                    0.0
                };
                let (a, b) = (points[i - 1], points[i]);
                LatLon::new(a.lat + t * (b.lat - a.lat), a.lon + t * (b.lon - a.lon))
            }
            Geometry::Polygon { .. } => self.centroid(),
        }
    }

    /// Whether a point is inside a polygon (ray casting in lon/lat); false for a line.
    pub fn contains(&self, p: LatLon) -> bool {
        match self {
            Geometry::Line { .. } => false,
            Geometry::Polygon { points, .. } => {
                let mut inside = false;
                let mut j = points.len() - 1;
                for i in 0..points.len() {
                    let (a, b) = (points[i], points[j]);
                    if (a.lat > p.lat) != (b.lat > p.lat)
                        && p.lon < (b.lon - a.lon) * (p.lat - a.lat) / (b.lat - a.lat) + a.lon
                    {
                        inside = !inside;
                    }
                    j = i;
                }
                inside
            }
        }
    }

    /// A uniformly random point of the sector: by length along a line, by area (in lon/lat,
    /// by rejection from the bounding box) inside a polygon.
    pub fn sample<R: RngExt + ?Sized>(&self, rng: &mut R) -> LatLon {
        match self {
            Geometry::Line { .. } => self.point_at_fraction(rng.random::<f64>()),
            Geometry::Polygon { bbox, .. } => {
                // Validation refuses polygons that fill less than 1 % of their bounding box,
                // so 10,000 tries fail with probability below 0.99^10000 ≈ 2e-44.
                for _ in 0..10_000 {
                    let p = LatLon::new(
                        bbox.0 + rng.random::<f64>() * (bbox.2 - bbox.0),
                        bbox.1 + rng.random::<f64>() * (bbox.3 - bbox.1),
                    );
                    if self.contains(p) {
                        return p;
                    }
                }
                self.centroid()
            }
        }
    }

    /// Smallest distance \[km\] from `p` to the sector (0 inside a polygon); exact to a few
    /// km for sectors of a few hundred km, which is what sensor range checks need.
    pub fn distance_km(&self, p: LatLon) -> f64 {
        if self.contains(p) {
            return 0.0;
        }
        let pts = self.points();
        let closed = matches!(self, Geometry::Polygon { .. });
        let n = pts.len();
        let segs = if closed { n } else { n.saturating_sub(1) };
        if segs == 0 {
            return p.distance_km(pts[0]);
        }
        let mut best = f64::INFINITY;
        for i in 0..segs {
            best = best.min(segment_distance_km(p, pts[i], pts[(i + 1) % n]));
        }
        best
    }
}

/// Distance \[km\] from `p` to the segment `a`–`b` in a local equirectangular projection.
fn segment_distance_km(p: LatLon, a: LatLon, b: LatLon) -> f64 {
    let kx = p.lat.to_radians().cos();
    let (ax, ay) = ((a.lon - p.lon) * kx, a.lat - p.lat);
    let (bx, by) = ((b.lon - p.lon) * kx, b.lat - p.lat);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (cx, cy) = (ax + t * dx, ay + t * dy);
    let q = LatLon::new(p.lat + cy, p.lon + cx / kx);
    p.distance_km(q)
}

fn bbox(points: &[LatLon]) -> (f64, f64, f64, f64) {
    points.iter().fold(
        (
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ),
        |b, p| {
            (
                b.0.min(p.lat),
                b.1.min(p.lon),
                b.2.max(p.lat),
                b.3.max(p.lon),
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn known_city_distances() {
        // Kyiv – Dnipro ≈ 391 km, Odesa – Constanța ≈ 300 km (great circle).
        let kyiv = LatLon::new(50.4501, 30.5234);
        let dnipro = LatLon::new(48.4647, 35.0462);
        let odesa = LatLon::new(46.4825, 30.7233);
        let constanta = LatLon::new(44.1598, 28.6348);
        assert!((kyiv.distance_km(dnipro) - 391.0).abs() < 5.0);
        assert!((odesa.distance_km(constanta) - 306.0).abs() < 8.0);
        assert_eq!(kyiv.distance_km(kyiv), 0.0);
    }

    #[test]
    fn line_samples_lie_on_the_line_and_polygon_samples_inside() {
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(1);
        let line = Geometry::line(vec![LatLon::new(48.0, 35.0), LatLon::new(48.0, 37.0)]);
        let poly = Geometry::polygon(vec![
            LatLon::new(44.0, 30.0),
            LatLon::new(44.0, 32.0),
            LatLon::new(45.0, 32.0),
            LatLon::new(45.0, 30.0),
        ]);
        for _ in 0..1000 {
            let p = line.sample(&mut rng);
            assert!((p.lat - 48.0).abs() < 1e-9 && (35.0..=37.0).contains(&p.lon));
            assert!(line.distance_km(p) < 0.5);
            let q = poly.sample(&mut rng);
            assert!(poly.contains(q));
            assert_eq!(poly.distance_km(q), 0.0);
        }
        assert!((line.length_km() - 148.9).abs() < 1.0);
        // 1° lat × 2° lon at 44.5°N ≈ 111.2 × 158.6 km.
        assert!((poly.area_km2() - 111.2 * 158.6).abs() < 300.0);
        assert!((poly.distance_km(LatLon::new(46.0, 31.0)) - 111.2).abs() < 1.0);
    }
}
