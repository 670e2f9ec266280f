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

    /// The position as a unit vector from the Earth's centre, for range checks by dot
    /// product ([`UnitVec::within`]).
    #[inline]
    pub fn unit(self) -> UnitVec {
        let (sin_lat, cos_lat) = self.lat.to_radians().sin_cos();
        let (sin_lon, cos_lon) = self.lon.to_radians().sin_cos();
        UnitVec {
            x: cos_lat * cos_lon,
            y: cos_lat * sin_lon,
            z: sin_lat,
        }
    }
}

/// A position on the sphere as a unit vector: two positions lie within a great-circle
/// distance `d` of each other when the dot product of their vectors is at least
/// `cos(d / R)`, one multiply-add per axis instead of the haversine's trigonometry.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UnitVec {
    /// Towards (0° N, 0° E).
    pub x: f64,
    /// Towards (0° N, 90° E).
    pub y: f64,
    /// Towards the North Pole.
    pub z: f64,
}

impl UnitVec {
    /// Cosine of the central angle between two positions.
    #[inline]
    pub fn dot(self, o: UnitVec) -> f64 {
        self.x * o.x + self.y * o.y + self.z * o.z
    }

    /// Whether `o` lies within the great-circle distance whose [`cos_of_km`] is `cos_range`.
    #[inline]
    pub fn within(self, o: UnitVec, cos_range: f64) -> bool {
        self.dot(o) >= cos_range
    }
}

/// The cosine of the central angle of a great-circle distance \[km\] (−1 for half the
/// circumference or more: every position lies within it).
pub fn cos_of_km(km: f64) -> f64 {
    (km / EARTH_RADIUS_KM).min(std::f64::consts::PI).cos()
}

/// Where in a sector violations occur.
#[derive(Debug, Clone)]
pub enum Geometry {
    /// Along a polyline; `cumulative_km\[i\]` is the length from the start to vertex `i`.
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
        /// Sines of the bounding box's latitudes (min, max), for sampling by area.
        sin_lat: (f64, f64),
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
        let sin_lat = (bbox.0.to_radians().sin(), bbox.2.to_radians().sin());
        Geometry::Polygon {
            points,
            bbox,
            sin_lat,
        }
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

    /// A representative point: the middle of a line by length; the area centroid of a
    /// polygon (on the sphere, in the equal-area projection: mean longitude and mean sine of
    /// latitude over the polygon's area), where drones orbit.
    pub fn centroid(&self) -> LatLon {
        match self {
            Geometry::Line { .. } => self.point_at_fraction(0.5),
            Geometry::Polygon { points, .. } => {
                let [area, lon_moment, sin_lat_moment] = polygon_moments(points);
                if area.abs() <= f64::EPSILON * 1e-6 {
                    let n = points.len() as f64;
                    return LatLon::new(
                        points.iter().map(|p| p.lat).sum::<f64>() / n,
                        points.iter().map(|p| p.lon).sum::<f64>() / n,
                    );
                }
                LatLon::new(
                    (sin_lat_moment / area).clamp(-1.0, 1.0).asin().to_degrees(),
                    (lon_moment / area).to_degrees(),
                )
            }
        }
    }

    /// A pair of edges of a polygon that cross or touch without being neighbours (edge `k`
    /// runs from vertex `k` to vertex `k + 1`), in longitude and latitude; `None` for a
    /// simple polygon or a line.
    pub fn self_intersection(&self) -> Option<(usize, usize)> {
        let Geometry::Polygon { points, .. } = self else {
            return None;
        };
        let n = points.len();
        for i in 0..n {
            for j in i + 2..n {
                if i == 0 && j == n - 1 {
                    continue; // neighbours through the closing edge
                }
                let (a, b) = (points[i], points[(i + 1) % n]);
                let (c, d) = (points[j], points[(j + 1) % n]);
                if segments_meet(a, b, c, d) {
                    return Some((i, j));
                }
            }
        }
        None
    }

