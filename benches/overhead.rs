//! Per-node overhead: building and forcing graphs of 10,000 and 1,000,000 tiny integer tasks
//! (a chain, a wide fan-in summed by a binary tree, a diamond lattice) on the sequential and
//! parallel schedulers, and 1,000,000 calls that fold onto 1,000 distinct nodes.
//!
//! A `floor` group measures, in the same run, what any hash-consing runtime pays on this
//! machine: per node one blake3 block, one 240-byte heap node and one entry in a sharded
//! table of (hash, weak node), built and dropped; and per folding lookup, the key, the
//! table probe and the weak upgrade. The runtime's costs are read against it.
//!
//! A `record` group forces 100,000-task chains and fan-ins with the task recorder off and
//! on (`lazy::observe`), the timeline's cost per task.
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
use lazy::scheduling::{Parallel, Scheduler, Sequential, with_scheduler};
use lazy::task::{Op, task};
use lazy::{Lazy, strict};

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
                let before = lazy::inspect::stats().folds;
                let start = Instant::now();
                for i in 0..CALLS {
                    #[allow(clippy::cast_possible_truncation, reason = "i % 1000")]
                    let node = inc(leaves[(i % DISTINCT) as usize].clone());
                    black_box(&node);
                }
                total += start.elapsed();
                assert!(lazy::inspect::stats().folds - before >= CALLS);
                drop((kept, leaves));
            }
            total
        });
    });
    group.finish();
}

/// The task recorder's cost: the same forces with the recorder off and on. The trace is
/// taken after each force, outside the timed region, and must hold one event per task. The
/// memo store is off meanwhile: each iteration rebuilds the same graph, whose values it
/// would otherwise hand back without running a task.
fn record(c: &mut Criterion) {
    const N: u64 = 100_000;
    let budget = lazy::memo::budget();
    lazy::memo::set_budget(0);
    let schedulers: [(&str, Arc<dyn Scheduler>); 2] = [
        ("sequential", Arc::new(Sequential)),
        ("parallel", Arc::new(Parallel::new())),
    ];
    let mut group = c.benchmark_group(format!("record_{N}"));
    group_config(&mut group, 10_000);
    let shapes: [(&str, Shape); 2] = [("chain", chain), ("fan_in", fan_in)];
    for (name, shape) in shapes {
        group.throughput(Throughput::Elements(shape(N).tasks));
        for (scheduler_name, scheduler) in &schedulers {
            for on in [false, true] {
                let id = format!("{scheduler_name}/{}", if on { "on" } else { "off" });
                group.bench_function(BenchmarkId::new(name, id), |bench| {
                    bench.iter_custom(|iters| {
                        let mut total = Duration::ZERO;
                        for _ in 0..iters {
                            let built = shape(N);
                            lazy::observe::set_recording(on);
                            let start = Instant::now();
                            let value =
                                with_scheduler(Arc::clone(scheduler), || strict(&built.root));
                            total += start.elapsed();
                            lazy::observe::set_recording(false);
                            let trace = lazy::observe::take_trace();
                            assert_eq!(value, built.expected);
                            let events = trace.tasks().len() as u64;
                            assert_eq!(events, if on { built.tasks } else { 0 });
                            drop(built);
                        }
                        total
                    });
                });
            }
        }
    }
    group.finish();
    lazy::memo::set_budget(budget);
}

/// The floor: the skeleton of hash-consing without the runtime. A chain of `n` nodes, each
/// keyed by one blake3 block over its input's key, allocated (240 bytes, the size of the
/// runtime's node) and entered in a 64-shard table of 16-byte entries; then dropped, each
/// removing its entry. And 1,000,000 lookups of 1,000 live keys.
mod floor {
    use std::hint::black_box;
    use std::sync::{Arc, Mutex, Weak};
    use std::time::{Duration, Instant};

    use hashbrown::HashTable;

    pub(super) struct Node {
        key: [u8; 32],
        _rest: [u64; 26],
    }

    type Table = Vec<Mutex<HashTable<(u64, Weak<Node>)>>>;

    pub(super) fn table() -> Table {
        (0..64).map(|_| Mutex::new(HashTable::new())).collect()
    }

