use lazy::autodask;

#[autodask(inline)]
fn spin(x: i64) -> i64 {
    loop {
        if x > 0 {
            break x;
        }
    }
}

fn main() {}
