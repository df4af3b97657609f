//! A fixed workload for counting instructions, which stay put on a noisy machine where
//! times do not: `valgrind --tool=callgrind target/release/examples/overhead_probe chain`.
//!
//! Builds, forces (on the sequential scheduler, so the count does not depend on thread
//! timing) and drops ten graphs of 10,000 tiny tasks of one shape: `chain`, `fan_in` or
//! `lattice` (as in `benches/overhead.rs`), or makes 100,000 calls that fold onto 1,000
//! nodes (`fold`). Prints the shape's checksum, so that the work cannot be skipped.

use std::sync::Arc;

use lazy::scheduling::{Sequential, with_scheduler};
use lazy::task::{Op, task};
use lazy::{Lazy, strict};

fn inc(x: Lazy<u64>) -> Lazy<u64> {
    task(Op::function("probe::inc"), (x,), |(x,): (u64,)| {
        x.wrapping_add(1)
    })
}

fn add(a: Lazy<u64>, b: Lazy<u64>) -> Lazy<u64> {
    task(Op::function("probe::add"), (a, b), |(a, b): (u64, u64)| {
        a.wrapping_add(b)
    })
}

fn chain(n: u64) -> Lazy<u64> {
    let mut x = Lazy::new(0_u64);
    for _ in 0..n {
        x = inc(x);
    }
    x
}

fn fan_in(n: u64) -> Lazy<u64> {
    let mut level: Vec<Lazy<u64>> = (0..n / 2).map(Lazy::new).collect();
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
    level.pop().expect("one root")
}

fn lattice(n: u64) -> Lazy<u64> {
    const WIDTH: u64 = 100;
    let mut row: Vec<Lazy<u64>> = (0..WIDTH).map(Lazy::new).collect();
    for _ in 0..n / WIDTH - 1 {
        let width = row.len();
        row = (0..width)
            .map(|j| add(row[j].clone(), row[(j + 1) % width].clone()))
            .collect();
    }
    let mut parts = row.into_iter();
    let mut sum = parts.next().expect("a row");
    for part in parts {
        sum = add(sum, part);
    }
    sum
}

fn fold() -> u64 {
    let leaves: Vec<Lazy<u64>> = (0..1000).map(Lazy::new).collect();
    let mut kept = Vec::with_capacity(1000);
    for i in 0..100_000 {
        let node = inc(leaves[i % 1000].clone());
        if i < 1000 {
            kept.push(node);
        }
    }
    strict(&kept[999])
}

fn main() {
    let shape = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "chain".to_owned());
    let build: fn(u64) -> Lazy<u64> = match shape.as_str() {
        "chain" => chain,
        "fan_in" => fan_in,
        "lattice" => lattice,
        "fold" => {
            println!("fold: {}", fold());
            return;
        }
        other => panic!("unknown shape `{other}`: chain, fan_in, lattice or fold"),
    };
    let mut checksum = 0_u64;
    with_scheduler(Arc::new(Sequential), || {
        for _ in 0..10 {
            let root = build(10_000);
            checksum = checksum.wrapping_add(strict(&root));
        }
    });
    println!("{shape}: {checksum}");
}
