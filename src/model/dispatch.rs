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
use std::collections::HashMap;

/// What makes contingents interchangeable for dispatch: base, nation, domain, expected
/// delays [h, as bits], speed [km/h, as bits], endurance [h, as bits], capabilities.
type StationKey = (usize, usize, u8, u64, u64, u64, u8);

/// A station in a pair's candidate list.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    station: u32,
    /// Lower bound of the estimated arrival anywhere in the sector \[h\].
    lower_bound_h: f64,
}

/// Stations and their contingents, for dispatch.
#[derive(Debug, Clone)]
pub struct DispatchIndex {
    /// `pair_of[type * n_sectors + sector]`: the pair id, or `u32::MAX` if not answered.
    pair_of: Vec<u32>,
    /// Candidate stations per pair, by increasing lower bound.
    candidates: Vec<Vec<Candidate>>,
    /// Contingents of each station, in scenario order.
    station_contingents: Vec<Vec<u32>>,
    station_nation: Vec<u32>,
    station_base: Vec<LatLon>,
    /// Expected approval + notice to move \[h\] (medians).
    station_fixed_h: Vec<f64>,
    /// Speed over great-circle distance (speed / route factor) [km/h].
    station_speed_kmh: Vec<f64>,
    /// Endurance \[h\], infinite for units without one.
    station_endurance_h: Vec<f64>,
    /// Pairs each contingent may answer (for serving the queue when a unit frees up).
    serves: Vec<Vec<u32>>,
    /// Station of each contingent.
    station_of: Vec<u32>,
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
        let mut station_of = vec![u32::MAX; sc.contingents.len()];
        for (ci, c) in sc.contingents.iter().enumerate() {
            if c.isr.is_some() || c.units == 0 {
                continue;
            }
            let fixed_h =
                (sc.nations[c.nation].approval.median_secs() + c.notice.median_secs()) / 3600.0;
            let speed = c.speed_kmh / sc.command.route_factor(c.domain);
            let endurance = c.endurance.map_or(f64::INFINITY, |e| e.hours());
            let key = (
                c.base,
                c.nation,
                c.domain as u8,
                fixed_h.to_bits(),
                speed.to_bits(),
                endurance.to_bits(),
                c.capabilities.0,
            );
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
            station_of[ci] = st;
        }

        let mut pair_of = vec![u32::MAX; sc.violation_types.len() * n_sectors];
        let mut candidates = Vec::new();
        let mut serves = vec![Vec::new(); sc.contingents.len()];
        for (t, vt) in sc.violation_types.iter().enumerate() {
            let Some(resp) = &vt.response else { continue };
            for (s, sector) in sc.sectors.iter().enumerate() {
                if sector.domain != vt.domain || sector.type_share(t) <= 0.0 {
                    continue;
                }
                let pair = candidates.len() as u32;
                pair_of[t * n_sectors + s] = pair;
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
            n_sectors,
            n_pairs,
            policy: sc.command.dispatch,
        }
    }

    /// The pair id of (type, sector), if violations of that type in that sector are answered.
    #[inline]
    pub fn pair(&self, vtype: usize, sector: usize) -> Option<u32> {
        let p = self.pair_of[vtype * self.n_sectors + sector];
        (p != u32::MAX).then_some(p)
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

    /// Station of a contingent (`u32::MAX` for ISR or empty contingents).
    #[inline]
    pub fn station_of(&self, contingent: usize) -> u32 {
        self.station_of[contingent]
    }

    /// Pairs a contingent may answer.
    #[inline]
    pub fn serves(&self, contingent: usize) -> &[u32] {
        &self.serves[contingent]
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
