use lazy::lazy;

#[lazy]
fn total(xs: &[i64]) -> i64 {
    xs.iter().sum()
}

fn main() {}
