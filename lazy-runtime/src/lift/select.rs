//! Conditionals and early cut-off for rewritten bodies: a lazy `if` as a conditional node
//! whose branches are built once the condition is known ([`select_in`]), `&&` and `||` as
//! a [`select`] over two built values, and the compile-time choice of an equality test for
//! a task's values.

use std::any::{Any, type_name};
use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, PoisonError};

use super::scope::Scope;
use crate::graph::{Compute, InputValues, Inputs, Node, TaskInput};
use crate::lazy::{Lazy, Value, take};
use crate::task::{Arg, Op, add_node, many};

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

/// A conditional over two built values: `then` if `cond` is true, `otherwise` if not; only
/// the one taken is computed. `&&` and `||` of rewritten bodies are made of it; a lazy `if`
/// is [`select_in`], which builds only the branch taken.
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
            crate::exec::branch("lazy::select", branch)
        });
        (compute, None)
    });
    // The handle comes first, so that an eagerly computed value is kept.
    let lazy = Lazy::from_kept(node);
    crate::exec::eager::run_if_eager(lazy.node());
    lazy
}

/// What a conditional's run hands back to its captures: the values of the strict ones, in
/// order, then the deferred nodes. See [`Captures`].
pub struct Captured<'a> {
    values: &'a mut InputValues,
    nodes: &'a [Arc<Node>],
    /// How many nodes have been taken.
    taken: usize,
}

impl fmt::Debug for Captured<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Captured")
            .field("values", &self.values.remaining())
            .field("nodes", &(self.nodes.len() - self.taken))
            .finish()
    }
}

/// The nodes of a conditional's captures, as it is built. See [`Captures`].
#[derive(Default)]
pub struct CaptureNodes(Vec<Arc<Node>>);

impl fmt::Debug for CaptureNodes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CaptureNodes({})", self.0.len())
    }
}

/// The lazy values that a lazy `if`'s branches use from outside them, which the
/// conditional takes as inputs: their keys are part of its key, and when it runs it hands
/// them to the branch it builds, as [`Handles`](Captures::Handles).
///
/// A capture the condition also reads is *strict* ([`Strict`], made by the probe
/// [`Strict::capture`]): it is computed anyway, so the conditional reads its value and the
/// branch gets it as a leaf, keyed by content when its type has a
/// [`Fingerprint`](crate::Fingerprint). So recursion folds by value: `fib(n - 1)` built
/// where `n` is 5 is the node built where `n - 1` is 5 elsewhere. Any other capture is a
/// deferred [`Lazy`], handed over as the node it is, computed only if the branch taken
/// asks. Tuples of up to 12 captures are captures (generated code nests longer lists).
pub trait Captures: Sized + Send + Sync + 'static {
    /// What the branch builder receives.
    type Handles;

    /// Moves the captures' nodes into `into`, in order.
    fn put(self, into: &mut CaptureNodes);

    /// The handles for the branch, in the order [`put`](Captures::put) gave.
    fn take(from: &mut Captured<'_>) -> Self::Handles;
}

impl<T: Value> Captures for Lazy<T> {
    type Handles = Lazy<T>;

    fn put(self, into: &mut CaptureNodes) {
        into.0.push(self.into_kept());
    }

    fn take(from: &mut Captured<'_>) -> Lazy<T> {
        let node = &from.nodes[from.taken];
        from.taken += 1;
        Lazy::from_node(node)
    }
}

/// A capture that the condition reads too: see [`Captures`]. Generated code makes one with
/// `(&&Strict(&x)).capture()`, which finds [`ByContent`] for a type with a fingerprint
/// (the branch gets a content-keyed leaf) and [`ByIdentity`] otherwise (an opaque leaf).
#[derive(Debug)]
pub struct Strict<'a, T>(pub &'a Lazy<T>);

/// A strict capture keyed by content.
#[derive(Debug)]
pub struct Keyed<T>(Lazy<T>);

/// A strict capture of a type without a fingerprint.
#[derive(Debug)]
pub struct Opaque<T>(Lazy<T>);

/// See [`Strict`]: found first, for types with a [`Fingerprint`](crate::Fingerprint).
pub trait ByContent<T> {
    /// The capture.
    fn capture(&self) -> Keyed<T>;
}

impl<T: crate::Fingerprint + Value> ByContent<T> for &Strict<'_, T> {
    fn capture(&self) -> Keyed<T> {
        Keyed(self.0.clone())
    }
}

/// See [`Strict`]: for other types.
pub trait ByIdentity<T> {
    /// The capture.
    fn capture(&self) -> Opaque<T>;
}

impl<T: Value> ByIdentity<T> for Strict<'_, T> {
    fn capture(&self) -> Opaque<T> {
        Opaque(self.0.clone())
    }
}

