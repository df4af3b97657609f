//! Graph nodes: an operation and its inputs, or a leaf value, with the state of its result.
//! A node owns its counters and its state transitions; other modules call its methods.

use std::mem;
use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use super::executor::Executor;
use super::inputs;
use super::memo;
use super::state::{NodeState, State, Status};
use super::sync::{AtomicU32, AtomicU64, Condvar, Mutex, MutexGuard};
use super::table::{Interned, Table};
use super::value::{Erased, InputValues};
use crate::key::Key;
use crate::op::Operation;
use crate::stats;

/// A node's inputs as its builder hands them over.
pub(crate) type Inputs = inputs::Inputs<Node>;
/// A node's inputs as the node keeps them.
pub(crate) type NodeInputs = inputs::NodeInputs<Node>;
/// What only a node over an input cell needs.
pub(crate) type Volatile = inputs::Volatile<Node>;

/// A task's function.
pub(crate) type Compute = Box<dyn Fn(TaskInput<'_>) -> Erased + Send + Sync>;

/// What a task's function receives: the values of its strict inputs, in order, and the
/// nodes of its deferred inputs (which it may force itself, as a conditional does).
pub(crate) struct TaskInput<'a> {
    pub(crate) values: InputValues,
    pub(crate) deferred: &'a [Arc<Node>],
}

/// The folding table of all interned nodes (see `table.rs`).
static TABLE: Table<Node> = Table::new();

/// A node of the task graph.
///
/// Invariants (checked by [`Node::check_invariants`]):
/// - children are built before parents, so the graph is acyclic and `inputs` never change;
/// - `key` depends only on the operation, literal data and the inputs' keys;
/// - `keep` counts the user-held handles plus the claims on the node: a node holding claims
///   has added exactly one to each strict input's `keep`;
/// - the invariants of [`State`] hold under the lock;
/// - a volatile node is registered in the `dependents` of each of its volatile inputs;
/// - leaves (`compute == None`) are always `Ready` and never release their value;
/// - no lock is held while user code (a task's function, a value's `Drop`) runs.
pub(crate) struct Node {
    pub(crate) key: Key,
    /// The operation (a function's path), or a leaf's type.
    pub(crate) op: &'static Operation,
    /// The inputs, how many of them are strict, and whether the folding table has an
    /// entry for this node.
    pub(crate) inputs: NodeInputs,
    pub(crate) compute: Option<Compute>,
    /// Reasons to keep the value: user-held [`Lazy`](crate::Lazy) handles pointing at this
    /// node, plus consumers that have not started yet and will read it (claims). One
    /// counter for both, so that a handle moved into a new node becomes its claim without
    /// a lock or an atomic operation. 32 bits, with the overflow check `Arc` makes on its
    /// own count: the 4 bytes saved put a node in a smaller allocator size class.
    pub(super) keep: AtomicU32,
    /// How many times building a node returned this one instead of a new one. Written only
    /// under the node's folding-table shard lock.
    folds: AtomicU32,
    /// How many times this node's task has run. Written only by the thread running it.
    runs: AtomicU32,
    state: Mutex<State>,
    pub(super) done: Condvar,
    /// What the plan that last visited this node made of it: its id and the node's slot
    /// there (see `exec::marks`). A hint for the plan being built, never trusted alone.
    mark: AtomicU64,
    /// Present when the node depends on an input cell, directly or not: it records its
    /// dependents so that setting the input can invalidate them. Graphs without input
    /// cells pay one pointer per node.
    pub(crate) volatile: Option<Box<Volatile>>,
}

impl Node {
    /// A node with one `keep` count, for the handle its builder will make.
    fn with(key: Key, op: &'static Operation, inputs: NodeInputs, state: State) -> Node {
        stats::node_created();
        Node {
            key,
            op,
            inputs,
            compute: None,
            keep: AtomicU32::new(1),
            folds: AtomicU32::new(0),
            runs: AtomicU32::new(0),
            state: Mutex::new(state),
            done: Condvar::new(),
            mark: AtomicU64::new(0),
            volatile: None,
        }
    }

    pub(crate) fn leaf(key: Key, op: &'static Operation, value: Erased, interned: bool) -> Node {
        let mut state = State::new(Status::Ready);
        state.value = Some(value);
        Node::with(key, op, NodeInputs::none(interned), state)
    }

    /// A leaf whose value can change ([`Input`](crate::Input)): never interned, volatile.
    pub(crate) fn input_cell(key: Key, op: &'static Operation, value: Erased) -> Node {
        let mut node = Node::leaf(key, op, value, false);
        node.volatile = Some(Box::new(Volatile::new(None)));
        node
    }

    /// A task node. Each strict input comes with one `keep` count (a handle moved in), which
    /// becomes this node's claim on it.
    pub(crate) fn task(
        key: Key,
        op: &'static Operation,
        inputs: Inputs,
        strict_inputs: usize,
        compute: Compute,
        interned: bool,
        volatile: Option<Box<Volatile>>,
    ) -> Node {
        let mut state = State::new(Status::Pending);
        state.holds_claims = true;
        let inputs = NodeInputs::new(inputs, strict_inputs, interned);
        let mut node = Node::with(key, op, inputs, state);
        node.volatile = volatile;
        node.compute = Some(compute);
        node
    }