    fn hash(key: &[u8; 32]) -> u64 {
        u64::from_le_bytes(key[..8].try_into().expect("eight bytes"))
    }

    fn shard<'t>(
        table: &'t Table,
        key: &[u8; 32],
    ) -> std::sync::MutexGuard<'t, HashTable<(u64, Weak<Node>)>> {
        table[usize::from(key[31]) % 64]
            .lock()
            .expect("not poisoned")
    }

    pub(super) fn key(op: &[u8; 32], input: &[u8; 32]) -> [u8; 32] {
        blake3::keyed_hash(op, input).into()
    }

    /// Builds and drops a chain of `n`; returns the time of each phase.
    pub(super) fn chain(table: &Table, n: u64) -> (Duration, Duration) {
        let op = [7u8; 32];
        let start = Instant::now();
        let mut nodes: Vec<Arc<Node>> = Vec::with_capacity(usize::try_from(n).expect("fits"));
        let mut input = [0u8; 32];
        for i in 0..n {
            let key = key(&op, &input);
            let node = Arc::new(Node {
                key,
                _rest: [i; 26],
            });
            let h = hash(&key);
            shard(table, &key).insert_unique(h, (h, Arc::downgrade(&node)), |e| e.0);
            input = key;
            nodes.push(node);
        }
        let built = start.elapsed();
        let start = Instant::now();
        for node in nodes.drain(..).rev() {
            let mut shard = shard(table, &node.key);
            if let Ok(entry) = shard.find_entry(hash(&node.key), |e| {
                std::ptr::eq(e.1.as_ptr(), Arc::as_ptr(&node))
            }) {
                entry.remove();
            }
            drop(shard);
            black_box(node);
        }
        (built, start.elapsed())
    }

    /// 1,000 live nodes keyed over 1,000 leaf keys, and the leaf keys.
    pub(super) fn live(table: &Table) -> (Vec<Arc<Node>>, Vec<[u8; 32]>) {
        let op = [7u8; 32];
        let leaves: Vec<[u8; 32]> = (0..1_000u64)
            .map(|i| blake3::hash(&i.to_le_bytes()).into())
            .collect();
        let nodes = leaves
            .iter()
            .map(|leaf| {
                let key = key(&op, leaf);
                let node = Arc::new(Node {
                    key,
                    _rest: [0; 26],
                });
                let h = hash(&key);
                shard(table, &key).insert_unique(h, (h, Arc::downgrade(&node)), |e| e.0);
                node
            })
            .collect();
        (nodes, leaves)
    }

    /// One folding lookup: the key, the probe, the upgrade.
    pub(super) fn lookup(table: &Table, leaf: &[u8; 32]) -> Option<Arc<Node>> {
        let key = key(&[7u8; 32], leaf);
        let h = hash(&key);
        let shard = shard(table, &key);
        shard
            .find(h, |e| e.0 == h)
            .and_then(|e| e.1.upgrade())
            .filter(|node| node.key == key)
    }
}

fn hash_consing_floor(c: &mut Criterion) {
    let table = floor::table();
    for n in [10_000, 1_000_000] {
        let mut group = c.benchmark_group(format!("floor_{n}"));
        group_config(&mut group, n);
        group.throughput(Throughput::Elements(n));
        group.bench_function("build", |bench| {
            bench.iter_custom(|iters| (0..iters).map(|_| floor::chain(&table, n).0).sum());
        });
        group.bench_function("drop", |bench| {
            bench.iter_custom(|iters| (0..iters).map(|_| floor::chain(&table, n).1).sum());
        });
        group.finish();
    }
    let mut group = c.benchmark_group("floor_fold");
    group_config(&mut group, 1_000_000);
    group.throughput(Throughput::Elements(1_000_000));
    let (live, leaves) = floor::live(&table);
    group.bench_function("lookups_1000000_onto_1000", |bench| {
        bench.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                for i in 0..1_000_000 {
                    let found = floor::lookup(&table, &leaves[i % 1_000]);
                    assert!(found.is_some());
                    black_box(found);
                }
            }
            start.elapsed()
        });
    });
    drop(live);
    group.finish();
}

criterion_group!(benches, build, run, fold, record, hash_consing_floor);
criterion_main!(benches);
