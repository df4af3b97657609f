use lazy::autodask;

#[autodask(inlne)]
fn f(a: i64, b: i64) -> i64 {
    a + b
}

fn main() {}
