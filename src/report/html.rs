//! `report.html`: one self-contained page a planner can hand on or print.
//!
//! The page is built from the results directory alone (`summary.json`, `theatre.json`,
//! `comparison.json`, `sweep.json` and the plots listed in `plots/index.json`). Plots are
//! inlined as SVG; there are no scripts, no external style sheets, fonts or images, and a
//! Content-Security-Policy forbids the browser from fetching anything, so the page reads the
//! same offline, from an e-mail attachment or printed to PDF.

use super::atomic_write;
use super::files::{
    self, ComparisonFile, Head, OptimumFile, PlotIndex, SummaryFile, SweepFile, TheatreFile,
    json_number,
};
use crate::error::{Error, Result};
use crate::metrics::Kpi;
use crate::metrics::stats::Summary;
use crate::scenario::Domain;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// `mean ±half-width` of a statistic (`—` when the file has none or it is undefined).
pub(crate) fn cell(v: Option<&Summary>, digits: usize, percent: bool) -> String {
    let k = if percent { 100.0 } else { 1.0 };
    let Some(v) = v else {
        return "—".into();
    };
    let m = v.mean * k;
    if m.is_nan() {
        return "—".into();
    }
    let hw = (v.ci95_high - v.ci95_low) * k / 2.0;
    let unit = if percent { " %" } else { "" };
    if hw.is_finite() {
        format!("{m:.digits$} ±{hw:.digits$}{unit}")
    } else {
        format!("{m:.digits$}{unit}")
    }
}

/// KPI rows of the tables: (KPI, label, digits, as percent).
const KPI_ROWS: [(Kpi, &str, usize, bool); 17] = [
    (Kpi::Violations, "violations per replication", 0, false),
    (Kpi::NeedingResponse, "needing a response", 0, false),
    (Kpi::DetectedShare, "detected", 1, true),
    (Kpi::RespondedShare, "responded (unit on scene)", 1, true),
    (
        Kpi::WithinTargetShare,
        "within response-time target",
        1,
        true,
    ),
    (
        Kpi::DetectionLatencyMeanH,
        "detection latency, mean [h]",
        2,
        false,
    ),
    (
        Kpi::DecisionTimeMeanH,
        "HQ decision time, mean [h]",
        2,
        false,
    ),
    (Kpi::QueueWaitMeanH, "queue wait, mean [h]", 2, false),
    (Kpi::QueuedShare, "tasks that waited for a unit", 1, true),
    (
        Kpi::ApprovalDelayMeanH,
        "national approval, mean [h]",
        2,
        false,
    ),
    (Kpi::TransitMeanH, "transit, mean [h]", 2, false),
    (Kpi::ResponseTimeMeanH, "response time, mean [h]", 2, false),
    (Kpi::ResponseTimeP50H, "response time, median [h]", 2, false),
    (
        Kpi::ResponseTimeP90H,
        "response time, 90th percentile [h]",
        2,
        false,
    ),
    (
        Kpi::ResponseTimeP95H,
        "response time, 95th percentile [h]",
        2,
        false,
    ),
    (Kpi::UnansweredAtEnd, "unanswered at the end", 1, false),
    (Kpi::Utilisation, "unit utilisation", 1, true),
];

