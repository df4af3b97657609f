//! Building task nodes: the argument tuples a task takes, and adding (or folding) the node
//! for an operation over its inputs. The public face of this module is how user-defined
//! operations enter the graph.
//!
//! # Examples
//!
//! A task node for an operation of your own: it folds with every other task of the same
//! operation over the same inputs, and runs when forced.
//!
//! ```
//! use lazy_runtime::task::{Op, task};
//! use lazy_runtime::{Lazy, graph, strict};
//!
//! fn hypot(a: Lazy<f64>, b: Lazy<f64>) -> Lazy<f64> {
//!     task(Op::function("app::hypot"), (a, b), |(a, b): (f64, f64)| a.hypot(b))
//! }
//!
//! let (a, b) = (Lazy::new(3.0), Lazy::new(4.0));
//! let one = hypot(a.clone(), b.clone());
//! let two = hypot(a, b); // the same operation on the same inputs: the same node
//! assert_eq!(one.key(), two.key());
//! assert_eq!(strict(&one), 5.0);
//! assert_eq!(graph(&(&one, &two)).node_count(), 3);
//! ```

use std::fmt;
use std::sync::Arc;

use crate::force::Values;
use crate::graph::{Compute, Erased, InputValues, Inputs, Node, SameValue, TaskInput, Volatile};
use crate::key::Key;
use crate::lazy::{Lazy, Value};
pub use crate::op::{Memo, Op, Persistence};

/// The nodes of a task's arguments, moved out of their handles. Opaque outside the runtime.
pub struct ArgNodes(Inputs);

impl fmt::Debug for ArgNodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.as_slice().iter().map(|n| n.key))
            .finish()
    }
}

/// One argument of a task: a handle, owned (`Lazy<T>`) or borrowed (`&Lazy<T>`). A borrowed
/// handle is cloned here, one count on its node, which is what the caller would have paid to
/// pass it owned; either way the task's input, and so its key, is the handle's node.
///
/// # Examples
///
/// ```
/// use lazy_runtime::task::{Op, task};
/// use lazy_runtime::{Lazy, strict};
///
/// let (a, b) = (Lazy::new(3.0_f64), Lazy::new(4.0_f64));
/// let hypot = |(a, b): (f64, f64)| a.hypot(b);
/// let borrowed = task(Op::function("app::hypot"), (&a, &b), hypot);
/// let owned = task(Op::function("app::hypot"), (a.clone(), b), hypot);
/// assert_eq!(borrowed.key(), owned.key()); // one node
/// assert!((strict(&borrowed) - 5.0).abs() < 1e-12);
/// ```
pub trait Arg {
    /// The value the task's function receives for this argument.
    type Value: Value;

    /// The argument as an owned handle.
    #[doc(hidden)]
    fn into_handle(self) -> Lazy<Self::Value>;
}

impl<T: Value> Arg for Lazy<T> {
    type Value = T;

    fn into_handle(self) -> Lazy<T> {
        self
    }
}

impl<T: Value> Arg for &Lazy<T> {
    type Value = T;

    fn into_handle(self) -> Lazy<T> {
        self.clone()
    }
}

/// The argument tuples a task accepts: `(Lazy<A>, &Lazy<B>, ...)`, up to twelve, each
/// element an [`Arg`].
pub trait Args {
    /// The tuple of the arguments' values, which the task's function receives.
    type Values;

    /// The arguments' nodes, each keeping the count of the handle it came from.
    #[doc(hidden)]
    fn into_inputs(self) -> ArgNodes;

    #[doc(hidden)]
    fn values(values: &mut Values) -> Self::Values;
}

macro_rules! impl_args {
    ($(($($t:ident $v:ident),*) => $inputs:expr;)*) => {$(
        impl<$($t: Arg),*> Args for ($($t,)*) {
            type Values = ($($t::Value,)*);

            fn into_inputs(self) -> ArgNodes {
                let ($($v,)*) = self;
                $(let $v = $v.into_handle();)*
                ArgNodes($inputs)
            }

            #[allow(clippy::unused_unit, reason = "the empty tuple is the zero-argument case")]
            fn values(_values: &mut Values) -> Self::Values {
                $(let $v = _values.next_value::<$t::Value>();)*
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

/// Any number of nodes of one type: a task over all the elements of a collection.
impl<T: Value> Args for Vec<Lazy<T>> {
    type Values = Vec<T>;

    fn into_inputs(self) -> ArgNodes {
        let mut nodes = self.into_iter().map(Lazy::into_kept);
        ArgNodes(match (nodes.next(), nodes.next()) {
            (None, _) => Inputs::Zero,
            (Some(a), None) => Inputs::One([a]),
            (Some(a), Some(b)) => match nodes.next() {
                None => Inputs::Two([a, b]),
                Some(c) => Inputs::Many([a, b, c].into_iter().chain(nodes).collect()),
            },
        })
    }

    fn values(values: &mut Values) -> Vec<T> {
        (0..values.remaining())
            .map(|_| values.next_value())
            .collect()
    }
}

pub(crate) fn many<const N: usize>(nodes: [Arc<Node>; N]) -> Inputs {
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
            op.operation,
            inputs,
            strict_inputs,
            compute,
            interned,
            volatile,
        )
    };
    let node = if let Some(digest) = op.pure.then_some(&op.operation.digest) {
        // Most operations have one or two inputs: keep their keys on the stack.
        let key = match inputs.as_slice() {
            [] => Key::of_op(digest, &[]),
            [a] => Key::of_op(digest, &[a.key]),
            [a, b] => Key::of_op(digest, &[a.key, b.key]),
            many => Key::of_op(digest, &many.iter().map(|n| n.key).collect::<Vec<_>>()),
        };
        let mut spare = Some(inputs);
        let node = Node::intern(key, || build(key, spare.take().expect("built once"), true));
        if let Some(unused) = spare {
            // Folded onto an existing node, which the table registered with its inputs
            // when it was built. Give back the inputs' counts here, outside the table lock.
            for input in unused.as_slice() {
                input.release_keep();
            }
            return node;
        }
        node
    } else {
        let node = Arc::new(build(Key::unique(), inputs, false));
        Node::register_dependent(&node);
        node
    };
    // Deferred inputs are not claimed: their counts go back.
    for input in node.deferred() {
        input.release_keep();
    }
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
    // Named in the messages of a force whose values cross processes.
    #[cfg(feature = "cluster")]
    op.operation.note_output(std::any::type_name::<R>());
    task_erased(
        op,
        args,
        move |values: InputValues| {
            let mut values = Values::new(values);
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
    crate::exec::eager::run_if_eager(lazy.node());
    lazy
}
