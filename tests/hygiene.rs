//! The generated code names everything by absolute path and introduces its locals with
//! mixed-site hygiene, so user items called `core`, `std`, `Vec`, `Result`, `lazy` or like
//! the macro's generated locals cannot capture it. (Item names starting with `__lazy_`
//! are reserved for the macros.)

#![allow(
    dead_code,
    non_camel_case_types,
    reason = "the shadowing items exist only to be in the way"
)]

mod core {}
mod std {}
mod lazy {}
struct Vec;
type Result = ();
struct Lazy;
struct IntoLazy;
struct Clone;
fn task() {}
fn select() {}
fn apply() {}

#[derive(::core::clone::Clone, ::core::fmt::Debug, ::core::cmp::PartialEq)]
struct Point {
    x: f64,
    y: f64,
}

impl ::lazy::Fingerprint for Point {
    fn fingerprint(&self, h: &mut ::lazy::FingerprintHasher) {
        self.x.fingerprint(h);
        self.y.fingerprint(h);
    }
}

#[::lazy::lazy]
fn mul(x: i64, y: i64) -> i64 {
    x * y
}

#[::lazy::lazy]
fn generic<T: ::core::ops::Add<Output = T> + ::core::marker::Copy>(__lazy_0: T, __lazy_2: T) -> T {
    __lazy_0 + __lazy_2
}

#[::lazy::autodask(inline)]
fn fused(a: i64, __lazy_0: i64) -> i64 {
    let __lazy_1 = a + __lazy_0;
    mul(__lazy_1, a) * 2
}

#[::lazy::autodask(inline)]
fn rebuilt(p: Point, __lazy_0: f64) -> Point {
    let scaled = Point {
        x: p.x * __lazy_0,
        y: p.y.max(__lazy_0),
    };
    Point {
        x: scaled.x.sqrt(),
        ..scaled
    }
}

/// A parameter named like the local that holds the body's scope.
#[::lazy::autodask(inline)]
fn rooted(__lazy_scope: f64) -> f64 {
    __lazy_scope.sqrt()
}

#[test]
fn shadowed_names_do_not_capture_generated_code() {
    assert_eq!(::lazy::strict(fused(2, 3)), 20);
    assert_eq!(::lazy::strict(generic(2_i64, 3_i64)), 5);
    let p = rebuilt(Point { x: 8.0, y: 1.0 }, 2.0);
    assert_eq!(::lazy::strict(p), Point { x: 4.0, y: 2.0 });
    assert!((::lazy::strict(rooted(9.0)) - 3.0).abs() < 1e-12);
}
