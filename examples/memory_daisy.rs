//! Peak resident memory of daisy's `g` on 10,000,000-element `i64` arrays, lazy or eager,
//! one per process: `cargo run --release --example memory_daisy -- lazy` (or `eager`).
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

/// The same code without the macros.
fn eager_g(a: &Arr, b: &Arr) -> Arr {
    let f = |a: &Arr, b: &Arr| a + b;
    f(&f(a, b), &f(a, b))
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
    let mode = std::env::args()
        .nth(1)
        .unwrap_or_else(|| String::from("lazy"));
    #[allow(clippy::cast_possible_wrap, reason = "N fits in an i64")]
    let a = Arr::from_iter((0..N).map(|i| i as i64));
    #[allow(clippy::cast_possible_wrap, reason = "N fits in an i64")]
    let b = Arr::from_iter((0..N).map(|i| 3 * i as i64 + 1));
    let inputs = peak_kib();
    let result = match mode.as_str() {
        "eager" => eager_g(&a, &b),
        "lazy" => strict(g(a, b)),
        other => panic!("unknown mode `{other}`: use `lazy` or `eager`"),
    };
    let peak = peak_kib();
    assert_eq!(result[1], 2 * (1 + 4));
    println!(
        "{mode}: inputs {:.1} MiB, peak {:.1} MiB, the computation added {:.1} MiB",
        inputs as f64 / 1024.0,
        peak as f64 / 1024.0,
        (peak - inputs) as f64 / 1024.0
    );
}
