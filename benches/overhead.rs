//! Per-node overhead: building and forcing graphs of 10,000 and 1,000,000 tiny integer tasks
//! (a chain, a wide fan-in summed by a binary tree, a diamond lattice) on the sequential and
//! parallel schedulers, and 1,000,000 calls that fold onto 1,000 distinct nodes.
//!
//! Criterion reports the time per graph; `Throughput::Elements` turns it into nodes (or
//! tasks, or calls) per second, and `docs/performance.md` divides it into ns per node.
//! Graphs are built and dropped outside the timed region of the benchmarks that run them.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use lazy::__private::{Op, task};
use lazy::{Lazy, Parallel, Scheduler, Sequential, strict, with_scheduler};

/// A built graph: the value to force, what it must be, and how many nodes and tasks it has.
struct Built {
    root: Lazy<u64>,
    expected: u64,
    nodes: u64,
    tasks: u64,
}

fn inc(x: Lazy<u64>) -> Lazy<u64> {
    task(Op::function("overhead::inc"), (x,), |(x,): (u64,)| {
        x.wrapping_add(1)
    })
}

fn add(a: Lazy<u64>, b: Lazy<u64>) -> Lazy<u64> {
    task(
        Op::function("overhead::add"),
        (a, b),
        |(a, b): (u64, u64)| a.wrapping_add(b),
    )
}

/// `inc(inc(...inc(0)))`, `n` tasks deep.
fn chain(n: u64) -> Built {
    let mut x = Lazy::new(0_u64);
    for _ in 0..n {
        x = inc(x);
    }
    Built {
        root: x,
        expected: n,
        nodes: n + 1,
        tasks: n,
    }
}

/// `n / 2` distinct leaves summed pairwise by a balanced tree of `add` tasks.
fn fan_in(n: u64) -> Built {
    let leaves = n / 2;
    let mut level: Vec<Lazy<u64>> = (0..leaves).map(Lazy::new).collect();
    while level.len() > 1 {
        let mut next = Vec::with_capacity(level.len().div_ceil(2));
        let mut parts = level.into_iter();
        while let Some(a) = parts.next() {
            next.push(match parts.next() {
                Some(b) => add(a, b),
                None => a,
            });
        }
        level = next;
    }
    Built {
        root: level.pop().expect("one root"),
        expected: leaves * (leaves - 1) / 2,
        nodes: 2 * leaves - 1,
        tasks: leaves - 1,
    }
}

/// A diamond lattice `WIDTH` wide: each node adds two neighbours of the row below it; the
/// last row is summed by a chain.
fn lattice(n: u64) -> Built {
    const WIDTH: u64 = 100;
    let rows = n / WIDTH - 1;
    let mut row: Vec<Lazy<u64>> = (0..WIDTH).map(Lazy::new).collect();
    let mut values: Vec<u64> = (0..WIDTH).collect();
    for _ in 0..rows {
        let width = row.len();
        row = (0..width)
            .map(|j| add(row[j].clone(), row[(j + 1) % width].clone()))
            .collect();
        values = (0..width)
            .map(|j| values[j].wrapping_add(values[(j + 1) % width]))
            .collect();
    }
    let mut parts = row.into_iter();
    let mut sum = parts.next().expect("a row");
    for part in parts {
        sum = add(sum, part);
    }
    Built {
        root: sum,
        expected: values.iter().fold(0, |a, &b| a.wrapping_add(b)),
        nodes: WIDTH * (rows + 1) + WIDTH - 1,
        tasks: WIDTH * rows + WIDTH - 1,
    }
}

type Shape = fn(u64) -> Built;

const SHAPES: [(&str, Shape); 3] = [("chain", chain), ("fan_in", fan_in), ("lattice", lattice)];

fn group_config(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    n: u64,
) {
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(if n > 100_000 { 1 } else { 200 }));
    group.measurement_time(Duration::from_millis(if n > 100_000 { 1 } else { 500 }));
}

fn build(c: &mut Criterion) {
    for n in [10_000, 1_000_000] {
        let mut group = c.benchmark_group(format!("build_{n}"));
        group_config(&mut group, n);
        for (name, shape) in SHAPES {
            group.throughput(Throughput::Elements(shape(n).nodes));
            group.bench_function(name, |bench| {
                bench.iter_custom(|iters| {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let start = Instant::now();
                        let built = shape(n);
                        total += start.elapsed();
                        assert!(!built.root.is_ready());
                        drop(built);
                    }
                    total
                });
            });
        }
        group.finish();
    }
}

fn run(c: &mut Criterion) {
    let schedulers: [(&str, Arc<dyn Scheduler>); 2] = [
        ("sequential", Arc::new(Sequential)),
        ("parallel", Arc::new(Parallel::new())),
    ];
    for n in [10_000, 1_000_000] {
        let mut group = c.benchmark_group(format!("run_{n}"));
        group_config(&mut group, n);
        for (name, shape) in SHAPES {
            group.throughput(Throughput::Elements(shape(n).tasks));
            for (scheduler_name, scheduler) in &schedulers {
                group.bench_function(BenchmarkId::new(name, scheduler_name), |bench| {
                    bench.iter_custom(|iters| {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            let built = shape(n);
                            let start = Instant::now();
                            let value =
                                with_scheduler(Arc::clone(scheduler), || strict(&built.root));
                            total += start.elapsed();
                            assert_eq!(value, built.expected);
                            drop(built);
                        }
                        total
                    });
                });
            }
        }
        group.finish();
    }
}

/// 1,000,000 calls over 1,000 distinct inputs: every call after the first thousand finds its
/// node in the folding table.
fn fold(c: &mut Criterion) {
    const DISTINCT: u64 = 1_000;
    const CALLS: u64 = 1_000_000;
    let mut group = c.benchmark_group("fold");
    group_config(&mut group, CALLS);
    group.throughput(Throughput::Elements(CALLS));
    group.bench_function("calls_1000000_onto_1000", |bench| {
        bench.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let leaves: Vec<Lazy<u64>> = (0..DISTINCT).map(Lazy::new).collect();
                let kept: Vec<Lazy<u64>> = leaves.iter().map(|l| inc(l.clone())).collect();
                let before = lazy::stats().folds;
                let start = Instant::now();
                for i in 0..CALLS {
                    #[allow(clippy::cast_possible_truncation, reason = "i % 1000")]
                    let node = inc(leaves[(i % DISTINCT) as usize].clone());
                    black_box(&node);
                }
                total += start.elapsed();
                assert!(lazy::stats().folds - before >= CALLS);
                drop((kept, leaves));
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, build, run, fold);
criterion_main!(benches);
