use lazy::autodask;

#[autodask(inline)]
fn clamp(x: i64) -> i64 {
    let y = if x > 100 { return 100 } else { x };
    y
}

fn main() {}
