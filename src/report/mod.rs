//! Reports: the summary table, `summary.json`, CSV files, all written atomically;
//! [`study`] adds the comparison and sweep outputs.

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

pub use theatre::theatre;

use crate::error::{Error, Result};
use crate::metrics::stats::Summary;
use crate::metrics::{
    Aggregate, KPI_NAMES, Kpi, NATION_FIGURES, ReplicationResult, SECTOR_FIGURES, SensorRef,
    ViolationRecord,
};
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

/// A number for CSV: empty when undefined or infinite (a percentile not reached), shortest
/// round-trip text otherwise.
pub(crate) fn num(x: f64) -> String {
    if !x.is_finite() {
        String::new()
    } else {
        format!("{x}")
    }
}

/// `replications.csv`: one row per replication with every KPI, theatre then per domain.
pub fn replications_csv(results: &[ReplicationResult]) -> String {
    let mut s = String::from("replication,events");
    for n in KPI_NAMES {
        let _ = write!(s, ",{n}");
    }
    for d in Domain::ALL {
        for n in KPI_NAMES {
            let _ = write!(s, ",{}_{n}", d.key());
        }
    }
    s.push('\n');
    for r in results {
        let _ = write!(s, "{},{}", r.replication, r.events);
        for v in r
            .kpis
            .values
            .iter()
            .chain(r.by_domain.iter().flat_map(|k| k.values.iter()))
        {
            let _ = write!(s, ",{}", num(*v));
        }
        s.push('\n');
    }
    s
}

fn summary_cells(s: &Summary) -> String {
    format!(
        "{},{},{},{}",
        num(s.mean),
        num(s.std),
        num(s.ci95_low),
        num(s.ci95_high)
    )
}

/// `by_nation.csv`: per nation, every figure's mean, std and CI.
pub fn by_nation_csv(sc: &Scenario, agg: &Aggregate) -> String {
    let mut s = String::from("code,name,units");
    for n in NATION_FIGURES {
        let _ = write!(s, ",{n}_mean,{n}_std,{n}_ci95_low,{n}_ci95_high");
    }
    s.push('\n');
    for (i, n) in sc.nations.iter().enumerate() {
        let units: u64 = sc
            .contingents
            .iter()
            .filter(|c| c.nation == i)
            .map(|c| u64::from(c.units))
            .sum();
        let _ = write!(s, "{},{},{units}", csv_field(&n.code), csv_field(&n.name));
        for f in &agg.by_nation[i] {
            let _ = write!(s, ",{}", summary_cells(f));
        }
        s.push('\n');
    }
    s
}

/// `by_sector.csv`: per sector, every figure's mean, std and CI.
pub fn by_sector_csv(sc: &Scenario, agg: &Aggregate) -> String {
    let mut s = String::from("id,name,domain");
    for n in SECTOR_FIGURES {
        let _ = write!(s, ",{n}_mean,{n}_std,{n}_ci95_low,{n}_ci95_high");
    }
    s.push('\n');
    for (i, sec) in sc.sectors.iter().enumerate() {
        let _ = write!(
            s,
            "{},{},{}",
            csv_field(&sec.id),
            csv_field(&sec.name),
            sec.domain.key()
        );
        for f in &agg.by_sector[i] {
            let _ = write!(s, ",{}", summary_cells(f));
        }
        s.push('\n');
    }
    s
}

/// Quotes a CSV field when needed.
pub fn csv_field(x: &str) -> String {
    if x.contains([',', '"', '\n']) {
        format!("\"{}\"", x.replace('"', "\"\""))
    } else {
        x.to_string()
    }
}

