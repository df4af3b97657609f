//! A persistent cache of values on disk, shared by processes and runs.
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

mod codec;
mod error;
mod index;
mod maintain;
mod object;
mod options;
mod raw;
mod record;
mod report;
mod store;

#[cfg(test)]
mod test;

pub use codec::{Codec, Encoded, Persist, Postcard, TypeTag};
pub use error::CacheError;
pub use maintain::{GcReport, Stats, VerifyReport};
pub use options::{CACHE_BUDGET_ENV, CACHE_DIR_ENV, Options, default_dir};
pub use raw::{RawElement, RawLe};
pub use record::ENTRY_OVERHEAD;
pub use report::{Damage, Events};
pub use store::DiskCache;
