//! Closures in `#[autodask(inline)]` bodies: a call given a closure is one node, keyed by
//! the closure's tokens and the keys of the lazy values it captures, which are its inputs.
//! Each case is checked against the same body run eagerly.

#![allow(
    clippy::float_cmp,
    reason = "lazy and eager run the same float operations in the same order: results are bit-identical"
)]

use std::sync::atomic::{AtomicUsize, Ordering};

use lazy::{Lazy, autodask, input, strict};
use ndarray::{Array1, array};

/// Defines `$lazy` with `#[autodask(inline)]` and `$eager` as plain Rust, from one body.
macro_rules! both {
    ($(fn $lazy:ident / $eager:ident ($($p:ident: $t:ty),*) -> $r:ty $body:block)*) => {$(
        #[autodask(inline)]
        fn $lazy($($p: $t),*) -> $r $body

        #[allow(clippy::all, clippy::pedantic, reason = "the eager twin of a test body")]
        fn $eager($($p: $t),*) -> $r $body
    )*};
}

both! {
    fn shifted / shifted_eager(xs: Vec<i64>, k: i64) -> Vec<i64> {
        xs.iter().map(|x| x + k).collect()
    }
    fn shifted_again / shifted_again_eager(xs: Vec<i64>, k: i64) -> Vec<i64> {
        xs.iter().map(|x| x + k).collect()
    }
    fn scaled_by / scaled_by_eager(xs: Vec<i64>, k: i64) -> Vec<i64> {
        xs.iter().map(|x| x * k).collect()
    }
    fn doubled / doubled_eager(a: Array1<f64>) -> Array1<f64> { a.mapv(|x| x * 2.0) }
    fn spread / spread_eager(a: Array1<f64>, lo: f64, hi: f64) -> f64 {
        let width = hi - lo;
        let scaled = a.mapv(move |x| (x - lo) / width);
        scaled.sum() + width
    }
    fn counted / counted_eager(xs: Vec<i64>, k: i64) -> usize {
        let limit = k * 2;
        xs.into_iter().filter(|&x| x > limit).count()
    }
    fn labels / labels_eager(xs: Vec<i64>, unit: String) -> Vec<String> {
        xs.iter().map(|x| format!("{x} {unit}")).collect()
    }
    fn nested / nested_eager(rows: Vec<Vec<i64>>, k: i64) -> i64 {
        rows.iter().map(|row| row.iter().map(|x| x * k).sum::<i64>()).sum()
    }
    fn shadowed / shadowed_eager(xs: Vec<i64>, k: i64) -> i64 {
        xs.iter().map(|k| k * 3).sum::<i64>() + k
    }
    fn picked / picked_eager(xs: Vec<i64>, k: i64, flag: bool) -> i64 {
        if flag { xs.iter().map(|x| x * k).sum() } else { k }
    }
    fn matched / matched_eager(xs: Vec<i64>, step: Option<i64>) -> i64 {
        match step {
            Some(s) => xs.iter().map(|x| x * s).sum(),
            None => 0,
        }
    }
    fn named / named_eager(xs: Vec<i64>, unit: Option<String>) -> Vec<String> {
        match unit {
            Some(u) => xs.iter().map(|x| format!("{x} {u}")).collect(),
            None => Vec::new(),
        }
    }
    fn unrolled / unrolled_eager(xs: Vec<i64>) -> i64 {
        let mut acc = 0;
        for i in 1..=3 {
            acc += xs.iter().map(|x| x * i).sum::<i64>();
        }
        acc
    }
    fn built / built_eager(n: usize, k: i64) -> Vec<i64> {
        std::iter::repeat_with(move || k).take(n).collect()
    }
}

/// `xs`, `k` and the node of the call.
const SHIFTED_NODES: usize = 3;

#[test]
fn a_closure_and_what_it_captures_make_one_node() {
    let xs = vec![3, 1, 4];
    let lazy = shifted(xs.clone(), 10);
    assert_eq!(lazy.graph().node_count(), SHIFTED_NODES);
    assert_eq!(strict(&lazy), shifted_eager(xs, 10));
}

#[test]
fn identical_closures_in_two_functions_fold() {
    let (xs, k) = (Lazy::new(vec![3_i64, 1, 4]), Lazy::new(10_i64));
    let a = shifted(&xs, &k);
    let b = shifted_again(&xs, &k);
    assert_eq!(a.key(), b.key(), "the same closure over the same inputs");
    let both = lazy::graph(&[a.clone(), b.clone()]);
    assert_eq!(both.node_count(), SHIFTED_NODES);
    assert_eq!(strict(&b), shifted_again_eager(vec![3, 1, 4], 10));
}

#[test]
fn different_closures_never_fold() {
    let (xs, k) = (Lazy::new(vec![3_i64, 1, 4]), Lazy::new(10_i64));
    let added = shifted(&xs, &k);
    let multiplied = scaled_by(&xs, &k);
    assert_ne!(added.key(), multiplied.key());
    let both = lazy::graph(&[added.clone(), multiplied.clone()]);
    assert_eq!(both.node_count(), SHIFTED_NODES + 1);
    assert_eq!(strict(&added), shifted_eager(vec![3, 1, 4], 10));
    assert_eq!(strict(&multiplied), scaled_by_eager(vec![3, 1, 4], 10));
}

