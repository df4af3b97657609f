use lazy::{Lazy, autodask, strict};

#[autodask(inline)]
fn forced(x: i64) -> i64 {
    strict(Lazy::new(x)) + 1
}

fn main() {}
