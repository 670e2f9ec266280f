//! Results per violation type and per (sector, type) pair: the `summary.json` entries,
//! `by_type.csv`, `by_sector_type.csv`, `replications_by_type.csv`,
//! `response_times_by_type.csv` and the console table of the types, each against its own
//! response-time target.

use super::files::{ContingentEntry, SectorContingentEntry, SectorTypeEntry, TypeEntry};
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

/// The `by_contingent` entries of `summary.json`: every responder contingent (ISR drones left
/// out) with its tasks per replication.
pub fn contingent_entries(sc: &Scenario, agg: &Aggregate) -> Vec<ContingentEntry> {
    let n_c = sc.contingents.len() as u32;
    let reps = agg.replications.max(1) as f64;
    sc.contingents
        .iter()
        .enumerate()
        .filter(|(_, c)| c.isr.is_none())
        .map(|(i, c)| {
            let tasks: u64 = agg
                .sector_contingent
                .iter()
                .filter(|(cell, _)| **cell % n_c.max(1) == i as u32)
                .map(|(_, v)| v.0)
                .sum();
            ContingentEntry {
                id: c.id.clone(),
                nation: sc.nations[c.nation].code.clone(),
                domain: c.domain.key().into(),
                units: u64::from(c.units),
                tasks_per_replication: tasks as f64 / reps,
            }
        })
        .collect()
}

/// The `by_sector_contingent` entries of `summary.json`: who answers each sector.
pub fn sector_contingent_entries(sc: &Scenario, agg: &Aggregate) -> Vec<SectorContingentEntry> {
    let n_c = sc.contingents.len().max(1);
    let reps = agg.replications.max(1) as f64;
    agg.sector_contingent
        .iter()
        .filter_map(|(&cell, &(tasks, rt_s, responses))| {
            let (s, c) = (cell as usize / n_c, cell as usize % n_c);
            let (sec, con) = (sc.sectors.get(s)?, sc.contingents.get(c)?);
            Some(SectorContingentEntry {
                sector: sec.id.clone(),
                contingent: con.id.clone(),
                nation: sc.nations[con.nation].code.clone(),
                tasks_per_replication: tasks as f64 / reps,
                response_time_mean_h: if responses == 0 {
                    f64::NAN
                } else {
                    rt_s as f64 / responses as f64 / crate::time::HOUR.0 as f64
                },
            })
        })
        .collect()
}

/// `by_sector_contingent.csv`: who answers each sector, tasks per replication and the mean
/// response time of their responses there.
pub fn by_sector_contingent_csv(sc: &Scenario, agg: &Aggregate) -> String {
    let mut s =
        String::from("sector,contingent,nation,tasks_per_replication,response_time_mean_h\n");
    for e in sector_contingent_entries(sc, agg) {
        let _ = writeln!(
            s,
            "{},{},{},{},{}",
            csv_field(&e.sector),
            csv_field(&e.contingent),
            csv_field(&e.nation),
            num(e.tasks_per_replication),
            num(e.response_time_mean_h)
        );
    }
    s
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
        &dir.join("by_sector_contingent.csv"),
        by_sector_contingent_csv(sc, agg).as_bytes(),
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

/// The console table of the violation types that need a response, each against its own
/// target: violations needing a response per replication, and pooled over replications the
/// share within target (Wilson interval), the p90 (Kaplan–Meier, or "not reached") and how far
/// it is from the target.
pub fn type_table(sc: &Scenario, agg: &Aggregate) -> String {
    let pooled = super::pooled::section(sc, agg);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n{:<28} {:>8} {:>9} {:>26} {:>30} {:>18}",
        "per violation type (pooled)",
        "target",
        "need/rep",
        "within target",
        "p90 [h]",
        "p90 vs target"
    );
    for p in &pooled.by_type {
        let (Some(target), Some(t)) = (
            p.target_h,
            sc.violation_types.iter().position(|v| v.id == p.id),
        ) else {
            continue;
        };
        let e = &p.figures;
        let p90 = e.response_time_p90_h.estimate;
        let versus = if e.needing_response == 0 {
            "—".to_string()
        } else if !p90.is_finite() || p90 > target {
            if p90.is_finite() {
                format!("OVER by {:.0} min", (p90 - target) * 60.0)
            } else {
                "OVER".to_string()
            }
        } else {
            format!("within by {:.0} min", (target - p90) * 60.0)
        };
        let _ = writeln!(
            s,
            "{:<28} {:>6.2} h {:>9.1} {:>26} {:>30} {:>18}",
            p.id,
            target,
            agg.by_type[t][Kpi::NeedingResponse.index()].mean,
            super::pooled::share_text(&e.within_target_share),
            super::pooled::quantile_text(&e.response_time_p90_h, e),
            versus
        );
    }
    s
}
