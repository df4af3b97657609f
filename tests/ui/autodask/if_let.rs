use lazy::autodask;

#[autodask(inline)]
fn or_zero(x: Option<i64>) -> i64 {
    let mut total = 0;
    if let Some(v) = x {
        total = v;
    }
    total
}

fn main() {}
