//! Arrays through the facade alone: element types, shapes, fused regions of element-wise
//! operations and what they materialise (`docs/arrays.md`).

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    reason = "small test data"
)]
#![allow(
    clippy::many_single_char_names,
    reason = "array expressions read as the algebra they are"
)]

mod support;

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use lazy::arrays::{tanh_f32, tanh_f64};
use lazy::inspect::stats;
use lazy::{Lazy, autodask, eager, strict, try_strict};
use ndarray::{Array1, Array2, ArrayD, IxDyn};

/// The fusion counters are process-wide: tests that read them, and every test that forms
/// fused regions (which count into them), run one at a time.
fn counting() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

#[autodask(inline)]
fn f(a: Array1<f64>, b: Array1<f64>) -> Array1<f64> {
    a + b
}

#[autodask(inline)]
fn h(a: Array1<f64>, b: Array1<f64>) -> Array1<f64> {
    f(a, b) + (f(a, b) + 1.0)
}

#[autodask(inline)]
fn either(a: Array1<f64>, b: Array1<f64>, sum: bool) -> Array1<f64> {
    if sum { a + b } else { a - b }
}

#[autodask(inline)]
fn longer(a: Array1<f64>, b: Array1<f64>, c: Array1<f64>) -> Array1<f64> {
    (a * b + a * c) - (b * c) / 2.0 + (a * b).sqrt()
}

fn data(n: usize, seed: u32) -> Array1<f64> {
    Array1::from_iter(
        (0..n).map(|i| f64::from((i as u32).wrapping_mul(2_654_435_761) ^ seed) / 1e6),
    )
}

#[test]
fn daisy_h_runs_as_one_pass_with_one_result_buffer() {
    support::within(Duration::from_mins(1), || {
        let _one = counting();
        let (a, b) = (data(100_000, 1), data(100_000, 2));
        let expected = (&a + &b) + (&a + &b + 1.0);
        let before = stats();
        let result = strict(h(a, b));
        let after = stats();
        assert_eq!(result, expected);
        assert_eq!(after.fused_passes - before.fused_passes, 1);
        assert_eq!(after.fused_operations - before.fused_operations, 2);
        // Leaves keep their values, so the result is the one buffer the pass allocates.
        assert_eq!(after.buffers_allocated - before.buffers_allocated, 1);
        assert_eq!(after.buffers_reused - before.buffers_reused, 0);
    });
}

#[test]
fn a_fused_pass_is_recorded_as_one_run_of_its_head() {
    support::within(Duration::from_mins(1), || {
        let _one = counting();
        let (a, b) = (data(100_000, 7), data(100_000, 8));
        let expected = (&a + &b) + (&a + &b + 1.0);
        let result = h(a, b);
        let key = result.key();
        let (result, trace) = lazy::observe::record(|| strict(result));
        assert_eq!(result, expected);
        // The pass is recorded as a run of its head, with the bytes of its result. (Tests
        // that do not count may record tasks of their own meanwhile: only the head's key
        // is looked at.)
        let heads: Vec<_> = trace.tasks().iter().filter(|t| t.key == key).collect();
        assert_eq!(heads.len(), 1, "{:?}", trace.tasks());
        assert!(heads[0].name.starts_with("add"), "{}", heads[0].name);
        assert!(heads[0].bytes >= 100_000 * 8, "{}", heads[0].bytes);
    });
}

#[test]
fn shared_subterms_are_computed_once_per_chunk_and_bit_for_bit_like_eager() {
    let _one = counting();
    let (a, b, c) = (data(70_001, 3), data(70_001, 4), data(70_001, 5));
    let expected = (&a * &b + &a * &c) - (&b * &c) / 2.0 + (&a * &b).sqrt();
    let before = stats();
    let result = strict(longer(a.clone(), b.clone(), c.clone()));
    let after = stats();
    let same = result
        .iter()
        .zip(&expected)
        .all(|(x, y)| x.to_bits() == y.to_bits());
    assert!(same, "fused differs from eager");
    assert_eq!(after.fused_passes - before.fused_passes, 1);
    // a*b, a*c, +, b*c, /, -, sqrt, +: eight operations, seven inside the head's pass.
    assert_eq!(after.fused_operations - before.fused_operations, 7);
}

