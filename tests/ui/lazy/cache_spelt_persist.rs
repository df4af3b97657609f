use lazy::lazy;

#[lazy(persist)]
fn load(n: u64) -> u64 {
    n
}

fn main() {}
