//! Findings: what a planner should look at first, computed from the typed `summary.json`
//! and `theatre.json` alone (a pure function, shown first on the console and at the top of
//! `report.html`): violation types no unit can answer, types and sectors over their target
//! with the stage where most of the time goes, nations with units and no tasks, contingents
//! never tasked, sectors part of whose area no radar, observation post or drone watches.

use super::files::{SummaryFile, TheatreFile, TypeEntry};
use crate::metrics::Kpi;

/// The stages of a response, in order, with their KPI.
pub const STAGES: [(Kpi, &str); 7] = [
    (Kpi::DetectionLatencyMeanH, "detection"),
    (Kpi::ReportingDelayMeanH, "reporting"),
    (Kpi::DecisionTimeMeanH, "HQ decision"),
    (Kpi::QueueWaitMeanH, "queue for a unit"),
    (Kpi::ApprovalDelayMeanH, "national approval"),
    (Kpi::NoticeToMoveMeanH, "notice to move"),
    (Kpi::TransitMeanH, "transit"),
];

/// What a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A violation type no unit of the force can answer.
    Unanswerable,
    /// A violation type whose p90 exceeds its target (or is not reached).
    TypeOverTarget,
    /// A sector whose share within target is below one half.
    SectorBelowTarget,
    /// A nation with units that is never tasked.
    NationNeverTasked,
    /// A responder contingent never tasked in any replication.
    ContingentNeverTasked,
    /// A sector part of whose area no radar, observation post or drone on station watches
    /// (without `theatre.json`: a sector without an ISR drone orbit).
    SectorWithoutIsr,
}

/// One finding, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What it is about.
    pub kind: Kind,
    /// The sentence.
    pub text: String,
}

fn mean(t: &TypeEntry, k: Kpi) -> f64 {
    t.kpis.get(k).map_or(f64::NAN, |s| s.mean)
}

/// The stage with the largest mean time in a KPI table, and that time \[h\].
fn dominant(get: &dyn Fn(Kpi) -> f64) -> Option<(&'static str, f64)> {
    STAGES
        .iter()
        .map(|&(k, name)| (name, get(k)))
        .filter(|(_, v)| v.is_finite())
        .max_by(|a, b| a.1.total_cmp(&b.1))
}

/// The mean of stage KPI `k` \[h\] in sector `id`: the means of its (sector, type) pairs
/// weighted by their violations needing a response; NaN when none.
pub fn sector_stage_mean(s: &SummaryFile, id: &str, k: Kpi) -> f64 {
    super::stages::sector_stage_mean(&s.by_sector_type, id, k)
}

/// A sector counts as watched by its drones when they are on station at least this share of
/// the time (the share planners' question (b) asks for).
pub const DRONE_TIME_SHARE: f64 = 0.95;

/// The findings of a run, most pressing first; `theatre` (`theatre.json`) gives the sensors'
/// ranges for the ISR finding.
pub fn findings(s: &SummaryFile, theatre: Option<&TheatreFile>) -> Vec<Finding> {
    let mut out = Vec::new();
    for t in &s.by_type {
        if t.target_h.is_some() && mean(t, Kpi::UnanswerableShare) >= 1.0 {
            out.push(Finding {
                kind: Kind::Unanswerable,
                text: format!(
                    "No unit of the force can answer {} ({}): every one of them is unanswerable (no eligible capability, caveats or range).",
                    t.id, t.name
                ),
            });
        }
    }
    let pooled = s.pooled.as_ref();
    for t in &s.by_type {
        let Some(target) = t.target_h else {
            continue;
        };
        if mean(t, Kpi::UnanswerableShare) >= 1.0
            || mean(t, Kpi::NeedingResponse).is_nan()
            || mean(t, Kpi::NeedingResponse) <= 0.0
        {
            continue;
        }
        let p = pooled.and_then(|p| p.by_type.iter().find(|x| x.id == t.id));
        let (p90, answered) = match p {
            Some(p) => (
                p.figures.response_time_p90_h.estimate,
                p.figures.answered_share.estimate,
            ),
            None => (mean(t, Kpi::ResponseTimeP90H), mean(t, Kpi::RespondedShare)),
        };
        if p90.is_finite() && p90 <= target {
            continue;
        }
        let how = if p90.is_finite() {
            format!(
                "p90 {:.0} min against a target of {:.0} min",
                p90 * 60.0,
                target * 60.0
            )
        } else {
            format!(
                "p90 not reached (answered {:.0} %) against a target of {:.0} min",
                answered * 100.0,
                target * 60.0
            )
        };
        let stage = dominant(&|k| mean(t, k)).map_or(String::new(), |(name, h)| {
            format!(
                "; most time goes to {name} ({:.0} min on average)",
                h * 60.0
            )
        });
        out.push(Finding {
            kind: Kind::TypeOverTarget,
            text: format!("{} is over its target: {how}{stage}.", t.id),
        });
    }
    for sec in &s.by_sector {
        let w = sec.within_target_share.mean;
        if w.is_nan() || w >= 0.5 {
            continue;
        }
        let get = |k: Kpi| sector_stage_mean(s, &sec.id, k);
        let stage = dominant(&get).map_or(String::new(), |(name, h)| {
            format!(
                "; most time goes to {name} ({:.0} min on average)",
                h * 60.0
            )
        });
        out.push(Finding {
            kind: Kind::SectorBelowTarget,
            text: format!(
                "Sector {} answers only {:.0} % of its violations within target{stage}.",
                sec.id,
                w * 100.0
            ),
        });
    }
    for n in &s.by_nation {
        // Responder units (ISR drones are never tasked to a violation); all units in files
        // without the per-contingent list.
        let units = if s.by_contingent.is_empty() {
            n.units
        } else {
            s.by_contingent
                .iter()
                .filter(|c| c.nation == n.code)
                .map(|c| c.units)
                .sum()
        };
        if units > 0 && n.tasks.mean == 0.0 {
            out.push(Finding {
                kind: Kind::NationNeverTasked,
                text: format!(
                    "{} {} has {units} responder units and was never tasked in any replication.",
                    n.code, n.name
                ),
            });
        }
    }
    let idle: Vec<String> = s
        .by_contingent
        .iter()
        .filter(|c| c.units > 0 && c.tasks_per_replication == 0.0)
        .map(|c| format!("{} ({}, {} units)", c.id, c.nation, c.units))
        .collect();
    if !idle.is_empty() {
        out.push(Finding {
            kind: Kind::ContingentNeverTasked,
            text: format!(
                "{} responder contingents were never tasked in any replication: {}.",
                idle.len(),
                idle.join(", ")
            ),
        });
    }
    match theatre {
        Some(t) => out.extend(isr_gaps(s, t)),
        None => out.extend(no_drone_orbit(s)),
    }
    out
}

