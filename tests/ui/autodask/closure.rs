use lazy::autodask;

#[autodask(inline)]
fn mapped(xs: Vec<i64>) -> Vec<i64> {
    xs.into_iter().map(|x| x + 1).collect()
}

fn main() {}
