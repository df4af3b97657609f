//! Graph nodes: an operation and its inputs, or a leaf value, with the state of its result.

use std::any::Any;
use std::mem;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, Weak};
use std::thread::ThreadId;
use std::time::Duration;

use crate::error::Error;
use crate::exec::Executor;
use crate::key::Key;
use crate::{stats, table};

/// A computed value, type-erased. Values are shared, never copied, between a node and the
/// tasks that read it; a task that is an input's last reader receives the only reference.
pub(crate) type Value = Arc<dyn Any + Send + Sync>;

/// What a task's function receives: the values of its strict inputs, in order, and the
/// nodes of its deferred inputs (which it may force itself, as a conditional does).
pub(crate) struct TaskInput<'a> {
    pub(crate) values: InputValues,
    pub(crate) deferred: &'a [Arc<Node>],
}

/// Values handed over in order, read once each: a task's input values, or the results of a
/// force. The first two are stored inline, so that running a task of one or two inputs
/// allocates nothing for them.
#[derive(Default)]
pub(crate) struct InputValues {
    first: [Option<Value>; 2],
    rest: Vec<Option<Value>>,
    len: usize,
    /// How many have been read.
    read: usize,
}

impl InputValues {
    pub(crate) fn push(&mut self, value: Value) {
        match self.first.get_mut(self.len) {
            Some(slot) => *slot = Some(value),
            None => self.rest.push(Some(value)),
        }
        self.len += 1;
    }

    /// How many are left to read.
    pub(crate) fn remaining(&self) -> usize {
        self.len - self.read
    }
}

impl Iterator for InputValues {
    type Item = Value;

    fn next(&mut self) -> Option<Value> {
        let i = self.read;
        if i == self.len {
            return None;
        }
        self.read += 1;
        match self.first.get_mut(i) {
            Some(slot) => slot.take(),
            None => self.rest[i - 2].take(),
        }
    }
}

impl From<Vec<Value>> for InputValues {
    fn from(values: Vec<Value>) -> InputValues {
        let mut out = InputValues::default();
        for value in values {
            out.push(value);
        }
        out
    }
}

pub(crate) type Compute = Box<dyn Fn(TaskInput<'_>) -> Value + Send + Sync>;

/// Whether two values of a node are equal, for early cut-off after an input changed.
pub(crate) type SameValue = Box<dyn Fn(&Value, &Value) -> bool + Send + Sync>;

/// Where a node's result stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// Not computed yet, or computed and released since (then `ran` is set).
    Pending,
    /// Claimed by one thread, which will store the result and wake the waiters.
    Running,
    Ready,
    Failed,
}

pub(crate) struct State {
    pub(crate) status: Status,
    /// Present exactly when `status == Ready`.
    pub(crate) value: Option<Value>,
    /// Present exactly when `status == Failed`.
    pub(crate) error: Option<Error>,
    /// Whether this node holds one claim on each of its strict inputs (one count of each
    /// input's `keep`), taken when it was built: the graph keeps the inputs' values for a
    /// force to come. The first plan that includes the task adopts these claims (see
    /// `exec::plan`); a node dropped before that gives them back.
    pub(crate) holds_claims: bool,
    /// Threads blocked in `wait_while_running`; the condvar is only signalled when non-zero.
    pub(crate) waiters: u32,
    /// Whether the task has completed at least once (a `Pending` node that ran was released).
    pub(crate) ran: bool,
    pub(crate) elapsed: Option<Duration>,
    pub(crate) executor: Option<Arc<dyn Executor>>,
    /// An input this node depends on has changed since the value was computed; the value is
    /// kept (for early cut-off) but must be verified before it is used again.
    pub(crate) stale: bool,
    /// The revision at which the value was last computed or verified.
    pub(crate) verified_at: u64,
    /// The revision when the current (or last) run started: a result is verified as of
    /// then, so that an input set during the run leaves the node stale.
    pub(crate) run_revision: u64,
    /// The thread running the task while `status == Running`.
    pub(crate) owner: Option<ThreadId>,
    /// The revision at which the value last changed.
    pub(crate) changed_at: u64,
}

