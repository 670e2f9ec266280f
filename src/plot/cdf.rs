//! Response-time CDF per domain, with the response-time targets as vertical lines.

use super::data::{Results, Table};
use super::*;
use crate::error::{Error, Result};
use crate::report::files::TheatreFile;

/// The domains in the order of the files.
pub const DOMAINS: [&str; 3] = ["air", "sea", "land"];

/// The empirical CDF of one domain's pooled response times, as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Cdf {
    /// `air`, `sea` or `land`.
    pub domain: String,
    /// Responses counted.
    pub total: u64,
    /// Responses of 72 h or more (the overflow bin).
    pub overflow: u64,
    /// The drawn polyline: (response time \[h\], share of responses ≤ it), from (0, 0) through
    /// the end of every finite bin; linear within a bin.
    pub points: Vec<(f64, f64)>,
}

impl Cdf {
    /// The `q` quantile read off the drawn curve (linear within 5-minute bins); NaN when
    /// there are no responses, 72 h when it falls in the overflow bin.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        for w in self.points.windows(2) {
            let ((x0, f0), (x1, f1)) = (w[0], w[1]);
            if f1 >= q && f1 > f0 {
                return x0 + (q - f0) / (f1 - f0) * (x1 - x0);
            }
        }
        self.points.last().map_or(f64::NAN, |p| p.0)
    }
}

/// The CDF curves of `response_times.csv`, one per domain in [`DOMAINS`] order.
pub fn cdf_series(table: &Table) -> Result<Vec<Cdf>> {
    let bad = |m: &str| Error::Internal(format!("response_times.csv: {m}"));
    let dom = table
        .texts("domain")
        .ok_or_else(|| bad("no domain column"))?;
    let start = table
        .numbers("bin_start_h")
        .ok_or_else(|| bad("no bin_start_h column"))?;
    let end = table
        .texts("bin_end_h")
        .ok_or_else(|| bad("no bin_end_h column"))?;
    let count = table
        .numbers("count")
        .ok_or_else(|| bad("no count column"))?;
    Ok(DOMAINS
        .iter()
        .map(|d| {
            let rows: Vec<usize> = (0..dom.len()).filter(|&i| dom[i] == *d).collect();
            let total: f64 = rows.iter().map(|&i| count[i].max(0.0)).sum();
            let mut points = vec![(0.0, 0.0)];
            let mut cum = 0.0;
            let mut overflow = 0.0;
            for &i in &rows {
                let c = count[i].max(0.0);
                match end[i].parse::<f64>() {
                    Ok(e) if e.is_finite() => {
                        cum += c;
                        if total > 0.0 {
                            points.push((e, cum / total));
                        }
                    }
                    _ => {
                        overflow += c;
                        let _ = start[i];
                    }
                }
            }
            if total == 0.0 {
                points.clear();
            }
            Cdf {
                domain: (*d).to_string(),
                total: total as u64,
                overflow: overflow as u64,
                points,
            }
        })
        .collect())
}

