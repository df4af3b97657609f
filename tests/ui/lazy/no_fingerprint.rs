use std::collections::HashMap;

use lazy::{lazy, strict};

#[lazy]
fn size(m: HashMap<String, i64>) -> usize {
    m.len()
}

fn main() {
    println!("{}", strict(size(HashMap::new())));
}