impl State {
    /// Claims the node for the calling thread: it will run (or verify) the task.
    pub(crate) fn claim(&mut self) {
        self.status = Status::Running;
        self.owner = Some(current_thread());
        self.stale = false;
        self.run_revision = crate::input::revision();
    }
}

/// The calling thread's id, cached: `thread::current()` clones an `Arc` each time.
pub(crate) fn current_thread() -> ThreadId {
    thread_local! {
        static ME: ThreadId = std::thread::current().id();
    }
    ME.with(|me| *me)
}

/// A node's inputs, stored inline when there are at most two (nearly every operation), so
/// that building a node allocates once.
#[derive(Default)]
pub(crate) enum Inputs {
    #[default]
    Zero,
    One([Arc<Node>; 1]),
    Two([Arc<Node>; 2]),
    Many(Box<[Arc<Node>]>),
}

impl Inputs {
    pub(crate) fn as_slice(&self) -> &[Arc<Node>] {
        match self {
            Inputs::Zero => &[],
            Inputs::One(one) => one,
            Inputs::Two(two) => two,
            Inputs::Many(many) => many,
        }
    }

    /// Moves the inputs onto `out`, leaving none.
    fn move_into(&mut self, out: &mut Vec<Arc<Node>>) {
        match mem::take(self) {
            Inputs::Zero => {}
            Inputs::One(one) => out.extend(one),
            Inputs::Two(two) => out.extend(two),
            Inputs::Many(many) => out.extend(many),
        }
    }
}

/// What only a node over an input cell needs (see [`Node::volatile`]).
pub(crate) struct Volatile {
    /// Readers of this node, so that setting an input can invalidate them.
    pub(crate) dependents: Mutex<Vec<Weak<Node>>>,
    /// Whether two values are equal, for early cut-off.
    pub(crate) same: Option<SameValue>,
}

impl Volatile {
    pub(crate) fn new(same: Option<SameValue>) -> Volatile {
        Volatile {
            dependents: Mutex::new(Vec::new()),
            same,
        }
    }
}

/// A node of the task graph.
///
/// Invariants (checked by [`Node::check_invariants`]):
/// - children are built before parents, so the graph is acyclic and `inputs` never change;
/// - `key` depends only on the operation, literal data and the inputs' keys;
/// - `keep` counts the user-held handles plus the claims on the node: a node holding claims
///   has added exactly one to each strict input's `keep`;
/// - `value.is_some() == (status == Ready)` and `error.is_some() == (status == Failed)`,
///   except that a stale node keeps its old value while it is being verified;
/// - a volatile node is registered in the `dependents` of each of its volatile inputs;
/// - leaves (`compute == None`) are always `Ready` and never release their value;
/// - no lock is held while user code (a task's function, a value's `Drop`) runs.
pub(crate) struct Node {
    pub(crate) key: Key,
    /// The operation's name (a function's path), or a leaf's type name.
    pub(crate) name: &'static str,
    pub(crate) inputs: Inputs,
    /// The first `strict_inputs` inputs are computed before the task runs; the rest are
    /// handed to it unforced.
    pub(crate) strict_inputs: usize,
    pub(crate) compute: Option<Compute>,
    /// Whether the folding table has an entry for this node.
    pub(crate) interned: bool,
    /// Reasons to keep the value: user-held [`Lazy`](crate::Lazy) handles pointing at this
    /// node, plus consumers that have not started yet and will read it (claims). One
    /// counter for both, so that a handle moved into a new node becomes its claim without
    /// a lock or an atomic operation.
    pub(crate) keep: AtomicUsize,
    /// How many times building a node returned this one instead of a new one. Written only
    /// under the node's folding-table shard lock.
    pub(crate) folds: AtomicU32,
    /// How many times this node's task has run.
    pub(crate) runs: AtomicU32,
    pub(crate) state: Mutex<State>,
    pub(crate) done: Condvar,
    /// What the plan that last visited this node made of it: its id and the node's slot
    /// there (see `exec::plan`). A hint for the plan being built, never trusted alone.
    pub(crate) mark: AtomicU64,
    /// Present when the node depends on an input cell, directly or not: it records its
    /// dependents so that setting the input can invalidate them. Graphs without input
    /// cells pay one pointer per node.
    pub(crate) volatile: Option<Box<Volatile>>,
}

