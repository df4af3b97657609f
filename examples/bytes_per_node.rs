//! Bytes per kept node: builds `N` (default 1,000,000) `u64` tasks, each over a leaf of its
//! own, forces them and keeps their handles, and prints how much the resident set grew per
//! (leaf, task) pair after each phase: `cargo run --release --example bytes_per_node [-- N]`.
//!
//! The phases separate where the bytes go: a leaf (its node, its value's `Arc`, its
//! folding-table entry and the handle kept in a vector), a task over it (its node and its
//! table entry; the handle takes the leaf's place in the vector), and forcing (the task's
//! value). Linux only: it reads `VmRSS` from `/proc/self/status`.

use std::hint::black_box;

use lazy::inspect::stats;
use lazy::task::{Op, task};
use lazy::{Lazy, strict};

fn inc(x: Lazy<u64>) -> Lazy<u64> {
    task(Op::function("bytes_per_node::inc"), (x,), |(x,): (u64,)| {
        x.wrapping_add(1)
    })
}

/// The process's resident set in bytes.
fn resident() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux's /proc");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .expect("a VmRSS line")
        * 1024
}

#[allow(clippy::cast_precision_loss, reason = "bytes per pair, for reading")]
fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .map_or(1_000_000, |arg| arg.parse().expect("a number of pairs"));
    let per_pair = |bytes: u64| bytes as f64 / n as f64;
    let start = resident();

    let leaves: Vec<Lazy<u64>> = (0..n).map(Lazy::new).collect();
    let after_leaves = resident();

    // Collected in place: each task's handle takes the place of its leaf's.
    let tasks: Vec<Lazy<u64>> = leaves.into_iter().map(inc).collect();
    let after_tasks = resident();

    // Forced in slices, so that the results and the plans are small and short-lived.
    for slice in tasks.chunks(10_000) {
        black_box(strict(slice));
    }
    let after_force = resident();
    assert_eq!(strict(&tasks[7]), 8);

    let live = stats().live_nodes;
    println!("{n} forced u64 tasks, each over its own leaf ({live} live nodes):");
    for (phase, bytes) in [
        (
            "leaves (node, value, table entry, handle)",
            after_leaves - start,
        ),
        (
            "tasks over them (node, table entry)",
            after_tasks - after_leaves,
        ),
        ("forcing (the tasks' values)", after_force - after_tasks),
        ("total per (leaf, task) pair", after_force - start),
    ] {
        println!("  {phase:<44} {:>7.1} bytes", per_pair(bytes));
    }
    println!(
        "  {:<44} {:>7.1} bytes",
        "per kept node",
        per_pair(after_force - start) / 2.0
    );
    drop(tasks);
}
