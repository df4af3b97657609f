//! Batches (distarray's `lazy_eval()` scope): forcing K dependent steps one at a time runs K
//! plans; requesting them all inside a batch runs one plan at the end of the scope.

use std::time::Instant;

use lazy::{Lazy, batch, lazy, strict};

#[lazy]
fn tanh_all(x: Vec<f64>) -> Vec<f64> {
    x.into_iter().map(f64::tanh).collect()
}

#[lazy]
fn mean(x: Vec<f64>) -> f64 {
    #[allow(clippy::cast_precision_loss, reason = "a length far below 2^52")]
    let n = x.len() as f64;
    x.iter().sum::<f64>() / n
}

fn steps(start: f64, k: usize) -> Vec<Lazy<f64>> {
    let data: Vec<f64> = (0..100_000).map(|i| start + f64::from(i) * 1e-5).collect();
    let mut x = tanh_all(data);
    let mut means = Vec::with_capacity(k);
    for _ in 0..k {
        means.push(mean(&x));
        x = tanh_all(x);
    }
    means
}

fn main() {
    let k = 50;
    let one_by_one = steps(1.0, k);
    let start = Instant::now();
    let values: Vec<f64> = one_by_one.iter().map(strict).collect();
    println!(
        "forcing {k} steps one at a time: {:?} ({} plans)",
        start.elapsed(),
        k
    );

    let batched = steps(2.0, k);
    let start = Instant::now();
    let placeholders = batch(|b| batched.iter().map(|m| b.request(m)).collect::<Vec<_>>());
    println!(
        "forcing {k} steps in one batch:  {:?} (1 plan)",
        start.elapsed()
    );
    println!(
        "last means: {:.6} and {:.6}",
        values[k - 1],
        placeholders[k - 1].get()
    );
}
