//! Damage found in a cache: counted per kind, and each kind reported once per cache.

use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// A kind of damage the cache found, removed and treated as a miss.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Damage {
    /// An object file or inline value whose bytes do not match their checksum.
    Corrupt,
    /// An object file shorter or longer than its header says, or with a damaged header.
    Truncated,
    /// An index entry whose object file is gone (removed by hand, or lost in a crash).
    Missing,
    /// An index entry that cannot be read (damaged, or written by an unknown format).
    BadRecord,
    /// A value whose checksum and type matched but that its codec could not decode (a codec
    /// that changed its format without changing its version).
    Undecodable,
}

impl Damage {
    const ALL: [Damage; 5] = [
        Damage::Corrupt,
        Damage::Truncated,
        Damage::Missing,
        Damage::BadRecord,
        Damage::Undecodable,
    ];

    fn index(self) -> usize {
        match self {
            Damage::Corrupt => 0,
            Damage::Truncated => 1,
            Damage::Missing => 2,
            Damage::BadRecord => 3,
            Damage::Undecodable => 4,
        }
    }
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Damage::Corrupt => "a value that does not match its checksum",
            Damage::Truncated => "a truncated or damaged object file",
            Damage::Missing => "an entry whose object file is missing",
            Damage::BadRecord => "an index entry that cannot be read",
            Damage::Undecodable => "a value its codec cannot decode",
        })
    }
}

/// How many entries of each kind of [`Damage`] a cache handle found and removed since it
/// was opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Events {
    /// [`Damage::Corrupt`] entries.
    pub corrupt: u64,
    /// [`Damage::Truncated`] entries.
    pub truncated: u64,
    /// [`Damage::Missing`] entries.
    pub missing: u64,
    /// [`Damage::BadRecord`] entries.
    pub bad_records: u64,
    /// [`Damage::Undecodable`] entries.
    pub undecodable: u64,
}

impl Events {
    /// All damaged entries found, of every kind.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.corrupt + self.truncated + self.missing + self.bad_records + self.undecodable
    }
}

/// The counters, and whether each kind was already reported.
#[derive(Debug, Default)]
pub(super) struct Reporter {
    counts: [AtomicU64; 5],
    reported: [AtomicBool; 5],
}

impl Reporter {
    /// Counts one damaged entry, and reports its kind on stderr the first time it is seen.
    pub(super) fn damage(&self, dir: &Path, damage: Damage) {
        let i = damage.index();
        self.counts[i].fetch_add(1, Ordering::Relaxed);
        if !self.reported[i].swap(true, Ordering::Relaxed) {
            eprintln!(
                "lazy: disk cache {}: removed {damage} (a miss; later ones are counted, not printed)",
                dir.display()
            );
        }
    }

    pub(super) fn events(&self) -> Events {
        let [corrupt, truncated, missing, bad_records, undecodable] =
            Damage::ALL.map(|d| self.counts[d.index()].load(Ordering::Relaxed));
        Events {
            corrupt,
            truncated,
            missing,
            bad_records,
            undecodable,
        }
    }
}
