//! Results per violation type and per (sector, type) pair: the `summary.json` entries,
//! `by_type.csv`, `by_sector_type.csv`, `replications_by_type.csv`,
//! `response_times_by_type.csv` and the console table of the types, each against its own
//! response-time target.

use super::files::{SectorTypeEntry, TypeEntry};
use super::{atomic_write, csv_field, kpi_stats, num};
use crate::error::Result;
use crate::metrics::stats::Summary;
use crate::metrics::{
    Aggregate, HIST_BIN_H, HIST_BINS, KPI_NAMES, Kpi, ReplicationResult, sector_type_pairs,
};
use crate::scenario::Scenario;
use std::fmt::Write as _;
use std::path::Path;

/// The response-time target of type `t` \[h\], `None` for monitor-only types.
pub fn target_h(sc: &Scenario, t: usize) -> Option<f64> {
    sc.violation_types[t]
        .response
        .as_ref()
        .map(|r| r.target.hours())
}

/// The `by_type` entries of `summary.json`.
pub fn type_entries(sc: &Scenario, agg: &Aggregate) -> Vec<TypeEntry> {
    sc.violation_types
        .iter()
        .enumerate()
        .zip(&agg.by_type)
        .map(|((t, vt), stats)| TypeEntry {
            id: vt.id.clone(),
            name: vt.name.clone(),
            domain: vt.domain.key().into(),
            severity: vt.severity.key().into(),
            target_h: target_h(sc, t),
            kpis: kpi_stats(stats),
        })
        .collect()
}

/// The `by_sector_type` entries of `summary.json`.
pub fn sector_type_entries(sc: &Scenario, agg: &Aggregate) -> Vec<SectorTypeEntry> {
    sector_type_pairs(sc)
        .into_iter()
        .zip(&agg.by_sector_type)
        .map(|((s, t), stats)| SectorTypeEntry {
            sector: sc.sectors[s].id.clone(),
            vtype: sc.violation_types[t].id.clone(),
            domain: sc.sectors[s].domain.key().into(),
            target_h: target_h(sc, t),
            kpis: kpi_stats(stats),
        })
        .collect()
}

fn stats_header(s: &mut String) {
    for n in KPI_NAMES {
        let _ = write!(s, ",{n}_mean,{n}_std,{n}_ci95_low,{n}_ci95_high");
    }
    s.push('\n');
}

fn stats_cells(s: &mut String, stats: &[Summary]) {
    for x in stats {
        let _ = write!(
            s,
            ",{},{},{},{}",
            num(x.mean),
            num(x.std),
            num(x.ci95_low),
            num(x.ci95_high)
        );
    }
    s.push('\n');
}

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), num)
}

/// `by_type.csv`: per violation type, its target and every KPI's mean, std and CI.
pub fn by_type_csv(sc: &Scenario, agg: &Aggregate) -> String {
    let mut s = String::from("type,name,domain,severity,target_h");
    stats_header(&mut s);
    for ((t, vt), stats) in sc.violation_types.iter().enumerate().zip(&agg.by_type) {
        let _ = write!(
            s,
            "{},{},{},{},{}",
            csv_field(&vt.id),
            csv_field(&vt.name),
            vt.domain.key(),
            vt.severity.key(),
            opt(target_h(sc, t))
        );
        stats_cells(&mut s, stats);
    }
    s
}

/// `by_sector_type.csv`: per (sector, type) pair, the type's target and every KPI's mean,
/// std and CI.
pub fn by_sector_type_csv(sc: &Scenario, agg: &Aggregate) -> String {
    let mut s = String::from("sector,type,domain,target_h");
    stats_header(&mut s);
    for ((sec, t), stats) in sector_type_pairs(sc).into_iter().zip(&agg.by_sector_type) {
        let _ = write!(
            s,
            "{},{},{},{}",
            csv_field(&sc.sectors[sec].id),
            csv_field(&sc.violation_types[t].id),
            sc.sectors[sec].domain.key(),
            opt(target_h(sc, t))
        );
        stats_cells(&mut s, stats);
    }
    s
}

