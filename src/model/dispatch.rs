//! Choosing the unit that answers a violation, without scanning the force.
//!
//! Contingents that are interchangeable for dispatch (same base, nation, domain, speed,
//! expected delays, endurance and capabilities) form one *station*. For each pair
//! (violation type, sector) the stations that may answer it (domain, capability, caveats)
//! are listed once, sorted by a lower bound of their estimated arrival over the whole sector.
//! A dispatch walks that list, skips stations with no unit available, and stops as soon as
//! the lower bound exceeds the best estimate found: its cost depends on how many stations
//! lie near the violation, not on the number of units.

use crate::geo::LatLon;
use crate::scenario::{DispatchPolicy, Scenario};
use crate::time::HOUR;
use std::collections::HashMap;

/// What makes contingents interchangeable for dispatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct StationKey {
    /// Base index.
    base: usize,
    /// Nation index.
    nation: usize,
    /// Domain (as its discriminant).
    domain: u8,
    /// Expected approval + notice to move \[h, as IEEE bits\].
    fixed_h_bits: u64,
    /// Speed over great-circle distance \[km/h, as IEEE bits\].
    speed_kmh_bits: u64,
    /// Endurance \[h, as IEEE bits\].
    endurance_h_bits: u64,
    /// Capabilities (bit set).
    capabilities: u8,
    /// 1 + the contingent's index if it has timed availability (its own station), else 0.
    timed: usize,
}

/// A station in a pair's candidate list.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    station: u32,
    /// Lower bound of the estimated arrival anywhere in the sector \[h\].
    lower_bound_h: f64,
    /// The waiting queue of (this pair, this station).
    queue: u32,
}

/// Stations and their contingents, for dispatch.
#[derive(Debug, Clone)]
pub struct DispatchIndex {
    /// `pair_of[type * n_sectors + sector]`: the pair id, if violations are answered.
    pair_of: Vec<Option<u32>>,
    /// Candidate stations per pair, by increasing lower bound.
    candidates: Vec<Vec<Candidate>>,
    /// Contingents of each station, in scenario order.
    station_contingents: Vec<Vec<u32>>,
    station_nation: Vec<u32>,
    station_base: Vec<LatLon>,
    /// Expected approval + notice to move \[h\] (medians).
    station_fixed_h: Vec<f64>,
    /// Speed over great-circle distance (speed / route factor) \[km/h\].
    station_speed_kmh: Vec<f64>,
    /// Endurance \[h\], infinite for units without one.
    station_endurance_h: Vec<f64>,
    /// Pairs each contingent may answer (for serving the queue when a unit frees up).
    serves: Vec<Vec<u32>>,
    /// Station of each contingent (none for ISR or empty contingents).
    station_of: Vec<Option<u32>>,
    /// Waiting queues each station takes violations from (one per pair it may answer).
    station_queues: Vec<Vec<u32>>,
    n_queues: usize,
    n_sectors: usize,
    n_pairs: usize,
    policy: DispatchPolicy,
}

/// The unit chosen for a violation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    /// Station chosen.
    pub station: u32,
    /// Estimated one-way transit \[h\].
    pub transit_h: f64,
}

