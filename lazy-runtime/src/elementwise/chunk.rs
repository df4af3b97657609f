//! One operation over one chunk of elements: the loops the fused pass runs. Each loop is
//! one operation on plain slices, which LLVM vectorises; the scalar expression is the one
//! ndarray's operators and methods apply per element, in the same operand order, so a
//! fused result has the same bits as the unfused one. `tanh` is the exception: it is the
//! runtime's own (`math.rs`), which the unfused call computes too.
//!
//! Reductions run per chunk too. A chunk's sum (or product) adds its elements in
//! ndarray's order for a contiguous slice: eight running sums, element `i` into sum
//! `i % 8`, then `((((0 + (s0 + s4)) + (s1 + s5)) + (s2 + s6)) + (s3 + s7))`, then the
//! last `len % 8` elements one by one. The pass adds the chunks' sums in chunk order,
//! first chunk first, on one thread. So an array of one chunk (up to 4096 elements) sums
//! to ndarray's bits exactly; a larger one's float sum differs from ndarray's (which runs
//! its eight sums over the whole array) by rounding alone, and is the same on every run
//! and for every number of threads. Integer sums are exact (two's complement addition is
//! associative), as are minimum and maximum. Float minimum and maximum use `f64::min` and
//! `f64::max` (NaN ignored), which are associative bit for bit, signed zeros and NaNs
//! included, so reducing chunk by chunk gives the bits of folding element by element.

use super::{ElemOp, math};

/// An operand over a chunk: a slice of the chunk's elements, or a scalar broadcast.
#[derive(Clone, Copy)]
pub(crate) enum Src<'a, T> {
    Slice(&'a [T]),
    Scalar(T),
}

/// The element types a fused pass computes with.
pub(crate) trait Elem: Copy + Default + Send + Sync + 'static {
    /// `out[i] = a[i] op b[i]`. `op` exists for this type (the invariant of `Kernel`).
    fn binary(op: ElemOp, a: Src<'_, Self>, b: Src<'_, Self>, out: &mut [Self]);
    /// `out[i] = op(a[i])`.
    fn unary(op: ElemOp, a: &[Self], out: &mut [Self]);
    /// The reduction `op` of one chunk's elements: `None` for the minimum or maximum of no
    /// elements. `Mean` sums (the pass divides at the end).
    fn reduce(op: ElemOp, xs: &[Self]) -> Option<Self>;
    /// Two chunks' partial reductions combined, the earlier chunk's first.
    fn combine(op: ElemOp, earlier: Self, later: Self) -> Self;
    /// `n` in this type, as ndarray's `mean` converts the number of elements
    /// (`FromPrimitive::from_usize`), if it fits.
    fn count(n: usize) -> Option<Self>;
}

/// `xs` folded with `f` from `zero` in ndarray's order for contiguous slices (see the
/// module docs).
fn unrolled<T: Copy>(xs: &[T], zero: T, f: impl Fn(T, T) -> T) -> T {
    let mut lanes = [zero; 8];
    let mut blocks = xs.chunks_exact(8);
    for block in &mut blocks {
        for (lane, &x) in lanes.iter_mut().zip(block) {
            *lane = f(*lane, x);
        }
    }
    let mut acc = zero;
    for k in 0..4 {
        acc = f(acc, f(lanes[k], lanes[k + 4]));
    }
    blocks.remainder().iter().fold(acc, |acc, &x| f(acc, x))
}

/// `out[i] = expr` over the operands' elements, bound to `$x` and `$y`.
macro_rules! zip2 {
    ($a:expr, $b:expr, $out:expr, |$x:ident, $y:ident| $e:expr) => {
        match ($a, $b) {
            (Src::Slice(a), Src::Slice(b)) => {
                for ((o, &$x), &$y) in $out.iter_mut().zip(a).zip(b) {
                    *o = $e;
                }
            }
            (Src::Slice(a), Src::Scalar($y)) => {
                for (o, &$x) in $out.iter_mut().zip(a) {
                    *o = $e;
                }
            }
            (Src::Scalar($x), Src::Slice(b)) => {
                for (o, &$y) in $out.iter_mut().zip(b) {
                    *o = $e;
                }
            }
            (Src::Scalar($x), Src::Scalar($y)) => {
                for o in $out.iter_mut() {
                    *o = $e;
                }
            }
        }
    };
}

