//! Multiple outputs: a tuple-returning function split into lazy parts.

use lazy::{Lazy, Split, lazy, strict};

#[lazy]
fn min_max(xs: Vec<i32>) -> (i32, i32) {
    let min = xs.iter().copied().min().unwrap_or(0);
    let max = xs.iter().copied().max().unwrap_or(0);
    (min, max)
}

fn runs<T>(x: &Lazy<T>) -> u32 {
    x.graph().nodes().last().expect("the value's node").runs
}

#[test]
fn parts_fold_and_force_independently_and_the_function_runs_once() {
    let both = min_max(vec![4, -2, 9, 0]);
    let (lo, hi) = both.clone().split();
    assert_eq!(strict(&lo), -2);
    assert!(!hi.is_ready(), "forcing one part leaves the other alone");
    assert_eq!(strict(&hi), 9);
    assert_eq!(runs(&both), 1, "the function ran once for both parts");
    let (lo_again, _) = min_max(vec![4, -2, 9, 0]).split();
    assert_eq!(lo_again.key(), lo.key(), "parts fold");
}
