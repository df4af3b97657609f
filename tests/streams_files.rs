//! Lazy file reading and the lazy buffer through the facade.

use std::fs;
use std::io::Write;
use std::path::PathBuf;

use lazy::stream;

/// A file in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, lines: usize) -> Self {
        let path = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
        let mut file = std::io::BufWriter::new(fs::File::create(&path).unwrap());
        for i in 0..lines {
            writeln!(file, "line {i}").unwrap();
        }
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

#[test]
fn read_lines_yields_the_lines_in_order() {
    let file = TempFile::new("lazy-streams-lines", 100_000);
    let lines = stream::read_lines(&file.0);
    assert_eq!(lines.first().unwrap().unwrap(), "line 0");
    assert_eq!(lines.nth(99_999).unwrap().unwrap(), "line 99999");
    assert_eq!(lines.iter().count(), 100_000);
}

#[test]
fn read_blocks_covers_the_file() {
    let file = TempFile::new("lazy-streams-blocks", 10_000);
    let size = usize::try_from(fs::metadata(&file.0).unwrap().len()).unwrap();
    let blocks = stream::read_blocks(&file.0, 4096);
    let sizes: Vec<usize> = blocks.iter().map(|b| b.unwrap().len()).collect();
    assert_eq!(sizes.iter().sum::<usize>(), size);
    assert!(sizes.iter().rev().skip(1).all(|&s| s == 4096));
}

#[test]
fn a_missing_file_is_an_error_element() {
    let lines = stream::read_lines("/nonexistent/lazy/streams/file");
    let items: Vec<_> = lines.try_iter().collect();
    assert_eq!(items.len(), 1);
    let error = items[0].as_ref().unwrap().as_ref().unwrap_err();
    assert!(error.to_string().starts_with("i/o error: "));
}

#[test]
fn a_buffered_stream_has_the_same_elements() {
    let buffered = stream::from(0_u64).map(|x| x * 3).buffer(16);
    assert_eq!(buffered.take(100).sum::<u64>(), 3 * 4950);
    let short = stream::from_iter(0..5_u8).buffer(100);
    assert_eq!(short.collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
}
