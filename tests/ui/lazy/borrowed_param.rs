use lazy::lazy;

#[lazy]
fn len(s: &String) -> usize {
    s.len()
}

fn main() {}
