//! Theatre map on a lon/lat chart: real coastlines and borders (Natural Earth); sectors
//! coloured by their p90 response time on an open-ended scale, with their labels; radar and
//! observation post ranges, drone orbits and the points that only satellites see; bases sized
//! by the units stationed, with their names; a sample of the violations of replication 0.
//!
//! [`data`] reads what is drawn, [`layers`] draws it, [`legend`](mod@legend) holds the colour scale.

pub mod data;
pub mod layers;
pub mod legend;

pub use data::{
    BORDERS_JSON, BaseMarker, Borders, Line, MAP_DAYS, MapViolation, base_markers, borders,
    map_violations,
};

use super::data::Results;
use super::*;
use crate::error::Result;
use crate::report::files::SensorEntry;

/// A sector as drawn.
#[derive(Debug, Clone)]
pub struct SectorShape {
    /// Id.
    pub id: String,
    /// Domain index (air, sea, land).
    pub domain: usize,
    /// A polygon (sea, air) or a line (land).
    pub polygon: bool,
    /// Vertices (lon, lat).
    pub points: Vec<(f64, f64)>,
    /// Mean over replications of the sector's p90 response time \[h\] (NaN without responses
    /// or without `summary.json`): its colour.
    pub p90_h: f64,
    /// Mean share within target (NaN when unknown).
    pub within_target: f64,
    /// ISR drones orbiting it.
    pub drones: u64,
    /// Mean ISR orbit coverage share (NaN without drones).
    pub isr_coverage: f64,
}

/// A text label placed on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapLabel {
    /// Text.
    pub text: String,
    /// Position.
    pub lon: f64,
    /// Position.
    pub lat: f64,
    /// Whether the text is centred on the position (else it starts there).
    pub centred: bool,
}

/// The theatre map.
#[derive(Debug, Clone)]
pub struct MapPlot {
    bbox: (f64, f64, f64, f64),
    bases: Vec<BaseMarker>,
    sectors: Vec<SectorShape>,
    sensors: Vec<SensorEntry>,
    blind: Vec<(f64, f64)>,
    violations: Option<Vec<MapViolation>>,
    days: f64,
}

/// A base's short name: the place, without "air base", "garrison", "– force headquarters"...
pub fn short_name(name: &str) -> String {
    let mut s = name;
    for cut in [
        " – ",
        " (",
        " garrison",
        " air base",
        " naval base",
        " airfield",
        " airport",
    ] {
        if let Some(i) = s.find(cut) {
            s = &s[..i];
        }
    }
    s.trim_start_matches("Port of ").trim().to_string()
}

impl MapPlot {
    /// At most this many answered violations are drawn (every k-th).
    pub const MAX_DOTS: usize = 800;
    /// At most this many undetected, and this many unanswered, violations are drawn.
    pub const MAX_MARKS: usize = 300;

