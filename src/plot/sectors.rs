//! Response-time distribution per sector across replications: box plots.

use super::data::{Results, Table};
use super::*;
use crate::error::Result;
use plotters::coord::ranged1d::SegmentValue;

/// The figure drawn per sector.
pub const FIGURE: &str = "response_time_p90_h";

/// One sector's box, as drawn: its values across replications and their five numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct SectorBox {
    /// Sector id.
    pub id: String,
    /// `air`, `sea` or `land`.
    pub domain: String,
    /// The sector's value in each replication that measured one (undefined ones left out).
    pub values: Vec<f64>,
    /// Lower quartile, median, upper quartile (R type 7).
    pub quartiles: [f64; 3],
    /// Whisker ends: the most extreme values within 1.5 IQR of the box.
    pub whiskers: (f64, f64),
    /// Values beyond the whiskers.
    pub outliers: Vec<f64>,
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    crate::metrics::stats::quantile_sorted(sorted, q)
}

/// Boxes of column `figure` of `replications_by_sector.csv`, sectors in file order.
pub fn sector_boxes(t: &Table, figure: &str) -> Vec<SectorBox> {
    let (Some(ids), Some(doms), Some(vals)) =
        (t.texts("sector"), t.texts("domain"), t.numbers(figure))
    else {
        return Vec::new();
    };
    let mut order: Vec<(String, String)> = Vec::new();
    for (i, d) in ids.iter().zip(&doms) {
        if !order.iter().any(|(x, _)| x == i) {
            order.push(((*i).to_string(), (*d).to_string()));
        }
    }
    order
        .into_iter()
        .map(|(id, domain)| {
            let mut values: Vec<f64> = ids
                .iter()
                .zip(&vals)
                .filter(|(i, v)| **i == id && v.is_finite())
                .map(|(_, v)| *v)
                .collect();
            let mut sorted = values.clone();
            sorted.sort_by(f64::total_cmp);
            let (q1, med, q3) = if sorted.is_empty() {
                (f64::NAN, f64::NAN, f64::NAN)
            } else {
                (
                    quantile(&sorted, 0.25),
                    quantile(&sorted, 0.5),
                    quantile(&sorted, 0.75),
                )
            };
            let (lo_f, hi_f) = (q1 - 1.5 * (q3 - q1), q3 + 1.5 * (q3 - q1));
            let inside: Vec<f64> = sorted
                .iter()
                .copied()
                .filter(|v| *v >= lo_f && *v <= hi_f)
                .collect();
            let whiskers = (
                inside.first().copied().unwrap_or(f64::NAN).min(q1),
                inside.last().copied().unwrap_or(f64::NAN).max(q3),
            );
            let outliers = sorted
                .iter()
                .copied()
                .filter(|v| *v < lo_f || *v > hi_f)
                .collect();
            values.shrink_to_fit();
            SectorBox {
                id,
                domain,
                values,
                quartiles: [q1, med, q3],
                whiskers,
                outliers,
            }
        })
        .collect()
}

/// The per-sector box plot.
#[derive(Debug, Clone)]
pub struct SectorBoxPlot {
    /// Boxes, top to bottom: highest median first (the worst sector on top).
    pub boxes: Vec<SectorBox>,
    /// Targets per domain (air, sea, land) of the types that need a response \[h\], from
    /// `theatre.json`: each row shows its domain's strictest and loosest.
    pub targets: [Vec<f64>; 3],
    /// Replications.
    pub replications: usize,
}

impl SectorBoxPlot {
    /// The plot of a run, `None` without replications_by_sector.csv.
    pub fn of(res: &Results) -> Result<Option<SectorBoxPlot>> {
        let Some(t) = res.table("replications_by_sector.csv")? else {
            return Ok(None);
        };
        let replications = t
            .texts("replication")
            .map(|r| {
                let mut v: Vec<&str> = r.clone();
                v.sort_unstable();
                v.dedup();
                v.len()
            })
            .unwrap_or(0);
        let mut boxes = sector_boxes(&t, FIGURE);
        sort_worst_first(&mut boxes);
        let targets =
            super::cdf::targets(res.theatre.as_ref()).map(|v| v.iter().map(|t| t.0).collect());
        Ok((!boxes.is_empty()).then_some(SectorBoxPlot {
            boxes,
            replications,
            targets,
        }))
    }
}

/// Sorts boxes by median, highest first; sectors without responses last (stable: ties keep
/// file order).
pub fn sort_worst_first(boxes: &mut [SectorBox]) {
    boxes.sort_by(|a, b| {
        let key = |x: &SectorBox| {
            if x.quartiles[1].is_finite() {
                x.quartiles[1]
            } else {
                f64::NEG_INFINITY
            }
        };
        key(b).total_cmp(&key(a))
    });
}

fn domain_index(d: &str) -> usize {
    match d {
        "air" => 0,
        "sea" => 1,
        _ => 2,
    }
}

fn domain_colour(d: &str) -> RGBColor {
    match d {
        "air" => DOMAIN_COLOURS[0],
        "sea" => DOMAIN_COLOURS[1],
        _ => DOMAIN_COLOURS[2],
    }
}

