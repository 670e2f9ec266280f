//! Comparison of force options (`comparison.json`): KPI means with 95 % CIs per option, paired
//! differences against the baseline with their CIs, and the response-time CDF of every option.

use super::cdf::{Cdf, CdfPlot, Curve, DOMAINS, Panel, cdf_series, shorten, targets};
use super::data::{Results, Table};
use super::*;
use crate::error::Result;
use crate::experiment::compare::Verdict;
use crate::metrics::{Kpi, Unit};
use crate::report::files::{ComparisonFile, TheatreFile};
use plotters::coord::ranged1d::SegmentValue;

/// One row of an interval plot: a point with an interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Interval {
    /// Label (option name).
    pub label: String,
    /// Point estimate.
    pub mean: f64,
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Verdict for differences (`None` for option means).
    pub verdict: Option<Verdict>,
}

/// Means and 95 % CIs of `kpi` per option, in file order (NaN where the file has none).
pub fn option_kpis(c: &ComparisonFile, kpi: Kpi) -> Vec<Interval> {
    c.options
        .iter()
        .map(|o| {
            let k = o.kpis.get(kpi);
            let f = |x: fn(&crate::metrics::stats::Summary) -> f64| k.map_or(f64::NAN, x);
            Interval {
                label: o.name.clone(),
                mean: f(|s| s.mean),
                low: f(|s| s.ci95_low),
                high: f(|s| s.ci95_high),
                verdict: None,
            }
        })
        .collect()
}

/// Paired differences of `kpi` against the baseline, per non-baseline option.
pub fn differences(c: &ComparisonFile, kpi: Kpi) -> Vec<Interval> {
    c.options
        .iter()
        .filter_map(|o| {
            let d = o.vs_baseline.as_ref()?.get(kpi)?;
            Some(Interval {
                label: o.name.clone(),
                mean: d.mean,
                low: d.ci_low,
                high: d.ci_high,
                verdict: Some(d.verdict),
            })
        })
        .collect()
}

/// The KPIs shown: the study's decision KPI first, then a few that explain it.
pub fn shown_kpis(c: &ComparisonFile) -> Vec<Kpi> {
    let mut v = vec![c.kpi];
    for k in [
        Kpi::ResponseTimeP90H,
        Kpi::WithinTargetShare,
        Kpi::RespondedShare,
        Kpi::Utilisation,
    ] {
        if v.len() < 4 && !v.contains(&k) {
            v.push(k);
        }
    }
    v.retain(|k| c.options.iter().any(|o| o.kpis.has(*k)));
    v
}

/// A panel of an interval plot.
#[derive(Debug, Clone)]
pub struct IntervalPanel {
    /// Panel title (KPI).
    pub title: String,
    /// Axis description.
    pub x_desc: String,
    /// Rows, top to bottom.
    pub rows: Vec<Interval>,
    /// Draw a line at zero (differences).
    pub zero_line: bool,
}

/// Points with intervals, one panel per KPI.
#[derive(Debug, Clone)]
pub struct IntervalPlot {
    name: String,
    title: String,
    description: String,
    /// Panels.
    pub panels: Vec<IntervalPanel>,
}

/// A figure of a comparison.
pub enum CompareFigure {
    /// KPI means per option.
    Kpis(IntervalPlot),
    /// Paired differences against the baseline.
    Diffs(IntervalPlot),
    /// Response-time CDF per option.
    Cdf(CdfPlot),
}

