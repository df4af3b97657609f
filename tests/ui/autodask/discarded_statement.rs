use lazy::autodask;

fn log(x: i64) -> i64 {
    x
}

#[autodask(inline)]
fn logged(a: i64) -> i64 {
    log(a);
    a * 2
}

fn main() {}
