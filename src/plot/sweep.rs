//! Sweeps (`sweep.json`): the KPI against one factor with a 95 % CI band; for two factors a
//! heat map with a colour bar; for more, the KPI against each factor.

use super::data::Results;
use super::*;
use crate::error::Result;
use crate::metrics::Kpi;
use crate::metrics::stats::Summary;
use crate::report::files::{PointEntry, SweepFile};
use plotters::style::colors::colormaps::ViridisRGB;

/// One point of a sweep as drawn: factor value, KPI mean and 95 % CI.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPoint {
    /// Factor value.
    pub x: f64,
    /// KPI mean.
    pub mean: f64,
    /// CI lower end.
    pub low: f64,
    /// CI upper end.
    pub high: f64,
}

/// Names of the factors.
pub fn factor_names(s: &SweepFile) -> Vec<String> {
    s.factors.iter().map(|f| f.name.clone()).collect()
}

/// A statistic of `kpi` at point `p`, NaN when the file has none.
fn stat(p: &PointEntry, kpi: Kpi, f: fn(&Summary) -> f64) -> f64 {
    p.kpis.get(kpi).map_or(f64::NAN, f)
}

/// The points of `kpi` against `factor`, sorted by the factor value.
pub fn sweep_line(s: &SweepFile, factor: &str, kpi: Kpi) -> Vec<SweepPoint> {
    let mut v: Vec<SweepPoint> = s
        .points
        .iter()
        .map(|p| SweepPoint {
            x: p.factors.get(factor).unwrap_or(f64::NAN),
            mean: stat(p, kpi, |s| s.mean),
            low: stat(p, kpi, |s| s.ci95_low),
            high: stat(p, kpi, |s| s.ci95_high),
        })
        .filter(|p| p.x.is_finite())
        .collect();
    v.sort_by(|a, b| a.x.total_cmp(&b.x));
    v
}

/// One cell of a two-factor sweep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SweepCell {
    /// Value of the first factor.
    pub x: f64,
    /// Value of the second factor.
    pub y: f64,
    /// KPI mean.
    pub mean: f64,
}

/// The cells of a two-factor sweep.
pub fn sweep_cells(s: &SweepFile, fx: &str, fy: &str, kpi: Kpi) -> Vec<SweepCell> {
    s.points
        .iter()
        .map(|p| SweepCell {
            x: p.factors.get(fx).unwrap_or(f64::NAN),
            y: p.factors.get(fy).unwrap_or(f64::NAN),
            mean: stat(p, kpi, |s| s.mean),
        })
        .filter(|c| c.x.is_finite() && c.y.is_finite())
        .collect()
}

/// KPI against one factor.
#[derive(Debug, Clone)]
pub struct LinePlot {
    /// Factor.
    pub factor: String,
    /// KPI.
    pub kpi: Kpi,
    /// Points.
    pub points: Vec<SweepPoint>,
    /// Draw a band (only when this is the only factor).
    pub band: bool,
    /// Axis description of the factor, with its unit.
    pub x_desc: String,
}

/// Heat map of two factors.
#[derive(Debug, Clone)]
pub struct HeatPlot {
    /// Factors (x, y).
    pub factors: (String, String),
    /// KPI.
    pub kpi: Kpi,
    /// Cells.
    pub cells: Vec<SweepCell>,
    /// Grid design: cells tile the plane; otherwise points.
    pub grid: bool,
    /// Axis descriptions of the factors (x, y), with their units.
    pub descs: (String, String),
}

/// A factor's axis description: its name, what it sets and the unit of its values, from the
/// factor's target as `sweep.json` writes it (e.g. `Units(x)` → `[units]`).
pub fn factor_desc(s: &SweepFile, name: &str) -> String {
    let Some(f) = s.factors.iter().find(|f| f.name == name) else {
        return name.to_string();
    };
    let kind = f.target.split('(').next().unwrap_or("");
    let unit = match kind {
        "Units" => "[units]",
        "SpeedKmh" => "[km/h]",
        "NoticeToMoveMinutes" | "ApprovalDelayMinutes" => "[min]",
        "RevisitHours" => "[h]",
        "DetectionProbability" => "[probability]",
        "RateScale" => "[× base rate]",
        _ => "",
    };
    format!("{name} = {} {unit}", f.target)
        .trim_end()
        .to_string()
}

/// A figure of a sweep.
pub enum SweepFigure {
    /// KPI against a factor.
    Line(LinePlot),
    /// Two-factor heat map.
    Heat(HeatPlot),
}

