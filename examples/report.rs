//! One HTML report for the daisy and prototype graphs: their pictures, the timeline of
//! their tasks, the profile, and a failure.
//!
//! Run with `cargo run --release --example report [path]`; it writes `lazy-report.html`
//! (or `path`) and a Chrome trace beside it (`.trace.json`), which Perfetto opens.

use std::time::Duration;

use lazy::observe::{self, Report};
use lazy::{Lazy, autodask, lazy, strict, try_strict};
use ndarray::Array1;

type Arr = Array1<i64>;

#[autodask(inline)]
fn f(a: Arr, b: Arr) -> Arr {
    a + b
}

#[autodask(inline)]
fn g(a: Arr, b: Arr) -> Arr {
    f(f(a, b), f(a, b))
}

#[autodask(inline)]
fn g2(a: Arr, b: Arr) -> Arr {
    a + b + 1
}

#[autodask(inline)]
fn h(a: Arr, b: Arr) -> Arr {
    f(a, b) + g2(a, b)
}

fn pause() {
    std::thread::sleep(Duration::from_millis(100));
}

#[lazy]
fn square(x: i64) -> i64 {
    pause();
    x * x
}

#[lazy]
fn mul(x: i64, y: i64) -> i64 {
    pause();
    x * y
}

#[lazy]
fn add(x: i64, y: i64) -> i64 {
    pause();
    x + y
}

#[lazy]
fn checked_div(x: i64, y: i64) -> i64 {
    assert!(y != 0, "division of {x} by zero");
    x / y
}

fn main() -> std::io::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| String::from("lazy-report.html"));
    let arr = Lazy::new(Arr::from_iter(0..1_000_000));
    let (daisy_g, daisy_h) = (g(&arr, &arr), h(&arr, &arr));
    let a = square(2);
    let b = square(3);
    let (c, d) = (mul(&a, &b), add(&a, &b));
    let zero = Lazy::new(0_i64);
    let broken = checked_div(&d, &zero);
    let (failure, trace) = observe::record(|| {
        let (gv, hv) = strict((&daisy_g, &daisy_h));
        println!("daisy: g[1] = {}, h[1] = {}", gv[1], hv[1]);
        println!("prototype: c = {}", strict(&c));
        println!("prototype: d = {}", strict(&d));
        try_strict(&broken).expect_err("a division by zero fails")
    });
    println!("{failure}");
    print!("{}", trace.profile());
    let report = Report::new("lazy: the daisy and prototype graphs")
        .graph(
            "daisy: g(a, a) and h(a, a)",
            &lazy::graph(&(&daisy_g, &daisy_h)),
        )
        .graph(
            "prototype: mul, add and a division by zero",
            &lazy::graph(&(&c, &d, &broken)),
        )
        .trace(trace.clone())
        .failure(&failure);
    report.write_html(&path)?;
    let trace_path = format!("{}.trace.json", path.trim_end_matches(".html"));
    trace.write_chrome_json(&trace_path)?;
    println!("wrote {path} and {trace_path}");
    Ok(())
}
