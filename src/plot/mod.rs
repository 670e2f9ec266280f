//! Plots of saved results: PNG and SVG files drawn with plotters and an embedded font.
//!
//! Everything here reads a results directory (what `forceplan run`, `compare` and `sweep`
//! write), never the scenario file: `theatre.json` holds the geography and the response-time
//! targets. [`draw_all`] draws every plot the directory has data for into `DIR/plots/` and
//! writes `DIR/plots/index.json` (file names, titles and descriptions, for the HTML report).
//!
//! Each plot family lives in its own module and exposes a pure function returning the series
//! it draws (e.g. [`cdf::cdf_series`]), so tests can check the plots against the results.
//!
//! Text is drawn with DejaVu Sans, compiled into the binary and registered once with
//! plotters' `ab_glyph` font table under the name `sans-serif`: no system fonts are needed.

pub mod cdf;
pub mod cdf_types;
pub mod compare;
pub mod convergence;
pub mod data;
pub mod map;
pub mod nations;
pub mod sectors;
pub mod stages;
pub mod sweep;
pub mod timeline;
pub mod tornado;

use crate::error::{Error, Result};
use crate::report::atomic_write;
use crate::report::files::{self, PlotEntry, PlotIndex};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
pub(crate) use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};
use std::sync::Once;

pub use data::Results;

/// The font family every plot uses.
pub const FONT: &str = "sans-serif";

/// What a drawing function returns.
pub type DrawResult = std::result::Result<(), Box<dyn std::error::Error>>;

/// Colours of the domains (Okabe-Ito, safe for colour-blind readers): air, sea, land.
pub const DOMAIN_COLOURS: [RGBColor; 3] = [
    RGBColor(230, 159, 0),
    RGBColor(0, 114, 178),
    RGBColor(0, 158, 115),
];

/// A categorical palette for series that are not domains (options, stages).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
    RGBColor(240, 228, 66),
];

/// Grey for captions and reference lines.
pub const GREY: RGBColor = RGBColor(90, 90, 90);

/// Registers the embedded font once per process.
pub fn init_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font shipped by the `dejavu` crate; a failure here
        // would be a packaging bug, and text would then fail to draw with a clear error.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

/// Draws the legend of `chart` at `position`, in the house style (white box, grey border).
pub fn legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> DrawResult
where
    DB: DrawingBackend + 'a,
    DB::ErrorType: 'static,
    CT: CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.9))
        .border_style(GREY)
        .label_font(TextStyle::from((FONT, 14).into_font()))
        .draw()?;
    Ok(())
}

/// One plot: something that can draw itself on any plotters backend.
pub trait Figure {
    /// File stem, e.g. `response_time_cdf`.
    fn name(&self) -> String;
    /// Title drawn at the top.
    fn title(&self) -> String;
    /// One sentence on what the plot shows (for the report).
    fn description(&self) -> String;
    /// Size in pixels.
    fn size(&self) -> (u32, u32) {
        (1200, 700)
    }
    /// Draws the plot body into `area` (title and caption are drawn around it).
    fn draw_body<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult
    where
        DB::ErrorType: 'static;
}

/// A plot that was written.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotInfo {
    /// File stem under `plots/` (the files are `<name>.png` and `<name>.svg`).
    pub name: String,
    /// Title.
    pub title: String,
    /// What it shows.
    pub description: String,
    /// Size in pixels.
    pub size: (u32, u32),
}

/// Draws title, caption and body of `fig` on `root`.
fn draw_frame<DB: DrawingBackend, F: Figure>(
    fig: &F,
    caption: &str,
    root: &DrawingArea<DB, Shift>,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let (w, h) = root.dim_in_pixel();
    let (top, rest) = root.split_vertically(48);
    let (body, foot) = rest.split_vertically(h.saturating_sub(48 + 28));
    top.draw(&Text::new(
        fig.title(),
        (w as i32 / 2, 26),
        TextStyle::from((FONT, 24).into_font().style(FontStyle::Bold))
            .color(&BLACK)
            .pos(Pos::new(HPos::Center, VPos::Center)),
    ))?;
    foot.draw(&Text::new(
        caption.to_string(),
        (12, 14),
        TextStyle::from((FONT, 14).into_font())
            .color(&GREY)
            .pos(Pos::new(HPos::Left, VPos::Center)),
    ))?;
    fig.draw_body(&body)?;
    Ok(())
}

fn draw_err(name: &str, e: impl std::fmt::Display) -> Error {
    Error::Internal(format!("drawing plot {name}: {e}"))
}

/// Renders `fig` to PNG bytes.
pub fn render_png<F: Figure>(fig: &F, caption: &str) -> Result<Vec<u8>> {
    init_fonts();
    let (w, h) = fig.size();
    let mut buf = vec![0u8; (w as usize) * (h as usize) * 3];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (w, h)).into_drawing_area();
        draw_frame(fig, caption, &root).map_err(|e| draw_err(&fig.name(), e))?;
        root.present().map_err(|e| draw_err(&fig.name(), e))?;
    }
    let mut out = Vec::with_capacity(buf.len() / 8);
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Default);
        let mut wr = enc.write_header().map_err(|e| draw_err(&fig.name(), e))?;
        wr.write_image_data(&buf)
            .map_err(|e| draw_err(&fig.name(), e))?;
    }
    Ok(out)
}

/// Renders `fig` to an SVG document.
pub fn render_svg<F: Figure>(fig: &F, caption: &str) -> Result<String> {
    init_fonts();
    let mut s = String::new();
    {
        let root = SVGBackend::with_string(&mut s, fig.size()).into_drawing_area();
        draw_frame(fig, caption, &root).map_err(|e| draw_err(&fig.name(), e))?;
        root.present().map_err(|e| draw_err(&fig.name(), e))?;
    }
    Ok(s)
}