#[test]
fn a_requested_intermediate_is_materialised_and_the_rest_is_not() {
    let _one = counting();
    let (a, b) = (Lazy::new(data(10_000, 6)), Lazy::new(data(10_000, 7)));
    let s = &a + &b;
    let t = &s * &s;
    let u = &t - &a;
    let before = stats();
    let (s_value, u_value) = strict((&s, &u));
    let after = stats();
    let (x, y) = (data(10_000, 6), data(10_000, 7));
    assert_eq!(s_value, &x + &y);
    assert_eq!(u_value, (&x + &y) * (&x + &y) - &x);
    // `s` is requested: its own result. `t` is read only by `u`: fused into `u`'s pass.
    assert_eq!(after.fused_passes - before.fused_passes, 1);
    assert_eq!(after.fused_operations - before.fused_operations, 1);
}

#[test]
fn a_region_writes_into_the_buffer_of_an_input_that_dies_with_it() {
    let _one = counting();
    let n = Lazy::new(50_000_usize);
    let x: Lazy<Array1<f64>> = lazy::task::task(
        lazy::task::Op::function("tests::arrays::ramp"),
        (n,),
        |(n,): (usize,)| Array1::from_iter((0..n).map(|i| i as f64)),
    );
    let y = (&x + Lazy::new(1.0)) * Lazy::new(2.0);
    drop(x);
    let before = stats();
    let result = strict(y);
    let after = stats();
    assert_eq!(
        result,
        Array1::from_iter((0..50_000).map(|i| (f64::from(i) + 1.0) * 2.0))
    );
    assert_eq!(after.fused_passes - before.fused_passes, 1);
    assert_eq!(after.buffers_reused - before.buffers_reused, 1);
    assert_eq!(after.buffers_allocated - before.buffers_allocated, 0);
}

#[test]
fn every_element_type_works_through_the_facade() {
    let _one = counting();
    let i = Lazy::new(Array1::from(vec![1_i64, 2, 3]));
    assert_eq!(
        strict(&i + &i * Lazy::new(2_i64)),
        Array1::from(vec![3, 6, 9])
    );
    let j = Lazy::new(Array1::from(vec![1_i32, -2, 3]));
    assert_eq!(strict(-(&j + &j)), Array1::from(vec![-2, 4, -6]));
    let u = Lazy::new(Array1::from(vec![1_u8, 2, 250]));
    assert_eq!(
        strict((&u & &u) ^ Lazy::new(1_u8)),
        Array1::from(vec![0, 3, 251])
    );
    let x = Lazy::new(Array1::from(vec![1.5_f32, 2.0]));
    assert_eq!(strict((&x + &x) * &x), Array1::from(vec![4.5_f32, 8.0]));
    let p = Lazy::new(Array1::from(vec![true, false, true]));
    let q = Lazy::new(Array1::from(vec![true, true, false]));
    assert_eq!(
        strict(!(&p & &q) | &q),
        Array1::from(vec![true, true, true])
    );
    let m = Lazy::new(Array2::from_shape_fn((3, 4), |(r, c)| (r * 4 + c) as f64));
    assert_eq!(
        strict((&m + &m) - &m),
        Array2::from_shape_fn((3, 4), |(r, c)| (r * 4 + c) as f64)
    );
    let d = Lazy::new(ArrayD::from_elem(IxDyn(&[2, 2, 2]), 3_i64));
    assert_eq!(
        strict((&d * &d) + &d),
        ArrayD::from_elem(IxDyn(&[2, 2, 2]), 12_i64)
    );
}

