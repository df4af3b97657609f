//! Inputs that change: invalidation reaches exactly the dependents, and an unchanged
//! recomputed value stops the recomputation there (early cut-off).

use lazy::inspect::NodeState;
use lazy::{Lazy, input, lazy, strict};

#[lazy]
fn parity(x: i64) -> i64 {
    x.rem_euclid(2)
}

#[lazy]
fn describe(p: i64) -> String {
    if p == 0 {
        String::from("even")
    } else {
        String::from("odd")
    }
}

#[lazy]
fn scale(x: i64, k: i64) -> i64 {
    x * k
}

#[lazy]
fn total(a: i64, b: i64) -> i64 {
    a + b
}

fn runs<T>(x: &Lazy<T>) -> u32 {
    x.graph().nodes().last().expect("the value's node").runs
}

#[test]
fn setting_an_input_reruns_only_what_depends_on_it() {
    let x = input(3_i64);
    let y = input(4_i64);
    let sx = scale(&x, 10);
    let sy = scale(&y, 100);
    let t = total(&sx, &sy);
    assert_eq!(strict(&t), 430);
    x.set(5);
    assert_eq!(sx.state(), NodeState::Invalidated);
    assert_eq!(sy.state(), NodeState::Ready);
    assert!(t.graph().to_dot().contains("invalidated"));
    assert_eq!(strict(&t), 450);
    assert_eq!((runs(&sx), runs(&sy), runs(&t)), (2, 1, 2));
}

#[test]
fn an_equal_recomputed_value_does_not_rerun_its_readers() {
    let x = input(3_i64);
    let p = parity(&x);
    let d = describe(&p);
    assert_eq!(strict(&d), "odd");
    x.set(7);
    assert_eq!(strict(&d), "odd");
    assert_eq!(runs(&p), 2, "parity ran again: its input changed");
    assert_eq!(
        runs(&d),
        1,
        "parity's value did not change, so describe was not re-run"
    );
    x.set(8);
    assert_eq!(strict(&d), "even");
    assert_eq!(runs(&d), 2);
}
