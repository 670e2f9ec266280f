//! Timeline of replication 0: violations per hour, the queue, units available per domain.

use super::data::{Results, Table};
use super::*;
use crate::error::Result;

/// The series of `timeline.csv`, as drawn (x in hours since the start).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timeline {
    /// Hour of each sample.
    pub hours: Vec<f64>,
    /// Violations during the hour.
    pub violations: Vec<f64>,
    /// Of those, needing a response.
    pub needing_response: Vec<f64>,
    /// Violations waiting for a unit at the end of the hour.
    pub queued: Vec<f64>,
    /// Responder units available per domain (air, sea, land).
    pub available: [Vec<f64>; 3],
    /// ISR drones on station.
    pub drones_on_station: Vec<f64>,
}

/// Reads the series out of `timeline.csv`; `None` if a column is missing.
pub fn timeline_series(t: &Table) -> Option<Timeline> {
    Some(Timeline {
        hours: t.numbers("hour")?,
        violations: t.numbers("violations")?,
        needing_response: t.numbers("needing_response")?,
        queued: t.numbers("queued")?,
        available: [
            t.numbers("available_air")?,
            t.numbers("available_sea")?,
            t.numbers("available_land")?,
        ],
        drones_on_station: t.numbers("drones_on_station")?,
    })
}

/// The timeline plot.
#[derive(Debug, Clone)]
pub struct TimelinePlot {
    /// Series.
    pub series: Timeline,
}

impl TimelinePlot {
    /// The plot of a run, `None` without a (non-empty) timeline.csv.
    pub fn of(res: &Results) -> Result<Option<TimelinePlot>> {
        let Some(t) = res.table("timeline.csv")? else {
            return Ok(None);
        };
        Ok(timeline_series(&t)
            .filter(|s| !s.hours.is_empty())
            .map(|series| TimelinePlot { series }))
    }
}

fn max_of(v: &[f64]) -> f64 {
    v.iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(0.0, f64::max)
}

impl Figure for TimelinePlot {
    fn name(&self) -> String {
        "timeline".into()
    }
    fn title(&self) -> String {
        "Timeline of replication 0".into()
    }
    fn description(&self) -> String {
        "Hourly samples of the first replication: violations per hour (and those needing a \
         response), violations waiting for a unit, and responder units available at their bases \
         per domain."
            .into()
    }
    fn size(&self) -> (u32, u32) {
        (1400, 1000)
    }
    fn draw_body<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static,
    {
        let s = &self.series;
        let days = |h: f64| h / 24.0;
        let x_max = days(max_of(&s.hours) + 1.0).max(1.0 / 24.0);
        let panels = area.split_evenly((3, 1));
        let draw_panel = |cell: &DrawingArea<DB, Shift>,
                          title: &str,
                          y_desc: &str,
                          series: Vec<(&str, RGBColor, &Vec<f64>)>|
         -> DrawResult {
            let y_max = nice_max(series.iter().map(|(_, _, v)| max_of(v)).fold(0.0, f64::max));
            let mut chart = ChartBuilder::on(cell)
                .caption(title, panel_font())
                .margin(10)
                .x_label_area_size(42)
                .y_label_area_size(70)
                .build_cartesian_2d(0.0..x_max, 0.0..y_max)?;
            chart
                .configure_mesh()
                .x_label_formatter(&tick)
                .y_label_formatter(&tick)
                .x_desc("time since start [days]")
                .y_desc(y_desc)
                .label_style(tick_font())
                .axis_desc_style(axis_font())
                .light_line_style(RGBColor(235, 235, 235))
                .draw()?;
            for (label, colour, v) in &series {
                let pts = s
                    .hours
                    .iter()
                    .zip(v.iter())
                    .filter(|(_, y)| y.is_finite())
                    .map(|(h, y)| (days(*h), *y));
                chart
                    .draw_series(LineSeries::new(pts, colour.stroke_width(1)))?
                    .label(*label)
                    .legend(legend_line(*colour, 3));
            }
            super::legend(&mut chart, SeriesLabelPosition::UpperRight)?;
            Ok(())
        };
        draw_panel(
            &panels[0],
            "violations per hour",
            "violations [per hour]",
            vec![
                ("all violations", PALETTE[6], &s.violations),
                ("needing a response", PALETTE[1], &s.needing_response),
            ],
        )?;
        draw_panel(
            &panels[1],
            "queue: violations waiting for a unit (end of hour)",
            "queued [count]",
            vec![("queued", PALETTE[3], &s.queued)],
        )?;
        draw_panel(
            &panels[2],
            "responder units available at their bases (end of hour)",
            "units [count]",
            vec![
                ("air", DOMAIN_COLOURS[0], &s.available[0]),
                ("sea", DOMAIN_COLOURS[1], &s.available[1]),
                ("land", DOMAIN_COLOURS[2], &s.available[2]),
            ],
        )?;
        Ok(())
    }
}