impl Node {
    /// A node with one `keep` count, for the handle its builder will make.
    fn with(key: Key, name: &'static str, interned: bool, status: Status) -> Node {
        stats::node_created();
        Node {
            key,
            name,
            inputs: Inputs::Zero,
            strict_inputs: 0,
            compute: None,
            interned,
            keep: AtomicUsize::new(1),
            folds: AtomicU32::new(0),
            runs: AtomicU32::new(0),
            state: Mutex::new(State {
                status,
                value: None,
                error: None,
                holds_claims: false,
                waiters: 0,
                ran: false,
                elapsed: None,
                executor: None,
                stale: false,
                verified_at: 0,
                run_revision: 0,
                owner: None,
                changed_at: 0,
            }),
            done: Condvar::new(),
            mark: AtomicU64::new(0),
            volatile: None,
        }
    }

    pub(crate) fn leaf(key: Key, name: &'static str, value: Value, interned: bool) -> Node {
        let mut node = Node::with(key, name, interned, Status::Ready);
        node.state
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .value = Some(value);
        node
    }

    /// A task node. Each strict input comes with one `keep` count (a handle moved in), which
    /// becomes this node's claim on it.
    pub(crate) fn task(
        key: Key,
        name: &'static str,
        inputs: Inputs,
        strict_inputs: usize,
        compute: Compute,
        interned: bool,
        volatile: Option<Box<Volatile>>,
    ) -> Node {
        let mut node = Node::with(key, name, interned, Status::Pending);
        node.inputs = inputs;
        node.strict_inputs = strict_inputs;
        node.volatile = volatile;
        node.compute = Some(compute);
        node.state
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .holds_claims = true;
        node
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
        &self.inputs.as_slice()[..self.strict_inputs]
    }

    pub(crate) fn deferred(&self) -> &[Arc<Node>] {
        &self.inputs.as_slice()[self.strict_inputs..]
    }

    pub(crate) fn is_volatile(&self) -> bool {
        self.volatile.is_some()
    }

    pub(crate) fn is_leaf(&self) -> bool {
        self.compute.is_none()
    }

    /// Takes the value out if nobody can ask for it any more: no user handle and no
    /// consumer that has yet to start. The caller drops it after unlocking.
    pub(crate) fn release_if_unneeded(&self, st: &mut State) -> Option<Value> {
        if st.status == Status::Ready && !self.is_leaf() && self.keep.load(Ordering::Acquire) == 0 {
            st.status = Status::Pending;
            st.value.take()
        } else {
            None
        }
    }

    /// Adds a reason to keep the value (a handle or a claim).
    pub(crate) fn add_keep(&self) {
        self.keep.fetch_add(1, Ordering::Relaxed);
    }

    /// Gives back one handle or claim; releases the value if that was the last reason to
    /// keep it. The lock is taken only then.
    pub(crate) fn release_keep(&self) {
        let before = self.keep.fetch_sub(1, Ordering::AcqRel);
        debug_assert!(before > 0, "keep count underflow on `{}`", self.name);
        if before == 1 {
            let released = {
                let mut st = self.lock();
                self.release_if_unneeded(&mut st)
            };
            drop(released);
        }
    }

    /// Gives back one claim on each strict input.
    pub(crate) fn release_input_claims(&self) {
        for input in self.strict() {
            input.release_keep();
        }
    }

