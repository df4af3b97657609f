//! Float minima and maxima over element-wise regions, written as the standard iterator's
//! fold or reduce with `f64::max` / `f64::min`: they consume the region's chunks in its
//! pass, and give the bits of the eager expression, NaNs and signed zeros included.

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    reason = "small test data"
)]

use std::sync::{Mutex, MutexGuard, PoisonError};

use lazy::inspect::stats;
use lazy::{Lazy, autodask, eager, strict};
use ndarray::{Array1, Array2, ArrayD, IxDyn};

/// The fusion counters are process-wide: tests that read them run one at a time.
fn counting() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

#[autodask(inline)]
fn peak(a: Array1<f64>, b: Array1<f64>) -> f64 {
    (a * b).iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

#[autodask(inline)]
fn trough_from(a: Array2<f64>, start: f64) -> f64 {
    (a * 2.0 - 1.0).iter().cloned().fold(start, f64::min)
}

#[autodask(inline)]
fn extremes(a: ArrayD<f32>) -> (Option<f32>, Option<f32>) {
    let shifted = a - 0.5;
    (
        (shifted * 3.0).iter().copied().reduce(f32::min),
        (shifted / 2.0).iter().copied().reduce(f32::max),
    )
}

fn larger(x: f64, y: f64) -> f64 {
    if x > y { x } else { y }
}

#[autodask(inline)]
fn peak_by_own_function(a: Array1<f64>, b: Array1<f64>) -> f64 {
    (a * b).iter().copied().fold(f64::NEG_INFINITY, larger)
}

/// Values with NaNs of both signs and payloads, zeros of both signs and infinities
/// scattered among ordinary ones.
fn awkward(n: usize, seed: u64) -> Vec<f64> {
    let specials = [
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7ff8_0000_0000_0001),
        0.0,
        -0.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut state = seed;
    (0..n)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            if state.is_multiple_of(11) {
                specials[usize::try_from(state / 11 % 7).expect("small")]
            } else {
                ((i as f64) * 0.37).sin() * 100.0
            }
        })
        .collect()
}

#[test]
fn a_fold_max_over_a_region_is_one_pass_with_the_eager_bits() {
    let _one = counting();
    for n in [0, 1, 4095, 4097, 40_000] {
        let (a, b) = (Array1::from(awkward(n, 3)), Array1::from(awkward(n, 5)));
        let expected = (&a * &b).iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let before = stats();
        let fused = strict(peak(a.clone(), b.clone()));
        let after = stats();
        assert_eq!(fused.to_bits(), expected.to_bits(), "{n} elements");
        assert_eq!(after.fused_passes - before.fused_passes, 1, "{n} elements");
        assert_eq!(
            after.buffers_allocated - before.buffers_allocated,
            0,
            "no array written"
        );
        let unfused = eager(|| strict(peak(a.clone(), b.clone())));
        assert_eq!(unfused.to_bits(), expected.to_bits());
    }
}

#[test]
fn nan_is_ignored_and_signed_zeros_keep_the_eager_choice() {
    let _one = counting();
    // Only NaNs: the start comes back; a NaN start with only NaNs gives a NaN.
    let nans = Array2::from_elem((3, 9000), f64::NAN);
    assert_eq!(
        strict(trough_from(nans.clone(), 7.0)).to_bits(),
        7.0_f64.to_bits()
    );
    assert!(strict(trough_from(nans, f64::NAN)).is_nan());
    // Zeros of both signs, in every order: the result has the eager fold's sign.
    for seed in 1..20 {
        let zeros: Vec<f64> = awkward(9000, seed)
            .into_iter()
            .map(|x| {
                if x.is_nan() {
                    x
                } else if x.to_bits() % 2 == 0 {
                    0.5
                } else {
                    -0.5
                }
            })
            .collect();
        let a = Array2::from_shape_vec((3, 3000), zeros).expect("sized");
        for start in [0.0, -0.0, f64::NAN, 1.0] {
            let expected = (&a * 2.0 - 1.0).iter().copied().fold(start, f64::min);
            let fused = strict(trough_from(a.clone(), start));
            assert_eq!(
                fused.to_bits(),
                expected.to_bits(),
                "seed {seed}, start {start}"
            );
        }
    }
}

#[test]
fn a_reduce_gives_none_for_no_elements_and_the_eager_bits_otherwise() {
    let _one = counting();
    for shape in [vec![0, 4], vec![1], vec![2, 3, 2000], vec![20_000]] {
        let n: usize = shape.iter().product();
        let data: Vec<f32> = awkward(n, 9).into_iter().map(|x| x as f32).collect();
        let a = ArrayD::from_shape_vec(IxDyn(&shape), data).expect("sized");
        let shifted = &a - 0.5;
        let expected = (
            (&shifted * 3.0).iter().copied().reduce(f32::min),
            (&shifted / 2.0).iter().copied().reduce(f32::max),
        );
        let before = stats();
        let (min, max) = strict(extremes(a.clone()));
        let after = stats();
        let f32_bits = |x: Option<f32>| x.map(f32::to_bits);
        assert_eq!(f32_bits(min), f32_bits(expected.0), "{shape:?}");
        assert_eq!(f32_bits(max), f32_bits(expected.1), "{shape:?}");
        // `shifted` is read by both reductions, so it is materialised by its own task;
        // each reduction and the step below it are one pass.
        assert_eq!(after.fused_passes - before.fused_passes, 2, "{shape:?}");
    }
}

#[test]
fn a_fold_with_another_function_is_not_fused_and_still_right() {
    let _one = counting();
    let (a, b) = (
        Array1::from(awkward(10_000, 4)),
        Array1::from(awkward(10_000, 6)),
    );
    let expected = (&a * &b).iter().copied().fold(f64::NEG_INFINITY, larger);
    let before = stats();
    let result = strict(peak_by_own_function(a, b));
    let after = stats();
    assert_eq!(result.to_bits(), expected.to_bits());
    assert_eq!(after.fused_passes - before.fused_passes, 0);
    // One array as both operands: one leaf, squared.
    let both = Lazy::new(Array1::from(vec![1.0, -3.0]));
    assert_eq!(
        strict(peak(both.clone(), both)).to_bits(),
        9.0_f64.to_bits()
    );
}