#[test]
fn lazy_arrays_take_plain_scalars_outside_inlined_bodies_and_fuse_with_them() {
    let _one = counting();
    let x = data(10_000, 9);
    let lazy_x = Lazy::new(x.clone());
    let before = stats();
    let result = strict((&lazy_x * 3.0 + 1.0) / &lazy_x - 0.5 * &lazy_x);
    let after = stats();
    assert_eq!(result, (&x * 3.0 + 1.0) / &x - 0.5 * &x);
    assert_eq!(after.fused_passes - before.fused_passes, 1);
    // Five operations, one pass: the head and the four it absorbs.
    assert_eq!(after.fused_operations - before.fused_operations, 4);
    let n = Lazy::new(Array1::from(vec![1_i64, 2, 3]));
    assert_eq!(strict(2 * &n - 1), Array1::from(vec![1_i64, 3, 5]));
}

#[test]
fn a_shape_mismatch_in_an_inlined_body_names_the_function() {
    let _one = counting();
    // Data of its own: an equal node built by another test would fold with this one and keep
    // that test's name for it (a node is named by the function that built it first).
    let a = Array1::from(vec![10.0_f64, 20.0, 30.0]);
    let b = Array1::from(vec![10.0_f64, 20.0, 30.0, 40.0]);
    // `f`'s `a + b` is where the shapes meet; `longer`'s first product too.
    let error = try_strict(&h(a.clone(), b.clone())).expect_err("shapes differ");
    let message = error.to_string();
    assert!(
        message.contains("shape mismatch in `f`: `a + b` with a of shape [3] and b of shape [4]"),
        "{message}"
    );
    // A branch is built when the force takes it, and names its function too.
    let error = try_strict(&either(a.clone(), b.clone(), false)).expect_err("shapes differ");
    let message = error.to_string();
    assert!(
        message
            .contains("shape mismatch in `either`: `a - b` with a of shape [3] and b of shape [4]"),
        "{message}"
    );
    let error = try_strict(&longer(a.clone(), b, a)).expect_err("shapes differ");
    let message = error.to_string();
    assert!(
        message
            .contains("shape mismatch in `longer`: `a * b` with a of shape [3] and b of shape [4]"),
        "{message}"
    );
}

#[test]
fn a_shape_mismatch_names_the_operator_and_both_shapes() {
    let _one = counting();
    let a = Lazy::new(Array1::from(vec![1.0_f64, 2.0, 3.0]));
    let b = Lazy::new(Array1::from(vec![1.0_f64, 2.0, 3.0, 4.0]));
    let error = try_strict(&((&a + &b) * &a)).expect_err("shapes differ");
    let message = error.to_string();
    assert!(
        message.contains("shape mismatch: `a + b` with a of shape [3] and b of shape [4]"),
        "{message}"
    );
    assert!(
        message.contains("add<(Array<f64, Ix1>, Array<f64, Ix1>)>"),
        "{message}"
    );
    assert!(message.len() < 300, "{message}");
}

#[test]
fn arrays_of_other_layouts_take_the_operations_one_by_one() {
    let _one = counting();
    let t = Array2::from_shape_fn((30, 20), |(r, c)| (r * 20 + c) as f64).reversed_axes();
    let a = Lazy::new(t.clone());
    let result = strict((&a + &a) * &a);
    assert_eq!(result, (&t + &t) * &t);
}

#[autodask(inline)]
fn dot(a: Array1<f64>, b: Array1<f64>) -> f64 {
    (a * b).sum()
}

#[autodask(inline)]
fn centred_mean(a: ArrayD<i64>, b: ArrayD<i64>) -> Option<i64> {
    (a - b * 2).mean()
}

#[autodask(inline)]
fn extremes(a: Array1<i32>, b: Array1<i32>) -> (Option<i32>, Option<i32>) {
    ((a * b).iter().copied().min(), (a + b).iter().copied().max())
}

#[autodask(inline)]
fn product_of_halves(a: Array1<f32>) -> f32 {
    (a / 2.0).product()
}

