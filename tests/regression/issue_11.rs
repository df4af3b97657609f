//! Issue #11 (<https://example.invalid/lazy/issues/11>): two nodes of an inlined body fold only
//! when they run the same code on equal inputs.
//!
//! `x.twist()` resolved through two different traits was keyed by the method's name and
//! types alone, so the second function returned the first one's result. Each kind of key
//! the rewrite builds has a test here that gives a wrong answer if the key is inexact, and
//! one that shows the folding the exact key keeps.

#![allow(
    clippy::needless_pass_by_value,
    reason = "inlined bodies and deferred plain callees take their inputs by value"
)]

use lazy::{Lazy, autodask, graph, strict};

mod m1 {
    pub(super) trait Twist {
        fn twist(self) -> i64;
    }

    impl Twist for i64 {
        fn twist(self) -> i64 {
            self + 1
        }
    }
}

mod m2 {
    pub(super) trait Twist2 {
        fn twist(self) -> i64;
    }

    impl Twist2 for i64 {
        fn twist(self) -> i64 {
            self * 100
        }
    }
}

/// `twist` through `m1::Twist`, the trait this module imports.
mod use1 {
    use lazy::autodask;

    use super::m1::Twist;

    #[autodask(inline)]
    pub(super) fn f(x: i64) -> i64 {
        x.twist()
    }

    #[autodask(inline)]
    pub(super) fn f_again(x: i64) -> i64 {
        x.twist() * 2
    }

    /// The trait method named by a path, which resolves like the method call.
    #[autodask(inline)]
    pub(super) fn by_path(x: i64) -> i64 {
        i64::twist(x)
    }
}

/// `twist` through `m2::Twist2`: the same tokens as in `use1`, another method.
mod use2 {
    use lazy::autodask;

    use super::m2::Twist2;

    #[autodask(inline)]
    pub(super) fn g(x: i64) -> i64 {
        x.twist()
    }

    #[autodask(inline)]
    pub(super) fn by_path(x: i64) -> i64 {
        i64::twist(x)
    }
}

#[test]
fn methods_resolved_through_different_traits_do_not_fold() {
    assert_eq!(strict(use1::f(5)), 6);
    assert_eq!(strict(use2::g(5)), 500);
    let x = Lazy::new(7_i64);
    let both = (use1::f(&x), use2::g(&x));
    assert_eq!(graph(&both).count_op(".twist()"), 2);
    assert_eq!(strict(both), (8, 700));
}

#[test]
fn methods_of_one_module_fold_across_non_generic_functions() {
    let x = Lazy::new(11_i64);
    // A plain value and a handle to an equal leaf: the same input either way.
    let both = (use1::f(11), use1::f_again(&x));
    assert_eq!(
        graph(&both).count_op(".twist()"),
        1,
        "{}",
        graph(&both).task_dict()
    );
    assert_eq!(strict(both), (12, 24));
}

/// The traits in scope come from `use` items in the body, block by block.
mod body_uses {
    use lazy::autodask;

    #[autodask(inline)]
    pub(super) fn first(x: i64) -> i64 {
        use super::m1::Twist;
        x.twist()
    }

    #[autodask(inline)]
    pub(super) fn second(x: i64) -> i64 {
        use super::m2::Twist2;
        x.twist()
    }

    #[autodask(inline)]
    pub(super) fn blocks(x: i64) -> i64 {
        let a = {
            use super::m1::Twist;
            x.twist()
        };
        let b = {
            use super::m2::Twist2;
            x.twist()
        };
        a + b
    }

    #[autodask(inline)]
    pub(super) fn twice_in_one_block(x: i64) -> i64 {
        use super::m1::Twist;
        x.twist() + x.twist()
    }
}

#[test]
fn methods_resolved_through_uses_in_the_body_do_not_fold() {
    let x = Lazy::new(3_i64);
    assert_eq!(
        strict((body_uses::first(&x), body_uses::second(&x))),
        (4, 300)
    );
    assert_eq!(strict(body_uses::blocks(&x)), 4 + 300);
}

