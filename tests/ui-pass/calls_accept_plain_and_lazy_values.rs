use std::ops::Mul;

use lazy::{Lazy, autodask, lazy, strict};

#[lazy]
fn square<T: Mul<Output = T> + Copy>(x: T) -> T {
    x * x
}

#[lazy]
fn mul(x: i64, y: i64) -> i64 {
    x * y
}

#[autodask(inline)]
fn cube<T: Mul<Output = T>>(x: T) -> T {
    x * x * x
}

fn main() {
    let a = Lazy::new(3_i64);
    assert_eq!(strict(square(2_i64)), 4);
    assert_eq!(strict(square(&a)), 9);
    assert_eq!(strict(square(2.5_f64)), 6.25);
    assert_eq!(strict(mul(a.clone(), 2)), 6);
    assert_eq!(strict(mul(square(&a), square(2_i64))), 36);
    assert_eq!(strict(cube(&a)), 27);
    assert_eq!(strict(cube(1.5_f64)), 3.375);
}
