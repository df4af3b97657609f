//! Looking after a cache: statistics, garbage collection, clearing and verification.

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use super::error::CacheError;
use super::object::{self, ReadError};
use super::record::{Place, Record, checksum};
use super::report::{Damage, Events};
use super::store::DiskCache;

/// What a cache holds, from [`DiskCache::stats`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Entries in the index.
    pub entries: u64,
    /// Entries whose value is in the index itself.
    pub inline_entries: u64,
    /// Entries whose value is in an object file.
    pub object_entries: u64,
    /// Bytes of the stored values.
    pub value_bytes: u64,
    /// Bytes counted against the budget (values plus a fixed overhead per entry).
    pub budgeted_bytes: u64,
    /// This handle's budget.
    pub budget_bytes: u64,
    /// Hits through this handle since it was opened.
    pub hits: u64,
    /// Misses through this handle since it was opened.
    pub misses: u64,
    /// Damaged entries this handle found and removed.
    pub damage: Events,
}

/// What [`DiskCache::gc`] removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GcReport {
    /// Entries evicted to bring the cache within its budget, least recently used first.
    pub evicted: u64,
    /// Budgeted bytes of the evicted entries.
    pub evicted_bytes: u64,
    /// Object files no entry names (older than the grace period), and stale temporary files.
    pub stray_files: u64,
}

/// What [`DiskCache::verify`] found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries checked.
    pub checked: u64,
    /// Entries whose bytes matched their checksum.
    pub ok: u64,
    /// Damaged entries, removed, by kind.
    pub removed: Events,
    /// Stray files removed, as by [`DiskCache::gc`].
    pub stray_files: u64,
}

impl DiskCache {
    /// What the cache holds, and this handle's hit and miss counts. Writes the access times
    /// of recorded hits first.
    ///
    /// # Errors
    ///
    /// [`CacheError::Index`] when the index cannot be read.
    ///
    /// # Complexity
    ///
    /// Reads every index entry.
    pub fn stats(&self) -> Result<Stats, CacheError> {
        self.flush_touches()?;
        let inner = &self.inner;
        let mut stats = Stats {
            budget_bytes: inner.options.budget_bytes,
            hits: inner.hits.load(Ordering::Relaxed),
            misses: inner.misses.load(Ordering::Relaxed),
            damage: inner.reporter.events(),
            ..Stats::default()
        };
        for (_, raw, _) in inner.index.entries()? {
            stats.entries += 1;
            if let Some(record) = Record::decode(&raw) {
                stats.value_bytes += record.len;
                stats.budgeted_bytes += record.cost();
                match record.place {
                    Place::Inline(_) => stats.inline_entries += 1,
                    Place::Object => stats.object_entries += 1,
                }
            }
        }
        Ok(stats)
    }

    /// Evicts least recently used entries until the cache is within this handle's budget,
    /// and removes stray files (see [`Options::orphan_grace`](super::Options::orphan_grace)).
    /// Safe while other processes use the cache: a value evicted while another process reads
    /// it is a miss there.
    ///
    /// # Errors
    ///
    /// [`CacheError::Index`] or [`CacheError::Io`] when the cache cannot be read or written.
    pub fn gc(&self) -> Result<GcReport, CacheError> {
        self.flush_touches()?;
        let removed = self.inner.index.evict_to(self.inner.options.budget_bytes)?;
        self.remove_objects(&removed)?;
        Ok(GcReport {
            evicted: removed.len() as u64,
            evicted_bytes: removed.iter().map(|(_, r)| r.cost()).sum(),
            stray_files: self.remove_strays(false)?,
        })
    }

    /// Removes every entry and every object file, except temporary files younger than the
    /// grace period (puts in progress in other processes). Returns how many entries it removed.
    ///
    /// # Errors
    ///
    /// [`CacheError::Index`] or [`CacheError::Io`] when the cache cannot be written.
    pub fn clear(&self) -> Result<u64, CacheError> {
        self.flush_touches()?;
        let removed = self.inner.index.clear()?;
        self.remove_strays(true)?;
        Ok(removed.len() as u64)
    }

    /// Checks every entry against its checksum (reading every object file), removes the
    /// damaged ones, removes stray files, and repairs the index's byte total.
    ///
    /// # Errors
    ///
    /// [`CacheError::Index`] or [`CacheError::Io`] when the cache cannot be read or written.
    pub fn verify(&self) -> Result<VerifyReport, CacheError> {
        let inner = &self.inner;
        let mut report = VerifyReport::default();
        for (key, raw, _) in inner.index.entries()? {
            report.checked += 1;
            let damage = match Record::decode(&raw) {
                None => Some(Damage::BadRecord),
                Some(record) => match &record.place {
                    Place::Inline(bytes) => {
                        (checksum([bytes.as_slice()]) != record.checksum).then_some(Damage::Corrupt)
                    }
                    Place::Object => {
                        let path = object::path(&inner.objects, &key, &record.checksum);
                        match object::read(&path, &record) {
                            Ok(_) => None,
                            Err(ReadError::NotFound) => Some(Damage::Missing),
                            Err(ReadError::Damaged(damage)) => Some(damage),
                            Err(ReadError::Io(e)) => return Err(CacheError::io(path, e)),
                        }
                    }
                },
            };
            match damage {
                None => report.ok += 1,
                // An entry replaced or evicted since it was listed is not damaged.
                Some(damage) if inner.index.get(&key)?.as_deref() == Some(raw.as_slice()) => {
                    self.discard(&key, &raw, damage)?;
                    count(&mut report.removed, damage);
                }
                Some(_) => {}
            }
        }
        inner.index.recount()?;
        report.stray_files = self.remove_strays(false)?;
        Ok(report)
    }

    /// Removes object files no entry names and temporary files, those younger than the grace
    /// period only when `all`; returns how many it removed.
    fn remove_strays(&self, all: bool) -> Result<u64, CacheError> {
        let inner = &self.inner;
        let named: HashSet<([u8; 32], [u8; 8])> = inner
            .index
            .entries()?
            .into_iter()
            .filter_map(|(key, raw, _)| {
                let record = Record::decode(&raw)?;
                let mut prefix = [0; 8];
                prefix.copy_from_slice(&record.checksum[..8]);
                Some((key, prefix))
            })
            .collect();
        let mut removed = 0;
        for found in object::list(&inner.objects)? {
            let old = found.age >= inner.options.orphan_grace;
            let stray = match found.name {
                Some(name) => !named.contains(&name) && (all || old),
                None => old,
            };
            if stray {
                object::remove(&found.path)?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

fn count(events: &mut Events, damage: Damage) {
    let counter = match damage {
        Damage::Corrupt => &mut events.corrupt,
        Damage::Truncated => &mut events.truncated,
        Damage::Missing => &mut events.missing,
        Damage::BadRecord => &mut events.bad_records,
        Damage::Undecodable => &mut events.undecodable,
    };
    *counter += 1;
}
