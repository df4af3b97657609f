use lazy::cluster::execute_from_args;
use lazy::{Lazy, lazy};

#[derive(Clone, Debug, PartialEq)]
struct Summary {
    total: u64,
}

#[lazy]
fn summarise(total: u64) -> Summary {
    Summary { total }
}

fn main() {
    let _ = execute_from_args(std::env::args(), |cluster| {
        let summary: Lazy<Summary> = summarise(42_u64);
        let value = cluster.strict(&summary);
        println!("{value:?}");
    });
}
