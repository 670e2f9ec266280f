//! The convergence plot of an optimisation (`optimum.json`'s `convergence`): the best plan's mean
//! objective and its 95 % interval against the replications used over every plan.

use super::*;
use crate::metrics::Kpi;
use crate::metrics::kpi::Unit;
use crate::report::files::{ConvergencePoint, OptimumFile};

/// The points drawn: those with a finite objective, in the order of the file.
pub fn convergence_series(o: &OptimumFile) -> Vec<ConvergencePoint> {
    o.convergence
        .iter()
        .copied()
        .filter(|p| p.best_objective.is_finite())
        .collect()
}

/// The objective's name and unit for labels: the scoped KPI and its unit in brackets, or
/// `units` for `FewestUnits`.
pub fn objective_label(o: &OptimumFile) -> String {
    match &o.problem.objective_kpi {
        Some(k) => {
            let base = k.split('[').next().unwrap_or(k);
            match Kpi::from_name(base).map(Kpi::unit) {
                Some(Unit::Hours) => format!("{k} [h]"),
                Some(Unit::Share) => format!("{k} [share]"),
                Some(Unit::Count) => format!("{k} [count]"),
                None => k.clone(),
            }
        }
        None => "units placed [count]".to_string(),
    }
}

/// Number for the labels: up to four significant decimals, no trailing zeros.
fn num(v: f64) -> String {
    if !v.is_finite() {
        return "n/a".into();
    }
    let s = format!("{v:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The words written by the last point: the final best objective, its interval and the
/// replications used.
pub fn final_label(p: &ConvergencePoint) -> String {
    if p.ci_low.is_finite() && p.ci_high.is_finite() {
        format!(
            "best {} (95 % interval {} to {}) after {} replications",
            num(p.best_objective),
            num(p.ci_low),
            num(p.ci_high),
            p.replications_used
        )
    } else {
        format!(
            "best {} after {} replications",
            num(p.best_objective),
            p.replications_used
        )
    }
}

/// The convergence plot of `optimum.json`.
#[derive(Debug, Clone)]
pub struct ConvergencePlot {
    /// The objective with its unit, for the y axis.
    pub objective: String,
    /// Whether smaller is better.
    pub minimise: bool,
    /// The points, in order of replications used.
    pub points: Vec<ConvergencePoint>,
    /// Replications used in total.
    pub replications_total: u64,
}

impl ConvergencePlot {
    /// The plot of `o`, if it has at least one point with a finite objective.
    pub fn of(o: &OptimumFile) -> Option<ConvergencePlot> {
        let points = convergence_series(o);
        (!points.is_empty()).then(|| ConvergencePlot {
            objective: objective_label(o),
            minimise: o.problem.minimise,
            points,
            replications_total: o.replications_total,
        })
    }
}

impl Figure for ConvergencePlot {
    fn name(&self) -> String {
        crate::report::html_optimum::CONVERGENCE_PLOT.into()
    }
    fn title(&self) -> String {
        "How the best plan's objective settled as replications were spent".into()
    }
    fn description(&self) -> String {
        format!(
            "Mean {} of the best plan found so far after each decision of the optimiser \
             ({} is better), with its 95 % t interval shaded, against the replications \
             simulated over every plan evaluated ({} in total).",
            self.objective,
            if self.minimise { "lower" } else { "higher" },
            self.replications_total
        )
    }
    fn size(&self) -> (u32, u32) {
        (1100, 620)
    }
    fn draw_body<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let fin = |v: &f64| v.is_finite();
        let ys = || {
            self.points
                .iter()
                .flat_map(|p| [p.best_objective, p.ci_low, p.ci_high])
                .filter(fin)
        };
        let lo = ys().fold(f64::INFINITY, f64::min);
        let hi = ys().fold(f64::NEG_INFINITY, f64::max);
        let pad = ((hi - lo) * 0.12).max(hi.abs().max(1.0) * 0.02);
        let x_max = self
            .points
            .iter()
            .map(|p| p.replications_used)
            .max()
            .unwrap_or(0)
            .max(self.replications_total)
            .max(1) as f64
            * 1.04;
        let mut chart = ChartBuilder::on(area)
            .margin(16)
            .x_label_area_size(56)
            .y_label_area_size(90)
            .build_cartesian_2d(0.0..x_max, (lo - pad)..(hi + pad))?;
        chart
            .configure_mesh()
            .x_label_formatter(&tick)
            .y_label_formatter(&tick)
            .x_desc("replications used, over every plan evaluated [count]")
            .y_desc(format!("best plan so far: {}", self.objective))
            .label_style(tick_font())
            .axis_desc_style(axis_font())
            .light_line_style(RGBColor(235, 235, 235))
            .draw()?;
        let colour = PALETTE[0];
        // The interval as vertical bars and a band between consecutive finite intervals.
        let with_ci: Vec<&ConvergencePoint> = self
            .points
            .iter()
            .filter(|p| p.ci_low.is_finite() && p.ci_high.is_finite())
            .collect();
        if with_ci.len() >= 2 {
            let mut band: Vec<(f64, f64)> = with_ci
                .iter()
                .map(|p| (p.replications_used as f64, p.ci_high))
                .collect();
            band.extend(
                with_ci
                    .iter()
                    .rev()
                    .map(|p| (p.replications_used as f64, p.ci_low)),
            );
            chart
                .draw_series(std::iter::once(Polygon::new(
                    band,
                    colour.mix(0.18).filled(),
                )))?
                .label("95 % interval")
                .legend(legend_box(RGBColor(191, 220, 236)));
        }
        chart.draw_series(with_ci.iter().map(|p| {
            let x = p.replications_used as f64;
            PathElement::new(vec![(x, p.ci_low), (x, p.ci_high)], colour.stroke_width(1))
        }))?;
        chart
            .draw_series(LineSeries::new(
                self.points
                    .iter()
                    .map(|p| (p.replications_used as f64, p.best_objective)),
                colour.stroke_width(3),
            ))?
            .label("mean of the best plan so far")
            .legend(legend_line(colour, 3));
        chart.draw_series(self.points.iter().map(|p| {
            Circle::new(
                (p.replications_used as f64, p.best_objective),
                4,
                colour.filled(),
            )
        }))?;
        if let Some(last) = self.points.last() {
            chart.draw_series(std::iter::once(Text::new(
                final_label(last),
                (last.replications_used as f64, last.best_objective),
                TextStyle::from((FONT, 15).into_font())
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Right, VPos::Bottom)),
            )))?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        Ok(())
    }
}

