//! Parallel speed-up: the prototype's sleep example (two 100 ms squares and a 100 ms
//! multiply), 16 independent CPU-bound tasks of about 5 ms, and fine-grained graphs whose
//! tasks take well under a microsecond, each on the sequential and the parallel scheduler.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use lazy::scheduling::{Parallel, Scheduler, Sequential, with_scheduler};
use lazy::task::{Op, task};
use lazy::{Lazy, lazy, strict};

fn pause() {
    std::thread::sleep(Duration::from_millis(100));
}

#[lazy]
fn square(x: i64) -> i64 {
    pause();
    x * x
}

#[lazy]
fn mul(x: i64, y: i64) -> i64 {
    pause();
    x * y
}

/// About 5 ms of arithmetic on this machine (a xorshift generator, `rounds` steps).
fn spin(seed: u64, rounds: u64) -> u64 {
    let mut x = seed | 1;
    for _ in 0..rounds {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    x
}

/// How many `spin` rounds take about 5 ms here.
fn rounds_for_5ms() -> u64 {
    let probe = 1_000_000;
    let start = Instant::now();
    black_box(spin(black_box(1), probe));
    let took = start.elapsed().as_secs_f64();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "a positive estimate"
    )]
    let rounds = (probe as f64 * 0.005 / took) as u64;
    rounds
}

fn schedulers() -> [(&'static str, Arc<dyn Scheduler>); 2] {
    [
        ("sequential", Arc::new(Sequential)),
        ("parallel", Arc::new(Parallel::new())),
    ]
}

/// Times `force` on graphs that `build` makes outside the timed region.
fn time_forcing<G>(
    iters: u64,
    scheduler: &Arc<dyn Scheduler>,
    build: impl Fn() -> G,
    force: impl Fn(&G),
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let graph = build();
        let start = Instant::now();
        with_scheduler(Arc::clone(scheduler), || force(&graph));
        total += start.elapsed();
        drop(graph);
    }
    total
}

fn sleep_example(c: &mut Criterion) {
    let mut group = c.benchmark_group("sleep_example");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(1));
    group.measurement_time(Duration::from_millis(1));
    for (name, scheduler) in schedulers() {
        group.bench_function(name, |bench| {
            bench.iter_custom(|iters| {
                time_forcing(
                    iters,
                    &scheduler,
                    || mul(square(2), square(3)),
                    |c| assert_eq!(strict(c), 36),
                )
            });
        });
    }
    group.finish();
}

fn cpu_bound(c: &mut Criterion) {
    let rounds = rounds_for_5ms();
    let mut group = c.benchmark_group("cpu_16x5ms");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(100));
    group.measurement_time(Duration::from_millis(500));
    let expected: Vec<u64> = (0..16).map(|i| spin(i, rounds)).collect();
    for (name, scheduler) in schedulers() {
        group.bench_function(name, |bench| {
            bench.iter_custom(|iters| {
                time_forcing(
                    iters,
                    &scheduler,
                    || {
                        (0..16_u64)
                            .map(|i| {
                                task(
                                    Op::function("parallel::spin"),
                                    (Lazy::new(i), Lazy::new(rounds)),
                                    |(i, rounds): (u64, u64)| spin(i, rounds),
                                )
                            })
                            .collect::<Vec<_>>()
                    },
                    |tasks| assert_eq!(strict(tasks), expected),
                )
            });
        });
    }
    group.finish();
}

fn add(a: Lazy<u64>, b: Lazy<u64>) -> Lazy<u64> {
    task(
        Op::function("parallel::add"),
        (a, b),
        |(a, b): (u64, u64)| a.wrapping_add(b),
    )
}

/// Fine-grained graphs of 10,000 tasks of a few nanoseconds each: a chain, a fan-in summed
/// by a tree, and 10,000 independent tasks forced together.
fn fine_grained(c: &mut Criterion) {
    const N: u64 = 10_000;
    let mut group = c.benchmark_group("fine_grained_10000");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(20);
    group.warm_up_time(Duration::from_millis(200));
    group.measurement_time(Duration::from_secs(1));
    for (name, scheduler) in schedulers() {
        group.bench_function(BenchmarkId::new("chain", name), |bench| {
            bench.iter_custom(|iters| {
                time_forcing(
                    iters,
                    &scheduler,
                    || (0..N).fold(Lazy::new(0_u64), |x, _| add(x, Lazy::new(1_u64))),
                    |x| assert_eq!(strict(x), N),
                )
            });
        });
        group.bench_function(BenchmarkId::new("tree", name), |bench| {
            bench.iter_custom(|iters| {
                time_forcing(
                    iters,
                    &scheduler,
                    || {
                        let mut level: Vec<Lazy<u64>> = (0..N).map(Lazy::new).collect();
                        while level.len() > 1 {
                            level = level
                                .chunks(2)
                                .map(|pair| match pair {
                                    [a, b] => add(a.clone(), b.clone()),
                                    [a] => a.clone(),
                                    _ => unreachable!(),
                                })
                                .collect();
                        }
                        level.pop().expect("a root")
                    },
                    |x| assert_eq!(strict(x), N * (N - 1) / 2),
                )
            });
        });
        group.bench_function(BenchmarkId::new("independent", name), |bench| {
            bench.iter_custom(|iters| {
                time_forcing(
                    iters,
                    &scheduler,
                    || {
                        (0..N)
                            .map(|i| add(Lazy::new(i), Lazy::new(1)))
                            .collect::<Vec<_>>()
                    },
                    |xs| {
                        let values = strict(xs);
                        assert_eq!(values[17], 18);
                    },
                )
            });
        });
    }
    group.finish();
}

criterion_group!(benches, sleep_example, cpu_bound, fine_grained);
criterion_main!(benches);