#[test]
fn methods_fold_within_one_block_that_declares_items() {
    let result = body_uses::twice_in_one_block(13);
    assert_eq!(
        result.graph().count_op(".twist()"),
        1,
        "{}",
        result.graph().task_dict()
    );
    assert_eq!(strict(result), 28);
}

/// The bounds on type parameters decide, whatever the module imports.
mod bounds {
    use lazy::autodask;

    use super::m1::Twist;
    use super::m2::Twist2;

    #[autodask(inline)]
    pub(super) fn first<T: Twist>(x: T) -> i64 {
        x.twist()
    }

    #[autodask(inline)]
    pub(super) fn second<T: Twist2>(x: T) -> i64 {
        x.twist()
    }

    pub(super) trait Width {
        fn width<U>(self) -> usize;
    }

    impl Width for i64 {
        fn width<U>(self) -> usize {
            std::mem::size_of::<U>()
        }
    }

    /// `U` appears in neither the inputs nor the output: only the instance tells them apart.
    #[autodask(inline)]
    pub(super) fn width_of<U: 'static + Send + Sync + Clone>(x: i64) -> usize {
        x.width::<U>()
    }
}

#[test]
fn methods_resolved_through_different_bounds_do_not_fold() {
    let x = Lazy::new(9_i64);
    assert_eq!(strict((bounds::first(&x), bounds::second(&x))), (10, 900));
}

#[test]
fn generic_arguments_outside_the_types_do_not_fold() {
    let x = Lazy::new(1_i64);
    let widths = (bounds::width_of::<u8>(&x), bounds::width_of::<u64>(&x));
    assert_eq!(strict(widths), (1, 8));
}

#[test]
fn calls_of_one_generic_instance_fold_however_their_arguments_are_passed() {
    let x = Lazy::new(15_i64);
    let all = (
        bounds::first(&x),
        bounds::first(x.clone()),
        bounds::first(15_i64),
    );
    assert_eq!(
        graph(&all).count_op(".twist()"),
        1,
        "{}",
        graph(&all).task_dict()
    );
    assert_eq!(strict(all), (16, 16, 16));
}

/// The bounds of an enclosing impl, which the macro cannot see.
mod impls {
    use std::marker::PhantomData;

    use lazy::{Value, autodask};

    use super::m1::Twist;
    use super::m2::Twist2;

    pub(super) struct First<T>(PhantomData<T>);

    impl<T: Twist + Value> First<T> {
        #[autodask(inline)]
        pub(super) fn call(x: T) -> i64 {
            x.twist()
        }
    }

    pub(super) struct Second<T>(PhantomData<T>);

    impl<T: Twist2 + Value> Second<T> {
        #[autodask(inline)]
        pub(super) fn call(x: T) -> i64 {
            x.twist()
        }
    }
}

#[test]
fn methods_resolved_through_the_bounds_of_an_impl_do_not_fold() {
    let x = Lazy::new(2_i64);
    let both = (
        impls::First::<i64>::call(&x),
        impls::Second::<i64>::call(&x),
    );
    assert_eq!(strict(both), (3, 200));
}

/// A private field shadows the field of the type it dereferences to, inside its module only.
mod fields {
    use std::ops::Deref;

    use lazy::autodask;

    #[derive(Clone, Debug)]
    pub(super) struct Inner {
        pub(super) x: i64,
    }

    #[derive(Clone, Debug)]
    pub(super) struct Outer {
        x: i64,
        pub(super) inner: Inner,
    }

    impl Deref for Outer {
        type Target = Inner;

        fn deref(&self) -> &Inner {
            &self.inner
        }
    }

    pub(super) fn outer(own: i64, inner: i64) -> Outer {
        Outer {
            x: own,
            inner: Inner { x: inner },
        }
    }

    #[autodask(inline)]
    pub(super) fn own_x(o: Outer) -> i64 {
        o.x
    }

    #[autodask(inline)]
    pub(super) fn own_x_plus_one(o: Outer) -> i64 {
        o.x + 1
    }
}

#[autodask(inline)]
fn inner_x(o: fields::Outer) -> i64 {
    o.x
}

#[test]
fn fields_resolved_through_privacy_do_not_fold() {
    let o = Lazy::opaque(fields::outer(1, 2));
    assert_eq!(strict((fields::own_x(&o), inner_x(&o))), (1, 2));
}

