//! Which operations are element-wise, decided from their Rust types once per operation:
//! owned ndarray arrays of a fused element type, with the same dimension type, or such an
//! array and a scalar of its element type.

use std::any::{Any, TypeId};

use ndarray::{Array, Ix0, Ix1, Ix2, Ix3, Ix4, Ix5, Ix6, IxDyn};

use super::{Dims, Dtype, ElemOp, Kernel, Operand};

/// Calls `$found!(T, D, dtype, dims)` for the one pair of element and dimension types
/// that `$test!(T, D)` accepts, or evaluates to `None`.
macro_rules! each_array_type {
    ($test:ident, $found:ident) => {
        each_array_type!(@types $test, $found,
            (bool, Dtype::Bool) (u8, Dtype::U8) (i32, Dtype::I32) (i64, Dtype::I64)
            (f32, Dtype::F32) (f64, Dtype::F64))
    };
    (@types $test:ident, $found:ident, $(($t:ty, $dtype:expr))*) => {{
        $(
            if let Some(found) = each_array_type!(@dims $test, $found, $t, $dtype,
                (Ix0, 0) (Ix1, 1) (Ix2, 2) (Ix3, 3) (Ix4, 4) (Ix5, 5) (Ix6, 6) (IxDyn, 7)) {
                return Some(found);
            }
        )*
        None
    }};
    (@dims $test:ident, $found:ident, $t:ty, $dtype:expr, $(($d:ty, $n:literal))*) => {{
        let mut found = None;
        $(
            if found.is_none() && $test!($t, $d) {
                found = Some($found!($t, $d, $dtype, Dims($n)));
            }
        )*
        found
    }};
}

/// The element and dimension types of `A`, if it is an owned array that fuses.
fn array_type<A: 'static>() -> Option<(Dtype, Dims)> {
    macro_rules! is {
        ($t:ty, $d:ty) => {
            TypeId::of::<A>() == TypeId::of::<Array<$t, $d>>()
        };
    }
    macro_rules! found {
        ($t:ty, $d:ty, $dtype:expr, $dims:expr) => {
            ($dtype, $dims)
        };
    }
    each_array_type!(is, found)
}

/// The element type of `Option<A>`, if `A` is a fused element type.
fn optional_scalar_type<A: 'static>() -> Option<Dtype> {
    let id = TypeId::of::<A>();
    [
        (TypeId::of::<Option<bool>>(), Dtype::Bool),
        (TypeId::of::<Option<u8>>(), Dtype::U8),
        (TypeId::of::<Option<i32>>(), Dtype::I32),
        (TypeId::of::<Option<i64>>(), Dtype::I64),
        (TypeId::of::<Option<f32>>(), Dtype::F32),
        (TypeId::of::<Option<f64>>(), Dtype::F64),
    ]
    .into_iter()
    .find_map(|(t, dtype)| (t == id).then_some(dtype))
}

fn scalar_type<A: 'static>() -> Option<Dtype> {
    let id = TypeId::of::<A>();
    [
        (TypeId::of::<bool>(), Dtype::Bool),
        (TypeId::of::<u8>(), Dtype::U8),
        (TypeId::of::<i32>(), Dtype::I32),
        (TypeId::of::<i64>(), Dtype::I64),
        (TypeId::of::<f32>(), Dtype::F32),
        (TypeId::of::<f64>(), Dtype::F64),
    ]
    .into_iter()
    .find_map(|(t, dtype)| (t == id).then_some(dtype))
}

/// Whether `op` exists for elements of `dtype` (the invariant of `Kernel`).
fn supports(op: ElemOp, dtype: Dtype) -> bool {
    use Dtype::{Bool, F32, F64, I32, I64, U8};
    match op {
        ElemOp::Add
        | ElemOp::Sub
        | ElemOp::Mul
        | ElemOp::Div
        | ElemOp::Rem
        | ElemOp::Sum
        | ElemOp::Product
        | ElemOp::Mean
        | ElemOp::Min
        | ElemOp::Max => dtype != Bool,
        ElemOp::BitAnd | ElemOp::BitOr | ElemOp::BitXor | ElemOp::Not => {
            matches!(dtype, Bool | U8 | I32 | I64)
        }
        ElemOp::Neg => matches!(dtype, I32 | I64 | F32 | F64),
        ElemOp::Abs
        | ElemOp::Sqrt
        | ElemOp::Exp
        | ElemOp::Ln
        | ElemOp::Tanh
        | ElemOp::Sin
        | ElemOp::Cos => matches!(dtype, F32 | F64),
    }
}

