use lazy::autodask;

#[autodask(inline)]
fn later(xs: Vec<i64>) -> usize {
    xs.iter().map(async |x| x + 1).count()
}

fn main() {}