    /// Blocks while another thread computes this node. Returns `None` instead of waiting
    /// forever when the node is being computed further down this thread's own stack (a
    /// worker lent to other tasks while it waits, by a spin task or a nested force, picked
    /// up one that needs the node it is itself computing).
    pub(crate) fn wait_while_running<'a>(
        &'a self,
        mut st: MutexGuard<'a, State>,
    ) -> Option<MutexGuard<'a, State>> {
        while st.status == Status::Running {
            if st.owner == Some(current_thread()) {
                return None;
            }
            st.waiters += 1;
            st = self.done.wait(st).unwrap_or_else(PoisonError::into_inner);
            st.waiters -= 1;
        }
        Some(st)
    }

    /// The error for a task that would wait for a node its own thread is computing.
    pub(crate) fn reentrant_error(&self) -> Error {
        Error::new(
            self.name,
            self.key,
            crate::error::ErrorKind::Panicked(String::from(
                "needed while its own thread was computing it (a task waiting on itself)",
            )),
        )
    }

    /// Stores a task's result and wakes threads waiting for it.
    pub(crate) fn finish(&self, result: Result<Value, Error>, elapsed: Duration) {
        // Early cut-off compares with the user's `PartialEq`: user code, so it runs outside
        // the lock, and a panic in it counts as "changed". Nobody else writes the value
        // while this thread owns the running node.
        // Only volatile nodes carry an equality test, so plain tasks take no extra lock here.
        let same = self.volatile.as_ref().and_then(|v| v.same.as_ref());
        let unchanged = match (same, &result) {
            (Some(same), Ok(new)) => match self.lock().value.clone() {
                Some(old) => {
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| same(&old, new)))
                        .unwrap_or(false)
                }
                None => false,
            },
            _ => false,
        };
        let dropped = self.store(result, elapsed, unchanged);
        drop(dropped);
    }

    /// Returns the values to drop once the lock is released: the one replaced, and the new
    /// one if nobody can ask for it.
    fn store(
        &self,
        result: Result<Value, Error>,
        elapsed: Duration,
        unchanged: bool,
    ) -> [Option<Value>; 2] {
        let mut st = self.lock();
        st.elapsed = Some(elapsed);
        st.ran = true;
        st.owner = None;
        let revision = crate::input::revision();
        // Verified as of the run's start: an input set since has marked the node stale
        // again, and the next force re-verifies it.
        st.verified_at = st.run_revision;
        let old = st.value.take();
        match result {
            Ok(value) => {
                // Early cut-off: a recomputed value equal to the one it replaces has not
                // changed, so readers computed from the old one need not run again.
                if !unchanged {
                    st.changed_at = revision;
                }
                st.status = Status::Ready;
                st.value = Some(value);
                st.error = None;
            }
            Err(error) => {
                st.status = Status::Failed;
                st.changed_at = revision;
                st.error = Some(error);
            }
        }
        if st.waiters > 0 {
            self.done.notify_all();
        }
        // Nobody holds or awaits this value (a conditional's branch, say): the caller has
        // its own reference to the result.
        [old, self.release_if_unneeded(&mut st)]
    }

    /// Marks a stale value as still right (none of its inputs changed) and returns it.
    pub(crate) fn revalidate(&self) -> Value {
        let mut st = self.lock();
        st.status = Status::Ready;
        st.owner = None;
        st.verified_at = st.run_revision;
        if st.waiters > 0 {
            self.done.notify_all();
        }
        st.value.clone().expect("a stale node keeps its value")
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
                self.name
            );
        }
        assert_eq!(
            st.error.is_some(),
            st.status == Status::Failed,
            "error/status of `{}`",
            self.name
        );
        if self.is_leaf() {
            assert_eq!(st.status, Status::Ready, "leaf `{}` not ready", self.name);
            assert!(
                self.inputs.as_slice().is_empty(),
                "leaf `{}` has inputs",
                self.name
            );
        }
        assert!(self.strict_inputs <= self.inputs.as_slice().len());
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        stats::node_dropped();
        if self.interned {
            table::remove(self);
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
            }
        }
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
