//! The sections of `report.html` that answer a planner's questions: the findings, the
//! violation types each against its own response-time target, ISR coverage per sector, and
//! per option of a comparison the differences per type.

use super::files::{SummaryFile, TheatreFile};
use super::html::{cell, esc};
use super::pooled::{quantile_text, share_text};
use crate::metrics::Kpi;
use std::fmt::Write as _;

/// The table of the violation types that need a response, each against its own target,
/// pooled over replications (Wilson intervals for shares, Kaplan–Meier percentiles).
pub(super) fn types_section(h: &mut String, s: &SummaryFile) {
    let Some(pooled) = &s.pooled else {
        return;
    };
    h.push_str("<section id=\"types\"><h2>Violation types against their own targets</h2>\n<p class=\"note\">Each type is judged against its own response-time target. Pooled over replications: shares with Wilson 95 % intervals; percentiles over every violation needing a response (never answered = infinitely late, still open at the end = censored; Kaplan–Meier) with 95 % intervals; “not reached” when too few were answered.</p>\n");
    h.push_str("<table><thead><tr><th>type</th><th>target [h]</th><th>needing a response</th><th>answered</th><th>within target</th><th>response p50 [h]</th><th>response p90 [h]</th><th>p90 against target</th></tr></thead><tbody>\n");
    for p in &pooled.by_type {
        let Some(target) = p.target_h else {
            continue;
        };
        let e = &p.figures;
        let p90 = e.response_time_p90_h.estimate;
        let (class, versus) = if e.needing_response == 0 {
            ("", "—".to_string())
        } else if !p90.is_finite() {
            (" class=\"worse\"", "over".to_string())
        } else if p90 > target {
            (
                " class=\"worse\"",
                format!("over by {:.0} min", (p90 - target) * 60.0),
            )
        } else {
            (
                " class=\"better\"",
                format!("within by {:.0} min", (target - p90) * 60.0),
            )
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{target:.2}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{class}>{}</td></tr>",
            esc(&p.id),
            e.needing_response,
            esc(&share_text(&e.answered_share)),
            esc(&share_text(&e.within_target_share)),
            esc(&quantile_text(&e.response_time_p50_h, e)),
            esc(&quantile_text(&e.response_time_p90_h, e)),
            esc(&versus),
        );
    }
    h.push_str("</tbody></table></section>\n");
}

/// Per option and violation type, the paired differences against the baseline of the p90
/// response time (minutes) and of the share within target (percentage points).
pub(super) fn type_differences_section(h: &mut String, c: &super::files::ComparisonFile) {
    let any = c.options.iter().any(|o| o.breakdown_vs_baseline.is_some());
    if !any {
        return;
    }
    h.push_str("<section id=\"type-differences\"><h2>Per violation type, against the baseline</h2>\n<p class=\"note\">Paired differences option − baseline over the same replications (common random numbers): the 90th-percentile response time in minutes and the share within each type's own target in percentage points, with their intervals. An option can help one type and hurt another.</p>\n");
    h.push_str("<table><thead><tr><th>option</th><th>type</th><th>target [h]</th><th>p90 difference [min]</th><th>within-target difference [pp]</th></tr></thead><tbody>\n");
    for o in &c.options {
        let Some(b) = &o.breakdown_vs_baseline else {
            continue;
        };
        for t in &b.by_type {
            let Some(target) = t.target_h else {
                continue;
            };
            let show = |k: Kpi, f: f64| -> (String, &'static str) {
                match t.differences.get(k) {
                    Some(d) if !d.mean.is_nan() => {
                        let class = match d.verdict.key() {
                            "better" => " class=\"better\"",
                            "worse" => " class=\"worse\"",
                            _ => "",
                        };
                        let ci = if d.ci_low.is_nan() {
                            String::new()
                        } else {
                            format!(" [{:+.0}, {:+.0}]", d.ci_low * f, d.ci_high * f)
                        };
                        (format!("{:+.0}{ci} {}", d.mean * f, d.verdict.key()), class)
                    }
                    _ => ("—".into(), ""),
                }
            };
            let (p90, c90) = show(Kpi::ResponseTimeP90H, 60.0);
            let (wt, cwt) = show(Kpi::WithinTargetShare, 100.0);
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{target:.2}</td><td{c90}>{}</td><td{cwt}>{}</td></tr>",
                esc(&o.name),
                esc(&t.id),
                esc(&p90),
                esc(&wt)
            );
        }
    }
    h.push_str("</tbody></table></section>\n");
}

/// The findings, at the top of the page.
pub(super) fn findings_section(
    h: &mut String,
    s: &SummaryFile,
    theatre: Option<&super::files::TheatreFile>,
) {
    let f = super::findings::findings(s, theatre);
    if f.is_empty() {
        return;
    }
    h.push_str("<section id=\"findings\"><h2>Findings</h2>\n<ul>\n");
    for x in &f {
        let _ = writeln!(h, "<li>{}</li>", esc(&x.text));
    }
    h.push_str("</ul></section>\n");
}

