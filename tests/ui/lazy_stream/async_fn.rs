use lazy::lazy_stream;
use lazy::stream::{Stream, nil};

#[lazy_stream]
async fn later() -> Stream<u8> {
    nil()
}

fn main() {}
