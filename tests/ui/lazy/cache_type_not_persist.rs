use lazy::lazy;

#[derive(Clone, PartialEq, lazy::Fingerprint)]
struct Summary {
    count: u64,
}

#[lazy(cache)]
fn summarize(n: u64) -> Summary {
    Summary { count: n }
}

fn main() {
    let _ = summarize(3);
}
