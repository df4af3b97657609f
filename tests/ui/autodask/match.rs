use lazy::autodask;

#[autodask(inline)]
fn sign(x: i64) -> i64 {
    match x {
        0 => 0,
        x if x > 0 => 1,
        _ => -1,
    }
}

fn main() {}
