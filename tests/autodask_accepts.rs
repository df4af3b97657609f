//! Ordinary Rust that `#[autodask(inline)]` and the runtime accept beyond the core rewrite
//! rules, each checked against the same code run eagerly, with the node counts the rule
//! promises.

use std::sync::atomic::{AtomicUsize, Ordering};

use lazy::{autodask, strict};

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
    fn total / total_eager(xs: Vec<i64>) -> i64 { xs.iter().sum() }
    fn trimmed_len / trimmed_len_eager(s: String) -> usize { s.trim().len() }
    fn largest / largest_eager(xs: Vec<i64>, k: i64) -> i64 {
        xs.clone().iter().max().copied().unwrap_or(k) + k
    }
    fn words / words_eager(s: String) -> usize { s.split_whitespace().count() * 2 }
    fn cube / cube_eager(x: i64) -> i64 { let mut acc = 1; for _ in 0..3 { acc *= x; } acc }
    fn series / series_eager(x: i64) -> i64 {
        let mut acc = 0;
        for i in 1..=4 {
            let t = x * i;
            acc += t;
        }
        acc
    }
}

#[test]
fn a_chain_through_a_borrowing_method_is_one_node() {
    let xs = vec![3, 1, 4, 1, 5];
    let lazy = total(xs.clone());
    // One leaf for `xs`, one node for `.iter().sum()`.
    assert_eq!(lazy.graph().node_count(), 2);
    assert_eq!(strict(&lazy), total_eager(xs));
    assert_eq!(
        strict(trimmed_len("  daisy ".to_owned())),
        trimmed_len_eager("  daisy ".to_owned())
    );
    assert_eq!(
        strict(words("one two  three".to_owned())),
        words_eager("one two  three".to_owned())
    );
}

#[test]
fn the_borrowing_chain_starts_after_the_methods_before_it() {
    let xs = vec![2, 9, 4];
    let lazy = largest(xs.clone(), 10);
    // Leaves `xs` and `k`; `.clone()`; `.iter().max().copied().unwrap_or(k)`; `+ k`.
    assert_eq!(lazy.graph().node_count(), 5);
    assert_eq!(strict(&lazy), largest_eager(xs, 10));
    assert_eq!(
        strict(largest(Vec::<i64>::new(), 3)),
        largest_eager(Vec::new(), 3)
    );
}

#[autodask(inline)]
fn scaled(x: i64) -> i64 {
    x * 2 + 1
}

#[autodask(inline)]
fn above(x: i64) -> bool {
    x > 3
}

#[test]
fn operators_with_plain_values_fold_with_inlined_bodies() {
    let x = lazy::Lazy::new(20_i64);
    let by_hand = &x * 2 + 1;
    assert_eq!(by_hand.key(), scaled(&x).key());
    assert_eq!(strict(&by_hand), 20 * 2 + 1);
    assert_eq!(strict(3 - &x), 3 - 20);
    assert_eq!(x.gt(3).key(), above(&x).key());
    assert_eq!(lazy::cmp::gt(&x, 3).key(), above(&x).key());
    assert_eq!(strict(x.le(3)), 20 <= 3);
}

#[lazy::lazy]
fn sum_all(xs: Vec<i64>) -> i64 {
    xs.iter().sum()
}

#[lazy::lazy]
fn shout(s: String) -> String {
    s.to_uppercase()
}

#[test]
fn collections_of_lazy_values_are_one_node() {
    let parts: Vec<lazy::Lazy<i64>> = (0..50_i64).map(scaled).collect();
    let sum = sum_all(parts);
    let eager: i64 = (0..50).map(|n| n * 2 + 1).sum();
    assert_eq!(strict(&sum), eager);
    // 50 leaves, the factor 2 and the 1 (leaves of parts too), 50 products and 50 sums,
    // then the vector and the total.
    assert_eq!(sum.graph().node_count(), 50 + 50 + 50 + 2);
    let pair = [scaled(1), scaled(2)];
    assert_eq!(strict(sum_all(pair)), 3 + 5);
    assert_eq!(strict(shout("daisy")), "DAISY");
}

