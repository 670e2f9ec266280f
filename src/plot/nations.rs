//! Load by nation: tasks answered and unit utilisation per contributing nation.

use super::data::Results;
use super::*;
use crate::error::Result;
use crate::metrics::stats::Summary;
use crate::report::files::SummaryFile;
use plotters::coord::ranged1d::SegmentValue;

/// One nation's bars, as drawn (from `summary.json` `by_nation`).
#[derive(Debug, Clone, PartialEq)]
pub struct NationBar {
    /// ISO code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Units contributed.
    pub units: u64,
    /// Tasks per replication (mean) and its 95 % CI.
    pub tasks: Summary,
    /// Tasks that reached the scene per replication (mean).
    pub responded: f64,
    /// Utilisation of its responder units (mean, 0..1) and its 95 % CI.
    pub utilisation: Summary,
}

/// The bars of the nations that contribute units, busiest first (ties in scenario order).
pub fn nation_bars(summary: &SummaryFile) -> Vec<NationBar> {
    let mut bars: Vec<NationBar> = summary
        .by_nation
        .iter()
        .map(|n| NationBar {
            code: n.code.clone(),
            name: n.name.clone(),
            units: n.units,
            tasks: n.tasks,
            responded: n.responded.mean,
            utilisation: n.utilisation,
        })
        .filter(|b| b.units > 0)
        .collect();
    bars.sort_by(|a, b| {
        let key = |x: &NationBar| {
            if x.tasks.mean.is_nan() {
                0.0
            } else {
                x.tasks.mean
            }
        };
        key(b).total_cmp(&key(a))
    });
    bars
}

/// The load-by-nation plot.
#[derive(Debug, Clone)]
pub struct NationPlot {
    /// Bars, top to bottom.
    pub bars: Vec<NationBar>,
}

impl NationPlot {
    /// The plot of a run, `None` when no nation contributes units.
    pub fn of(res: &Results) -> Result<Option<NationPlot>> {
        let bars = res.summary.as_ref().map(nation_bars).unwrap_or_default();
        Ok((!bars.is_empty()).then_some(NationPlot { bars }))
    }
}

fn z(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

impl Figure for NationPlot {
    fn name(&self) -> String {
        "load_by_nation".into()
    }
    fn title(&self) -> String {
        "Load by nation: tasks and unit utilisation".into()
    }
    fn description(&self) -> String {
        "Per contributing nation, busiest first: units tasked and responses on scene per \
         replication, and the utilisation of its responder units, with 95 % confidence intervals."
            .into()
    }
    fn size(&self) -> (u32, u32) {
        (1400, (200 + 26 * self.bars.len() as u32).max(500))
    }
    fn draw_body<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        // Drawn bottom-up: reverse so the first entry is at the top.
        let bars: Vec<&NationBar> = self.bars.iter().rev().collect();
        let n = bars.len() as i32;
        let (w, _) = area.dim_in_pixel();
        let (left, right) = area.split_horizontally(w * 55 / 100);
        let label = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                bars.get(*i as usize).map_or(String::new(), |b| {
                    format!("{} {}", b.code, shorten(&b.name, 16))
                })
            }
            SegmentValue::Last => String::new(),
        };
        // Tasks per replication.
        let t_max = nice_max(
            bars.iter()
                .map(|b| z(b.tasks.ci95_high).max(z(b.tasks.mean)))
                .fold(0.0, f64::max),
        );
        let mut chart = ChartBuilder::on(&left)
            .caption("tasks per replication", panel_font())
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(220)
            .build_cartesian_2d(0.0..t_max, (0..n - 1).into_segmented())?;
        chart
            .configure_mesh()
            .x_label_formatter(&tick)
            .disable_y_mesh()
            .y_labels(n as usize + 1)
            .y_label_formatter(&label)
            .x_desc("units tasked per replication [count]")
            .label_style(tick_font())
            .axis_desc_style(axis_font())
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        let c_tasks = PALETTE[0];
        let c_resp = PALETTE[5];
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let mut r = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(i as i32)),
                        (z(b.tasks.mean), SegmentValue::Exact(i as i32 + 1)),
                    ],
                    c_tasks.filled(),
                );
                r.set_margin(4, 4, 0, 0);
                r
            }))?
            .label("tasked")
            .legend(legend_box(c_tasks));
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                let mut r = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(i as i32)),
                        (z(b.responded), SegmentValue::Exact(i as i32 + 1)),
                    ],
                    c_resp.filled(),
                );
                r.set_margin(9, 9, 0, 0);
                r
            }))?
            .label("on scene")
            .legend(legend_box(c_resp));
        chart
            .draw_series(
                bars.iter()
                    .enumerate()
                    .filter(|(_, b)| b.tasks.ci95_low.is_finite() && b.tasks.ci95_high.is_finite())
                    .map(|(i, b)| {
                        PathElement::new(
                            vec![
                                (b.tasks.ci95_low, SegmentValue::CenterOf(i as i32)),
                                (b.tasks.ci95_high, SegmentValue::CenterOf(i as i32)),
                            ],
                            BLACK.stroke_width(2),
                        )
                    }),
            )?
            .label("95 % CI")
            .legend(legend_line(BLACK, 2));
        super::legend(&mut chart, SeriesLabelPosition::LowerRight)?;

        // Utilisation.
        let u_max = (self
            .bars
            .iter()
            .map(|b| z(b.utilisation.ci95_high).max(z(b.utilisation.mean)))
            .fold(0.0, f64::max)
            * 100.0
            * 1.1)
            .clamp(1.0, 100.0);
        let mut chart = ChartBuilder::on(&right)
            .caption("utilisation of responder units", panel_font())
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d(0.0..u_max, (0..n - 1).into_segmented())?;
        chart
            .configure_mesh()
            .x_label_formatter(&tick)
            .disable_y_mesh()
            .y_labels(n as usize + 1)
            .y_label_formatter(&|v| match v {
                // Same (reversed) order as the bars drawn below: index i is `bars[i]`.
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => bars
                    .get(*i as usize)
                    .map_or(String::new(), |b| b.code.clone()),
                SegmentValue::Last => String::new(),
            })
            .x_desc("busy time / available time [%]")
            .label_style(tick_font())
            .axis_desc_style(axis_font())
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        let c_u = PALETTE[1];
        chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
            let mut r = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(i as i32)),
                    (
                        z(b.utilisation.mean) * 100.0,
                        SegmentValue::Exact(i as i32 + 1),
                    ),
                ],
                c_u.filled(),
            );
            r.set_margin(4, 4, 0, 0);
            r
        }))?;
        chart.draw_series(
            bars.iter()
                .enumerate()
                .filter(|(_, b)| {
                    b.utilisation.ci95_low.is_finite() && b.utilisation.ci95_high.is_finite()
                })
                .map(|(i, b)| {
                    PathElement::new(
                        vec![
                            (
                                b.utilisation.ci95_low * 100.0,
                                SegmentValue::CenterOf(i as i32),
                            ),
                            (
                                b.utilisation.ci95_high * 100.0,
                                SegmentValue::CenterOf(i as i32),
                            ),
                        ],
                        BLACK.stroke_width(2),
                    )
                }),
        )?;
        Ok(())
    }
}

use super::cdf::shorten;