/// Sectors part of whose area only satellite passes watch: out of range of every radar and
/// observation post of the sector's domain, and no drone on station over it at least
/// [`DRONE_TIME_SHARE`] of the time; each with the share of its area, its drones' time on
/// station and its satellites' revisit.
fn isr_gaps(s: &SummaryFile, t: &TheatreFile) -> Option<Finding> {
    let cov = super::coverage::sector_coverage(t);
    let gaps: Vec<String> = cov
        .iter()
        .filter_map(|c| {
            if c.unwatched_share.is_nan() || c.unwatched_share <= 0.0 {
                return None;
            }
            let on_station = s
                .by_sector
                .iter()
                .find(|x| x.id == c.id)
                .map_or(f64::NAN, |x| x.isr_coverage_share.mean);
            let drones = if c.drones == 0 {
                "no drone orbit".to_string()
            } else if on_station >= DRONE_TIME_SHARE {
                return None;
            } else if on_station.is_finite() {
                format!("drones on station {:.0} % of the time", on_station * 100.0)
            } else {
                format!("{} drones orbit it", c.drones)
            };
            let sats = c.satellite_revisit_h.map_or_else(
                || "no satellite".to_string(),
                |h| format!("satellite passes every {}", hours_text(h)),
            );
            Some(format!(
                "{} ({:.0} % of its area out of range of every radar and observation post; {drones}; {sats})",
                c.id,
                c.unwatched_share * 100.0
            ))
        })
        .collect();
    (!gaps.is_empty()).then(|| Finding {
        kind: Kind::SectorWithoutIsr,
        text: format!(
            "{} of {} sectors lack ISR coverage over part of their area: {}.",
            gaps.len(),
            cov.len(),
            gaps.join(", ")
        ),
    })
}

fn hours_text(h: f64) -> String {
    if h >= 48.0 && (h / 24.0).fract() == 0.0 {
        format!("{:.0} days", h / 24.0)
    } else {
        format!("{h:.0} h")
    }
}

/// Without `theatre.json` (results of older versions): the sectors no drone orbits.
fn no_drone_orbit(s: &SummaryFile) -> Option<Finding> {
    let no_isr: Vec<&str> = s
        .by_sector
        .iter()
        .filter(|x| x.isr_coverage_share.mean.is_nan() || x.isr_coverage_share.mean <= 0.0)
        .map(|x| x.id.as_str())
        .collect();
    (!no_isr.is_empty()).then(|| Finding {
        kind: Kind::SectorWithoutIsr,
        text: format!(
            "No ISR drone orbit covers {} of {} sectors: {}.",
            no_isr.len(),
            s.by_sector.len(),
            no_isr.join(", ")
        ),
    })
}

