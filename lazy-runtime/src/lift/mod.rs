//! The runtime half of `#[autodask(inline)]` bodies: how each rewritten construct becomes a
//! node. Generated code reaches this module as `::lazy::__private::lift`; it is not public API.
//!
//! Every node here is keyed by what it computes, never by a closure's type, so identical
//! code in two functions (or at two call sites) folds into one node; and two nodes fold
//! only when they run the same code (`docs/semantics.md`, "Operation identity"):
//! - operators, comparisons, indexing and casts by the operation and the types involved
//!   (`add<(i64, i64)>`, `as f64<fn((i64,)) -> f64>`), which alone decide the code;
//! - methods, fields and struct literals by a label (`.sqrt()`, `.x`, `Point { x, y }`),
//!   the input and output types, and the [`Scope`] they were written in, which decides
//!   what their names resolve to;
//! - calls to plain functions by the function's path (`std::any::type_name` of the fn item),
//!   calls through a function pointer by identity; calls to lazy functions are simply
//!   calls, which build their own nodes.

#[cfg(feature = "ndarray")]
mod arrays;
mod calls;
#[cfg(feature = "ndarray")]
mod force_into;
mod plain;
mod scope;
mod select;
mod site;
#[cfg(test)]
mod test;

use std::any::type_name;
use std::ops;
use std::sync::Arc;

pub use calls::{Callee, Constant, ViaContent, ViaLazy, ViaPlain, ViaType};
pub use scope::{Scope, apply_in, field};
pub use select::{
    ByContent, ByIdentity, CaptureNodes, Captured, Captures, CutoffByEq, IntoCaptures, Keyed,
    NoCutoff, Opaque, Probe, Strict, select, select_in,
};
pub use site::Site;

#[allow(
    unused_imports,
    reason = "element-wise kernels are described only with ndarray"
)]
use crate::elementwise::ElemOp;
use crate::graph::{Erased, InputValues};
use crate::lazy::{Lazy, Value, take};
use crate::task::{Arg, Args, Op, task, task_erased};

