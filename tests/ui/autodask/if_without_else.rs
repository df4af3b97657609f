use lazy::autodask;

#[autodask(inline)]
fn maybe(a: i64, flag: bool) -> i64 {
    if flag { a }
}

fn main() {}
