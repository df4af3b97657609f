//! The cache handle: opening a cache, and getting and putting values.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::bytes::Bytes;
use super::codec::{Codec, Encoded, Persist, TypeTag};
use super::error::CacheError;
use super::index::{Index, Removed};
use super::object::{self, ReadError};
use super::options::{Options, default_dir};
use super::record::{ENTRY_OVERHEAD, Place, Record, checksum};
use super::report::{Damage, Reporter};

/// A persistent cache of values on disk, keyed by 32-byte digests.
///
/// Cheap to clone (clones share the handle) and safe to use from several threads and
/// several processes at once. See the [module docs](super) for the layout and the rules.
///
/// # Examples
///
/// ```
/// use lazy_runtime::persist::DiskCache;
///
/// let dir = std::env::temp_dir().join(format!("lazy-doc-cache-{}", std::process::id()));
/// let cache = DiskCache::open(&dir)?;
/// let key = [7; 32];
/// cache.put_value(&key, &vec![1.5_f64, 2.5])?;
/// assert_eq!(cache.get_value::<Vec<f64>>(&key)?, Some(vec![1.5, 2.5]));
/// // Another type under the same key is a miss, not a wrong value.
/// assert_eq!(cache.get_value::<Vec<f32>>(&key)?, None);
/// # drop(cache);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), lazy_runtime::persist::CacheError>(())
/// ```
#[derive(Clone)]
pub struct DiskCache {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) dir: PathBuf,
    pub(super) objects: PathBuf,
    pub(super) index: Arc<Index>,
    pub(super) options: Options,
    pub(super) reporter: Reporter,
    pub(super) hits: AtomicU64,
    pub(super) misses: AtomicU64,
    touches: Mutex<Touches>,
}

/// Hits whose access times are not yet in the index.
struct Touches {
    times: HashMap<[u8; 32], u64>,
    since: Instant,
}

/// A value's checked bytes and its entry's record bytes.
type Checked = (Bytes, Vec<u8>);

/// Milliseconds since the Unix epoch.
pub(super) fn now_ms() -> u64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since.as_millis()).unwrap_or(u64::MAX)
}

impl DiskCache {
    /// Opens (creating it if needed) the cache in `dir`, with the default [`Options`].
    ///
    /// # Errors
    ///
    /// [`CacheError::Io`] when the directory cannot be created, [`CacheError::Index`] when the
    /// index cannot be opened.
    pub fn open(dir: impl AsRef<Path>) -> Result<DiskCache, CacheError> {
        DiskCache::open_with(dir, Options::default())
    }

    /// Opens the cache in the [default directory](super::default_dir), with the budget of
    /// `$LAZY_CACHE_BUDGET` when it is set.
    ///
    /// # Errors
    ///
    /// As [`open`](DiskCache::open), and [`CacheError::NoLocation`] or [`CacheError::BadEnv`]
    /// when the environment names no directory or a bad budget.
    pub fn from_env() -> Result<DiskCache, CacheError> {
        DiskCache::open_with(default_dir()?, Options::from_env()?)
    }

    /// Opens (creating it if needed) the cache in `dir`, with `options`. Handles of one
    /// process on one directory share the index; each has its own options.
    ///
    /// # Errors
    ///
    /// As [`open`](DiskCache::open).
    pub fn open_with(dir: impl AsRef<Path>, options: Options) -> Result<DiskCache, CacheError> {
        let dir = dir.as_ref();
        fs::create_dir_all(dir).map_err(|e| CacheError::io(dir, e))?;
        let dir = fs::canonicalize(dir).map_err(|e| CacheError::io(dir, e))?;
        let objects = dir.join("objects");
        fs::create_dir_all(&objects).map_err(|e| CacheError::io(&objects, e))?;
        let index = Index::open(&dir.join("index.redb"))?;
        Ok(DiskCache {
            inner: Arc::new(Inner {
                dir,
                objects,
                index,
                options,
                reporter: Reporter::default(),
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
                touches: Mutex::new(Touches {
                    times: HashMap::new(),
                    since: Instant::now(),
                }),
            }),
        })
    }

    /// The cache's directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The options this handle was opened with.
    #[must_use]
    pub fn options(&self) -> &Options {
        &self.inner.options
    }

    /// The value stored under `key`, decoded with `T`'s [`Persist`] codec, or `None` on a
    /// miss (nothing stored, stored as another type, or damaged: see [`DiskCache::events`]).
    ///
    /// # Errors
    ///
    /// [`CacheError::Io`] or [`CacheError::Index`] when the cache cannot be read at all.
    pub fn get_value<T: Persist>(&self, key: &[u8; 32]) -> Result<Option<T>, CacheError> {
        self.get_with::<T, T::Codec>(key)
    }

