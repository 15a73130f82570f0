//! The set of ticket ids a stream has accepted, in about 20 bytes an id
//! whatever the id's length, without the memory spike of one big hash
//! table doubling.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};
use xxhash_rust::xxh3::xxh3_128;

/// Shards: a table grows (old and new table side by side) one shard at a
/// time, so the peak stays near the steady size.
const SHARDS: usize = 256;

/// Ticket ids, stored as their xxh3-128 hash. Two distinct ids collide with
/// probability 2⁻¹²⁸ per pair, about n²/2¹²⁹ for n ids: ~1.5e-27 for a
/// million tickets, far below any hardware error rate, so a false
/// "duplicate" is not a practical concern.
pub(crate) struct SeenIds {
    shards: Vec<HashSet<[u64; 2], BuildHasherDefault<AlreadyHashed>>>,
}

impl SeenIds {
    pub(crate) fn new() -> Self {
        SeenIds {
            shards: (0..SHARDS).map(|_| HashSet::default()).collect(),
        }
    }

    /// The key of an id.
    pub(crate) fn key(ticket_id: &str) -> [u64; 2] {
        let h = xxh3_128(ticket_id.as_bytes());
        [(h >> 64) as u64, h as u64]
    }

    pub(crate) fn contains(&self, key: [u64; 2]) -> bool {
        self.shards[shard(key)].contains(&key)
    }

    pub(crate) fn insert(&mut self, key: [u64; 2]) {
        self.shards[shard(key)].insert(key);
    }
}

impl std::fmt::Debug for SeenIds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n: usize = self.shards.iter().map(HashSet::len).sum();
        write!(f, "SeenIds({n} ids)")
    }
}

fn shard(key: [u64; 2]) -> usize {
    (key[0] >> 56) as usize % SHARDS
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
            let key = SeenIds::key(&format!("T-{i}"));
            assert!(!seen.contains(key), "T-{i} before insertion");
            seen.insert(key);
            assert!(seen.contains(key));
        }
        assert!(seen.contains(SeenIds::key("T-0")));
        assert!(!seen.contains(SeenIds::key("T-10000")));
        assert!(
            !seen.contains(SeenIds::key("t-0")),
            "ids are case-sensitive"
        );
    }
}
