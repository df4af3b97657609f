use lazy::autodask;

#[autodask(inline)]
fn total(xs: Vec<i64>) -> i64 {
    let items = xs.iter();
    items.sum()
}

fn main() {}
