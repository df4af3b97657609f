use lazy::{Lazy, lazy, strict};

#[lazy]
fn double(x: i64) -> Lazy<i64> {
    Lazy::new(x * 2)
}

fn main() {
    println!("{}", strict(double(21)));
}