/// The figures of the sweep in `res`.
pub fn figures(res: &Results) -> Result<Vec<SweepFigure>> {
    let Some(s) = &res.sweep else {
        return Ok(Vec::new());
    };
    let kpi = s.kpi;
    let f = factor_names(s);
    Ok(match f.len() {
        0 => Vec::new(),
        2 => vec![SweepFigure::Heat(HeatPlot {
            cells: sweep_cells(s, &f[0], &f[1], kpi),
            factors: (f[0].clone(), f[1].clone()),
            kpi,
            grid: s.design == "grid",
            descs: (factor_desc(s, &f[0]), factor_desc(s, &f[1])),
        })],
        n => f
            .iter()
            .map(|name| {
                SweepFigure::Line(LinePlot {
                    factor: name.clone(),
                    points: sweep_line(s, name, kpi),
                    kpi,
                    band: n == 1,
                    x_desc: factor_desc(s, name),
                })
            })
            .collect(),
    })
}

fn range(v: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = v
        .filter(|x| x.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        });
    if !lo.is_finite() {
        (0.0, 1.0)
    } else if hi - lo < 1e-12 {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    }
}

impl Figure for LinePlot {
    fn name(&self) -> String {
        format!("sweep_{}", sanitize(&self.factor))
    }
    fn title(&self) -> String {
        format!("{} against {}", self.kpi, self.factor)
    }
    fn description(&self) -> String {
        if self.band {
            format!(
                "Mean of {} at each value of {} with its 95 % confidence band.",
                self.kpi, self.factor
            )
        } else {
            format!(
                "Mean of {} and its 95 % CI at each design point, against {} (the other factors \
                 vary too).",
                self.kpi, self.factor
            )
        }
    }
    fn size(&self) -> (u32, u32) {
        (1100, 650)
    }
    fn draw_body<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (x0, x1) = range(self.points.iter().map(|p| p.x));
        let (y0, y1) = range(self.points.iter().flat_map(|p| [p.low, p.high, p.mean]));
        let (xp, yp) = ((x1 - x0) * 0.05, (y1 - y0) * 0.1);
        let mut chart = ChartBuilder::on(area)
            .margin(14)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d((x0 - xp)..(x1 + xp), (y0 - yp)..(y1 + yp))?;
        chart
            .configure_mesh()
            .x_label_formatter(&tick)
            .y_label_formatter(&tick)
            .x_desc(self.x_desc.clone())
            .y_desc(self.kpi.description())
            .label_style(tick_font())
            .axis_desc_style(axis_font())
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        let c = PALETTE[0];
        let ok: Vec<&SweepPoint> = self
            .points
            .iter()
            .filter(|p| p.low.is_finite() && p.high.is_finite())
            .collect();
        if self.band && ok.len() >= 2 {
            let mut poly: Vec<(f64, f64)> = ok.iter().map(|p| (p.x, p.high)).collect();
            poly.extend(ok.iter().rev().map(|p| (p.x, p.low)));
            chart
                .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.2).filled())))?
                .label("95 % confidence band")
                .legend(legend_box(RGBColor(190, 215, 235)));
        } else {
            chart
                .draw_series(ok.iter().map(|p| {
                    PathElement::new(vec![(p.x, p.low), (p.x, p.high)], c.stroke_width(2))
                }))?
                .label("95 % CI")
                .legend(legend_line(c, 2));
        }
        let pts: Vec<(f64, f64)> = self
            .points
            .iter()
            .filter(|p| p.mean.is_finite())
            .map(|p| (p.x, p.mean))
            .collect();
        if self.band {
            chart.draw_series(LineSeries::new(pts.clone(), c.stroke_width(3)))?;
        }
        chart
            .draw_series(pts.iter().map(|p| Circle::new(*p, 5, c.filled())))?
            .label(format!("mean {}", self.kpi))
            .legend(|(x, y)| Circle::new((x + 8, y), 5, PALETTE[0].filled()));
        super::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// Distinct sorted values.
fn levels(v: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut l: Vec<f64> = v.filter(|x| x.is_finite()).collect();
    l.sort_by(f64::total_cmp);
    l.dedup_by(|a, b| (*a - *b).abs() < 1e-12);
    l
}

