use lazy::lazy_stream;
use lazy::stream::{Stream, nil};

#[lazy_stream(eager)]
fn empty() -> Stream<u8> {
    nil()
}

fn main() {}
