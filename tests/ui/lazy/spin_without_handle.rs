use lazy::lazy;

#[lazy(spin)]
fn poll(x: u64) -> u64 {
    x
}

fn main() {}