    /// The map of a run, `None` without `theatre.json`.
    pub fn of(res: &Results) -> Result<Option<MapPlot>> {
        let Some(t) = &res.theatre else {
            return Ok(None);
        };
        let bases = base_markers(t);
        let drones = data::drones_per_sector(t);
        let by_sector = res.summary.as_ref().map(|s| &s.by_sector);
        let sensors: Vec<SensorEntry> = t.sensors.clone();
        let mut blind = Vec::new();
        // theatre.json of versions before sensors were written: what sensors see is unknown.
        let known = !t.sensors.is_empty() || !t.drone_fleets.is_empty();
        let sectors: Vec<SectorShape> = t
            .sectors
            .iter()
            .zip(&drones)
            .map(|(s, &n)| {
                let stats = by_sector.and_then(|b| b.iter().find(|e| e.id == s.id));
                let polygon = s.kind == "polygon";
                let points: Vec<(f64, f64)> = s.points.iter().map(|p| (p[0], p[1])).collect();
                if n == 0 && known {
                    blind.extend(
                        data::sample_points(polygon, &points)
                            .into_iter()
                            .filter(|p| !data::in_sensor_range(*p, &s.domain, &sensors)),
                    );
                }
                SectorShape {
                    id: s.id.clone(),
                    domain: match s.domain.as_str() {
                        "air" => 0,
                        "sea" => 1,
                        _ => 2,
                    },
                    polygon,
                    points,
                    p90_h: stats.map_or(f64::NAN, |e| e.response_time_p90_h.mean),
                    within_target: stats.map_or(f64::NAN, |e| e.within_target_share.mean),
                    drones: n,
                    isr_coverage: stats.map_or(f64::NAN, |e| e.isr_coverage_share.mean),
                }
            })
            .collect();
        let trace = res.dir.join("violations.csv");
        let violations = if trace.is_file() {
            Some(map_violations(&trace)?)
        } else {
            None
        };
        let horizon = res.summary.as_ref().map_or(f64::NAN, |s| s.horizon_days);
        let days = if horizon.is_finite() {
            horizon.min(MAP_DAYS)
        } else {
            MAP_DAYS
        };
        let bbox = view_box(&sectors, &bases);
        Ok(Some(MapPlot {
            bbox,
            bases,
            sectors,
            sensors,
            blind,
            violations,
            days,
        }))
    }

    /// The violations read (replication 0, needing a response), if a trace was written; the
    /// map draws a sample of them (see [`MapPlot::MAX_DOTS`]).
    pub fn violations(&self) -> Option<&[MapViolation]> {
        self.violations.as_deref()
    }

    /// The bases.
    pub fn bases(&self) -> &[BaseMarker] {
        &self.bases
    }

    /// The sectors as drawn.
    pub fn sectors(&self) -> &[SectorShape] {
        &self.sectors
    }

    /// Sample points of sectors (see [`data::sample_points`]) that no radar or observation
    /// post seeing the sector's domain has in range and no drone orbits: only satellite
    /// passes can see a violation there. Empty for a `theatre.json` without sensors and
    /// drone fleets (written before they were recorded).
    pub fn blind_spots(&self) -> &[(f64, f64)] {
        &self.blind
    }

    /// (lon min, lat min, lon max, lat max) of the view.
    pub fn view(&self) -> (f64, f64, f64, f64) {
        self.bbox
    }

    fn inside(&self, lon: f64, lat: f64) -> bool {
        let (lon0, lat0, lon1, lat1) = self.bbox;
        lon >= lon0 && lon <= lon1 && lat >= lat0 && lat <= lat1
    }

    /// The label of each sector in the view: its id, p90 response time and, where drones
    /// orbit, their coverage; to the east of a line's middle vertex, at a polygon's centroid.
    pub fn sector_labels(&self) -> Vec<MapLabel> {
        self.sectors
            .iter()
            .filter_map(|s| {
                let mut text = s.id.clone();
                if s.p90_h.is_finite() {
                    text.push_str(&format!(" · p90 {}", fmt_hours(s.p90_h)));
                } else {
                    // Kaplan-Meier: fewer than 90 % of the violations needing a response
                    // were answered (README, "How KPIs are defined").
                    text.push_str(" · p90 not reached");
                }
                if s.drones > 0 && s.isr_coverage.is_finite() {
                    text.push_str(&format!(" · ISR {:.0} %", s.isr_coverage * 100.0));
                }
                let (lon, lat, centred) = if s.polygon {
                    let g = crate::geo::Geometry::polygon(
                        s.points
                            .iter()
                            .map(|p| crate::geo::LatLon::new(p.1, p.0))
                            .collect(),
                    );
                    let c = g.centroid();
                    (c.lon, c.lat, true)
                } else {
                    let m = *s.points.get(s.points.len() / 2)?;
                    (m.0 + 0.15, m.1, false)
                };
                self.inside(lon, lat).then_some(MapLabel {
                    text,
                    lon,
                    lat,
                    centred,
                })
            })
            .collect()
    }

