use lazy::autodask;

fn bump(x: &mut i64) -> i64 {
    *x += 1;
    *x
}

#[autodask(inline)]
fn bumped(mut x: i64) -> i64 {
    bump(&mut x)
}

fn main() {}
