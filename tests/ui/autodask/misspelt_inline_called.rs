// A misspelt argument is one error; the function's callers still type-check.
use lazy::{autodask, strict};

#[autodask(inlne)]
fn double(x: i64) -> i64 {
    x * 2
}

fn main() {
    println!("{}", strict(double(21)));
}
