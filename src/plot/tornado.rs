//! The tornado plot of a sweep (`sweep.json`'s `factor_effects`): one horizontal bar per
//! factor from zero to its effect on the KPI, with its 95 % interval, the largest on top.

use super::data::Results;
use super::*;
use crate::metrics::Kpi;
use crate::report::files::SweepFile;
use plotters::prelude::SegmentValue;

/// One bar: a factor's estimated effect.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoBar {
    /// Factor name.
    pub factor: String,
    /// Coefficient (half the change of the KPI over the factor's range).
    pub effect: f64,
    /// Lower end of its 95 % interval.
    pub low: f64,
    /// Upper end of its 95 % interval.
    pub high: f64,
}

/// The bars of `s`, largest effect first; factors without an estimate are left out.
pub fn tornado_bars(s: &SweepFile) -> Vec<TornadoBar> {
    let mut e: Vec<_> = s
        .factor_effects
        .iter()
        .filter(|e| e.coefficient.is_finite())
        .collect();
    e.sort_by_key(|e| e.rank);
    e.iter()
        .map(|e| TornadoBar {
            factor: e.factor.clone(),
            effect: e.coefficient,
            low: e.ci95_low,
            high: e.ci95_high,
        })
        .collect()
}

/// The label drawn at a bar's end: its effect with three decimals and a sign.
pub fn value_label(effect: f64) -> String {
    format!("{effect:+.3}")
}

/// Tornado plot of the factor effects of a sweep.
#[derive(Debug, Clone)]
pub struct TornadoPlot {
    /// KPI.
    pub kpi: Kpi,
    /// Bars, largest first.
    pub bars: Vec<TornadoBar>,
}

impl TornadoPlot {
    /// The plot of `res`, if it is a sweep with estimated effects.
    pub fn of(res: &Results) -> Option<TornadoPlot> {
        let s = res.sweep.as_ref()?;
        let bars = tornado_bars(s);
        (!bars.is_empty()).then_some(TornadoPlot { kpi: s.kpi, bars })
    }
}

impl Figure for TornadoPlot {
    fn name(&self) -> String {
        "sweep_tornado".into()
    }
    fn title(&self) -> String {
        format!("Factor effects on {}", self.kpi)
    }
    fn description(&self) -> String {
        format!(
            "Effect of each factor on the mean {}: half the change from the factor's min to its \
             max, from a least-squares fit of the design-point means on the factors coded -1..1, \
             with 95 % t intervals; largest effect on top.",
            self.kpi
        )
    }
    fn size(&self) -> (u32, u32) {
        (1100, 200 + 48 * self.bars.len() as u32)
    }
    fn draw_body<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let n = self.bars.len().max(1) as i32;
        let fin = |x: &f64| x.is_finite();
        let lo = self
            .bars
            .iter()
            .flat_map(|b| [b.low, b.effect])
            .filter(fin)
            .fold(0.0, f64::min);
        let hi = self
            .bars
            .iter()
            .flat_map(|b| [b.high, b.effect])
            .filter(fin)
            .fold(0.0, f64::max);
        let pad = ((hi - lo) * 0.12).max(1e-6);
        // Bar i (rank i + 1) sits in row n − 1 − i, so the largest is on top.
        let row = |i: usize| n - 1 - i as i32;
        let mut chart = ChartBuilder::on(area)
            .margin(14)
            .x_label_area_size(50)
            .y_label_area_size(200)
            .build_cartesian_2d((lo - pad)..(hi + pad), (0..n - 1).into_segmented())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n as usize + 1)
            .x_label_formatter(&tick)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(r) | SegmentValue::Exact(r) => self
                    .bars
                    .get((n - 1 - *r) as usize)
                    .map_or(String::new(), |b| b.factor.clone()),
                SegmentValue::Last => String::new(),
            })
            .x_desc(format!(
                "effect on {} (half the change over the range)",
                self.kpi
            ))
            .label_style(tick_font())
            .axis_desc_style(axis_font())
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Exact(n))],
            BLACK.stroke_width(1),
        )))?;
        for (i, b) in self.bars.iter().enumerate() {
            let colour = if b.effect >= 0.0 {
                PALETTE[1]
            } else {
                PALETTE[0]
            };
            let r = row(i);
            chart.draw_series(std::iter::once(Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(r)),
                    (b.effect, SegmentValue::Exact(r + 1)),
                ],
                colour.mix(0.75).filled(),
            )))?;
            if b.low.is_finite() && b.high.is_finite() {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![
                        (b.low, SegmentValue::CenterOf(r)),
                        (b.high, SegmentValue::CenterOf(r)),
                    ],
                    BLACK.stroke_width(2),
                )))?;
            }
            let (x, anchor) = if b.effect >= 0.0 {
                (b.high.max(b.effect), HPos::Left)
            } else {
                (b.low.min(b.effect), HPos::Right)
            };
            let x = if x.is_finite() { x } else { b.effect };
            chart.draw_series(std::iter::once(Text::new(
                value_label(b.effect),
                (x, SegmentValue::CenterOf(r)),
                TextStyle::from((FONT, 15).into_font())
                    .color(&BLACK)
                    .pos(Pos::new(anchor, VPos::Center)),
            )))?;
        }
        Ok(())
    }
}
