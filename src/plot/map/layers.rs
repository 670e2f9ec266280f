//! The theatre map's layers, bottom to top: sea, land, borders and place names; sensor
//! ranges; sectors coloured by p90 response time with drone orbits; the points no radar, post
//! or drone watches; violations (sampled); bases; labels.

use super::super::*;
use super::data::{Borders, MapViolation};
use super::legend::colour_of;
use super::{BaseMarker, MapPlot, SectorShape};
use crate::report::files::SensorEntry;
use plotters::coord::types::RangedCoordf64;

/// The chart every layer draws on: longitude × latitude.
pub type MapChart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

const SEA: RGBColor = RGBColor(214, 232, 245);
const LAND: RGBColor = RGBColor(246, 243, 235);
const COAST: RGBColor = RGBColor(90, 130, 170);
const BORDER: RGBColor = RGBColor(140, 140, 140);
/// Radar range outlines.
pub const RADAR: RGBColor = RGBColor(120, 120, 160);
/// Observation post ranges.
pub const OP: RGBColor = RGBColor(90, 90, 90);
/// Drone orbits (Okabe-Ito bluish green).
pub const DRONE: RGBColor = RGBColor(0, 158, 115);
/// Points no radar, post or drone watches.
pub const BLIND: RGBColor = RGBColor(213, 0, 0);
/// Detected violations no unit reached.
pub const UNANSWERED: RGBColor = RGBColor(200, 0, 0);

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

/// Sea, land, borders, coastlines and place names.
pub fn background<'a, DB: DrawingBackend + 'a>(
    chart: &mut MapChart<'a, DB>,
    b: &Borders,
    inside: &dyn Fn(f64, f64) -> bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart.plotting_area().fill(&SEA)?;
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
    chart.draw_series(
        PLACES
            .iter()
            .filter(|(_, lon, lat)| inside(*lon, *lat))
            .map(|(n, lon, lat)| {
                Text::new(
                    *n,
                    (*lon, *lat),
                    TextStyle::from((FONT, 18).into_font())
                        .color(&RGBColor(165, 165, 165))
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )
            }),
    )?;
    Ok(())
}

/// A circle of `range_km` around (lon, lat), as a lon/lat ring.
pub fn range_ring(lon: f64, lat: f64, range_km: f64) -> Vec<(f64, f64)> {
    let dlat = range_km / 111.2;
    let dlon = dlat / lat.to_radians().cos().max(0.05);
    (0..=48)
        .map(|k| {
            let a = k as f64 / 48.0 * std::f64::consts::TAU;
            (lon + dlon * a.cos(), lat + dlat * a.sin())
        })
        .collect()
}

/// Radar ranges as outlines, observation post ranges as small translucent discs.
pub fn sensors<'a, DB: DrawingBackend + 'a>(
    chart: &mut MapChart<'a, DB>,
    sensors: &[SensorEntry],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    for s in sensors {
        let ring = range_ring(s.lon, s.lat, s.range_km);
        if s.kind == "radar" {
            chart.draw_series(std::iter::once(PathElement::new(
                ring,
                RADAR.mix(0.7).stroke_width(1),
            )))?;
        } else {
            chart.draw_series(std::iter::once(Polygon::new(ring, OP.mix(0.25).filled())))?;
        }
    }
    Ok(())
}

/// Sectors coloured by their p90 response time; drone-orbited sectors get a green halo.
pub fn sectors<'a, DB: DrawingBackend + 'a>(
    chart: &mut MapChart<'a, DB>,
    sectors: &[SectorShape],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    for s in sectors.iter().filter(|s| s.polygon) {
        let c = colour_of(s.p90_h);
        let mut ring = s.points.clone();
        ring.extend(s.points.first().copied());
        chart.draw_series(std::iter::once(Polygon::new(
            s.points.clone(),
            c.mix(0.22).filled(),
        )))?;
        if s.drones > 0 {
            chart.draw_series(std::iter::once(PathElement::new(
                ring.clone(),
                DRONE.mix(0.45).stroke_width(7),
            )))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(ring, c.stroke_width(2))))?;
    }
    for s in sectors.iter().filter(|s| !s.polygon) {
        if s.drones > 0 {
            chart.draw_series(std::iter::once(PathElement::new(
                s.points.clone(),
                DRONE.mix(0.45).stroke_width(14),
            )))?;
        }
        chart.draw_series(std::iter::once(PathElement::new(
            s.points.clone(),
            BLACK.stroke_width(8),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            s.points.clone(),
            colour_of(s.p90_h).stroke_width(6),
        )))?;
    }
    Ok(())
}

