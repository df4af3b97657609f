//! `Lazy::force_into`: a lazy array computed into the caller's buffer (`docs/arrays.md`).

#![allow(
    clippy::many_single_char_names,
    reason = "array expressions read as the algebra they are"
)]

mod support;

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use lazy::inspect::stats;
use lazy::{Lazy, autodask, strict};
use ndarray::{Array1, Array2};

#[autodask(inline)]
fn h(a: Array1<f64>, b: Array1<f64>) -> Array1<f64> {
    (a + b) * (a - b) + 1.0
}

/// The fusion counters are process-wide: tests that read them run one at a time.
fn counting() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

fn data(n: u32, k: f64) -> Array1<f64> {
    Array1::from_iter((0..n).map(|i| f64::from(i) * k))
}

fn eager(a: &Array1<f64>, b: &Array1<f64>) -> Array1<f64> {
    (a + b) * (a - b) + 1.0
}

#[test]
fn a_fused_pass_writes_into_the_callers_buffer() {
    support::within(Duration::from_mins(1), || {
        let _one = counting();
        let mut out = Array1::from_elem(50_000, -1.0);
        let buffer = out.as_ptr();
        let before = stats();
        h(data(50_000, 0.5), data(50_000, 0.25)).force_into(&mut out);
        let after = stats();
        assert_eq!(out, eager(&data(50_000, 0.5), &data(50_000, 0.25)));
        assert_eq!(out.as_ptr(), buffer, "the pass wrote into the buffer lent");
        assert_eq!(after.fused_passes - before.fused_passes, 1);
        assert_eq!(after.buffers_lent - before.buffers_lent, 1, "not copied");
        assert_eq!(after.buffers_allocated, before.buffers_allocated);
        // Again into the same buffer, with other inputs.
        h(data(50_000, 2.0), data(50_000, 3.0)).force_into(&mut out);
        assert_eq!(out, eager(&data(50_000, 2.0), &data(50_000, 3.0)));
        assert_eq!(out.as_ptr(), buffer);
    });
}

#[test]
fn a_value_kept_already_or_not_fused_is_copied_into_the_buffer() {
    support::within(Duration::from_mins(1), || {
        let _one = counting();
        let x = h(data(1000, 1.0), data(1000, 2.0));
        let kept = x.clone();
        let first = strict(&kept);
        let mut out = Array1::zeros(1000);
        let buffer = out.as_ptr();
        let before = stats();
        x.force_into(&mut out);
        assert_eq!(stats().buffers_lent, before.buffers_lent, "nothing ran");
        assert_eq!(out, first);
        assert_eq!(out.as_ptr(), buffer, "copied into the caller's buffer");

        // A leaf is no pass: its value is copied.
        let leaf = Lazy::new(Array2::from_elem((3, 4), 7_i64));
        let mut grid = Array2::zeros((3, 4));
        let buffer = grid.as_ptr();
        leaf.force_into(&mut grid);
        assert_eq!(grid, Array2::from_elem((3, 4), 7_i64));
        assert_eq!(grid.as_ptr(), buffer);
    });
}

#[test]
fn an_out_of_another_shape_is_an_error_naming_both_shapes() {
    support::within(Duration::from_mins(1), || {
        let x = h(data(10, 1.0), data(10, 2.0));
        let mut out = Array1::zeros(7);
        let message = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            x.force_into(&mut out);
        }))
        .expect_err("shapes differ");
        let message = message
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        assert!(
            message.contains("[10]") && message.contains("[7]"),
            "{message}"
        );
        assert_eq!(out.len(), 7, "the buffer is given back");
    });
}

#[test]
fn a_failing_force_leaves_the_buffer_as_it_was() {
    support::within(Duration::from_mins(1), || {
        let x = h(data(10, 1.0), data(12, 2.0));
        let mut out = Array1::from_elem(10, 5.0);
        let buffer = out.as_ptr();
        assert!(x.try_force_into(&mut out).is_err(), "shapes 10 and 12");
        assert_eq!(out, Array1::from_elem(10, 5.0));
        assert_eq!(out.as_ptr(), buffer);
    });
}