/// What generated code hands a conditional as its captures: [`Captures`], or handles
/// borrowed from the body's locals (`(&a, &b)`), which become captures by a clone each,
/// what passing them owned would have cost. The conditional's key names the captures, so
/// borrowed and owned handles build the same node.
pub trait IntoCaptures {
    /// The captures.
    type Captures: Captures;

    #[doc(hidden)]
    fn into_captures(self) -> Self::Captures;
}

impl<T: Value> IntoCaptures for Lazy<T> {
    type Captures = Lazy<T>;

    fn into_captures(self) -> Lazy<T> {
        self
    }
}

impl<T: Value> IntoCaptures for &Lazy<T> {
    type Captures = Lazy<T>;

    fn into_captures(self) -> Lazy<T> {
        self.clone()
    }
}

impl<T: crate::Fingerprint + Value> IntoCaptures for Keyed<T> {
    type Captures = Keyed<T>;

    fn into_captures(self) -> Keyed<T> {
        self
    }
}

impl<T: Value> IntoCaptures for Opaque<T> {
    type Captures = Opaque<T>;

    fn into_captures(self) -> Opaque<T> {
        self
    }
}

fn next_value<T: Value>(from: &mut Captured<'_>) -> T {
    take::<T>(from.values.next().expect("a strict capture's value"))
}

impl<T: crate::Fingerprint + Value> Captures for Keyed<T> {
    type Handles = Lazy<T>;

    fn put(self, into: &mut CaptureNodes) {
        self.0.put(into);
    }

    fn take(from: &mut Captured<'_>) -> Lazy<T> {
        Lazy::new(next_value(from))
    }
}

impl<T: Value> Captures for Opaque<T> {
    type Handles = Lazy<T>;

    fn put(self, into: &mut CaptureNodes) {
        self.0.put(into);
    }

    fn take(from: &mut Captured<'_>) -> Lazy<T> {
        Lazy::opaque(next_value(from))
    }
}

macro_rules! captures_for_tuples {
    ($(($($name:ident),*)),* $(,)?) => {$(
        impl<$($name: Captures),*> Captures for ($($name,)*) {
            type Handles = ($($name::Handles,)*);

            #[allow(non_snake_case, unused_variables, reason = "one binding per element")]
            fn put(self, into: &mut CaptureNodes) {
                let ($($name,)*) = self;
                $($name.put(into);)*
            }

            #[allow(unused_variables, clippy::unused_unit, reason = "the empty tuple takes nothing")]
            fn take(from: &mut Captured<'_>) -> Self::Handles {
                ($($name::take(from),)*)
            }
        }

        impl<$($name: IntoCaptures),*> IntoCaptures for ($($name,)*) {
            type Captures = ($($name::Captures,)*);

            #[allow(non_snake_case, clippy::unused_unit, reason = "one binding per element")]
            fn into_captures(self) -> Self::Captures {
                let ($($name,)*) = self;
                ($($name.into_captures(),)*)
            }
        }
    )*};
}

captures_for_tuples!(
    (),
    (A),
    (A, B),
    (A, B, C),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C, D, E, F),
    (A, B, C, D, E, F, G),
    (A, B, C, D, E, F, G, H),
    (A, B, C, D, E, F, G, H, I),
    (A, B, C, D, E, F, G, H, I, J),
    (A, B, C, D, E, F, G, H, I, J, K),
    (A, B, C, D, E, F, G, H, I, J, K, L),
);