/// Cell edges around sorted levels: midpoints between neighbours.
fn edges(l: &[f64]) -> Vec<f64> {
    if l.len() == 1 {
        return vec![l[0] - 0.5, l[0] + 0.5];
    }
    let mut e = vec![l[0] - (l[1] - l[0]) / 2.0];
    for w in l.windows(2) {
        e.push((w[0] + w[1]) / 2.0);
    }
    let n = l.len();
    e.push(l[n - 1] + (l[n - 1] - l[n - 2]) / 2.0);
    e
}

impl Figure for HeatPlot {
    fn name(&self) -> String {
        "sweep_heatmap".into()
    }
    fn title(&self) -> String {
        format!("{} over {} × {}", self.kpi, self.factors.0, self.factors.1)
    }
    fn description(&self) -> String {
        format!(
            "Mean of {} at each design point; colour scale on the right{}.",
            self.kpi,
            if self.grid {
                ""
            } else {
                " (latin-hypercube design: one dot per point)"
            }
        )
    }
    fn size(&self) -> (u32, u32) {
        (1200, 800)
    }
    fn draw_body<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let (w, _) = area.dim_in_pixel();
        let (main, bar) = area.split_horizontally(w - 160);
        let xs = levels(self.cells.iter().map(|c| c.x));
        let ys = levels(self.cells.iter().map(|c| c.y));
        let (vmin, vmax) = range(self.cells.iter().map(|c| c.mean));
        let (ex, ey) = (edges(&xs), edges(&ys));
        let (x0, x1, y0, y1) = if self.grid {
            (ex[0], ex[ex.len() - 1], ey[0], ey[ey.len() - 1])
        } else {
            let (a, b) = range(xs.iter().copied());
            let (c, d) = range(ys.iter().copied());
            (
                a - (b - a) * 0.05,
                b + (b - a) * 0.05,
                c - (d - c) * 0.05,
                d + (d - c) * 0.05,
            )
        };
        let mut chart = ChartBuilder::on(&main)
            .margin(14)
            .x_label_area_size(50)
            .y_label_area_size(80)
            .build_cartesian_2d(x0..x1, y0..y1)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_label_formatter(&tick)
            .y_label_formatter(&tick)
            .x_desc(self.descs.0.clone())
            .y_desc(self.descs.1.clone())
            .label_style(tick_font())
            .axis_desc_style(axis_font())
            .draw()?;
        let colour = |v: f64| ViridisRGB::get_color_normalized(v, vmin, vmax);
        for &SweepCell { x, y, mean: v } in &self.cells {
            if !v.is_finite() {
                continue;
            }
            if self.grid {
                let i = xs.iter().position(|a| (a - x).abs() < 1e-12).unwrap_or(0);
                let j = ys.iter().position(|a| (a - y).abs() < 1e-12).unwrap_or(0);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(ex[i], ey[j]), (ex[i + 1], ey[j + 1])],
                    colour(v).filled(),
                )))?;
                let light = (v - vmin) / (vmax - vmin) > 0.6;
                chart.draw_series(std::iter::once(Text::new(
                    tick(&((v * 100.0).round() / 100.0)),
                    (x, y),
                    TextStyle::from((FONT, 18).into_font())
                        .color(if light { &BLACK } else { &WHITE })
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )))?;
            } else {
                chart.draw_series(std::iter::once(Circle::new((x, y), 9, colour(v).filled())))?;
            }
        }
        let mut cb = ChartBuilder::on(&bar)
            .margin_top(30)
            .margin_bottom(60)
            .margin_right(10)
            .y_label_area_size(80)
            .build_cartesian_2d(0.0..1.0, vmin..vmax)?;
        cb.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_label_formatter(&tick)
            .y_desc(self.kpi.description())
            .label_style(tick_font())
            .axis_desc_style(axis_font())
            .draw()?;
        let steps = 100;
        cb.draw_series((0..steps).map(|i| {
            let a = vmin + (vmax - vmin) * i as f64 / steps as f64;
            let b = vmin + (vmax - vmin) * (i + 1) as f64 / steps as f64;
            Rectangle::new([(0.0, a), (1.0, b)], colour((a + b) / 2.0).filled())
        }))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_are_midpoints() {
        assert_eq!(edges(&[2.0, 4.0, 8.0]), vec![1.0, 3.0, 6.0, 10.0]);
        assert_eq!(edges(&[5.0]), vec![4.5, 5.5]);
        assert_eq!(levels([3.0, 1.0, 3.0].into_iter()), vec![1.0, 3.0]);
    }
}
