//! Timeline of replication 0: violations per hour, the queue, units available per domain,
//! over a window of days (by default the first [`WINDOW_DAYS`]), with the scenario's timed
//! escalation windows (saved in `theatre.json`) shaded.

use super::data::{Results, Table};
use super::*;
use crate::error::Result;
use crate::report::files::TheatreFile;

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

/// Days drawn from the start (all of them when the horizon is shorter).
pub const WINDOW_DAYS: f64 = 30.0;

/// The timed escalation windows of `theatre.json` (`Escalate` events) that fall within the
/// first `end_h` hours, cut to them and overlapping ones joined: (from hour, until hour),
/// in order. Random escalation bursts are drawn per replication and not saved, so they are
/// not shaded.
pub fn escalation_windows(theatre: Option<&TheatreFile>, end_h: f64) -> Vec<(f64, f64)> {
    let mut w: Vec<(f64, f64)> = theatre
        .map(|t| t.escalations.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|e| e.from_h < end_h && e.until_h > 0.0 && e.until_h > e.from_h)
        .map(|e| (e.from_h.max(0.0), e.until_h.min(end_h)))
        .collect();
    w.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, f64)> = Vec::new();
    for (a, b) in w {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// The timeline plot.
#[derive(Debug, Clone)]
pub struct TimelinePlot {
    /// Series, cut to the window.
    pub series: Timeline,
    /// Timed escalation windows shaded: (from hour, until hour), within the window.
    pub escalations: Vec<(f64, f64)>,
}

impl TimelinePlot {
    /// The plot of a run over its first `days` days, `None` without a (non-empty)
    /// timeline.csv.
    pub fn of(res: &Results, days: f64) -> Result<Option<TimelinePlot>> {
        let Some(t) = res.table("timeline.csv")? else {
            return Ok(None);
        };
        Ok(timeline_series(&t)
            .map(|s| window(s, days * 24.0))
            .filter(|s| !s.hours.is_empty())
            .map(|series| TimelinePlot {
                escalations: escalation_windows(res.theatre.as_ref(), max_of(&series.hours) + 1.0),
                series,
            }))
    }
}

/// The samples of the first `max_h` hours.
pub fn window(s: Timeline, max_h: f64) -> Timeline {
    let n = s.hours.iter().take_while(|h| **h <= max_h).count();
    let cut = |mut v: Vec<f64>| {
        v.truncate(n);
        v
    };
    Timeline {
        hours: cut(s.hours),
        violations: cut(s.violations),
        needing_response: cut(s.needing_response),
        queued: cut(s.queued),
        available: s.available.map(cut),
        drones_on_station: cut(s.drones_on_station),
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
        format!(
            "Timeline of replication 0, first {:.0} days",
            (max_of(&self.series.hours) / 24.0).ceil()
        )
    }
    fn description(&self) -> String {
        format!(
            "Hourly samples of the first {:.0} days of the first replication: \
             violations per hour (and those needing a response), violations waiting for a unit, \
             and responder units available at their bases per domain. Shaded: the scenario's timed \
             escalation windows (Escalate events, from theatre.json); random escalation bursts \
             are drawn per replication and not shaded.",
            (max_of(&self.series.hours) / 24.0).ceil()
        )
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
            let shade = RGBColor(230, 159, 0).mix(0.18);
            if !self.escalations.is_empty() {
                chart
                    .draw_series(self.escalations.iter().map(|(a, b)| {
                        Rectangle::new([(days(*a), 0.0), (days(*b), y_max)], shade.filled())
                    }))?
                    .label("timed escalation")
                    .legend(legend_box(RGBColor(245, 220, 170)));
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timed_windows_are_cut_to_the_window_and_joined_and_the_window_cuts() {
        let theatre: TheatreFile = serde_json::from_value(serde_json::json!({
            "forceplan_version": "0", "scenario": "x", "scenario_file": "x.ron",
            "scenario_hash": "0", "description": "", "bases": [], "sectors": [],
            "violation_types": [],
            "escalations": [
                {"sectors": ["a"], "from_h": 720.0, "until_h": 888.0, "rate_multiplier": 5.0},
                {"sectors": ["b"], "from_h": 800.0, "until_h": 900.0, "rate_multiplier": 2.0},
                {"sectors": ["a"], "from_h": 2000.0, "until_h": 2100.0, "rate_multiplier": 3.0}
            ]
        }))
        .unwrap();
        assert_eq!(
            escalation_windows(Some(&theatre), 30.0 * 24.0 + 120.0),
            vec![(720.0, 840.0)]
        );
        assert_eq!(
            escalation_windows(Some(&theatre), 60.0 * 24.0),
            vec![(720.0, 900.0)]
        );
        assert!(escalation_windows(Some(&theatre), 24.0 * 30.0).is_empty());
        assert!(escalation_windows(None, 1e9).is_empty());
        let hours: Vec<f64> = (1..=24 * 10).map(f64::from).collect();
        let v = vec![10.0; hours.len()];
        let s = Timeline {
            hours: hours.clone(),
            violations: v.clone(),
            needing_response: v.clone(),
            queued: v.clone(),
            available: [v.clone(), v.clone(), v.clone()],
            drones_on_station: v,
        };
        let w = window(s, 48.0);
        assert_eq!(w.hours.len(), 48);
        assert_eq!(w.available[2].len(), 48);
    }
}
