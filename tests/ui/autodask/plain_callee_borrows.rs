use lazy::autodask;

fn total(xs: &[i64]) -> i64 {
    xs.iter().sum()
}

#[autodask(inline)]
fn doubled_total(xs: Vec<i64>) -> i64 {
    total(xs) * 2
}

fn main() {}
