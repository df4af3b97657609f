//! Ordinary Rust that `#[autodask(inline)]` and the runtime accept beyond the core rewrite
//! rules, each checked against the same code run eagerly, with the node counts the rule
//! promises.

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
