use lazy::lazy;

#[lazy]
fn first<'a>(words: Vec<&'a str>) -> usize {
    words.len()
}

fn main() {}