/// Points of sectors that no radar, observation post or drone orbit watches.
pub fn blind<'a, DB: DrawingBackend + 'a>(
    chart: &mut MapChart<'a, DB>,
    points: &[(f64, f64)],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart.draw_series(
        points
            .iter()
            .map(|p| Cross::new(*p, 3, BLIND.mix(0.8).stroke_width(2))),
    )?;
    Ok(())
}

/// Every `k`-th of `v` so that at most `max` remain (all when fewer).
pub fn sample<T>(v: &[T], max: usize) -> impl Iterator<Item = &T> {
    let k = v.len().div_ceil(max.max(1)).max(1);
    v.iter().step_by(k)
}

/// Violations: a sample of the answered ones coloured by response time, then the
/// undetected (×) and unanswered (△) ones.
pub fn violations<'a, DB: DrawingBackend + 'a>(
    chart: &mut MapChart<'a, DB>,
    vs: &[MapViolation],
    inside: &dyn Fn(f64, f64) -> bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let answered: Vec<&MapViolation> = vs
        .iter()
        .filter(|v| v.response_h.is_some() && inside(v.lon, v.lat))
        .collect();
    chart.draw_series(sample(&answered, MapPlot::MAX_DOTS).map(|v| {
        Circle::new(
            (v.lon, v.lat),
            2,
            colour_of(v.response_h.unwrap_or(f64::NAN)).filled(),
        )
    }))?;
    let undetected: Vec<&MapViolation> = vs
        .iter()
        .filter(|v| !v.detected && inside(v.lon, v.lat))
        .collect();
    chart.draw_series(
        sample(&undetected, MapPlot::MAX_MARKS)
            .map(|v| Cross::new((v.lon, v.lat), 4, BLACK.stroke_width(2))),
    )?;
    let unanswered: Vec<&MapViolation> = vs
        .iter()
        .filter(|v| v.detected && v.response_h.is_none() && inside(v.lon, v.lat))
        .collect();
    chart.draw_series(
        sample(&unanswered, MapPlot::MAX_MARKS)
            .map(|v| TriangleMarker::new((v.lon, v.lat), 5, UNANSWERED.stroke_width(2))),
    )?;
    Ok(())
}

/// Marker radius of a base \[px\]: area proportional to units.
pub fn base_radius(n: u64) -> i32 {
    (3.0 + 2.2 * (n as f64).sqrt()).round() as i32
}

/// Bases with units, biggest first, and their short names beside them.
pub fn bases<'a, DB: DrawingBackend + 'a>(
    chart: &mut MapChart<'a, DB>,
    shown: &[&BaseMarker],
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    for b in shown {
        let c = DOMAIN_COLOURS[b.domain()];
        let r = base_radius(b.total());
        chart.draw_series([
            Circle::new((b.lon, b.lat), r, c.mix(0.55).filled()),
            Circle::new((b.lon, b.lat), r, BLACK.stroke_width(1)),
        ])?;
    }
    Ok(())
}

/// Text labels at their (lon, lat).
pub fn labels<'a, DB: DrawingBackend + 'a>(
    chart: &mut MapChart<'a, DB>,
    labels: &[super::MapLabel],
    size: u32,
    colour: RGBColor,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    chart.draw_series(labels.iter().map(|l| {
        Text::new(
            l.text.clone(),
            (l.lon, l.lat),
            TextStyle::from((FONT, size).into_font())
                .color(&colour)
                .pos(Pos::new(
                    if l.centred { HPos::Center } else { HPos::Left },
                    VPos::Center,
                )),
        )
    }))?;
    Ok(())
}
