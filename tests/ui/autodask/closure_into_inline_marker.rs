use lazy::autodask;

fn apply<F: Fn(i64) -> i64>(x: i64, f: F) -> i64 {
    f(x)
}

#[autodask(inline)]
fn twice(x: i64) -> i64 {
    inline(apply)(x, |v| v * 2)
}

fn main() {}
