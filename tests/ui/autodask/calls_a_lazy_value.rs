use lazy::autodask;

#[autodask(inline)]
fn apply(f: i64, x: i64) -> i64 {
    f(x)
}

fn main() {}
