use lazy::autodask;

#[autodask(inline)]
fn len(v: &Vec<i64>) -> usize {
    v.len()
}

fn main() {}
