//! The index: a redb database shared by every process that opens the cache.
//!
//! Tables: `entries` (key → [`Record`] bytes), `access` (key → last access, milliseconds
//! since the Unix epoch) and `totals` (`"bytes"` → the budgeted bytes of all entries).
//! Invariants, kept by every write transaction: a key is in `access` exactly when it is in
//! `entries`, and `totals["bytes"]` is the sum of the entries' [`Record::cost`] (an
//! unreadable record counts for nothing, and [`Index::recount`] repairs any drift).
//!
//! The database is opened in redb's multi-writer mode: every process holds it open, write
//! transactions take turns (redb locks a byte range of the file while one runs), and each
//! commit is durable. One process opens one database per file; handles share it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex, PoisonError, Weak};
use std::thread;
use std::time::{Duration, Instant};

use redb::{
    ConcurrencyMode, Database, DatabaseError, ReadableDatabase, ReadableTable,
    ReadableTableMetadata, TableDefinition,
};

use super::error::CacheError;
use super::record::Record;

const ENTRIES: TableDefinition<'_, [u8; 32], &[u8]> = TableDefinition::new("entries");
const ACCESS: TableDefinition<'_, [u8; 32], u64> = TableDefinition::new("access");
const TOTALS: TableDefinition<'_, &str, u64> = TableDefinition::new("totals");
const BYTES: &str = "bytes";

/// An open index.
#[derive(Debug)]
pub(super) struct Index {
    db: Database,
}

/// A key and its record, as removed from the index.
pub(super) type Removed = Vec<([u8; 32], Record)>;

/// A key, its record bytes and its last access time.
pub(super) type Listed = ([u8; 32], Vec<u8>, u64);

static OPEN: LazyLock<Mutex<HashMap<PathBuf, Weak<Index>>>> = LazyLock::new(Mutex::default);

fn err(e: impl Into<redb::Error>) -> CacheError {
    CacheError::index(e)
}

impl Index {
    /// The index in `path`, created if needed; shared with the other handles of this process.
    pub(super) fn open(path: &Path) -> Result<Arc<Index>, CacheError> {
        let mut open = OPEN.lock().unwrap_or_else(PoisonError::into_inner);
        open.retain(|_, index| index.strong_count() > 0);
        if let Some(index) = open.get(path).and_then(Weak::upgrade) {
            return Ok(index);
        }
        let index = Arc::new(Index {
            db: open_database(path)?,
        });
        index.create_tables().map_err(err)?;
        open.insert(path.to_path_buf(), Arc::downgrade(&index));
        Ok(index)
    }

    fn create_tables(&self) -> Result<(), redb::Error> {
        let txn = self.db.begin_write()?;
        txn.open_table(ENTRIES)?;
        txn.open_table(ACCESS)?;
        txn.open_table(TOTALS)?;
        txn.commit()?;
        Ok(())
    }

    /// The record bytes stored under `key`.
    pub(super) fn get(&self, key: &[u8; 32]) -> Result<Option<Vec<u8>>, CacheError> {
        (|| -> Result<_, redb::Error> {
            let txn = self.db.begin_read()?;
            let entries = txn.open_table(ENTRIES)?;
            Ok(entries.get(key)?.map(|v| v.value().to_vec()))
        })()
        .map_err(err)
    }

    /// Stores `record` under `key`, accessed at `now`; then, if the entries cost more than
    /// `budget`, evicts the least recently used others until they cost at most `low_water`.
    /// Returns the records replaced or evicted, whose object files the caller removes.
    pub(super) fn put(
        &self,
        key: &[u8; 32],
        record: &Record,
        now: u64,
        (budget, low_water): (u64, u64),
    ) -> Result<Removed, CacheError> {
        (|| -> Result<_, redb::Error> {
            let txn = self.db.begin_write()?;
            let mut removed = Removed::new();
            {
                let mut entries = txn.open_table(ENTRIES)?;
                let mut access = txn.open_table(ACCESS)?;
                let mut totals = txn.open_table(TOTALS)?;
                let mut bytes = totals.get(BYTES)?.map_or(0, |v| v.value());
                let old = entries.insert(key, record.encode().as_slice())?;
                if let Some(old) = old.and_then(|old| Record::decode(old.value())) {
                    bytes = bytes.saturating_sub(old.cost());
                    if old.checksum != record.checksum {
                        removed.push((*key, old));
                    }
                }
                access.insert(key, now)?;
                bytes += record.cost();
                if bytes > budget {
                    let mut order: Vec<(u64, [u8; 32])> = Vec::new();
                    for item in access.iter()? {
                        let (k, t) = item?;
                        if k.value() != *key {
                            order.push((t.value(), k.value()));
                        }
                    }
                    order.sort_unstable();
                    for (_, k) in order {
                        if bytes <= low_water {
                            break;
                        }
                        access.remove(&k)?;
                        let gone = entries.remove(&k)?;
                        if let Some(gone) = gone.and_then(|g| Record::decode(g.value())) {
                            bytes = bytes.saturating_sub(gone.cost());
                            removed.push((k, gone));
                        }
                    }
                }
                totals.insert(BYTES, bytes)?;
            }
            txn.commit()?;
            Ok(removed)
        })()
        .map_err(err)
    }