    /// Stores `value` under `key` with `T`'s [`Persist`] codec, replacing what was there.
    /// Returns `false`, storing nothing, when the value alone is larger than the budget.
    ///
    /// # Errors
    ///
    /// [`CacheError::Encode`] when the value cannot be encoded, [`CacheError::Io`] or
    /// [`CacheError::Index`] when it cannot be written.
    pub fn put_value<T: Persist>(&self, key: &[u8; 32], value: &T) -> Result<bool, CacheError> {
        self.put_with::<T, T::Codec>(key, value)
    }

    /// As [`get_value`](DiskCache::get_value), with codec `C`.
    ///
    /// # Errors
    ///
    /// As [`get_value`](DiskCache::get_value).
    pub fn get_with<T, C: Codec<T>>(&self, key: &[u8; 32]) -> Result<Option<T>, CacheError> {
        let Some((bytes, raw)) = self.get_checked(key, TypeTag::of::<T, C>())? else {
            return Ok(None);
        };
        if let Some(value) = C::decode(bytes) {
            return Ok(Some(value));
        }
        self.inner.hits.fetch_sub(1, Ordering::Relaxed);
        self.inner.misses.fetch_add(1, Ordering::Relaxed);
        self.discard(key, &raw, Damage::Undecodable)?;
        Ok(None)
    }

    /// As [`put_value`](DiskCache::put_value), with codec `C`.
    ///
    /// # Errors
    ///
    /// As [`put_value`](DiskCache::put_value).
    pub fn put_with<T, C: Codec<T>>(&self, key: &[u8; 32], value: &T) -> Result<bool, CacheError> {
        self.put_encoded(key, TypeTag::of::<T, C>(), &C::encode(value)?)
    }

    /// The bytes stored under `key` with type tag `tag`, checked against their checksum, or
    /// `None` on a miss.
    ///
    /// # Errors
    ///
    /// As [`get_value`](DiskCache::get_value).
    pub fn get_bytes(&self, key: &[u8; 32], tag: TypeTag) -> Result<Option<Bytes>, CacheError> {
        Ok(self.get_checked(key, tag)?.map(|(bytes, _)| bytes))
    }

    /// Stores `bytes` under `key` with type tag `tag`; returns `false`, storing nothing, when
    /// they alone are larger than the budget.
    ///
    /// # Errors
    ///
    /// As [`put_value`](DiskCache::put_value).
    pub fn put_bytes(
        &self,
        key: &[u8; 32],
        tag: TypeTag,
        bytes: &[u8],
    ) -> Result<bool, CacheError> {
        self.put_encoded(key, tag, &Encoded::new(bytes))
    }

    /// Whether an entry is stored under `key` (of any type; its bytes are not checked).
    ///
    /// # Errors
    ///
    /// [`CacheError::Index`] when the index cannot be read.
    pub fn contains(&self, key: &[u8; 32]) -> Result<bool, CacheError> {
        Ok(self.inner.index.get(key)?.is_some())
    }