    /// Bounding box (min lat, min lon, max lat, max lon) \[deg\].
    pub fn bbox(&self) -> (f64, f64, f64, f64) {
        match self {
            Geometry::Line { points, .. } => bbox(points),
            Geometry::Polygon { bbox, .. } => *bbox,
        }
    }

    /// The point at fraction `f` ∈ \[0, 1\] of a line's length (linear between vertices).
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

    /// A uniformly random point of the sector: by length along a line, by area on the
    /// sphere inside a polygon (by rejection from the bounding box, drawn uniform in longitude
    /// and in the sine of latitude, which is uniform by area).
    pub fn sample<R: RngExt + ?Sized>(&self, rng: &mut R) -> LatLon {
        match self {
            Geometry::Line { .. } => self.point_at_fraction(rng.random::<f64>()),
            Geometry::Polygon { bbox, sin_lat, .. } => {
                let (z0, z1) = *sin_lat;
                // Validation refuses polygons that fill less than 1 % of their bounding box,
                // so 10,000 tries fail with probability below 0.99^10000 ≈ 2e-44.
                for _ in 0..10_000 {
                    let z = z0 + rng.random::<f64>() * (z1 - z0);
                    let p = LatLon::new(
                        z.clamp(-1.0, 1.0).asin().to_degrees().clamp(bbox.0, bbox.2),
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

/// Area and first moments of a polygon whose edges are straight in longitude and latitude,
/// on the unit sphere \[rad\]: `[∬ cos φ dλ dφ, ∬ λ cos φ dλ dφ, ∬ sin φ cos φ dλ dφ]`,
/// signed by the orientation. By Green's theorem each is a line integral over the edges,
/// computed by 8-point Gauss–Legendre quadrature per edge (exact to rounding for sectors of
/// any sensible size).
fn polygon_moments(points: &[LatLon]) -> [f64; 3] {
    const NODES: [(f64, f64); 4] = [
        (0.183_434_642_495_649_8, 0.362_683_783_378_362),
        (0.525_532_409_916_329, 0.313_706_645_877_887_3),
        (0.796_666_477_413_626_7, 0.222_381_034_453_374_5),
        (0.960_289_856_497_536_3, 0.101_228_536_290_376_3),
    ];
    let mut m = [0.0; 3];
    let n = points.len();
    for k in 0..n {
        let (a, b) = (points[k], points[(k + 1) % n]);
        let (la, pa) = (a.lon.to_radians(), a.lat.to_radians());
        let (dl, dp) = (b.lon.to_radians() - la, b.lat.to_radians() - pa);
        for (x, w) in NODES {
            for t in [0.5 - 0.5 * x, 0.5 + 0.5 * x] {
                let (lam, phi) = (la + t * dl, pa + t * dp);
                let s = phi.sin();
                // ∬ f dλ dφ = −∮ F dλ with ∂F/∂φ = f.
                let w = 0.5 * w * dl;
                m[0] -= w * s;
                m[1] -= w * lam * s;
                m[2] -= w * 0.5 * s * s;
            }
        }
    }
    m
}

/// Whether the segments `a`–`b` and `c`–`d` (in longitude and latitude) cross or touch.
fn segments_meet(a: LatLon, b: LatLon, c: LatLon, d: LatLon) -> bool {
    let orient = |p: LatLon, q: LatLon, r: LatLon| {
        let v = (q.lon - p.lon) * (r.lat - p.lat) - (q.lat - p.lat) * (r.lon - p.lon);
        if v > 0.0 {
            1
        } else if v < 0.0 {
            -1
        } else {
            0
        }
    };
    let on = |p: LatLon, q: LatLon, r: LatLon| {
        r.lon >= p.lon.min(q.lon)
            && r.lon <= p.lon.max(q.lon)
            && r.lat >= p.lat.min(q.lat)
            && r.lat <= p.lat.max(q.lat)
    };
    let (o1, o2, o3, o4) = (
        orient(a, b, c),
        orient(a, b, d),
        orient(c, d, a),
        orient(c, d, b),
    );
    (o1 != o2 && o3 != o4)
        || (o1 == 0 && on(a, b, c))
        || (o2 == 0 && on(a, b, d))
        || (o3 == 0 && on(c, d, a))
        || (o4 == 0 && on(c, d, b))
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
    fn dot_product_range_checks_agree_with_the_haversine() {
        // Pairs a few to a few hundred km apart around the theatre: the dot product and the
        // haversine give the same answer except within a millimetre of the range.
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(3);
        let mut near_boundary = 0;
        for _ in 0..20_000 {
            let a = LatLon::new(
                44.0 + 8.0 * rng.random::<f64>(),
                28.0 + 12.0 * rng.random::<f64>(),
            );
            let b = LatLon::new(
                a.lat + 3.0 * (rng.random::<f64>() - 0.5),
                a.lon + 3.0 * (rng.random::<f64>() - 0.5),
            );
            let range = 250.0 * rng.random::<f64>();
            let d = a.distance_km(b);
            if (d - range).abs() < 1e-6 {
                near_boundary += 1;
                continue;
            }
            assert_eq!(
                a.unit().within(b.unit(), cos_of_km(range)),
                d <= range,
                "{a:?} {b:?} {range}"
            );
        }
        assert!(near_boundary < 5);
        // Half the circumference or more: everything is within.
        let (p, q) = (LatLon::new(0.0, 0.0), LatLon::new(0.0, 180.0));
        assert!(p.unit().within(q.unit(), cos_of_km(30_000.0)));
        assert!(!p.unit().within(q.unit(), cos_of_km(19_000.0)));
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

    fn square(lat0: f64, lat1: f64, lon0: f64, lon1: f64) -> Geometry {
        Geometry::polygon(vec![
            LatLon::new(lat0, lon0),
            LatLon::new(lat0, lon1),
            LatLon::new(lat1, lon1),
            LatLon::new(lat1, lon0),
        ])
    }

    #[test]
    fn polygon_points_are_uniform_by_area_on_the_sphere() {
        // A box from the equator to 60° N: the southern half (0–30° N) holds
        // sin 30° / sin 60° ≈ 57.7 % of its area, not the 50 % of its degrees.
        let g = square(0.0, 60.0, 10.0, 30.0);
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(3);
        let n = 40_000;
        let south = (0..n).filter(|_| g.sample(&mut rng).lat < 30.0).count();
        let share = south as f64 / n as f64;
        let expected = 30f64.to_radians().sin() / 60f64.to_radians().sin();
        assert!(
            (share - expected).abs() < 0.01,
            "share {share}, expected {expected}"
        );
    }

    #[test]
    fn polygon_centroid_is_the_area_centroid() {
        // The same box: mean longitude 20°, mean sine of latitude (0 + sin 60°)/2.
        let c = square(0.0, 60.0, 10.0, 30.0).centroid();
        assert!((c.lon - 20.0).abs() < 1e-9, "{c:?}");
        let lat = (60f64.to_radians().sin() / 2.0).asin().to_degrees();
        assert!((c.lat - lat).abs() < 1e-9, "{c:?}, expected lat {lat}");
        // A right triangle, small enough to be flat: the centroid is the vertex mean.
        let t = Geometry::polygon(vec![
            LatLon::new(0.0, 0.0),
            LatLon::new(0.0, 0.3),
            LatLon::new(0.3, 0.0),
        ])
        .centroid();
        assert!(
            (t.lat - 0.1).abs() < 1e-4 && (t.lon - 0.1).abs() < 1e-4,
            "{t:?}"
        );
    }

    #[test]
    fn self_intersecting_polygons_are_found() {
        let bow_tie = Geometry::polygon(vec![
            LatLon::new(0.0, 0.0),
            LatLon::new(1.0, 1.0),
            LatLon::new(0.0, 1.0),
            LatLon::new(1.0, 0.0),
        ]);
        assert_eq!(bow_tie.self_intersection(), Some((0, 2)));
        assert_eq!(square(0.0, 1.0, 0.0, 1.0).self_intersection(), None);
    }
}