#[test]
fn fields_fold_across_functions_of_one_module() {
    let o = Lazy::opaque(fields::outer(3, 4));
    let both = (fields::own_x(&o), fields::own_x_plus_one(&o));
    assert_eq!(
        graph(&both).count_op(".x"),
        1,
        "{}",
        graph(&both).task_dict()
    );
    assert_eq!(strict(both), (3, 4));
}

#[derive(Clone, Debug, PartialEq)]
enum Choice {
    Left { v: i64 },
    Right { v: i64 },
}

/// `V { v }` names `Choice::Left` here and `Choice::Right` below: the output type is the
/// same, only the scope tells the variants apart.
mod left {
    use lazy::autodask;

    use super::Choice::Left as V;

    #[autodask(inline)]
    pub(super) fn make(v: i64) -> super::Choice {
        V { v }
    }

    #[autodask(inline)]
    pub(super) fn make_pair(v: i64) -> (super::Choice, i64) {
        (V { v }, v)
    }
}

mod right {
    use lazy::autodask;

    use super::Choice::Right as V;

    #[autodask(inline)]
    pub(super) fn make(v: i64) -> super::Choice {
        V { v }
    }
}

#[test]
fn struct_literals_naming_different_variants_do_not_fold() {
    let v = Lazy::new(5_i64);
    let both = (left::make(&v), right::make(&v));
    assert_eq!(
        strict(both),
        (Choice::Left { v: 5 }, Choice::Right { v: 5 })
    );
}

#[test]
fn struct_literals_fold_across_functions_of_one_module() {
    let v = Lazy::new(6_i64);
    let both = (left::make(&v), left::make_pair(&v));
    assert_eq!(
        graph(&both).count_op("V { v }"),
        1,
        "{}",
        graph(&both).task_dict()
    );
    assert_eq!(strict(both).1.0, Choice::Left { v: 6 });
}

fn double(x: i64) -> i64 {
    x * 2
}

fn triple(x: i64) -> i64 {
    x * 3
}

/// Function pointers: their type says nothing about which function they point to.
const DOUBLE: fn(i64) -> i64 = double;
const TRIPLE: fn(i64) -> i64 = triple;

#[autodask(inline)]
fn through_pointers(x: i64) -> i64 {
    DOUBLE(x) + TRIPLE(x)
}

#[test]
fn calls_through_function_pointers_do_not_fold() {
    assert_eq!(strict(through_pointers(7)), 14 + 21);
}

#[test]
fn calls_are_keyed_by_the_resolved_function_not_the_path_as_written() {
    let x = Lazy::new(4_i64);
    let both = (use1::by_path(&x), use2::by_path(&x));
    assert_eq!(strict(both), (5, 400));
}

mod callers {
    use lazy::autodask;

    #[autodask(inline)]
    pub(super) fn by_super(x: i64) -> i64 {
        super::double(x)
    }

    #[autodask(inline)]
    pub(super) fn by_crate(x: i64) -> i64 {
        crate::regression::issue_11::double(x) + 1
    }

    /// Items declared in two functions' bodies have two paths (`callers::local_a::helper`).
    #[autodask(inline)]
    pub(super) fn local_a(x: i64) -> i64 {
        fn helper(x: i64) -> i64 {
            x - 1
        }
        helper(x)
    }

    #[autodask(inline)]
    pub(super) fn local_b(x: i64) -> i64 {
        fn helper(x: i64) -> i64 {
            x - 2
        }
        helper(x)
    }
}

#[test]
fn calls_of_one_function_fold_whatever_path_names_it() {
    let x = Lazy::new(8_i64);
    let both = (callers::by_super(&x), callers::by_crate(&x));
    assert_eq!(
        graph(&both).count_op("double"),
        1,
        "{}",
        graph(&both).task_dict()
    );
    assert_eq!(strict(both), (16, 17));
}

#[test]
fn items_declared_in_two_bodies_do_not_fold() {
    let x = Lazy::new(10_i64);
    assert_eq!(strict((callers::local_a(&x), callers::local_b(&x))), (9, 8));
}

