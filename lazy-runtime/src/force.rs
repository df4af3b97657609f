//! Forcing: `strict`, `try_strict`, and the values that can be forced together.

use std::sync::Arc;

use crate::error::Error;
use crate::exec;
use crate::graph::{InputValues, Node};
use crate::lazy::{Lazy, Value, take};

/// Nodes collected for forcing or as a task's inputs. Opaque outside the runtime.
#[derive(Default)]
pub struct Nodes(pub(crate) Vec<Arc<Node>>);

impl Nodes {
    pub(crate) fn push(&mut self, node: &Arc<Node>) {
        self.0.push(Arc::clone(node));
    }
}

impl std::fmt::Debug for Nodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|n| n.key))
            .finish()
    }
}

/// Computed values handed back in order. Opaque outside the runtime.
pub struct Values(InputValues);

impl Values {
    pub(crate) fn new(values: impl Into<InputValues>) -> Values {
        Values(values.into())
    }

    /// How many values are left to take.
    pub(crate) fn remaining(&self) -> usize {
        self.0.remaining()
    }

    pub(crate) fn next_value<T: Value>(&mut self) -> T {
        take(
            self.0
                .next()
                .expect("lazy: internal error: one value per forced node"),
        )
    }
}

impl std::fmt::Debug for Values {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Values({} left)", self.0.remaining())
    }
}

/// Values that [`strict`] can compute: a [`Lazy`](crate::Lazy) or a reference to one, and
/// tuples, arrays, vectors and slices of those. Forcing several values at once runs one
/// plan, so work they share runs once.
pub trait Force {
    /// What forcing gives back: `T` for a `Lazy<T>`, a tuple of values for a tuple, and so on.
    type Output;

    #[doc(hidden)]
    fn roots(&self, out: &mut Nodes);

    #[doc(hidden)]
    fn collect(self, values: &mut Values) -> Self::Output;
}

macro_rules! impl_force_tuple {
    ($(($($t:ident),+))*) => {$(
        impl<$($t: Force),+> Force for ($($t,)+) {
            type Output = ($($t::Output,)+);

            #[allow(non_snake_case, reason = "the type parameters name the tuple's parts")]
            fn roots(&self, out: &mut Nodes) {
                let ($($t,)+) = self;
                $($t.roots(out);)+
            }

            #[allow(non_snake_case, reason = "the type parameters name the tuple's parts")]
            fn collect(self, values: &mut Values) -> Self::Output {
                let ($($t,)+) = self;
                ($($t.collect(values),)+)
            }
        }
    )*};
}

impl_force_tuple! {
    (A)
    (A, B)
    (A, B, C)
    (A, B, C, D)
    (A, B, C, D, E)
    (A, B, C, D, E, F)
    (A, B, C, D, E, F, G)
    (A, B, C, D, E, F, G, H)
}

impl<F: Force> Force for Vec<F> {
    type Output = Vec<F::Output>;

    fn roots(&self, out: &mut Nodes) {
        for x in self {
            x.roots(out);
        }
    }

    fn collect(self, values: &mut Values) -> Self::Output {
        self.into_iter().map(|x| x.collect(values)).collect()
    }
}

impl<F: Force, const N: usize> Force for [F; N] {
    type Output = [F::Output; N];

    fn roots(&self, out: &mut Nodes) {
        for x in self {
            x.roots(out);
        }
    }

    fn collect(self, values: &mut Values) -> Self::Output {
        self.map(|x| x.collect(values))
    }
}

impl<'a, F> Force for &'a [F]
where
    &'a F: Force,
{
    type Output = Vec<<&'a F as Force>::Output>;

    fn roots(&self, out: &mut Nodes) {
        self.iter().for_each(|x| x.roots(out));
    }

    fn collect(self, values: &mut Values) -> Self::Output {
        self.iter().map(|x| x.collect(values)).collect()
    }
}

impl<'a, F> Force for &'a Vec<F>
where
    &'a F: Force,
{
    type Output = Vec<<&'a F as Force>::Output>;

    fn roots(&self, out: &mut Nodes) {
        self.as_slice().roots(out);
    }

    fn collect(self, values: &mut Values) -> Self::Output {
        self.as_slice().collect(values)
    }
}