impl Figure for SectorBoxPlot {
    fn name(&self) -> String {
        "sector_response_p90".into()
    }
    fn title(&self) -> String {
        "90th-percentile response time per sector, across replications".into()
    }
    fn description(&self) -> String {
        format!(
            "Distribution over {} replications of each sector's 90th-percentile response time: \
             box from lower to upper quartile, median line, whiskers to the furthest value \
             within 1.5 IQR, dots beyond; colour = domain. Sorted by median, worst on top. \
             Red ticks: the strictest (solid) and loosest (thin) response-time target of the \
             sector's domain.",
            self.replications
        )
    }
    fn size(&self) -> (u32, u32) {
        (1300, (160 + 40 * self.boxes.len() as u32).max(450))
    }
    fn draw_body<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        // Drawn bottom-up: reverse so the first entry is at the top.
        let boxes: Vec<&SectorBox> = self.boxes.iter().rev().collect();
        let n = boxes.len() as i32;
        let x_max = nice_max(
            boxes
                .iter()
                .flat_map(|b| b.values.iter().copied())
                .chain(self.targets.iter().flatten().copied())
                .fold(0.0, f64::max),
        );
        let mut chart = ChartBuilder::on(area)
            .margin(14)
            .x_label_area_size(50)
            .y_label_area_size(240)
            .build_cartesian_2d(0.0..x_max, (0..n - 1).into_segmented())?;
        chart
            .configure_mesh()
            .x_label_formatter(&tick)
            .disable_y_mesh()
            .y_labels(n as usize + 1)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                    boxes.get(*i as usize).map_or(String::new(), |b| {
                        format!("{} ({})", super::cdf::shorten(&b.id, 24), b.domain)
                    })
                }
                SegmentValue::Last => String::new(),
            })
            .x_desc("90th-percentile response time in the sector [h]")
            .label_style(tick_font())
            .axis_desc_style(axis_font())
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        for (i, b) in boxes.iter().enumerate() {
            let i = i as i32;
            if b.values.is_empty() {
                chart.draw_series(std::iter::once(Text::new(
                    "no responses",
                    (x_max * 0.01, SegmentValue::CenterOf(i)),
                    TextStyle::from((FONT, 14).into_font()).color(&GREY),
                )))?;
                continue;
            }
            let c = domain_colour(&b.domain);
            let [q1, med, q3] = b.quartiles;
            let mut r = Rectangle::new(
                [
                    (q1, SegmentValue::Exact(i)),
                    (q3, SegmentValue::Exact(i + 1)),
                ],
                c.mix(0.35).filled(),
            );
            r.set_margin(8, 8, 0, 0);
            let mut edge = Rectangle::new(
                [
                    (q1, SegmentValue::Exact(i)),
                    (q3, SegmentValue::Exact(i + 1)),
                ],
                c.stroke_width(2),
            );
            edge.set_margin(8, 8, 0, 0);
            chart.draw_series([r, edge])?;
            let mid = || SegmentValue::CenterOf(i);
            chart.draw_series([
                PathElement::new(vec![(b.whiskers.0, mid()), (q1, mid())], c.stroke_width(2)),
                PathElement::new(vec![(q3, mid()), (b.whiskers.1, mid())], c.stroke_width(2)),
            ])?;
            // Median: a thick tick across the box.
            let mut m = Rectangle::new(
                [
                    (med, SegmentValue::Exact(i)),
                    (med, SegmentValue::Exact(i + 1)),
                ],
                BLACK.stroke_width(3),
            );
            m.set_margin(6, 6, 0, 0);
            chart.draw_series(std::iter::once(m))?;
            chart.draw_series(
                b.outliers
                    .iter()
                    .map(|v| Circle::new((*v, mid()), 3, c.filled())),
            )?;
        }
        // Targets: the strictest and loosest of each row's domain.
        let red = RGBColor(200, 30, 30);
        for (i, b) in boxes.iter().enumerate() {
            let t = &self.targets[domain_index(&b.domain)];
            let i = i as i32;
            for (k, h) in [t.first(), t.last()].into_iter().flatten().enumerate() {
                if k == 1 && t.len() < 2 {
                    break;
                }
                let mut r = Rectangle::new(
                    [
                        (*h, SegmentValue::Exact(i)),
                        (*h, SegmentValue::Exact(i + 1)),
                    ],
                    red.stroke_width(if k == 0 { 3 } else { 1 }),
                );
                r.set_margin(2, 2, 0, 0);
                chart.draw_series(std::iter::once(r))?;
            }
        }
        chart
            .draw_series(std::iter::empty::<Circle<(f64, SegmentValue<i32>), i32>>())?
            .label("strictest target of the domain")
            .legend(legend_line(red, 3));
        chart
            .draw_series(std::iter::empty::<Circle<(f64, SegmentValue<i32>), i32>>())?
            .label("loosest target of the domain")
            .legend(legend_line(red, 1));
        for (k, d) in ["air", "sea", "land"]
            .iter()
            .enumerate()
            .filter(|(_, d)| boxes.iter().any(|b| b.domain == **d))
        {
            chart
                .draw_series(std::iter::empty::<Circle<(f64, SegmentValue<i32>), i32>>())?
                .label(*d)
                .legend(legend_box(DOMAIN_COLOURS[k]));
        }
        super::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        Ok(())
    }
}
