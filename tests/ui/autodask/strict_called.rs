// `strict(x)` in an inlined body is one error, not one more at each call of the function.
use lazy::{autodask, strict};

#[autodask(inline)]
fn forced(x: i64) -> i64 {
    strict(x) + 1
}

fn main() {
    let lazy = forced(2);
    println!("{}", strict(&lazy) + strict(forced(&lazy)));
}
