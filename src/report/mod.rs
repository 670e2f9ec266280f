//! Reports of a run: the summary table and `summary.json`, the run directory written
//! atomically (its CSV files are `run_csv.rs`); [`study`] adds the comparison and sweep outputs.

mod answer_files;
pub mod breakdown;
pub mod checkpoint;
pub mod coverage;
pub mod files;
pub mod findings;
pub mod optimum;
mod optimum_file;
pub mod stages;
pub mod study;
pub mod study_breakdown;
mod study_files;
mod theatre;
mod theatre_file;
pub mod validation;
pub mod warmup;

pub mod html;
mod html_answers;
pub mod html_optimum;
pub mod pooled;
mod run_csv;

pub(crate) use run_csv::num;
pub use run_csv::{
    TRACE_HEADER, by_nation_csv, by_sector_csv, csv_field, replications_by_sector_csv,
    replications_csv, response_times_csv, timeline_csv, trace_rows,
};
pub use theatre::theatre;

use crate::error::{Error, Result};
use crate::metrics::stats::Summary;
use crate::metrics::{Aggregate, Kpi, ReplicationResult};
use crate::scenario::{Domain, Scenario};
use files::{KpiStats, KpiTable, NationEntry, PerDomain, SectorEntry, SummaryFile};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Facts about a run that are not statistics.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// Master seed.
    pub seed: u64,
    /// Events handled.
    pub events: u64,
    /// Wall-clock simulation time \[s\].
    pub wall_seconds: f64,
    /// Threads used.
    pub threads: usize,
    /// Replications asked for.
    pub requested: u64,
    /// Whether the run was cut short.
    pub interrupted: bool,
    /// CPU time and work of the replications simulated.
    pub effort: crate::experiment::Effort,
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, then a
/// rename, so no reader ever sees a half-written file.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<()> {
    let err = |io| Error::Write {
        path: path.to_path_buf(),
        io,
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .ok_or_else(|| err(std::io::Error::other("not a file path")))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(err)
}

/// Creates an output directory (and its parents).
pub fn create_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|io| Error::Write {
        path: dir.to_path_buf(),
        io,
    })
}

/// A KPI table with every KPI of `values` (in [`Kpi::ALL`] order).
pub(crate) fn kpi_stats(values: &[Summary]) -> KpiStats {
    KpiTable::full(|k| values[k.index()])
}

/// Theatre and per-domain KPI tables of `agg`.
pub(crate) fn kpi_tables(agg: &Aggregate) -> (KpiStats, PerDomain<KpiStats>) {
    (
        kpi_stats(&agg.kpis),
        PerDomain::from_array(Domain::ALL.map(|d| kpi_stats(&agg.by_domain[d.index()]))),
    )
}

/// Lowercase hexadecimal of a hash.
pub fn hex(h: u64) -> String {
    format!("{h:016x}")
}

/// The content of `summary.json`.
pub fn summary(sc: &Scenario, agg: &Aggregate, info: &RunInfo) -> SummaryFile {
    let (kpis, by_domain) = kpi_tables(agg);
    let by_nation = sc
        .nations
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let units: u64 = sc
                .contingents
                .iter()
                .filter(|c| c.nation == i)
                .map(|c| u64::from(c.units))
                .sum();
            let f = &agg.by_nation[i];
            NationEntry {
                code: n.code.clone(),
                name: n.name.clone(),
                units,
                tasks: f[0],
                responded: f[1],
                response_time_mean_h: f[2],
                utilisation: f[3],
            }
        })
        .collect();
    let by_sector: Vec<SectorEntry> = sc
        .sectors
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let f = &agg.by_sector[i];
            SectorEntry {
                id: s.id.clone(),
                name: s.name.clone(),
                domain: s.domain.key().into(),
                violations: f[0],
                detected_share: f[1],
                responded_share: f[2],
                response_time_mean_h: f[3],
                response_time_p90_h: f[4],
                within_target_share: f[5],
                isr_coverage_share: f[6],
            }
        })
        .collect();
    let by_type = breakdown::type_entries(sc, agg);
    let by_sector_type = breakdown::sector_type_entries(sc, agg);
    let stages = stages::entries(&by_type, &by_sector, &by_sector_type);
    SummaryFile {
        forceplan_version: env!("CARGO_PKG_VERSION").into(),
        scenario: sc.name.clone(),
        scenario_hash: hex(sc.source_hash),
        seed: info.seed,
        replications: agg.replications,
        replications_requested: info.requested,
        interrupted: info.interrupted,
        horizon_days: sc.horizon_days(),
        warm_up_days: sc.warm_up.secs() as f64 / crate::time::DAY.0 as f64,
        suggested_warm_up_days: None,
        nations: sc.nations.len(),
        units_by_domain: PerDomain::from_array(sc.units_by_domain()),
        violations_per_day_expected: sc.violations_per_day(),
        events: info.events,
        wall_seconds: info.wall_seconds,
        events_per_second: if info.wall_seconds > 0.0 {
            info.events as f64 / info.wall_seconds
        } else {
            f64::NAN
        },
        threads: info.threads,
        cpu_seconds: info.effort.cpu_seconds,
        seconds_per_replication_year: info.effort.seconds_per_replication_year(),
        violations_per_cpu_second: info.effort.violations_per_cpu_second(),
        kpis,
        by_domain,
        by_nation,
        by_sector,
        by_type,
        by_sector_type,
        pooled: Some(pooled::section(sc, agg)),
        by_contingent: breakdown::contingent_entries(sc, agg),
        by_sector_contingent: breakdown::sector_contingent_entries(sc, agg),
        stages,
    }
}