/// The figures of the comparison in `res`.
pub fn figures(res: &Results) -> Result<Vec<CompareFigure>> {
    let Some(c) = &res.comparison else {
        return Ok(Vec::new());
    };
    let kpis = shown_kpis(c);
    let mut out = Vec::new();
    let conf = c.per_comparison_confidence;
    out.push(CompareFigure::Kpis(IntervalPlot {
        name: "comparison_kpis".into(),
        title: "Force options: KPI means with 95 % confidence intervals".into(),
        description: "Mean over replications of each KPI per option, with its 95 % confidence \
                      interval (Student t)."
            .into(),
        panels: kpis
            .iter()
            .map(|&k| IntervalPanel {
                title: k.name().into(),
                x_desc: k.description(),
                rows: option_kpis(c, k),
                zero_line: false,
            })
            .collect(),
    }));
    let diff_panels: Vec<IntervalPanel> = kpis
        .iter()
        .map(|&k| IntervalPanel {
            title: format!("option minus baseline: {}", k.name()),
            x_desc: diff_desc(k),
            rows: in_display_unit(k, differences(c, k)),
            zero_line: true,
        })
        .filter(|p| !p.rows.is_empty())
        .collect();
    if !diff_panels.is_empty() {
        out.push(CompareFigure::Diffs(IntervalPlot {
            name: "comparison_differences".into(),
            title: "Each option minus the baseline (paired differences; times in minutes)".into(),
            description: format!(
                "Difference option − baseline per replication pair (common random numbers), mean \
                 and {} interval ({} correction over {} comparisons); green: better, red: worse, \
                 grey: no difference shown.",
                if conf.is_finite() {
                    format!("{:.1} %", conf * 100.0)
                } else {
                    "confidence".into()
                },
                c.correction,
                c.comparisons
            ),
            panels: diff_panels,
        }));
    }
    // CDFs from the per-option run outputs.
    let mut curves: [Vec<Curve>; 3] = Default::default();
    let mut theatre = None;
    for (i, o) in c.options.iter().enumerate() {
        let name = o.name.as_str();
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            continue;
        }
        let odir = res.dir.join("options").join(name);
        let p = odir.join("response_times.csv");
        if !p.is_file() {
            continue;
        }
        if theatre.is_none() {
            theatre = crate::report::files::read::<TheatreFile>(&odir.join("theatre.json")).ok();
        }
        let cdfs: Vec<Cdf> = cdf_series(&Table::read(&p)?)?;
        for (k, cdf) in cdfs.into_iter().enumerate() {
            curves[k].push(Curve {
                label: shorten(name, 22),
                colour: PALETTE[i % PALETTE.len()],
                cdf,
            });
        }
    }
    if curves.iter().any(|c| !c.is_empty()) {
        let t = targets(theatre.as_ref().or(res.theatre.as_ref()));
        out.push(CompareFigure::Cdf(CdfPlot {
            name: "comparison_cdf".into(),
            panels: curves
                .into_iter()
                .enumerate()
                .map(|(k, curves)| Panel {
                    domain: DOMAINS[k].to_string(),
                    curves,
                    targets: t[k].clone(),
                })
                .collect(),
        }));
    }
    Ok(out)
}

/// Axis description of a difference: times in minutes, shares in percentage points.
pub fn diff_desc(k: Kpi) -> String {
    let what = k.name().trim_end_matches("_h").replace('_', " ");
    match k.unit() {
        Unit::Hours => format!("option minus baseline: {what} [min]"),
        Unit::Share => format!("option minus baseline: {what} [percentage points]"),
        Unit::Count => format!("option minus baseline: {what}"),
    }
}

/// Differences in the unit they are drawn in: hours × 60 (minutes), shares × 100
/// (percentage points).
pub fn in_display_unit(k: Kpi, rows: Vec<Interval>) -> Vec<Interval> {
    let f = match k.unit() {
        Unit::Hours => 60.0,
        Unit::Share => 100.0,
        Unit::Count => 1.0,
    };
    rows.into_iter()
        .map(|r| Interval {
            mean: r.mean * f,
            low: r.low * f,
            high: r.high * f,
            ..r
        })
        .collect()
}

fn verdict_colour(v: Option<Verdict>) -> RGBColor {
    match v {
        Some(Verdict::Better) => RGBColor(26, 127, 55),
        Some(Verdict::Worse) => RGBColor(180, 35, 24),
        _ => RGBColor(110, 110, 110),
    }
}

