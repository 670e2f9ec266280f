//! The CSV files of a run: `replications.csv`, `by_nation.csv`, `by_sector.csv`,
//! `replications_by_sector.csv`, `response_times.csv`, `timeline.csv` and the rows of
//! `violations.csv`, each built as text from the aggregate or the replications' results.

use crate::metrics::stats::Summary;
use crate::metrics::{
    Aggregate, KPI_NAMES, NATION_FIGURES, ReplicationResult, SECTOR_FIGURES, SensorRef,
    ViolationRecord,
};
use crate::scenario::{Domain, Scenario};
use std::fmt::Write as _;

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