fn operand<A: 'static>(dtype: Dtype, dims: Dims) -> Option<Operand> {
    if array_type::<A>() == Some((dtype, dims)) {
        Some(Operand::Array)
    } else if scalar_type::<A>() == Some(dtype) {
        Some(Operand::Scalar)
    } else {
        None
    }
}

/// The kernel of `a op b` with `a: A`, `b: B` and result `R`, if it is element-wise.
pub(crate) fn describe_binary<A: 'static, B: 'static, R: 'static>(op: ElemOp) -> Option<Kernel> {
    let (dtype, dims) = array_type::<R>()?;
    let (a, b) = (operand::<A>(dtype, dims)?, operand::<B>(dtype, dims)?);
    (supports(op, dtype) && (a, b) != (Operand::Scalar, Operand::Scalar)).then_some(Kernel {
        op,
        operands: [Some(a), Some(b), None],
        dtype,
        dims,
    })
}

/// The kernel of `op a` with `a: A` and result `R`, if it is element-wise.
pub(crate) fn describe_unary<A: 'static, R: 'static>(op: ElemOp) -> Option<Kernel> {
    let (dtype, dims) = array_type::<R>()?;
    (array_type::<A>() == Some((dtype, dims)) && supports(op, dtype)).then_some(Kernel {
        op,
        operands: [Some(Operand::Array), None, None],
        dtype,
        dims,
    })
}

/// The kernel of a method call `label` (`.sqrt()`) whose receiver, the only argument, is
/// `V = (A,)`, with result `R`: ndarray's element-wise float methods, which take `&self`
/// and apply the scalar method of the same name to every element, and the reductions
/// (see [`describe_reduction`]).
pub(crate) fn describe_method<V: 'static, R: 'static>(label: &str) -> Option<Kernel> {
    let op = match label {
        ".abs()" => ElemOp::Abs,
        ".sqrt()" => ElemOp::Sqrt,
        ".exp()" => ElemOp::Exp,
        ".ln()" => ElemOp::Ln,
        ".tanh()" => ElemOp::Tanh,
        ".sin()" => ElemOp::Sin,
        ".cos()" => ElemOp::Cos,
        _ => return describe_reduction::<V, R>(label).or_else(|| describe_fold::<V, R>(label)),
    };
    let (dtype, dims) = array_type::<R>()?;
    (receiver_type::<V>() == Some((dtype, dims)) && supports(op, dtype)).then_some(Kernel {
        op,
        operands: [Some(Operand::Array), None, None],
        dtype,
        dims,
    })
}

/// The kernel of a reduction written `label` on a receiver `V = (A,)`, with result `R`:
/// ndarray's `.sum()` and `.product()` (returning the element type), `.mean()` (returning
/// `Option` of it), and the standard iterator's `.min()` and `.max()` over the copied
/// elements of an integer array (`Option` too; floats are not `Ord`, so these do not
/// compile for them).
fn describe_reduction<V: 'static, R: 'static>(label: &str) -> Option<Kernel> {
    let (op, optional) = match label {
        ".sum()" => (ElemOp::Sum, false),
        ".product()" => (ElemOp::Product, false),
        ".mean()" => (ElemOp::Mean, true),
        ".iter().copied().min()" | ".iter().cloned().min()" => (ElemOp::Min, true),
        ".iter().copied().max()" | ".iter().cloned().max()" => (ElemOp::Max, true),
        _ => return None,
    };
    let (dtype, dims) = receiver_type::<V>()?;
    if matches!(op, ElemOp::Min | ElemOp::Max) && matches!(dtype, Dtype::F32 | Dtype::F64) {
        // Not written so: floats are not `Ord` (see `describe_fold`).
        return None;
    }
    let returns = if optional {
        optional_scalar_type::<R>()
    } else {
        scalar_type::<R>()
    };
    (returns == Some(dtype) && supports(op, dtype)).then_some(Kernel {
        op,
        operands: [Some(Operand::Array), None, None],
        dtype,
        dims,
    })
}

