//! Where a cache lives and how large it may grow.

use std::env;
use std::path::PathBuf;
use std::time::Duration;

use super::error::CacheError;

/// The environment variable naming the cache directory.
pub const CACHE_DIR_ENV: &str = "LAZY_CACHE_DIR";

/// The environment variable setting the cache's byte budget: a number of bytes, optionally
/// followed by `K`, `M`, `G` or `T` (powers of 1024, an `iB` or `B` after it is allowed).
pub const CACHE_BUDGET_ENV: &str = "LAZY_CACHE_BUDGET";

/// How a [`DiskCache`](super::DiskCache) stores and evicts.
///
/// # Examples
///
/// ```
/// use lazy_runtime::persist::Options;
///
/// let options = Options { budget_bytes: 1 << 30, ..Options::default() };
/// assert_eq!(options.inline_max_bytes, 16 * 1024);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The most bytes the cache keeps (values' encoded bytes plus
    /// [`ENTRY_OVERHEAD`](super::ENTRY_OVERHEAD) per entry). A put that takes the cache past
    /// it evicts the least recently used entries until the cache is at nine tenths of it. The
    /// default is 4 GiB, or `$LAZY_CACHE_BUDGET` for [`DiskCache::from_env`](super::DiskCache::from_env).
    pub budget_bytes: u64,
    /// Values of at most this many encoded bytes are stored in the index itself; larger ones
    /// in object files. The default is 16 KiB.
    pub inline_max_bytes: usize,
    /// How old an object file that no index entry names (a put that crashed between writing
    /// its file and committing its entry) or a temporary file must be before
    /// [`gc`](super::DiskCache::gc) and [`verify`](super::DiskCache::verify) remove it: younger
    /// ones may belong to a put still in progress in another process. The default is ten minutes.
    pub orphan_grace: Duration,
    /// How many recorded hits are kept in memory before their access times are written to the
    /// index in one transaction (they are also written by `gc`, `stats` and when the cache is
    /// dropped, and at least every `touch_interval`). The default is 256.
    pub touch_batch: usize,
    /// The longest a recorded hit waits before it is written to the index. The default is two
    /// seconds.
    pub touch_interval: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            budget_bytes: 4 << 30,
            inline_max_bytes: 16 * 1024,
            orphan_grace: Duration::from_mins(10),
            touch_batch: 256,
            touch_interval: Duration::from_secs(2),
        }
    }
}

impl Options {
    /// The defaults, with the budget taken from `$LAZY_CACHE_BUDGET` when it is set.
    ///
    /// # Errors
    ///
    /// [`CacheError::BadEnv`] when the variable is set but not a size.
    pub fn from_env() -> Result<Options, CacheError> {
        let mut options = Options::default();
        if let Some(value) = env::var_os(CACHE_BUDGET_ENV) {
            let value = value.to_string_lossy().into_owned();
            options.budget_bytes = parse_size(&value).ok_or(CacheError::BadEnv {
                name: CACHE_BUDGET_ENV,
                value,
            })?;
        }
        Ok(options)
    }
}

/// The default cache directory: `$LAZY_CACHE_DIR`, else `$XDG_CACHE_HOME/lazy`, else
/// `$HOME/.cache/lazy`. Empty variables count as unset.
///
/// # Errors
///
/// [`CacheError::NoLocation`] when none of the three variables is set.
///
/// # Examples
///
/// ```
/// let dir = lazy_runtime::persist::default_dir();
/// assert!(dir.is_ok() || std::env::var_os("HOME").is_none());
/// ```
pub fn default_dir() -> Result<PathBuf, CacheError> {
    let var = |name: &str| {
        env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var(CACHE_DIR_ENV) {
        return Ok(dir);
    }
    if let Some(dir) = var("XDG_CACHE_HOME") {
        return Ok(dir.join("lazy"));
    }
    var("HOME")
        .map(|home| home.join(".cache").join("lazy"))
        .ok_or(CacheError::NoLocation)
}

/// `"512"`, `"64K"`, `"10MiB"`, `"4 G"`, `"1TB"`: a size in bytes, units powers of 1024.
pub(super) fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let number: u64 = text[..digits].parse().ok()?;
    let unit = text[digits..].trim().to_ascii_uppercase();
    let unit = unit
        .strip_suffix("IB")
        .or_else(|| unit.strip_suffix('B'))
        .unwrap_or(&unit);
    let shift = match unit {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return None,
    };
    number.checked_mul(1 << shift)
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("512"), Some(512));
        assert_eq!(parse_size("64K"), Some(64 << 10));
        assert_eq!(parse_size("10MiB"), Some(10 << 20));
        assert_eq!(parse_size("4 G"), Some(4 << 30));
        assert_eq!(parse_size("1TB"), Some(1 << 40));
        assert_eq!(parse_size("B"), None);
        assert_eq!(parse_size("12Q"), None);
        assert_eq!(parse_size("-3"), None);
    }
}
