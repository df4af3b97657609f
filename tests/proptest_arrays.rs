//! Random element-wise expression DAGs over random arrays and shapes, with shared
//! subexpressions: the fused plan, the unfused run (eager mode, every operation a task
//! run at once) and plain ndarray (with the runtime's `tanh`, which `.tanh()` applies) give
//! the same bits; and a DAG requested only at its root
//! is one fused pass with one result buffer. Reductions of such DAGs consume the pass's
//! chunks: a float sum has the bits of ndarray's sum taken chunk by chunk and added in
//! chunk order, and is within rounding of ndarray's own; integer reductions and float
//! maxima and minima (`fold(f64::NEG_INFINITY, f64::max)`, `reduce(f64::min)`) are exact.

use std::sync::{Mutex, PoisonError};

use lazy::arrays::tanh_f64;
use lazy::inspect::stats;
use lazy::{Lazy, autodask, eager, strict};
use ndarray::{ArrayD, IxDyn};
use proptest::prelude::*;

type Arr = ArrayD<f64>;
type Ints = ArrayD<i64>;

#[autodask(inline)]
fn tanh(a: Arr) -> Arr {
    a.tanh()
}

#[autodask(inline)]
fn root_of_abs(a: Arr) -> Arr {
    a.abs().sqrt()
}

#[autodask(inline)]
fn total(a: Arr) -> f64 {
    a.sum()
}

#[autodask(inline)]
fn average(a: Arr) -> Option<f64> {
    a.mean()
}

