//! Inputs that change: a spreadsheet-like model recomputes only what a change reaches.
//!
//! Changing `price` invalidates the cells computed from it (orange in the DOT output) and
//! leaves the others valid (green). The next force recomputes what changed; a cell whose
//! recomputed value is unchanged (`band`, when the total stays in its band) stops the
//! recomputation there: `report` does not run again.

use lazy::{Lazy, input, lazy, strict};

#[lazy]
fn subtotal(price: i64, quantity: i64) -> i64 {
    price * quantity
}

#[lazy]
fn total(a: i64, b: i64) -> i64 {
    a + b
}

#[lazy]
fn band(total: i64) -> &'static str {
    if total < 1000 { "small" } else { "large" }
}

#[lazy]
fn report(band: &'static str) -> String {
    format!("this is a {band} order")
}

fn runs<T>(x: &Lazy<T>) -> u32 {
    x.graph().nodes().last().expect("the value's node").runs
}

fn main() {
    let price = input(120_i64);
    let quantity = input(3_i64);
    let shipping = input(25_i64);
    let goods = subtotal(&price, &quantity);
    let sum = total(&goods, &shipping);
    let size = band(&sum);
    let text = report(&size);

    println!("{} (total {})", strict(&text), strict(&sum));
    price.set(130);
    println!(
        "\nafter price.set(130), before forcing:\n{}",
        text.graph().to_dot()
    );
    println!("{} (total {})", strict(&text), strict(&sum));
    println!(
        "runs: subtotal {}, total {}, band {}, report {} (report kept: the band did not change)",
        runs(&goods),
        runs(&sum),
        runs(&size),
        runs(&text)
    );
    price.set(400);
    println!(
        "\nafter price.set(400): {} (total {})",
        strict(&text),
        strict(&sum)
    );
    println!("runs: band {}, report {}", runs(&size), runs(&text));
    shipping.set(25);
    println!(
        "shipping.set(25) (the same value) invalidates nothing: {}",
        sum.state()
    );
}
