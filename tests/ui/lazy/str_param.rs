use lazy::{lazy, strict};

#[lazy]
fn len(s: &str) -> usize {
    s.len()
}

fn main() {
    println!("{}", strict(len("daisy")));
}