fn kpi_label(k: Kpi) -> String {
    KPI_ROWS
        .iter()
        .find(|r| r.0 == k)
        .map_or(k.name().replace('_', " "), |r| r.1.to_string())
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut o = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        o.push(A[(n >> 18) as usize & 63] as char);
        o.push(A[(n >> 12) as usize & 63] as char);
        o.push(if c.len() > 1 {
            A[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        o.push(if c.len() > 2 {
            A[n as usize & 63] as char
        } else {
            '='
        });
    }
    o
}

/// `@font-face` rules embedding DejaVu Sans (the font the plots were laid out with), so the
/// page and its SVG text look the same on any machine, fonts installed or not.
fn font_faces() -> String {
    format!(
        "@font-face {{ font-family: \"ReportSans\"; font-weight: normal; src: url(data:font/ttf;base64,{}) format(\"truetype\"); }}\n\
         @font-face {{ font-family: \"ReportSans\"; font-weight: bold; src: url(data:font/ttf;base64,{}) format(\"truetype\"); }}\n",
        base64(dejavu::sans::regular()),
        base64(dejavu::sans::bold())
    )
}

const CSS: &str = r#"
:root { --ink:#1b1b1b; --muted:#555; --rule:#d0d0d0; --accent:#0b4f8a; --better:#1a7f37; --worse:#b42318; }
* { box-sizing: border-box; }
body { font-family: "ReportSans", "DejaVu Sans", "Liberation Sans", Arial, Helvetica, sans-serif; color: var(--ink);
       margin: 0 auto; padding: 24px 32px 48px; max-width: 1240px; line-height: 1.45; font-size: 15px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 18px; padding-bottom: 8px; }
h1 { font-size: 26px; margin: 0 0 4px; color: var(--accent); }
h2 { font-size: 20px; margin: 28px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
p.lead { margin: 4px 0; color: var(--muted); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; margin: 8px 0; }
dl.facts dt { font-weight: bold; } dl.facts dd { margin: 0; font-family: "DejaVu Sans Mono", monospace; font-size: 14px; }
table { border-collapse: collapse; margin: 8px 0 12px; font-size: 14px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 10px; text-align: right; vertical-align: top; }
td { white-space: nowrap; } td:first-child { white-space: normal; }
th:first-child, td:first-child { text-align: left; }
thead th { border-bottom: 2px solid var(--ink); background: #f3f6f9; }
td.better { color: var(--better); font-weight: bold; } td.worse { color: var(--worse); font-weight: bold; }
figure { margin: 18px 0 26px; page-break-inside: avoid; break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid var(--rule); }
svg text { font-family: "ReportSans", "DejaVu Sans", sans-serif; }
figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
.note { font-size: 13px; color: var(--muted); }
footer { margin-top: 32px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--rule); padding-top: 6px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table, figure { break-inside: avoid; page-break-inside: avoid; }
  figure svg { border: none; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The plots listed in `plots/index.json` whose names are plain file stems.
pub(super) fn plot_entries(dir: &Path) -> Result<PlotIndex> {
    let index: Option<PlotIndex> = files::read_if_present(&dir.join("plots").join("index.json"))?;
    Ok(index
        .unwrap_or_default()
        .into_iter()
        .filter(|p| !p.name.is_empty() && !p.name.contains(['/', '\\', '.']))
        .collect())
}

/// Cleans an SVG document for inlining: drops an XML declaration and any comment.
pub(super) fn inline_svg(svg: &str) -> String {
    let mut s = svg.trim();
    if s.starts_with("<?xml")
        && let Some(i) = s.find("?>")
    {
        s = s[i + 2..].trim_start();
    }
    s.to_string()
}

/// Renders the report of the results in `dir`. `with_plots`: inline the plots listed in
/// `dir/plots/index.json` (else a note says they were not drawn).
pub fn render(dir: &Path, with_plots: bool) -> Result<String> {
    let summary: Option<SummaryFile> = files::read_if_present(&dir.join("summary.json"))?;
    let theatre: Option<TheatreFile> = files::read_if_present(&dir.join("theatre.json"))?;
    let comparison: Option<ComparisonFile> = files::read_if_present(&dir.join("comparison.json"))?;
    let sweep: Option<SweepFile> = files::read_if_present(&dir.join("sweep.json"))?;
    let optimum: Option<OptimumFile> = files::read_if_present(&dir.join("optimum.json"))?;
    let head = Head::of(summary.as_ref(), comparison.as_ref(), sweep.as_ref())
        .or_else(|| optimum.as_ref().map(super::html_optimum::head));
    let Some(head) = head else {
        return Err(Error::Usage(format!(
            "{} is not a forceplan results directory (no summary.json, comparison.json or sweep.json)",
            dir.display()
        )));
    };
    let scenario = head.scenario.as_str();
    let version = head.version.as_str();
    let hash = head.hash.as_str();
    let title = match (&comparison, &sweep) {
        (Some(c), _) => format!("Force options compared — study {}", c.study),
        (None, Some(s)) => format!("Sweep {}", s.sweep),
        _ if summary.is_none() && optimum.is_some() => {
            format!(
                "Optimisation — {}",
                optimum.as_ref().map_or("", |o| &o.problem.name)
            )
        }
        _ => format!("Force plan assessment — {scenario}"),
    };

    let mut h = String::with_capacity(1 << 20);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(h, "<title>{}</title>", esc(&title));
    let _ = writeln!(h, "<style>\n{}{CSS}</style>\n</head>\n<body>", font_faces());
    let _ = writeln!(h, "<header><h1>{}</h1>", esc(&title));
    let desc = theatre
        .as_ref()
        .map(|t| t.description.as_str())
        .or(comparison.as_ref().map(|c| c.description.as_str()))
        .or(optimum.as_ref().map(|o| o.problem.description.as_str()))
        .unwrap_or("");
    if !desc.is_empty() {
        let _ = writeln!(h, "<p class=\"lead\">{}</p>", esc(desc));
    }
    h.push_str("</header>\n");
    if let Some(s) = &summary {
        super::html_answers::findings_section(&mut h, s, theatre.as_ref());
    }

    // Run facts.
    h.push_str("<section><h2>Run</h2><dl class=\"facts\">\n");
    let mut fact = |k: &str, v: String| {
        let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", esc(k), esc(&v));
    };
    fact("scenario", scenario.to_string());
    if let Some(t) = &theatre {
        fact("input file", t.scenario_file.clone());
    }
    fact("inputs hash", hash.to_string());
    fact("seed", head.seed.to_string());
    fact("replications", head.replications.to_string());
    if let Some(s) = &summary {
        fact("horizon", format!("{} days", json_number(s.horizon_days)));
        fact("nations", s.nations.to_string());
        let u = &s.units_by_domain;
        fact(
            "units",
            format!("air {}, sea {}, land {}", u.air, u.sea, u.land),
        );
        fact(
            "events simulated",
            format!("{} in {:.1} s", s.events, s.wall_seconds),
        );
        if s.interrupted {
            fact("NOTE", "the run was interrupted: partial results".into());
        }
    }
    fact("forceplan version", version.to_string());
    h.push_str("</dl></section>\n");

    if let Some(c) = &comparison {
        comparison_section(&mut h, c);
    }
    if let Some(s) = &sweep {
        sweep_section(&mut h, s);
    }
    if let Some(o) = &optimum {
        super::html_optimum::optimum_section(&mut h, o, dir, with_plots)?;
    }
    if let Some(s) = &summary {
        kpi_section(&mut h, s);
        super::html_answers::types_section(&mut h, s);
        super::html_answers::stages_section(&mut h, s);
        super::html_answers::isr_section(&mut h, s, theatre.as_ref());
        super::html_answers::sector_contingent_section(&mut h, s);
    }

    // Plots.
    let mut entries = if with_plots {
        plot_entries(dir)?
    } else {
        Vec::new()
    };
    // An optimisation's convergence plot is in its own section.
    let convergence = super::html_optimum::CONVERGENCE_PLOT;
    entries.retain(|p| optimum.is_none() || p.name != convergence);
    let plots_section = !(entries.is_empty() && optimum.is_some());
    if plots_section {
        h.push_str("<section><h2>Plots</h2>\n");
    }
    if entries.is_empty() && plots_section {
        h.push_str("<p class=\"note\">No plots were drawn for these results (run <code>forceplan plot DIR</code>, then <code>forceplan report DIR</code>).</p>\n");
    }
    // The theatre map gets a section of its own (ISR coverage), after the other plots.
    let (maps, others): (Vec<_>, Vec<_>) = entries.iter().partition(|p| p.name == "theatre_map");
    for (k, p) in others.iter().chain(&maps).enumerate() {
        if k == others.len() {
            h.push_str("</section>\n<section><h2>ISR coverage and the theatre</h2>\n<p class=\"note\">Each sector's label gives its p90 response time and, where ISR drones orbit it (green halo), their share of time on station; grey circles are radar ranges, grey discs observation posts' ranges; red crosses mark points of a sector that no radar, post or drone watches, where only satellite passes can see a violation.</p>\n");
        }
        let path = dir.join("plots").join(format!("{}.svg", p.name));
        let svg = std::fs::read_to_string(&path).map_err(|io| Error::Read { path, io })?;
        let _ = writeln!(
            h,
            "<figure id=\"{}\">{}\n<figcaption><b>{}.</b> {}</figcaption></figure>",
            esc(&p.name),
            inline_svg(&svg),
            esc(&p.title),
            esc(&p.description)
        );
    }
    if plots_section {
        h.push_str("</section>\n");
    }
    if let Some(s) = &summary {
        detail_sections(&mut h, s);
    }
    let _ = writeln!(
        h,
        "<footer>forceplan {} · scenario {} · inputs {} · seed {} · {} replications. All inputs are notional planning assumptions. Map data: Natural Earth (public domain).</footer>\n</body>\n</html>",
        esc(version),
        esc(scenario),
        esc(hash),
        esc(&head.seed.to_string()),
        esc(&head.replications.to_string())
    );
    Ok(h)
}

fn kpi_section(h: &mut String, s: &SummaryFile) {
    h.push_str("<section><h2>Key performance indicators</h2>\n<p class=\"note\">Mean over replications ±95 % confidence half-width (Student t). Shares count every violation needing a response, undetected ones included.</p>\n");
    h.push_str("<table><thead><tr><th>KPI</th><th>theatre</th><th>air</th><th>sea</th><th>land</th></tr></thead><tbody>\n");
    for (kpi, label, digits, pct) in KPI_ROWS {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td>",
            esc(label),
            cell(s.kpis.get(kpi), digits, pct)
        );
        for d in Domain::ALL {
            let _ = write!(
                h,
                "<td>{}</td>",
                cell(s.by_domain.get(d).get(kpi), digits, pct)
            );
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table></section>\n");
}

fn detail_sections(h: &mut String, s: &SummaryFile) {
    h.push_str("<section><h2>Sectors</h2>\n<table><thead><tr><th>sector</th><th>domain</th><th>violations</th><th>detected</th><th>responded</th><th>response p90 [h]</th><th>within target</th></tr></thead><tbody>\n");
    for x in &s.by_sector {
        let _ = writeln!(
            h,
            "<tr><td>{} <span class=\"note\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&x.id),
            esc(&x.name),
            esc(&x.domain),
            cell(Some(&x.violations), 0, false),
            cell(Some(&x.detected_share), 1, true),
            cell(Some(&x.responded_share), 1, true),
            cell(Some(&x.response_time_p90_h), 2, false),
            cell(Some(&x.within_target_share), 1, true),
        );
    }
    h.push_str("</tbody></table></section>\n");
    let mut rows: Vec<_> = s.by_nation.iter().filter(|n| n.units > 0).collect();
    rows.sort_by(|a, b| b.tasks.mean.total_cmp(&a.tasks.mean));
    h.push_str("<section><h2>Nations</h2>\n<table><thead><tr><th>nation</th><th>units</th><th>tasks / replication</th><th>on scene / replication</th><th>response mean [h]</th><th>utilisation</th></tr></thead><tbody>\n");
    for n in rows {
        let _ = writeln!(
            h,
            "<tr><td>{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&n.code),
            esc(&n.name),
            n.units,
            cell(Some(&n.tasks), 1, false),
            cell(Some(&n.responded), 1, false),
            cell(Some(&n.response_time_mean_h), 2, false),
            cell(Some(&n.utilisation), 1, true),
        );
    }
    h.push_str("</tbody></table></section>\n");
}

fn comparison_section(h: &mut String, c: &ComparisonFile) {
    let kpi = c.kpi;
    let ranked_by = if c.ranked_by.is_empty() || c.ranked_by == kpi.name() {
        kpi_label(kpi)
    } else {
        c.ranked_by.clone()
    };
    let _ = writeln!(
        h,
        "<section><h2>Verdicts</h2>\n<p class=\"note\">Decision KPI: <b>{}</b>. Paired differences against the baseline (common random numbers), {} comparisons, {} correction: each interval at {:.1} % confidence. “better” / “worse” only when the interval excludes zero.</p>",
        esc(&ranked_by),
        c.comparisons,
        esc(&c.correction),
        c.per_comparison_confidence * 100.0
    );
    h.push_str("<table><thead><tr><th>option</th><th>rank</th><th>KPI mean ±95 % CI</th><th>difference vs baseline</th><th>interval</th><th>verdict</th></tr></thead><tbody>\n");
    for o in &c.options {
        let stats = o.ranked.as_ref().or(o.kpis.get(kpi));
        let diff = o
            .ranked_vs_baseline
            .as_ref()
            .or(o.vs_baseline.as_ref().and_then(|v| v.get(kpi)));
        let (diff, ci, verdict) = match diff {
            Some(d) => (
                format!("{:+.3}", d.mean),
                format!("[{:+.3}, {:+.3}]", d.ci_low, d.ci_high),
                d.verdict.key().to_string(),
            ),
            None => ("baseline".into(), String::new(), String::new()),
        };
        let class = match verdict.as_str() {
            "better" => " class=\"better\"",
            "worse" => " class=\"worse\"",
            _ => "",
        };
        let _ = writeln!(
            h,
            "<tr><td>{} <span class=\"note\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td></tr>",
            esc(&o.name),
            esc(&o.description),
            o.rank,
            cell(stats, 3, false),
            esc(&diff),
            esc(&ci),
            class,
            esc(&verdict)
        );
    }
    h.push_str("</tbody></table></section>\n");
    super::html_answers::type_differences_section(h, c);
}

fn sweep_section(h: &mut String, s: &SweepFile) {
    let kpi = s.kpi;
    let _ = writeln!(
        h,
        "<section><h2>Sweep</h2>\n<p class=\"note\">Design: {}; KPI: <b>{}</b>.</p>",
        esc(&s.design),
        esc(&kpi_label(kpi))
    );
    h.push_str("<table><thead><tr><th>point</th>");
    for f in &s.factors {
        let _ = write!(h, "<th>{}</th>", esc(&f.name));
    }
    h.push_str("<th>KPI mean ±95 % CI</th>");
    let paired = s.baseline.is_some();
    if paired {
        let _ = write!(h, "<th>{} point − baseline [CI]</th>", esc(&s.ranked_by));
    }
    h.push_str("</tr></thead><tbody>\n");
    for p in &s.points {
        let _ = write!(h, "<tr><td>{}</td>", p.index);
        for f in &s.factors {
            let v = p.factors.get(&f.name).map_or("null".into(), json_number);
            let _ = write!(h, "<td>{v}</td>");
        }
        let _ = write!(h, "<td>{}</td>", cell(p.kpis.get(kpi), 3, false));
        if paired {
            let d = p.ranked_vs_baseline.as_ref().map_or("—".into(), |d| {
                format!(
                    "{:+.3} [{:+.3}, {:+.3}] {}",
                    d.mean,
                    d.ci_low,
                    d.ci_high,
                    d.verdict.key()
                )
            });
            let _ = write!(h, "<td>{}</td>", esc(&d));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");
    if let Some(b) = &s.baseline {
        let _ = writeln!(
            h,
            "<p class=\"note\">Baseline: the sweep's base scenario, no factor applied, run with the same replications (common random numbers): {} = {:.3} [{:.3}, {:.3}]. Differences are paired by replication, each at {:.1} % (Bonferroni over the points); per domain, type and sector in <code>sweep_breakdown.csv</code>.</p>",
            esc(&s.ranked_by),
            b.ranked.mean,
            b.ranked.ci95_low,
            b.ranked.ci95_high,
            b.per_comparison_confidence * 100.0
        );
    }
    h.push_str("</section>\n");
    effects_section(h, s);
}

/// The factors ranked by their effect on the sweep's KPI (nothing when none were estimated).
fn effects_section(h: &mut String, s: &SweepFile) {
    let Some(fit) = &s.factor_effects_fit else {
        return;
    };
    let f = |x: f64| {
        if x.is_nan() {
            "—".into()
        } else {
            format!("{x:+.3}")
        }
    };
    let _ = writeln!(
        h,
        "<section><h2>Factor effects</h2>\n<p class=\"note\">Effect of each factor on <b>{}</b>: {}. {} points, {} residual df, R² {}.</p>",
        esc(&kpi_label(s.kpi)),
        esc(&fit.method),
        fit.points,
        fit.residual_df,
        if fit.r_squared.is_nan() {
            "—".into()
        } else {
            format!("{:.3}", fit.r_squared)
        }
    );
    h.push_str("<table><thead><tr><th>rank</th><th>factor</th><th>effect</th><th>95 % CI</th></tr></thead><tbody>\n");
    for e in &s.factor_effects {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>[{}, {}]</td></tr>",
            e.rank,
            esc(&e.factor),
            f(e.coefficient),
            f(e.ci95_low),
            f(e.ci95_high)
        );
    }
    h.push_str("</tbody></table></section>\n");
}

/// Writes `dir/report.html` and returns its path.
pub fn write(dir: &Path, with_plots: bool) -> Result<PathBuf> {
    let html = render(dir, with_plots)?;
    let path = dir.join("report.html");
    atomic_write(&path, html.as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn escapes_and_cells() {
        assert_eq!(esc("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
        let v = Summary {
            mean: 0.5,
            std: 0.1,
            ci95_low: 0.4,
            ci95_high: 0.6,
            n: 3,
        };
        assert_eq!(cell(Some(&v), 1, true), "50.0 ±10.0 %");
        let none = Summary {
            mean: f64::NAN,
            ..v
        };
        assert_eq!(cell(Some(&none), 1, false), "—");
        assert_eq!(cell(None, 1, false), "—");
        assert_eq!(
            inline_svg("<?xml version=\"1.0\"?>\n<svg></svg>"),
            "<svg></svg>"
        );
    }
}
