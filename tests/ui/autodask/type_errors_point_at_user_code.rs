use lazy::autodask;

#[autodask(inline)]
fn scaled(a: f64) -> f64 {
    a.frobnicate() * 2.0
}

fn main() {}
