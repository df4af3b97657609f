use lazy::autodask;

#[autodask(inline)]
fn total(xs: Vec<i64>) -> i64 {
    let mut sum = 0;
    for x in xs {
        sum += x;
    }
    sum
}

fn main() {}