/// A cast (or any operation the types alone decide): `f` applied to the values of `args`,
/// keyed by `label` with the input and output types (never by `f`'s closure type).
#[must_use]
pub fn apply<A, R, F>(label: &'static str, args: A, f: F) -> Lazy<R>
where
    A: Args,
    R: Value,
    F: Fn(A::Values) -> R + Send + Sync + 'static,
{
    task(
        Op::labelled(label, type_name::<fn(A::Values) -> R>()),
        args,
        f,
    )
}

/// A cast, `value as T`: the node [`apply`] builds for `(value,)` and
/// `|(value,)| convert(value)`, in one line of generated code.
#[must_use]
pub fn cast<V, R, F>(label: &'static str, value: V, convert: F) -> Lazy<R>
where
    V: Arg,
    R: Value,
    F: Fn(V::Value) -> R + Send + Sync + 'static,
{
    apply(label, (value,), move |(value,)| convert(value))
}

macro_rules! binary_operators {
    ($($trait:ident $method:ident $elem:expr,)*) => {$(
        #[doc = concat!("`a ", stringify!($method), " b` as a node, keyed by the operand types.")]
        #[must_use]
        pub fn $method<A, B>(a: Lazy<A>, b: Lazy<B>) -> Lazy<A::Output>
        where
            A: ops::$trait<B> + Value,
            B: Value,
            A::Output: Value,
        {
            // Inputs arrive by value: an input whose last consumer is this task is moved in,
            // so by-value operator impls (ndarray's) reuse its buffer. An array input that
            // is still shared would be copied first; arrays then take the by-reference
            // operator, which writes a fresh result in one pass.
            let op = Op::labelled(stringify!($method), type_name::<fn(A, B) -> A::Output>());
            #[cfg(feature = "ndarray")]
            let kernel = op.elementwise(|| {
                $elem.and_then(crate::elementwise::describe_binary::<A, B, A::Output>)
            });
            // The inlined function writing this operation, named if its shapes mismatch.
            #[cfg(feature = "ndarray")]
            let site = kernel.and_then(|_| site::current());
            task_erased(op, (a, b), move |mut values: InputValues| {
                let (a, b) = (values.next().expect("two inputs"), values.next().expect("two inputs"));
                #[cfg(feature = "ndarray")]
                arrays::check_shapes(kernel, site, &a, &b);
                #[cfg(feature = "ndarray")]
                let (a, b) = match arrays::$method(a, b) {
                    Ok(result) => return result,
                    Err(inputs) => inputs,
                };
                Arc::new(ops::$trait::$method(take::<A>(a), take::<B>(b))) as Erased
            }, None)
        }

        binary_operators!(@impl $trait $method, Lazy<A>, Lazy<B>);
        binary_operators!(@impl $trait $method, &Lazy<A>, Lazy<B>);
        binary_operators!(@impl $trait $method, Lazy<A>, &Lazy<B>);
        binary_operators!(@impl $trait $method, &Lazy<A>, &Lazy<B>);
    )*};
    // Handles by value or by reference: rewritten bodies write `&a + &b` for locals, so
    // the expansion reads like the source instead of cloning every operand.
    (@impl $trait:ident $method:ident, $lhs:ty, $rhs:ty) => {
        impl<A, B> ops::$trait<$rhs> for $lhs
        where
            A: ops::$trait<B> + Value,
            B: Value,
            A::Output: Value,
        {
            type Output = Lazy<A::Output>;

            fn $method(self, rhs: $rhs) -> Lazy<A::Output> {
                $method(self.into_handle(), rhs.into_handle())
            }
        }
    };
}

binary_operators! {
    Add add Some(ElemOp::Add),
    Sub sub Some(ElemOp::Sub),
    Mul mul Some(ElemOp::Mul),
    Div div Some(ElemOp::Div),
    Rem rem Some(ElemOp::Rem),
    BitAnd bitand Some(ElemOp::BitAnd),
    BitOr bitor Some(ElemOp::BitOr),
    BitXor bitxor Some(ElemOp::BitXor),
    Shl shl None::<ElemOp>,
    Shr shr None::<ElemOp>,
}

macro_rules! unary_operators {
    ($($trait:ident $method:ident $elem:expr,)*) => {$(
        #[doc = concat!("`", stringify!($method), " a` as a node, keyed by the operand type.")]
        #[must_use]
        pub fn $method<A>(a: Lazy<A>) -> Lazy<A::Output>
        where
            A: ops::$trait + Value,
            A::Output: Value,
        {
            let op = Op::labelled(stringify!($method), type_name::<A>());
            #[cfg(feature = "ndarray")]
            op.elementwise(|| crate::elementwise::describe_unary::<A, A::Output>($elem));
            task(op, (a,), |(a,)| ops::$trait::$method(a))
        }

        impl<A> ops::$trait for Lazy<A>
        where
            A: ops::$trait + Value,
            A::Output: Value,
        {
            type Output = Lazy<A::Output>;

            fn $method(self) -> Lazy<A::Output> {
                $method(self)
            }
        }

        impl<A> ops::$trait for &Lazy<A>
        where
            A: ops::$trait + Value,
            A::Output: Value,
        {
            type Output = Lazy<A::Output>;

            fn $method(self) -> Lazy<A::Output> {
                $method(self.clone())
            }
        }
    )*};
}

unary_operators! {
    Neg neg ElemOp::Neg,
    Not not ElemOp::Not,
}

macro_rules! comparisons {
    ($($name:ident $trait:ident $op:tt,)*) => {$(
        #[doc = concat!("`a ", stringify!($op), " b` as a node (comparison operators cannot be overloaded to return a `Lazy<bool>`).")]
        #[must_use]
        pub fn $name<A, B>(a: A, b: B) -> Lazy<bool>
        where
            A: Arg,
            B: Arg,
            A::Value: $trait<B::Value>,
        {
            let op = Op::labelled(stringify!($name), type_name::<(A::Value, B::Value)>());
            task(op, (a, b), |(a, b)| a $op b)
        }
    )*};
}

comparisons! {
    eq PartialEq ==,
    ne PartialEq !=,
    lt PartialOrd <,
    le PartialOrd <=,
    gt PartialOrd >,
    ge PartialOrd >=,
}

/// `a && b`: `b` runs only if `a` is true.
#[must_use]
pub fn and(a: impl Arg<Value = bool>, b: impl Arg<Value = bool>) -> Lazy<bool> {
    select(a.into_handle(), b.into_handle(), Lazy::new(false))
}

/// `a || b`: `b` runs only if `a` is false.
#[must_use]
pub fn or(a: impl Arg<Value = bool>, b: impl Arg<Value = bool>) -> Lazy<bool> {
    select(a.into_handle(), Lazy::new(true), b.into_handle())
}

/// `c[i]` as a node; the element is cloned out of the collection.
#[must_use]
pub fn index<C, I>(c: C, i: I) -> Lazy<<C::Value as ops::Index<I::Value>>::Output>
where
    C: Arg,
    I: Arg,
    C::Value: ops::Index<I::Value>,
    <C::Value as ops::Index<I::Value>>::Output: Value + Sized,
{
    task(
        Op::labelled("index", type_name::<(C::Value, I::Value)>()),
        (c, i),
        |(c, i)| c[i].clone(),
    )
}

/// `(a, b, ...)` as a node whose value is the tuple of the parts' values.
#[must_use]
pub fn tuple<A>(parts: A) -> Lazy<A::Values>
where
    A: Args,
    A::Values: Value,
{
    task(
        Op::labelled("tuple", type_name::<A::Values>()),
        parts,
        |values| values,
    )
}

/// The values of tuples of same-typed nodes, which array literals and `vec![...]` are built
/// from. Implemented on the values rather than on the argument tuples, so that the tasks'
/// functions name only value types, which are `'static`, and the arguments may be borrowed.
pub trait Elements: Value {
    /// The element type.
    type Item: Value;
    /// `[Item; N]` for a tuple of `N` values.
    type Array: Value;

    #[doc(hidden)]
    fn to_array(self) -> Self::Array;
}

macro_rules! elements {
    ($(($n:literal $($v:ident)+))*) => {$(
        impl<T: Value> Elements for ($(elements!(@item $v),)+) {
            type Item = T;
            type Array = [T; $n];

            fn to_array(self) -> [T; $n] {
                let ($($v,)+) = self;
                [$($v),+]
            }
        }
    )*};
    (@item $v:ident) => { T };
}

elements! {
    (1 a)
    (2 a b)
    (3 a b c)
    (4 a b c d)
    (5 a b c d e)
    (6 a b c d e f)
    (7 a b c d e f g)
    (8 a b c d e f g h)
    (9 a b c d e f g h i)
    (10 a b c d e f g h i j)
    (11 a b c d e f g h i j k)
    (12 a b c d e f g h i j k l)
}

/// `[a, b, ...]` as a node.
#[must_use]
pub fn array<A>(items: A) -> Lazy<<A::Values as Elements>::Array>
where
    A: Args,
    A::Values: Elements,
{
    task(
        Op::labelled("array", type_name::<<A::Values as Elements>::Array>()),
        items,
        Elements::to_array,
    )
}

/// `vec![a, b, ...]` as a node.
#[must_use]
pub fn vec<A>(items: A) -> Lazy<Vec<<A::Values as Elements>::Item>>
where
    A: Args,
    A::Values: Elements,
    <A::Values as Elements>::Array: IntoIterator<Item = <A::Values as Elements>::Item>,
{
    task(
        Op::labelled("vec", type_name::<Vec<<A::Values as Elements>::Item>>()),
        items,
        |values: A::Values| values.to_array().into_iter().collect(),
    )
}

/// `[a; N]` as a node.
#[must_use]
pub fn repeat<A: Arg, const N: usize>(item: A) -> Lazy<[A::Value; N]> {
    task(
        Op::labelled("repeat", type_name::<[A::Value; N]>()),
        (item,),
        |(item,)| std::array::from_fn(|_| item.clone()),
    )
}

/// `vec![a; n]` as a node.
#[must_use]
pub fn vec_repeat<A, N>(item: A, count: N) -> Lazy<Vec<A::Value>>
where
    A: Arg,
    N: Arg<Value = usize>,
{
    task(
        Op::labelled("vec_repeat", type_name::<Vec<A::Value>>()),
        (item, count),
        |(item, count)| vec![item; count],
    )
}
