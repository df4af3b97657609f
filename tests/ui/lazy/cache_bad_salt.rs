use lazy::lazy;

#[lazy(cache(salt = 2))]
fn load(n: u64) -> u64 {
    n
}

fn main() {}
