//! Lazy file reading (slide 21): a file as a stream of blocks or lines, read only as far
//! as the stream is consumed.
//!
//! The reader travels from suspended cell to suspended cell, so it is closed (dropped) as
//! soon as the stream ends, fails, or its unread part is dropped. I/O errors are elements
//! of the stream (`Err`), after which the stream ends.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::build::{cons, lazy, nil, unfold};
use super::link::Stream;
use crate::oz::DemandError;

/// The block size of [`read_lines`] and of the buffer behind it: 64 KiB.
const BLOCK_SIZE: usize = 64 * 1024;

/// The lines of `reader` (without their `\n` or `\r\n`), each read when its cell is
/// demanded.
///
/// ```
/// use lazy_runtime::stream;
///
/// let text = std::io::Cursor::new("first\nsecond\r\nthird");
/// let lines: Vec<String> = stream::lines(text).map(|l| l.clone().unwrap()).collect();
/// assert_eq!(lines, ["first", "second", "third"]);
/// ```
pub fn lines<R: BufRead + Send + 'static>(reader: R) -> Stream<Result<String, DemandError>> {
    unfold(Some(reader), |reader| {
        let mut reader = reader?;
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) => None,
            Ok(_) => {
                if line.ends_with('\n') {
                    line.pop();
                    if line.ends_with('\r') {
                        line.pop();
                    }
                }
                Some((Ok(line), Some(reader)))
            }
            Err(error) => Some((Err(DemandError::io(error)), None)),
        }
    })
}

/// The contents of `reader` in blocks of `block_size` bytes (the last one may be shorter),
/// each read when its cell is demanded.
///
/// # Panics
///
/// If `block_size` is zero.
///
/// ```
/// use lazy_runtime::stream;
///
/// let data = std::io::Cursor::new(vec![7_u8; 10]);
/// let sizes: Vec<usize> = stream::blocks(data, 4).map(|b| b.as_ref().unwrap().len()).collect();
/// assert_eq!(sizes, [4, 4, 2]);
/// ```
pub fn blocks<R: Read + Send + 'static>(
    reader: R,
    block_size: usize,
) -> Stream<Result<Vec<u8>, DemandError>> {
    assert!(
        block_size > 0,
        "the block size of a lazily read stream must not be zero"
    );
    unfold(Some(reader), move |reader| {
        let mut reader = reader?;
        match read_block(&mut reader, block_size) {
            Ok(block) if block.is_empty() => None,
            Ok(block) => Some((Ok(block), Some(reader))),
            Err(error) => Some((Err(DemandError::io(error)), None)),
        }
    })
}

/// Reads until `block_size` bytes or the end of the input.
fn read_block(reader: &mut impl Read, block_size: usize) -> io::Result<Vec<u8>> {
    let mut block = Vec::with_capacity(block_size);
    reader
        .take(u64::try_from(block_size).unwrap_or(u64::MAX))
        .read_to_end(&mut block)?;
    Ok(block)
}

/// The lines of the file at `path`, read in 64 KiB blocks as they are consumed.
///
/// The file is opened when the first line is demanded and closed when the stream ends or
/// its unread part is dropped. A file that cannot be opened or read gives an `Err`
/// element, which ends the stream.
///
/// ```
/// use lazy_runtime::stream;
///
/// let path = std::env::temp_dir().join("lazy-runtime-read-lines-doc.txt");
/// std::fs::write(&path, "alpha\nbeta\n").unwrap();
/// let first = stream::read_lines(&path).first().unwrap().unwrap();
/// assert_eq!(first, "alpha");
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn read_lines(path: impl AsRef<Path>) -> Stream<Result<String, DemandError>> {
    let path = path.as_ref().to_path_buf();
    lazy(move || match File::open(&path) {
        Ok(file) => lines(BufReader::with_capacity(BLOCK_SIZE, file)),
        Err(error) => open_failed(error),
    })
}

/// The contents of the file at `path` in blocks of `block_size` bytes, read as they are
/// consumed; see [`read_lines`] for when the file is opened and closed.
///
/// # Panics
///
/// If `block_size` is zero.
///
/// ```
/// use lazy_runtime::stream;
///
/// let path = std::env::temp_dir().join("lazy-runtime-read-blocks-doc.bin");
/// std::fs::write(&path, [1_u8; 5]).unwrap();
/// let total: usize = stream::read_blocks(&path, 2).map(|b| b.as_ref().unwrap().len()).sum();
/// assert_eq!(total, 5);
/// # std::fs::remove_file(&path).unwrap();
/// ```
pub fn read_blocks(
    path: impl AsRef<Path>,
    block_size: usize,
) -> Stream<Result<Vec<u8>, DemandError>> {
    assert!(
        block_size > 0,
        "the block size of a lazily read stream must not be zero"
    );
    let path: PathBuf = path.as_ref().to_path_buf();
    lazy(move || match File::open(&path) {
        Ok(file) => blocks(file, block_size),
        Err(error) => open_failed(error),
    })
}

fn open_failed<T: Clone + Send + Sync + 'static>(
    error: io::Error,
) -> Stream<Result<T, DemandError>> {
    cons(Err(DemandError::io(error)), nil())
}
