//! Batches (distarray's `lazy_eval()` benchmark): K steps of `tanh` over a 100,000-element
//! array, each step's mean requested; forcing every mean as soon as it is built, forcing them
//! one by one after building them all, and requesting them all from one batch.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use lazy::{Lazy, batch, lazy, strict};

#[lazy]
fn tanh_all(x: Vec<f64>) -> Vec<f64> {
    x.into_iter().map(f64::tanh).collect()
}

#[lazy]
fn mean(x: Vec<f64>) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "a length far below 2^52")]
    let n = x.len() as f64;
    x.iter().sum::<f64>() / n
}

/// The input of one run: a distinct start, so that no run folds onto an earlier one.
fn data(run: u64) -> Vec<f64> {
    #[allow(clippy::cast_precision_loss, reason = "small integers")]
    let start = run as f64 * 1e-3;
    (0..100_000).map(|i| start + f64::from(i) * 1e-5).collect()
}

/// The means of `k` successive `tanh` steps, forcing each one as soon as it is built when
/// `force_each` is set (distarray without `lazy_eval()`).
fn steps(run: u64, k: usize, force_each: bool) -> (Vec<Lazy<f64>>, f64) {
    let mut x = tanh_all(data(run));
    let mut means = Vec::with_capacity(k);
    let mut last = 0.0;
    for _ in 0..k {
        let m = mean(&x);
        if force_each {
            last = strict(&m);
        }
        means.push(m);
        x = tanh_all(x);
    }
    (means, last)
}

fn tanh_steps(c: &mut Criterion) {
    let mut group = c.benchmark_group("batch/tanh");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(2));
    let mut run = 0_u64;
    for k in [10_usize, 50] {
        group.bench_with_input(BenchmarkId::new("force_each_step", k), &k, |b, &k| {
            b.iter(|| {
                run += 1;
                let (_, last) = steps(run, k, true);
                assert!(last > 0.0);
                black_box(last)
            });
        });
        group.bench_with_input(
            BenchmarkId::new("force_one_by_one_after", k),
            &k,
            |b, &k| {
                b.iter(|| {
                    run += 1;
                    let (means, _) = steps(run, k, false);
                    let values: Vec<f64> = means.iter().map(strict).collect();
                    assert!(values[k - 1] > 0.0);
                    black_box(values)
                });
            },
        );
        group.bench_with_input(BenchmarkId::new("one_batch", k), &k, |b, &k| {
            b.iter(|| {
                run += 1;
                let (means, _) = steps(run, k, false);
                let placeholders =
                    batch(|b| means.iter().map(|m| b.request(m)).collect::<Vec<_>>());
                assert!(placeholders[k - 1].get() > 0.0);
                black_box(placeholders)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, tanh_steps);
criterion_main!(benches);
