use lazy::autodask;

#[autodask(inline)]
fn sign(x: Option<i64>) -> i64 {
    match x {
        Some(0) => 0,
        None => -1,
    }
}

fn main() {}
