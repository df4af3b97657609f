//! Input cells: leaves whose value can change, and the invalidation of what depends on them.
//!
//! Invariants:
//! - every node built over an input cell, directly or not, is volatile and registered as a
//!   dependent of its volatile inputs;
//! - setting a cell to a different value bumps the global revision, stamps the cell's
//!   `changed_at`, and marks every dependent stale; nothing runs until a value is forced;
//! - a stale node is verified before use: if none of its inputs changed after it was last
//!   verified it is valid again without running, otherwise it runs, and if its new value
//!   equals the old one its readers are not re-run (early cut-off).

use std::fmt;
use std::sync::{Arc, PoisonError};

use crate::force::{Force, Nodes, Values};
use crate::graph::{Node, revision};
use crate::key::Key;
use crate::lazy::{IntoLazy, Lazy, Value};
use crate::op::Operation;

/// A leaf whose value can be changed with [`set`](Input::set) (the prototype's
/// invalidation). Graphs built over it are recomputed where, and only where, the change
/// reaches.
///
/// # Examples
///
/// ```
/// use lazy_runtime::{input, strict};
/// use lazy_runtime::task::{Op, task};
///
/// let x = input(3_i64);
/// let double = task(Op::function("double"), (x.lazy(),), |(x,): (i64,)| x * 2);
/// assert_eq!(strict(&double), 6);
/// x.set(4);
/// assert_eq!(strict(&double), 8);
/// ```
pub struct Input<T> {
    lazy: Lazy<T>,
}

/// A new input cell holding `value`.
#[must_use]
pub fn input<T: Value + PartialEq>(value: T) -> Input<T> {
    let node = Node::input_cell(
        Key::unique(),
        Operation::named(std::any::type_name::<T>()),
        Arc::new(value),
    );
    Input {
        lazy: Lazy::from_kept(Arc::new(node)),
    }
}

impl<T: Value + PartialEq> Input<T> {
    /// Replaces the value. If it differs from the current one, every value computed from
    /// this cell is invalidated; the next force recomputes what changed and nothing else.
    ///
    /// Waits for the forces running to finish, so that each of them reads one revision of
    /// every input (forces that begin meanwhile wait for this change).
    ///
    /// # Panics
    ///
    /// If called from inside a running task: tasks must not change inputs.
    pub fn set(&self, value: T) {
        let node = self.lazy.node();
        assert!(
            !crate::exec::inside_a_run(),
            "lazy: `Input::set` called from inside a running task; tasks must not change inputs"
        );
        // Waits for the forces running: each reads one revision of every input.
        let change = revision::begin_change();
        // The comparison runs under the cell's lock: a user `PartialEq` must not force lazy
        // values (none of the cell's own can be forced through it).
        let old = node.set_cell_with(|current| {
            if current.and_then(|v| v.downcast_ref::<T>()) == Some(&value) {
                None
            } else {
                Some(Arc::new(value))
            }
        });
        let Some(old) = old else { return };
        invalidate(node);
        drop(change);
        drop(old);
    }

    /// The current value.
    #[must_use]
    pub fn get(&self) -> T {
        self.lazy.get()
    }

    /// A handle to the cell's node, to build graphs on.
    #[must_use]
    pub fn lazy(&self) -> Lazy<T> {
        self.lazy.clone()
    }
}

/// Marks every node that depends on `node` stale. A node already stale has had its
/// dependents marked when it became so.
fn invalidate(node: &Arc<Node>) {
    let mut stack = upgraded(node);
    while let Some(dependent) = stack.pop() {
        if !dependent.mark_stale() {
            continue;
        }
        stack.extend(upgraded(&dependent));
    }
}

fn upgraded(node: &Node) -> Vec<Arc<Node>> {
    let Some(volatile) = &node.volatile else {
        return Vec::new();
    };
    let dependents = volatile
        .dependents
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    dependents
        .iter()
        .filter_map(std::sync::Weak::upgrade)
        .collect()
}