/// Response-time targets per domain from `theatre.json`: (target \[h\], violation type names).
pub fn targets(theatre: Option<&TheatreFile>) -> [Vec<(f64, String)>; 3] {
    let mut out: [Vec<(f64, String)>; 3] = Default::default();
    let Some(types) = theatre.map(|t| &t.violation_types) else {
        return out;
    };
    for t in types {
        let Some(h) = t.target_h else {
            continue;
        };
        let Some(k) = DOMAINS.iter().position(|x| *x == t.domain) else {
            continue;
        };
        let name = t.name.clone();
        match out[k].iter_mut().find(|(x, _)| (*x - h).abs() < 1e-9) {
            Some((_, names)) => {
                names.push_str(", ");
                names.push_str(&name);
            }
            None => out[k].push((h, name)),
        }
    }
    for v in &mut out {
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    out
}

/// One curve of a panel.
#[derive(Debug, Clone)]
pub struct Curve {
    /// Legend label.
    pub label: String,
    /// Colour.
    pub colour: RGBColor,
    /// The CDF.
    pub cdf: Cdf,
}

/// One panel (domain) of the CDF plot.
#[derive(Debug, Clone)]
pub struct Panel {
    /// `air`, `sea` or `land`.
    pub domain: String,
    /// Curves.
    pub curves: Vec<Curve>,
    /// Targets: (hours, label).
    pub targets: Vec<(f64, String)>,
}

/// The response-time CDF plot: one panel per domain.
#[derive(Debug, Clone)]
pub struct CdfPlot {
    /// File stem.
    pub name: String,
    /// Panels in [`DOMAINS`] order.
    pub panels: Vec<Panel>,
}

impl CdfPlot {
    /// The plot of a run directory.
    pub fn of_run(res: &Results) -> Result<CdfPlot> {
        let table = res.table("response_times.csv")?.ok_or_else(|| {
            Error::Usage(format!("{} has no response_times.csv", res.dir.display()))
        })?;
        let cdfs = cdf_series(&table)?;
        let targets = targets(res.theatre.as_ref());
        let panels = cdfs
            .into_iter()
            .enumerate()
            .map(|(k, cdf)| Panel {
                domain: DOMAINS[k].to_string(),
                curves: vec![Curve {
                    label: format!("{} ({} responses)", DOMAINS[k], cdf.total),
                    colour: DOMAIN_COLOURS[k],
                    cdf,
                }],
                targets: targets[k].clone(),
            })
            .collect();
        Ok(CdfPlot {
            name: "response_time_cdf".into(),
            panels,
        })
    }
}

impl Panel {
    /// Upper end of the panel's time axis: beyond the 98th percentile of every curve and
    /// the targets, at most 72 h.
    pub fn x_max(&self) -> f64 {
        let mut m: f64 = 1.0;
        for c in &self.curves {
            let q = c.cdf.quantile(0.98);
            if q.is_finite() {
                m = m.max(q);
            }
        }
        for (t, _) in &self.targets {
            m = m.max(*t * 1.5);
        }
        (m * 1.05).min(72.0)
    }
}

impl Figure for CdfPlot {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn title(&self) -> String {
        "Response time: cumulative distribution per domain".into()
    }
    fn description(&self) -> String {
        "Share of violations needing a response that had a unit on scene within a given time \
         (pooled over all replications, 5-minute bins), with the response-time targets as dashed \
         lines; the 90th percentile is marked."
            .into()
    }
    fn size(&self) -> (u32, u32) {
        (1500, 620)
    }
    fn draw_body<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let cells = area.split_evenly((1, self.panels.len().max(1)));
        for (panel, cell) in self.panels.iter().zip(&cells) {
            let x_max = panel.x_max();
            let mut chart = ChartBuilder::on(cell)
                .caption(format!("{} domain", panel.domain), panel_font())
                .margin(12)
                .x_label_area_size(50)
                .y_label_area_size(64)
                .build_cartesian_2d(0.0..x_max, 0.0..1.0)?;
            chart
                .configure_mesh()
                .x_label_formatter(&tick)
                .x_desc("response time [h]")
                .y_desc("share of responses ≤ time")
                .y_label_formatter(&|v| format!("{:.0} %", v * 100.0))
                .label_style(tick_font())
                .axis_desc_style(axis_font())
                .light_line_style(RGBColor(235, 235, 235))
                .draw()?;
            let mut any = false;
            for c in &panel.curves {
                if c.cdf.total == 0 {
                    continue;
                }
                any = true;
                let colour = c.colour;
                let pts: Vec<(f64, f64)> = clip_x(&c.cdf.points, x_max);
                chart
                    .draw_series(LineSeries::new(pts, colour.stroke_width(3)))?
                    .label(format!(
                        "{}: p90 {}",
                        c.label,
                        fmt_hours(c.cdf.quantile(0.9))
                    ))
                    .legend(legend_line(colour, 3));
                let p90 = c.cdf.quantile(0.9);
                if p90 <= x_max {
                    chart.draw_series(std::iter::once(Circle::new(
                        (p90, 0.9),
                        5,
                        colour.filled(),
                    )))?;
                }
            }
            for (i, (t, label)) in panel.targets.iter().enumerate() {
                if *t > x_max {
                    continue;
                }
                let style = RGBColor(200, 30, 30).stroke_width(2);
                let dashes = (0..20).map(|k| {
                    let y0 = k as f64 / 20.0;
                    PathElement::new(vec![(*t, y0), (*t, y0 + 0.03)], style)
                });
                chart
                    .draw_series(dashes)?
                    .label(format!("target {}: {}", fmt_hours(*t), shorten(label, 34)))
                    .legend(legend_line(RGBColor(200, 30, 30), 2));
                chart.draw_series(std::iter::once(Text::new(
                    fmt_hours(*t),
                    (*t, 1.0 - 0.04 * (i % 2) as f64),
                    TextStyle::from((FONT, 13).into_font()).color(&RGBColor(170, 20, 20)),
                )))?;
            }
            if any {
                super::legend(&mut chart, SeriesLabelPosition::LowerRight)?;
            } else {
                chart.draw_series(std::iter::once(Text::new(
                    "no responses in this domain",
                    (x_max * 0.25, 0.5),
                    TextStyle::from((FONT, 16).into_font()).color(&GREY),
                )))?;
            }
        }
        Ok(())
    }
}

/// Cuts a polyline at `x_max`, interpolating the last point.
fn clip_x(points: &[(f64, f64)], x_max: f64) -> Vec<(f64, f64)> {
    let mut out = Vec::with_capacity(points.len());
    for (i, &(x, y)) in points.iter().enumerate() {
        if x <= x_max {
            out.push((x, y));
        } else {
            if i > 0 {
                let (x0, y0) = points[i - 1];
                out.push((x_max, y0 + (y - y0) * (x_max - x0) / (x - x0)));
            }
            break;
        }
    }
    out
}

/// Shortens a label to `n` characters with an ellipsis.
pub(crate) fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[(&str, f64, &str, u64)]) -> Table {
        let mut s = String::from("domain,bin_start_h,bin_end_h,count\n");
        for (d, a, b, c) in rows {
            s.push_str(&format!("{d},{a},{b},{c}\n"));
        }
        Table::parse(&s, "t").unwrap()
    }

    #[test]
    fn quantile_interpolates_within_bins() {
        let t = table(&[
            ("air", 0.0, "1", 5),
            ("air", 1.0, "2", 5),
            ("air", 2.0, "inf", 0),
            ("sea", 0.0, "1", 0),
        ]);
        let c = cdf_series(&t).unwrap();
        assert_eq!(c[0].total, 10);
        assert_eq!(c[0].points, vec![(0.0, 0.0), (1.0, 0.5), (2.0, 1.0)]);
        assert!((c[0].quantile(0.9) - 1.8).abs() < 1e-12);
        assert!((c[0].quantile(0.5) - 1.0).abs() < 1e-12);
        assert!(c[1].quantile(0.9).is_nan());
        assert!(c[2].points.is_empty());
    }

    #[test]
    fn clip_interpolates() {
        let p = clip_x(&[(0.0, 0.0), (2.0, 1.0), (4.0, 1.0)], 1.0);
        assert_eq!(p, vec![(0.0, 0.0), (1.0, 0.5)]);
    }
}
