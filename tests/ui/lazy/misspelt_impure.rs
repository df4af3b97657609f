use lazy::lazy;

#[lazy(inpure)]
fn roll(seed: u64) -> u64 {
    seed
}

fn main() {}