    fn shown_bases(&self) -> Vec<&BaseMarker> {
        let mut shown: Vec<&BaseMarker> = self
            .bases
            .iter()
            .filter(|b| b.total() > 0 && self.inside(b.lon, b.lat))
            .collect();
        shown.sort_by_key(|b| std::cmp::Reverse(b.total()));
        shown
    }

    /// The label of each base with units in the view: its short name, to the right.
    pub fn base_labels(&self) -> Vec<MapLabel> {
        self.shown_bases()
            .iter()
            .map(|b| MapLabel {
                text: short_name(&b.name),
                lon: b.lon + 0.2,
                lat: b.lat,
                centred: false,
            })
            .collect()
    }
}

/// The view: the sectors with a margin, at least 10° × 6°, inside the borders asset
/// (lon 20..44, lat 40..54); the default scenario gives about lon 22..42, lat 41..53.
fn view_box(sectors: &[SectorShape], bases: &[BaseMarker]) -> (f64, f64, f64, f64) {
    let mut b = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    fn add(b: &mut (f64, f64, f64, f64), lon: f64, lat: f64) {
        if lon.is_finite() && lat.is_finite() {
            *b = (b.0.min(lon), b.1.min(lat), b.2.max(lon), b.3.max(lat));
        }
    }
    for s in sectors {
        for p in &s.points {
            add(&mut b, p.0, p.1);
        }
    }
    if !b.0.is_finite() {
        for x in bases {
            add(&mut b, x.lon, x.lat);
        }
    }
    if !b.0.is_finite() {
        return (22.0, 41.0, 42.0, 53.0);
    }
    // Wider to the east: the land sectors' labels are written to the east of their lines.
    let (mut lon0, mut lat0, mut lon1, mut lat1) = (b.0 - 2.0, b.1 - 1.5, b.2 + 3.5, b.3 + 1.5);
    let grow = |lo: &mut f64, hi: &mut f64, min: f64| {
        if *hi - *lo < min {
            let c = (*lo + *hi) / 2.0;
            *lo = c - min / 2.0;
            *hi = c + min / 2.0;
        }
    };
    grow(&mut lon0, &mut lon1, 10.0);
    grow(&mut lat0, &mut lat1, 6.0);
    (
        lon0.max(20.0),
        lat0.max(40.0),
        lon1.min(44.0),
        lat1.min(54.0),
    )
}

