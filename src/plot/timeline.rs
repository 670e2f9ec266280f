//! Timeline of replication 0: violations per hour, the queue, units available per domain,
//! over a window of days (by default the first [`WINDOW_DAYS`]), with the escalations the violation counts show shaded.

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

/// Days drawn from the start (all of them when the horizon is shorter).
pub const WINDOW_DAYS: f64 = 30.0;

/// An hour is in an escalation when the violation rate of the 24 hours centred on it is at
/// least this multiple of the median such rate of the window.
pub const ESCALATION_FACTOR: f64 = 1.25;

/// Escalation periods as the violation counts show them (forceplan does not save the burst
/// times it draws): maximal runs of hours whose centred 24-hour mean of `violations` is at
/// least [`ESCALATION_FACTOR`] × the median of those means; (first hour, last hour) of each.
pub fn escalations(hours: &[f64], violations: &[f64]) -> Vec<(f64, f64)> {
    let n = hours.len().min(violations.len());
    if n < 24 {
        return Vec::new();
    }
    let mut prefix = vec![0.0; n + 1];
    for i in 0..n {
        prefix[i + 1] = prefix[i]
            + if violations[i].is_finite() {
                violations[i]
            } else {
                0.0
            };
    }
    let mean: Vec<f64> = (0..n)
        .map(|i| {
            let (lo, hi) = (i.saturating_sub(12), (i + 12).min(n));
            (prefix[hi] - prefix[lo]) / (hi - lo) as f64
        })
        .collect();
    let mut sorted = mean.clone();
    sorted.sort_by(f64::total_cmp);
    let median = crate::metrics::stats::quantile_sorted(&sorted, 0.5);
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for i in 0..=n {
        let hot = i < n && median > 0.0 && mean[i] >= ESCALATION_FACTOR * median;
        match (hot, start) {
            (true, None) => start = Some(i),
            (false, Some(a)) => {
                out.push((hours[a], hours[i - 1]));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The timeline plot.
#[derive(Debug, Clone)]
pub struct TimelinePlot {
    /// Series, cut to the window.
    pub series: Timeline,
    /// Escalation periods shaded: (first hour, last hour).
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
                escalations: escalations(&series.hours, &series.violations),
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
             and responder units available at their bases per domain. Shaded: escalations as the \
             counts show them, hours whose centred 24-hour violation rate is at least \
             {ESCALATION_FACTOR} × the window's median (burst times themselves are not saved).",
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
            chart
                .draw_series(self.escalations.iter().map(|(a, b)| {
                    Rectangle::new([(days(*a), 0.0), (days(*b + 1.0), y_max)], shade.filled())
                }))?
                .label("escalation")
                .legend(legend_box(RGBColor(245, 220, 170)));
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
    fn a_burst_in_the_counts_is_shaded_and_the_window_cuts() {
        let hours: Vec<f64> = (1..=24 * 10).map(f64::from).collect();
        // 10 a day-hour, 40 an hour from hour 100 to 147 (two days).
        let v: Vec<f64> = hours
            .iter()
            .map(|h| {
                if (100.0..148.0).contains(h) {
                    40.0
                } else {
                    10.0
                }
            })
            .collect();
        let e = escalations(&hours, &v);
        assert_eq!(e.len(), 1, "{e:?}");
        let (a, b) = e[0];
        assert!(
            (90.0..=100.0).contains(&a) && (147.0..=158.0).contains(&b),
            "{e:?}"
        );
        assert!(escalations(&hours, &vec![10.0; hours.len()]).is_empty());
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
