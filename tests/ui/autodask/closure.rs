use lazy::autodask;

#[autodask(inline)]
fn mapped(xs: Vec<i64>) -> Vec<i64> {
    let add_one = |x| x + 1;
    xs.into_iter().map(add_one).collect()
}

fn main() {}
