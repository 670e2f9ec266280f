//! Warnings about valid scenarios: parts that can never work as meant, such as a violation
//! type or a sector that no unit of the force may answer, a sector no sensor watches, or a
//! contingent that is never the first choice. Not errors: a planner may study exactly that gap.

use super::Scenario;

/// Something valid but probably not meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Path of the value in the scenario file, e.g. `violation_types\[2\]`.
    pub path: String,
    /// What is odd and what would fix it.
    pub message: String,
}

impl Scenario {
    /// Whether contingent `c` may answer violations of type `t` in sector `s` at all:
    /// it has units, the capability and a responder domain, and its nation's caveats allow
    /// it (the dispatcher's eligibility, range aside).
    pub fn may_answer(&self, c: usize, t: usize, s: usize) -> bool {
        let (c, vt) = (&self.contingents[c], &self.violation_types[t]);
        let Some(resp) = &vt.response else {
            return false;
        };
        let cav = &self.nations[c.nation].caveats;
        c.units > 0
            && resp.responders.contains(c.domain)
            && c.capabilities.contains(resp.capability)
            && !cav.domains.contains(vt.domain)
            && !cav.capabilities.contains(resp.capability)
            && !cav.violation_types.contains(&t)
            && !cav.sectors.contains(&s)
    }

    /// Warnings: each violation type that needs a response but no contingent may answer in
    /// any sector where it occurs, and each sector where some type it produces has no
    /// contingent that may answer it.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut out = Vec::new();
        // (type, sector) pairs that occur and need a response, with no eligible unit.
        let mut stranded: Vec<(usize, usize)> = Vec::new();
        let mut occurs = vec![false; self.violation_types.len()];
        for (t, vt) in self.violation_types.iter().enumerate() {
            if vt.response.is_none() {
                continue;
            }
            for (s, sector) in self.sectors.iter().enumerate() {
                if sector.domain != vt.domain || sector.type_share(t) <= 0.0 {
                    continue;
                }
                occurs[t] = true;
                if !(0..self.contingents.len()).any(|c| self.may_answer(c, t, s)) {
                    stranded.push((t, s));
                }
            }
        }
        let mut whole_type = vec![false; self.violation_types.len()];
        for (t, vt) in self.violation_types.iter().enumerate() {
            let Some(resp) = &vt.response else { continue };
            let n_stranded = stranded.iter().filter(|p| p.0 == t).count();
            let n_occurs = self
                .sectors
                .iter()
                .filter(|s| s.domain == vt.domain && s.type_share(t) > 0.0)
                .count();
            if occurs[t] && n_stranded == n_occurs {
                whole_type[t] = true;
                out.push(Warning {
                    path: format!("violation_types[{t}]"),
                    message: format!(
                        "no contingent may answer violation type \"{}\" in any sector (it needs {:?} from a responder domain, and the nation's caveats must allow it): every such violation will wait unanswered",
                        vt.id, resp.capability
                    ),
                });
            }
        }
        for (s, sector) in self.sectors.iter().enumerate() {
            let types: Vec<String> = stranded
                .iter()
                .filter(|p| p.1 == s && !whole_type[p.0])
                .map(|p| format!("\"{}\"", self.violation_types[p.0].id))
                .collect();
            if !types.is_empty() {
                out.push(Warning {
                    path: format!("sectors[{s}]"),
                    message: format!(
                        "no contingent may answer violations of type {} in sector \"{}\" (capability, responder domain or caveats): they will wait unanswered",
                        types.join(", "),
                        sector.id
                    ),
                });
            }
        }
        out.extend(self.unwatched_sectors());
        out.extend(self.never_first_contingents());
        out
    }

    /// Warnings for sectors that no sensor watches: no radar or observation post of the
    /// sector's domain within range of any part of it, no satellite and no ISR drone fleet
    /// covering it. Their violations are never detected, so never answered.
    fn unwatched_sectors(&self) -> Vec<Warning> {
        let mut out = Vec::new();
        for (s, sector) in self.sectors.iter().enumerate() {
            let fixed = self.fixed_sensors.iter().any(|f| {
                f.domains.contains(sector.domain)
                    && sector.geometry.distance_km(f.pos) <= f.range_km
            });
            let sat = self.satellites.iter().any(|x| x.sectors.contains(&s));
            let drones = self
                .contingents
                .iter()
                .any(|c| c.units > 0 && c.isr.as_ref().is_some_and(|i| i.sectors.contains(&s)));
            if !(fixed || sat || drones) && sector.rate_per_day > 0.0 {
                out.push(Warning {
                    path: format!("sectors[{s}]"),
                    message: format!(
                        "no sensor watches sector \"{}\" (no radar or observation post of its domain in range, no satellite or ISR drone fleet covering it): its violations are never detected",
                        sector.id
                    ),
                });
            }
        }
        out
    }

    /// Warnings for responder contingents that are never the first choice for anything they
    /// may answer: for every (type, sector) pair they serve, another contingent of the same
    /// domain with every capability it has, that may answer it, is nearer to every point of the sector (its base's farthest
    /// distance to the sector is below their base's nearest).
    fn never_first_contingents(&self) -> Vec<Warning> {
        let mut out = Vec::new();
        for c in 0..self.contingents.len() {
            if self.contingents[c].isr.is_some() || self.contingents[c].units == 0 {
                continue;
            }
            let base = self.bases[self.contingents[c].base].pos;
            let mut serves = false;
            let mut dominated_everywhere = true;
            let mut by: Option<usize> = None;
            'pairs: for t in 0..self.violation_types.len() {
                for (s, sector) in self.sectors.iter().enumerate() {
                    if sector.type_share(t) <= 0.0 || !self.may_answer(c, t, s) {
                        continue;
                    }
                    serves = true;
                    let near_c = sector.geometry.distance_km(base);
                    let better = (0..self.contingents.len()).find(|&d| {
                        d != c
                            && self.contingents[d].isr.is_none()
                            && self.contingents[d].domain == self.contingents[c].domain
                            && self.contingents[d].capabilities.0
                                & self.contingents[c].capabilities.0
                                == self.contingents[c].capabilities.0
                            && self.may_answer(d, t, s)
                            && {
                                let bd = self.bases[self.contingents[d].base].pos;
                                let worst_km = sector
                                    .geometry
                                    .points()
                                    .iter()
                                    .map(|p| p.distance_km(bd))
                                    .fold(0.0, f64::max);
                                worst_km < near_c
                            }
                    });
                    match better {
                        Some(d) => by = by.or(Some(d)),
                        None => {
                            dominated_everywhere = false;
                            break 'pairs;
                        }
                    }
                }
            }
            if serves && dominated_everywhere {
                let d = by.expect("a dominating contingent was found");
                out.push(Warning {
                    path: format!("contingents[{c}]"),
                    message: format!(
                        "contingent \"{}\" is never the first choice: wherever it may answer, another contingent (e.g. \"{}\") of the same domain with all its capabilities is nearer to every point of the sector; it is only sent when those are busy",
                        self.contingents[c].id, self.contingents[d].id
                    ),
                });
            }
        }
        out
    }
}