#[test]
fn a_captured_value_is_an_input() {
    let xs = Lazy::new(vec![3_i64, 1, 4]);
    assert_ne!(
        shifted(&xs, 1).key(),
        shifted(&xs, 2).key(),
        "the capture's key is part of the node's"
    );
    let k = input(1_i64);
    let lazy = shifted(&xs, &k);
    assert_eq!(strict(&lazy), vec![4, 2, 5]);
    k.set(5);
    assert_eq!(
        strict(&lazy),
        vec![8, 6, 9],
        "changing the capture re-ran the node"
    );
    let node = lazy.graph().nodes().last().expect("the call's node").runs;
    assert_eq!(node, 2);
}

#[test]
fn ndarray_mapv_takes_a_closure() {
    let a = array![1.0, 2.5, -4.0];
    let lazy = doubled(a.clone());
    // The leaf and the `.mapv(..)` node.
    assert_eq!(lazy.graph().node_count(), 2);
    assert_eq!(strict(&lazy), doubled_eager(a.clone()));
    assert_eq!(
        strict(spread(a.clone(), -4.0, 2.5)),
        spread_eager(a, -4.0, 2.5)
    );
}

#[test]
fn a_chain_through_a_method_given_a_closure_is_one_node_from_there() {
    let xs = vec![5, 1, 9, 7];
    let lazy = counted(xs.clone(), 3);
    // Leaves `xs` and `k` (2 folds into neither); `k * 2`; `xs.into_iter()`;
    // `.filter(..).count()` over it and `limit`.
    assert_eq!(lazy.graph().node_count(), 6);
    assert_eq!(strict(&lazy), counted_eager(xs, 3));
}

#[test]
fn format_strings_nested_closures_and_shadowing() {
    assert_eq!(
        strict(labels(vec![1, 2], "m".to_owned())),
        labels_eager(vec![1, 2], "m".to_owned())
    );
    let rows = vec![vec![1, 2], vec![3]];
    assert_eq!(strict(nested(rows.clone(), 4)), nested_eager(rows, 4));
    let lazy = shadowed(vec![1, 2], 100);
    // The closure's parameter `k` hides the argument, so the sum's only input is `xs`:
    // edges `xs -> sum`, `sum -> +` and `k -> +`.
    assert_eq!(lazy.graph().node_count(), 4);
    assert_eq!(lazy.graph().edge_count(), 3);
    assert_eq!(strict(&lazy), shadowed_eager(vec![1, 2], 100));
}

#[test]
fn a_plain_call_given_a_closure_is_one_node() {
    let lazy = built(3, 7);
    // Leaves `n` and `k`; `repeat_with(move || k)` over `k`; `.take(n)`; `.collect()`.
    assert_eq!(lazy.graph().node_count(), 5);
    let names: Vec<&str> = lazy.graph().nodes().iter().map(|n| n.name).collect();
    assert!(
        names
            .iter()
            .any(|n| n.starts_with("std::iter::repeat_with(move || k #")),
        "the call's label shows the closure: {names:#?}"
    );
    assert_eq!(strict(&lazy), built_eager(3, 7));
    assert_eq!(built(3, 7).key(), lazy.key());
}

static RUNS: AtomicUsize = AtomicUsize::new(0);

fn counted_map(xs: Vec<i64>, f: impl Fn(i64) -> i64) -> Vec<i64> {
    RUNS.fetch_add(1, Ordering::SeqCst);
    xs.into_iter().map(f).collect()
}

#[autodask(inline)]
fn via_helper(xs: Vec<i64>, k: i64) -> Vec<i64> {
    counted_map(xs, |x| x - k)
}

#[test]
fn a_folded_closure_call_runs_once() {
    let xs = Lazy::new(vec![10_i64, 20]);
    let a = via_helper(&xs, 1);
    let b = via_helper(&xs, 1);
    assert_eq!(a.key(), b.key());
    assert_eq!(strict(&a), vec![9, 19]);
    assert_eq!(strict(&b), vec![9, 19]);
    assert_eq!(RUNS.load(Ordering::SeqCst), 1);
}

#[test]
fn closures_in_branches_arms_and_unrolled_loops_capture_their_values() {
    let xs = vec![1, 2, 3];
    for flag in [true, false] {
        assert_eq!(
            strict(picked(xs.clone(), 5, flag)),
            picked_eager(xs.clone(), 5, flag)
        );
    }
    for step in [Some(4), None] {
        assert_eq!(
            strict(matched(xs.clone(), step)),
            matched_eager(xs.clone(), step)
        );
    }
    let unit = Some("kg".to_owned());
    assert_eq!(
        strict(named(xs.clone(), unit.clone())),
        named_eager(xs.clone(), unit),
        "an arm's binding used only in a format string is bound for the closure"
    );
    let lazy = unrolled(xs.clone());
    assert_eq!(strict(&lazy), unrolled_eager(xs));
    // Each iteration's closure captures its own `i`: three map nodes that do not fold.
    let maps = lazy
        .graph()
        .nodes()
        .iter()
        .filter(|n| n.name.starts_with(".iter().map("))
        .count();
    assert_eq!(maps, 3);
}
