//! The core issue's example, through `#[lazy]`: what runs, when, and how often.
#![allow(
    clippy::many_single_char_names,
    reason = "the names of the prototype's example"
)]

use std::sync::atomic::{AtomicUsize, Ordering};

use lazy::inspect::NodeState;
use lazy::{Lazy, lazy, strict, try_strict};

static SQUARES: AtomicUsize = AtomicUsize::new(0);
static MULS: AtomicUsize = AtomicUsize::new(0);
static ADDS: AtomicUsize = AtomicUsize::new(0);

#[lazy]
fn square(x: i64) -> i64 {
    SQUARES.fetch_add(1, Ordering::SeqCst);
    x * x
}

#[lazy]
fn mul(x: i64, y: i64) -> i64 {
    MULS.fetch_add(1, Ordering::SeqCst);
    x * y
}

#[lazy]
fn add(x: i64, y: i64) -> i64 {
    ADDS.fetch_add(1, Ordering::SeqCst);
    x + y
}

#[lazy]
fn duplicate<T: Clone>(x: T) -> (T, T) {
    (x.clone(), x)
}

#[lazy]
fn checked_div(x: i64, y: i64) -> i64 {
    assert!(y != 0, "division of {x} by zero");
    x / y
}

/// How many times the task of `x`'s own node has run.
fn runs<T>(x: &Lazy<T>) -> u32 {
    x.graph().nodes().last().expect("the value's node").runs
}

#[test]
fn the_prototype_example_runs_the_minimal_work_and_keeps_what_add_needs() {
    // The counters are shared with the other tests of this file, so count per node.
    let a = square(1002);
    let b = square(1003);
    let c = mul(&a, &b);
    let d = add(&a, &b);
    assert_eq!(
        (runs(&a), runs(&b), runs(&c)),
        (0, 0, 0),
        "building runs nothing"
    );
    assert!(format!("{c:?}").contains("pending"), "{c:?}");
    assert_eq!(strict(&c), 1002 * 1002 * 1003 * 1003);
    assert_eq!(
        (runs(&a), runs(&b), runs(&c), runs(&d)),
        (1, 1, 1, 0),
        "add was not asked for"
    );
    assert_eq!(d.state(), NodeState::Pending);
    drop((a, b));
    assert_eq!(strict(&d), 1002 * 1002 + 1003 * 1003);
    let g = lazy::graph(&(&c, &d));
    let square_runs: Vec<u32> = g
        .nodes()
        .iter()
        .filter(|n| n.short_name() == "square")
        .map(|n| n.runs)
        .collect();
    assert_eq!(square_runs, [1, 1], "the squares were kept for add");
    assert_eq!(runs(&d), 1);
    assert!(
        SQUARES.load(Ordering::SeqCst) >= 2
            && MULS.load(Ordering::SeqCst) >= 1
            && ADDS.load(Ordering::SeqCst) >= 1
    );
}

#[test]
fn calls_accept_plain_and_lazy_values_and_fold_when_repeated() {
    let x = square(7);
    let y = square(Lazy::new(7));
    assert_eq!(x.key(), y.key(), "square(7) twice is one node");
    assert!(x.graph().folds() >= 1);
    let pair = duplicate(String::from("ab"));
    let pair_of_lazy = duplicate(Lazy::new(String::from("ab")));
    assert_eq!(pair.key(), pair_of_lazy.key());
    assert_eq!(strict(&pair), (String::from("ab"), String::from("ab")));
    assert_ne!(
        duplicate(1_i64).key(),
        duplicate(1_u8).key(),
        "generic arguments are part of the operation"
    );
}

#[test]
fn leaves_fold_by_type_and_content() {
    assert_ne!(Lazy::new(1_i64).key(), Lazy::new(1_u8).key());
    assert_ne!(Lazy::new(1.0_f64).key(), Lazy::new(true).key());
    assert_ne!(Lazy::new(0.0_f64).key(), Lazy::new(-0.0_f64).key());
    assert_eq!(Lazy::new(f64::NAN).key(), Lazy::new(f64::NAN).key());
    let v1: Vec<f64> = (0..100).map(f64::from).collect();
    let v2: Vec<f64> = (0..100).map(f64::from).collect();
    assert_eq!(Lazy::new(v1).key(), Lazy::new(v2).key());
    assert_eq!(
        Lazy::new(Some((1_u8, 'x'))).key(),
        Lazy::new(Some((1_u8, 'x'))).key()
    );
    assert_ne!(
        Lazy::opaque(5_i32).key(),
        Lazy::opaque(5_i32).key(),
        "opaque leaves key by identity"
    );
}

#[test]
fn forcing_several_outputs_shares_their_work() {
    let before = SQUARES.load(Ordering::SeqCst);
    let s = square(2024);
    let (p, q) = (add(&s, 1), add(&s, 2));
    assert_eq!(strict((&p, &q)), (2024 * 2024 + 1, 2024 * 2024 + 2));
    assert_eq!(SQUARES.load(Ordering::SeqCst) - before, 1);
    assert_eq!(strict(vec![&p, &q]), vec![2024 * 2024 + 1, 2024 * 2024 + 2]);
}

#[test]
fn a_panicking_task_is_reported_by_name_and_leaves_the_rest_working() {
    let bad = checked_div(10, 0);
    let fine = checked_div(10, 2);
    let err = try_strict(&bad).unwrap_err();
    assert!(err.task().contains("checked_div"), "{err}");
    assert_eq!(err.message(), Some("division of 10 by zero"));
    assert_eq!(strict(&fine), 5);
    let panic = std::panic::catch_unwind(|| strict(&add(&bad, 1))).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(
        message.contains("checked_div") && message.contains("division of 10 by zero"),
        "{message}"
    );
}
