//! Validated random delays and durations.

use crate::time::SimDuration;
use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};

/// z-score of the 90th percentile of the standard normal distribution.
const Z90: f64 = 1.281_551_565_544_600_4;

/// The random part of one draw of a [`Dist`] (see [`Dist::draw`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Drawn(f64);

/// A distribution of durations, in seconds, with parameters already checked
/// (finite, non-negative, ordered).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Dist {
    /// Always `secs`.
    Fixed {
        /// Value \[s\].
        secs: f64,
    },
    /// Uniform on \[min, max\] \[s\].
    Uniform {
        /// Lower bound \[s\].
        min: f64,
        /// Upper bound \[s\].
        max: f64,
    },
    /// Exponential with the given mean \[s\].
    Exponential {
        /// Mean \[s\].
        mean: f64,
    },
    /// Triangular on \[min, max\] with mode \[s\].
    Triangular {
        /// Lower bound \[s\].
        min: f64,
        /// Mode \[s\].
        mode: f64,
        /// Upper bound \[s\].
        max: f64,
    },
    /// Log-normal: ln X ~ N(mu, sigma²), X in \[s\].
    LogNormal {
        /// Mean of ln X.
        mu: f64,
        /// Standard deviation of ln X.
        sigma: f64,
    },
}

impl Dist {
    /// No delay.
    pub const ZERO: Dist = Dist::Fixed { secs: 0.0 };

    /// A log-normal distribution from its median and 90th percentile \[s\] (`p90 > median > 0`).
    pub fn lognormal_from_median_p90(median: f64, p90: f64) -> Dist {
        Dist::LogNormal {
            mu: median.ln(),
            sigma: (p90.ln() - median.ln()) / Z90,
        }
    }

    /// One draw \[s\].
    pub fn sample_secs<R: RngExt + ?Sized>(&self, rng: &mut R) -> f64 {
        self.secs_of(self.draw(rng))
    }

    /// The random part of one draw, as [`Dist::sample_secs`] takes it from `rng`: a uniform
    /// in \[0, 1), a standard normal for the log-normal, nothing for a fixed value. With
    /// [`Dist::secs_of`] it gives the same draw to the bit; apart, a caller keeps its stream
    /// in step and skips the arithmetic (an `exp`) of a value it turns out not to need.
    #[inline]
    pub fn draw<R: RngExt + ?Sized>(&self, rng: &mut R) -> Drawn {
        Drawn(match *self {
            Dist::Fixed { .. } => 0.0,
            Dist::Uniform { .. } | Dist::Exponential { .. } | Dist::Triangular { .. } => {
                rng.random::<f64>()
            }
            Dist::LogNormal { .. } => StandardNormal.sample(rng),
        })
    }

    /// The value \[s\] of a draw taken by [`Dist::draw`] from this distribution.
    #[inline]
    pub fn secs_of(&self, drawn: Drawn) -> f64 {
        let u = drawn.0;
        match *self {
            Dist::Fixed { secs } => secs,
            Dist::Uniform { min, max } => min + (max - min) * u,
            Dist::Exponential { mean } => {
                // 1 - u lies in (0, 1], so the logarithm is finite.
                -mean * (1.0 - u).ln()
            }
            Dist::Triangular { min, mode, max } => {
                let span = max - min;
                if span <= 0.0 {
                    return min;
                }
                let fc = (mode - min) / span;
                if u < fc {
                    min + (u * span * (mode - min)).sqrt()
                } else {
                    max - ((1.0 - u) * span * (max - mode)).sqrt()
                }
            }
            Dist::LogNormal { mu, sigma } => (mu + sigma * u).exp(),
        }
    }

    /// The natural logarithm of a log-normal draw's value \[ln s\] (`None` for the other
    /// distributions): it orders log-normal draws as their values do, without the `exp`.
    #[inline]
    pub fn ln_secs_of(&self, drawn: Drawn) -> Option<f64> {
        match *self {
            Dist::LogNormal { mu, sigma } => Some(mu + sigma * drawn.0),
            _ => None,
        }
    }

