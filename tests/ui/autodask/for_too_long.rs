use lazy::autodask;

#[autodask(inline)]
fn repeated(x: i64) -> i64 {
    let mut acc = x;
    for _ in 0..100 {
        acc += x;
    }
    acc
}

fn main() {}