impl DispatchIndex {
    /// Builds the index for a scenario.
    pub fn new(sc: &Scenario) -> Self {
        let n_sectors = sc.sectors.len();
        let mut key_to_station: HashMap<StationKey, u32> = HashMap::new();
        let mut station_contingents: Vec<Vec<u32>> = Vec::new();
        let mut station_nation = Vec::new();
        let mut station_base = Vec::new();
        let mut station_fixed_h = Vec::new();
        let mut station_speed_kmh = Vec::new();
        let mut station_endurance_h = Vec::new();
        let mut station_domain = Vec::new();
        let mut station_of = vec![None; sc.contingents.len()];
        for (ci, c) in sc.contingents.iter().enumerate() {
            if c.isr.is_some() || c.units == 0 {
                continue;
            }
            let fixed_h = (sc.nations[c.nation].approval_delay.median_secs()
                + c.notice_to_move.median_secs())
                / HOUR.0 as f64;
            let speed = c.speed_kmh / sc.command.route_factor(c.domain);
            let endurance = c.endurance.map_or(f64::INFINITY, |e| e.hours());
            let key = StationKey {
                base: c.base,
                nation: c.nation,
                domain: c.domain as u8,
                fixed_h_bits: fixed_h.to_bits(),
                speed_kmh_bits: speed.to_bits(),
                endurance_h_bits: endurance.to_bits(),
                capabilities: c.capabilities.0,
                timed: if sc.availability.contingent_has_events(ci) {
                    ci + 1
                } else {
                    0
                },
            };
            let st = *key_to_station.entry(key).or_insert_with(|| {
                station_contingents.push(Vec::new());
                station_nation.push(c.nation as u32);
                station_base.push(sc.bases[c.base].pos);
                station_fixed_h.push(fixed_h);
                station_speed_kmh.push(speed);
                station_endurance_h.push(endurance);
                station_domain.push(c.domain);
                (station_contingents.len() - 1) as u32
            });
            station_contingents[st as usize].push(ci as u32);
            station_of[ci] = Some(st);
        }

        let mut pair_of = vec![None; sc.violation_types.len() * n_sectors];
        let mut candidates = Vec::new();
        let mut serves = vec![Vec::new(); sc.contingents.len()];
        for (t, vt) in sc.violation_types.iter().enumerate() {
            let Some(resp) = &vt.response else { continue };
            for (s, sector) in sc.sectors.iter().enumerate() {
                if sector.domain != vt.domain || sector.type_share(t) <= 0.0 {
                    continue;
                }
                let pair = candidates.len() as u32;
                pair_of[t * n_sectors + s] = Some(pair);
                let mut list = Vec::new();
                for st in 0..station_contingents.len() {
                    let first = &sc.contingents[station_contingents[st][0] as usize];
                    let cav = &sc.nations[first.nation].caveats;
                    let eligible = resp.responders.contains(first.domain)
                        && first.capabilities.contains(resp.capability)
                        && !cav.domains.contains(vt.domain)
                        && !cav.capabilities.contains(resp.capability)
                        && !cav.violation_types.contains(&t)
                        && !cav.sectors.contains(&s);
                    if !eligible {
                        continue;
                    }
                    // 1 % below the geometric distance covers the projection error.
                    let km = 0.99 * sector.geometry.distance_km(station_base[st]);
                    let lb = station_fixed_h[st] + km / station_speed_kmh[st];
                    list.push(Candidate {
                        station: st as u32,
                        lower_bound_h: lb,
                        queue: 0,
                    });
                    for &c in &station_contingents[st] {
                        serves[c as usize].push(pair);
                    }
                }
                list.sort_by(|a, b| {
                    a.lower_bound_h
                        .total_cmp(&b.lower_bound_h)
                        .then(a.station.cmp(&b.station))
                });
                candidates.push(list);
            }
        }
        let n_pairs = candidates.len();
        let mut station_queues = vec![Vec::new(); station_contingents.len()];
        let mut n_queues = 0;
        for list in &mut candidates {
            for cand in list.iter_mut() {
                cand.queue = n_queues as u32;
                station_queues[cand.station as usize].push(cand.queue);
                n_queues += 1;
            }
        }
        DispatchIndex {
            pair_of,
            candidates,
            station_contingents,
            station_nation,
            station_base,
            station_fixed_h,
            station_speed_kmh,
            station_endurance_h,
            serves,
            station_of,
            station_queues,
            n_queues,
            n_sectors,
            n_pairs,
            policy: sc.command.dispatch,
        }
    }

    /// The pair id of (type, sector), if violations of that type in that sector are answered.
    #[inline]
    pub fn pair(&self, vtype: usize, sector: usize) -> Option<u32> {
        self.pair_of[vtype * self.n_sectors + sector]
    }

    /// Number of pairs.
    pub fn pairs(&self) -> usize {
        self.n_pairs
    }

    /// Number of stations.
    pub fn stations(&self) -> usize {
        self.station_contingents.len()
    }

    /// Contingents of a station, in scenario order.
    #[inline]
    pub fn contingents(&self, station: u32) -> &[u32] {
        &self.station_contingents[station as usize]
    }

    /// Station of a contingent (none for ISR or empty contingents).
    #[inline]
    pub fn station_of(&self, contingent: usize) -> Option<u32> {
        self.station_of[contingent]
    }

    /// Pairs a contingent may answer.
    #[inline]
    pub fn serves(&self, contingent: usize) -> &[u32] {
        &self.serves[contingent]
    }

    /// Number of waiting queues: one per (pair, eligible station).
    pub fn queues(&self) -> usize {
        self.n_queues
    }

    /// The waiting queues a station takes violations from, one per pair it may answer.
    #[inline]
    pub fn queues_of(&self, station: u32) -> &[u32] {
        &self.station_queues[station as usize]
    }