/// Writes `<dir>/<name>.png` and `<dir>/<name>.svg`.
pub fn save<F: Figure>(fig: &F, caption: &str, dir: &Path) -> Result<PlotInfo> {
    let name = fig.name();
    atomic_write(&dir.join(format!("{name}.png")), &render_png(fig, caption)?)?;
    atomic_write(
        &dir.join(format!("{name}.svg")),
        render_svg(fig, caption)?.as_bytes(),
    )?;
    Ok(PlotInfo {
        name,
        title: fig.title(),
        description: fig.description(),
        size: fig.size(),
    })
}

/// Where plots of a results directory go.
pub fn plots_dir(dir: &Path) -> PathBuf {
    dir.join("plots")
}

/// Choices of what the plots show.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotOptions {
    /// Days of replication 0 the timeline shows, from the start \[days\] (> 0).
    pub timeline_days: f64,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            timeline_days: timeline::WINDOW_DAYS,
        }
    }
}

/// Draws every plot `dir` has data for into `dir/plots/` and writes `dir/plots/index.json`.
///
/// Fails with [`Error::Usage`] when `dir` is not a results directory.
pub fn draw_all(dir: &Path, opts: &PlotOptions) -> Result<Vec<PlotInfo>> {
    // An optimisation's directory holds optimum.json and none of the files of runs or studies.
    let run_files = ["summary.json", "comparison.json", "sweep.json"];
    if !run_files.iter().any(|f| dir.join(f).is_file())
        && let Some(plots) = convergence::draw_optimum(dir)?
    {
        return Ok(plots);
    }
    let res = Results::load(dir)?;
    let out = plots_dir(dir);
    crate::report::create_dir(&out)?;
    let caption = res.caption();
    let mut plots = Vec::new();
    if res.summary.is_some() {
        plots.push(save(&cdf::CdfPlot::of_run(&res)?, &caption, &out)?);
        if let Some(p) = cdf_types::TypeCdfPlot::of(&res)? {
            plots.push(save(&p, &caption, &out)?);
        }
        if let Some(p) = sectors::SectorBoxPlot::of(&res)? {
            plots.push(save(&p, &caption, &out)?);
        }
        if let Some(p) = map::MapPlot::of(&res)? {
            plots.push(save(&p, &caption, &out)?);
        }
        if let Some(p) = nations::NationPlot::of(&res)? {
            plots.push(save(&p, &caption, &out)?);
        }
        if let Some(p) = timeline::TimelinePlot::of(&res, opts.timeline_days)? {
            plots.push(save(&p, &caption, &out)?);
        }
        plots.push(save(&stages::StagePlot::of(&res)?, &caption, &out)?);
    }
    if res.comparison.is_some() {
        for p in compare::figures(&res)? {
            plots.push(match p {
                compare::CompareFigure::Kpis(f) => save(&f, &caption, &out)?,
                compare::CompareFigure::Diffs(f) => save(&f, &caption, &out)?,
                compare::CompareFigure::Cdf(f) => save(&f, &caption, &out)?,
            });
        }
    }
    if res.sweep.is_some() {
        for p in sweep::figures(&res)? {
            plots.push(match p {
                sweep::SweepFigure::Line(f) => save(&f, &caption, &out)?,
                sweep::SweepFigure::Heat(f) => save(&f, &caption, &out)?,
            });
        }
        if let Some(p) = tornado::TornadoPlot::of(&res) {
            plots.push(save(&p, &caption, &out)?);
        }
    }
    write_index(&out, &plots)?;
    Ok(plots)
}

/// Writes `out/index.json`, the list of the plots drawn (read by the report).
fn write_index(out: &Path, plots: &[PlotInfo]) -> Result<()> {
    let index: PlotIndex = plots
        .iter()
        .map(|p| PlotEntry {
            name: p.name.clone(),
            title: p.title.clone(),
            description: p.description.clone(),
            width: p.size.0,
            height: p.size.1,
        })
        .collect();
    atomic_write(&out.join("index.json"), &files::to_pretty(&index)?)
}

/// A legend entry's sample line.
pub(crate) fn legend_line(
    colour: RGBColor,
    width: u32,
) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
    move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(width))
}

/// A legend entry's sample box.
pub(crate) fn legend_box(colour: RGBColor) -> impl Fn((i32, i32)) -> Rectangle<(i32, i32)> {
    move |(x, y)| Rectangle::new([(x, y - 6), (x + 16, y + 6)], colour.filled())
}

/// Text style of tick labels.
pub(crate) fn tick_font() -> TextStyle<'static> {
    TextStyle::from((FONT, 15).into_font()).color(&BLACK)
}

/// Text style of axis descriptions.
pub(crate) fn axis_font() -> TextStyle<'static> {
    TextStyle::from((FONT, 17).into_font()).color(&BLACK)
}

/// Text style of panel titles.
pub(crate) fn panel_font() -> TextStyle<'static> {
    TextStyle::from((FONT, 18).into_font().style(FontStyle::Bold)).color(&BLACK)
}

/// Upper end of an axis that starts at zero: `max` plus a margin, never zero.
pub(crate) fn nice_max(max: f64) -> f64 {
    if !max.is_finite() || max <= 0.0 {
        1.0
    } else {
        max * 1.08
    }
}

/// Formats hours for labels: minutes below one hour.
pub fn fmt_hours(h: f64) -> String {
    if h < 1.0 {
        format!("{:.0} min", h * 60.0)
    } else if (h - h.round()).abs() < 1e-9 {
        format!("{h:.0} h")
    } else {
        format!("{h:.1} h")
    }
}

/// Tick label of a number: no trailing `.0`, at most three significant decimals.
pub(crate) fn tick(v: &f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
