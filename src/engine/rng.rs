//! Named, seeded random streams.
//!
//! Every random draw of a replication comes from a stream keyed by *what it models*
//! (`("violations", sector id)`, `("satellite-phase", "sat-1/land-kharkiv")`, ...), never by the
//! order in which entities were created or by the friendly force. Two force options run with
//! the same seed and replication therefore see exactly the same violations (common random
//! numbers), and results do not depend on thread count or scheduling.
//!
//! Two generators are used:
//! - [`Streams::stream`] gives a ChaCha8 generator (reproducible across platforms and rand
//!   versions) for long sequences such as the arrivals of a sector;
//! - [`KeyedRng`] is a SplitMix64 generator for short sequences keyed by one violation and
//!   one purpose (a sensor's detection roll, the approval delay of its tasking), so that a
//!   violation sees the same draws whatever else happens in the replication.

use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use std::convert::Infallible;

/// SplitMix64 finaliser: a bijective 64-bit mixer.
#[inline]
pub fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A stable 64-bit key for a name (FNV-1a, then mixed).
pub fn key(name: &str) -> u64 {
    mix64(crate::hash::fnv1a(name.as_bytes()))
}

/// The streams of one replication of one scenario seed.
#[derive(Debug, Clone, Copy)]
pub struct Streams {
    seed: u64,
    replication: u64,
}

impl Streams {
    /// Streams for replication `replication` (0-based) under master seed `seed`.
    pub fn new(seed: u64, replication: u64) -> Self {
        Streams { seed, replication }
    }

    /// The replication number.
    pub fn replication(&self) -> u64 {
        self.replication
    }

    /// A ChaCha8 stream for `purpose` and `name`; the ChaCha stream id is the replication.
    pub fn stream(&self, purpose: &str, name: &str) -> ChaCha8Rng {
        let k = mix64(self.seed ^ key(purpose)) ^ key(name).rotate_left(17);
        let mut bytes = [0u8; 32];
        let mut s = k;
        for chunk in bytes.chunks_exact_mut(8) {
            s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
            chunk.copy_from_slice(&mix64(s).to_le_bytes());
        }
        let mut rng = ChaCha8Rng::from_seed(bytes);
        rng.set_stream(self.replication);
        rng
    }
}

/// A small, fast generator keyed by (seed, purpose): SplitMix64.
#[derive(Debug, Clone)]
pub struct KeyedRng {
    state: u64,
}

impl KeyedRng {
    /// A generator for `purpose` (a key from [`key`] or a sensor id) of the thing with `seed`.
    #[inline]
    pub fn new(seed: u64, purpose: u64) -> Self {
        KeyedRng {
            state: mix64(seed ^ purpose.rotate_left(29)),
        }
    }

    #[inline]
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix64(self.state)
    }
}

impl rand::TryRng for KeyedRng {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.next() >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.next())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let v = self.next().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let s = Streams::new(42, 3);
        let a: Vec<u64> = (0..4)
            .map(|_| s.stream("violations", "x").random())
            .collect();
        let mut r1 = s.stream("violations", "x");
        let mut r2 = s.stream("violations", "x");
        let mut r3 = s.stream("violations", "y");
        let mut r4 = Streams::new(42, 4).stream("violations", "x");
        let v1: Vec<u64> = (0..4).map(|_| r1.random()).collect();
        let v2: Vec<u64> = (0..4).map(|_| r2.random()).collect();
        let v3: Vec<u64> = (0..4).map(|_| r3.random()).collect();
        let v4: Vec<u64> = (0..4).map(|_| r4.random()).collect();
        assert_eq!(v1, v2);
        assert_ne!(v1, v3);
        assert_ne!(v1, v4);
        assert_eq!(a[0], v1[0]);
    }

    #[test]
    fn keyed_rng_is_uniform_enough() {
        let mut sum = 0.0;
        let n = 100_000;
        for i in 0..n {
            let mut r = KeyedRng::new(i, key("detect"));
            sum += r.random::<f64>();
        }
        assert!((sum / n as f64 - 0.5).abs() < 0.005);
    }
}
