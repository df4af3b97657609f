// An annotated function nobody calls is reported like a plain one.
#![deny(dead_code)]

use lazy::{autodask, lazy};

#[lazy]
fn unused_task(x: i64) -> i64 {
    x + 1
}

#[autodask(inline)]
fn unused_inline(x: i64) -> i64 {
    x + 1
}

fn main() {}
