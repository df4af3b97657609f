use lazy::autodask;

#[autodask(inline)]
fn total(a: Vec<i64>) -> i64 {
    sum(&a)
}

fn sum(xs: &[i64]) -> i64 {
    xs.iter().sum()
}

fn main() {}
