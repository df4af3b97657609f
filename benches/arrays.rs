//! Fused array expressions beside plain Rust: twenty `tanh` over 1M `f64`, sorted and in mixed order (eagerly with
//! `f64::tanh` and with the runtime's vectorised `tanh`), and
//! `(a*b + a*c) - (b*c)/2 + (a*b).sqrt()` over 1M `f64`, each built and forced lazily, eagerly
//! with ndarray, and as a hand-written fused loop on two threads (the floor). Read beside
//! `benches/peers.py` (numpy and numexpr on the same workloads).

#![allow(
    clippy::many_single_char_names,
    reason = "array expressions read as their algebra"
)]

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

use lazy::{Lazy, autodask, strict};
use ndarray::Array1;
use rayon::prelude::*;

type Arr = Array1<f64>;

const N: usize = 1_000_000;

#[autodask(inline)]
fn tanh5(x: Arr) -> Arr {
    x.tanh().tanh().tanh().tanh().tanh()
}

#[autodask(inline)]
fn tanh20(x: Arr) -> Arr {
    tanh5(tanh5(tanh5(tanh5(x))))
}

#[autodask(inline)]
fn longer(a: Arr, b: Arr, c: Arr) -> Arr {
    (a * b + a * c) - (b * c) / 2.0 + (a * b).sqrt()
}

fn eager_longer(a: &Arr, b: &Arr, c: &Arr) -> Arr {
    (a * b + a * c) - (b * c) / 2.0 + (a * b).sqrt()
}

/// One pass over the inputs, rayon over chunks: the floor.
fn floor_longer(a: &Arr, b: &Arr, c: &Arr) -> Arr {
    const CHUNK: usize = 4096;
    let (a, b, c) = (
        a.as_slice().expect("contiguous"),
        b.as_slice().expect("contiguous"),
        c.as_slice().expect("contiguous"),
    );
    let mut out = vec![0.0; a.len()];
    out.par_chunks_mut(CHUNK).enumerate().for_each(|(k, out)| {
        let at = k * CHUNK;
        for (i, o) in out.iter_mut().enumerate() {
            let (x, y, z) = (a[at + i], b[at + i], c[at + i]);
            let xy = x * y;
            *o = (xy + x * z) - (y * z) / 2.0 + xy.sqrt();
        }
    });
    Arr::from(out)
}

fn inputs() -> (Arr, Arr, Arr) {
    let a = Arr::linspace(0.0, 1.0, N);
    let b = &a * 2.0 + 1.0;
    let c = &a * 3.0 + 2.0;
    (a, b, c)
}

/// The group both halves write into: every iteration forces the same graph, so the memo
/// store is off (each would take the last one's value instead of computing).
fn group(c: &mut Criterion) -> criterion::BenchmarkGroup<'_, criterion::measurement::WallTime> {
    lazy::memo::set_budget(0);
    let mut group = c.benchmark_group("arrays");
    group.sample_size(20);
    group.warm_up_time(std::time::Duration::from_millis(300));
    group.measurement_time(std::time::Duration::from_secs(1));
    group
}

fn tanh(c: &mut Criterion) {
    let mut group = group(c);
    let x = Arr::linspace(-3.0, 3.0, N);
    // `.tanh()` in an inlined body is the runtime's vectorised `tanh`.
    let mut expected = x.clone();
    for _ in 0..20 {
        expected.mapv_inplace(lazy::arrays::tanh_f64);
    }
    group.bench_function("tanh20/lazy_build_strict", |bench| {
        bench.iter_batched(
            || x.clone(),
            |x| {
                let r: Arr = strict(tanh20(x));
                assert_eq!(r[7].to_bits(), expected[7].to_bits());
                r
            },
            BatchSize::PerIteration,
        );
    });
    // The same values in mixed order: element `i` is `x[i * 7919 % N]` (7919 is prime to
    // N), so each block of 64 holds values from all over the range and needs both forms of
    // the vectorised `tanh`, where sorted input mostly needs one.
    let mixed = Arr::from_iter((0..N).map(|i| x[i * 7919 % N]));
    let mut expected_mixed = mixed.clone();
    for _ in 0..20 {
        expected_mixed.mapv_inplace(lazy::arrays::tanh_f64);
    }
    group.bench_function("tanh20_mixed/lazy_build_strict", |bench| {
        bench.iter_batched(
            || mixed.clone(),
            |x| {
                let r: Arr = strict(tanh20(x));
                assert_eq!(r[7].to_bits(), expected_mixed[7].to_bits());
                r
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("tanh20/eager_in_place", |bench| {
        bench.iter_batched(
            || x.clone(),
            |mut x| {
                for _ in 0..20 {
                    x.mapv_inplace(f64::tanh);
                }
                x
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("tanh20/eager_in_place_vectorised", |bench| {
        bench.iter_batched(
            || x.clone(),
            |mut x| {
                for _ in 0..20 {
                    x.mapv_inplace(lazy::arrays::tanh_f64);
                }
                x
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn longer_expression(c: &mut Criterion) {
    let mut group = group(c);
    let (a, b, cc) = inputs();
    let expected = eager_longer(&a, &b, &cc);
    let copies = || (a.clone(), b.clone(), cc.clone());
    group.bench_function("longer/lazy_build_strict", |bench| {
        bench.iter_batched(
            copies,
            |(a, b, c)| {
                let r: Arr = strict(longer(a, b, c));
                assert_eq!(r[7].to_bits(), expected[7].to_bits());
                r
            },
            BatchSize::PerIteration,
        );
    });
    // The two parts of building and forcing: keying the three leaves, and the pass alone
    // over a graph built beforehand.
    group.bench_function("longer/hash_three_leaves", |bench| {
        bench.iter_batched(
            copies,
            |(a, b, c)| {
                let leaves = (Lazy::new(a), Lazy::new(b), Lazy::new(c));
                black_box(leaves.0.key());
                leaves
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("longer/lazy_strict_only", |bench| {
        bench.iter_batched(
            || longer(a.clone(), b.clone(), cc.clone()),
            |graph| {
                let r: Arr = strict(graph);
                assert_eq!(r[7].to_bits(), expected[7].to_bits());
                r
            },
            BatchSize::PerIteration,
        );
    });
    group.bench_function("longer/eager", |bench| {
        bench.iter_batched(
            copies,
            |(a, b, c)| eager_longer(&a, &b, &c),
            BatchSize::PerIteration,
        );
    });
    group.bench_function("longer/floor_fused_2_threads", |bench| {
        bench.iter_batched(
            copies,
            |(a, b, c)| floor_longer(&a, &b, &c),
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, tanh, longer_expression);
criterion_main!(benches);
