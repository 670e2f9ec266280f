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
