//! One operation over one chunk of elements: the loops the fused pass runs. Each loop is
//! one operation on plain slices, which LLVM vectorises; the scalar expression is the one
//! ndarray's operators and methods apply per element, in the same operand order, so a
//! fused result has the same bits as the unfused one.

use super::ElemOp;

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
    ($($t:ty)*) => {$(
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
                    ElemOp::Tanh => map1!(a, out, |x| x.tanh()),
                    ElemOp::Sin => map1!(a, out, |x| x.sin()),
                    ElemOp::Cos => map1!(a, out, |x| x.cos()),
                    other => unsupported(other),
                }
            }
        }
    )*};
}

floats!(f32 f64);

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
}
