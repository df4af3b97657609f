use lazy::autodask;

#[autodask(inline)]
fn running(xs: Vec<i64>, k: i64) -> Vec<i64> {
    xs.iter()
        .map(|x| {
            k += 1;
            x + k
        })
        .collect()
}

fn main() {}