impl Figure for MapPlot {
    fn name(&self) -> String {
        "theatre_map".into()
    }
    fn title(&self) -> String {
        "Theatre: sectors by p90 response time, sensors, bases".into()
    }
    fn description(&self) -> String {
        let mut s = format!(
            "Sectors coloured by their p90 response time (mean over replications; scale open \
             at {} h: everything slower has the top colour), labelled with it and, where ISR \
             drones orbit (green halo), their share of time on station. Grey circles: radar \
             ranges; grey discs: observation post ranges; red crosses: points of a sector no \
             radar, post or drone watches (satellite passes only). Bases sized by the responder \
             units stationed, coloured by their main domain. Coastlines and borders: Natural \
             Earth 1:50m (public domain).",
            legend::SCALE_MAX_H
        );
        if self.violations.is_some() {
            s.push_str(&format!(
                " Dots: a sample (at most {}) of the violations answered in the first {:.0} days \
                 of replication 0, coloured by response time; × undetected, △ detected but no \
                 unit on scene.",
                Self::MAX_DOTS,
                self.days
            ));
        }
        s
    }
    fn size(&self) -> (u32, u32) {
        let (lon0, lat0, lon1, lat1) = self.bbox;
        let mid = ((lat0 + lat1) / 2.0).to_radians().cos();
        let plot_w = 1500.0 - 90.0 - 20.0 - 230.0;
        let plot_h = plot_w * (lat1 - lat0) / ((lon1 - lon0) * mid);
        (
            1500,
            (plot_h + 60.0 + 48.0 + 28.0 + 30.0)
                .round()
                .clamp(500.0, 1600.0) as u32,
        )
    }
    fn draw_body<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (lon0, lat0, lon1, lat1) = self.bbox;
        let (w, _) = area.dim_in_pixel();
        let (map_area, bar_area) = area.split_horizontally(w - 230);
        let mut chart = ChartBuilder::on(&map_area)
            .margin(10)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(lon0..lon1, lat0..lat1)?;
        let inside = |lon: f64, lat: f64| self.inside(lon, lat);
        layers::background(&mut chart, &borders(), &inside)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("longitude [°E]")
            .y_desc("latitude [°N]")
            .x_label_formatter(&|v| format!("{v:.0}°"))
            .y_label_formatter(&|v| format!("{v:.0}°"))
            .label_style(tick_font())
            .axis_desc_style(axis_font())
            .draw()?;
        layers::sensors(&mut chart, &self.sensors)?;
        layers::sectors(&mut chart, &self.sectors)?;
        layers::blind(&mut chart, &self.blind)?;
        if let Some(vs) = &self.violations {
            layers::violations(&mut chart, vs, &inside)?;
        }
        let shown = self.shown_bases();
        layers::bases(&mut chart, &shown)?;
        layers::labels(&mut chart, &self.base_labels(), 13, RGBColor(60, 60, 60))?;
        layers::labels(&mut chart, &self.sector_labels(), 14, BLACK)?;
        legend::entries(
            &mut chart,
            !self.blind.is_empty(),
            self.violations.is_some(),
        )?;
        let off_map = self
            .bases
            .iter()
            .filter(|b| b.total() > 0 && !self.inside(b.lon, b.lat))
            .count();
        let r = layers::base_radius;
        chart.draw_series(std::iter::once(Text::new(
            format!(
                "circle area ∝ units: r = {} / {} / {} px for 1 / 10 / 40 units{}",
                r(1),
                r(10),
                r(40),
                if off_map > 0 {
                    format!(" · {off_map} bases with units lie outside this map")
                } else {
                    String::new()
                }
            ),
            (lon0 + (lon1 - lon0) * 0.01, lat0 + (lat1 - lat0) * 0.02),
            TextStyle::from((FONT, 14).into_font()).color(&BLACK),
        )))?;
        super::legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        legend::colour_bar(&bar_area)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(points: Vec<(f64, f64)>) -> SectorShape {
        SectorShape {
            id: "s".into(),
            domain: 2,
            polygon: false,
            points,
            p90_h: f64::NAN,
            within_target: f64::NAN,
            drones: 0,
            isr_coverage: f64::NAN,
        }
    }

    #[test]
    fn short_names_keep_the_place() {
        assert_eq!(short_name("Kyiv – force headquarters"), "Kyiv");
        assert_eq!(short_name("Dnipro garrison and brigade HQ"), "Dnipro");
        assert_eq!(short_name("Port of Odesa"), "Odesa");
        assert_eq!(short_name("Myrhorod air base"), "Myrhorod");
        assert_eq!(short_name("FOB Izium"), "FOB Izium");
    }

    #[test]
    fn view_box_covers_sectors_with_a_margin() {
        let s = line(vec![(32.0, 46.5), (33.5, 46.9)]);
        let (lon0, lat0, lon1, lat1) = view_box(&[s], &[]);
        assert!(lon0 < 30.0 && lon1 > 35.5 && lat0 < 45.0 && lat1 > 48.0);
        assert!(lon1 - lon0 >= 10.0 - 1e-9 && lat1 - lat0 >= 6.0 - 1e-9);
        assert_eq!(view_box(&[], &[]), (22.0, 41.0, 42.0, 53.0));
    }
}
