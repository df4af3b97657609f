//! The disk cache across runs: run it twice. The first run computes and stores; the second
//! takes the result from disk and runs nothing.
//!
//! ```text
//! cargo run --release --example cache     # computes (about a second), stores
//! cargo run --release --example cache     # loads, runs no task
//! ```
//!
//! The cache lives in `$LAZY_CACHE_DIR` if set, else in the system's temporary directory.

use std::time::Instant;

use lazy::{cache, lazy, strict};

/// A slow "load": a large numeric vector, stored as raw little-endian bytes.
#[lazy(cache)]
fn load(n: u64) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let x = f64::from(u32::try_from(i % 1_000_003).unwrap_or(0));
            (0..120).fold(x, |acc, _| (acc * 1.000_001).sqrt() + 1.0)
        })
        .collect()
}

/// A summary of it: small, stored inline in the index.
#[lazy(cache(auto))]
fn summarize(v: Vec<f64>) -> (f64, f64) {
    let mean = v.iter().sum::<f64>() / f64::from(u32::try_from(v.len()).unwrap_or(u32::MAX));
    let max = v.iter().copied().fold(f64::MIN, f64::max);
    (mean, max)
}

fn main() -> Result<(), cache::CacheError> {
    let dir = std::env::var_os(cache::CACHE_DIR_ENV).map_or_else(
        || std::env::temp_dir().join("lazy-example-cache"),
        Into::into,
    );
    let disk = cache::open(&dir)?;
    let start = Instant::now();
    let (mean, max) = strict(summarize(load(2_000_000)));
    let activity = cache::activity();
    println!("mean {mean:.6}, max {max:.6} in {:.1?}", start.elapsed());
    println!(
        "tasks computed: {}, values loaded from disk: {}, stored: {} ({} bytes)",
        activity.computed, activity.loaded, activity.stored, activity.stored_bytes
    );
    let stats = disk.stats()?;
    println!(
        "cache {}: {} entries, {} bytes; run again to load instead of compute",
        disk.dir().display(),
        stats.entries,
        stats.value_bytes
    );
    Ok(())
}
