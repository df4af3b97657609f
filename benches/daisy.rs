//! Daisy's `g` and `h` on 1,000,000- and 10,000,000-element `i64` and `f64` arrays: eager
//! Rust, the `#[autodask(inline)]` version (build + strict, strict alone, content hashing
//! alone), a hand-written fused loop that computes `a + b` once, and the floor: that loop in
//! chunks on two threads.
//!
//! The memo store is off while it runs: each iteration builds the same graph again, whose
//! value the store would otherwise hand back without running anything.
//!
//! Every variant receives owned copies of the inputs made outside the timed region and
//! returns its result, which criterion drops outside the timed region too, so all of them
//! pay for the same things: their own arithmetic and allocations.

#![allow(
    clippy::float_cmp,
    reason = "results are compared with the same arithmetic done eagerly"
)]

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use lazy::{Lazy, autodask, strict};
use ndarray::{Array1, Zip};
use rayon::prelude::*;
use std::hint::black_box;

/// The sizes measured.
const SIZES: [usize; 2] = [1_000_000, 10_000_000];

macro_rules! daisy {
    ($module:ident, $t:ty, $one:expr) => {
        mod $module {
            use super::*;

            pub(crate) type Arr = Array1<$t>;

            #[autodask(inline)]
            fn f(a: Arr, b: Arr) -> Arr {
                a + b
            }

            #[autodask(inline)]
            pub(crate) fn g(a: Arr, b: Arr) -> Arr {
                f(f(a, b), f(a, b))
            }

            #[autodask(inline)]
            fn g2(a: Arr, b: Arr) -> Arr {
                a + b + $one
            }

            #[autodask(inline)]
            pub(crate) fn h(a: Arr, b: Arr) -> Arr {
                f(a, b) + g2(a, b)
            }

            /// The same code without the macros: every `a + b` is computed.
            pub(crate) fn eager_g(a: &Arr, b: &Arr) -> Arr {
                let f = |a: &Arr, b: &Arr| a + b;
                f(&f(a, b), &f(a, b))
            }

            pub(crate) fn eager_h(a: &Arr, b: &Arr) -> Arr {
                let f = |a: &Arr, b: &Arr| a + b;
                let g2 = |a: &Arr, b: &Arr| a + b + $one;
                f(a, b) + g2(a, b)
            }

            /// By hand: `a + b` once, one fused loop, one allocation.
            pub(crate) fn fused_g(a: &Arr, b: &Arr) -> Arr {
                Zip::from(a).and(b).map_collect(|&x, &y| {
                    let s = x + y;
                    s + s
                })
            }

            pub(crate) fn fused_h(a: &Arr, b: &Arr) -> Arr {
                Zip::from(a).and(b).map_collect(|&x, &y| {
                    let s = x + y;
                    s + (s + $one)
                })
            }

            /// The floor: one pass reading `a` and `b` and writing the result, in chunks on
            /// rayon's threads (two here), into a fresh array.
            fn floor(a: &Arr, b: &Arr, step: impl Fn($t) -> $t + Sync) -> Arr {
                const CHUNK: usize = 4096;
                let (a, b) = (
                    a.as_slice().expect("contiguous"),
                    b.as_slice().expect("contiguous"),
                );
                let mut out = vec![<$t>::default(); a.len()];
                out.par_chunks_mut(CHUNK).enumerate().for_each(|(k, out)| {
                    let at = k * CHUNK;
                    for (i, o) in out.iter_mut().enumerate() {
                        *o = step(a[at + i] + b[at + i]);
                    }
                });
                Arr::from(out)
            }

            pub(crate) fn floor_g(a: &Arr, b: &Arr) -> Arr {
                floor(a, b, |s| s + s)
            }

            pub(crate) fn floor_h(a: &Arr, b: &Arr) -> Arr {
                floor(a, b, |s| s + (s + $one))
            }

            pub(crate) fn inputs(n: usize) -> (Arr, Arr) {
                #[allow(
                    clippy::cast_precision_loss,
                    clippy::cast_possible_wrap,
                    reason = "small test data"
                )]
                let a = Arr::from_iter((0..n).map(|i| i as $t));
                #[allow(
                    clippy::cast_precision_loss,
                    clippy::cast_possible_wrap,
                    reason = "small test data"
                )]
                let b = Arr::from_iter((0..n).map(|i| (3 * i + 1) as $t));
                (a, b)
            }
        }
    };
}

