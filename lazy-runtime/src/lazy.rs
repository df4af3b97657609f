//! `Lazy<T>`: a typed handle to a node, and the ways values enter the graph.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::graph::{Erased, Executor, Node};
use crate::key::{self, Fingerprint, Key};
use crate::op::Operation;

/// What a graph can hold: values that can be shared between threads and handed out by clone.
///
/// Implemented for every `Clone + Send + Sync + 'static` type.
pub trait Value: Clone + Send + Sync + 'static {}

impl<T: Clone + Send + Sync + 'static> Value for T {}

/// A value that will be computed when it is asked for.
///
/// A `Lazy<T>` is a cheap-to-clone handle to a node of the task graph: cloning it copies a
/// pointer. Calling an annotated function returns one; [`strict`](crate::strict) or
/// [`get`](Lazy::get) computes it, running only the tasks it needs that have not run yet.
///
/// The node keeps its value while a handle points at it, so forcing it again is free.
/// `Debug` and `Display` never force: a pending value shows its type, short key and state.
///
/// # Examples
///
/// ```
/// use lazy_runtime::{Lazy, strict};
///
/// let a = Lazy::new(20_i64);
/// let b = Lazy::new(22_i64);
/// let sum = lazy_runtime::task::task(
///     lazy_runtime::task::Op::function("add"),
///     (a, b),
///     |(a, b): (i64, i64)| a + b,
/// );
/// assert!(format!("{sum:?}").contains("pending"));
/// assert_eq!(strict(&sum), 42);
/// assert!(format!("{sum:?}").contains("ready"));
/// ```
pub struct Lazy<T> {
    /// Always present; `None` only inside [`Lazy::into_kept`], which moves the node out of
    /// a handle that is being consumed.
    node: Option<Arc<Node>>,
    ty: PhantomData<fn() -> T>,
}

impl<T> Lazy<T> {
    /// A handle to `node`, which has already counted it in its `keep`.
    pub(crate) fn from_kept(node: Arc<Node>) -> Lazy<T> {
        Lazy {
            node: Some(node),
            ty: PhantomData,
        }
    }

    /// A new handle to `node`, which holds a value of type `T`.
    pub(crate) fn from_node(node: &Arc<Node>) -> Lazy<T> {
        node.add_keep();
        Lazy::from_kept(Arc::clone(node))
    }

    pub(crate) fn node(&self) -> &Arc<Node> {
        match &self.node {
            Some(node) => node,
            None => unreachable!("lazy: internal error: a handle without a node"),
        }
    }

    /// Consumes the handle and returns its node with the handle's `keep` count still on it:
    /// moving a handle into a new node makes it that node's claim with no atomic operation.
    pub(crate) fn into_kept(mut self) -> Arc<Node> {
        match self.node.take() {
            Some(node) => node,
            None => unreachable!("lazy: internal error: a handle without a node"),
        }
    }

    /// The structural key of this value's node.
    #[must_use]
    pub fn key(&self) -> Key {
        self.node().key
    }

    /// Checks the invariants of every node below this value (see `Node`).
    #[cfg(test)]
    pub(crate) fn check_invariants(&self) {
        let mut stack = vec![self.node()];
        let mut seen = std::collections::HashSet::new();
        while let Some(node) = stack.pop() {
            if seen.insert(node.key) {
                node.check_invariants();
                stack.extend(node.inputs.as_slice());
            }
        }
    }

    /// Runs this node's task on `executor` instead of the scheduler's thread (the
    /// prototype's `data.executor`). The scheduler still decides when it runs.
    ///
    /// # Examples
    ///
    /// ```
    /// use lazy_runtime::Lazy;
    /// use lazy_runtime::scheduling::ThreadPool;
    /// use std::sync::Arc;
    ///
    /// let pool = Arc::new(ThreadPool::new(1));
    /// let x = lazy_runtime::task::task(
    ///     lazy_runtime::task::Op::function("which_thread"),
    ///     (),
    ///     |()| std::thread::current().name().map(String::from),
    /// );
    /// x.set_executor(pool);
    /// assert_eq!(x.get().as_deref(), Some("lazy-pool-0"));
    /// ```
    pub fn set_executor(&self, executor: Arc<dyn Executor>) {
        self.node().set_executor(executor);
    }
}

impl<T: Value> Lazy<T> {
    /// A leaf keyed by its content: equal values built separately are one node.
    #[must_use]
    pub fn new(value: T) -> Lazy<T>
    where
        T: Fingerprint,
    {
        let key = key::of_value(&value);
        let op = Operation::named(std::any::type_name::<T>());
        // Build the erased value outside the table lock: if the key is already present the
        // new value is dropped here, not under the lock.
        let value: Erased = Arc::new(value);
        let mut spare = Some(value);
        let node = Node::intern(key, || {
            Node::leaf(key, op, spare.take().expect("built once"), true)
        });
        if cfg!(debug_assertions)
            && let Some(new) = &spare
        {
            check_fold::<T>(&node, new);
        }
        drop(spare);
        Lazy::from_kept(node)
    }

