use lazy::lazy_stream;
use lazy::stream::{Stream, cons, nil};

#[lazy_stream]
fn first(values: &[u8]) -> Stream<u8> {
    cons(values[0], nil())
}

fn main() {}