/// `Small` is `u8` here and `i8` below: a cast is keyed by the types it converts between.
mod unsigned {
    use lazy::autodask;

    type Small = u8;

    #[autodask(inline)]
    pub(super) fn narrow(x: i64) -> i64 {
        i64::from(x as Small)
    }

    #[autodask(inline)]
    pub(super) fn to_float(x: i64) -> f64 {
        x as f64
    }
}

mod signed {
    use lazy::autodask;

    type Small = i8;

    #[autodask(inline)]
    pub(super) fn narrow(x: i64) -> i64 {
        i64::from(x as Small)
    }

    #[autodask(inline)]
    pub(super) fn to_float(x: i64) -> f64 {
        x as f64 + 0.5
    }
}

#[test]
fn casts_to_different_types_do_not_fold() {
    let x = Lazy::new(200_i64);
    assert_eq!(
        strict((unsigned::narrow(&x), signed::narrow(&x))),
        (200, -56)
    );
}

#[test]
fn casts_fold_across_modules() {
    let x = Lazy::new(21_i64);
    let both = (unsigned::to_float(&x), signed::to_float(&x));
    assert_eq!(
        graph(&both).count_op("as f64"),
        1,
        "{}",
        graph(&both).task_dict()
    );
    assert_eq!(strict(both), (21.0, 21.5));
}

/// `STEP` is 1 here and 2 below; `bump` is two functions: constants are keyed by content,
/// function items by their type, never by the path as written.
mod step_one {
    use lazy::autodask;

    const STEP: i64 = 1;

    fn bump(x: i64) -> i64 {
        x + 10
    }

    #[autodask(inline)]
    pub(super) fn step(x: i64) -> i64 {
        x + STEP
    }

    #[autodask(inline)]
    pub(super) fn apply(x: Option<i64>) -> Option<i64> {
        x.map(bump)
    }
}

mod step_two {
    use lazy::autodask;

    const STEP: i64 = 2;

    fn bump(x: i64) -> i64 {
        x + 20
    }

    #[autodask(inline)]
    pub(super) fn step(x: i64) -> i64 {
        x + STEP
    }

    #[autodask(inline)]
    pub(super) fn apply(x: Option<i64>) -> Option<i64> {
        x.map(bump)
    }
}

#[test]
fn constants_with_one_name_and_two_values_do_not_fold() {
    let x = Lazy::new(30_i64);
    assert_eq!(strict((step_one::step(&x), step_two::step(&x))), (31, 32));
    let y = Lazy::new(Some(1_i64));
    assert_eq!(
        strict((step_one::apply(&y), step_two::apply(&y))),
        (Some(11), Some(21))
    );
}

/// Operators resolve by the operand types alone (one impl per pair of types), so equal
/// operations fold wherever they are written.
mod ops_a {
    use lazy::autodask;

    #[autodask(inline)]
    pub(super) fn sum(a: i64, b: i64) -> i64 {
        a + b
    }

    #[autodask(inline)]
    pub(super) fn pick(xs: Vec<i64>) -> i64 {
        xs[1]
    }
}

mod ops_b {
    use lazy::autodask;

    #[autodask(inline)]
    pub(super) fn sum_twice(a: i64, b: i64) -> i64 {
        (a + b) * 2
    }

    #[autodask(inline)]
    pub(super) fn pick_plus_one(xs: Vec<i64>) -> i64 {
        xs[1] + 1
    }
}

#[test]
fn operators_and_indexing_fold_across_modules() {
    let (a, b) = (Lazy::new(40_i64), Lazy::new(2_i64));
    let both = (ops_a::sum(&a, &b), ops_b::sum_twice(&a, &b));
    assert_eq!(
        graph(&both).count_op("add"),
        1,
        "{}",
        graph(&both).task_dict()
    );
    assert_eq!(strict(both), (42, 84));
    let xs = Lazy::new(vec![5_i64, 6, 7]);
    let both = (ops_a::pick(&xs), ops_b::pick_plus_one(&xs));
    assert_eq!(
        graph(&both).count_op("index"),
        1,
        "{}",
        graph(&both).task_dict()
    );
    assert_eq!(strict(both), (6, 7));
}
