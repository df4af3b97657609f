use lazy::{autodask, strict};

#[autodask(inline)]
fn mapped(xs: Vec<i64>, k: i64) -> Vec<i64> {
    xs.into_iter().map(|x| x + k).collect()
}

fn main() {
    assert_eq!(strict(mapped(vec![1, 2], 10)), vec![11, 12]);
}
