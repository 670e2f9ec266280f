//! The parts of the theatre in comparison and sweep outputs: paired differences against the
//! baseline per domain, violation type and sector in `comparison.json`,
//! `comparison_breakdown.csv`, `sweep.json`, `sweep_breakdown.csv` and a console table per
//! type with times in minutes, so that an option that helps one type and hurts another shows.

use super::breakdown::target_h;
use super::files::{BreakdownEntry, KpiTable, PartDifferences, PerDomain};
use super::{csv_field, num};
use crate::experiment::compare::{BreakdownDifferences, Comparison, Difference};
use crate::experiment::plan::Plan;
use crate::metrics::{Kpi, SECTOR_KPIS, Unit};
use crate::scenario::{Domain, Scenario};
use std::fmt::Write as _;

/// The `breakdown_vs_baseline` entry of one option.
pub fn breakdown_entry(sc: &Scenario, b: &BreakdownDifferences) -> BreakdownEntry {
    BreakdownEntry {
        by_domain: PerDomain::from_array(
            Domain::ALL.map(|d| KpiTable::full(|k| b.by_domain[d.index()][k.index()])),
        ),
        by_type: sc
            .violation_types
            .iter()
            .enumerate()
            .zip(&b.by_type)
            .map(|((t, vt), d)| PartDifferences {
                id: vt.id.clone(),
                target_h: target_h(sc, t),
                differences: KpiTable::full(|k| d[k.index()]),
            })
            .collect(),
        by_sector: sc
            .sectors
            .iter()
            .zip(&b.by_sector)
            .map(|(s, d)| {
                let mut table = KpiTable::default();
                for (i, k) in SECTOR_KPIS.iter().enumerate() {
                    table.0[k.index()] = Some(d[i]);
                }
                PartDifferences {
                    id: s.id.clone(),
                    target_h: None,
                    differences: table,
                }
            })
            .collect(),
    }
}

fn row(s: &mut String, option: &str, part: &str, id: &str, k: Kpi, d: &Difference) {
    let _ = writeln!(
        s,
        "{},{part},{},{},{},{},{},{},{}",
        csv_field(option),
        csv_field(id),
        k.name(),
        num(d.mean),
        num(d.ci_low),
        num(d.ci_high),
        d.n,
        d.verdict.key()
    );
}

/// `comparison_breakdown.csv`: one row per option, part (domain, type or sector) and KPI with
/// the paired difference against the baseline in the KPI's own unit (`_h`: hours).
pub fn breakdown_csv(plan: &Plan, cmp: &Comparison) -> String {
    let sc = &plan.variants[0].prepared.scenario;
    let parts: Vec<(&str, &Scenario, &BreakdownDifferences)> = plan
        .variants
        .iter()
        .zip(&cmp.options)
        .filter_map(|(var, o)| Some((var.name.as_str(), sc, o.breakdown_vs_baseline.as_ref()?)))
        .collect();
    differences_csv("option", &parts)
}

/// The rows of `comparison_breakdown.csv` (first column `option`) or `sweep_breakdown.csv`
/// (`point`): per named variant, with the scenario naming its types and sectors, every part
/// and KPI.
pub fn differences_csv(first: &str, parts: &[(&str, &Scenario, &BreakdownDifferences)]) -> String {
    let mut s = format!("{first},part,id,kpi,diff_mean,diff_ci_low,diff_ci_high,n,verdict\n");
    for &(name, sc, b) in parts {
        let var_name = name;
        for d in Domain::ALL {
            for k in Kpi::ALL {
                row(
                    &mut s,
                    var_name,
                    "domain",
                    d.key(),
                    k,
                    &b.by_domain[d.index()][k.index()],
                );
            }
        }
        for (vt, diffs) in sc.violation_types.iter().zip(&b.by_type) {
            for k in Kpi::ALL {
                row(&mut s, var_name, "type", &vt.id, k, &diffs[k.index()]);
            }
        }
        for (sec, diffs) in sc.sectors.iter().zip(&b.by_sector) {
            for (i, k) in SECTOR_KPIS.iter().enumerate() {
                row(&mut s, var_name, "sector", &sec.id, *k, &diffs[i]);
            }
        }
    }
    s
}

/// A difference for the console: minutes for times, percentage points for shares.
pub fn shown(k: Kpi, d: &Difference) -> String {
    if d.mean.is_nan() {
        return "—".into();
    }
    let (f, unit) = match k.unit() {
        Unit::Hours => (60.0, " min"),
        Unit::Share => (100.0, " pp"),
        Unit::Count => (1.0, ""),
    };
    let mark = match d.verdict.key() {
        "better" => "+",
        "worse" => "-",
        _ => "=",
    };
    // No "-0": a difference that rounds to zero is shown as +0.
    let v = (d.mean * f).round() + 0.0;
    format!("{v:+.0}{unit} {mark}")
}

/// The console table: per option and violation type that needs a response, the paired
/// differences of the p90 response time (minutes) and of the share within target
/// (percentage points).
pub fn type_differences_table(plan: &Plan, cmp: &Comparison) -> String {
    let sc = &plan.variants[0].prepared.scenario;
    let mut s = String::from(
        "\nper violation type, option − baseline (p90 in minutes, within target in percentage points; + better, - worse, = no significant difference)\n",
    );
    let _ = writeln!(
        s,
        "{:<26} {:<28} {:>8} {:>14} {:>16}",
        "option", "type", "target", "p90", "within target"
    );
    for (var, o) in plan.variants.iter().zip(&cmp.options) {
        let Some(b) = &o.breakdown_vs_baseline else {
            continue;
        };
        for ((t, vt), d) in sc.violation_types.iter().enumerate().zip(&b.by_type) {
            let Some(target) = target_h(sc, t) else {
                continue;
            };
            let _ = writeln!(
                s,
                "{:<26} {:<28} {:>6.2} h {:>14} {:>16}",
                var.name,
                vt.id,
                target,
                shown(Kpi::ResponseTimeP90H, &d[Kpi::ResponseTimeP90H.index()]),
                shown(Kpi::WithinTargetShare, &d[Kpi::WithinTargetShare.index()]),
            );
        }
    }
    s
}
