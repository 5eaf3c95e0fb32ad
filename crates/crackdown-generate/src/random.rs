//! Seeded randomness: every part of the case draws from its own ChaCha8
//! stream derived from the seed and a label, so adding draws to one part
//! never shifts another and the same seed always gives the same bytes.
//!
//! Leaves out any notion of entropy from the system: nothing here is secret.

use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

/// A seeded random source with the few draws the generator needs.
pub(crate) struct Dice(ChaCha8Rng);

/// FNV-1a, to turn a stream label into seed bytes.
fn fnv1a(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

impl Dice {
    /// The stream named `label`, item `index`, of the case with this seed.
    pub(crate) fn new(seed: u64, label: &str, index: u64) -> Dice {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        bytes[8..16].copy_from_slice(&fnv1a(label).to_le_bytes());
        bytes[16..24].copy_from_slice(&index.to_le_bytes());
        bytes[24..].copy_from_slice(b"crackdwn");
        Dice(ChaCha8Rng::from_seed(bytes))
    }

    /// Uniform in `0..n`; 0 when `n` is 0.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n <= 1 { 0 } else { self.0.random_range(0..n) }
    }

    /// Uniform in `low..high` (`low` when the range is empty).
    pub(crate) fn range(&mut self, low: i64, high: i64) -> i64 {
        if high <= low { low } else { self.0.random_range(low..high) }
    }

    pub(crate) fn chance(&mut self, probability: f64) -> bool {
        self.0.random_bool(probability.clamp(0.0, 1.0))
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One of a fixed list of words (the list is never empty).
    pub(crate) fn word(&mut self, words: &[&'static str]) -> &'static str {
        words.get(self.below(words.len())).copied().unwrap_or("")
    }

    /// An index drawn with the given relative weights.
    pub(crate) fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&weight| u64::from(weight)).sum();
        if total == 0 {
            return 0;
        }
        let mut target = self.0.random_range(0..total);
        for (index, &weight) in weights.iter().enumerate() {
            let weight = u64::from(weight);
            if target < weight {
                return index;
            }
            target -= weight;
        }
        weights.len() - 1
    }

    pub(crate) fn u64(&mut self) -> u64 {
        self.0.random()
    }

    pub(crate) fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut bytes = [0u8; N];
        self.0.fill(&mut bytes[..]);
        bytes
    }

    /// A log-uniform amount in `low..high`, as money amounts spread over
    /// orders of magnitude.
    pub(crate) fn log_range(&mut self, low: i64, high: i64) -> i64 {
        let low_f = (low.max(1)) as f64;
        let high_f = (high.max(low + 1)) as f64;
        let unit: f64 = self.0.random();
        let value = (low_f.ln() + unit * (high_f.ln() - low_f.ln())).exp();
        (value as i64).clamp(low, high)
    }

    /// `count` decimal digits as text.
    pub(crate) fn digits(&mut self, count: usize) -> String {
        (0..count).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let draw = |label: &str, index| Dice::new(7, label, index).u64();
        assert_eq!(draw("a", 1), draw("a", 1));
        assert_ne!(draw("a", 1), draw("a", 2));
        assert_ne!(draw("a", 1), draw("b", 1));
        assert_ne!(Dice::new(8, "a", 1).u64(), draw("a", 1));
    }

    #[test]
    fn weighted_respects_zero_weights() {
        let mut dice = Dice::new(1, "w", 0);
        for _ in 0..200 {
            assert_eq!(dice.weighted(&[0, 5, 0]), 1);
        }
        assert_eq!(dice.weighted(&[]), 0);
    }
}
