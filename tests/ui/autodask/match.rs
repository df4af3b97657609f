use lazy::autodask;

#[autodask(inline)]
fn above(x: i64, k: i64) -> i64 {
    match x {
        0 => 0,
        v if v > k => 1,
        _ => -1,
    }
}

fn main() {}
