//! The daisy README's two examples: inlined functions fold their common subexpressions
//! across function boundaries.

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

fn eager_g(a: &Arr, b: &Arr) -> Arr {
    let f = |a: &Arr, b: &Arr| a + b;
    f(&f(a, b), &f(a, b))
}

fn eager_h(a: &Arr, b: &Arr) -> Arr {
    (a + b) + (a + b + 1)
}

/// A million-element input. Tests run in parallel in one process and the folding table is
/// shared, so each test starts its range elsewhere to keep its fold counts its own.
fn arr(start: i64) -> Arr {
    Array1::from_iter(start..start + 1_000_000)
}

#[test]
fn g_folds_to_two_additions_over_one_leaf() {
    let arr = arr(0);
    let result = g(arr.clone(), arr.clone());
    let graph = result.graph();
    assert_eq!(graph.count_op("add"), 2, "{}", graph.task_dict());
    assert_eq!(graph.node_count(), 3, "{}", graph.task_dict());
    // The second `arr` leaf folds into the first (equal content), and the second `f(a, b)`
    // into the first.
    assert_eq!(graph.folds(), 2, "{}", graph.task_dict());
    assert_eq!(strict(&result), eager_g(&arr, &arr));
    let runs: Vec<u32> = result
        .graph()
        .nodes()
        .iter()
        .filter(|n| !n.is_leaf)
        .map(|n| n.runs)
        .collect();
    // `a + b` is computed inside the outer addition's fused pass, chunk by chunk: it never
    // runs as a task of its own (docs/arrays.md).
    assert_eq!(runs, [0, 1]);
}

#[test]
fn h_shares_a_plus_b_between_f_and_g2() {
    let arr = arr(1);
    let leaf = Lazy::new(arr.clone());
    let result = h(&leaf, &leaf);
    let graph = result.graph();
    assert_eq!(graph.count_op("add"), 3, "{}", graph.task_dict());
    // `arr`, the literal `1` and three additions; `g2`'s `a + b` folded into `f`'s.
    assert_eq!(graph.node_count(), 5, "{}", graph.task_dict());
    assert_eq!(graph.folds(), 1, "{}", graph.task_dict());
    assert_eq!(strict(&result), eager_h(&arr, &arr));
}
