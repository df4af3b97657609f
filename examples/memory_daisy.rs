//! Peak resident memory of daisy's `g` on 10,000,000-element `i64` arrays, lazy or eager,
//! one per process: `cargo run --release --example memory_daisy -- lazy` (or `eager`). A
//! second argument picks another workload: `h` (daisy's `h`, `i64`) or `longer`
//! (`(a*b + a*c) - (b*c)/2 + (a*b).sqrt()` on `f64`).
//!
//! Prints the process's peak resident set (`VmHWM` from `/proc/self/status`, Linux only)
//! before and after the computation, so that the two runs can be compared; run it under
//! `/usr/bin/time -v` for a second opinion.

use lazy::{autodask, strict};
use ndarray::Array1;

type Arr = Array1<i64>;

const N: usize = 10_000_000;

#[autodask(inline)]
fn f(a: Arr, b: Arr) -> Arr {
    a + b
}

#[autodask(inline)]
fn g(a: Arr, b: Arr) -> Arr {
    f(f(a, b), f(a, b))
}

#[autodask(inline)]
fn h(a: Arr, b: Arr) -> Arr {
    f(a, b) + (f(a, b) + 1)
}

#[autodask(inline)]
fn longer(a: Array1<f64>, b: Array1<f64>, c: Array1<f64>) -> Array1<f64> {
    (a * b + a * c) - (b * c) / 2.0 + (a * b).sqrt()
}

/// The same code without the macros.
fn eager_g(a: &Arr, b: &Arr) -> Arr {
    let f = |a: &Arr, b: &Arr| a + b;
    f(&f(a, b), &f(a, b))
}

fn eager_h(a: &Arr, b: &Arr) -> Arr {
    let f = |a: &Arr, b: &Arr| a + b;
    f(a, b) + (f(a, b) + 1)
}

fn eager_longer(a: &Array1<f64>, b: &Array1<f64>, c: &Array1<f64>) -> Array1<f64> {
    (a * b + a * c) - (b * c) / 2.0 + (a * b).sqrt()
}

/// The process's peak resident set in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[allow(clippy::cast_precision_loss, reason = "sizes in MiB, for reading")]
fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| String::from("lazy"));
    let workload = args.next().unwrap_or_else(|| String::from("g"));
    let lazy = match mode.as_str() {
        "lazy" => true,
        "eager" => false,
        other => panic!("unknown mode `{other}`: use `lazy` or `eager`"),
    };
    let (inputs, peak) = match workload.as_str() {
        "g" | "h" => {
            #[allow(clippy::cast_possible_wrap, reason = "N fits in an i64")]
            let a = Arr::from_iter((0..N).map(|i| i as i64));
            #[allow(clippy::cast_possible_wrap, reason = "N fits in an i64")]
            let b = Arr::from_iter((0..N).map(|i| 3 * i as i64 + 1));
            let inputs = peak_kib();
            let result = match (lazy, workload == "g") {
                (false, true) => eager_g(&a, &b),
                (true, true) => strict(g(a, b)),
                (false, false) => eager_h(&a, &b),
                (true, false) => strict(h(a, b)),
            };
            let peak = peak_kib();
            let expected = if workload == "g" {
                2 * (1 + 4)
            } else {
                2 * (1 + 4) + 1
            };
            assert_eq!(result[1], expected);
            (inputs, peak)
        }
        "longer" => {
            #[allow(clippy::cast_precision_loss, reason = "test data")]
            let data = |k: f64| Array1::from_iter((0..N).map(|i| k * i as f64 + 1.0));
            let (a, b, c) = (data(1.0), data(2.0), data(0.5));
            let inputs = peak_kib();
            let result = if lazy {
                strict(longer(a, b, c))
            } else {
                eager_longer(&a, &b, &c)
            };
            let peak = peak_kib();
            // Element 1 of `a`, `b` and `c`: 2, 3 and 1.5.
            let expected = (2.0 * 3.0 + 2.0 * 1.5) - (3.0 * 1.5) / 2.0 + (2.0_f64 * 3.0).sqrt();
            assert_eq!(result[1].to_bits(), expected.to_bits());
            (inputs, peak)
        }
        other => panic!("unknown workload `{other}`: use `g`, `h` or `longer`"),
    };
    println!(
        "{mode} {workload}: inputs {:.1} MiB, peak {:.1} MiB, the computation added {:.1} MiB",
        inputs as f64 / 1024.0,
        peak as f64 / 1024.0,
        (peak - inputs) as f64 / 1024.0
    );
}
