//! The error a disk cache operation reports.
//!
//! A damaged entry is never an error: it is a miss (see [`Events`](super::Events)). Errors are
//! what stops the cache from working at all: a directory that cannot be created, an index
//! that cannot be opened, a disk that is full, a value that cannot be encoded.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a disk cache operation failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum CacheError {
    /// A file or directory of the cache could not be read, written or removed.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
    /// The index database failed (it could not be opened, or a transaction failed).
    Index(Box<dyn StdError + Send + Sync>),
    /// A value could not be encoded by its codec.
    Encode(String),
    /// No cache location is known: neither `$LAZY_CACHE_DIR`, `$XDG_CACHE_HOME` nor `$HOME`
    /// is set.
    NoLocation,
    /// An environment variable holds a value that cannot be parsed.
    BadEnv {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
    },
}

impl CacheError {
    pub(super) fn io(path: impl Into<PathBuf>, source: io::Error) -> CacheError {
        CacheError::Io {
            path: path.into(),
            source,
        }
    }

    pub(super) fn index(e: impl Into<redb::Error>) -> CacheError {
        CacheError::Index(Box::new(e.into()))
    }
}

impl fmt::Display for CacheError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheError::Io { path, source } => {
                write!(f, "disk cache: {}: {source}", path.display())
            }
            CacheError::Index(e) => write!(f, "disk cache index: {e}"),
            CacheError::Encode(e) => write!(f, "disk cache: cannot encode a value: {e}"),
            CacheError::NoLocation => {
                f.write_str("disk cache: no location: set LAZY_CACHE_DIR, XDG_CACHE_HOME or HOME")
            }
            CacheError::BadEnv { name, value } => {
                write!(f, "disk cache: cannot parse {name}={value:?}")
            }
        }
    }
}

impl StdError for CacheError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            CacheError::Io { source, .. } => Some(source),
            CacheError::Index(e) => Some(&**e),
            _ => None,
        }
    }
}
