use lazy::lazy_stream;

#[lazy_stream]
fn nothing() {}

fn main() {}
