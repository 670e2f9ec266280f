//! The sections of `report.html` that answer a planner's questions from `summary.json`: the
//! violation types, each against its own response-time target.

use super::files::SummaryFile;
use super::html::{cell, esc};
use crate::metrics::Kpi;
use std::fmt::Write as _;

/// The table of the violation types that need a response, each against its own target.
pub(super) fn types_section(h: &mut String, s: &SummaryFile) {
    if s.by_type.is_empty() {
        return;
    }
    h.push_str("<section id=\"types\"><h2>Violation types against their own targets</h2>\n<p class=\"note\">Each type is judged against its own response-time target; mean over replications ±95 % confidence half-width.</p>\n");
    h.push_str("<table><thead><tr><th>type</th><th>domain</th><th>target [h]</th><th>needing a response</th><th>responded</th><th>within target</th><th>response p50 [h]</th><th>response p90 [h]</th><th>p90 against target</th></tr></thead><tbody>\n");
    for t in &s.by_type {
        let Some(target) = t.target_h else {
            continue;
        };
        let p90 = t.kpis.get(Kpi::ResponseTimeP90H);
        let (class, versus) = match p90.map(|x| x.mean).filter(|m| !m.is_nan()) {
            Some(m) if m > target => (
                " class=\"worse\"",
                format!("over by {:.0} min", (m - target) * 60.0),
            ),
            Some(m) => (
                " class=\"better\"",
                format!("within by {:.0} min", (target - m) * 60.0),
            ),
            None => ("", "—".into()),
        };
        let _ = writeln!(
            h,
            "<tr><td>{} <span class=\"note\">{}</span></td><td>{}</td><td>{:.2}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{class}>{}</td></tr>",
            esc(&t.id),
            esc(&t.name),
            esc(&t.domain),
            target,
            cell(t.kpis.get(Kpi::NeedingResponse), 1, false),
            cell(t.kpis.get(Kpi::RespondedShare), 1, true),
            cell(t.kpis.get(Kpi::WithinTargetShare), 1, true),
            cell(t.kpis.get(Kpi::ResponseTimeP50H), 2, false),
            cell(p90, 2, false),
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