#[test]
fn a_for_loop_over_a_literal_range_is_unrolled() {
    let lazy = cube(3);
    // Leaves `x` and `1`, then one product per iteration.
    assert_eq!(lazy.graph().node_count(), 2 + 3);
    assert_eq!(strict(&lazy), cube_eager(3));
    let lazy = series(5);
    // Leaves `x`, `0` and `1..=4`, then a product and a sum per iteration.
    assert_eq!(lazy.graph().node_count(), 6 + 4 * 2);
    assert_eq!(strict(&lazy), series_eager(5));
    assert_eq!(series(5).key(), lazy.key());
}

#[derive(Clone, Debug, PartialEq, lazy::Fingerprint)]
enum Shape {
    Empty,
    Circle(i64),
    Rect { w: i64, h: i64 },
}

both! {
    fn sign / sign_eager(x: i64) -> i64 { match x { 0 => 0, v if v > 0 => 1, _ => -1 } }
    fn area / area_eager(s: Shape, k: i64) -> i64 {
        match s {
            Shape::Empty => 0,
            Shape::Circle(r) => r * r * 3 + k,
            Shape::Rect { w, h } => w * h,
        }
    }
    fn classify / classify_eager(p: (i64, i64)) -> i64 {
        match p { (0, 0) => 0, (1..=9, _) => 1, (_, y) => y }
    }
    fn doubled_or / doubled_or_eager(o: Option<i64>, d: i64) -> i64 {
        if let Some(v) = o { v * 2 } else { d }
    }
}

#[autodask(inline)]
fn factorial(n: u64) -> u64 {
    match n {
        0 => 1,
        m => m * factorial(m - 1),
    }
}

#[test]
fn match_and_if_let_agree_with_eager() {
    for x in [-3, 0, 4] {
        assert_eq!(strict(sign(x)), sign_eager(x));
    }
    let shapes = [Shape::Empty, Shape::Circle(2), Shape::Rect { w: 3, h: 4 }];
    for s in shapes {
        assert_eq!(strict(area(s.clone(), 7)), area_eager(s, 7));
    }
    for p in [(0, 0), (5, 8), (12, -1)] {
        assert_eq!(strict(classify(p)), classify_eager(p));
    }
    for o in [Some(21), None] {
        assert_eq!(strict(doubled_or(o, -1)), doubled_or_eager(o, -1));
    }
}

static RECT_RUNS: AtomicUsize = AtomicUsize::new(0);

fn rect_area(w: i64, h: i64) -> i64 {
    RECT_RUNS.fetch_add(1, Ordering::SeqCst);
    w * h
}

#[autodask(inline)]
fn rect_only(s: Shape) -> i64 {
    match s {
        Shape::Rect { w, h } => rect_area(w, h),
        _ => 0,
    }
}

#[test]
fn only_the_arm_taken_is_built_and_run() {
    assert_eq!(strict(rect_only(Shape::Circle(2))), 0);
    assert_eq!(
        RECT_RUNS.load(Ordering::SeqCst),
        0,
        "the other arm did not run"
    );
    let rect = rect_only(Shape::Rect { w: 3, h: 4 });
    assert_eq!(strict(&rect), 12);
    assert_eq!(RECT_RUNS.load(Ordering::SeqCst), 1);
    assert_eq!(
        rect_only(Shape::Rect { w: 3, h: 4 }).key(),
        rect.key(),
        "equal matches fold"
    );
    assert_eq!(strict(rect_only(Shape::Rect { w: 3, h: 4 })), 12);
    assert_eq!(
        RECT_RUNS.load(Ordering::SeqCst),
        1,
        "a folded match runs once"
    );
}

#[test]
fn a_recursive_match_builds_only_the_levels_it_takes() {
    // Each level's recursive call is in an arm, built only when that arm is taken, so the
    // recursion ends at `0` instead of unfolding for ever when the graph is built.
    let lazy = factorial(10);
    assert_eq!(strict(&lazy), (1..=10).product::<u64>());
    assert_eq!(factorial(10).key(), lazy.key());
    assert_ne!(factorial(9).key(), lazy.key());
}
