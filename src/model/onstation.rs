//! Drones on station, indexed per sector and contingent: the drones of one contingent over
//! one sector are interchangeable, so the earliest report of those that see a violation is
//! drawn once for the group, in O(1) however many are on station.

use crate::dist::Dist;
use crate::time::SimDuration;

/// Drones on station per sector, counted per ISR contingent.
#[derive(Debug, Clone)]
pub(super) struct OnStation {
    /// Per sector: `(contingent, drones on station)` for each contingent that flies over it,
    /// in scenario order.
    groups: Vec<Vec<(u32, u32)>>,
}

impl OnStation {
    /// No drone on station; `fleets[s]` lists the ISR contingents over sector `s`, in order.
    pub(super) fn new(fleets: Vec<Vec<u32>>) -> Self {
        OnStation {
            groups: fleets
                .into_iter()
                .map(|cs| cs.into_iter().map(|c| (c, 0)).collect())
                .collect(),
        }
    }

    fn count_mut(&mut self, sector: usize, contingent: u32) -> &mut u32 {
        &mut self.groups[sector]
            .iter_mut()
            .find(|g| g.0 == contingent)
            .expect("the contingent flies over the sector")
            .1
    }

    /// A drone of `contingent` arrives over `sector`.
    pub(super) fn arrive(&mut self, sector: usize, contingent: u32) {
        *self.count_mut(sector, contingent) += 1;
    }

    /// A drone of `contingent` leaves `sector`.
    pub(super) fn leave(&mut self, sector: usize, contingent: u32) {
        *self.count_mut(sector, contingent) -= 1;
    }

    /// The groups over `sector` with at least one drone on station.
    pub(super) fn groups(&self, sector: usize) -> impl Iterator<Item = (u32, u32)> + '_ {
        self.groups[sector].iter().copied().filter(|g| g.1 > 0)
    }
}

/// The reporting delay of the first of `n` drones to report a violation, each seeing it with
/// probability `p` and reporting after an independent draw of `reporting`; `None` if none
/// sees it. One uniform `u` decides both: with `F` the delay's distribution function,
/// P(first report ≤ x) = 1 − (1 − p·F(x))ⁿ, inverted at `u`.
pub(super) fn first_report(n: u32, p: f64, reporting: &Dist, u: f64) -> Option<SimDuration> {
    if n == 0 || p <= 0.0 {
        return None;
    }
    let p = p.min(1.0);
    // (1 − u)^(1/n) ≥ 1 − p  ⇔  no drone sees it.
    let miss_all = match n {
        2 => (1.0 - u).sqrt(),
        _ => (1.0 - u).powf(1.0 / f64::from(n)),
    };
    let q = (1.0 - miss_all) / p;
    (q < 1.0).then(|| SimDuration::from_secs_f64(quantile_secs(reporting, q)))
}

/// The `q`-quantile of a distribution \[s\] (`0 ≤ q < 1`).
fn quantile_secs(d: &Dist, q: f64) -> f64 {
    match *d {
        Dist::Fixed { secs } => secs,
        Dist::Uniform { min, max } => min + (max - min) * q,
        Dist::Exponential { mean } => -mean * (1.0 - q).ln(),
        Dist::Triangular { min, mode, max } => {
            let span = max - min;
            if span <= 0.0 {
                return min;
            }
            if q < (mode - min) / span {
                min + (q * span * (mode - min)).sqrt()
            } else {
                max - ((1.0 - q) * span * (max - mode)).sqrt()
            }
        }
        Dist::LogNormal { mu, sigma } => {
            // Φ⁻¹(q) = −√2 · erfc⁻¹(2q).
            let z = -std::f64::consts::SQRT_2 * statrs::function::erf::erfc_inv(2.0 * q);
            (mu + sigma * z).exp()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::KeyedRng;
    use rand::RngExt;

    #[test]
    fn quantiles_invert_the_samples() {
        let dists = [
            Dist::Fixed { secs: 60.0 },
            Dist::Uniform {
                min: 10.0,
                max: 70.0,
            },
            Dist::Exponential { mean: 120.0 },
            Dist::Triangular {
                min: 0.0,
                mode: 30.0,
                max: 100.0,
            },
            Dist::lognormal_from_median_p90(60.0, 180.0),
        ];
        for d in dists {
            // The share of draws at or below each quantile is the quantile's level.
            let mut rng = KeyedRng::new(1, 2);
            let draws: Vec<f64> = (0..20_000).map(|_| d.sample_secs(&mut rng)).collect();
            for q in [0.1, 0.5, 0.9] {
                let x = quantile_secs(&d, q);
                let share = draws.iter().filter(|&&v| v <= x).count() as f64 / 20_000.0;
                let expected = if matches!(d, Dist::Fixed { .. }) {
                    1.0
                } else {
                    q
                };
                assert!((share - expected).abs() < 0.015, "{d:?} q {q}: {share}");
            }
        }
    }

    #[test]
    fn the_group_draw_matches_drones_drawn_one_by_one() {
        // n drones each seeing with p, each reporting after a log-normal delay: the detected
        // share and the mean first report agree with drawing every drone.
        let reporting = Dist::lognormal_from_median_p90(60.0, 180.0);
        for (n, p) in [(1u32, 0.85), (3, 0.5), (16, 0.1)] {
            let (mut one, mut group) = ((0u32, 0.0), (0u32, 0.0));
            let mut rng = KeyedRng::new(9, u64::from(n));
            for _ in 0..40_000 {
                let mut best: Option<f64> = None;
                for _ in 0..n {
                    if rng.random::<f64>() < p {
                        let d = reporting.sample_secs(&mut rng);
                        best = Some(best.map_or(d, |b: f64| b.min(d)));
                    }
                }
                if let Some(b) = best {
                    one = (one.0 + 1, one.1 + b.round());
                }
                if let Some(d) = first_report(n, p, &reporting, rng.random()) {
                    group = (group.0 + 1, group.1 + d.secs() as f64);
                }
            }
            let share = |x: (u32, f64)| f64::from(x.0) / 40_000.0;
            let mean = |x: (u32, f64)| x.1 / f64::from(x.0);
            assert!(
                (share(one) - share(group)).abs() < 0.012,
                "n {n}: {one:?} {group:?}"
            );
            assert!(
                (mean(one) - mean(group)).abs() < 0.04 * mean(one),
                "n {n}: {} vs {}",
                mean(one),
                mean(group)
            );
        }
    }
}
