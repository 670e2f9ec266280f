//! A force option or design point as a difference from its baseline: units per domain and
//! nation, contingents added or removed, bases that start or stop being used, and the timed
//! events it adds. What `forceplan validate` shows for a study or sweep file.

use super::{Domain, Scenario};
use serde::Serialize;

/// Units of one nation in the baseline and in the variant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NationUnits {
    /// Nation code.
    pub nation: String,
    /// Units in the baseline.
    pub baseline: u64,
    /// Units in the variant.
    pub variant: u64,
}

/// A variant's force as a difference from the baseline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForceDiff {
    /// Units per domain in the baseline (air, sea, land).
    pub baseline_units_by_domain: [u64; 3],
    /// Units per domain in the variant (air, sea, land).
    pub units_by_domain: [u64; 3],
    /// Nations whose units differ, in the variant's order then the baseline's.
    pub units_by_nation: Vec<NationUnits>,
    /// Contingents in the variant only.
    pub contingents_added: Vec<String>,
    /// Contingents in the baseline only.
    pub contingents_removed: Vec<String>,
    /// Contingents in both whose units, base, speed or readiness differ.
    pub contingents_changed: Vec<String>,
    /// Bases with units in the variant but not in the baseline.
    pub bases_now_used: Vec<String>,
    /// Bases with units in the baseline but not in the variant.
    pub bases_no_longer_used: Vec<String>,
    /// Timed escalation windows over all sectors (variant, baseline).
    pub rate_windows: (usize, usize),
    /// Expected violations per day over the horizon (variant, baseline).
    pub violations_per_day: (f64, f64),
    /// Whether any contingent, sensor or drone fleet is out of service for a while.
    pub has_outages: bool,
}

fn bases_used(sc: &Scenario) -> Vec<String> {
    let mut v: Vec<String> = sc
        .contingents
        .iter()
        .filter(|c| c.units > 0)
        .map(|c| sc.bases[c.base].id.clone())
        .collect();
    v.sort();
    v.dedup();
    v
}

fn nation_units(sc: &Scenario, code: &str) -> u64 {
    sc.contingents
        .iter()
        .filter(|c| sc.nations[c.nation].code == code)
        .map(|c| u64::from(c.units))
        .sum()
}

impl Scenario {
    /// This scenario's force as a difference from `base`.
    pub fn diff_from(&self, base: &Scenario) -> ForceDiff {
        let mut codes: Vec<&str> = self.nations.iter().map(|n| n.code.as_str()).collect();
        for n in &base.nations {
            if !codes.contains(&n.code.as_str()) {
                codes.push(&n.code);
            }
        }
        let units_by_nation = codes
            .into_iter()
            .map(|code| NationUnits {
                nation: code.to_string(),
                baseline: nation_units(base, code),
                variant: nation_units(self, code),
            })
            .filter(|n| n.baseline != n.variant)
            .collect();
        let ids = |sc: &Scenario| -> Vec<String> {
            sc.contingents.iter().map(|c| c.id.clone()).collect()
        };
        let (mine, theirs) = (ids(self), ids(base));
        let contingents_changed = self
            .contingents
            .iter()
            .filter_map(|c| {
                let b = base.contingents.iter().find(|b| b.id == c.id)?;
                let changed = b.units != c.units
                    || base.bases[b.base].id != self.bases[c.base].id
                    || b.speed_kmh != c.speed_kmh
                    || b.notice_to_move != c.notice_to_move;
                changed.then(|| c.id.clone())
            })
            .collect();
        let (now, before) = (bases_used(self), bases_used(base));
        let windows = |sc: &Scenario| sc.sectors.iter().map(|s| s.rate_windows.len()).sum();
        ForceDiff {
            baseline_units_by_domain: base.units_by_domain(),
            units_by_domain: self.units_by_domain(),
            units_by_nation,
            contingents_added: mine
                .iter()
                .filter(|c| !theirs.contains(c))
                .cloned()
                .collect(),
            contingents_removed: theirs
                .iter()
                .filter(|c| !mine.contains(c))
                .cloned()
                .collect(),
            contingents_changed,
            bases_now_used: now
                .iter()
                .filter(|b| !before.contains(b))
                .cloned()
                .collect(),
            bases_no_longer_used: before
                .iter()
                .filter(|b| !now.contains(b))
                .cloned()
                .collect(),
            rate_windows: (windows(self), windows(base)),
            violations_per_day: (self.violations_per_day(), base.violations_per_day()),
            has_outages: !self.availability.is_empty(),
        }
    }
}

impl ForceDiff {
    /// Whether the variant's force and theatre are those of the baseline.
    pub fn is_empty(&self) -> bool {
        self.units_by_domain == self.baseline_units_by_domain
            && self.units_by_nation.is_empty()
            && self.contingents_added.is_empty()
            && self.contingents_removed.is_empty()
            && self.contingents_changed.is_empty()
            && self.bases_now_used.is_empty()
            && self.bases_no_longer_used.is_empty()
            && self.rate_windows.0 == self.rate_windows.1
            && !self.has_outages
    }

    /// One line per difference, for people.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.units_by_domain != self.baseline_units_by_domain {
            let parts: Vec<String> = Domain::ALL
                .iter()
                .enumerate()
                .filter(|(i, _)| self.units_by_domain[*i] != self.baseline_units_by_domain[*i])
                .map(|(i, d)| {
                    let (a, b) = (self.baseline_units_by_domain[i], self.units_by_domain[i]);
                    format!("{d:?} {a} → {b} ({:+})", b as i64 - a as i64)
                })
                .collect();
            out.push(format!("units: {}", parts.join(", ")));
        }
        if !self.units_by_nation.is_empty() {
            let parts: Vec<String> = self
                .units_by_nation
                .iter()
                .map(|n| {
                    format!(
                        "{} {} → {} ({:+})",
                        n.nation,
                        n.baseline,
                        n.variant,
                        n.variant as i64 - n.baseline as i64
                    )
                })
                .collect();
            out.push(format!("units by nation: {}", parts.join(", ")));
        }
        for (what, list) in [
            ("contingents added", &self.contingents_added),
            ("contingents removed", &self.contingents_removed),
            ("contingents changed", &self.contingents_changed),
            ("bases now used", &self.bases_now_used),
            ("bases no longer used", &self.bases_no_longer_used),
        ] {
            if !list.is_empty() {
                out.push(format!("{what}: {}", list.join(", ")));
            }
        }
        if self.rate_windows.0 != self.rate_windows.1 {
            out.push(format!(
                "escalation windows: {} (sector × window); {:.1} violations expected per day over the horizon (baseline {:.1})",
                self.rate_windows.0, self.violations_per_day.0, self.violations_per_day.1
            ));
        }
        if self.has_outages {
            out.push("timed availability: contingents deployed or withdrawn, sensors out or drones grounded for a while".into());
        }
        out
    }
}