    /// Removes the entry of `key` if its record bytes are still `expected` (another process
    /// may have replaced it since they were read). Returns whether it was removed.
    pub(super) fn remove_if(&self, key: &[u8; 32], expected: &[u8]) -> Result<bool, CacheError> {
        (|| -> Result<_, redb::Error> {
            let txn = self.db.begin_write()?;
            let removed = {
                let mut entries = txn.open_table(ENTRIES)?;
                let same = entries.get(key)?.is_some_and(|v| v.value() == expected);
                if same {
                    entries.remove(key)?;
                    txn.open_table(ACCESS)?.remove(key)?;
                    if let Some(record) = Record::decode(expected) {
                        let mut totals = txn.open_table(TOTALS)?;
                        let bytes = totals.get(BYTES)?.map_or(0, |v| v.value());
                        totals.insert(BYTES, bytes.saturating_sub(record.cost()))?;
                    }
                }
                same
            };
            txn.commit()?;
            Ok(removed)
        })()
        .map_err(err)
    }

    /// Records the access times of entries that are still there.
    pub(super) fn touch(&self, times: &[([u8; 32], u64)]) -> Result<(), CacheError> {
        if times.is_empty() {
            return Ok(());
        }
        (|| -> Result<_, redb::Error> {
            let txn = self.db.begin_write()?;
            {
                let entries = txn.open_table(ENTRIES)?;
                let mut access = txn.open_table(ACCESS)?;
                for (key, time) in times {
                    if entries.get(key)?.is_some() {
                        let newer = access.get(key)?.map_or(0, |t| t.value()).max(*time);
                        access.insert(key, newer)?;
                    }
                }
            }
            txn.commit()?;
            Ok(())
        })()
        .map_err(err)
    }

    /// Every entry's key, record bytes and last access time, in key order.
    pub(super) fn entries(&self) -> Result<Vec<Listed>, CacheError> {
        (|| -> Result<_, redb::Error> {
            let txn = self.db.begin_read()?;
            let entries = txn.open_table(ENTRIES)?;
            let access = txn.open_table(ACCESS)?;
            let mut out = Vec::new();
            for item in entries.iter()? {
                let (k, v) = item?;
                let key = k.value();
                let time = access.get(&key)?.map_or(0, |t| t.value());
                out.push((key, v.value().to_vec(), time));
            }
            Ok(out)
        })()
        .map_err(err)
    }

    /// The budgeted bytes of all entries, and how many there are.
    pub(super) fn totals(&self) -> Result<(u64, u64), CacheError> {
        (|| -> Result<_, redb::Error> {
            let txn = self.db.begin_read()?;
            let bytes = txn.open_table(TOTALS)?.get(BYTES)?.map_or(0, |v| v.value());
            Ok((bytes, txn.open_table(ENTRIES)?.len()?))
        })()
        .map_err(err)
    }

    /// Evicts the least recently used entries until they cost at most `target`.
    pub(super) fn evict_to(&self, target: u64) -> Result<Removed, CacheError> {
        let mut order: Vec<(u64, [u8; 32], Vec<u8>)> = self
            .entries()?
            .into_iter()
            .map(|(key, bytes, time)| (time, key, bytes))
            .collect();
        order.sort_unstable();
        let (mut bytes, _) = self.totals()?;
        let mut removed = Removed::new();
        for (_, key, raw) in order {
            if bytes <= target {
                break;
            }
            if self.remove_if(&key, &raw)?
                && let Some(record) = Record::decode(&raw)
            {
                bytes = bytes.saturating_sub(record.cost());
                removed.push((key, record));
            }
        }
        Ok(removed)
    }

    /// Sets the byte total to the sum of the entries' costs (repairing any drift).
    pub(super) fn recount(&self) -> Result<(), CacheError> {
        (|| -> Result<_, redb::Error> {
            let txn = self.db.begin_write()?;
            {
                let entries = txn.open_table(ENTRIES)?;
                let mut bytes = 0;
                for item in entries.iter()? {
                    let (_, v) = item?;
                    bytes += Record::decode(v.value()).map_or(0, |r| r.cost());
                }
                txn.open_table(TOTALS)?.insert(BYTES, bytes)?;
            }
            txn.commit()?;
            Ok(())
        })()
        .map_err(err)
    }

    /// Removes every entry; returns the removed records.
    pub(super) fn clear(&self) -> Result<Removed, CacheError> {
        (|| -> Result<_, redb::Error> {
            let txn = self.db.begin_write()?;
            let mut removed = Removed::new();
            {
                let mut entries = txn.open_table(ENTRIES)?;
                while let Some((k, v)) = entries.pop_first()? {
                    if let Some(record) = Record::decode(v.value()) {
                        removed.push((k.value(), record));
                    }
                }
                txn.open_table(ACCESS)?.retain(|_, _| false)?;
                txn.open_table(TOTALS)?.insert(BYTES, 0)?;
            }
            txn.commit()?;
            Ok(removed)
        })()
        .map_err(err)
    }

    /// Test support: overwrites the record bytes of `key` as a damaged index would hold them.
    #[cfg(test)]
    pub(super) fn overwrite(&self, key: &[u8; 32], bytes: &[u8]) -> Result<(), CacheError> {
        (|| -> Result<_, redb::Error> {
            let txn = self.db.begin_write()?;
            txn.open_table(ENTRIES)?.insert(key, bytes)?;
            txn.commit()?;
            Ok(())
        })()
        .map_err(err)
    }
}

/// Opens the database in multi-writer mode. An open is refused while a process holds the file
/// exclusively (a redb that predates multi-process modes, or a compaction): it is retried for
/// a while before giving up.
fn open_database(path: &Path) -> Result<Database, CacheError> {
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut pause = Duration::from_millis(1);
    loop {
        let result = Database::builder()
            .set_concurrency_mode(ConcurrencyMode::MultiWriter)
            // redb's default page cache is 1 GiB; the index holds small records.
            .set_cache_size(64 << 20)
            .create(path);
        match result {
            Err(DatabaseError::DatabaseAlreadyOpen) if Instant::now() < deadline => {
                thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(100));
            }
            result => return result.map_err(err),
        }
    }
}
