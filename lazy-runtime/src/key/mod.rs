//! Structural keys: 32-byte blake3 digests that name a node by what it computes.
//!
//! Invariants:
//! - A key depends only on the operation's identity, literal data and the child keys, never
//!   on addresses, thread ids or time, so the same program builds the same keys in every
//!   process and every run (identity-keyed leaves and impure calls excepted: they draw from
//!   a process-wide counter).
//! - A leaf's key includes its type's name: `1i64`, `1u8`, `1.0f64` and `true` never share a key.
//! - An operation's key is a Merkle digest of the children's stored keys: it is computed once,
//!   when the node is built, and never walks the graph again.

use std::fmt::{self, Write as _};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

pub(crate) mod content;
mod fingerprint;

pub use fingerprint::{Fingerprint, FingerprintHasher};

/// The structural key of a node: a blake3 digest of what the node computes.
///
/// Two nodes with the same key compute the same value, so the graph keeps only one of them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(pub(crate) [u8; 32]);

impl Key {
    /// The digest's bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The first eight bytes as a number: a hash of the key for tables indexed by it (the
    /// digest is uniform, so hashing it again would add nothing).
    pub(crate) fn prefix(&self) -> u64 {
        let mut low = [0u8; 8];
        low.copy_from_slice(&self.0[..8]);
        u64::from_le_bytes(low)
    }

    /// The first eight hex digits, as shown by `Debug` of a [`Lazy`](crate::Lazy) and in DOT output.
    #[must_use]
    pub fn short(&self) -> String {
        let mut s = String::with_capacity(8);
        for b in &self.0[..4] {
            let _ = write!(s, "{b:02x}");
        }
        s
    }

    /// The key of an operation applied to children with the given keys.
    ///
    /// The operation's digest is the blake3 *key*, the children's keys are the input: a unary
    /// or binary operation hashes one 64-byte block, the cheapest thing blake3 does.
    pub(crate) fn of_op(op: &[u8; 32], children: &[Key]) -> Key {
        match children {
            [] => Key(blake3::keyed_hash(op, &[]).into()),
            [a] => Key(blake3::keyed_hash(op, &a.0).into()),
            [a, b] => {
                let mut block = [0u8; 64];
                block[..32].copy_from_slice(&a.0);
                block[32..].copy_from_slice(&b.0);
                Key(blake3::keyed_hash(op, &block).into())
            }
            many => {
                let mut hasher = blake3::Hasher::new_keyed(op);
                for child in many {
                    hasher.update(&child.0);
                }
                Key(hasher.finalize().into())
            }
        }
    }

    /// A fresh key that no other node has: for identity-keyed leaves and impure calls.
    pub(crate) fn unique() -> Key {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        Key(blake3::keyed_hash(&IDENTITY_DOMAIN, &n.to_le_bytes()).into())
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Key({})", self.short())
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

/// Domain separation: leaves, operation names and identity keys hash under different blake3
/// keys, derived once (deriving a key per hash would cost more than the hash itself).
pub(super) static LEAF_DOMAIN: LazyLock<[u8; 32]> =
    LazyLock::new(|| blake3::derive_key("lazy leaf value", &[]));
static OP_DOMAIN: LazyLock<[u8; 32]> = LazyLock::new(|| blake3::derive_key("lazy operation", &[]));
static IDENTITY_DOMAIN: LazyLock<[u8; 32]> =
    LazyLock::new(|| blake3::derive_key("lazy identity key", &[]));

/// A `Hasher` for maps keyed by [`Key`]: the key is already a uniform digest, so its low
/// bits are the hash.
#[derive(Default, Debug)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // `Key`'s derived `Hash` writes the 32 bytes in one call; keep eight of them.
        let mut low = [0u8; 8];
        let n = bytes.len().min(8);
        low[..n].copy_from_slice(&bytes[..n]);
        self.0 ^= u64::from_le_bytes(low);
    }

