use lazy::autodask;

#[autodask(inline, cache)]
fn double(x: i64) -> i64 {
    x * 2
}

fn main() {}