macro_rules! map1 {
    ($a:expr, $out:expr, |$x:ident| $e:expr) => {
        for (o, &$x) in $out.iter_mut().zip($a) {
            *o = $e;
        }
    };
}

fn unsupported(op: ElemOp) -> ! {
    unreachable!(
        "lazy: bug: no element-wise `{}` for this element type",
        op.symbol()
    )
}

macro_rules! integers {
    ($($t:ty, neg: $neg:tt;)*) => {$(
        impl Elem for $t {
            fn binary(op: ElemOp, a: Src<'_, $t>, b: Src<'_, $t>, out: &mut [$t]) {
                match op {
                    ElemOp::Add => zip2!(a, b, out, |x, y| x + y),
                    ElemOp::Sub => zip2!(a, b, out, |x, y| x - y),
                    ElemOp::Mul => zip2!(a, b, out, |x, y| x * y),
                    ElemOp::Div => zip2!(a, b, out, |x, y| x / y),
                    ElemOp::Rem => zip2!(a, b, out, |x, y| x % y),
                    ElemOp::BitAnd => zip2!(a, b, out, |x, y| x & y),
                    ElemOp::BitOr => zip2!(a, b, out, |x, y| x | y),
                    ElemOp::BitXor => zip2!(a, b, out, |x, y| x ^ y),
                    other => unsupported(other),
                }
            }

            fn unary(op: ElemOp, a: &[$t], out: &mut [$t]) {
                match op {
                    ElemOp::Not => map1!(a, out, |x| !x),
                    ElemOp::Neg => integers!(@neg $neg, a, out),
                    other => unsupported(other),
                }
            }

            fn reduce(op: ElemOp, xs: &[$t]) -> Option<$t> {
                match op {
                    ElemOp::Sum | ElemOp::Mean => Some(unrolled(xs, 0, |x, y| x + y)),
                    ElemOp::Product => Some(unrolled(xs, 1, |x, y| x * y)),
                    ElemOp::Min => xs.iter().copied().min(),
                    ElemOp::Max => xs.iter().copied().max(),
                    other => unsupported(other),
                }
            }

            fn combine(op: ElemOp, earlier: $t, later: $t) -> $t {
                match op {
                    ElemOp::Sum | ElemOp::Mean => earlier + later,
                    ElemOp::Product => earlier * later,
                    ElemOp::Min => earlier.min(later),
                    ElemOp::Max => earlier.max(later),
                    other => unsupported(other),
                }
            }

            fn count(n: usize) -> Option<$t> {
                <$t>::try_from(n).ok()
            }
        }
    )*};
    (@neg yes, $a:ident, $out:ident) => { map1!($a, $out, |x| -x) };
    (@neg no, $a:ident, $out:ident) => { unsupported(ElemOp::Neg) };
}

integers! {
    u8, neg: no;
    i32, neg: yes;
    i64, neg: yes;
}

macro_rules! floats {
    ($(($t:ty, $tanh:path))*) => {$(
        impl Elem for $t {
            fn binary(op: ElemOp, a: Src<'_, $t>, b: Src<'_, $t>, out: &mut [$t]) {
                match op {
                    ElemOp::Add => zip2!(a, b, out, |x, y| x + y),
                    ElemOp::Sub => zip2!(a, b, out, |x, y| x - y),
                    ElemOp::Mul => zip2!(a, b, out, |x, y| x * y),
                    ElemOp::Div => zip2!(a, b, out, |x, y| x / y),
                    ElemOp::Rem => zip2!(a, b, out, |x, y| x % y),
                    other => unsupported(other),
                }
            }

            fn unary(op: ElemOp, a: &[$t], out: &mut [$t]) {
                match op {
                    ElemOp::Neg => map1!(a, out, |x| -x),
                    ElemOp::Abs => map1!(a, out, |x| x.abs()),
                    ElemOp::Sqrt => map1!(a, out, |x| x.sqrt()),
                    ElemOp::Exp => map1!(a, out, |x| x.exp()),
                    ElemOp::Ln => map1!(a, out, |x| x.ln()),
                    ElemOp::Tanh => $tanh(a, out),
                    ElemOp::Sin => map1!(a, out, |x| x.sin()),
                    ElemOp::Cos => map1!(a, out, |x| x.cos()),
                    other => unsupported(other),
                }
            }

            fn reduce(op: ElemOp, xs: &[$t]) -> Option<$t> {
                match op {
                    ElemOp::Sum | ElemOp::Mean => Some(unrolled(xs, 0.0, |x, y| x + y)),
                    ElemOp::Product => Some(unrolled(xs, 1.0, |x, y| x * y)),
                    ElemOp::Min => xs.iter().copied().reduce(<$t>::min),
                    ElemOp::Max => xs.iter().copied().reduce(<$t>::max),
                    other => unsupported(other),
                }
            }

            fn combine(op: ElemOp, earlier: $t, later: $t) -> $t {
                match op {
                    ElemOp::Sum | ElemOp::Mean => earlier + later,
                    ElemOp::Product => earlier * later,
                    ElemOp::Min => earlier.min(later),
                    ElemOp::Max => earlier.max(later),
                    other => unsupported(other),
                }
            }

            #[allow(
                clippy::cast_precision_loss,
                reason = "ndarray's `mean` converts the count the same way (`from_usize` is `as`)"
            )]
            fn count(n: usize) -> Option<$t> {
                Some(n as $t)
            }
        }
    )*};
}