/// Draws the convergence plot of the optimisation in `dir` (its `optimum.json`) into
/// `dir/plots/` and writes `dir/plots/index.json`; `None` if `dir` holds no `optimum.json`.
pub fn draw_optimum(dir: &Path) -> Result<Option<Vec<PlotInfo>>> {
    let Some(o) = files::read_if_present::<OptimumFile>(&dir.join("optimum.json"))? else {
        return Ok(None);
    };
    let out = plots_dir(dir);
    crate::report::create_dir(&out)?;
    let mut plots = Vec::new();
    if let Some(p) = ConvergencePlot::of(&o) {
        plots.push(save(&p, &caption(&o), &out)?);
    }
    write_index(&out, &plots)?;
    Ok(Some(plots))
}

/// The caption line under the plot of an optimisation.
pub fn caption(o: &OptimumFile) -> String {
    format!(
        "problem {} · scenario {} · seed {} · {} replications in total · forceplan {}",
        o.problem.name,
        o.problem.scenario,
        o.seed,
        o.replications_total,
        env!("CARGO_PKG_VERSION")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::stats::Summary;
    use crate::report::files::{GuaranteeEntry, PlanEntry, ProblemEntry};

    pub(crate) fn optimum(points: Vec<ConvergencePoint>) -> OptimumFile {
        let plan = PlanEntry {
            name: "plan-1".into(),
            vector: vec![1],
            description: vec!["pol-qrf-1 at dnipro".into()],
            changes: vec![],
            units: 1,
            replications: 10,
            objective: Summary::of([1.0, 2.0]),
            constraints: vec![],
        };
        OptimumFile {
            problem: ProblemEntry {
                name: "qrf".into(),
                description: "where should the QRF stand".into(),
                scenario: "base.ron".into(),
                objective: "Minimise(\"response_time_p90_h[type=land-incursion]\")".into(),
                objective_kpi: Some("response_time_p90_h[type=land-incursion]".into()),
                minimise: true,
                constraints: vec![],
                decisions: vec![],
                plans_in_space: Some(56),
                start: "Screen".into(),
            },
            mode: "search".into(),
            seed: 7,
            guarantee: GuaranteeEntry {
                method: "KN".into(),
                delta: 0.1,
                alpha: 0.05,
                confidence: 0.95,
                n0: 10,
                candidates: 3,
                selection_complete: true,
                statement: "s".into(),
                assumptions: vec![],
            },
            best: plan,
            runners_up: vec![],
            baseline: None,
            evaluated: vec![],
            replications_total: 1200,
            budget_replications: 2000,
            convergence: points,
            fewest_units: None,
            wall_seconds: 1.0,
            cpu_seconds: 1.0,
        }
    }

    fn pt(r: u64, m: f64, lo: f64, hi: f64) -> ConvergencePoint {
        ConvergencePoint {
            replications_used: r,
            best_objective: m,
            ci_low: lo,
            ci_high: hi,
        }
    }

    #[test]
    fn svg_labels_follow_the_data() {
        let o = optimum(vec![
            pt(100, 3.5, 3.0, 4.0),
            pt(400, 2.75, f64::NAN, f64::NAN),
            pt(700, f64::NAN, f64::NAN, f64::NAN),
            pt(1200, 2.5, 2.25, 2.875),
        ]);
        let p = ConvergencePlot::of(&o).unwrap();
        assert_eq!(
            p.points.len(),
            3,
            "the point without an objective is left out"
        );
        let svg = render_svg(&p, &caption(&o)).unwrap();
        // plotters escapes the apostrophe of the title.
        assert!(
            svg.contains("How the best plan&apos;s objective settled as replications were spent")
        );
        assert!(svg.contains("best plan so far: response_time_p90_h[type=land-incursion] [h]"));
        assert!(svg.contains("replications used, over every plan evaluated [count]"));
        assert!(svg.contains("best 2.5 (95 % interval 2.25 to 2.875) after 1200 replications"));
        assert!(
            svg.contains("problem qrf · scenario base.ron · seed 7 · 1200 replications in total")
        );
        // The x axis reaches the replications used: a tick label of 1200 or more is drawn.
        let ticks: Vec<f64> = svg
            .split("</text>")
            .filter_map(|t| t.rsplit('>').next()?.trim().parse().ok())
            .collect();
        assert!(ticks.iter().any(|&t| t >= 1000.0), "{ticks:?}");
        assert!(ticks.iter().any(|&t| (2.0..=2.5).contains(&t)), "{ticks:?}");
    }

    #[test]
    fn labels_for_other_objectives() {
        let mut o = optimum(vec![pt(50, 4.0, f64::NAN, 5.0)]);
        assert_eq!(
            final_label(&o.convergence[0]),
            "best 4 after 50 replications"
        );
        o.problem.objective_kpi = None;
        assert_eq!(objective_label(&o), "units placed [count]");
        o.problem.objective_kpi = Some("within_target_share[domain=land]".into());
        assert_eq!(
            objective_label(&o),
            "within_target_share[domain=land] [share]"
        );
        o.convergence.clear();
        assert!(ConvergencePlot::of(&o).is_none());
    }

    #[test]
    fn draws_files_and_index_of_an_optimisation_directory() {
        let dir = tempfile::tempdir().unwrap();
        assert!(draw_optimum(dir.path()).unwrap().is_none());
        let o = optimum(vec![pt(100, 3.5, 3.0, 4.0), pt(1200, 2.5, 2.25, 2.875)]);
        std::fs::write(
            dir.path().join("optimum.json"),
            serde_json::to_vec(&o).unwrap(),
        )
        .unwrap();
        let plots = draw_all(dir.path(), &PlotOptions::default()).unwrap();
        assert_eq!(plots.len(), 1);
        let index: files::PlotIndex =
            serde_json::from_slice(&std::fs::read(dir.path().join("plots/index.json")).unwrap())
                .unwrap();
        assert_eq!(index.len(), 1);
        assert_eq!(index[0].name, "optimise_convergence");
        assert!(dir.path().join("plots/optimise_convergence.png").is_file());
        let svg =
            std::fs::read_to_string(dir.path().join("plots/optimise_convergence.svg")).unwrap();
        assert!(svg.contains("after 1200 replications"));
    }
}
