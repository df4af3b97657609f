//! `comp!` comprehensions and `#[lazy_stream]` producers through the facade.

use std::sync::atomic::{AtomicUsize, Ordering};

use lazy::stream::{self, Stream, cons, nil};
use lazy::{comp, lazy_stream};

#[test]
fn comprehension_of_the_slides() {
    // [x*y | x <- 1..10, y <- 1..x, x*y <= 10], Haskell ranges excluding the end here.
    let products = comp![x * y | x <- 1..10_u32, y <- 1..x, x * y <= 10];
    assert_eq!(
        products.collect::<Vec<_>>(),
        [2, 3, 6, 4, 8, 5, 10, 6, 7, 8, 9]
    );
    let same = stream::from_iter(1..10_u32)
        .flat_map(|&x| stream::from_iter(1..x).map(move |y| x * y))
        .filter(|p| *p <= 10);
    assert_eq!(same.collect::<Vec<_>>(), [2, 3, 6, 4, 8, 5, 10, 6, 7, 8, 9]);
}

#[test]
fn comprehension_over_an_infinite_generator_is_lazy() {
    let pythagorean = comp![
        (a, b, c) | c <- 1_u32.., b <- 1..c, a <- 1..b, a * a + b * b == c * c
    ];
    assert_eq!(
        pythagorean.take(3).collect::<Vec<_>>(),
        [(3, 4, 5), (6, 8, 10), (5, 12, 13)]
    );
}

#[test]
fn comprehension_with_patterns_streams_and_owned_values() {
    let words = stream::from_iter(["ab".to_string(), "c".to_string()]);
    let pairs =
        comp![format!("{w}{i}") | w <- words, (i, _) <- w.chars().enumerate().collect::<Vec<_>>()];
    assert_eq!(pairs.collect::<Vec<_>>(), ["ab0", "ab1", "c0"]);
    let either = comp![x | x <- 0..6_u8, x % 2 == 0 || x == 5];
    assert_eq!(either.collect::<Vec<_>>(), [0, 2, 4, 5]);
}

static CALLS: AtomicUsize = AtomicUsize::new(0);

#[lazy_stream]
fn generate(n: u64) -> Stream<u64> {
    CALLS.fetch_add(1, Ordering::SeqCst);
    cons(n, generate(n + 1))
}

#[lazy_stream]
fn sieve(xs: Stream<u64>) -> Stream<u64> {
    match xs.split_first() {
        None => nil(),
        Some((p, rest)) => cons(p, sieve(rest.filter(move |x| x % p != 0))),
    }
}

#[test]
fn lazy_stream_producers_do_not_recurse_eagerly() {
    let xs = generate(0);
    assert_eq!(CALLS.load(Ordering::SeqCst), 0); // not even the first body ran
    assert_eq!(xs.take(4).collect::<Vec<_>>(), [0, 1, 2, 3]);
    assert_eq!(CALLS.load(Ordering::SeqCst), 4);
    let primes = sieve(stream::from(2));
    assert_eq!(
        primes.take(10).collect::<Vec<_>>(),
        [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
    );
}