fn cell(s: &Summary, digits: usize) -> String {
    if s.mean.is_nan() {
        "—".into()
    } else if s.mean.is_infinite() {
        "not reached".into()
    } else if s.half_width().is_nan() {
        format!("{:.*}", digits, s.mean)
    } else {
        format!("{:.*} ±{:.*}", digits, s.mean, digits, s.half_width())
    }
}

/// Writes the outputs of one scenario's replications into `dir`: `summary.json`,
/// `replications.csv`, `by_nation.csv`, `by_sector.csv`, `replications_by_sector.csv`,
/// `response_times.csv`, (when given) `timeline.csv`, and the per-type files of
/// [`breakdown::write_type_files`]. `pooled` holds the pooled parts of `results` (see
/// [`crate::metrics::Pooled`]). Returns the statistics.
pub fn write_run_dir(
    dir: &Path,
    sc: &Scenario,
    results: &[ReplicationResult],
    pooled: crate::metrics::Pooled,
    timeline: Option<&[crate::metrics::TimelineSample]>,
    info: &RunInfo,
) -> Result<Aggregate> {
    create_dir(dir)?;
    let agg = Aggregate::of_pooled(results, pooled);
    let mut doc = summary(sc, &agg, info);
    doc.suggested_warm_up_days = warmup::suggested_warm_up_days(&agg, timeline);
    atomic_write(&dir.join("summary.json"), &files::to_pretty(&doc)?)?;
    atomic_write(&dir.join("stages.csv"), stages::csv(&doc.stages).as_bytes())?;
    atomic_write(
        &dir.join("replications.csv"),
        replications_csv(results).as_bytes(),
    )?;
    atomic_write(
        &dir.join("by_nation.csv"),
        by_nation_csv(sc, &agg).as_bytes(),
    )?;
    atomic_write(
        &dir.join("by_sector.csv"),
        by_sector_csv(sc, &agg).as_bytes(),
    )?;
    atomic_write(
        &dir.join("replications_by_sector.csv"),
        replications_by_sector_csv(sc, results).as_bytes(),
    )?;
    atomic_write(
        &dir.join("response_times.csv"),
        response_times_csv(&agg).as_bytes(),
    )?;
    if let Some(t) = timeline {
        atomic_write(&dir.join("timeline.csv"), timeline_csv(t).as_bytes())?;
    }
    breakdown::write_type_files(dir, sc, &agg, results)?;
    Ok(agg)
}

/// The pooled percentiles and shares of the theatre and each domain (console).
fn pooled_table(sc: &Scenario, agg: &Aggregate) -> String {
    let p = pooled::section(sc, agg);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\npooled over replications, every violation needing a response (Kaplan-Meier; [95% CI])"
    );
    let _ = writeln!(
        s,
        "{:<8} {:>24} {:>30} {:>30} {:>30}",
        "", "answered", "within target", "p50 [h]", "p90 [h]"
    );
    let rows = [("theatre", p.theatre)]
        .into_iter()
        .chain(Domain::ALL.map(|d| (d.key(), *p.by_domain.get(d))));
    for (name, e) in rows {
        if e.needing_response == 0 {
            continue;
        }
        let _ = writeln!(
            s,
            "{name:<8} {:>24} {:>30} {:>30} {:>30}",
            pooled::share_text(&e.answered_share),
            pooled::share_text(&e.within_target_share),
            pooled::quantile_text(&e.response_time_p50_h, &e),
            pooled::quantile_text(&e.response_time_p90_h, &e),
        );
    }
    s
}