    fn write_usize(&mut self, _: usize) {
        // The length prefix of the array carries no information.
    }
}

pub(crate) type BuildKeyHasher = BuildHasherDefault<KeyHasher>;

/// The content key of a leaf value: its type's name, then its content.
pub(crate) fn of_value<T: Fingerprint + ?Sized>(value: &T) -> Key {
    let mut hasher = FingerprintHasher::new();
    let name = std::any::type_name::<T>();
    hasher.write_len(name.len());
    hasher.write(name.as_bytes());
    value.fingerprint(&mut hasher);
    hasher.finish()
}

/// The digest of an operation's name, used as the blake3 key of its nodes.
pub(crate) fn of_name(name: &str) -> [u8; 32] {
    blake3::keyed_hash(&OP_DOMAIN, name.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_is_part_of_the_key() {
        let keys = [
            of_value(&1i64),
            of_value(&1u8),
            of_value(&1.0f64),
            of_value(&true),
        ];
        for (i, a) in keys.iter().enumerate() {
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn floats_key_by_bit_pattern() {
        assert_ne!(of_value(&0.0f64), of_value(&-0.0f64));
        assert_eq!(of_value(&f64::NAN), of_value(&f64::NAN));
    }

    #[test]
    fn equal_vectors_share_a_key() {
        let a: Vec<i64> = (0..1000).collect();
        let b: Vec<i64> = (0..1000).collect();
        assert_eq!(of_value(&a), of_value(&b));
        assert_ne!(of_value(&a), of_value(&a[..999].to_vec()));
    }

    #[test]
    fn lengths_separate_nested_strings() {
        let a = (String::from("ab"), String::from("c"));
        let b = (String::from("a"), String::from("bc"));
        assert_ne!(of_value(&a), of_value(&b));
    }

    #[test]
    fn op_keys_depend_on_op_and_child_order() {
        let x = of_value(&1i64);
        let y = of_value(&2i64);
        let add = of_name("add");
        let sub = of_name("sub");
        assert_eq!(Key::of_op(&add, &[x, y]), Key::of_op(&add, &[x, y]));
        assert_ne!(Key::of_op(&add, &[x, y]), Key::of_op(&add, &[y, x]));
        assert_ne!(Key::of_op(&add, &[x, y]), Key::of_op(&sub, &[x, y]));
        assert_ne!(Key::of_op(&add, &[x]), Key::of_op(&add, &[x, x]));
    }

    #[test]
    fn keys_are_stable_across_runs() {
        // Pinned so that a change to the hashing scheme is a deliberate, visible decision:
        // a leaf that fits one block, one that streams, an 800 KB array (one XXH3 piece)
        // and a 12 MB one (twelve pieces, digested in parallel), and an operation over a leaf.
        let long = String::from(
            "a string longer than sixty-four bytes, which spills into blake3's streaming state",
        );
        let big: Vec<u64> = (0..100_000).collect();
        let bigger: Vec<u64> = (0..1_500_000).collect();
        let digests = [
            of_value(&42i64),
            of_value(&long),
            of_value(&big),
            of_value(&bigger),
            Key::of_op(&of_name("f"), &[of_value(&42i64)]),
        ]
        .map(|k| k.to_string());
        assert_eq!(
            digests,
            [
                "cc22441da0dc5e692b130406aa0fe0cc0933779bde218eefc705462d9261b4d4",
                "741330f5526063b292659d20e4f8e04f4c9f600e31a00dea52f163920f017452",
                "cde8bb9cafe1ada14f0f2ca1b005c89f1886b83c99993bbfc2dc89a98c159a96",
                "d4128a5ee54442aad72bd6359d6dd07e491f6b9a1d87485a64a45629d7510f52",
                "a767d4c10a30558c9439278d46b51b2e6a5a4a0cec83e6d1c67eb571ebba6fca",
            ]
        );
    }

    #[test]
    fn unique_keys_differ() {
        assert_ne!(Key::unique(), Key::unique());
    }
}