    /// The waiting queues of `pair` whose station can reach `pos` within its endurance.
    #[inline]
    pub fn queues_reaching(&self, pair: u32, pos: LatLon) -> impl Iterator<Item = u32> + '_ {
        self.candidates[pair as usize]
            .iter()
            .filter(move |c| self.transit_h(c.station, pos).is_some())
            .map(|c| c.queue)
    }

    /// One-way transit from a station to `pos` \[h\], if within endurance (round trip).
    #[inline]
    pub fn transit_h(&self, station: u32, pos: LatLon) -> Option<f64> {
        let st = station as usize;
        let h = self.station_base[st].distance_km(pos) / self.station_speed_kmh[st];
        (2.0 * h <= self.station_endurance_h[st]).then_some(h)
    }

    /// Chooses a station with a unit available (`available(station)`) for a violation of
    /// `pair` at `pos`, by the scenario's policy. Ties go to the station listed first.
    #[inline]
    pub fn choose(
        &self,
        pair: u32,
        pos: LatLon,
        lead: Option<usize>,
        available: impl Fn(u32) -> bool,
    ) -> Option<Choice> {
        if let (DispatchPolicy::LeadNationFirst, Some(lead)) = (self.policy, lead) {
            let lead = lead as u32;
            if let Some(c) = self.fastest(pair, pos, |st| {
                self.station_nation[st as usize] == lead && available(st)
            }) {
                return Some(c);
            }
        }
        self.fastest(pair, pos, available)
    }

    #[inline]
    fn fastest(&self, pair: u32, pos: LatLon, available: impl Fn(u32) -> bool) -> Option<Choice> {
        let mut best: Option<(f64, Choice)> = None;
        for cand in &self.candidates[pair as usize] {
            if let Some((b, _)) = best
                && cand.lower_bound_h >= b
            {
                break;
            }
            if !available(cand.station) {
                continue;
            }
            let Some(transit_h) = self.transit_h(cand.station, pos) else {
                continue;
            };
            let eta = self.station_fixed_h[cand.station as usize] + transit_h;
            if best.is_none_or(|(b, _)| eta < b) {
                best = Some((
                    eta,
                    Choice {
                        station: cand.station,
                        transit_h,
                    },
                ));
            }
        }
        best.map(|(_, c)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testkit::{contingent, scenario};
    use std::cell::Cell;

    /// Bases near (on the sector), mid (55 km north) and far (222 km north); the near one's
    /// nation may not act in the sector.
    fn three_stations() -> DispatchIndex {
        let sc = scenario(
            1,
            10.0,
            35.1,
            r#"(code: "AAA", name: "A"), (code: "BBB", name: "B", caveats: [NoSector("s1")])"#,
            r#"(id: "near", name: "Near", at: (lat: 48.0, lon: 35.05), kind: Garrison),
               (id: "mid", name: "Mid", at: (lat: 48.5, lon: 35.05), kind: Garrison),
               (id: "far", name: "Far", at: (lat: 50.0, lon: 35.05), kind: Garrison)"#,
            &[
                contingent("c-near", "BBB", "near", 2, ""),
                contingent("c-mid", "AAA", "mid", 2, ""),
                contingent("c-far", "AAA", "far", 2, ""),
            ]
            .concat(),
        );
        DispatchIndex::new(&sc)
    }

    const AT: LatLon = LatLon {
        lat: 48.0,
        lon: 35.05,
    };

    #[test]
    fn dispatch_picks_the_nearest_eligible_station() {
        let d = three_stations();
        let pair = d.pair(0, 0).expect("the job is answered in s1");
        let (near, mid, far) = (
            d.station_of(0).unwrap(),
            d.station_of(1).unwrap(),
            d.station_of(2).unwrap(),
        );
        assert_eq!(d.choose(pair, AT, None, |_| true).unwrap().station, mid);
        assert_eq!(
            d.choose(pair, AT, None, |st| st != mid).unwrap().station,
            far
        );
        // The caveated station is never a candidate, even when it alone is available.
        assert_eq!(d.choose(pair, AT, None, |st| st == near), None);
        assert!(!d.serves(0).contains(&pair));
        assert!(d.serves(1).contains(&pair) && d.serves(2).contains(&pair));
    }

    #[test]
    fn dispatch_stops_once_the_lower_bound_passes_the_best() {
        let d = three_stations();
        let pair = d.pair(0, 0).unwrap();
        let asked = Cell::new(0);
        let choice = d.choose(pair, AT, None, |_| {
            asked.set(asked.get() + 1);
            true
        });
        assert!(choice.is_some());
        // The mid station answers; the far one's lower bound is beyond its estimate, so the
        // far station is not even asked about.
        assert_eq!(asked.get(), 1);
    }

    #[test]
    fn endurance_bounds_the_reach_of_a_station() {
        let sc = scenario(
            1,
            10.0,
            35.1,
            r#"(code: "AAA", name: "A")"#,
            r#"(id: "far", name: "Far", at: (lat: 50.0, lon: 35.05), kind: Garrison)"#,
            &contingent("c-far", "AAA", "far", 1, "endurance: Some(Hours(2))"),
        );
        let d = DispatchIndex::new(&sc);
        let st = d.station_of(0).unwrap();
        // 222 km at 50 km/h is 4.4 h one way: beyond a 2 h endurance.
        assert_eq!(d.transit_h(st, AT), None);
        assert_eq!(d.choose(d.pair(0, 0).unwrap(), AT, None, |_| true), None);
    }
}
