//! Response-time CDF per violation type, each against its own target, from
//! `response_times_by_type.csv` (drawn only when the run wrote that file).

use super::cdf::{Cdf, DOMAINS, cdf_series, shorten};
use super::data::{Results, Table};
use super::*;
use crate::error::{Error, Result};

/// The file read.
pub const FILE: &str = "response_times_by_type.csv";

/// One violation type's curve.
#[derive(Debug, Clone)]
pub struct TypeCurve {
    /// Violation type id.
    pub id: String,
    /// Name (from `theatre.json`; the id without it).
    pub name: String,
    /// Domain key.
    pub domain: String,
    /// Target \[h\] (NaN when the file leaves it empty).
    pub target_h: f64,
    /// The CDF over every violation of the type that needs a response: never answered and
    /// still open ones (the row without `bin_end_h`) count in the total, so the curve ends at
    /// the share answered.
    pub cdf: Cdf,
}

impl TypeCurve {
    /// Share of the type's violations with a unit on scene within its target, read off the
    /// curve (linear within a bin).
    pub fn within_target(&self) -> f64 {
        let mut prev = (0.0, 0.0);
        for &(x, f) in &self.cdf.points {
            if x >= self.target_h {
                let (x0, f0) = prev;
                return if x > x0 {
                    f0 + (self.target_h - x0) / (x - x0) * (f - f0)
                } else {
                    f
                };
            }
            prev = (x, f);
        }
        prev.1
    }
}

/// The curves of `response_times_by_type.csv` (columns
/// `type,domain,target_h,bin_start_h,bin_end_h,count`), in the file's order of types.
pub fn type_curves(table: &Table, res: &Results) -> Result<Vec<TypeCurve>> {
    let bad = |m: &str| Error::Internal(format!("{FILE}: {m}"));
    let ty = table.texts("type").ok_or_else(|| bad("no type column"))?;
    let target = table
        .numbers("target_h")
        .ok_or_else(|| bad("no target_h column"))?;
    let dom = table
        .texts("domain")
        .ok_or_else(|| bad("no domain column"))?;
    let mut ids: Vec<&str> = Vec::new();
    for t in &ty {
        if !ids.contains(t) {
            ids.push(t);
        }
    }
    let mut out = Vec::new();
    for id in ids {
        let rows: Vec<usize> = (0..ty.len()).filter(|&i| ty[i] == id).collect();
        let sub = Table {
            header: table.header.clone(),
            rows: rows.iter().map(|&i| table.rows[i].clone()).collect(),
        };
        let domain = dom[rows[0]].to_string();
        let Some(k) = DOMAINS.iter().position(|d| *d == domain) else {
            continue;
        };
        let cdf = cdf_series(&sub)?.swap_remove(k);
        let name = res
            .theatre
            .as_ref()
            .and_then(|t| t.violation_types.iter().find(|v| v.id == id))
            .map_or(id.to_string(), |v| v.name.clone());
        out.push(TypeCurve {
            id: id.to_string(),
            name,
            domain,
            target_h: target[rows[0]],
            cdf,
        });
    }
    Ok(out)
}

/// The per-type CDF plot: one panel per domain with types.
#[derive(Debug, Clone)]
pub struct TypeCdfPlot {
    /// Curves, in file order.
    pub curves: Vec<TypeCurve>,
}

impl TypeCdfPlot {
    /// The plot, `None` when the run has no `response_times_by_type.csv`.
    pub fn of(res: &Results) -> Result<Option<TypeCdfPlot>> {
        let Some(t) = res.table(FILE)? else {
            return Ok(None);
        };
        let curves = type_curves(&t, res)?;
        Ok((!curves.is_empty()).then_some(TypeCdfPlot { curves }))
    }

    /// The legend label of a curve: name, target and share within it.
    pub fn label(c: &TypeCurve) -> String {
        format!(
            "{}: {:.0} % within {}",
            shorten(&c.name, 30),
            c.within_target() * 100.0,
            fmt_hours(c.target_h)
        )
    }
}

impl Figure for TypeCdfPlot {
    fn name(&self) -> String {
        "response_time_cdf_by_type".into()
    }
    fn title(&self) -> String {
        "Response time per violation type, against its own target".into()
    }
    fn description(&self) -> String {
        "Per violation type that needs a response: share of its violations with a unit on scene \
         within a given time, pooled over replications (never answered and still open ones \
         counted, so a curve ends at the share answered); its target as a dashed line of the \
         same colour; the legend gives the share within target."
            .into()
    }
    fn size(&self) -> (u32, u32) {
        (1500, 680)
    }
    fn draw_body<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let domains: Vec<&str> = DOMAINS
            .iter()
            .copied()
            .filter(|d| self.curves.iter().any(|c| c.domain == *d))
            .collect();
        let cells = area.split_evenly((1, domains.len().max(1)));
        for (d, cell) in domains.iter().zip(&cells) {
            let curves: Vec<&TypeCurve> = self.curves.iter().filter(|c| c.domain == *d).collect();
            let x_max = curves
                .iter()
                .map(|c| (c.target_h * 2.5).max(c.cdf.quantile(0.9).min(72.0)))
                .filter(|x| x.is_finite())
                .fold(1.0, f64::max)
                .min(72.0);
            let mut chart = ChartBuilder::on(cell)
                .caption(format!("{d} domain"), panel_font())
                .margin(12)
                .x_label_area_size(50)
                .y_label_area_size(64)
                .build_cartesian_2d(0.0..x_max, 0.0..1.0)?;
            chart
                .configure_mesh()
                .x_label_formatter(&tick)
                .x_desc("response time [h]")
                .y_desc("share of the type's violations")
                .y_label_formatter(&|v| format!("{:.0} %", v * 100.0))
                .label_style(tick_font())
                .axis_desc_style(axis_font())
                .light_line_style(RGBColor(235, 235, 235))
                .draw()?;
            for (i, c) in curves.iter().enumerate() {
                let colour = PALETTE[i % PALETTE.len()];
                let pts: Vec<(f64, f64)> = c
                    .cdf
                    .points
                    .iter()
                    .copied()
                    .filter(|p| p.0 <= x_max)
                    .collect();
                chart
                    .draw_series(LineSeries::new(pts, colour.stroke_width(3)))?
                    .label(TypeCdfPlot::label(c))
                    .legend(legend_line(colour, 3));
                if c.target_h.is_finite() && c.target_h <= x_max {
                    let t = c.target_h;
                    chart.draw_series((0..20).map(|k| {
                        let y0 = k as f64 / 20.0;
                        PathElement::new(vec![(t, y0), (t, y0 + 0.025)], colour.stroke_width(2))
                    }))?;
                }
            }
            super::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
        }
        Ok(())
    }
}
