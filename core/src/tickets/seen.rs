//! The set of ticket ids a stream has accepted, in about 10 to 21 bytes
//! an id whatever the id's length, without the memory spike of one big hash
//! table doubling.

use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use xxhash_rust::xxh3::xxh3_128_with_seed;

/// Shards: a table grows (old and new table side by side) one shard at a
/// time, so the peak stays near the steady size.
const SHARDS: usize = 256;

/// Ticket ids, each kept as 72 bits of its seeded xxh3-128 hash: the top 8
/// choose the shard, the low 64 are stored in it.
///
/// Two distinct ids look the same with probability 2⁻⁷² per pair, about
/// n²/2⁷³ for n ids: 1 in 9 × 10⁹ for a push of a million distinct tickets,
/// 1 in 9 × 10¹¹ for 100,000. Such a ticket would be rejected as a
/// duplicate, and listed as one, not silently lost. The full 128 bits
/// (about 1 in 7 × 10²⁶) cost twice the memory: 36 MB instead of 19 MB
/// for a million ids. The hash is seeded at random per set, so a client
/// cannot readily choose ids that collide or that crowd one shard.
pub(crate) struct SeenIds {
    seed: u64,
    shards: Vec<HashSet<u64, BuildHasherDefault<AlreadyHashed>>>,
}

/// An id's shard and the 64 bits kept of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdKey {
    shard: u8,
    bits: u64,
}

impl SeenIds {
    pub(crate) fn new() -> Self {
        Self::with_seed(RandomState::new().hash_one(0x5eed_u64))
    }

    fn with_seed(seed: u64) -> Self {
        SeenIds {
            seed,
            shards: (0..SHARDS).map(|_| HashSet::default()).collect(),
        }
    }

    /// The key of an id.
    pub(crate) fn key(&self, ticket_id: &str) -> IdKey {
        let h = xxh3_128_with_seed(ticket_id.as_bytes(), self.seed);
        IdKey {
            shard: (h >> 120) as u8,
            bits: h as u64,
        }
    }

    /// Adds a key; false if it was already there.
    pub(crate) fn insert(&mut self, key: IdKey) -> bool {
        self.shards[usize::from(key.shard)].insert(key.bits)
    }

    #[cfg(test)]
    pub(crate) fn contains(&self, key: IdKey) -> bool {
        self.shards[usize::from(key.shard)].contains(&key.bits)
    }
}

impl std::fmt::Debug for SeenIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n: usize = self.shards.iter().map(HashSet::len).sum();
        write!(f, "SeenIds({n} ids)")
    }
}

/// The keys are already uniform hashes: hashing them again is wasted work.
#[derive(Default)]
pub(crate) struct AlreadyHashed(u64);

impl Hasher for AlreadyHashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = self.0.rotate_left(29) ^ n;
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_found_after_insertion_and_not_before() {
        let mut seen = SeenIds::new();
        for i in 0..10_000 {
            let key = seen.key(&format!("T-{i}"));
            assert!(!seen.contains(key), "T-{i} before insertion");
            assert!(seen.insert(key), "T-{i} first insertion");
            assert!(seen.contains(key));
            assert!(!seen.insert(key), "T-{i} second insertion");
        }
        assert!(seen.contains(seen.key("T-0")));
        assert!(!seen.contains(seen.key("T-10000")));
        assert!(!seen.contains(seen.key("t-0")), "ids are case-sensitive");
    }

    #[test]
    fn keys_spread_over_every_shard() {
        // A fixed seed: the same draw on every run.
        let seen = SeenIds::with_seed(0x5eed);
        let mut counts = [0u32; SHARDS];
        for i in 0..SHARDS * 100 {
            counts[usize::from(seen.key(&format!("T-{i}")).shard)] += 1;
        }
        // 100 expected per shard; a uniform hash stays within 50..150
        // (five standard deviations) with overwhelming probability.
        assert!(counts.iter().all(|c| (50..150).contains(c)), "{counts:?}");
    }

    #[test]
    fn two_sets_hash_the_same_id_differently() {
        let (a, b) = (SeenIds::new(), SeenIds::new());
        assert_eq!(a.key("T-1"), a.key("T-1"));
        assert_ne!(a.key("T-1"), b.key("T-1"), "each set has its own seed");
    }
}