/// Computes a lazy value (or several at once) and returns it.
///
/// Only the tasks the value needs that have not run yet run, in parallel where they are
/// independent (with the default scheduler). Values kept from earlier forcing are reused.
///
/// # Panics
///
/// If a task the value needs panics: the panic message names the task and repeats its
/// message. Tasks that do not depend on the failed one still complete, and the graph stays
/// usable. Use [`try_strict`] to get the error as a value.
///
/// # Examples
///
/// ```
/// use lazy_runtime::{Lazy, strict};
///
/// let a = Lazy::new(6_u32);
/// let b = Lazy::new(7_u32);
/// assert_eq!(strict((&a, &b)), (6, 7));
/// ```
pub fn strict<F: Force>(x: F) -> F::Output {
    match try_strict(x) {
        Ok(v) => v,
        Err(e) => panic!("{e}"),
    }
}

/// Like [`strict`], but a failed task is returned as an [`Error`] naming it.
///
/// # Errors
///
/// The first failure among the requested values, naming the task that panicked.
pub fn try_strict<F: Force>(x: F) -> Result<F::Output, Error> {
    let mut roots = Nodes::default();
    x.roots(&mut roots);
    let values = exec::force(&roots.0)?;
    Ok(x.collect(&mut Values::new(values)))
}

impl<T: Value> Lazy<T> {
    /// Computes the value if needed and returns a clone of it.
    ///
    /// # Panics
    ///
    /// If a task this value needs panics; the message names the task. Use
    /// [`try_get`](Lazy::try_get) to get the error as a value.
    #[must_use]
    pub fn get(&self) -> T {
        strict(self)
    }

    /// Computes the value if needed and returns a clone of it, or the failure.
    ///
    /// # Errors
    ///
    /// If a task this value needs panics; the error names the task and its message.
    pub fn try_get(&self) -> Result<T, Error> {
        try_strict(self)
    }

    /// Computes the value if needed and pins it in the [memo store](crate::memo): a node
    /// built later with the same key takes it from there, after every handle to this one is
    /// gone, whatever the store's budget (dask's `persist`). Returns a handle to the same
    /// node. [`unpin`](Lazy::unpin) or [`memo::clear`](crate::memo::clear) lets it go.
    ///
    /// # Panics
    ///
    /// If a task this value needs panics, as [`get`](Lazy::get) does.
    ///
    /// # Examples
    ///
    /// ```
    /// use lazy_runtime::Lazy;
    /// use lazy_runtime::task::{Op, task};
    ///
    /// let slow = |x: Lazy<u64>| task(Op::function("doc::slow"), (x,), |(x,): (u64,)| x * 2);
    /// let kept = slow(Lazy::new(21)).persist();
    /// drop(kept);
    /// // Built again: the value comes from the store, the task does not run again.
    /// let again = slow(Lazy::new(21));
    /// assert_eq!(again.get(), 42);
    /// assert_eq!(lazy_runtime::graph(&again).nodes()[1].runs, 0);
    /// # again.unpin();
    /// ```
    #[must_use = "persist returns the handle; dropping it keeps the value pinned"]
    pub fn persist(&self) -> Lazy<T> {
        let node = self.node();
        if let Err(error) = crate::exec::force(std::slice::from_ref(node)) {
            panic!("{error}");
        }
        node.pin();
        self.clone()
    }

    /// Unpins a value pinned by [`persist`](Lazy::persist): it stays in the memo store as an
    /// ordinary entry, evicted under the budget. Returns whether it was pinned.
    #[allow(clippy::must_use_candidate)] // called for its effect; the answer is a detail
    pub fn unpin(&self) -> bool {
        self.node().unpin()
    }
}

impl<T: Value> Force for Lazy<T> {
    type Output = T;

    fn roots(&self, out: &mut Nodes) {
        out.push(self.node());
    }

    fn collect(self, values: &mut Values) -> T {
        // The handle goes first: if it was the last reason to keep the value, the node
        // releases it and the value is moved out below instead of cloned (an 8 MB array
        // returned by `strict(g(a, b))` is not copied).
        crate::graph::memo::taking(|| drop(self));
        values.next_value()
    }
}

impl<T: Value> Force for &Lazy<T> {
    type Output = T;

    fn roots(&self, out: &mut Nodes) {
        out.push(self.node());
    }

    fn collect(self, values: &mut Values) -> T {
        values.next_value()
    }
}