/// A lazy `if` of a rewritten body: `then(strict, deferred)` if `cond` is true, else
/// `otherwise(strict, deferred)`, where a branch is built only when the condition's value
/// is known, and only the taken one (daisy's semantics), so a recursive function ends
/// where its condition says. `strict` are the captures the condition reads too, and
/// `deferred` the others (see [`Captures`]).
///
/// The node's inputs are `cond` and the strict captures (computed before it runs), then
/// the deferred captures; its operation is the conditional's source text (`label`), its
/// type and the [`Scope`] it is written in, which decides what the text's names mean. Two
/// conditionals fold when they have the same text in the same scope over the same inputs:
/// they build the same branches.
///
/// The conditional keeps the branch it built while its node lives, so a conditional
/// reached again through another path (`fib(n - 2)` from `fib(n)` and from `fib(n - 1)`)
/// finds the other's branch built and computed, and `fib(n)` runs O(n) tasks. Branches are
/// forced inside the conditional's run (a nested force on its thread, see
/// `exec/README.md`); recursion nests those forces, each on a fresh stack segment when the
/// stack runs low, and past [`max_depth`](crate::scheduling::max_depth) of them on one
/// thread the force fails with an error naming the conditional instead of overflowing.
#[must_use]
#[allow(
    clippy::needless_pass_by_value,
    reason = "generated code hands its handles over"
)]
pub fn select_in<S, D, T, F, G>(
    scope: Scope,
    label: &'static str,
    cond: impl Arg<Value = bool>,
    strict: S,
    deferred: D,
    then: F,
    otherwise: G,
) -> Lazy<T>
where
    S: IntoCaptures,
    D: IntoCaptures,
    T: Value,
    F: Fn(Handles<S>, Handles<D>) -> Lazy<T> + Send + Sync + 'static,
    G: Fn(Handles<S>, Handles<D>) -> Lazy<T> + Send + Sync + 'static,
{
    let (strict, deferred) = (strict.into_captures(), deferred.into_captures());
    let (signature, closure) = (
        type_name::<fn(S::Captures, D::Captures) -> T>(),
        type_name::<F>(),
    );
    let op = Op::scoped(scope.parts(label, signature, closure), || {
        format!(
            "if {label} -> {} in {}",
            type_name::<T>(),
            scope.describe(closure)
        )
    });
    let mut nodes = CaptureNodes::default();
    nodes.0.push(cond.into_handle().into_kept());
    strict.put(&mut nodes);
    let strict_inputs = nodes.0.len();
    deferred.put(&mut nodes);
    let inputs = Inputs::Many(nodes.0.into_boxed_slice());
    let name = op.name();
    let node = add_node(op, inputs, strict_inputs, move |_| {
        let built = KeptBranch::<T>::default();
        let compute: Compute = Box::new(move |input: TaskInput<'_>| {
            let mut values = input.values;
            let cond = take::<bool>(values.next().expect("condition"));
            let mut captured = Captured {
                values: &mut values,
                nodes: input.deferred,
                taken: 0,
            };
            let (strict, deferred) = (
                S::Captures::take(&mut captured),
                D::Captures::take(&mut captured),
            );
            // The branch is built now, at force time: its nodes were written in the
            // conditional's function, which a shape mismatch among them names.
            let branch = {
                let _site = super::Site::enter(scope.function_name());
                if cond {
                    then(strict, deferred)
                } else {
                    otherwise(strict, deferred)
                }
            };
            let value = crate::exec::branch(name, branch.node());
            built.keep(branch);
            value
        });
        (compute, None)
    });
    let lazy = Lazy::from_kept(node);
    crate::exec::eager::run_if_eager(lazy.node());
    lazy
}

/// What a branch builder receives for the captures `C`.
type Handles<C> = <<C as IntoCaptures>::Captures as Captures>::Handles;

/// The branch a conditional built last, kept while the conditional's node lives.
///
/// Dropping one drops its branch, whose graph may hold more conditionals with branches of
/// their own, as deep as the recursion went: a branch dropped while another is being
/// dropped on the same thread waits in a list that the outermost drop empties, so dropping
/// a deep recursion takes a loop, not a stack frame per level.
struct KeptBranch<T: 'static>(Mutex<Option<Lazy<T>>>);

impl<T: 'static> Default for KeptBranch<T> {
    fn default() -> Self {
        KeptBranch(Mutex::new(None))
    }
}

impl<T: Value> KeptBranch<T> {
    fn keep(&self, branch: Lazy<T>) {
        let old = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .replace(branch);
        drop(old);
    }
}

/// Ends a thread's dropping of kept branches, also if a value's `Drop` panics.
struct DoneDropping;

impl Drop for DoneDropping {
    fn drop(&mut self) {
        let rest = DROPPING.try_with(|d| d.borrow_mut().take()).ok().flatten();
        drop(rest);
    }
}

thread_local! {
    /// Whether this thread is dropping a kept branch, and the branches met meanwhile.
    static DROPPING: RefCell<Option<Vec<Box<dyn Any>>>> = const { RefCell::new(None) };
}

impl<T: 'static> Drop for KeptBranch<T> {
    fn drop(&mut self) {
        let Some(branch) = self
            .0
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        else {
            return;
        };
        let branch: Box<dyn Any> = Box::new(branch);
        // Inside another kept branch's drop: leave it to that loop.
        let outer = DROPPING.try_with(|d| match d.borrow_mut().as_mut() {
            Some(later) => {
                later.push(branch);
                None
            }
            None => Some(branch),
        });
        // Inside another drop, or the thread is exiting (the branch drops here).
        let Ok(Some(branch)) = outer else {
            return;
        };
        let _ = DROPPING.try_with(|d| *d.borrow_mut() = Some(Vec::new()));
        let _done = DoneDropping;
        let mut next = Some(branch);
        while let Some(branch) = next {
            drop(branch);
            next = DROPPING
                .try_with(|d| d.borrow_mut().as_mut().and_then(Vec::pop))
                .ok()
                .flatten();
        }
    }
}
