use lazy::autodask;

#[autodask(inline)]
fn logged(xs: Vec<i64>) -> Vec<i64> {
    xs.iter()
        .map(|x| {
            println!("{x}");
            x + 1
        })
        .collect()
}

fn main() {}
