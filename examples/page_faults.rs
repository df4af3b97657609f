//! Page faults and time per force of daisy's `h` on 1,000,000 `f64`, whose fused region
//! writes one fresh 8 MB result each time: `cargo run --release --example page_faults`.
//! Reads the process's minor faults from `/proc/self/stat` (Linux only).

use std::time::Instant;

use lazy::{autodask, strict};
use ndarray::Array1;

#[autodask(inline)]
fn f(a: Array1<f64>, b: Array1<f64>) -> Array1<f64> {
    a + b
}

#[autodask(inline)]
fn h(a: Array1<f64>, b: Array1<f64>) -> Array1<f64> {
    f(a, b) + (f(a, b) + 1.0)
}

/// Minor page faults of this process so far.
fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses: minflt is the 10th field
    // of the line, the 8th after it.
    let rest = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    rest.split_whitespace()
        .nth(7)
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn main() {
    const N: usize = 1_000_000;
    const RUNS: usize = 30;
    #[allow(clippy::cast_precision_loss, reason = "test data")]
    let a = Array1::from_iter((0..N).map(|i| i as f64));
    let b = a.mapv(|x| x * 0.5);
    let mut faults = Vec::with_capacity(RUNS);
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        // Keep the inputs: the region cannot take their buffers, and writes a fresh one.
        let (x, y) = (lazy::Lazy::new(a.clone()), lazy::Lazy::new(b.clone()));
        let before = minor_faults();
        let start = Instant::now();
        let result = strict(h(&x, &y));
        times.push(start.elapsed().as_secs_f64() * 1e3);
        faults.push(minor_faults() - before);
        assert_eq!(result[2].to_bits(), (2.0_f64 * (2.0 + 1.0) + 1.0).to_bits());
        drop(result);
    }
    let (first_faults, first_time) = (faults[0], times[0]);
    faults.sort_unstable();
    times.sort_by(f64::total_cmp);
    println!(
        "h on {N} f64, {RUNS} forces: the first {first_faults} minor faults in {first_time:.3} ms; \
         then median {} faults, median {:.3} ms per force",
        faults[RUNS / 2],
        times[RUNS / 2]
    );
}