/// `replications_by_sector.csv`: one row per replication and sector, for distributions
/// across replications.
pub fn replications_by_sector_csv(sc: &Scenario, results: &[ReplicationResult]) -> String {
    let mut s = String::from("replication,sector,domain");
    for n in SECTOR_FIGURES {
        let _ = write!(s, ",{n}");
    }
    s.push('\n');
    for r in results {
        for (i, f) in r.by_sector.iter().enumerate() {
            let sec = &sc.sectors[i];
            let _ = write!(
                s,
                "{},{},{}",
                r.replication,
                csv_field(&sec.id),
                sec.domain.key()
            );
            for v in f {
                let _ = write!(s, ",{}", num(*v));
            }
            s.push('\n');
        }
    }
    s
}

/// `response_times.csv`: response times per domain pooled over all replications, as counts
/// in 5-minute bins (the last bin holds everything from 72 h on).
pub fn response_times_csv(agg: &Aggregate) -> String {
    use crate::metrics::{HIST_BIN_H, HIST_BINS};
    let mut s = String::from("domain,bin_start_h,bin_end_h,count\n");
    for d in Domain::ALL {
        for (b, c) in agg.response_hist[d.index()].iter().enumerate() {
            let start = b as f64 * HIST_BIN_H;
            let end = if b == HIST_BINS - 1 {
                f64::INFINITY
            } else {
                (b + 1) as f64 * HIST_BIN_H
            };
            let _ = writeln!(
                s,
                "{},{:.6},{},{c}",
                d.key(),
                start,
                if end.is_finite() {
                    format!("{end:.6}")
                } else {
                    "inf".into()
                }
            );
        }
    }
    s
}

/// `timeline.csv`: the hourly samples of replication 0.
pub fn timeline_csv(samples: &[crate::metrics::TimelineSample]) -> String {
    let mut s = String::from(
        "hour,violations,needing_response,queued,available_air,available_sea,available_land,drones_on_station,busy_air,busy_sea,busy_land\n",
    );
    for t in samples {
        let _ = writeln!(
            s,
            "{},{},{},{},{},{},{},{},{},{},{}",
            t.hour,
            t.violations,
            t.needing_response,
            t.queued,
            t.available[0],
            t.available[1],
            t.available[2],
            t.drones_on_station,
            t.busy[0],
            t.busy[1],
            t.busy[2]
        );
    }
    s
}

/// Header of `violations.csv` (times in hours since the start of the replication).
pub const TRACE_HEADER: &str = "replication,id,sector,type,domain,severity,lat,lon,needs_response,target_h,occurred_h,detected_h,sensor,reported_h,decided_h,tasked_h,approved_h,departed_h,arrived_h,cleared_h,response_time_h,unit,contingent,nation\n";

/// Rows of `violations.csv` for one replication's records.
pub fn trace_rows(sc: &Scenario, replication: u64, records: &[ViolationRecord]) -> String {
    let mut s = String::with_capacity(records.len() * 160);
    let h =
        |t: Option<crate::time::SimTime>| t.map_or(String::new(), |t| format!("{:.4}", t.hours()));
    for r in records {
        let _ = writeln!(
            s,
            "{replication},{},{},{},{},{},{:.5},{:.5},{},{:.4},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.id,
            csv_field(&sc.sectors[r.sector as usize].id),
            csv_field(&sc.violation_types[r.vtype as usize].id),
            r.domain.key(),
            r.severity.key(),
            r.pos.lat,
            r.pos.lon,
            r.needs_response,
            r.target.hours(),
            h(Some(r.occurred)),
            h(r.detected),
            r.sensor
                .map_or(String::new(), |x: SensorRef| csv_field(x.id(sc))),
            h(r.reported),
            h(r.decided),
            h(r.tasked),
            h(r.approved),
            h(r.departed),
            h(r.arrived),
            h(r.cleared),
            r.response_time()
                .map_or(String::new(), |d| format!("{:.4}", d.hours())),
            r.unit.map_or(String::new(), |u| u.to_string()),
            r.contingent
                .map_or(String::new(), |c| csv_field(&sc.contingents[c as usize].id)),
            r.nation
                .map_or(String::new(), |n| sc.nations[n as usize].code.clone()),
        );
    }
    s
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
