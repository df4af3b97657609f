//! A persistent cache of values on disk, shared by processes and runs.
//!
//! # The program's cache
//!
//! Functions marked `#[lazy(cache)]` store their values in the program's cache, opened by
//! [`open`] (or [`open_default`], or `$LAZY_CACHE_DIR`), so that the next run of the program
//! takes them from disk instead of running them and what they read (`docs/caching.md`):
//!
//! ```
//! # let dir = std::env::temp_dir().join(format!("lazy-doc-mod-{}", std::process::id()));
//! use lazy_runtime::task::{Op, Persistence, task};
//! use lazy_runtime::{Lazy, persist, strict};
//!
//! persist::open(&dir)?;
//! let total = |n: u64| {
//!     let op = Op::function("doc::total").persisted::<u64>(Persistence::Always);
//!     task(op, (Lazy::new(n),), |(n,): (u64,)| (1..=n).sum::<u64>())
//! };
//! assert_eq!(strict(total(1000)), 500_500);
//! assert_eq!(persist::activity().stored, 1);
//! # persist::close();
//! # std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), persist::CacheError>(())
//! ```
//!
//! # The store
//!
//! A [`DiskCache`] maps 32-byte keys (structural keys, extended by whoever stores under them)
//! to values. A value is stored with a [`Codec`]: [`Postcard`] (serde) for general values,
//! [`RawLe`] for numeric arrays (their little-endian bytes, no per-element work). The
//! [`Persist`] trait names the codec a type uses by default.
//!
//! # Layout
//!
//! ```text
//! <dir>/index.redb                 the index (redb): key -> record, last access, byte total
//! <dir>/objects/ab/ab…(key)-(sum)  one immutable file per value above `inline_max_bytes`
//! ```
//!
//! Small values live in their index record. A record holds the value's length, its blake3
//! checksum and its [`TypeTag`]; an object file's header repeats all three.
//!
//! # Rules
//!
//! - A read returns the stored bytes or a miss, never other bytes: a value that does not
//!   match its checksum and length, an object file whose header disagrees with its record,
//!   a record that cannot be read and a value its codec rejects are misses, are removed,
//!   and are counted in [`DiskCache::events`] (each kind is printed on stderr once per
//!   handle). No damage panics.
//! - A value read as another type (or through another codec or codec version) than it was
//!   stored as is a miss.
//! - Object files are written under a temporary name, synced and renamed, so a crash leaves
//!   a whole file or a stray temporary one; the record is committed after the file, so a
//!   crash leaves at worst a file no record names, removed by [`DiskCache::gc`] once older
//!   than [`Options::orphan_grace`].
//! - Several processes may open one cache and read and write it at once: redb's multi-writer
//!   mode lets each hold the index open, write transactions take turns, and each commit is
//!   durable. An object file removed by another process (an eviction) while a read is
//!   about to open it is a miss for that read.
//! - A put that takes the cache past [`Options::budget_bytes`] evicts the least recently
//!   used entries (other than the one put) until it is at nine tenths of the budget. Hits
//!   record their access time in memory and write them in batches
//!   ([`Options::touch_batch`], [`Options::touch_interval`]), so an eviction in another
//!   process may not see the latest few seconds of hits.

mod bytes;
mod codec;
mod error;
mod index;
mod maintain;
mod object;
mod options;
mod program;
mod raw;
mod record;
mod report;
mod store;

#[cfg(test)]
mod test;

pub use bytes::Bytes;
pub use codec::{Codec, Encoded, Persist, Postcard, TypeTag};
pub use error::CacheError;
pub use maintain::{GcReport, Stats, VerifyReport};
pub use options::{CACHE_BUDGET_ENV, CACHE_DIR_ENV, Options, default_dir};
pub use program::{
    Activity, activity, close, current, open, open_default, open_with, reset_activity, set_salt,
};
pub(crate) use program::{note_computed, note_failure, note_loaded, note_stored, salt};
pub use raw::{RawElement, RawLe};
pub use record::ENTRY_OVERHEAD;
pub use report::{Damage, Events};
pub use store::DiskCache;
