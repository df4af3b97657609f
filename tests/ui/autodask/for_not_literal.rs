use lazy::autodask;

const N: i64 = 3;

#[autodask(inline)]
fn repeated(x: i64) -> i64 {
    let mut acc = x;
    for _ in 0..N {
        acc += x;
    }
    acc
}

fn main() {}
