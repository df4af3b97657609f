// A rejected function still has its lazy signature, so its callers type-check and the
// mistake is reported once, at the guard.
use lazy::{autodask, lazy, strict};

#[autodask(inline)]
fn sign(x: i64) -> i64 {
    let k = x * 2;
    match x {
        0 => 0,
        v if v > k => 1,
        _ => -1,
    }
}

#[autodask(inline)]
fn twice(x: i64) -> i64 {
    sign(x) + sign(x)
}

#[lazy]
fn plus_one(x: i64) -> i64 {
    x + 1
}

fn main() {
    let signed = sign(3);
    println!("{}", strict(&signed) + strict(twice(2)) + strict(plus_one(&signed)));
}