    /// The live interned node with `key`, or the one `make` builds, with one `keep` count
    /// added for the caller's handle (see [`Table::intern`]).
    pub(crate) fn intern(key: Key, make: impl FnOnce() -> Node) -> Arc<Node> {
        TABLE.intern(key, make)
    }

    /// How many folding-table entries have `key`'s hash, live or dead.
    #[cfg(test)]
    pub(crate) fn table_entries(key: &Key) -> usize {
        TABLE.entries(key)
    }

    /// The operation's display name, or the leaf's type name.
    pub(crate) fn name(&self) -> &'static str {
        self.op.name
    }

    /// Records `node` as a reader of its volatile inputs, so that changing an input reaches it.
    pub(crate) fn register_dependent(node: &Arc<Node>) {
        if node.volatile.is_none() {
            return;
        }
        for volatile in node
            .inputs
            .as_slice()
            .iter()
            .filter_map(|i| i.volatile.as_ref())
        {
            let mut dependents = volatile
                .dependents
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            dependents.retain(|d| d.strong_count() > 0);
            dependents.push(Arc::downgrade(node));
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // User code never runs under this lock, so a poisoned lock means a bug in the
        // runtime between two plain field updates; the state is still consistent.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn strict(&self) -> &[Arc<Node>] {
        &self.inputs.as_slice()[..self.inputs.strict()]
    }

    pub(crate) fn deferred(&self) -> &[Arc<Node>] {
        &self.inputs.as_slice()[self.inputs.strict()..]
    }

    pub(crate) fn is_volatile(&self) -> bool {
        self.volatile.is_some()
    }

    /// Whether the node's function runs on an executor of its own.
    pub(crate) fn has_executor(&self) -> bool {
        self.lock().executor().is_some()
    }

    pub(crate) fn is_leaf(&self) -> bool {
        self.compute.is_none()
    }

    /// Whether the node is in the folding table (keyed by content, not by identity).
    pub(crate) fn is_interned(&self) -> bool {
        self.inputs.interned()
    }

    /// Whether the value is computed and may be used as it is.
    pub(crate) fn is_fresh(&self) -> bool {
        self.lock().is_fresh()
    }

    /// Where the value stands, for users.
    pub(crate) fn state(&self) -> NodeState {
        self.lock().public()
    }

    /// The value, if one is kept (it may be stale).
    pub(crate) fn kept_value(&self) -> Option<Erased> {
        self.lock().value.clone()
    }

    pub(crate) fn set_executor(&self, executor: Arc<dyn Executor>) {
        self.lock().rare_mut().executor = Some(executor);
    }

    /// How many times the task has run.
    pub(crate) fn runs(&self) -> u32 {
        self.runs.load(Ordering::Relaxed)
    }

    /// How many times building a node returned this one.
    pub(crate) fn folds(&self) -> u32 {
        self.folds.load(Ordering::Relaxed)
    }

    /// Counts one more fold onto this node. Called only under its folding-table shard's
    /// lock, so a plain load and store suffice, without a locked read-modify-write.
    pub(crate) fn count_fold(&self) {
        self.folds
            .store(self.folds.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }

    /// The plan mark (see `exec::marks`).
    pub(crate) fn mark(&self) -> u64 {
        self.mark.load(Ordering::Relaxed)
    }

    pub(crate) fn set_mark(&self, mark: u64) {
        self.mark.store(mark, Ordering::Relaxed);
    }

    /// Replaces the mark if it is still `seen`; otherwise returns what it is now.
    pub(crate) fn replace_mark(&self, seen: u64, mark: u64) -> Result<(), u64> {
        self.mark
            .compare_exchange(seen, mark, Ordering::Relaxed, Ordering::Relaxed)
            .map(drop)
    }

    /// Takes the value out if nobody can ask for it any more: no user handle and no
    /// consumer that has yet to start. The caller offers it to the memo store (which drops
    /// it if it keeps it not) after unlocking.
    pub(super) fn release_if_unneeded(&self, st: &mut State) -> Option<memo::Offer> {
        if st.status == Status::Ready && !self.is_leaf() && self.keep.load(Ordering::Acquire) == 0 {
            st.status = Status::Pending;
            let value = st.value.take()?;
            Some(memo::Offer {
                key: self.key,
                value,
                elapsed: st.elapsed,
                changed_at: st.changed_at,
                verified_at: st.verified_at,
                policy: self.op.memo(),
            })
        } else {
            None
        }
    }

    /// Adds a reason to keep the value (a handle or a claim).
    pub(crate) fn add_keep(&self) {
        let before = self.keep.fetch_add(1, Ordering::Relaxed);
        // As `Arc` does: two billion handles to one node are handles leaked in a loop, and
        // wrapping round would release a value still in use. Half the range is left for
        // the threads that may add one before this one aborts.
        if before > u32::MAX / 2 {
            std::process::abort();
        }
    }

    /// Gives back one handle or claim; releases the value if that was the last reason to
    /// keep it. The lock is taken only then.
    pub(crate) fn release_keep(&self) {
        let before = self.keep.fetch_sub(1, Ordering::AcqRel);
        debug_assert!(before > 0, "keep count underflow on `{}`", self.name());
        if before == 1 {
            let released = {
                let mut st = self.lock();
                self.release_if_unneeded(&mut st)
            };
            if let Some(offer) = released {
                memo::offer(offer, memo::is_taking());
            }
        }
    }

    /// Pins the node's value in the memo store, if it is computed: kept beyond every
    /// handle and the budget (see [`Lazy::persist`](crate::Lazy::persist)).
    pub(crate) fn pin(&self) -> bool {
        let fresh = {
            let st = self.lock();
            st.is_fresh()
                .then(|| (st.fresh_value(), st.changed_at, st.verified_at))
        };
        let Some((value, changed_at, verified_at)) = fresh else {
            return false;
        };
        memo::pin(self.key, value, changed_at, verified_at);
        true
    }

    /// Makes the node's pinned value an ordinary memo entry again.
    pub(crate) fn unpin(&self) -> bool {
        memo::unpin(&self.key)
    }

    /// Gives back one claim on each strict input.
    pub(crate) fn release_input_claims(&self) {
        for input in self.strict() {
            input.release_keep();
        }
    }

    /// The revision at which the value last changed.
    pub(crate) fn changed_at(&self) -> u64 {
        self.lock().changed_at
    }

    /// Counts a completed run. Only the thread running the node writes `runs`: no locked
    /// increment needed.
    pub(crate) fn count_run(&self) {
        self.runs
            .store(self.runs.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        stats::executed();
    }

    /// Checks the invariants listed on [`Node`] for this node and its strict inputs.
    #[cfg(test)]
    pub(crate) fn check_invariants(&self) {
        let st = self.lock();
        if !st.stale {
            assert_eq!(
                st.value.is_some(),
                st.status == Status::Ready,
                "value/status of `{}`",
                self.name()
            );
        }
        assert_eq!(
            st.error.is_some(),
            st.status == Status::Failed,
            "error/status of `{}`",
            self.name()
        );
        if self.is_leaf() {
            assert_eq!(st.status, Status::Ready, "leaf `{}` not ready", self.name());
            assert!(
                self.inputs.as_slice().is_empty(),
                "leaf `{}` has inputs",
                self.name()
            );
        }
        assert!(self.inputs.strict() <= self.inputs.as_slice().len());
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        stats::node_dropped();
        if self.inputs.interned() {
            TABLE.remove(self);
        }
        self.drop_input_claims();
        // Free the chain of inputs that this node was the last owner of with a loop, not
        // recursion: a million-node chain must not overflow the stack when it is dropped.
        let mut stack = Vec::new();
        self.inputs.move_into(&mut stack);
        while let Some(input) = stack.pop() {
            if let Some(mut node) = Arc::into_inner(input) {
                node.drop_input_claims();
                node.inputs.move_into(&mut stack);
                // `node` drops here with no inputs left, so its `Drop` does not recurse.
                // It has been moved out of its allocation, which its folding-table entry
                // still holds: `Table::remove` finds that entry by key, not by address.
            }
        }
    }
}

impl Interned for Node {
    fn key(&self) -> &Key {
        &self.key
    }

    fn folded(&self) {
        self.add_keep();
        self.count_fold();
    }

    fn inserted(node: &Arc<Node>) {
        Node::register_dependent(node);
    }
}

impl Node {
    fn drop_input_claims(&mut self) {
        let st = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        if mem::take(&mut st.holds_claims) {
            self.release_input_claims();
        }
    }
}

// The model checker's locks have sizes of their own.
#[cfg(all(test, not(loom)))]
mod tests {
    use std::mem::size_of;
    use std::sync::Mutex;

    use super::{Node, NodeInputs, State};

    /// A node lives in an `Arc` (two counts, 16 bytes, before it), and glibc's malloc hands
    /// out chunks of 8 bytes of header plus a multiple of 16: a node of 216 bytes takes a
    /// 240-byte chunk, one of 217 to 232 bytes a 256-byte one. The state's fields are the
    /// types its transitions use; its size is their sum.
    #[test]
    fn a_node_fits_its_allocator_size_class() {
        assert_eq!(
            size_of::<NodeInputs>(),
            24,
            "the count and flag sit in the tag's padding"
        );
        assert_eq!(size_of::<State>(), 88);
        assert_eq!(size_of::<Mutex<State>>(), 96);
        assert!(
            size_of::<Node>() <= 216,
            "a node is {} bytes",
            size_of::<Node>()
        );
    }
}
