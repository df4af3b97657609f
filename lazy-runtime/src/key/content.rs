//! How large leaf content (an array's elements) enters a leaf's key: the choice of hash and
//! the digest of the content under it.
//!
//! Small content goes into the leaf's blake3 key as it is. With [`ContentHash::Xxh3`] (the
//! default), content of at least [`LARGE`] bytes is first cut into pieces of [`PIECE`]
//! bytes, each piece is digested with XXH3-128, and the list of digests goes into the key
//! instead of the bytes: XXH3 runs at memory speed, where blake3 runs at a third of it. With
//! [`ContentHash::Blake3`], large content goes into the key as it is, like small content.
//! Why the default is safe where keys are used is in `docs/arrays.md` ("Keying leaves").
//!
//! Invariants:
//! - the pieces do not depend on the number of threads: they are fixed by the content's
//!   length alone, so every process computes the same digest for the same content;
//! - the hash in use is fixed the first time large content is keyed, and never changes in
//!   the process afterwards: a value keyed twice is keyed the same way twice;
//! - an XXH3 digest starts with a marker and the content's length, so the digests of
//!   different lengths never read the same.

use std::sync::OnceLock;

use rayon::prelude::*;

/// Content of at least this many bytes is digested piece by piece (below it, blake3 takes
/// under 20 µs, and small values keep their plain blake3 keys).
pub(crate) const LARGE: usize = 128 << 10;

/// The size of a piece. Fixed: changing it changes every large leaf's key.
const PIECE: usize = 1 << 20;

/// The hash that digests large leaf content before it enters the leaf's key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContentHash {
    /// XXH3-128 of each megabyte into the leaf's blake3 key: memory speed (about 40 GB/s on two cores for an array in
    /// cache). Not collision-resistant against content chosen to collide.
    Xxh3,
    /// The content itself into the leaf's blake3 key: about a third of that speed, and
    /// collision-resistant, for programs whose arrays come from someone who might craft them.
    Blake3,
}

/// The environment variable that chooses the content hash: `xxh3` or `blake3`.
pub const CONTENT_HASH_ENV: &str = "LAZY_CONTENT_HASH";

static CHOSEN: OnceLock<ContentHash> = OnceLock::new();

/// The content hash this process uses, fixing it now if nothing has: from
/// [`CONTENT_HASH_ENV`], else [`ContentHash::Xxh3`].
///
/// # Panics
///
/// If the environment variable holds something other than `xxh3` or `blake3`: a typo there
/// must not silently weaken the hash someone asked for.
#[must_use]
pub fn content_hash() -> ContentHash {
    *CHOSEN.get_or_init(|| {
        let value = std::env::var(CONTENT_HASH_ENV).ok();
        from_env(value.as_deref())
            .unwrap_or_else(|bad| panic!("{CONTENT_HASH_ENV}={bad:?}: expected `xxh3` or `blake3`"))
    })
}

/// Chooses the content hash for this process. It must come before the first large leaf is
/// keyed (before the first array leaf, say); afterwards the choice is fixed, and this returns
/// the hash in use as the error unless it is the one asked for.
///
/// # Errors
///
/// The hash already fixed, when it differs from `hash`.
pub fn set_content_hash(hash: ContentHash) -> Result<(), ContentHash> {
    let fixed = *CHOSEN.get_or_init(|| hash);
    if fixed == hash { Ok(()) } else { Err(fixed) }
}

/// The hash named by the environment variable's value, or the value if it names none.
fn from_env(value: Option<&str>) -> Result<ContentHash, String> {
    match value {
        None | Some("xxh3") => Ok(ContentHash::Xxh3),
        Some("blake3") => Ok(ContentHash::Blake3),
        Some(other) => Err(other.to_owned()),
    }
}

/// What large content writes into its leaf's key in place of its bytes under
/// [`ContentHash::Xxh3`]: a marker, the content's length, then each piece's XXH3-128.
/// Pieces are digested on rayon's threads when there are several.
pub(crate) fn xxh3_digest(bytes: &[u8]) -> Vec<u8> {
    let piece = |piece: &[u8]| twox_hash::XxHash3_128::oneshot(piece).to_le_bytes();
    let digests: Vec<[u8; 16]> = if bytes.len() > PIECE {
        bytes.par_chunks(PIECE).map(piece).collect()
    } else {
        vec![piece(bytes)]
    };
    let mut out = Vec::with_capacity(16 + 16 * digests.len());
    out.extend_from_slice(MARKER);
    out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    for d in &digests {
        out.extend_from_slice(d);
    }
    out
}

/// Starts the digest of large content, so that it never reads as some other content's bytes.
const MARKER: &[u8; 8] = b"xxh3/1Mi";

#[cfg(test)]
mod tests {
    use super::{ContentHash, PIECE, from_env};

    #[test]
    fn the_environment_names_one_hash_or_is_refused() {
        assert_eq!(from_env(None), Ok(ContentHash::Xxh3));
        assert_eq!(from_env(Some("xxh3")), Ok(ContentHash::Xxh3));
        assert_eq!(from_env(Some("blake3")), Ok(ContentHash::Blake3));
        assert_eq!(from_env(Some("Blake3")), Err("Blake3".to_owned()));
    }

    #[test]
    fn a_digest_covers_every_piece_and_the_length() {
        let bytes: Vec<u8> = (0..3 * PIECE + 5)
            .map(|i| u8::try_from(i * 31 % 251).expect("below 251"))
            .collect();
        let whole = super::xxh3_digest(&bytes);
        assert_eq!(whole.len(), 16 + 16 * 4, "marker, length, four pieces");
        // A change in any piece, or in the length, changes the digest.
        for at in [0, PIECE, 2 * PIECE + 7, 3 * PIECE + 4] {
            let mut changed = bytes.clone();
            changed[at] ^= 1;
            assert_ne!(super::xxh3_digest(&changed), whole, "byte {at}");
        }
        assert_ne!(super::xxh3_digest(&bytes[..bytes.len() - 1]), whole);
        assert_eq!(
            super::xxh3_digest(&bytes),
            whole,
            "the same content, the same digest"
        );
    }

    #[test]
    fn a_digest_does_not_depend_on_the_number_of_threads() {
        let bytes: Vec<u8> = (0..5 * PIECE + 3)
            .map(|i| u8::try_from(i * 7 % 253).expect("below 253"))
            .collect();
        let on = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a pool")
                .install(|| super::xxh3_digest(&bytes))
        };
        let one = on(1);
        assert_eq!(on(2), one);
        assert_eq!(on(5), one);
    }
}