impl Figure for IntervalPlot {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn title(&self) -> String {
        self.title.clone()
    }
    fn description(&self) -> String {
        self.description.clone()
    }
    fn size(&self) -> (u32, u32) {
        let rows = self.panels.iter().map(|p| p.rows.len()).max().unwrap_or(1) as u32;
        let cols = self.panels.len().clamp(1, 2) as u32;
        let prow = self.panels.len().div_ceil(2).max(1) as u32;
        (
            if cols == 1 { 900 } else { 1400 },
            110 + prow * (130 + 44 * rows),
        )
    }
    fn draw_body<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let cols = self.panels.len().clamp(1, 2);
        let rows = self.panels.len().div_ceil(2).max(1);
        let cells = area.split_evenly((rows, cols));
        for (p, cell) in self.panels.iter().zip(&cells) {
            let n = p.rows.len().max(1) as i32;
            let fin = |x: f64| x.is_finite();
            let mut lo = p
                .rows
                .iter()
                .flat_map(|r| [r.low, r.mean])
                .filter(|x| fin(*x))
                .fold(f64::INFINITY, f64::min);
            let mut hi = p
                .rows
                .iter()
                .flat_map(|r| [r.high, r.mean])
                .filter(|x| fin(*x))
                .fold(f64::NEG_INFINITY, f64::max);
            if p.zero_line {
                lo = lo.min(0.0);
                hi = hi.max(0.0);
            }
            if !lo.is_finite() || !hi.is_finite() {
                (lo, hi) = (0.0, 1.0);
            }
            let pad = ((hi - lo) * 0.1).max(1e-6);
            let mut chart = ChartBuilder::on(cell)
                .caption(&p.title, panel_font())
                .margin(12)
                .x_label_area_size(48)
                .y_label_area_size(170)
                .build_cartesian_2d((lo - pad)..(hi + pad), (0..n - 1).into_segmented())?;
            chart
                .configure_mesh()
                .disable_y_mesh()
                .y_labels(n as usize + 1)
                .x_label_formatter(&tick)
                .y_label_formatter(&|v| match v {
                    SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => p
                        .rows
                        .get(*i as usize)
                        .map_or(String::new(), |r| shorten(&r.label, 20)),
                    SegmentValue::Last => String::new(),
                })
                .x_desc(&p.x_desc)
                .label_style(tick_font())
                .axis_desc_style(axis_font())
                .light_line_style(RGBColor(235, 235, 235))
                .draw()?;
            if p.zero_line {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, SegmentValue::Exact(0)), (0.0, SegmentValue::Exact(n))],
                    BLACK.stroke_width(1),
                )))?;
            }
            for (i, r) in p.rows.iter().enumerate() {
                if !r.mean.is_finite() {
                    continue;
                }
                let colour = if p.zero_line {
                    verdict_colour(r.verdict)
                } else {
                    PALETTE[i % PALETTE.len()]
                };
                let y = || SegmentValue::CenterOf(i as i32);
                if r.low.is_finite() && r.high.is_finite() {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(r.low, y()), (r.high, y())],
                        colour.stroke_width(3),
                    )))?;
                }
                chart.draw_series(std::iter::once(Circle::new(
                    (r.mean, y()),
                    6,
                    colour.filled(),
                )))?;
                let text = if let Some(v) = r.verdict.filter(|_| p.zero_line) {
                    format!("{} {}", tick(&round3(r.mean)), v.key())
                } else {
                    tick(&round3(r.mean))
                };
                chart.draw_series(std::iter::once(Text::new(
                    text,
                    (r.mean, SegmentValue::Exact(i as i32)),
                    TextStyle::from((FONT, 14).into_font()).color(&colour),
                )))?;
            }
        }
        Ok(())
    }
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
