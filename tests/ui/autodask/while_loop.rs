use lazy::autodask;

#[autodask(inline)]
fn halve_until_small(x: i64) -> i64 {
    let mut y = x;
    while y > 10 {
        y /= 2;
    }
    y
}

fn main() {}
