//! The daisy README, in Rust: `#[autodask(inline)]` splices `f` into `g` and `h`, so the
//! graph computes `a + b` once where the eager code computes it two or three times.
//!
//! Run with `cargo run --release --example daisy`. It prints, for each example, the eager
//! and lazy results (they must be equal), the node and fold counts, timings, and the folded
//! graph as a task dictionary and as Graphviz DOT.

use std::time::{Duration, Instant};

use lazy::{Lazy, autodask, strict};
use ndarray::Array1;

type Arr = Array1<i64>;

#[autodask(inline)]
fn f(a: Arr, b: Arr) -> Arr {
    a + b
}

#[autodask(inline)]
fn g(a: Arr, b: Arr) -> Arr {
    f(f(a, b), f(a, b))
}

#[autodask(inline)]
fn g2(a: Arr, b: Arr) -> Arr {
    a + b + 1
}

#[autodask(inline)]
fn h(a: Arr, b: Arr) -> Arr {
    f(a, b) + g2(a, b)
}

/// What numpy does: every call computes, nothing is shared.
mod eager {
    use super::Arr;

    pub(super) fn f(a: &Arr, b: &Arr) -> Arr {
        a + b
    }

    pub(super) fn g(a: &Arr, b: &Arr) -> Arr {
        f(&f(a, b), &f(a, b))
    }

    pub(super) fn g2(a: &Arr, b: &Arr) -> Arr {
        a + b + 1
    }

    pub(super) fn h(a: &Arr, b: &Arr) -> Arr {
        f(a, b) + g2(a, b)
    }
}

/// The best of `runs` timings of `work`.
fn best_of<T>(runs: usize, mut work: impl FnMut() -> T) -> (T, Duration) {
    let mut best = Duration::MAX;
    let mut result = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = work();
        best = best.min(start.elapsed());
        result = Some(value);
    }
    (result.expect("at least one run"), best)
}

fn show(
    name: &str,
    arr: &Arr,
    eager: fn(&Arr, &Arr) -> Arr,
    lazy: fn(&Lazy<Arr>, &Lazy<Arr>) -> Lazy<Arr>,
) {
    let leaf = Lazy::new(arr.clone());
    let (eager_value, eager_time) = best_of(10, || eager(arr, arr));
    // Build and force a fresh graph each run: the previous result is dropped first, so
    // nothing is served from memory.
    let (lazy_value, lazy_time) = best_of(10, || strict(lazy(&leaf, &leaf)));
    assert_eq!(eager_value, lazy_value, "{name}: lazy and eager disagree");

    let result = lazy(&leaf, &leaf);
    let graph = result.graph();
    println!("== {name}(arr, arr), arr = 0..1_000_000");
    println!(
        "eager result[..4]: {:?}",
        &eager_value.as_slice().unwrap()[..4]
    );
    println!(
        "lazy  result[..4]: {:?}",
        &lazy_value.as_slice().unwrap()[..4]
    );
    println!(
        "nodes: {} ({} additions, {} leaves), edges: {}, folds while building: {}",
        graph.node_count(),
        graph.count_op("add"),
        graph.node_count() - graph.task_count(),
        graph.edge_count(),
        graph.folds(),
    );
    println!("eager: {eager_time:?}   lazy (build + run): {lazy_time:?}");
    println!("task dictionary:\n{}", graph.task_dict());
    println!("DOT:\n{}", graph.to_dot());
}

fn main() {
    let arr: Arr = Array1::from_iter(0..1_000_000);
    show("g", &arr, eager::g, |a, b| g(a, b));
    show("h", &arr, eager::h, |a, b| h(a, b));
}
