//! The program's disk cache: the one `#[lazy(cache)]` functions (and operations built with
//! [`Op::persisted`](crate::task::Op::persisted)) store their values in, with the program's
//! salt and what the graph did with it.
//!
//! Nothing is stored until a cache is open: by [`open`], [`open_with`] or [`open_default`],
//! or, when the program opened none, by naming a directory in `$LAZY_CACHE_DIR`, which is
//! opened at the first use. Until then, `cache` marks on functions are inert.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};

use super::error::CacheError;
use super::options::{CACHE_DIR_ENV, Options, default_dir};
use super::store::DiskCache;

/// The program's cache, and whether the environment was consulted for one.
struct Program {
    cache: Option<DiskCache>,
    /// Set once the program opened or closed a cache itself, or `$LAZY_CACHE_DIR` was read:
    /// the environment is read at most once, and never overrides the program.
    settled: bool,
}

static PROGRAM: RwLock<Program> = RwLock::new(Program {
    cache: None,
    settled: false,
});

/// The salt's digest; all zeros for no salt.
static SALT: RwLock<[u8; 32]> = RwLock::new([0; 32]);

static LOADED: AtomicU64 = AtomicU64::new(0);
static STORED: AtomicU64 = AtomicU64::new(0);
static STORED_BYTES: AtomicU64 = AtomicU64::new(0);
static SKIPPED: AtomicU64 = AtomicU64::new(0);
static COMPUTED: AtomicU64 = AtomicU64::new(0);
static FAILURES: AtomicU64 = AtomicU64::new(0);

/// Opens (creating it if needed) the cache in `dir` and makes it the program's, replacing
/// any other. Returns a handle to it (for [`DiskCache::stats`] and the like).
///
/// # Errors
///
/// As [`DiskCache::open`]; the program's cache is unchanged then.
///
/// # Examples
///
/// ```
/// let dir = std::env::temp_dir().join(format!("lazy-doc-program-{}", std::process::id()));
/// let cache = lazy_runtime::persist::open(&dir)?;
/// assert_eq!(lazy_runtime::persist::current().map(|c| c.dir().to_owned()), Some(cache.dir().to_owned()));
/// lazy_runtime::persist::close();
/// assert!(lazy_runtime::persist::current().is_none());
/// # drop(cache);
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), lazy_runtime::persist::CacheError>(())
/// ```
pub fn open(dir: impl AsRef<Path>) -> Result<DiskCache, CacheError> {
    open_with(dir, Options::default())
}

/// As [`open`], with `options`.
///
/// # Errors
///
/// As [`DiskCache::open`].
pub fn open_with(dir: impl AsRef<Path>, options: Options) -> Result<DiskCache, CacheError> {
    let cache = DiskCache::open_with(dir, options)?;
    install(Some(cache.clone()));
    Ok(cache)
}

/// Opens the cache in the [default directory](default_dir) (`$LAZY_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/lazy`, else `~/.cache/lazy`), with the budget of `$LAZY_CACHE_BUDGET`,
/// and makes it the program's.
///
/// # Errors
///
/// As [`DiskCache::from_env`].
pub fn open_default() -> Result<DiskCache, CacheError> {
    let cache = DiskCache::from_env()?;
    install(Some(cache.clone()));
    Ok(cache)
}

/// Closes the program's cache: nothing is read from or stored on disk after it (also when
/// `$LAZY_CACHE_DIR` is set). Returns the cache it closed, if one was open. Values being
/// stored at that moment finish storing.
#[allow(
    clippy::must_use_candidate,
    reason = "closing is the point; the handle is a bonus"
)]
pub fn close() -> Option<DiskCache> {
    install(None)
}

fn install(cache: Option<DiskCache>) -> Option<DiskCache> {
    let mut program = PROGRAM.write().unwrap_or_else(PoisonError::into_inner);
    program.settled = true;
    std::mem::replace(&mut program.cache, cache)
}

