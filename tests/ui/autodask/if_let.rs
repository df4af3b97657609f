use lazy::autodask;

#[autodask(inline)]
fn or_zero(x: Option<i64>) -> i64 {
    if let Some(v) = x { v } else { 0 }
}

fn main() {}
