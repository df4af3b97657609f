use lazy::autodask;

#[autodask(inline)]
unsafe fn raw(x: u32) -> u32 {
    x
}

fn main() {}