    /// The checked bytes and the raw record of an entry with tag `tag`; counts the hit or miss.
    fn get_checked(&self, key: &[u8; 32], tag: TypeTag) -> Result<Option<Checked>, CacheError> {
        let found = self.try_get(key, tag)?;
        let counter = if found.is_some() {
            &self.inner.hits
        } else {
            &self.inner.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        if found.is_some() {
            self.touch(key)?;
        }
        Ok(found)
    }

    fn try_get(&self, key: &[u8; 32], tag: TypeTag) -> Result<Option<Checked>, CacheError> {
        let inner = &self.inner;
        let Some(raw) = inner.index.get(key)? else {
            return Ok(None);
        };
        let Some(record) = Record::decode(&raw) else {
            self.discard(key, &raw, Damage::BadRecord)?;
            return Ok(None);
        };
        if record.tag != tag {
            return Ok(None);
        }
        let bytes = match &record.place {
            Place::Inline(bytes) if checksum([bytes.as_slice()]) == record.checksum => {
                Bytes::from(bytes.as_slice())
            }
            Place::Inline(_) => {
                self.discard(key, &raw, Damage::Corrupt)?;
                return Ok(None);
            }
            Place::Object => {
                let path = object::path(&inner.objects, key, &record.checksum);
                match object::read(&path, &record) {
                    Ok(bytes) => bytes,
                    // Removed by an eviction in another process since the record was read: a
                    // plain miss. Still indexed: the file was lost.
                    Err(ReadError::NotFound) => {
                        if inner.index.get(key)?.as_deref() == Some(raw.as_slice()) {
                            self.discard(key, &raw, Damage::Missing)?;
                        }
                        return Ok(None);
                    }
                    Err(ReadError::Damaged(damage)) => {
                        self.discard(key, &raw, damage)?;
                        return Ok(None);
                    }
                    Err(ReadError::Io(e)) => return Err(CacheError::io(path, e)),
                }
            }
        };
        Ok(Some((bytes, raw)))
    }

    /// Removes a damaged entry (if it is still the one read) and its object file, and
    /// reports the damage.
    pub(super) fn discard(
        &self,
        key: &[u8; 32],
        raw: &[u8],
        damage: Damage,
    ) -> Result<(), CacheError> {
        let inner = &self.inner;
        inner.reporter.damage(&inner.dir, damage);
        inner.index.remove_if(key, raw)?;
        if let Some(record) = Record::decode(raw).filter(|r| r.place == Place::Object) {
            object::remove(&object::path(&inner.objects, key, &record.checksum))?;
        }
        Ok(())
    }

    /// Stores `value` with codec `C` if `worth` says so of its encoded length: returns that
    /// length if it was stored, `None` if it was not worth it or is larger than the budget.
    /// For the graph's writes, which decide by a value's size whether to store it.
    pub(crate) fn put_if<T, C: Codec<T>>(
        &self,
        key: &[u8; 32],
        value: &T,
        worth: impl FnOnce(usize) -> bool,
    ) -> Result<Option<usize>, CacheError> {
        let encoded = C::encode(value)?;
        let len = encoded.len();
        if !worth(len) {
            return Ok(None);
        }
        Ok(self
            .put_encoded(key, TypeTag::of::<T, C>(), &encoded)?
            .then_some(len))
    }

    fn put_encoded(
        &self,
        key: &[u8; 32],
        tag: TypeTag,
        encoded: &Encoded<'_>,
    ) -> Result<bool, CacheError> {
        let inner = &self.inner;
        let budget = inner.options.budget_bytes;
        let len = encoded.len() as u64;
        if len + ENTRY_OVERHEAD > budget {
            return Ok(false);
        }
        let parts: Vec<&[u8]> = encoded.parts().iter().map(AsRef::as_ref).collect();
        let sum = checksum(parts.iter().copied());
        let inline = len <= inner.options.inline_max_bytes as u64;
        let record = Record {
            len,
            checksum: sum,
            tag,
            place: if inline {
                Place::Inline(encoded.to_vec())
            } else {
                Place::Object
            },
        };
        if !inline {
            let existing = inner.index.get(key)?.and_then(|raw| Record::decode(&raw));
            if existing.as_ref() == Some(&record) {
                // The same bytes are already stored: only the access time is new.
                self.touch(key)?;
                return Ok(true);
            }
            object::write(&object::path(&inner.objects, key, &sum), &record, &parts)?;
        }
        let low_water = budget - budget / 10;
        let removed = inner
            .index
            .put(key, &record, now_ms(), (budget, low_water))?;
        self.remove_objects(&removed)?;
        Ok(true)
    }

    pub(super) fn remove_objects(&self, removed: &Removed) -> Result<(), CacheError> {
        for (key, record) in removed {
            if record.place == Place::Object {
                object::remove(&object::path(&self.inner.objects, key, &record.checksum))?;
            }
        }
        Ok(())
    }

    /// Records a hit; writes the recorded hits' access times to the index when enough have
    /// gathered or the oldest has waited long enough.
    fn touch(&self, key: &[u8; 32]) -> Result<(), CacheError> {
        let mut touches = self
            .inner
            .touches
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if touches.times.is_empty() {
            touches.since = Instant::now();
        }
        touches.times.insert(*key, now_ms());
        let options = &self.inner.options;
        if touches.times.len() >= options.touch_batch
            || touches.since.elapsed() >= options.touch_interval
        {
            let times: Vec<_> = touches.times.drain().collect();
            drop(touches);
            self.inner.index.touch(&times)?;
        }
        Ok(())
    }

    /// Writes the recorded hits' access times to the index.
    pub(super) fn flush_touches(&self) -> Result<(), CacheError> {
        self.inner.flush_touches()
    }
}

impl Inner {
    fn flush_touches(&self) -> Result<(), CacheError> {
        let times: Vec<_> = {
            let mut touches = self.touches.lock().unwrap_or_else(PoisonError::into_inner);
            touches.times.drain().collect()
        };
        self.index.touch(&times)
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // Access times only steer eviction; losing them on a failed write is harmless.
        let _ = self.flush_touches();
    }
}

impl fmt::Debug for DiskCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiskCache")
            .field("dir", &self.inner.dir)
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

impl DiskCache {
    /// The damaged entries this handle found and removed, by kind.
    #[must_use]
    pub fn events(&self) -> super::Events {
        self.inner.reporter.events()
    }
}
