use lazy::autodask;

#[autodask(inline)]
fn raw(x: u32) -> u32 {
    unsafe { x.unchecked_add(1) }
}

fn main() {}
