//! Dropping graphs gives their memory back: after millions of nodes are built and dropped,
//! in several shapes, forced or not, and from eight threads at once, the live-node count,
//! the folding table's entries and the resident set return to where they were.
//!
//! One test function alone in its test binary: it reads process-wide counters and the
//! process's resident set, which concurrent tests would disturb. Graphs are built and
//! dropped in batches of a few thousand nodes, so the resident set measures what dropped
//! graphs leave behind, not the allocator's hold on the peak of one big graph.

mod support;

use std::thread;
use std::time::Duration;

use lazy::inspect::{Stats, stats};
use lazy::task::{Op, task};
use lazy::{Lazy, strict};
use support::within;

/// How long the whole test may take before it is taken for hung.
const TIME_LIMIT: Duration = Duration::from_mins(10);

/// How much the resident set may grow over a million dropped nodes. Nodes that were never
/// freed cost about 300 bytes each, 300 MB per million; a batch's own peak is under 2 MB.
const RESIDENT_SLACK: u64 = 32 << 20;

fn inc(x: Lazy<u64>) -> Lazy<u64> {
    task(Op::function("memory_release::inc"), (x,), |(x,): (u64,)| {
        x.wrapping_add(1)
    })
}

fn add(a: Lazy<u64>, b: Lazy<u64>) -> Lazy<u64> {
    task(
        Op::function("memory_release::add"),
        (a, b),
        |(a, b): (u64, u64)| a.wrapping_add(b),
    )
}

/// `batches` times: `batch` (leaf -> task) pairs, forced if `force`, then dropped.
fn pairs(seed: u64, batches: u64, batch: u64, force: bool) {
    for b in 0..batches {
        let first = seed + b * batch;
        let tasks: Vec<_> = (first..first + batch).map(|i| inc(Lazy::new(i))).collect();
        if force {
            let values = strict(&tasks);
            assert!(values.iter().zip(first..).all(|(&v, i)| v == i + 1));
        }
    }
}

/// `count` chains `inc(inc(...inc(leaf)))` of `length` tasks, forced if `force`.
fn chains(seed: u64, count: u64, length: u64, force: bool) {
    for c in 0..count {
        let leaf = seed + c * length;
        let mut x = Lazy::new(leaf);
        for _ in 0..length {
            x = inc(x);
        }
        if force {
            assert_eq!(strict(&x), leaf + length);
        }
    }
}

/// `count` lattices of diamonds, `width` leaves and `depth` levels: node `i` of a level adds
/// nodes `i` and `i + 1` (wrapping) of the level below, so each node has two readers.
fn diamonds(seed: u64, count: u64, width: usize, depth: usize, force: bool) {
    for c in 0..count {
        let first = seed + c * 1_000_000;
        let mut level: Vec<Lazy<u64>> = (first..).take(width).map(Lazy::new).collect();
        for _ in 0..depth {
            level = (0..width)
                .map(|i| add(level[i].clone(), level[(i + 1) % width].clone()))
                .collect();
        }
        if force {
            // Each level doubles the sum of the one below.
            let sum: u64 = (first..).take(width).sum();
            let total = strict(&level).iter().fold(0_u64, |s, &v| s.wrapping_add(v));
            assert_eq!(total, sum.wrapping_shl(u32::try_from(depth).unwrap()));
        }
    }
}

/// The process's resident set in bytes (`VmRSS`), where the platform reports it.
fn resident() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?;
    let kib: u64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

/// Runs `shape`, then checks that the counters are back to where they were and that the
/// resident set has grown by less than [`RESIDENT_SLACK`].
fn check(name: &str, shape: impl FnOnce()) {
    let (before, rss_before) = (stats(), resident());
    shape();
    let after = stats();
    assert!(
        after.nodes_created >= before.nodes_created + 1_000_000,
        "{name}: a million nodes or more were built"
    );
    let counts = |s: Stats| (s.live_nodes, s.table_entries);
    assert_eq!(
        counts(after),
        counts(before),
        "{name}: (live nodes, table entries) after dropping every graph"
    );
    if let (Some(rss_before), Some(rss_after)) = (rss_before, resident()) {
        let growth = rss_after.saturating_sub(rss_before);
        println!("{name}: the resident set grew by {} KiB", growth >> 10);
        assert!(
            growth < RESIDENT_SLACK,
            "{name}: the resident set grew by {} MiB",
            growth >> 20
        );
    }
}

fn on_threads(threads: u64, work: impl Fn(u64) + Sync) {
    thread::scope(|s| {
        for t in 0..threads {
            let work = &work;
            s.spawn(move || work(t));
        }
    });
}

fn every_shape() {
    // Warm up the allocator's arenas, the table's shards and the thread pools, on the
    // threads that the checks use, so that the baselines include them.
    pairs(1 << 40, 4, 1000, true);
    chains(2 << 40, 4, 1000, true);
    diamonds(3 << 40, 2, 50, 20, true);
    on_threads(8, |t| pairs((4 << 40) + (t << 32), 4, 1000, true));

    check("pairs", || pairs(5 << 40, 1000, 1000, false));
    check("forced pairs", || pairs(6 << 40, 1000, 1000, true));
    check("chains", || chains(7 << 40, 1000, 1000, false));
    check("forced chains", || chains(8 << 40, 1000, 1000, true));
    check("diamonds", || diamonds(9 << 40, 200, 100, 50, false));
    check("forced diamonds", || diamonds(10 << 40, 200, 100, 50, true));
    // Threads in pairs build the same graphs, so that they fold onto each other's nodes
    // and drop them concurrently.
    check("pairs on 8 threads", || {
        on_threads(8, |t| {
            pairs((11 << 40) + ((t / 2) << 32), 125, 1000, t % 3 == 0);
        });
    });
    check("chains and diamonds on 8 threads", || {
        on_threads(8, |t| {
            chains((12 << 40) + ((t / 2) << 32), 100, 1000, t % 2 == 0);
            diamonds((13 << 40) + (t << 32), 20, 100, 50, t % 2 == 1);
        });
    });
}

#[test]
fn dropped_graphs_give_back_their_nodes_table_entries_and_memory() {
    within(TIME_LIMIT, every_shape);
}
