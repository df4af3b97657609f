//! Lazy streams: ns per element for the slides' `Sum Xs 0 15000000` (lazy stream vs a
//! plain iterator), and the lazy sieve and Hamming streams at growing N.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lazy::lazy_stream;
use lazy::stream::{self, Stream, cons, nil};

const SUM_COUNT: u64 = 15_000_000;
const SUM_EXPECTED: u64 = SUM_COUNT * (SUM_COUNT - 1) / 2;

fn sum(c: &mut Criterion) {
    let mut group = c.benchmark_group("sum_15m");
    group.sample_size(10);
    group.throughput(Throughput::Elements(SUM_COUNT));
    group.bench_function("stream_from", |b| {
        b.iter(|| {
            let total: u64 = stream::from(black_box(0_u64))
                .into_iter()
                .take(15_000_000)
                .sum();
            assert_eq!(total, SUM_EXPECTED);
        });
    });
    group.bench_function("stream_take_sum", |b| {
        b.iter(|| {
            let total: u64 = stream::from(black_box(0_u64)).take(15_000_000).sum();
            assert_eq!(total, SUM_EXPECTED);
        });
    });
    group.bench_function("stream_lazy_generate", |b| {
        fn generate(n: u64) -> Stream<u64> {
            stream::lazy(move || cons(n, generate(n + 1)))
        }
        b.iter(|| {
            let total: u64 = generate(black_box(0)).into_iter().take(15_000_000).sum();
            assert_eq!(total, SUM_EXPECTED);
        });
    });
    group.bench_function("iterator", |b| {
        b.iter(|| {
            // black_box per element keeps the compiler from summing in closed form.
            let total: u64 = (black_box(0_u64)..SUM_COUNT).map(black_box).sum();
            assert_eq!(total, SUM_EXPECTED);
        });
    });
    group.finish();
}

#[lazy_stream]
fn sieve(numbers: Stream<u64>) -> Stream<u64> {
    match numbers.split_first() {
        None => nil(),
        Some((prime, rest)) => cons(prime, sieve(rest.filter(move |n| n % prime != 0))),
    }
}

fn primes(c: &mut Criterion) {
    let mut group = c.benchmark_group("sieve");
    group.sample_size(10);
    for (n, nth_prime) in [(250, 1583), (500, 3571), (1000, 7919)] {
        group.throughput(Throughput::Elements(n));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| {
                let index = usize::try_from(n).unwrap() - 1;
                assert_eq!(sieve(stream::from(2)).nth(index), Some(nth_prime));
            });
        });
    }
    group.finish();
}

fn hamming() -> Stream<u128> {
    stream::recursive(|h| {
        let twos = h.clone().map(|x| 2 * x);
        let threes = h.clone().map(|x| 3 * x);
        let fives = h.map(|x| 5 * x);
        cons(1, twos.merge(threes.merge(fives)))
    })
}

fn hamming_numbers(c: &mut Criterion) {
    let mut group = c.benchmark_group("hamming");
    group.sample_size(10);
    for (n, nth) in [
        (1_000, 51_200_000),
        (10_000, 288_325_195_312_500_000),
        (80_000, 450_059_805_693_380_196_389_073_595_830_239_232),
    ] {
        group.throughput(Throughput::Elements(n));
        group.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, &n| {
            b.iter(|| {
                let index = usize::try_from(n).unwrap() - 1;
                assert_eq!(hamming().nth(index), Some(nth));
            });
        });
    }
    group.finish();
}

criterion_group!(benches, sum, primes, hamming_numbers);
criterion_main!(benches);