/// `TypeId::of::<(A, T, F)>()` for a fold, `(A, F)` for a reduce, with `F` the type of `f`.
fn id<A: 'static, T: 'static, F: 'static>(fold: bool, _: F) -> TypeId {
    if fold {
        TypeId::of::<(A, T, F)>()
    } else {
        TypeId::of::<(A, F)>()
    }
}

/// The kernel of a float minimum or maximum written as the standard iterator's fold or
/// reduce over the copied elements with `f64::min` or `f64::max` (or `f32`'s):
/// `.iter().copied().fold(init, f64::max)` on `V = (Array<f64, D>, f64, F)` returning `f64`,
/// and `.iter().copied().reduce(f64::max)` on `V = (Array<f64, D>, F)` returning
/// `Option<f64>`, where `F` is the type of the function item, which names the function:
/// any other function of the same signature is another type.
fn describe_fold<V: 'static, R: 'static>(label: &str) -> Option<Kernel> {
    let fold = match label {
        ".iter().copied().fold()" | ".iter().cloned().fold()" => true,
        ".iter().copied().reduce()" | ".iter().cloned().reduce()" => false,
        _ => return None,
    };
    macro_rules! each {
        ($t:ty, $dtype:expr; $(($d:ty, $n:literal))*) => {$(
            let min = id::<Array<$t, $d>, $t, _>(fold, <$t>::min);
            let max = id::<Array<$t, $d>, $t, _>(fold, <$t>::max);
            let v = TypeId::of::<V>();
            if v == min || v == max {
                let returns = if fold {
                    TypeId::of::<R>() == TypeId::of::<$t>()
                } else {
                    TypeId::of::<R>() == TypeId::of::<Option<$t>>()
                };
                let op = if v == min { ElemOp::Min } else { ElemOp::Max };
                let operands = if fold {
                    [Some(Operand::Array), Some(Operand::Scalar), Some(Operand::Function)]
                } else {
                    [Some(Operand::Array), Some(Operand::Function), None]
                };
                return returns.then_some(Kernel { op, operands, dtype: $dtype, dims: Dims($n) });
            }
        )*};
    }
    each!(f64, Dtype::F64; (Ix0, 0) (Ix1, 1) (Ix2, 2) (Ix3, 3) (Ix4, 4) (Ix5, 5) (Ix6, 6) (IxDyn, 7));
    each!(f32, Dtype::F32; (Ix0, 0) (Ix1, 1) (Ix2, 2) (Ix3, 3) (Ix4, 4) (Ix5, 5) (Ix6, 6) (IxDyn, 7));
    None
}

/// The element and dimension types of the receiver `V = (A,)` of a method call, if `A` is
/// an owned array that fuses.
fn receiver_type<V: 'static>() -> Option<(Dtype, Dims)> {
    macro_rules! is_receiver {
        ($t:ty, $d:ty) => {
            TypeId::of::<V>() == TypeId::of::<(Array<$t, $d>,)>()
        };
    }
    macro_rules! found {
        ($t:ty, $d:ty, $dtype:expr, $dims:expr) => {
            ($dtype, $dims)
        };
    }
    each_array_type!(is_receiver, found)
}

/// The shape of `value`, if it is an owned array of a fused element type.
pub(crate) fn shape_of(value: &(dyn Any + Send + Sync)) -> Option<Vec<usize>> {
    macro_rules! is {
        ($t:ty, $d:ty) => {
            value.is::<Array<$t, $d>>()
        };
    }
    macro_rules! found {
        ($t:ty, $d:ty, $dtype:expr, $dims:expr) => {{
            let _ = ($dtype, $dims);
            value
                .downcast_ref::<Array<$t, $d>>()
                .map(|a| a.shape().to_vec())
        }};
    }
    (|| -> Option<Option<Vec<usize>>> { each_array_type!(is, found) })().flatten()
}

#[cfg(test)]
mod tests {
    use ndarray::{Array1, Array2, ArrayD};

    use super::{describe_binary, describe_method, describe_unary};
    use crate::elementwise::{Dims, Dtype, ElemOp, Kernel, Operand};

