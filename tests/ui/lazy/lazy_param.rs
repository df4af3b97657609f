use lazy::{Lazy, lazy, strict};

#[lazy]
fn double(x: Lazy<i64>) -> i64 {
    x * 2
}

fn main() {
    println!("{}", strict(double(Lazy::new(21))));
}
