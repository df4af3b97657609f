use lazy::autodask;

#[autodask(inline)]
fn label(x: i64) -> String {
    format!("x = {x}")
}

fn main() {}
