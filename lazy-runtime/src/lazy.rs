//! `Lazy<T>`: a typed handle to a node, and the ways values enter the graph.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use crate::error::Error;
use crate::exec::Executor;
use crate::force::{self, Force};
use crate::inspect::{Graph, NodeState};
use crate::key::{self, Fingerprint, Key};
use crate::node::{
    Compute, InputValues, Inputs, Node, SameValue, TaskInput, Value as Erased, Volatile,
};
use crate::op::Op;
use crate::table;

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
/// let sum = lazy_runtime::__private::task(
///     lazy_runtime::__private::Op::function("add"),
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

    /// Where the value stands, without forcing it.
    #[must_use]
    pub fn state(&self) -> NodeState {
        NodeState::of(self.node())
    }

    /// Whether the value has been computed and is kept.
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.state() == NodeState::Ready
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

    /// The graph this value depends on, for inspection; nothing is computed.
    #[must_use]
    pub fn graph(&self) -> Graph {
        Graph::of_nodes(std::slice::from_ref(self.node()))
    }

    /// Runs this node's task on `executor` instead of the scheduler's thread (the
    /// prototype's `data.executor`). The scheduler still decides when it runs.
    ///
    /// # Examples
    ///
    /// ```
    /// use lazy_runtime::{Lazy, ThreadPool};
    /// use std::sync::Arc;
    ///
    /// let pool = Arc::new(ThreadPool::new(1));
    /// let x = lazy_runtime::__private::task(
    ///     lazy_runtime::__private::Op::function("which_thread"),
    ///     (),
    ///     |()| std::thread::current().name().map(String::from),
    /// );
    /// x.set_executor(pool);
    /// assert_eq!(x.get().as_deref(), Some("lazy-pool-0"));
    /// ```
    pub fn set_executor(&self, executor: Arc<dyn Executor>) {
        self.node().lock().executor = Some(executor);
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
        let name = std::any::type_name::<T>();
        // Build the erased value outside the table lock: if the key is already present the
        // new value is dropped here, not under the lock.
        let value: Erased = Arc::new(value);
        let mut spare = Some(value);
        let node = table::intern(key, || {
            Node::leaf(key, name, spare.take().expect("built once"), true)
        });
        drop(spare);
        Lazy::from_kept(node)
    }

    /// A leaf keyed by identity: never folds with another value, for types that cannot be
    /// fingerprinted (or whose hashing would cost more than it saves).
    #[must_use]
    pub fn opaque(value: T) -> Lazy<T> {
        let node = Node::leaf(
            Key::unique(),
            std::any::type_name::<T>(),
            Arc::new(value),
            false,
        );
        Lazy::from_kept(Arc::new(node))
    }

    /// Computes the value if needed and returns a clone of it.
    ///
    /// # Panics
    ///
    /// If a task this value needs panics; the message names the task. Use
    /// [`try_get`](Lazy::try_get) to get the error as a value.
    #[must_use]
    pub fn get(&self) -> T {
        force::strict(self)
    }

    /// Computes the value if needed and returns a clone of it, or the failure.
    ///
    /// # Errors
    ///
    /// If a task this value needs panics; the error names the task and its message.
    pub fn try_get(&self) -> Result<T, Error> {
        force::try_strict(self)
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
            self.state()
        )
    }
}

/// Shows the value if it is ready, and what `Debug` shows otherwise; never forces.
impl<T: fmt::Display + 'static> fmt::Display for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.node().lock().value.clone();
        match value.as_ref().and_then(|v| v.downcast_ref::<T>()) {
            Some(v) => fmt::Display::fmt(v, f),
            None => fmt::Debug::fmt(self, f),
        }
    }
}

/// Conversion into a [`Lazy`]: what annotated functions accept for each parameter, so that
/// `square(2)` and `square(a)` (with `a: Lazy<i64>`) both work.
///
/// Plain values become content-keyed leaves, so they need [`Fingerprint`]; wrap other types
/// with [`Lazy::opaque`].
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

/// The nodes of a task's arguments, moved out of their handles. Opaque outside the runtime.
pub struct ArgNodes(Inputs);

impl fmt::Debug for ArgNodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.as_slice().iter().map(|n| n.key))
            .finish()
    }
}

/// The argument tuples a task accepts: `(Lazy<A>, Lazy<B>, ...)`, up to twelve.
pub trait Args {
    /// The tuple of the arguments' values, which the task's function receives.
    type Values;

    /// The arguments' nodes, each keeping the count of the handle it came from.
    #[doc(hidden)]
    fn into_inputs(self) -> ArgNodes;