/// ISR coverage per sector: the share of its area beyond every radar and observation post
/// (from `theatre.json`), the share of time an ISR drone was on station over it, the
/// satellites' revisit, beside the share of its violations detected.
pub(super) fn isr_section(h: &mut String, s: &SummaryFile, theatre: Option<&TheatreFile>) {
    if s.by_sector.is_empty() {
        return;
    }
    let cov = theatre
        .map(super::coverage::sector_coverage)
        .unwrap_or_default();
    h.push_str("<section id=\"isr\"><h2>ISR coverage per sector</h2>\n<p class=\"note\">Share of the sector's area out of range of every radar and observation post of its domain, share of the horizon with an ISR drone on station over it (— : no drone orbit tasked to it), the shortest satellite revisit, and the share of its violations detected by any sensor.</p>\n");
    h.push_str("<table><thead><tr><th>sector</th><th>domain</th><th>area beyond radars and posts</th><th>ISR drone on station</th><th>satellite revisit</th><th>violations detected</th></tr></thead><tbody>\n");
    for x in &s.by_sector {
        let c = cov.iter().find(|c| c.id == x.id);
        let area = c
            .filter(|c| c.unwatched_share.is_finite())
            .map_or("—".to_string(), |c| {
                format!("{:.0} %", c.unwatched_share * 100.0)
            });
        let sat = c
            .and_then(|c| c.satellite_revisit_h)
            .map_or("none".to_string(), |r| format!("{r:.0} h"));
        let on_station = if x.isr_coverage_share.mean.is_finite() {
            cell(Some(&x.isr_coverage_share), 1, true)
        } else {
            "— (no orbit)".into()
        };
        let class = if x.isr_coverage_share.mean > 0.0 {
            ""
        } else {
            " class=\"worse\""
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td{class}>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&x.id),
            esc(&x.domain),
            esc(&area),
            esc(&on_station),
            esc(&sat),
            esc(&cell(Some(&x.detected_share), 1, true)),
        );
    }
    h.push_str("</tbody></table></section>\n");
}

/// Who answers each sector: tasks per replication and mean response time per contingent.
pub(super) fn sector_contingent_section(h: &mut String, s: &SummaryFile) {
    if s.by_sector_contingent.is_empty() {
        return;
    }
    h.push_str("<section id=\"sector-contingent\"><h2>Who answers each sector</h2>\n<p class=\"note\">Tasks per replication of each contingent in each sector, and the mean response time of its responses there (pooled over replications).</p>\n");
    h.push_str("<table><thead><tr><th>sector</th><th>contingent</th><th>nation</th><th>tasks / replication</th><th>response mean [h]</th></tr></thead><tbody>\n");
    for x in &s.by_sector_contingent {
        let rt = if x.response_time_mean_h.is_finite() {
            format!("{:.2}", x.response_time_mean_h)
        } else {
            "—".into()
        };
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.1}</td><td>{}</td></tr>",
            esc(&x.sector),
            esc(&x.contingent),
            esc(&x.nation),
            x.tasks_per_replication,
            rt
        );
    }
    h.push_str("</tbody></table></section>\n");
}

/// Where the time goes: the mean of each stage of a response \[min\], per violation type and
/// per sector (a sector's stages: its types' means weighted by the violations needing a
/// response).
pub(super) fn stages_section(h: &mut String, s: &SummaryFile) {
    use super::findings::STAGES;
    if s.by_type.is_empty() {
        return;
    }
    h.push_str("<section id=\"stages\"><h2>Where the time goes</h2>\n<p class=\"note\">Mean time in each stage of a response, in minutes, over the violations that reached the stage; the largest stage of each row is marked.</p>\n");
    h.push_str("<table><thead><tr><th>type or sector</th>");
    for (_, name) in STAGES {
        let _ = write!(h, "<th>{}</th>", esc(name));
    }
    h.push_str("</tr></thead><tbody>\n");
    let row = |h: &mut String, label: &str, get: &dyn Fn(Kpi) -> f64| {
        let values: Vec<f64> = STAGES.iter().map(|(k, _)| get(*k) * 60.0).collect();
        let max = values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(f64::NEG_INFINITY, f64::max);
        let _ = write!(h, "<tr><td>{}</td>", esc(label));
        for v in values {
            if !v.is_finite() {
                h.push_str("<td>—</td>");
            } else if v == max {
                let _ = write!(h, "<td class=\"worse\"><b>{v:.0}</b></td>");
            } else {
                let _ = write!(h, "<td>{v:.0}</td>");
            }
        }
        h.push_str("</tr>\n");
    };
    for t in s.by_type.iter().filter(|t| t.target_h.is_some()) {
        row(h, &format!("type {}", t.id), &|k| {
            t.kpis.get(k).map_or(f64::NAN, |x| x.mean)
        });
    }
    for sec in &s.by_sector {
        row(h, &format!("sector {}", sec.id), &|k| {
            super::findings::sector_stage_mean(s, &sec.id, k)
        });
    }
    h.push_str("</tbody></table></section>\n");
}
