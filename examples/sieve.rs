//! The lazy sieve of Eratosthenes (slides 13–15): `Sieve (X|Xr) = X | Sieve (LFilter Xr
//! (Y mod X \= 0))` over `IntsFrom 2`, with timings for growing N.
//!
//! Run with `cargo run --release --example sieve [N]` (N defaults to 1000).
//!
//! Each prime adds one lazy filter in front of the integers, so finding the next prime
//! forces through a chain of filters as long as the primes found so far: the work grows
//! about as N² / log N, and the forcing recursion as N. The sieve therefore runs on a
//! thread with a large stack.

use std::time::Instant;

use lazy::lazy_stream;
use lazy::stream::{self, Stream, cons, nil};

/// `fun lazy {Sieve Xs}`: the body runs when the stream is demanded.
#[lazy_stream]
fn sieve(numbers: Stream<u64>) -> Stream<u64> {
    match numbers.split_first() {
        None => nil(),
        Some((prime, rest)) => cons(prime, sieve(rest.filter(move |n| n % prime != 0))),
    }
}

fn primes() -> Stream<u64> {
    sieve(stream::from(2))
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(1000, |arg| arg.parse().expect("N must be a number"));
    let worker = std::thread::Builder::new()
        .stack_size(1 << 30) // address space only: pages are touched as the recursion needs
        .spawn(move || {
            let first: Vec<u64> = primes().take(20).collect();
            println!("first 20 primes: {first:?}");
            for size in [n / 4, n / 2, n] {
                let start = Instant::now();
                let last = primes()
                    .nth(size - 1)
                    .expect("there are infinitely many primes");
                println!(
                    "prime number {size:>6}: {last:>8} in {:.2?}",
                    start.elapsed()
                );
            }
        })
        .expect("spawning the sieve thread");
    worker.join().expect("the sieve thread panicked");
}