    #[doc(hidden)]
    fn values(values: &mut force::Values) -> Self::Values;
}

macro_rules! impl_args {
    ($(($($t:ident $v:ident),*) => $inputs:expr;)*) => {$(
        impl<$($t: Value),*> Args for ($(Lazy<$t>,)*) {
            type Values = ($($t,)*);

            fn into_inputs(self) -> ArgNodes {
                let ($($v,)*) = self;
                ArgNodes($inputs)
            }

            #[allow(clippy::unused_unit, reason = "the empty tuple is the zero-argument case")]
            fn values(_values: &mut force::Values) -> Self::Values {
                $(let $v = _values.next_value::<$t>();)*
                ($($v,)*)
            }
        }
    )*};
}

// Up to two arguments, the nodes are stored inline in the new node; more take a slice.
impl_args! {
    () => Inputs::Zero;
    (A a) => Inputs::One([a.into_kept()]);
    (A a, B b) => Inputs::Two([a.into_kept(), b.into_kept()]);
    (A a, B b, C c) => many([a.into_kept(), b.into_kept(), c.into_kept()]);
    (A a, B b, C c, D d) => many([a.into_kept(), b.into_kept(), c.into_kept(), d.into_kept()]);
    (A a, B b, C c, D d, E e) => many([
        a.into_kept(), b.into_kept(), c.into_kept(), d.into_kept(), e.into_kept(),
    ]);
    (A a, B b, C c, D d, E e, F f) => many([
        a.into_kept(), b.into_kept(), c.into_kept(), d.into_kept(), e.into_kept(),
        f.into_kept(),
    ]);
    (A a, B b, C c, D d, E e, F f, G g) => many([
        a.into_kept(), b.into_kept(), c.into_kept(), d.into_kept(), e.into_kept(),
        f.into_kept(), g.into_kept(),
    ]);
    (A a, B b, C c, D d, E e, F f, G g, H h) => many([
        a.into_kept(), b.into_kept(), c.into_kept(), d.into_kept(), e.into_kept(),
        f.into_kept(), g.into_kept(), h.into_kept(),
    ]);
    (A a, B b, C c, D d, E e, F f, G g, H h, I i) => many([
        a.into_kept(), b.into_kept(), c.into_kept(), d.into_kept(), e.into_kept(),
        f.into_kept(), g.into_kept(), h.into_kept(), i.into_kept(),
    ]);
    (A a, B b, C c, D d, E e, F f, G g, H h, I i, J j) => many([
        a.into_kept(), b.into_kept(), c.into_kept(), d.into_kept(), e.into_kept(),
        f.into_kept(), g.into_kept(), h.into_kept(), i.into_kept(), j.into_kept(),
    ]);
    (A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k) => many([
        a.into_kept(), b.into_kept(), c.into_kept(), d.into_kept(), e.into_kept(),
        f.into_kept(), g.into_kept(), h.into_kept(), i.into_kept(), j.into_kept(),
        k.into_kept(),
    ]);
    (A a, B b, C c, D d, E e, F f, G g, H h, I i, J j, K k, L l) => many([
        a.into_kept(), b.into_kept(), c.into_kept(), d.into_kept(), e.into_kept(),
        f.into_kept(), g.into_kept(), h.into_kept(), i.into_kept(), j.into_kept(),
        k.into_kept(), l.into_kept(),
    ]);
}

fn many<const N: usize>(nodes: [Arc<Node>; N]) -> Inputs {
    Inputs::Many(Box::new(nodes))
}