/// The summary table printed after a run: the findings first, theatre and per-domain KPIs
/// with 95 % CI half-widths, pooled percentiles, the violation types against their targets,
/// then the busiest nations.
pub fn summary_table(sc: &Scenario, agg: &Aggregate, info: &RunInfo) -> String {
    let mut s = findings::text(&findings::findings(
        &summary(sc, agg, info),
        Some(&theatre(sc, "")),
    ));
    let _ = writeln!(
        s,
        "{} — seed {}, {} replications of {} days{}",
        sc.name,
        info.seed,
        agg.replications,
        sc.horizon_days(),
        if info.interrupted {
            " (INTERRUPTED: partial results)"
        } else {
            ""
        }
    );
    let _ = writeln!(
        s,
        "{} events in {:.2} s on {} threads ({:.2} M events/s)",
        info.events,
        info.wall_seconds,
        info.threads,
        info.events as f64 / info.wall_seconds.max(1e-9) / 1e6
    );
    let e = &info.effort;
    if e.cpu_seconds > 0.0 {
        let _ = writeln!(
            s,
            "{:.2} s of CPU: {:.3} s per replication-year, {:.0} violations per CPU second",
            e.cpu_seconds,
            e.seconds_per_replication_year(),
            e.violations_per_cpu_second()
        );
    }
    s.push('\n');
    let rows: [(Kpi, &str, usize); 14] = [
        (Kpi::Violations, "violations / replication", 0),
        (Kpi::NeedingResponse, "needing a response", 0),
        (Kpi::DetectedShare, "detected share", 3),
        (Kpi::RespondedShare, "responded share", 3),
        (Kpi::WithinTargetShare, "within target share", 3),
        (Kpi::DetectionLatencyMeanH, "detection latency mean [h]", 2),
        (Kpi::DecisionTimeMeanH, "HQ decision time mean [h]", 2),
        (Kpi::QueueWaitMeanH, "queue wait mean [h]", 2),
        (Kpi::ResponseTimeMeanH, "response time mean [h]", 2),
        (Kpi::ResponseTimeP50H, "response time p50 [h]", 2),
        (Kpi::ResponseTimeP90H, "response time p90 [h]", 2),
        (Kpi::ResponseTimeP95H, "response time p95 [h]", 2),
        (Kpi::UnansweredAtEnd, "unanswered at end", 1),
        (Kpi::Utilisation, "unit utilisation", 3),
    ];
    let _ = writeln!(
        s,
        "{:<28} {:>20} {:>18} {:>18} {:>18}",
        "KPI (mean ±95% CI)", "theatre", "air", "sea", "land"
    );
    for (kpi, label, digits) in rows {
        let k = kpi.index();
        let _ = write!(s, "{:<28} {:>20}", label, cell(&agg.kpis[k], digits));
        for d in Domain::ALL {
            let _ = write!(s, " {:>18}", cell(&agg.by_domain[d.index()][k], digits));
        }
        s.push('\n');
    }
    let cov = agg.kpi(Kpi::IsrCoverageShare);
    if !cov.mean.is_nan() {
        let _ = writeln!(
            s,
            "{:<28} {:>20}",
            "ISR orbit coverage share",
            cell(&cov, 3)
        );
    }
    s.push_str(&pooled_table(sc, agg));
    s.push_str(&breakdown::type_table(sc, agg));
    // Nations carrying the most tasks.
    let mut nations: Vec<(usize, f64)> = agg
        .by_nation
        .iter()
        .enumerate()
        .map(|(i, f)| (i, f[0].mean))
        .filter(|(_, t)| *t > 0.0)
        .collect();
    nations.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    if !nations.is_empty() {
        let _ = writeln!(
            s,
            "\n{:<28} {:>12} {:>16} {:>12}",
            "busiest nations", "tasks/rep", "resp. mean [h]", "utilisation"
        );
        for (i, _) in nations.iter().take(8) {
            let f = &agg.by_nation[*i];
            let _ = writeln!(
                s,
                "{:<28} {:>12.1} {:>16} {:>12}",
                format!("{} {}", sc.nations[*i].code, sc.nations[*i].name),
                f[0].mean,
                cell(&f[2], 2),
                cell(&f[3], 3)
            );
        }
    }
    s
}
