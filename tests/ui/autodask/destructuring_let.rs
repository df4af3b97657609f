use lazy::autodask;

#[autodask(inline)]
fn swap(pair: (i64, i64)) -> (i64, i64) {
    let (a, b) = pair;
    (b, a)
}

fn main() {}
