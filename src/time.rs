//! Simulation time: integer seconds since the start of a replication.
//!
//! Integer time is exact (no drift over a 365-day horizon) and costs the same as `f64`.
//! One tick is one second; every conversion to hours or days is explicit.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// Seconds per minute.
pub const MINUTE: u64 = 60;
/// One hour.
pub const HOUR: SimDuration = SimDuration(3600);
/// One day of 24 hours.
pub const DAY: SimDuration = SimDuration(86_400);

/// An instant of simulation time [s since the start of the replication].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub u64);

/// A length of simulation time \[s\].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimDuration(pub u64);

impl SimTime {
    /// The start of a replication.
    pub const ZERO: SimTime = SimTime(0);

    /// Seconds since the start.
    pub fn secs(self) -> u64 {
        self.0
    }

    /// Hours since the start.
    pub fn hours(self) -> f64 {
        self.0 as f64 / HOUR.0 as f64
    }

    /// Time elapsed since `earlier` (zero if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0);

    /// From whole seconds.
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s)
    }

    /// From (fractional) seconds, rounded to the nearest tick; negative and NaN become zero.
    pub fn from_secs_f64(s: f64) -> Self {
        if s.is_nan() || s <= 0.0 {
            SimDuration(0)
        } else if s >= u64::MAX as f64 {
            SimDuration(u64::MAX)
        } else {
            SimDuration(round_half_away(s))
        }
    }

    /// From (fractional) hours.
    pub fn from_hours_f64(h: f64) -> Self {
        Self::from_secs_f64(h * HOUR.0 as f64)
    }

    /// Seconds.
    pub fn secs(self) -> u64 {
        self.0
    }

    /// Hours.
    pub fn hours(self) -> f64 {
        self.0 as f64 / HOUR.0 as f64
    }
}

/// `s.round() as u64` for `0 ≤ s < 2⁶⁴` (halves away from zero), without the call to libm's
/// `round` that the baseline x86-64 target makes (no SSE4.1): the cast truncates, and the
/// fraction `s − trunc(s)` is exact, so the result is the same to the bit. Every sampled
/// delay and arrival time goes through it.
/// Below 2⁶³ it goes through `i64`, whose conversions are one instruction each way (those
/// of `u64` are about ten on x86-64); the values are the same.
#[inline]
pub fn round_half_away(s: f64) -> u64 {
    if (0.0..9_223_372_036_854_775_808.0).contains(&s) {
        let t = s as i64;
        (if s - t as f64 >= 0.5 { t + 1 } else { t }) as u64
    } else {
        let t = s as u64;
        if s - t as f64 >= 0.5 { t + 1 } else { t }
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        self.0 = self.0.saturating_add(d.0);
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(d.0))
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    fn sub(self, earlier: SimTime) -> SimDuration {
        self.since(earlier)
    }
}

impl fmt::Display for SimTime {
    /// `d<day> hh:mm:ss`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        write!(
            f,
            "d{} {:02}:{:02}:{:02}",
            s / DAY.0,
            (s % DAY.0) / HOUR.0,
            (s % HOUR.0) / MINUTE,
            s % MINUTE
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_and_display() {
        let t = SimTime(DAY.0 + 2 * HOUR.0 + 3 * MINUTE + 4);
        assert_eq!(t.to_string(), "d1 02:03:04");
        assert_eq!((t + SimDuration(56)).0, DAY.0 + 2 * HOUR.0 + 4 * MINUTE);
        assert_eq!(SimTime(10) - SimTime(20), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(1.6), SimDuration(2));
        assert!((SimDuration::from_hours_f64(1.5).hours() - 1.5).abs() < 1e-12);
    }

    #[test]
    fn rounding_matches_libm_round_to_the_bit() {
        let mut xs = vec![
            0.0,
            0.5,
            1.5,
            2.5,
            0.499_999_999_999_999_94, // the largest double below 0.5
            1.0 - f64::EPSILON / 2.0,
            4_503_599_627_370_495.5, // 2^52 - 0.5
            4_503_599_627_370_497.0,
            9_007_199_254_740_993.0,
            9_223_372_036_854_774_784.0, // the largest double below 2^63 (the i64 path)
            9_223_372_036_854_775_808.0, // 2^63 (the u64 path)
            1e19,
            18_446_744_073_709_549_568.0, // the largest double below 2^64
        ];
        // Halves and their neighbours over the range of delays and times, and some noise.
        let mut x = 0.25f64;
        while x < 1e13 {
            xs.extend([x, x.next_up(), x.next_down(), x.trunc() + 0.5]);
            x *= 1.37;
        }
        for x in xs {
            assert_eq!(round_half_away(x), x.round() as u64, "{x:e}");
        }
    }
}