#[autodask(inline)]
fn highest(a: Arr) -> f64 {
    a.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

#[autodask(inline)]
fn lowest(a: Arr) -> Option<f64> {
    a.iter().copied().reduce(f64::min)
}

#[autodask(inline)]
fn reductions(a: Ints) -> (i64, Option<i64>, Option<i64>) {
    (a.sum(), a.iter().copied().min(), a.iter().copied().max())
}

/// The fused pass's order of addition (`docs/arrays.md`): ndarray's sum of each chunk of
/// 4096 elements, the chunks' sums added in order.
fn chunked_sum(a: &Arr) -> f64 {
    let flat: Vec<f64> = a.iter().copied().collect();
    flat.chunks(4096)
        .map(|chunk| ndarray::Array1::from(chunk.to_vec()).sum())
        .reduce(|x, y| x + y)
        .unwrap_or(0.0)
}

#[derive(Clone, Copy, Debug)]
enum Step {
    Add(usize, usize),
    Sub(usize, usize),
    Mul(usize, usize),
    Div(usize, usize),
    Neg(usize),
    Scale(usize, f64),
    Offset(f64, usize),
    Tanh(usize),
    RootOfAbs(usize),
}

/// A DAG: `leaves` arrays, then steps over any earlier value (so values are shared).
fn dag() -> impl Strategy<Value = (Vec<usize>, Vec<Vec<f64>>, Vec<Step>)> {
    let shape = prop_oneof![
        (1_usize..5000).prop_map(|n| vec![n]),
        (1_usize..40, 1_usize..40).prop_map(|(r, c)| vec![r, c]),
        (1_usize..8, 1_usize..8, 1_usize..8).prop_map(|(a, b, c)| vec![a, b, c]),
    ];
    (shape, 1_usize..4, 1_usize..12).prop_flat_map(|(shape, leaves, steps)| {
        let len: usize = shape.iter().product();
        let data = prop::collection::vec(prop::collection::vec(-50.0_f64..50.0, len), leaves);
        let steps = (0..steps).map(|k| step(leaves + k)).collect::<Vec<_>>();
        (Just(shape), data, steps)
    })
}

/// Like [`dag`], over one axis of up to 40,000 elements: several chunks, run in parallel.
fn long_dag() -> impl Strategy<Value = (Vec<usize>, Vec<Vec<f64>>, Vec<Step>)> {
    (1_usize..40_000, 1_usize..3, 1_usize..8).prop_flat_map(|(len, leaves, steps)| {
        let data = prop::collection::vec(prop::collection::vec(-50.0_f64..50.0, len), leaves);
        let steps = (0..steps).map(|k| step(leaves + k)).collect::<Vec<_>>();
        (Just(vec![len]), data, steps)
    })
}

fn step(available: usize) -> impl Strategy<Value = Step> {
    let i = 0..available;
    let pair = (0..available, 0..available);
    prop_oneof![
        pair.clone().prop_map(|(a, b)| Step::Add(a, b)),
        pair.clone().prop_map(|(a, b)| Step::Sub(a, b)),
        pair.clone().prop_map(|(a, b)| Step::Mul(a, b)),
        pair.prop_map(|(a, b)| Step::Div(a, b)),
        i.clone().prop_map(Step::Neg),
        (i.clone(), -3.0_f64..3.0).prop_map(|(a, s)| Step::Scale(a, s)),
        (-3.0_f64..3.0, i.clone()).prop_map(|(s, a)| Step::Offset(s, a)),
        i.clone().prop_map(Step::Tanh),
        i.prop_map(Step::RootOfAbs),
    ]
}

fn build_lazy(leaves: &[Arr], steps: &[Step]) -> Vec<Lazy<Arr>> {
    let mut v: Vec<Lazy<Arr>> = leaves.iter().cloned().map(Lazy::new).collect();
    for step in steps {
        let next = match *step {
            Step::Add(a, b) => &v[a] + &v[b],
            Step::Sub(a, b) => &v[a] - &v[b],
            Step::Mul(a, b) => &v[a] * &v[b],
            Step::Div(a, b) => &v[a] / &v[b],
            Step::Neg(a) => -&v[a],
            Step::Scale(a, s) => &v[a] * Lazy::new(s),
            Step::Offset(s, a) => Lazy::new(s) - &v[a],
            Step::Tanh(a) => tanh(&v[a]),
            Step::RootOfAbs(a) => root_of_abs(&v[a]),
        };
        v.push(next);
    }
    v
}

fn build_eager(leaves: &[Arr], steps: &[Step]) -> Vec<Arr> {
    let mut v: Vec<Arr> = leaves.to_vec();
    for step in steps {
        let next = match *step {
            Step::Add(a, b) => &v[a] + &v[b],
            Step::Sub(a, b) => &v[a] - &v[b],
            Step::Mul(a, b) => &v[a] * &v[b],
            Step::Div(a, b) => &v[a] / &v[b],
            Step::Neg(a) => -&v[a],
            Step::Scale(a, s) => &v[a] * s,
            Step::Offset(s, a) => s - &v[a],
            Step::Tanh(a) => v[a].mapv(tanh_f64),
            Step::RootOfAbs(a) => v[a].abs().sqrt(),
        };
        v.push(next);
    }
    v
}

/// How many steps the last value depends on, itself included.
fn reachable_steps(leaves: usize, steps: &[Step]) -> usize {
    let mut needed = vec![false; leaves + steps.len()];
    needed[leaves + steps.len() - 1] = true;
    for (k, step) in steps.iter().enumerate().rev() {
        if !needed[leaves + k] {
            continue;
        }
        let (a, b) = match *step {
            Step::Add(a, b) | Step::Sub(a, b) | Step::Mul(a, b) | Step::Div(a, b) => (a, Some(b)),
            Step::Neg(a)
            | Step::Scale(a, _)
            | Step::Offset(_, a)
            | Step::Tanh(a)
            | Step::RootOfAbs(a) => (a, matches!(step, Step::RootOfAbs(_)).then_some(usize::MAX)),
        };
        needed[a] = true;
        if let Some(b) = b.filter(|&b| b != usize::MAX) {
            needed[b] = true;
        }
    }
    let root_of_abs = steps
        .iter()
        .enumerate()
        .filter(|&(k, s)| needed[leaves + k] && matches!(s, Step::RootOfAbs(_)))
        .count();
    needed[leaves..].iter().filter(|&&n| n).count() + root_of_abs
}

/// The drawn leaves, each of `data`'s vectors as an array of `shape`.
fn leaves(shape: &[usize], data: Vec<Vec<f64>>) -> Vec<Arr> {
    data.into_iter()
        .map(|d| ArrayD::from_shape_vec(IxDyn(shape), d).expect("sized"))
        .collect()
}

fn bits(a: &Arr) -> (Vec<usize>, Vec<u64>) {
    (a.shape().to_vec(), a.iter().map(|x| x.to_bits()).collect())
}

/// The counters are process-wide: one case at a time.
static ONE: Mutex<()> = Mutex::new(());

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn fused_equals_unfused_equals_eager_bit_for_bit((shape, data, steps) in dag()) {
        let _one = ONE.lock().unwrap_or_else(PoisonError::into_inner);
        let leaves = leaves(&shape, data);
        let expected = bits(build_eager(&leaves, &steps).last().expect("a value"));
        let before = stats();
        let fused = {
            let values = build_lazy(&leaves, &steps);
            strict(values.last().expect("a value"))
        };
        let after = stats();
        let unfused = eager(|| strict(build_lazy(&leaves, &steps).last().expect("a value")));
        prop_assert_eq!(&bits(&fused), &expected);
        prop_assert_eq!(&bits(&unfused), &expected);
        // Requested at the root only, every operation below it is one region.
        let passes = after.fused_passes - before.fused_passes;
        let buffers = (after.buffers_allocated - before.buffers_allocated)
            + (after.buffers_reused - before.buffers_reused);
        // Two operations or more (`root_of_abs` is two) make one fused pass.
        let expected_passes = u64::from(reachable_steps(leaves.len(), &steps) >= 2);
        prop_assert_eq!(passes, expected_passes);
        prop_assert_eq!(buffers, passes);
    }

    #[test]
    fn integer_dags_with_an_intermediate_requested_agree(
        data in prop::collection::vec(prop::collection::vec(-1000_i64..1000, 300), 2),
        picks in prop::collection::vec((0_usize..100, 0_usize..100, 0_u8..4), 1..10),
        requested in 0_usize..100,
    ) {
        let _one = ONE.lock().unwrap_or_else(PoisonError::into_inner);
        let leaves: Vec<Ints> = data
            .into_iter()
            .map(|d| ArrayD::from_shape_vec(IxDyn(&[300]), d).expect("sized"))
            .collect();
        let mut lazy: Vec<Lazy<Ints>> = leaves.iter().cloned().map(Lazy::new).collect();
        let mut plain: Vec<Ints> = leaves.clone();
        for &(a, b, op) in &picks {
            let (a, b) = (a % plain.len(), b % plain.len());
            let (l, p) = match op {
                0 => (&lazy[a] + &lazy[b], &plain[a] + &plain[b]),
                1 => (&lazy[a] - &lazy[b], &plain[a] - &plain[b]),
                2 => (&lazy[a] ^ &lazy[b], &plain[a] ^ &plain[b]),
                _ => (&lazy[a] & &lazy[b], &plain[a] & &plain[b]),
            };
            lazy.push(l);
            plain.push(p);
        }
        let r = requested % lazy.len();
        let (mid, last) = strict((&lazy[r], lazy.last().expect("a value")));
        prop_assert_eq!(&mid, &plain[r]);
        prop_assert_eq!(&last, plain.last().expect("a value"));
    }

    #[test]
    fn a_fused_float_max_and_min_have_the_eager_bits((shape, data, steps) in long_dag()) {
        let _one = ONE.lock().unwrap_or_else(PoisonError::into_inner);
        let leaves = leaves(&shape, data);
        let plain = build_eager(&leaves, &steps).pop().expect("a value");
        // The other tests draw the same DAGs, and their unfused runs leave its values in
        // the memo store: this one computes them.
        lazy::memo::clear();
        let before = stats();
        let max = strict(highest(build_lazy(&leaves, &steps).last().expect("a value")));
        let after = stats();
        let min = strict(lowest(build_lazy(&leaves, &steps).last().expect("a value")));
        let expected_max = plain.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        prop_assert_eq!(max.to_bits(), expected_max.to_bits());
        let expected_min = plain.iter().copied().reduce(f64::min);
        prop_assert_eq!(min.map(f64::to_bits), expected_min.map(f64::to_bits));
        // The DAG and its maximum are one pass, and no array is written.
        prop_assert_eq!(after.fused_passes - before.fused_passes, 1);
        prop_assert_eq!(after.buffers_allocated - before.buffers_allocated, 0);
    }

    #[test]
    fn a_fused_sum_is_ndarray_sum_chunk_by_chunk((shape, data, steps) in long_dag()) {
        let _one = ONE.lock().unwrap_or_else(PoisonError::into_inner);
        let leaves = leaves(&shape, data);
        let plain = build_eager(&leaves, &steps).pop().expect("a value");
        // Reduced alone, the DAG and its sum are one pass, and no array is written.
        let before = stats();
        let sum = strict(total(build_lazy(&leaves, &steps).last().expect("a value")));
        let after = stats();
        prop_assert_eq!(sum.to_bits(), chunked_sum(&plain).to_bits());
        prop_assert_eq!(after.fused_passes - before.fused_passes, 1);
        prop_assert_eq!(after.buffers_allocated - before.buffers_allocated, 0);
        let unfused = eager(|| strict(total(build_lazy(&leaves, &steps).last().expect("a value"))));
        prop_assert_eq!(unfused.to_bits(), plain.sum().to_bits());
        let scale: f64 = plain.iter().map(|x| x.abs()).sum();
        if scale.is_finite() {
            prop_assert!((sum - plain.sum()).abs() <= 1e-12 * scale, "{} against {}", sum, plain.sum());
        }
        // Read by two reductions, the last value is materialised once, and each reduction
        // is ndarray's own, over it.
        let (sum, mean) = {
            let values = build_lazy(&leaves, &steps);
            let last = values.last().expect("a value");
            strict((total(last), average(last)))
        };
        prop_assert_eq!(sum.to_bits(), plain.sum().to_bits());
        prop_assert_eq!(mean.map(f64::to_bits), plain.mean().map(f64::to_bits));
    }

    #[test]
    fn integer_reductions_of_dags_are_exact(
        len in 0_usize..30_000,
        seed in any::<u64>(),
        picks in prop::collection::vec((0_usize..100, 0_usize..100, 0_u8..4), 1..8),
    ) {
        let _one = ONE.lock().unwrap_or_else(PoisonError::into_inner);
        let leaf = |k: u64| {
            let values = (0..len as u64).map(|i| {
                let x = (i ^ seed.rotate_left(17 * u32::try_from(k).expect("small")))
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15);
                i64::try_from(x >> 44).expect("20 bits") - (1 << 19)
            });
            ArrayD::from_shape_vec(IxDyn(&[len]), values.collect()).expect("sized")
        };
        let mut plain: Vec<Ints> = vec![leaf(0), leaf(1)];
        let mut lazy: Vec<Lazy<Ints>> = plain.iter().cloned().map(Lazy::new).collect();
        for &(a, b, op) in &picks {
            let (a, b) = (a % plain.len(), b % plain.len());
            let (l, p) = match op {
                0 => (&lazy[a] + &lazy[b], &plain[a] + &plain[b]),
                1 => (&lazy[a] - &lazy[b], &plain[a] - &plain[b]),
                2 => (&lazy[a] ^ &lazy[b], &plain[a] ^ &plain[b]),
                _ => (&lazy[a] & &lazy[b], &plain[a] & &plain[b]),
            };
            lazy.push(l);
            plain.push(p);
        }
        let last = plain.last().expect("a value");
        let expected = (last.sum(), last.iter().copied().min(), last.iter().copied().max());
        prop_assert_eq!(strict(reductions(lazy.last().expect("a value"))), expected);
    }
}
