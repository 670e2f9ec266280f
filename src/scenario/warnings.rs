//! Warnings about valid scenarios: parts that can never work as meant, such as a violation
//! type or a sector that no unit of the force may answer. Not errors: a planner may study
//! exactly that gap.

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
        out
    }
}