impl<T> fmt::Debug for Input<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Input").field(&self.lazy).finish()
    }
}

impl<T> IntoLazy<T> for &Input<T> {
    fn into_lazy(self) -> Lazy<T> {
        self.lazy.clone()
    }
}

impl<T: Value> Force for &Input<T> {
    type Output = T;

    fn roots(&self, out: &mut Nodes) {
        out.push(self.lazy.node());
    }

    fn collect(self, values: &mut Values) -> T {
        values.next_value()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::input;
    use crate::inspect::NodeState;
    use crate::task::{Op, task, task_with_cutoff};
    use crate::{Lazy, strict};

    fn counted<F>(
        name: &'static str,
        runs: &Arc<AtomicUsize>,
        f: F,
    ) -> impl Fn((i64,)) -> i64 + Send + Sync + 'static
    where
        F: Fn(i64) -> i64 + Send + Sync + 'static,
    {
        let _ = name;
        let runs = Arc::clone(runs);
        move |(x,)| {
            runs.fetch_add(1, Ordering::SeqCst);
            f(x)
        }
    }

    #[test]
    fn setting_an_input_recomputes_exactly_its_dependents() {
        let x = input(3_i64);
        let y = input(10_i64);
        let (fx, fy, fsum): (Arc<AtomicUsize>, Arc<AtomicUsize>, Arc<AtomicUsize>) =
            (Arc::default(), Arc::default(), Arc::default());
        let dx = task(
            Op::function("input::dx"),
            (x.lazy(),),
            counted("dx", &fx, |x| x * 2),
        );
        let dy = task(
            Op::function("input::dy"),
            (y.lazy(),),
            counted("dy", &fy, |y| y + 1),
        );
        let sum = {
            let runs = Arc::clone(&fsum);
            task(
                Op::function("input::sum"),
                (dx.clone(), dy.clone()),
                move |(a, b): (i64, i64)| {
                    runs.fetch_add(1, Ordering::SeqCst);
                    a + b
                },
            )
        };
        assert_eq!(strict(&sum), 17);
        x.set(4);
        assert_eq!(dx.state(), NodeState::Invalidated);
        assert_eq!(dy.state(), NodeState::Ready, "y's branch is untouched");
        assert!(sum.graph().to_dot().contains("invalidated"));
        assert_eq!(strict(&sum), 19);
        let counts = [&fx, &fy, &fsum].map(|c| c.load(Ordering::SeqCst));
        assert_eq!(counts, [2, 1, 2]);
        // Setting the same value changes nothing.
        x.set(4);
        assert_eq!(dx.state(), NodeState::Ready);
    }

    #[test]
    fn an_unchanged_recomputed_value_does_not_rerun_its_readers() {
        let x = input(3_i64);
        let (fparity, fread) = (Arc::<AtomicUsize>::default(), Arc::<AtomicUsize>::default());
        let parity = task_with_cutoff(
            Op::function("input::parity"),
            (x.lazy(),),
            counted("parity", &fparity, |x| x % 2),
            Some(i64::eq),
        );
        let reader = task(
            Op::function("input::reader"),
            (parity.clone(),),
            counted("reader", &fread, |p| p * 100),
        );
        assert_eq!(strict(&reader), 100);
        x.set(5);
        assert_eq!(strict(&reader), 100);
        assert_eq!(fparity.load(Ordering::SeqCst), 2, "parity re-ran");
        assert_eq!(
            fread.load(Ordering::SeqCst),
            1,
            "its value did not change: reader kept"
        );
        x.set(6);
        assert_eq!(strict(&reader), 0);
        assert_eq!(fread.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn graphs_without_inputs_stay_out_of_invalidation() {
        let plain = task(
            Op::function("input::plain"),
            (Lazy::new(1_i64),),
            |(x,): (i64,)| x,
        );
        assert!(!plain.node().is_volatile());
    }
}
