//! Conditionals and early cut-off for rewritten bodies: a lazy `if` as a `select` node, and
//! the compile-time choice of an equality test for a task's values.

use std::fmt;
use std::marker::PhantomData;

use crate::graph::{Compute, TaskInput};
use crate::lazy::{Lazy, Value, take};
use crate::task::{Op, add_node, many};

/// Compile-time choice of an equality test for early cut-off: `(&Probe::<T>::new()).cutoff()`
/// is `Some` when `T: PartialEq` and `None` otherwise (autoref specialization: the
/// `PartialEq` impl is found first, on `Probe<T>` itself).
pub struct Probe<T>(PhantomData<fn() -> T>);

impl<T> Probe<T> {
    /// A probe for `T`.
    #[must_use]
    pub fn new() -> Probe<T> {
        Probe(PhantomData)
    }
}

impl<T> Default for Probe<T> {
    fn default() -> Probe<T> {
        Probe::new()
    }
}

impl<T> fmt::Debug for Probe<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Probe<{}>", std::any::type_name::<T>())
    }
}

/// See [`Probe`]: the equality test of a `PartialEq` type.
pub trait CutoffByEq<T> {
    /// `Some(PartialEq::eq)`.
    fn cutoff(&self) -> Option<fn(&T, &T) -> bool>;
}

impl<T: PartialEq> CutoffByEq<T> for Probe<T> {
    fn cutoff(&self) -> Option<fn(&T, &T) -> bool> {
        Some(<T as PartialEq>::eq)
    }
}

/// See [`Probe`]: no equality test for other types.
pub trait NoCutoff<T> {
    /// `None`.
    fn cutoff(&self) -> Option<fn(&T, &T) -> bool> {
        None
    }
}

impl<T> NoCutoff<T> for &Probe<T> {}

/// A conditional: `then` if `cond` is true, `otherwise` if not. Both branch graphs are
/// built, but only the branch taken is computed.
#[must_use]
#[allow(
    clippy::needless_pass_by_value,
    reason = "generated code hands its handles over"
)]
pub fn select<T: Value>(cond: Lazy<bool>, then: Lazy<T>, otherwise: Lazy<T>) -> Lazy<T> {
    let inputs = many([cond.into_kept(), then.into_kept(), otherwise.into_kept()]);
    let node = add_node(Op::function("lazy::select"), inputs, 1, |_| {
        let compute: Compute = Box::new(|input: TaskInput<'_>| {
            let mut values = input.values;
            let cond = take::<bool>(values.next().expect("condition"));
            let branch = &input.deferred[usize::from(!cond)];
            crate::exec::force_in_task(branch)
        });
        (compute, None)
    });
    // The handle comes first, so that an eagerly computed value is kept.
    let lazy = Lazy::from_kept(node);
    crate::exec::eager::run_if_eager(lazy.node());
    lazy
}
