use lazy::autodask;

#[autodask(inline)]
fn sum((a, b): (i64, i64)) -> i64 {
    a + b
}

fn main() {}