/// `(a * b).sum()` in the fused pass's order: ndarray's sum of each 4096-element chunk,
/// the chunks' sums added in order (`docs/arrays.md`).
fn chunked_sum(products: &Array1<f64>) -> f64 {
    let sums: Vec<f64> = products
        .as_slice()
        .expect("contiguous")
        .chunks(4096)
        .map(|chunk| Array1::from(chunk.to_vec()).sum())
        .collect();
    sums.into_iter().reduce(|x, y| x + y).unwrap_or(0.0)
}

#[test]
fn a_sum_over_a_region_consumes_its_chunks_and_writes_no_array() {
    let _one = counting();
    let (a, b) = (data(100_003, 8), data(100_003, 9));
    let products = &a * &b;
    let before = stats();
    let fused = strict(dot(a.clone(), b.clone()));
    let after = stats();
    assert_eq!(fused.to_bits(), chunked_sum(&products).to_bits());
    let eager = a.dot(&b);
    assert!(
        (fused - eager).abs() <= 1e-12 * products.iter().map(|x| x.abs()).sum::<f64>(),
        "fused {fused} against ndarray's {eager}"
    );
    assert_eq!(after.fused_passes - before.fused_passes, 1);
    assert_eq!(after.fused_operations - before.fused_operations, 1);
    assert_eq!(after.buffers_allocated - before.buffers_allocated, 0);
    assert_eq!(after.buffers_reused - before.buffers_reused, 0);
}

#[test]
fn a_sum_of_one_chunk_has_ndarray_bits() {
    let _one = counting();
    let (a, b) = (data(4096, 10), data(4096, 11));
    assert_eq!(
        strict(dot(a.clone(), b.clone())).to_bits(),
        (&a * &b).sum().to_bits()
    );
}

#[test]
fn integer_reductions_are_exact() {
    let _one = counting();
    let a = ArrayD::from_shape_fn(IxDyn(&[70, 300]), |i| {
        (i[0] * 300 + i[1]) as i64 % 997 - 400
    });
    let b = ArrayD::from_shape_fn(IxDyn(&[70, 300]), |i| (i[1] * 7 + i[0]) as i64 % 13);
    let before = stats();
    let mean = strict(centred_mean(a.clone(), b.clone()));
    let after = stats();
    assert_eq!(mean, (&a - &b * 2).mean());
    assert_eq!(after.fused_passes - before.fused_passes, 1);
    let x = Array1::from_iter((0..30_000).map(|i| (i * 7919 % 2001) - 1000));
    let y = Array1::from_iter((0..30_000).map(|i| (i * 613 % 61) - 30));
    let (min, max) = strict(extremes(x.clone(), y.clone()));
    assert_eq!(min, (&x * &y).iter().copied().min());
    assert_eq!(max, (&x + &y).iter().copied().max());
}

#[test]
fn a_product_and_empty_reductions_match_ndarray() {
    let _one = counting();
    let a = Array1::from_iter((0..40).map(|i| 1.9 + (i as f32) / 100.0));
    assert_eq!(
        strict(product_of_halves(a.clone())).to_bits(),
        (&a / 2.0).product().to_bits()
    );
    let empty = Array1::<f64>::zeros(0);
    assert_eq!(
        strict(dot(empty.clone(), empty.clone())).to_bits(),
        0.0_f64.to_bits()
    );
    let none = ArrayD::<i64>::zeros(IxDyn(&[0, 3]));
    assert_eq!(strict(centred_mean(none.clone(), none)), None);
    let (min, max) = strict(extremes(Array1::zeros(0), Array1::zeros(0)));
    assert_eq!((min, max), (None, None));
}