/// The program's cache, if one is open. The first call when the program opened none reads
/// `$LAZY_CACHE_DIR` and opens the cache it names (a failure to open it is printed once, and
/// leaves the program without a cache).
#[must_use]
pub fn current() -> Option<DiskCache> {
    {
        let program = PROGRAM.read().unwrap_or_else(PoisonError::into_inner);
        if program.settled {
            return program.cache.clone();
        }
    }
    let mut program = PROGRAM.write().unwrap_or_else(PoisonError::into_inner);
    if !program.settled {
        program.settled = true;
        if std::env::var_os(CACHE_DIR_ENV).is_some_and(|v| !v.is_empty()) {
            match default_dir().and_then(|dir| DiskCache::open_with(dir, Options::from_env()?)) {
                Ok(cache) => program.cache = Some(cache),
                Err(e) => {
                    eprintln!("lazy: {CACHE_DIR_ENV} is set, but the cache cannot be opened: {e}");
                }
            }
        }
    }
    program.cache.clone()
}

/// Sets the program's salt: a string that is part of the key of every value the program
/// stores or looks up, so that changing it makes every stored value a miss. For what code
/// fingerprints cannot see: a changed plain helper function, data a function reads, another
/// build of a dependency. The empty string is no salt (the default).
pub fn set_salt(salt: &str) {
    let digest = if salt.is_empty() {
        [0; 32]
    } else {
        *blake3::Hasher::new_derive_key("lazy disk cache program salt v1")
            .update(salt.as_bytes())
            .finalize()
            .as_bytes()
    };
    *SALT.write().unwrap_or_else(PoisonError::into_inner) = digest;
}

/// The digest of the program's salt (all zeros for none).
pub(crate) fn salt() -> [u8; 32] {
    *SALT.read().unwrap_or_else(PoisonError::into_inner)
}

/// What the graph did with the disk cache since the program started (or since
/// [`reset_activity`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Activity {
    /// Values of cached operations taken from disk instead of running their task.
    pub loaded: u64,
    /// Tasks of cached operations that ran (their value was on neither memory nor disk).
    pub computed: u64,
    /// Values stored.
    pub stored: u64,
    /// Their encoded bytes.
    pub stored_bytes: u64,
    /// Values not stored: not worth it (`cache(auto)`) or larger than the budget.
    pub skipped: u64,
    /// Reads and writes that failed (each kind of failure is printed once).
    pub failures: u64,
}

/// What the graph did with the disk cache so far.
#[must_use]
pub fn activity() -> Activity {
    Activity {
        loaded: LOADED.load(Ordering::Relaxed),
        computed: COMPUTED.load(Ordering::Relaxed),
        stored: STORED.load(Ordering::Relaxed),
        stored_bytes: STORED_BYTES.load(Ordering::Relaxed),
        skipped: SKIPPED.load(Ordering::Relaxed),
        failures: FAILURES.load(Ordering::Relaxed),
    }
}

/// Sets every [`Activity`] counter back to zero.
pub fn reset_activity() {
    for counter in [
        &LOADED,
        &COMPUTED,
        &STORED,
        &STORED_BYTES,
        &SKIPPED,
        &FAILURES,
    ] {
        counter.store(0, Ordering::Relaxed);
    }
}

/// Counts a value taken from disk.
pub(crate) fn note_loaded() {
    LOADED.fetch_add(1, Ordering::Relaxed);
}

/// Counts a run of a cached operation's task.
pub(crate) fn note_computed() {
    COMPUTED.fetch_add(1, Ordering::Relaxed);
}

/// Counts a value stored (`Some(bytes)`) or not (`None`).
pub(crate) fn note_stored(bytes: Option<usize>) {
    match bytes {
        Some(bytes) => {
            STORED.fetch_add(1, Ordering::Relaxed);
            STORED_BYTES.fetch_add(bytes as u64, Ordering::Relaxed);
        }
        None => {
            SKIPPED.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Counts a failed read or write, and prints it if no failure of its kind (`what`) was
/// printed before: a full disk must not print a line per value.
pub(crate) fn note_failure(what: &str, detail: &dyn std::fmt::Display) {
    static PRINTED: Mutex<Vec<String>> = Mutex::new(Vec::new());
    static ANY: AtomicBool = AtomicBool::new(false);
    FAILURES.fetch_add(1, Ordering::Relaxed);
    let mut printed = PRINTED.lock().unwrap_or_else(PoisonError::into_inner);
    if !printed.iter().any(|p| p == what) {
        printed.push(what.to_owned());
        let more = if ANY.swap(true, Ordering::Relaxed) {
            ""
        } else {
            " (the value is computed instead; each kind of failure is printed once)"
        };
        eprintln!("lazy: disk cache: {what}: {detail}{more}");
    }
}