/// `replications_by_type.csv`: one row per replication and violation type, every KPI.
pub fn replications_by_type_csv(sc: &Scenario, results: &[ReplicationResult]) -> String {
    let mut s = String::from("replication,type,domain");
    for n in KPI_NAMES {
        let _ = write!(s, ",{n}");
    }
    s.push('\n');
    for r in results {
        for (vt, k) in sc.violation_types.iter().zip(&r.by_type) {
            let _ = write!(
                s,
                "{},{},{}",
                r.replication,
                csv_field(&vt.id),
                vt.domain.key()
            );
            for v in k.values {
                let _ = write!(s, ",{}", num(v));
            }
            s.push('\n');
        }
    }
    s
}

/// `response_times_by_type.csv`: per violation type that needs a response, its response
/// times pooled over replications in the bins of `response_times.csv` (5 minutes; the bin
/// from 72 h has `bin_end_h` `inf`), then one final row with `bin_start_h` `inf` and an empty
/// `bin_end_h` counting the violations never answered within the horizon (closed without a
/// unit on scene, or still open at the end).
pub fn response_times_by_type_csv(sc: &Scenario, agg: &Aggregate) -> String {
    let mut s = String::from("type,domain,target_h,bin_start_h,bin_end_h,count\n");
    for ((t, vt), p) in sc.violation_types.iter().enumerate().zip(&agg.type_times) {
        let Some(target) = target_h(sc, t) else {
            continue;
        };
        let head = format!("{},{},{}", csv_field(&vt.id), vt.domain.key(), num(target));
        for (b, c) in p.answered.iter().enumerate() {
            let start = b as f64 * HIST_BIN_H;
            let end = if b == HIST_BINS - 1 {
                "inf".to_string()
            } else {
                format!("{:.6}", (b + 1) as f64 * HIST_BIN_H)
            };
            let _ = writeln!(s, "{head},{start:.6},{end},{c}");
        }
        let not_answered = p.open.iter().sum::<u64>() + p.never;
        let _ = writeln!(s, "{head},inf,,{not_answered}");
    }
    s
}

/// Writes the per-type files into a run's directory.
pub fn write_type_files(
    dir: &Path,
    sc: &Scenario,
    agg: &Aggregate,
    results: &[ReplicationResult],
) -> Result<()> {
    atomic_write(&dir.join("by_type.csv"), by_type_csv(sc, agg).as_bytes())?;
    atomic_write(
        &dir.join("by_sector_type.csv"),
        by_sector_type_csv(sc, agg).as_bytes(),
    )?;
    atomic_write(
        &dir.join("replications_by_type.csv"),
        replications_by_type_csv(sc, results).as_bytes(),
    )?;
    atomic_write(
        &dir.join("response_times_by_type.csv"),
        response_times_by_type_csv(sc, agg).as_bytes(),
    )
}

fn cell(s: &Summary, digits: usize) -> String {
    if s.mean.is_nan() {
        "—".into()
    } else if s.half_width().is_nan() {
        format!("{:.*}", digits, s.mean)
    } else {
        format!("{:.*} ±{:.*}", digits, s.mean, digits, s.half_width())
    }
}

/// The console table of the violation types that need a response, each against its own
/// target: violations needing a response per replication, share within target, p90 and
/// how far the p90 is from the target.
pub fn type_table(sc: &Scenario, agg: &Aggregate) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n{:<28} {:>8} {:>10} {:>16} {:>16} {:>16}",
        "per violation type", "target", "need/rep", "within target", "p90 [h]", "p90 vs target"
    );
    for ((t, vt), stats) in sc.violation_types.iter().enumerate().zip(&agg.by_type) {
        let Some(target) = target_h(sc, t) else {
            continue;
        };
        let p90 = stats[Kpi::ResponseTimeP90H.index()];
        let versus = if p90.mean.is_nan() {
            "—".to_string()
        } else if p90.mean > target {
            format!("over by {:.0} min", (p90.mean - target) * 60.0)
        } else {
            format!("within by {:.0} min", (target - p90.mean) * 60.0)
        };
        let _ = writeln!(
            s,
            "{:<28} {:>6.2} h {:>10.1} {:>16} {:>16} {:>16}",
            vt.id,
            target,
            stats[Kpi::NeedingResponse.index()].mean,
            cell(&stats[Kpi::WithinTargetShare.index()], 3),
            cell(&p90, 2),
            versus
        );
    }
    s
}