#[test]
fn a_reduced_array_read_elsewhere_is_materialised_once() {
    let _one = counting();
    let (x, y) = (data(20_000, 12), data(20_000, 13));
    let (a, b) = (Lazy::new(x.clone()), Lazy::new(y.clone()));
    let s = (&a + &b) * &a;
    let total = dot(s.clone(), b.clone());
    let scaled = &s * &total;
    let before = stats();
    let (total, scaled) = strict((&total, &scaled));
    let after = stats();
    let s = (&x + &y) * &x;
    assert_eq!(total.to_bits(), chunked_sum(&(&s * &y)).to_bits());
    assert_eq!(scaled, &s * total);
    // `s` (read by the sum's region and by `scaled`) is one pass; the sum's region,
    // `s * b` reduced, is another; `scaled` is one operation of its own.
    assert_eq!(after.fused_passes - before.fused_passes, 2);
    assert_eq!(after.buffers_allocated - before.buffers_allocated, 1);
}

#[autodask(inline)]
fn tanh3(a: Array2<f64>) -> Array2<f64> {
    (a.tanh() * 3.0).tanh().tanh()
}

#[autodask(inline)]
fn tanh3_f32(a: ArrayD<f32>) -> ArrayD<f32> {
    (a.tanh() * 3.0).tanh().tanh()
}

#[autodask(inline)]
fn tanh1(a: Array2<f64>) -> Array2<f64> {
    a.tanh()
}

fn same_bits<T: Copy + PartialEq + std::fmt::Debug>(
    x: &[T],
    y: &[T],
    bits: impl Fn(T) -> u64,
) -> bool {
    x.len() == y.len() && x.iter().zip(y).all(|(&a, &b)| bits(a) == bits(b))
}

#[test]
fn fused_and_unfused_tanh_are_the_runtime_s_own_bit_for_bit() {
    let _one = counting();
    let x = Array2::from_shape_fn((90, 101), |(r, c)| {
        (r as f64 - 45.0) / 7.0 + c as f64 * 1e-3
    });
    let own = x
        .mapv(tanh_f64)
        .mapv(|v| v * 3.0)
        .mapv(tanh_f64)
        .mapv(tanh_f64);
    let before = stats();
    let fused = strict(tanh3(x.clone()));
    let after = stats();
    assert_eq!(after.fused_passes - before.fused_passes, 1);
    let unfused = eager(|| strict(tanh3(x.clone())));
    let (own, fused, unfused) = (
        own.into_raw_vec_and_offset().0,
        fused.into_raw_vec_and_offset().0,
        unfused.into_raw_vec_and_offset().0,
    );
    assert!(
        same_bits(&fused, &own, f64::to_bits),
        "fused differs from the runtime's tanh"
    );
    assert!(
        same_bits(&unfused, &own, f64::to_bits),
        "unfused differs from the runtime's tanh"
    );

    let y = ArrayD::from_shape_fn(IxDyn(&[3, 5000]), |i| {
        (i[1] as f32 - 2500.0) / 300.0 * (i[0] as f32 + 0.5)
    });
    let own = y
        .mapv(tanh_f32)
        .mapv(|v| v * 3.0)
        .mapv(tanh_f32)
        .mapv(tanh_f32);
    let fused = strict(tanh3_f32(y.clone()));
    let unfused = eager(|| strict(tanh3_f32(y.clone())));
    let bits = |v: f32| u64::from(v.to_bits());
    assert!(same_bits(
        fused.as_slice().unwrap(),
        own.as_slice().unwrap(),
        bits
    ));
    assert!(same_bits(
        unfused.as_slice().unwrap(),
        own.as_slice().unwrap(),
        bits
    ));
}

#[test]
fn one_tanh_on_any_layout_is_the_runtime_s_own_and_close_to_std() {
    let _one = counting();
    let x = Array2::from_shape_fn((40, 30), |(r, c)| {
        (r as f64 - 20.0) / 4.0 + c as f64 / 100.0
    });
    for input in [x.clone(), x.clone().reversed_axes()] {
        let result = strict(tanh1(input.clone()));
        assert_eq!(result.shape(), input.shape());
        for (&r, &v) in result.iter().zip(&input) {
            assert_eq!(r.to_bits(), tanh_f64(v).to_bits());
            assert!(
                (r - v.tanh()).abs() <= 4.0 * f64::EPSILON * v.tanh().abs(),
                "tanh({v})"
            );
        }
    }
}
