//! Object files: one immutable file per large value.
//!
//! A value's file is `objects/<first byte of the key in hex>/<key in hex>-<first 8 bytes of
//! the checksum in hex>`, so one name always holds the same bytes: a put of a new value under
//! an old key writes a new file, and removing a file never removes another value's bytes.
//! A file is written to a temporary name in the same directory (`.tmp-...`), synced, and
//! renamed into place, so a reader sees a whole file or none. Its 64-byte header is the
//! magic `lazyobj1`, the value's length (u64, little-endian), its blake3 checksum (32) and
//! its type tag (16); the value follows.

use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use super::bytes::Bytes;
use super::codec::TypeTag;
use super::error::CacheError;
use super::record::Record;
use super::report::Damage;

const MAGIC: &[u8; 8] = b"lazyobj1";
const HEADER: usize = 64;
const TEMP_PREFIX: &str = ".tmp-";

/// The hex spelling of `bytes`.
pub(super) fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 * bytes.len());
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The file holding the value of `key` whose checksum is `checksum`.
pub(super) fn path(objects: &Path, key: &[u8; 32], checksum: &[u8; 32]) -> PathBuf {
    objects
        .join(hex(&key[..1]))
        .join(format!("{}-{}", hex(key), hex(&checksum[..8])))
}

fn header(len: u64, checksum: &[u8; 32], tag: TypeTag) -> [u8; HEADER] {
    let mut out = [0; HEADER];
    out[..8].copy_from_slice(MAGIC);
    out[8..16].copy_from_slice(&len.to_le_bytes());
    out[16..48].copy_from_slice(checksum);
    out[48..].copy_from_slice(tag.as_bytes());
    out
}

/// Writes the value (`parts`, with its length and checksum) to its file, atomically.
pub(super) fn write(path: &Path, record: &Record, parts: &[&[u8]]) -> Result<(), CacheError> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = path.parent().expect("an object path has a directory");
    fs::create_dir_all(dir).map_err(|e| CacheError::io(dir, e))?;
    let name = path.file_name().expect("an object path has a name");
    let temp = dir.join(format!(
        "{TEMP_PREFIX}{}-{}-{}",
        name.to_string_lossy(),
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let result = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(&header(record.len, &record.checksum, record.tag))?;
        for part in parts {
            file.write_all(part)?;
        }
        file.sync_all()?;
        fs::rename(&temp, path)?;
        // The rename is durable once the directory is synced; a crash before that loses the
        // file, which the index then reports as missing: a miss.
        File::open(dir)?.sync_all()
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&temp);
        CacheError::io(path, e)
    })
}

/// Why an object could not be read.
#[derive(Debug)]
pub(super) enum ReadError {
    /// The file is not there (removed by a gc, by hand, or lost in a crash).
    NotFound,
    /// The file is there but damaged.
    Damaged(Damage),
    /// Reading failed.
    Io(io::Error),
}

/// The value in the file at `path`, checked against the record: its header must repeat the
/// record's length, checksum and tag, the file must hold exactly that many bytes after it,
/// and they must hash to the checksum.
pub(super) fn read(path: &Path, record: &Record) -> Result<Bytes, ReadError> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(ReadError::NotFound),
        Err(e) => return Err(ReadError::Io(e)),
    };
    let size = file.metadata().map_err(ReadError::Io)?.len();
    let truncated = Err(ReadError::Damaged(Damage::Truncated));
    if size != HEADER as u64 + record.len {
        return truncated;
    }
    let mut head = [0; HEADER];
    if file.read_exact(&mut head).is_err()
        || head != header(record.len, &record.checksum, record.tag)
    {
        return truncated;
    }
    let Some(mut bytes) = usize::try_from(record.len).ok().and_then(Bytes::try_zeroed) else {
        return truncated;
    };
    // Exactly the recorded length is read, even if the file grew after `metadata`.
    match read_body(&mut file, &mut bytes) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return truncated,
        Err(e) => return Err(ReadError::Io(e)),
    }
    if super::record::checksum([&bytes[..]]) != record.checksum {
        return Err(ReadError::Damaged(Damage::Corrupt));
    }
    Ok(bytes)
}

/// Reading a large value in pieces on several threads shares out the page faults of its
/// fresh buffer and the kernel's copy: a single thread reads about 1 GB/s into new memory.
const PIECE: usize = 1 << 22;

/// Fills `out` with the file's bytes after the header (where `file` is positioned).
#[cfg(unix)]
fn read_body(file: &mut File, out: &mut [u8]) -> io::Result<()> {
    use rayon::prelude::*;
    use std::os::unix::fs::FileExt;

    if out.len() < 2 * PIECE {
        return file.read_exact(out);
    }
    out.par_chunks_mut(PIECE)
        .enumerate()
        .try_for_each(|(i, piece)| file.read_exact_at(piece, (HEADER + i * PIECE) as u64))
}

/// Fills `out` with the file's bytes after the header (where `file` is positioned).
#[cfg(not(unix))]
fn read_body(file: &mut File, out: &mut [u8]) -> io::Result<()> {
    file.read_exact(out)
}

/// Removes a file, ignoring one that is already gone.
pub(super) fn remove(path: &Path) -> Result<(), CacheError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(CacheError::io(path, e)),
        _ => Ok(()),
    }
}

/// A file found under `objects/`.
#[derive(Debug)]
pub(super) struct Found {
    pub(super) path: PathBuf,
    /// The key and checksum prefix its name spells, or `None` for a temporary or foreign file.
    pub(super) name: Option<([u8; 32], [u8; 8])>,
    /// How long ago it was last modified.
    pub(super) age: Duration,
}

fn parse_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    if text.len() != 2 * N || !text.is_ascii() {
        return None;
    }
    let mut out = [0; N];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// Every file under `objects/`. Files that vanish while it walks are skipped.
pub(super) fn list(objects: &Path) -> Result<Vec<Found>, CacheError> {
    let mut found = Vec::new();
    let dirs = match fs::read_dir(objects) {
        Ok(dirs) => dirs,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(found),
        Err(e) => return Err(CacheError::io(objects, e)),
    };
    let now = SystemTime::now();
    for dir in dirs.flatten() {
        let Ok(files) = fs::read_dir(dir.path()) else {
            continue;
        };
        for file in files.flatten() {
            let Ok(meta) = file.metadata() else { continue };
            let name = file.file_name().to_string_lossy().into_owned();
            let parsed = name
                .split_once('-')
                .filter(|_| !name.starts_with(TEMP_PREFIX))
                .and_then(|(key, sum)| Some((parse_hex(key)?, parse_hex(sum)?)));
            let age = meta
                .modified()
                .ok()
                .and_then(|m| now.duration_since(m).ok())
                .unwrap_or_default();
            found.push(Found {
                path: file.path(),
                name: parsed,
                age,
            });
        }
    }
    Ok(found)
}
