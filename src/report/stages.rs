//! Where the time goes, as data: the mean of each stage of a response per violation type and
//! per sector, in minutes, for `summary.json`'s `stages` section and `stages.csv` (the
//! report's "Where the time goes" table shows the same figures).

use super::files::{SectorEntry, SectorTypeEntry, StageEntry, TypeEntry};
use super::findings::STAGES;
use crate::metrics::Kpi;

/// The mean of stage KPI `k` \[h\] over the (sector, type) pairs of sector `id`, weighted by
/// their violations needing a response; NaN when none.
pub fn sector_stage_mean(pairs: &[SectorTypeEntry], id: &str, k: Kpi) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for p in pairs.iter().filter(|p| p.sector == id) {
        let n = p.kpis.get(Kpi::NeedingResponse).map_or(0.0, |x| x.mean);
        let v = p.kpis.get(k).map_or(f64::NAN, |x| x.mean);
        if n > 0.0 && v.is_finite() {
            num += n * v;
            den += n;
        }
    }
    if den > 0.0 { num / den } else { f64::NAN }
}

fn minutes(x: f64) -> Option<f64> {
    x.is_finite().then_some(x * 60.0)
}

/// The stage entries: per violation type that needs a response (mean across replications
/// with its 95 % interval), then per sector (its types' means weighted by their violations
/// needing a response; no interval), each stage with a defined mean, in stage order.
pub fn entries(
    by_type: &[TypeEntry],
    by_sector: &[SectorEntry],
    by_sector_type: &[SectorTypeEntry],
) -> Vec<StageEntry> {
    let mut out = Vec::new();
    for t in by_type.iter().filter(|t| t.target_h.is_some()) {
        for &(k, stage) in &STAGES {
            let Some(s) = t.kpis.get(k) else { continue };
            let Some(mean_min) = minutes(s.mean) else {
                continue;
            };
            out.push(StageEntry {
                scope: "type".into(),
                name: t.id.clone(),
                stage: stage.into(),
                kpi: k.name().into(),
                mean_min,
                ci95_low_min: minutes(s.ci95_low),
                ci95_high_min: minutes(s.ci95_high),
            });
        }
    }
    for sec in by_sector {
        for &(k, stage) in &STAGES {
            let Some(mean_min) = minutes(sector_stage_mean(by_sector_type, &sec.id, k)) else {
                continue;
            };
            out.push(StageEntry {
                scope: "sector".into(),
                name: sec.id.clone(),
                stage: stage.into(),
                kpi: k.name().into(),
                mean_min,
                ci95_low_min: None,
                ci95_high_min: None,
            });
        }
    }
    out
}

/// `stages.csv`: `scope,name,stage,kpi,mean_min,ci95_low_min,ci95_high_min` (an empty
/// interval where there is none).
pub fn csv(stages: &[StageEntry]) -> String {
    let mut s = String::from("scope,name,stage,kpi,mean_min,ci95_low_min,ci95_high_min\n");
    let opt = |x: Option<f64>| x.map_or(String::new(), super::num);
    for e in stages {
        s.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            e.scope,
            super::csv_field(&e.name),
            super::csv_field(&e.stage),
            e.kpi,
            super::num(e.mean_min),
            opt(e.ci95_low_min),
            opt(e.ci95_high_min)
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::stats::Summary;
    use crate::report::files::KpiStats;

    fn stats(pairs: &[(Kpi, f64)]) -> KpiStats {
        let mut t = KpiStats::default();
        for &(k, v) in pairs {
            t.0[k.index()] = Some(Summary::of([v - 0.5, v + 0.5]));
        }
        t
    }

    #[test]
    fn sector_stages_weigh_their_pairs_and_types_carry_intervals() {
        let pair = |ty: &str, n: f64, transit: f64| SectorTypeEntry {
            sector: "s".into(),
            vtype: ty.into(),
            domain: "land".into(),
            target_h: Some(2.0),
            kpis: stats(&[(Kpi::NeedingResponse, n), (Kpi::TransitMeanH, transit)]),
        };
        let pairs = [pair("a", 3.0, 1.0), pair("b", 1.0, 3.0)];
        let ty = TypeEntry {
            id: "a".into(),
            name: "A".into(),
            domain: "land".into(),
            severity: "critical".into(),
            target_h: Some(2.0),
            kpis: stats(&[(Kpi::TransitMeanH, 1.0)]),
        };
        let z = Summary::of([]);
        let sec = SectorEntry {
            id: "s".into(),
            name: "S".into(),
            domain: "land".into(),
            violations: z,
            detected_share: z,
            responded_share: z,
            response_time_mean_h: z,
            response_time_p90_h: z,
            within_target_share: z,
            isr_coverage_share: z,
        };
        let e = entries(&[ty], &[sec], &pairs);
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(
            (e[0].scope.as_str(), e[0].stage.as_str()),
            ("type", "transit")
        );
        assert!((e[0].mean_min - 60.0).abs() < 1e-9);
        assert!(e[0].ci95_low_min.unwrap() < 60.0 && e[0].ci95_high_min.unwrap() > 60.0);
        // (3 × 1 h + 1 × 3 h) / 4 = 1.5 h.
        assert_eq!(e[1].scope, "sector");
        assert!((e[1].mean_min - 90.0).abs() < 1e-9, "{}", e[1].mean_min);
        assert_eq!(e[1].ci95_low_min, None);
        let text = csv(&e);
        assert!(
            text.contains("\nsector,s,transit,transit_mean_h,90,,\n"),
            "{text}"
        );
    }
}
