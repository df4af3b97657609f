//! Expansions compile cleanly under `deny(warnings)` and clippy's pedantic group: a user
//! who denies lints in their own crate never sees one caused by our generated code.

#![deny(warnings, clippy::all, clippy::pedantic)]

use lazy::{autodask, lazy, strict};

/// A documented lazy function.
#[lazy]
#[must_use]
pub fn scale(x: f64, by: f64) -> f64 {
    x * by
}

/// A lazy function run for its effect.
#[lazy(impure)]
pub fn touch(x: u8) {
    let _ = x;
}

/// A generic lazy function with a where clause.
#[lazy]
pub fn largest<T>(a: T, b: T) -> T
where
    T: PartialOrd,
{
    if a > b { a } else { b }
}

/// An opaque autodask function that loops.
#[autodask]
pub fn total(xs: Vec<i64>) -> i64 {
    xs.iter().sum()
}

/// An inlined function using most rewrite rules.
#[autodask(inline)]
pub fn mixed(a: f64, xs: Vec<f64>, flag: bool) -> (f64, Vec<f64>) {
    let first = xs[0];
    let picked = if flag && a > 0.0 { a.sqrt() } else { -first };
    let doubled = vec![picked, picked * 2.0];
    (scale(picked, 3.0) + doubled[1], doubled)
}

/// A generic inlined function with a method call and a block that declares an item: its
/// scope binding, instance item and block scopes.
#[autodask(inline)]
pub fn rounded<T: Into<f64> + Copy>(x: T, places: i32) -> f64 {
    let scale = {
        use std::ops::Mul;
        10.0_f64.powi(places).mul(1.0)
    };
    let value: f64 = x.into();
    (value * scale).round() / scale
}

/// An inlined function whose calls are given closures that capture its values.
#[autodask(inline)]
pub fn offsets(xs: Vec<i64>, k: i64) -> Vec<i64> {
    let limit = k * 2;
    let shifted: Vec<i64> = xs.iter().map(|x| x + k).collect();
    std::iter::repeat_with(move || limit)
        .zip(shifted)
        .map(|(l, x)| x.min(l))
        .collect()
}

/// An inlined `match` whose last arm always matches: the node that binds its names has a
/// fallback arm that stays reachable, with no lint to suppress.
#[autodask(inline)]
pub fn span(pair: (i64, i64), n: i64) -> i64 {
    let width = match pair {
        (0, hi) => hi,
        (lo, hi) => hi - lo,
    };
    match n {
        0 => width,
        m => width * m,
    }
}

#[test]
fn expansions_are_lint_clean() {
    assert_eq!(strict(span((2, 7), 3)), 15);
    assert_eq!(strict(span((0, 7), 0)), 7);
    assert_eq!(strict(offsets(vec![1, 9], 3)), vec![4, 6]);
    let (x, v) = strict(mixed(4.0, vec![1.0], true));
    assert!((x - 10.0).abs() < 1e-12);
    assert_eq!(v.len(), 2);
    assert_eq!(strict(largest(3, 9)), 9);
    assert_eq!(strict(total(vec![1, 2])), 3);
    let _ = touch(1);
    assert!((strict(rounded(2.345_f32, 2)) - 2.35).abs() < 1e-9);
}
