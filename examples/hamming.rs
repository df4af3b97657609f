//! The Hamming problem (slides 18–20): the numbers 2^a 3^b 5^c in ascending order, as a
//! stream defined in terms of itself, `H = 1 | merge(2H, merge(3H, 5H))`.
//!
//! Run with `cargo run --release --example hamming [N]` (N defaults to 80,000: the
//! 95,000th Hamming number no longer fits in a `u128`).
//!
//! Each element costs a constant number of cells, so the time grows linearly in N; the
//! stream refers to itself weakly, so dropping it frees all its cells.

use std::time::Instant;

use lazy::stream::{self, Stream, cons};

fn hamming() -> Stream<u128> {
    stream::recursive(|h| {
        let twos = h.clone().map(|x| 2 * x);
        let threes = h.clone().map(|x| 3 * x);
        let fives = h.map(|x| 5 * x);
        cons(1, twos.merge(threes.merge(fives)))
    })
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(80_000, |arg| arg.parse().expect("N must be a number"));
    let first: Vec<u128> = hamming().take(20).collect();
    println!("first 20 Hamming numbers: {first:?}");
    for size in [n / 16, n / 4, n] {
        let start = Instant::now();
        let h = hamming();
        let last = h.nth(size - 1).expect("the Hamming stream is infinite");
        let elapsed = start.elapsed();
        drop(h);
        println!(
            "Hamming number {size:>8}: {last:>30} in {elapsed:>10.2?} ({:.0} ns/element)",
            elapsed.as_secs_f64() * 1e9 / f64::from(u32::try_from(size).unwrap_or(u32::MAX))
        );
    }
}