/// Adds a node (or finds the existing one with the same key) for `op` over `inputs`, and
/// returns it with one `keep` count for the caller's handle. Each input comes with a `keep`
/// count: a strict input's becomes the new node's claim on it; the others are given back.
/// `behaviour` runs only if the node is new, and is told whether the node is volatile.
pub(crate) fn add_node(
    op: Op,
    inputs: Inputs,
    strict_inputs: usize,
    behaviour: impl FnOnce(bool) -> (Compute, Option<SameValue>),
) -> Arc<Node> {
    let build = |key: Key, inputs: Inputs, interned: bool| {
        // Only a node over an input cell is ever recomputed over a kept old value, so only
        // such a node needs an equality test: `behaviour` is told, and builds none otherwise.
        let volatile = inputs.as_slice().iter().any(|i| i.is_volatile());
        let (compute, same) = behaviour(volatile);
        let volatile = volatile.then(|| Box::new(Volatile::new(same)));
        Node::task(
            key,
            op.name,
            inputs,
            strict_inputs,
            compute,
            interned,
            volatile,
        )
    };
    let node = match op.digest {
        Some(digest) => {
            // Most operations have one or two inputs: keep their keys on the stack.
            let key = match inputs.as_slice() {
                [] => Key::of_op(&digest, &[]),
                [a] => Key::of_op(&digest, &[a.key]),
                [a, b] => Key::of_op(&digest, &[a.key, b.key]),
                many => Key::of_op(&digest, &many.iter().map(|n| n.key).collect::<Vec<_>>()),
            };
            let mut spare = Some(inputs);
            let node = table::intern(key, || build(key, spare.take().expect("built once"), true));
            if let Some(unused) = spare {
                // Folded onto an existing node, which is registered already. Give back the
                // inputs' counts here, outside the table lock.
                for input in unused.as_slice() {
                    input.release_keep();
                }
                return node;
            }
            node
        }
        None => Arc::new(build(Key::unique(), inputs, false)),
    };
    // Deferred inputs are not claimed: their counts go back.
    for input in node.deferred() {
        input.release_keep();
    }
    Node::register_dependent(&node);
    node
}

/// One task node: `op` applied to the values of `args`.
///
/// Building it computes nothing (except in [eager mode](crate::eager)); if a node with the
/// same operation and the same inputs exists, that node is returned instead (with its value,
/// if computed).
pub fn task<A, R, F>(op: Op, args: A, f: F) -> Lazy<R>
where
    A: Args,
    R: Value,
    F: Fn(A::Values) -> R + Send + Sync + 'static,
{
    task_with_cutoff(op, args, f, None)
}

/// Like [`task`], with a test of equality between an old and a new value of this node: after
/// an [input](crate::Input) changed, a recomputed value equal to the previous one does not
/// make the node's readers run again (early cut-off).
pub fn task_with_cutoff<A, R, F>(op: Op, args: A, f: F, same: Option<fn(&R, &R) -> bool>) -> Lazy<R>
where
    A: Args,
    R: Value,
    F: Fn(A::Values) -> R + Send + Sync + 'static,
{
    task_erased(
        op,
        args,
        move |values: InputValues| {
            let mut values = force::Values::new(values);
            Arc::new(f(A::values(&mut values))) as Erased
        },
        same,
    )
}

/// Like [`task_with_cutoff`], with a function of the inputs' type-erased values: for
/// operations that look at how their inputs are shared (`lift`'s array operators).
pub(crate) fn task_erased<A, R, F>(
    op: Op,
    args: A,
    f: F,
    same: Option<fn(&R, &R) -> bool>,
) -> Lazy<R>
where
    A: Args,
    R: Value,
    F: Fn(InputValues) -> Erased + Send + Sync + 'static,
{
    let ArgNodes(inputs) = args.into_inputs();
    let strict = inputs.as_slice().len();
    let node = add_node(op, inputs, strict, move |volatile| {
        let compute: Compute = Box::new(move |input: TaskInput<'_>| f(input.values));
        let same = same.filter(|_| volatile).map(|same| {
            Box::new(move |a: &Erased, b: &Erased| {
                match (a.downcast_ref::<R>(), b.downcast_ref::<R>()) {
                    (Some(a), Some(b)) => same(a, b),
                    _ => false,
                }
            }) as SameValue
        });
        (compute, same)
    });
    // The handle comes first, so that an eagerly computed value is kept.
    let lazy = Lazy::from_kept(node);
    crate::eager::run_if_eager(lazy.node());
    lazy
}

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
            force::force_in_task(branch)
        });
        (compute, None)
    });
    // The handle comes first, so that an eagerly computed value is kept.
    let lazy = Lazy::from_kept(node);
    crate::eager::run_if_eager(lazy.node());
    lazy
}

impl<T: Value> Force for Lazy<T> {
    type Output = T;

    fn roots(&self, out: &mut force::Nodes) {
        out.push(self.node());
    }

    fn collect(self, values: &mut force::Values) -> T {
        // The handle goes first: if it was the last reason to keep the value, the node
        // releases it and the value is moved out below instead of cloned (an 8 MB array
        // returned by `strict(g(a, b))` is not copied).
        drop(self);
        values.next_value()
    }
}

impl<T: Value> Force for &Lazy<T> {
    type Output = T;

    fn roots(&self, out: &mut force::Nodes) {
        out.push(self.node());
    }

    fn collect(self, values: &mut force::Values) -> T {
        values.next_value()
    }
}
