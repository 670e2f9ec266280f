//! Stage breakdown: where the time of a response goes, per domain.

use super::data::Results;
use super::*;
use crate::error::Result;
use crate::metrics::Kpi;
use crate::report::files::SummaryFile;
use crate::scenario::Domain;
use plotters::coord::ranged1d::SegmentValue;

/// The stages in the order of a response, with their KPI names and labels.
pub const STAGES: [(Kpi, &str); 7] = [
    (Kpi::DetectionLatencyMeanH, "detection"),
    (Kpi::ReportingDelayMeanH, "reporting"),
    (Kpi::DecisionTimeMeanH, "HQ processing"),
    (Kpi::QueueWaitMeanH, "queue wait"),
    (Kpi::ApprovalDelayMeanH, "national approval"),
    (Kpi::NoticeToMoveMeanH, "notice to move"),
    (Kpi::TransitMeanH, "transit"),
];

/// The mean of `kpi` in domain `d` of `summary`, NaN when the file has none.
fn domain_mean(summary: &SummaryFile, d: Domain, kpi: Kpi) -> f64 {
    summary
        .by_domain
        .get(d)
        .get(kpi)
        .map_or(f64::NAN, |s| s.mean)
}

/// Mean hours per stage and domain (rows air, sea, land; columns [`STAGES`]), as drawn:
/// from `summary.json` `by_domain`, undefined (null) means drawn as zero.
pub fn stage_means(summary: &SummaryFile) -> [[f64; 7]; 3] {
    let mut out = [[0.0; 7]; 3];
    for dom in Domain::ALL {
        for (k, (kpi, _)) in STAGES.iter().enumerate() {
            let v = domain_mean(summary, dom, *kpi);
            out[dom.index()][k] = if v.is_finite() { v } else { 0.0 };
        }
    }
    out
}

/// The stage breakdown plot.
#[derive(Debug, Clone)]
pub struct StagePlot {
    /// Means per domain and stage.
    pub means: [[f64; 7]; 3],
    /// Mean response time per domain, for reference.
    pub response_mean: [f64; 3],
}

impl StagePlot {
    /// The plot of a run.
    pub fn of(res: &Results) -> Result<StagePlot> {
        let s = res.summary.as_ref().expect("called for runs");
        let mut response_mean = [f64::NAN; 3];
        for dom in Domain::ALL {
            response_mean[dom.index()] = domain_mean(s, dom, Kpi::ResponseTimeMeanH);
        }
        Ok(StagePlot {
            means: stage_means(s),
            response_mean,
        })
    }
}

/// Stage colours.
const STAGE_COLOURS: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(240, 228, 66),
    RGBColor(204, 121, 167),
];

impl Figure for StagePlot {
    fn name(&self) -> String {
        "stage_breakdown".into()
    }
    fn title(&self) -> String {
        "Where the time goes: mean time per stage and domain".into()
    }
    fn description(&self) -> String {
        "Mean hours spent in each stage from occurrence to a unit on scene (detection, reporting, \
         HQ processing, queue wait, national approval, notice to move, transit), per domain, \
         averaged over replications; each stage is averaged over the violations that reached it, so \
         the sum (Σ) can differ from the mean response time (black tick)."
            .into()
    }
    fn size(&self) -> (u32, u32) {
        (1300, 560)
    }
    fn draw_body<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let totals: Vec<f64> = self.means.iter().map(|r| r.iter().sum()).collect();
        let x_max = nice_max(totals.iter().copied().fold(0.0, f64::max)) * 1.12;
        let mut chart = ChartBuilder::on(area)
            .margin(14)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..x_max, (0..2).into_segmented())?;
        chart
            .configure_mesh()
            .x_label_formatter(&tick)
            .disable_y_mesh()
            .y_labels(4)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => super::cdf::DOMAINS
                    .get(*i as usize)
                    .map_or(String::new(), |d| (*d).to_string()),
                SegmentValue::Last => String::new(),
            })
            .x_desc("mean time [h]")
            .label_style(tick_font())
            .axis_desc_style(axis_font())
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        for (k, (_, label)) in STAGES.iter().enumerate() {
            let colour = STAGE_COLOURS[k];
            chart
                .draw_series((0..3).map(|d| {
                    let x0: f64 = self.means[d][..k].iter().sum();
                    let x1 = x0 + self.means[d][k];
                    let mut r = Rectangle::new(
                        [
                            (x0, SegmentValue::Exact(d as i32)),
                            (x1, SegmentValue::Exact(d as i32 + 1)),
                        ],
                        colour.filled(),
                    );
                    r.set_margin(18, 18, 0, 0);
                    r
                }))?
                .label(*label)
                .legend(legend_box(colour));
        }
        chart
            .draw_series(
                (0..3)
                    .filter(|d| self.response_mean[*d].is_finite())
                    .map(|d| {
                        let mut r = Rectangle::new(
                            [
                                (self.response_mean[d], SegmentValue::Exact(d as i32)),
                                (self.response_mean[d], SegmentValue::Exact(d as i32 + 1)),
                            ],
                            BLACK.stroke_width(3),
                        );
                        r.set_margin(8, 8, 0, 0);
                        r
                    }),
            )?
            .label("mean response time")
            .legend(|(x, y)| {
                PathElement::new(vec![(x + 8, y - 7), (x + 8, y + 7)], BLACK.stroke_width(3))
            });
        chart.draw_series((0..3).map(|d| {
            Text::new(
                format!("Σ {:.2} h", totals[d]),
                (totals[d] + x_max * 0.01, SegmentValue::CenterOf(d as i32)),
                TextStyle::from((FONT, 15).into_font()).color(&BLACK),
            )
        }))?;
        super::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}
