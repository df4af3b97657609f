use lazy::autodask;

#[autodask(inline)]
fn noisy(a: i64, b: i64) -> i64 {
    println!("adding {a} and {b}");
    a + b
}

fn main() {}
