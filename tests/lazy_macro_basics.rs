//! `#[lazy]` and `#[autodask]` (without `inline`): a call records one task node, runs on
//! demand, once, and folds with equal calls; `#[lazy(impure)]` never folds.

use std::ops::Mul;
use std::sync::atomic::{AtomicUsize, Ordering};

use lazy::{Lazy, autodask, lazy, strict, try_strict};

static SQUARES: AtomicUsize = AtomicUsize::new(0);

#[lazy]
fn square<T: Mul<Output = T> + Copy>(x: T) -> T {
    SQUARES.fetch_add(1, Ordering::SeqCst);
    x * x
}

#[lazy]
fn mul(x: i64, y: i64) -> i64 {
    x * y
}

#[test]
fn calls_accept_plain_and_lazy_values() {
    let a = Lazy::new(3_i64);
    assert_eq!(strict(square(2_i64)), 4);
    assert_eq!(strict(square(&a)), 9);
    assert!((strict(square(1.5_f64)) - 2.25).abs() < f64::EPSILON);
    assert_eq!(strict(mul(&a, 5)), 15);
    assert_eq!(strict(mul(square(&a), square(a.clone()))), 81);
}

#[test]
fn a_call_builds_one_node_and_runs_nothing_until_forced() {
    let before = SQUARES.load(Ordering::SeqCst);
    let x = square(1001_i64);
    assert_eq!(
        SQUARES.load(Ordering::SeqCst),
        before,
        "building runs nothing"
    );
    let graph = x.graph();
    assert_eq!((graph.node_count(), graph.task_count()), (2, 1));
    assert_eq!(graph.count_op("square"), 1, "{}", graph.task_dict());
    assert_eq!(strict(&x), 1001 * 1001);
    assert_eq!(strict(&x), 1001 * 1001);
    let task = x
        .graph()
        .nodes()
        .iter()
        .find(|n| !n.is_leaf)
        .cloned()
        .unwrap();
    assert_eq!(task.runs, 1, "forcing twice runs once");
}

#[test]
fn equal_calls_fold_into_one_node() {
    let first = mul(1234, 5678);
    let second = mul(1234, 5678);
    assert_eq!(first.key(), second.key());
    assert_ne!(
        first.key(),
        mul(5678, 1234).key(),
        "argument order is part of the key"
    );
    let both = lazy::graph(&(first, second));
    assert_eq!(both.task_count(), 1);
}

#[test]
fn generic_instances_are_different_operations() {
    assert_ne!(square(7_i64).key(), square(7_i32).key());
}

static REPORTS: AtomicUsize = AtomicUsize::new(0);

#[lazy(impure)]
fn report(x: i64) {
    let _ = x;
    REPORTS.fetch_add(1, Ordering::SeqCst);
}

#[test]
fn impure_calls_are_never_folded() {
    let before = REPORTS.load(Ordering::SeqCst);
    let (a, b) = (report(1), report(1));
    assert_ne!(a.key(), b.key());
    strict((&a, &b));
    assert_eq!(REPORTS.load(Ordering::SeqCst), before + 2);
}

#[autodask]
fn collatz_steps(n: u64) -> u64 {
    let (mut n, mut steps) = (n, 0);
    while n != 1 {
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        steps += 1;
    }
    steps
}

#[test]
fn autodask_without_inline_runs_strict_bodies_as_one_task() {
    let steps = collatz_steps(27);
    assert_eq!(steps.graph().task_count(), 1);
    assert_eq!(strict(steps), 111);
}

#[lazy]
fn fails(x: i64) -> i64 {
    assert!(x < 0, "expected a negative number, got {x}");
    x
}

#[test]
fn a_panicking_body_is_an_error_naming_the_function() {
    let error = try_strict(fails(5)).unwrap_err();
    assert!(error.task().contains("fails"), "{error}");
    assert!(
        error
            .to_string()
            .contains("expected a negative number, got 5"),
        "{error}"
    );
}

#[lazy]
fn answer() -> i64 {
    42
}

#[autodask(inline)]
fn answer_plus(x: i64) -> i64 {
    answer() + x
}

#[test]
fn functions_without_parameters_are_nodes_too() {
    assert_eq!(answer().key(), answer().key());
    assert_eq!(strict(answer_plus(8)), 50);
}
