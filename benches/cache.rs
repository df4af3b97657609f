//! The disk cache (`lazy::cache`): a second run of a pipeline against its first, and the
//! throughput of storing and loading an 80 MB array.
//!
//! - `cache_run`: `summarize(load(n))` with `load` marked `#[lazy(cache)]`, forced with the
//!   memo store emptied first, so nothing comes from memory. `first` also clears the disk
//!   cache, so it computes and stores; `second` finds `load`'s value (and `summarize`'s) on
//!   disk. `uncached` is the same pipeline with no cache open, the cost of the work alone.
//! - `cache_80mb`: one 10,000,000-element `Vec<f64>` stored and loaded with
//!   `DiskCache::put_value`/`get_value` (raw little-endian bytes, blake3-checked), and loaded
//!   through the graph (a cached function's value, forced after the memo store is emptied).
//!   Reads come from the page cache: this is the cache's own cost, not the disk's.
//!
//! `docs/performance.md` records the figures.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lazy::{cache, lazy, memo, strict};

/// About 30 ms of work for 100,000 elements.
#[lazy(cache)]
fn load(n: u64) -> Vec<f64> {
    (0..n)
        .map(|i| {
            let x = f64::from(u32::try_from(i % 1_000_003).unwrap_or(0));
            (0..120).fold(x, |acc, _| (acc * 1.000_001).sqrt() + 1.0)
        })
        .collect()
}

#[lazy(cache)]
fn summarize(v: Vec<f64>) -> (f64, f64) {
    let mean = v.iter().sum::<f64>() / f64::from(u32::try_from(v.len()).unwrap_or(u32::MAX));
    let max = v.iter().copied().fold(f64::MIN, f64::max);
    (mean, max)
}

/// Ten million elements: 80 MB.
#[lazy(cache)]
fn big(n: u64) -> Vec<f64> {
    (0..n)
        .map(|i| f64::from(u32::try_from(i % 65_521).unwrap_or(0)))
        .collect()
}

const BIG: u64 = 10_000_000;

fn dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lazy-bench-cache-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn runs(c: &mut Criterion) {
    let n = 100_000;
    let mut group = c.benchmark_group("cache_run");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(4));
    cache::close();
    group.bench_function(BenchmarkId::new("uncached", n), |b| {
        b.iter(|| {
            memo::clear();
            black_box(strict(summarize(load(n))))
        });
    });
    let disk = cache::open(dir("runs")).expect("a cache opens in the temporary directory");
    group.bench_function(BenchmarkId::new("first", n), |b| {
        b.iter(|| {
            disk.clear().expect("the cache clears");
            memo::clear();
            black_box(strict(summarize(load(n))))
        });
    });
    group.bench_function(BenchmarkId::new("second", n), |b| {
        b.iter(|| {
            memo::clear();
            black_box(strict(summarize(load(n))))
        });
    });
    group.finish();
    cache::close();
    let _ = std::fs::remove_dir_all(disk.dir());
}

fn array(c: &mut Criterion) {
    let values = strict(big(BIG));
    let bytes = 8 * BIG;
    let mut group = c.benchmark_group("cache_80mb");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(6))
        .throughput(Throughput::Bytes(bytes));
    let disk = cache::DiskCache::open(dir("array")).expect("a cache opens");
    let key = [7; 32];
    // A put of bytes already stored under the key only touches the entry: clear first.
    group.bench_function("put_value", |b| {
        b.iter_batched(
            || disk.clear().expect("the cache clears"),
            |_| disk.put_value(&key, &values).expect("the array is stored"),
            BatchSize::PerIteration,
        );
    });
    group.bench_function("get_value", |b| {
        b.iter(|| {
            let got: Vec<f64> = disk.get_value(&key).expect("readable").expect("a hit");
            black_box(got)
        });
    });
    let program = cache::open(dir("graph")).expect("a cache opens");
    memo::clear();
    drop(strict(big(BIG)));
    group.bench_function("strict_loaded", |b| {
        b.iter(|| {
            memo::clear();
            black_box(strict(big(BIG)))
        });
    });
    group.finish();
    cache::close();
    for d in [disk.dir(), program.dir()] {
        let _ = std::fs::remove_dir_all(d);
    }
}

criterion_group!(benches, runs, array);
criterion_main!(benches);