/// The findings as console text (empty when there are none).
pub fn text(f: &[Finding]) -> String {
    if f.is_empty() {
        return String::new();
    }
    let mut s = String::from("Findings:\n");
    for x in f {
        s.push_str("- ");
        s.push_str(&x.text);
        s.push('\n');
    }
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::stats::Summary;
    use crate::report::files::{KpiTable, NationEntry, PerDomain, SectorEntry, SummaryFile};

    fn st(mean: f64) -> Summary {
        Summary {
            mean,
            std: f64::NAN,
            ci95_low: f64::NAN,
            ci95_high: f64::NAN,
            n: 1,
        }
    }

    fn summary() -> SummaryFile {
        let mut slow = KpiTable::default();
        for (k, v) in [
            (Kpi::NeedingResponse, 10.0),
            (Kpi::UnanswerableShare, 0.0),
            (Kpi::ResponseTimeP90H, 5.0),
            (Kpi::RespondedShare, 1.0),
            (Kpi::DetectionLatencyMeanH, 0.2),
            (Kpi::QueueWaitMeanH, 2.5),
            (Kpi::TransitMeanH, 1.0),
        ] {
            slow.0[k.index()] = Some(st(v));
        }
        let mut fast = slow.clone();
        fast.0[Kpi::ResponseTimeP90H.index()] = Some(st(1.0));
        let mut none = slow.clone();
        none.0[Kpi::UnanswerableShare.index()] = Some(st(1.0));
        let ty = |id: &str, kpis: KpiTable<Summary>| TypeEntry {
            id: id.into(),
            name: id.into(),
            domain: "land".into(),
            severity: "major".into(),
            target_h: Some(2.0),
            kpis,
        };
        let sector = |id: &str, within: f64, isr: f64| SectorEntry {
            id: id.into(),
            name: id.into(),
            domain: "land".into(),
            violations: st(1.0),
            detected_share: st(1.0),
            responded_share: st(1.0),
            response_time_mean_h: st(1.0),
            response_time_p90_h: st(1.0),
            within_target_share: st(within),
            isr_coverage_share: st(isr),
        };
        let nation = |code: &str, units: u64, tasks: f64| NationEntry {
            code: code.into(),
            name: code.into(),
            units,
            tasks: st(tasks),
            responded: st(tasks),
            response_time_mean_h: st(1.0),
            utilisation: st(0.1),
        };
        SummaryFile {
            forceplan_version: String::new(),
            scenario: String::new(),
            scenario_hash: String::new(),
            seed: 0,
            replications: 1,
            replications_requested: 1,
            interrupted: false,
            horizon_days: 1.0,
            warm_up_days: 0.0,
            suggested_warm_up_days: None,
            nations: 3,
            units_by_domain: PerDomain::default(),
            violations_per_day_expected: 1.0,
            events: 0,
            wall_seconds: 0.0,
            cpu_seconds: 0.0,
            seconds_per_replication_year: 0.0,
            violations_per_cpu_second: 0.0,
            events_per_second: 0.0,
            threads: 1,
            kpis: KpiTable::default(),
            by_domain: PerDomain::default(),
            by_nation: vec![
                nation("CYP", 4, 0.0),
                nation("GBR", 10, 5.0),
                nation("ISL", 0, 0.0),
            ],
            by_sector: vec![sector("north", 0.3, f64::NAN), sector("south", 0.9, 0.8)],
            by_type: vec![ty("incursion", slow), ty("drone", fast), ty("usv", none)],
            by_sector_type: vec![],
            pooled: None,
            by_contingent: vec![
                crate::report::files::ContingentEntry {
                    id: "cyp-qrf".into(),
                    nation: "CYP".into(),
                    domain: "land".into(),
                    units: 4,
                    tasks_per_replication: 0.0,
                },
                crate::report::files::ContingentEntry {
                    id: "gbr-qrf".into(),
                    nation: "GBR".into(),
                    domain: "land".into(),
                    units: 10,
                    tasks_per_replication: 5.0,
                },
            ],
            by_sector_contingent: vec![],
            stages: vec![],
        }
    }

    #[test]
    fn findings_name_the_gaps_and_the_dominant_stage() {
        let f = findings(&summary(), None);
        let kinds: Vec<Kind> = f.iter().map(|x| x.kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::Unanswerable,
                Kind::TypeOverTarget,
                Kind::SectorBelowTarget,
                Kind::NationNeverTasked,
                Kind::ContingentNeverTasked,
                Kind::SectorWithoutIsr
            ]
        );
        assert!(f[0].text.contains("usv"), "{}", f[0].text);
        assert!(f[1].text.starts_with("incursion is over its target: p90 300 min against a target of 120 min; most time goes to queue for a unit (150 min"), "{}", f[1].text);
        assert!(
            f[2].text.contains("north") && f[2].text.contains("30 %"),
            "{}",
            f[2].text
        );
        assert!(f[3].text.starts_with("CYP"), "{}", f[3].text);
        assert!(f[4].text.contains("1 responder contingents were never tasked in any replication: cyp-qrf (CYP, 4 units)"), "{}", f[4].text);
        assert!(f[5].text.contains("1 of 2 sectors: north"), "{}", f[5].text);
        assert!(text(&f).starts_with("Findings:\n- No unit"));
        assert_eq!(text(&[]), "");
    }
}