    /// One draw, rounded to the tick.
    pub fn sample<R: RngExt + ?Sized>(&self, rng: &mut R) -> SimDuration {
        SimDuration::from_secs_f64(self.sample_secs(rng))
    }

    /// The duration of a draw taken by [`Dist::draw`], rounded to the tick.
    #[inline]
    pub fn duration_of(&self, drawn: Drawn) -> SimDuration {
        SimDuration::from_secs_f64(self.secs_of(drawn))
    }

    /// Expected value \[s\].
    pub fn mean_secs(&self) -> f64 {
        match *self {
            Dist::Fixed { secs } => secs,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Exponential { mean } => mean,
            Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            Dist::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
        }
    }

    /// Median \[s\], a planner's "typical" value, used for dispatch estimates.
    pub fn median_secs(&self) -> f64 {
        match *self {
            Dist::Fixed { secs } => secs,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Exponential { mean } => mean * std::f64::consts::LN_2,
            Dist::Triangular { min, mode, max } => {
                if mode - min >= (max - min) / 2.0 {
                    min + ((max - min) * (mode - min) / 2.0).sqrt()
                } else {
                    max - ((max - min) * (max - mode) / 2.0).sqrt()
                }
            }
            Dist::LogNormal { mu, .. } => mu.exp(),
        }
    }

    /// Whether every draw is exactly zero.
    pub fn is_zero(&self) -> bool {
        matches!(*self, Dist::Fixed { secs } if secs == 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn sample_mean_and_median(d: Dist) -> (f64, f64) {
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(7);
        let mut xs: Vec<f64> = (0..200_000).map(|_| d.sample_secs(&mut rng)).collect();
        xs.sort_by(f64::total_cmp);
        (xs.iter().sum::<f64>() / xs.len() as f64, xs[xs.len() / 2])
    }

    #[test]
    fn a_draw_kept_apart_is_the_sample_and_keeps_the_stream_in_step() {
        for d in [
            Dist::Fixed { secs: 60.0 },
            Dist::Uniform {
                min: 10.0,
                max: 70.0,
            },
            Dist::Exponential { mean: 600.0 },
            Dist::lognormal_from_median_p90(600.0, 1800.0),
        ] {
            let mut a = rand::rngs::ChaCha8Rng::seed_from_u64(11);
            let mut b = rand::rngs::ChaCha8Rng::seed_from_u64(11);
            for _ in 0..1000 {
                let sampled = d.sample(&mut a);
                let drawn = d.draw(&mut b);
                assert_eq!(
                    a.random::<u64>(),
                    b.random::<u64>(),
                    "{d:?}: stream out of step"
                );
                assert_eq!(d.duration_of(drawn), sampled, "{d:?}");
            }
        }
    }

    #[test]
    fn sample_moments_match_the_formulas() {
        for d in [
            Dist::Fixed { secs: 60.0 },
            Dist::Uniform {
                min: 10.0,
                max: 70.0,
            },
            Dist::Exponential { mean: 600.0 },
            Dist::Triangular {
                min: 0.0,
                mode: 100.0,
                max: 400.0,
            },
            Dist::lognormal_from_median_p90(600.0, 1800.0),
        ] {
            let (mean, median) = sample_mean_and_median(d);
            assert!(
                (mean - d.mean_secs()).abs() / d.mean_secs() < 0.01,
                "{d:?}: mean {mean} vs {}",
                d.mean_secs()
            );
            assert!(
                (median - d.median_secs()).abs() / d.median_secs() < 0.01,
                "{d:?}: median {median} vs {}",
                d.median_secs()
            );
        }
    }

    #[test]
    fn lognormal_p90_is_where_planners_put_it() {
        let d = Dist::lognormal_from_median_p90(600.0, 1800.0);
        let mut rng = rand::rngs::ChaCha8Rng::seed_from_u64(3);
        let below = (0..100_000)
            .filter(|_| d.sample_secs(&mut rng) <= 1800.0)
            .count();
        assert!((below as f64 / 100_000.0 - 0.9).abs() < 0.005);
    }
}
