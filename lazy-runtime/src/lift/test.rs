//! The one-input helpers and borrowed arguments build the nodes that the longer forms the
//! macro wrote before build: same keys, same values.

#![allow(
    clippy::float_cmp,
    reason = "the values are small integers, exact in f64"
)]

use crate::lift::{
    ByContent as _, Scope, Strict, apply, apply_in, array, cast, field, gt, index, select_in, tuple,
};
use crate::{Lazy, strict};

fn scope() -> Scope {
    Scope::module(module_path!(), "borrowed_arguments_fold_with_owned_ones")
}

#[test]
fn a_field_read_is_the_node_apply_in_builds() {
    let p = Lazy::new((3.0, 4.0));
    let long = apply_in(scope(), ".0", (p.clone(),), |(value,)| value.0);
    let short = field(scope(), ".0", &p, |value| value.0);
    assert_eq!(long.key(), short.key());
    assert_eq!(strict(&short), 3.0);
    let other = field(scope(), ".1", &p, |value| value.1);
    assert_ne!(other.key(), short.key(), "the label is part of the key");
}

#[test]
fn a_cast_is_the_node_apply_builds() {
    let n = Lazy::new(7_i64);
    #[allow(clippy::cast_precision_loss, reason = "small test values")]
    let long = apply("as f64", (n.clone(),), |(value,)| value as f64);
    #[allow(clippy::cast_precision_loss, reason = "small test values")]
    let short = cast("as f64", &n, |value| value as f64);
    assert_eq!(long.key(), short.key());
    assert_eq!(strict(&short), 7.0);
}

#[test]
fn borrowed_arguments_fold_with_owned_ones() {
    let (xs, i) = (Lazy::new(vec![1.0, 2.0, 3.0]), Lazy::new(2_usize));
    assert_eq!(index(&xs, &i).key(), index(xs.clone(), i.clone()).key());
    assert_eq!(
        gt(&i, Lazy::new(1)).key(),
        gt(i.clone(), Lazy::new(1)).key()
    );
    let (a, b) = (Lazy::new(1.5), Lazy::new(2.5));
    assert_eq!(array((&a, &b)).key(), array((a.clone(), b.clone())).key());
    let mixed = tuple((&a, b.clone()));
    assert_eq!(mixed.key(), tuple((a.clone(), b.clone())).key());
    assert_eq!(strict(&mixed), (1.5, 2.5));
    assert_eq!(strict(&index(&xs, &i)), 3.0);
}

#[test]
fn borrowed_captures_fold_with_owned_ones() {
    let (cond, n, k) = (Lazy::new(true), Lazy::new(2_i64), Lazy::new(5_i64));
    let owned = select_in(
        scope(),
        "{ n } else { k }",
        cond.clone(),
        ((&&Strict(&n)).capture(),),
        (k.clone(),),
        move |(n,), (_,)| n,
        move |(_,), (k,)| k,
    );
    let borrowed = select_in(
        scope(),
        "{ n } else { k }",
        &cond,
        ((&&Strict(&n)).capture(),),
        (&k,),
        move |(n,), (_,)| n,
        move |(_,), (k,)| k,
    );
    assert_eq!(owned.key(), borrowed.key());
    assert_eq!(strict(&borrowed), 2);
}
