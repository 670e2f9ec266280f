//! Theatre map on a lon/lat chart: real coastlines and borders (Natural Earth), sectors and
//! the line of contact, bases sized by the units stationed and coloured by domain, and the
//! violations of replication 0 coloured by response time.

use super::data::Results;
use super::*;
use crate::error::{Error, Result};
use crate::report::files::TheatreFile;
use plotters::style::colors::colormaps::ViridisRGB;
use serde_json::Value;

/// A number of the borders asset.
fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Natural Earth 1:50m countries clipped to lon 20..44, lat 40..54 (see
/// `scripts/theatre-borders.py`).
pub const BORDERS_JSON: &str = include_str!("../../assets/theatre-borders.json");

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

/// A sector as drawn.
#[derive(Debug, Clone)]
struct SectorShape {
    domain: usize,
    polygon: bool,
    points: Vec<(f64, f64)>,
}

/// Place names that orient a reader (label positions chosen clear of the usual bases).
const PLACES: [(&str, f64, f64); 13] = [
    ("UKRAINE", 29.3, 51.0),
    ("RUSSIA", 40.2, 52.6),
    ("BELARUS", 27.6, 53.4),
    ("POLAND", 21.4, 52.6),
    ("ROMANIA", 24.6, 46.2),
    ("MOLDOVA", 28.5, 47.6),
    ("BULGARIA", 25.2, 42.7),
    ("TURKEY", 33.5, 41.0),
    ("HUNGARY", 20.6, 47.4),
    ("GEORGIA", 43.2, 42.1),
    ("Black Sea", 33.0, 43.4),
    ("Sea of Azov", 36.5, 46.15),
    ("Crimea", 34.2, 45.2),
];

/// The theatre map.
#[derive(Debug, Clone)]
pub struct MapPlot {
    bbox: (f64, f64, f64, f64),
    bases: Vec<BaseMarker>,
    sectors: Vec<SectorShape>,
    violations: Option<Vec<MapViolation>>,
    days: f64,
}

impl MapPlot {
    /// The map of a run, `None` without `theatre.json`.
    pub fn of(res: &Results) -> Result<Option<MapPlot>> {
        let Some(t) = &res.theatre else {
            return Ok(None);
        };
        let bases = base_markers(t);
        let sectors: Vec<SectorShape> = t
            .sectors
            .iter()
            .map(|s| SectorShape {
                domain: match s.domain.as_str() {
                    "air" => 0,
                    "sea" => 1,
                    _ => 2,
                },
                polygon: s.kind == "polygon",
                points: s.points.iter().map(|p| (p[0], p[1])).collect(),
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
            violations,
            days,
        }))
    }

    /// The violations drawn (replication 0, needing a response), if a trace was written.
    pub fn violations(&self) -> Option<&[MapViolation]> {
        self.violations.as_deref()
    }

    /// The bases drawn.
    pub fn bases(&self) -> &[BaseMarker] {
        &self.bases
    }

    /// (lon min, lat min, lon max, lat max) of the view.
    pub fn view(&self) -> (f64, f64, f64, f64) {
        self.bbox
    }

    fn colour_max(&self) -> f64 {
        let mut v: Vec<f64> = self
            .violations
            .iter()
            .flatten()
            .filter_map(|x| x.response_h)
            .collect();
        if v.is_empty() {
            return 1.0;
        }
        v.sort_by(f64::total_cmp);
        crate::metrics::stats::quantile_sorted(&v, 0.95)
            .ceil()
            .max(1.0)
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
    let (mut lon0, mut lat0, mut lon1, mut lat1) = (b.0 - 2.0, b.1 - 1.5, b.2 + 2.0, b.3 + 1.5);
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

const SEA: RGBColor = RGBColor(214, 232, 245);
const LAND: RGBColor = RGBColor(246, 243, 235);
const COAST: RGBColor = RGBColor(90, 130, 170);
const BORDER: RGBColor = RGBColor(140, 140, 140);
const UNDETECTED: RGBColor = RGBColor(0, 0, 0);
const UNANSWERED: RGBColor = RGBColor(200, 0, 0);

impl Figure for MapPlot {
    fn name(&self) -> String {
        "theatre_map".into()
    }
    fn title(&self) -> String {
        "Theatre: sectors, bases and violations".into()
    }
    fn description(&self) -> String {
        let mut s = String::from(
            "Sectors (lines: land sectors along the line of contact; outlines: sea and air \
             sectors) and bases sized by the responder units stationed, coloured by their main \
             domain. Coastlines and borders: Natural Earth 1:50m (public domain).",
        );
        if self.violations.is_some() {
            s.push_str(&format!(
                " Dots: violations needing a response in the first {:.0} days of replication 0, \
                 coloured by response time (scale capped at their 95th percentile); × undetected, △ detected but no unit on scene.",
                self.days
            ));
        }
        s
    }
    fn size(&self) -> (u32, u32) {
        let (lon0, lat0, lon1, lat1) = self.bbox;
        let mid = ((lat0 + lat1) / 2.0).to_radians().cos();
        let plot_w = 1400.0
            - 90.0
            - 20.0
            - if self.violations.is_some() {
                150.0
            } else {
                0.0
            };
        let plot_h = plot_w * (lat1 - lat0) / ((lon1 - lon0) * mid);
        (
            1400,
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
        let (map_area, bar_area) = if self.violations.is_some() {
            let (a, b) = area.split_horizontally(w - 150);
            (a, Some(b))
        } else {
            (area.clone(), None)
        };
        let mut chart = ChartBuilder::on(&map_area)
            .margin(10)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(lon0..lon1, lat0..lat1)?;
        chart.plotting_area().fill(&SEA)?;
        let b = borders();
        for (_, rings) in &b.land {
            chart.draw_series(rings.iter().map(|r| Polygon::new(r.clone(), LAND.filled())))?;
        }
        chart.draw_series(
            b.borders
                .iter()
                .map(|l| PathElement::new(l.clone(), BORDER.stroke_width(1))),
        )?;
        chart.draw_series(
            b.coast
                .iter()
                .map(|l| PathElement::new(l.clone(), COAST.stroke_width(1))),
        )?;
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
        let inside = |lon: f64, lat: f64| lon >= lon0 && lon <= lon1 && lat >= lat0 && lat <= lat1;
        chart.draw_series(
            PLACES
                .iter()
                .filter(|(_, lon, lat)| inside(*lon, *lat))
                .map(|(n, lon, lat)| {
                    Text::new(
                        *n,
                        (*lon, *lat),
                        TextStyle::from((FONT, 18).into_font())
                            .color(&RGBColor(150, 150, 150))
                            .pos(Pos::new(HPos::Center, VPos::Center)),
                    )
                }),
        )?;
        // Sectors: polygons first (under), then lines (the line of contact) on top.
        for s in self.sectors.iter().filter(|s| s.polygon) {
            let c = DOMAIN_COLOURS[s.domain];
            let mut ring = s.points.clone();
            if let Some(f) = ring.first().copied() {
                ring.push(f);
            }
            chart.draw_series(std::iter::once(Polygon::new(
                s.points.clone(),
                c.mix(0.08).filled(),
            )))?;
            chart.draw_series(std::iter::once(PathElement::new(ring, c.stroke_width(2))))?;
        }
        for s in self.sectors.iter().filter(|s| !s.polygon) {
            let c = DOMAIN_COLOURS[s.domain];
            chart.draw_series(std::iter::once(PathElement::new(
                s.points.clone(),
                RGBColor(120, 30, 30).stroke_width(4),
            )))?;
            chart.draw_series(std::iter::once(PathElement::new(
                s.points.clone(),
                c.stroke_width(2),
            )))?;
        }
        // Violations.
        if let Some(vs) = &self.violations {
            let vmax = self.colour_max();
            chart.draw_series(
                vs.iter()
                    .filter(|v| v.response_h.is_some() && inside(v.lon, v.lat))
                    .map(|v| {
                        let c = ViridisRGB::get_color_normalized(
                            v.response_h.unwrap_or(0.0).min(vmax),
                            0.0,
                            vmax,
                        );
                        Circle::new((v.lon, v.lat), 3, c.filled())
                    }),
            )?;
            chart
                .draw_series(
                    vs.iter()
                        .filter(|v| !v.detected && inside(v.lon, v.lat))
                        .map(|v| Cross::new((v.lon, v.lat), 4, UNDETECTED.stroke_width(2))),
                )?
                .label("violation not detected")
                .legend(|(x, y)| Cross::new((x + 8, y), 4, UNDETECTED.stroke_width(2)));
            chart
                .draw_series(
                    vs.iter()
                        .filter(|v| v.detected && v.response_h.is_none() && inside(v.lon, v.lat))
                        .map(|v| {
                            TriangleMarker::new((v.lon, v.lat), 5, UNANSWERED.stroke_width(2))
                        }),
                )?
                .label("detected, no unit on scene")
                .legend(|(x, y)| TriangleMarker::new((x + 8, y), 5, UNANSWERED.stroke_width(2)));
        }
        // Bases: area proportional to units.
        let radius = |n: u64| (3.0 + 2.2 * (n as f64).sqrt()).round() as i32;
        let mut shown: Vec<&BaseMarker> = self
            .bases
            .iter()
            .filter(|b| b.total() > 0 && inside(b.lon, b.lat))
            .collect();
        shown.sort_by_key(|b| std::cmp::Reverse(b.total()));
        for b in &shown {
            let c = DOMAIN_COLOURS[b.domain()];
            chart.draw_series([
                Circle::new((b.lon, b.lat), radius(b.total()), c.mix(0.55).filled()),
                Circle::new((b.lon, b.lat), radius(b.total()), BLACK.stroke_width(1)),
            ])?;
        }
        for (k, d) in [
            "air base / units",
            "naval base / units",
            "land garrison / units",
        ]
        .iter()
        .enumerate()
        {
            let c = DOMAIN_COLOURS[k];
            chart
                .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
                .label(*d)
                .legend(move |(x, y)| Circle::new((x + 8, y), 6, c.mix(0.55).filled()));
        }
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label("line of contact / land sector")
            .legend(legend_line(RGBColor(120, 30, 30), 4));
        let off_map = self
            .bases
            .iter()
            .filter(|b| b.total() > 0 && !inside(b.lon, b.lat))
            .count();
        let sizes = [1u64, 10, 40];
        chart.draw_series(std::iter::once(Text::new(
            format!(
                "circle area ∝ units: r = {} / {} / {} px for {} / {} / {} units{}",
                radius(sizes[0]),
                radius(sizes[1]),
                radius(sizes[2]),
                sizes[0],
                sizes[1],
                sizes[2],
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

        if let Some(bar) = bar_area {
            let vmax = self.colour_max();
            let mut cb = ChartBuilder::on(&bar)
                .margin_top(40)
                .margin_bottom(60)
                .margin_right(10)
                .y_label_area_size(70)
                .build_cartesian_2d(0.0..1.0, 0.0..vmax)?;
            cb.configure_mesh()
                .disable_mesh()
                .disable_x_axis()
                .y_desc("response time [h]")
                .y_label_formatter(&tick)
                .label_style(tick_font())
                .axis_desc_style(axis_font())
                .draw()?;
            let steps = 100;
            cb.draw_series((0..steps).map(|i| {
                let y0 = vmax * i as f64 / steps as f64;
                let y1 = vmax * (i + 1) as f64 / steps as f64;
                Rectangle::new(
                    [(0.0, y0), (1.0, y1)],
                    ViridisRGB::get_color_normalized((y0 + y1) / 2.0, 0.0, vmax).filled(),
                )
            }))?;
        }
        Ok(())
    }
}

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

    #[test]
    fn view_box_covers_sectors_with_a_margin() {
        let s = SectorShape {
            domain: 2,
            polygon: false,
            points: vec![(32.0, 46.5), (33.5, 46.9)],
        };
        let (lon0, lat0, lon1, lat1) = view_box(&[s], &[]);
        assert!(lon0 < 30.0 && lon1 > 35.5 && lat0 < 45.0 && lat1 > 48.0);
        assert!(lon1 - lon0 >= 10.0 - 1e-9 && lat1 - lat0 >= 6.0 - 1e-9);
        assert_eq!(view_box(&[], &[]), (22.0, 41.0, 42.0, 53.0));
    }
}
