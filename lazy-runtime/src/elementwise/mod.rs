//! Element-wise array operations as data: what an operator or method on ndarray arrays
//! computes per element, so that a plan can evaluate a region of them in one chunked pass
//! (see `docs/arrays.md`).
//!
//! A [`Kernel`] is attached to an operation's record the first time the operation is seen
//! (`op.rs`), from the Rust types alone: `add` of two `Array<f64, Ix1>`, or of an array and
//! an `f64`, is element-wise; `add` of two `i64` or of two `Vec`s is not. Evaluating a
//! kernel element by element must give exactly what the operation's own function gives:
//! the same scalar operation, in the same operand order, with nothing reassociated.
//!
//! A reduction (`.sum()`, `.mean()`, ...) has a kernel too: it ends a region instead of
//! continuing it. Its pass computes a partial result per chunk and combines the partials
//! in chunk order, so the array it reduces is never written (see `chunk.rs` for the order
//! of additions).
//!
//! Invariant: a kernel's operation exists for its element type (no `Sqrt` of `i64`, no
//! `Add` of `bool`): `describe_*` build none other, and `chunk.rs` relies on it.

mod chunk;
#[cfg(feature = "ndarray")]
mod describe;
pub(crate) mod math;
#[cfg(feature = "ndarray")]
pub(crate) mod offer;
#[cfg(feature = "ndarray")]
mod own;
mod program;
#[cfg(feature = "ndarray")]
mod region;

#[cfg(feature = "ndarray")]
pub(crate) use describe::{describe_binary, describe_method, describe_unary, shape_of};
#[cfg(feature = "ndarray")]
pub(crate) use own::{apply_own, has_own_function};
pub(crate) use program::{Program, Source};
#[cfg(feature = "ndarray")]
pub(crate) use region::evaluate;

/// The element types that fuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dtype {
    Bool,
    U8,
    I32,
    I64,
    F32,
    F64,
}

/// The dimension type of the arrays (all arrays of a region share it): `Ix0` to `Ix6`, or
/// `IxDyn` (as 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dims(pub(crate) u8);

/// What one element-wise operation computes per element.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ElemOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    BitAnd,
    BitOr,
    BitXor,
    Neg,
    Not,
    Abs,
    Sqrt,
    Exp,
    Ln,
    Tanh,
    Sin,
    Cos,
    /// `.sum()`: the elements added up (zero for none).
    Sum,
    /// `.product()`: the elements multiplied (one for none).
    Product,
    /// `.mean()`: the sum divided by the number of elements (`None` for none).
    Mean,
    /// The minimum: `.iter().copied().min()` of integers, and of floats
    /// `.iter().copied().reduce(f64::min)` (`None` for none) or `.fold(init, f64::min)`
    /// (`init` for none). `f64::min` ignores NaN (see `docs/arrays.md`).
    Min,
    /// The maximum, written like [`ElemOp::Min`] with `max`.
    Max,
}

impl ElemOp {
    /// How the operation is written, for the task dictionary and errors.
    pub(crate) fn symbol(self) -> &'static str {
        match self {
            ElemOp::Add => "+",
            ElemOp::Sub => "-",
            ElemOp::Mul => "*",
            ElemOp::Div => "/",
            ElemOp::Rem => "%",
            ElemOp::BitAnd => "&",
            ElemOp::BitOr => "|",
            ElemOp::BitXor => "^",
            ElemOp::Neg => "neg",
            ElemOp::Not => "!",
            ElemOp::Abs => "abs",
            ElemOp::Sqrt => "sqrt",
            ElemOp::Exp => "exp",
            ElemOp::Ln => "ln",
            ElemOp::Tanh => "tanh",
            ElemOp::Sin => "sin",
            ElemOp::Cos => "cos",
            ElemOp::Sum => "sum",
            ElemOp::Product => "product",
            ElemOp::Mean => "mean",
            ElemOp::Min => "min",
            ElemOp::Max => "max",
        }
    }

    /// Whether the operation reduces an array to one value: it ends a region, and nothing
    /// in a region reads it.
    pub(crate) fn reduces(self) -> bool {
        matches!(
            self,
            ElemOp::Sum | ElemOp::Product | ElemOp::Mean | ElemOp::Min | ElemOp::Max
        )
    }

    /// Whether ndarray computes `scalar op array` as `element op scalar` (its "commuting"
    /// operators): the fused pass must use the same operand order to give the same bits.
    pub(crate) fn commutes_in_ndarray(self) -> bool {
        matches!(
            self,
            ElemOp::Add | ElemOp::Mul | ElemOp::BitAnd | ElemOp::BitOr | ElemOp::BitXor
        )
    }
}

/// One operand of a kernel: an array of the region's element type, or a scalar broadcast
/// over it (or the start of a fold), or a function item that names the operation
/// (`f64::max` in `.fold(init, f64::max)`), which the pass does not read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Operand {
    Array,
    Scalar,
    Function,
}

/// An element-wise operation over arrays of one element type and dimension type, or a
/// reduction of such an array (whose `dtype` and `dims` are the array's, not the result's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Kernel {
    pub(crate) op: ElemOp,
    /// One per input of the operation's node, in order: one for unary operations, two for
    /// binary ones, up to three for a fold (the array, the start, the function).
    pub(crate) operands: [Option<Operand>; 3],
    pub(crate) dtype: Dtype,
    pub(crate) dims: Dims,
}

impl Kernel {
    /// The operands the pass reads: arrays and scalars.
    pub(crate) fn arity(self) -> usize {
        self.operands
            .iter()
            .flatten()
            .filter(|&&o| o != Operand::Function)
            .count()
    }
}