daisy!(int, i64, 1);
daisy!(float, f64, 1.0);

macro_rules! workload {
    ($c:expr, $n:expr, $module:ident, $name:literal, $lazy:ident, $eager:ident, $fused:ident, $floor:ident) => {{
        use $module::{Arr, $eager, $floor, $fused, $lazy};
        let (a, b) = $module::inputs($n);
        let expected = $eager(&a, &b);
        let mut group = $c.benchmark_group(format!(concat!("daisy_", $name, "_{}"), $n));
        group.sample_size(if $n > 1_000_000 { 10 } else { 20 });
        group.warm_up_time(std::time::Duration::from_millis(300));
        group.measurement_time(std::time::Duration::from_secs(if $n > 1_000_000 {
            2
        } else {
            1
        }));
        let ty = stringify!($module);
        let copies = || (a.clone(), b.clone());
        group.bench_function(BenchmarkId::new("eager", ty), |bench| {
            bench.iter_batched(
                copies,
                |(a, b)| {
                    let r = $eager(&a, &b);
                    assert_eq!(r[7], expected[7]);
                    (r, a, b)
                },
                BatchSize::PerIteration,
            );
        });
        group.bench_function(BenchmarkId::new("fused", ty), |bench| {
            bench.iter_batched(
                copies,
                |(a, b)| {
                    let r = $fused(&a, &b);
                    assert_eq!(r[7], expected[7]);
                    (r, a, b)
                },
                BatchSize::PerIteration,
            );
        });
        group.bench_function(BenchmarkId::new("floor_2_threads", ty), |bench| {
            bench.iter_batched(
                copies,
                |(a, b)| {
                    let r = $floor(&a, &b);
                    assert_eq!(r[7], expected[7]);
                    (r, a, b)
                },
                BatchSize::PerIteration,
            );
        });
        group.bench_function(BenchmarkId::new("lazy_build_strict", ty), |bench| {
            bench.iter_batched(
                copies,
                |(a, b)| {
                    let r: Arr = strict($lazy(a, b));
                    assert_eq!(r[7], expected[7]);
                    r
                },
                BatchSize::PerIteration,
            );
        });
        group.bench_function(BenchmarkId::new("lazy_opaque_build_strict", ty), |bench| {
            bench.iter_batched(
                copies,
                |(a, b)| {
                    let r: Arr = strict($lazy(Lazy::opaque(a), Lazy::opaque(b)));
                    assert_eq!(r[7], expected[7]);
                    r
                },
                BatchSize::PerIteration,
            );
        });
        group.bench_function(BenchmarkId::new("lazy_strict_only", ty), |bench| {
            bench.iter_batched(
                || $lazy(a.clone(), b.clone()),
                |graph| {
                    let r: Arr = strict(graph);
                    assert_eq!(r[7], expected[7]);
                    r
                },
                BatchSize::PerIteration,
            );
        });
        group.bench_function(BenchmarkId::new("hash_two_leaves", ty), |bench| {
            bench.iter_batched(
                copies,
                |(a, b)| {
                    let leaves = (Lazy::new(a), Lazy::new(b));
                    black_box(leaves.0.key());
                    leaves
                },
                BatchSize::PerIteration,
            );
        });
        group.finish();
    }};
}

fn daisy(c: &mut Criterion) {
    let budget = lazy::memo::budget();
    lazy::memo::set_budget(0);
    for n in SIZES {
        workload!(c, n, int, "g", g, eager_g, fused_g, floor_g);
        workload!(c, n, float, "g", g, eager_g, fused_g, floor_g);
        workload!(c, n, int, "h", h, eager_h, fused_h, floor_h);
        workload!(c, n, float, "h", h, eager_h, fused_h, floor_h);
    }
    lazy::memo::set_budget(budget);
}

criterion_group!(benches, daisy);
criterion_main!(benches);
