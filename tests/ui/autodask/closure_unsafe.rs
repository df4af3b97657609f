use lazy::autodask;

#[autodask(inline)]
fn first_bytes(words: Vec<String>) -> Vec<u8> {
    words
        .iter()
        .map(|w| unsafe { *w.as_bytes().get_unchecked(0) })
        .collect()
}

fn main() {}