    /// A leaf keyed by identity: never folds with another value, for types that cannot be
    /// fingerprinted (or whose hashing would cost more than it saves).
    #[must_use]
    pub fn opaque(value: T) -> Lazy<T> {
        let node = Node::leaf(
            Key::unique(),
            Operation::named(std::any::type_name::<T>()),
            Arc::new(value),
            false,
        );
        Lazy::from_kept(Arc::new(node))
    }
}

// A panic never leaves a node half-updated: task panics are caught and recorded as
// failures, and no lock is held while user code runs. So a handle observed after a panic
// is as good as before it.
impl<T> std::panic::UnwindSafe for Lazy<T> {}
impl<T> std::panic::RefUnwindSafe for Lazy<T> {}

impl<T> Clone for Lazy<T> {
    fn clone(&self) -> Lazy<T> {
        let node = self.node();
        node.add_keep();
        Lazy::from_kept(Arc::clone(node))
    }
}

impl<T> Drop for Lazy<T> {
    fn drop(&mut self) {
        if let Some(node) = self.node.take() {
            node.release_keep();
        }
    }
}

impl<T> fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Lazy<{}>({}, {})",
            std::any::type_name::<T>(),
            self.node().key.short(),
            self.node().state()
        )
    }
}

/// Shows the value if it is ready, and what `Debug` shows otherwise; never forces.
impl<T: fmt::Display + 'static> fmt::Display for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.node().kept_value();
        match value.as_ref().and_then(|v| v.downcast_ref::<T>()) {
            Some(v) => fmt::Display::fmt(v, f),
            None => fmt::Debug::fmt(self, f),
        }
    }
}

/// Checks that a leaf folded onto `node` equals the value `node` holds: a `Fingerprint`
/// that disagrees with `==` would make different values one node.
fn check_fold<T: Fingerprint + 'static>(node: &Node, new: &Erased) {
    let old = node.kept_value();
    let (Some(old), Some(new)) = (
        old.as_ref().and_then(|v| v.downcast_ref::<T>()),
        new.downcast_ref::<T>(),
    ) else {
        return;
    };
    // A value unequal to itself (NaN) cannot be checked by `==`.
    #[allow(
        clippy::eq_op,
        reason = "a value unequal to itself is skipped on purpose"
    )]
    let comparable = new == new;
    assert!(
        !comparable || old == new,
        "lazy: two different `{}` values have the same fingerprint, so they would be one \
         leaf; its `Fingerprint` must write everything `==` compares",
        std::any::type_name::<T>()
    );
}

/// Conversion into a [`Lazy`]: what annotated functions accept for each parameter, so that
/// `square(2)` and `square(a)` (with `a: Lazy<i64>`) both work.
///
/// Plain values become content-keyed leaves, so they need [`Fingerprint`]; wrap other types
/// with [`Lazy::opaque`].
#[diagnostic::on_unimplemented(
    message = "a `{Self}` argument cannot become a `Lazy<{T}>` node",
    note = "a lazy function's `{T}` parameter takes a `{T}`, a `Lazy<{T}>` or a `&Lazy<{T}>`",
    note = "a plain value becomes a leaf keyed by its content, which needs `Fingerprint`: derive it with `#[derive(lazy::Fingerprint)]`, or pass `Lazy::opaque(value)`, a leaf that never folds"
)]
pub trait IntoLazy<T> {
    /// The value as a graph node.
    fn into_lazy(self) -> Lazy<T>;
}

impl<T: Value + Fingerprint> IntoLazy<T> for T {
    fn into_lazy(self) -> Lazy<T> {
        Lazy::new(self)
    }
}

impl<T> IntoLazy<T> for Lazy<T> {
    fn into_lazy(self) -> Lazy<T> {
        self
    }
}

impl<T> IntoLazy<T> for &Lazy<T> {
    fn into_lazy(self) -> Lazy<T> {
        self.clone()
    }
}

/// Takes a typed value out of an erased one: moves it if this was the only reference,
/// clones it otherwise.
pub(crate) fn take<T: Value>(value: Erased) -> T {
    let Ok(value) = value.downcast::<T>() else {
        panic!(
            "lazy: internal error: a node's value is not a `{}` (please report this bug)",
            std::any::type_name::<T>()
        )
    };
    Arc::try_unwrap(value).unwrap_or_else(|v| (*v).clone())
}
