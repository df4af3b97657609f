use lazy::lazy;

#[lazy]
async fn fetch(id: u64) -> u64 {
    id
}

fn main() {}