floats!((f32, math::tanh_slice_f32)(f64, math::tanh_slice_f64));

impl Elem for bool {
    fn binary(op: ElemOp, a: Src<'_, bool>, b: Src<'_, bool>, out: &mut [bool]) {
        match op {
            ElemOp::BitAnd => zip2!(a, b, out, |x, y| x & y),
            ElemOp::BitOr => zip2!(a, b, out, |x, y| x | y),
            ElemOp::BitXor => zip2!(a, b, out, |x, y| x ^ y),
            other => unsupported(other),
        }
    }

    fn unary(op: ElemOp, a: &[bool], out: &mut [bool]) {
        match op {
            ElemOp::Not => map1!(a, out, |x| !x),
            other => unsupported(other),
        }
    }

    fn reduce(op: ElemOp, _: &[bool]) -> Option<bool> {
        unsupported(op)
    }

    fn combine(op: ElemOp, _: bool, _: bool) -> bool {
        unsupported(op)
    }

    fn count(_: usize) -> Option<bool> {
        None
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::cast_precision_loss, reason = "small test data")]

    use super::{Elem, unrolled};
    use crate::elementwise::ElemOp;

    /// ndarray's order, spelled out for 19 elements: eight running sums over the first 16,
    /// paired with the sum four lanes on, then the last three one by one.
    #[test]
    fn a_chunk_sums_in_ndarray_order() {
        let xs: Vec<f64> = (0..19).map(|i| 1.0 / f64::from(i + 3)).collect();
        let lane = |j: usize| (0.0 + xs[j]) + xs[j + 8];
        let mut expected = 0.0;
        for k in 0..4 {
            expected += lane(k) + lane(k + 4);
        }
        for &x in &xs[16..] {
            expected += x;
        }
        assert_eq!(
            unrolled(&xs, 0.0, |x, y| x + y).to_bits(),
            expected.to_bits()
        );
    }

    #[cfg(feature = "ndarray")]
    #[test]
    fn a_chunk_sums_to_ndarray_bits() {
        for len in [0, 1, 7, 8, 9, 100, 4096] {
            let xs: Vec<f32> = (0..len).map(|i| 1.0 / (i as f32 + 0.7)).collect();
            let array = ndarray::Array1::from(xs.clone());
            let fused = f32::reduce(ElemOp::Sum, &xs).map(f32::to_bits);
            assert_eq!(fused, Some(array.sum().to_bits()), "{len} elements");
            let fused = f32::reduce(ElemOp::Product, &xs[..len.min(30)]).map(f32::to_bits);
            let array = ndarray::Array1::from(xs[..len.min(30)].to_vec());
            assert_eq!(fused, Some(array.product().to_bits()), "{len} elements");
        }
    }

    #[test]
    fn empty_chunks_reduce_to_the_identity_or_nothing() {
        assert_eq!(f64::reduce(ElemOp::Sum, &[]), Some(0.0));
        assert_eq!(i64::reduce(ElemOp::Product, &[]), Some(1));
        assert_eq!(i32::reduce(ElemOp::Min, &[]), None);
        assert_eq!(u8::reduce(ElemOp::Max, &[3, 9, 1]), Some(9));
        assert_eq!(i64::combine(ElemOp::Min, -4, 2), -4);
        assert_eq!(
            u8::count(300),
            None,
            "ndarray's `mean` of u8 fails past 255 elements"
        );
        assert_eq!(f32::count(3), Some(3.0));
    }
}
