//! The theatre map's colour scale (response time, open at the top: "5 h or more"), its colour
//! bar, and the legend entries of the map's layers.

use super::super::*;
use plotters::coord::types::RangedCoordf64;

/// Top of the colour scale \[h\]: every response time at or above it has the top colour.
pub const SCALE_MAX_H: f64 = 5.0;

/// Colour stops from 0 to [`SCALE_MAX_H`] (blue to dark red, readable by colour-blind readers).
const STOPS: [(f64, (u8, u8, u8)); 4] = [
    (0.0, (33, 102, 172)),
    (0.35, (103, 169, 207)),
    (0.7, (239, 138, 98)),
    (1.0, (178, 24, 43)),
];

/// The colour of a response time \[h\]; NaN (no responses) is grey.
pub fn colour_of(h: f64) -> RGBColor {
    if !h.is_finite() {
        return RGBColor(150, 150, 150);
    }
    let f = (h / SCALE_MAX_H).clamp(0.0, 1.0);
    for w in STOPS.windows(2) {
        let ((f0, c0), (f1, c1)) = (w[0], w[1]);
        if f <= f1 {
            let t = if f1 > f0 { (f - f0) / (f1 - f0) } else { 0.0 };
            let mix = |a: u8, b: u8| (a as f64 + t * (b as f64 - a as f64)).round() as u8;
            return RGBColor(mix(c0.0, c1.0), mix(c0.1, c1.1), mix(c0.2, c1.2));
        }
    }
    let c = STOPS[3].1;
    RGBColor(c.0, c.1, c.2)
}

/// The label of a tick of the colour bar: the top one is open-ended.
pub fn scale_label(h: f64) -> String {
    if h >= SCALE_MAX_H - 1e-9 {
        format!("{SCALE_MAX_H:.0} h or more")
    } else {
        format!("{h:.0} h")
    }
}

/// Draws the vertical colour bar into `area`.
pub fn colour_bar<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let mut cb = ChartBuilder::on(area)
        .margin_top(40)
        .margin_bottom(60)
        .margin_right(100)
        .y_label_area_size(20)
        .caption("response time", axis_font())
        .build_cartesian_2d(0.0..1.0, 0.0..SCALE_MAX_H)?;
    let steps = 100;
    cb.draw_series((0..steps).map(|i| {
        let y0 = SCALE_MAX_H * i as f64 / steps as f64;
        let y1 = SCALE_MAX_H * (i + 1) as f64 / steps as f64;
        Rectangle::new([(0.0, y0), (1.0, y1)], colour_of((y0 + y1) / 2.0).filled())
    }))?;
    cb.draw_series((0..=SCALE_MAX_H as i32).map(|k| {
        Text::new(
            scale_label(k as f64),
            (1.1, k as f64),
            tick_font().pos(Pos::new(HPos::Left, VPos::Center)),
        )
    }))?;
    Ok(())
}

/// Adds the legend entries of the layers that have no series of their own.
pub fn entries<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    blind: bool,
    violations: bool,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let none = || std::iter::empty::<Circle<(f64, f64), i32>>();
    chart
        .draw_series(none())?
        .label("land sector (line), coloured by p90 response time")
        .legend(legend_line(colour_of(2.0), 6));
    chart
        .draw_series(none())?
        .label("sea / air sector, coloured by p90 response time")
        .legend(legend_box(colour_of(2.0)));
    chart
        .draw_series(none())?
        .label("radar range")
        .legend(|(x, y)| Circle::new((x + 8, y), 7, super::layers::RADAR.stroke_width(2)));
    chart
        .draw_series(none())?
        .label("observation post range")
        .legend(|(x, y)| Circle::new((x + 8, y), 5, super::layers::OP.mix(0.5).filled()));
    chart
        .draw_series(none())?
        .label("orbited by ISR drones (ISR: share of time on station)")
        .legend(legend_line(super::layers::DRONE, 2));
    if blind {
        chart
            .draw_series(none())?
            .label("no radar, post or drone: satellite passes only")
            .legend(|(x, y)| Cross::new((x + 8, y), 5, super::layers::BLIND.stroke_width(3)));
    }
    if violations {
        chart
            .draw_series(none())?
            .label("violation answered (sample), by response time")
            .legend(|(x, y)| Circle::new((x + 8, y), 3, colour_of(1.0).filled()));
        chart
            .draw_series(none())?
            .label("violation not detected")
            .legend(|(x, y)| Cross::new((x + 8, y), 4, BLACK.stroke_width(2)));
        chart
            .draw_series(none())?
            .label("detected, no unit on scene")
            .legend(|(x, y)| {
                TriangleMarker::new((x + 8, y), 5, super::layers::UNANSWERED.stroke_width(2))
            });
    }
    for (k, d) in ["air base", "naval base", "land garrison"]
        .iter()
        .enumerate()
    {
        let c = DOMAIN_COLOURS[k];
        chart
            .draw_series(none())?
            .label(format!("{d} (area ∝ units)"))
            .legend(move |(x, y)| Circle::new((x + 8, y), 6, c.mix(0.55).filled()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_is_open_at_the_top() {
        assert_eq!(colour_of(5.0), colour_of(40.0));
        assert_ne!(colour_of(0.0), colour_of(5.0));
        assert_ne!(colour_of(2.0), colour_of(3.0));
        assert_eq!(scale_label(5.0), "5 h or more");
        assert_eq!(scale_label(2.0), "2 h");
    }
}