    #[test]
    fn array_operators_are_element_wise_and_others_are_not() {
        let k = describe_binary::<Array1<f64>, f64, Array1<f64>>(ElemOp::Add).unwrap();
        assert_eq!(
            k.operands,
            [Some(Operand::Array), Some(Operand::Scalar), None]
        );
        assert_eq!((k.dtype, k.dims), (Dtype::F64, Dims(1)));
        assert!(describe_binary::<i64, i64, i64>(ElemOp::Add).is_none());
        assert!(describe_binary::<Array1<bool>, Array1<bool>, Array1<bool>>(ElemOp::Add).is_none());
        assert!(describe_binary::<Array1<f64>, Array2<f64>, Array2<f64>>(ElemOp::Add).is_none());
        assert!(describe_unary::<ArrayD<i32>, ArrayD<i32>>(ElemOp::Neg).is_some());
        assert!(describe_unary::<Array1<u8>, Array1<u8>>(ElemOp::Neg).is_none());
        assert!(describe_method::<(Array1<f32>,), Array1<f32>>(".tanh()").is_some());
        assert!(describe_method::<(Array1<i64>,), Array1<i64>>(".abs()").is_none());
        assert!(describe_method::<(Array1<f64>,), Array1<f64>>(".sum()").is_none());
    }

    #[test]
    fn reductions_are_described_by_label_receiver_and_result() {
        let sum = describe_method::<(Array2<f64>,), f64>(".sum()").unwrap();
        assert_eq!(sum.op, ElemOp::Sum);
        assert_eq!(
            (sum.dtype, sum.dims),
            (Dtype::F64, Dims(2)),
            "the array's types"
        );
        let mean = describe_method::<(ArrayD<i64>,), Option<i64>>(".mean()").unwrap();
        assert_eq!((mean.op, mean.dims), (ElemOp::Mean, Dims(7)));
        assert!(describe_method::<(Array1<i32>,), Option<i32>>(".iter().copied().max()").is_some());
        assert!(describe_method::<(Array1<u8>,), Option<u8>>(".iter().cloned().min()").is_some());
        // A result of another type is another operation (a `sum` into a wider type).
        assert!(describe_method::<(Array1<f32>,), f64>(".sum()").is_none());
        assert!(describe_method::<(Array1<f64>,), f64>(".mean()").is_none());
        assert!(describe_method::<(Array1<bool>,), bool>(".sum()").is_none());
        assert!(describe_method::<(Array1<f64>,), Option<f64>>(".iter().copied().max()").is_none());
        assert!(describe_method::<(Vec<f64>,), f64>(".sum()").is_none());
        assert!(describe_method::<(Array1<f64>,), f64>(".iter().sum()").is_none());
    }

    /// The kernel of `.iter().copied().fold(start, f)` on an `Array1<f64>`.
    fn fold<F: 'static, R: 'static>(_: F) -> Option<Kernel> {
        describe_method::<(Array1<f64>, f64, F), R>(".iter().copied().fold()")
    }

    /// The kernel of `.iter().cloned().reduce(f)` on an `ArrayD<f32>`.
    fn reduce<F: 'static>(_: F) -> Option<Kernel> {
        describe_method::<(ArrayD<f32>, F), Option<f32>>(".iter().cloned().reduce()")
    }

    #[test]
    fn float_extremes_are_named_by_the_function_item() {
        let max = fold::<_, f64>(f64::max).unwrap();
        assert_eq!(max.op, ElemOp::Max);
        assert_eq!(
            max.operands,
            [
                Some(Operand::Array),
                Some(Operand::Scalar),
                Some(Operand::Function)
            ]
        );
        assert_eq!(max.arity(), 2, "the function is not read");
        assert_eq!(fold::<_, f64>(f64::min).unwrap().op, ElemOp::Min);
        assert!(
            fold::<_, f64>(|x: f64, y: f64| x.max(y)).is_none(),
            "a closure"
        );
        assert!(fold::<_, f64>(f64::hypot).is_none(), "another function");
        assert!(fold::<_, Option<f64>>(f64::max).is_none(), "another result");
        let min = reduce(f32::min).unwrap();
        assert_eq!(
            (min.op, min.dtype, min.dims),
            (ElemOp::Min, Dtype::F32, Dims(7))
        );
        assert_eq!(min.arity(), 1);
        assert!(reduce(f64::min).is_none(), "a function of another type");
    }
}
