//! Where a node's result stands: the state behind each node's lock.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::executor::Executor;
use super::sync::ThreadId;
use super::value::Erased;
use crate::error::Error;

/// Where a node's result stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Status {
    /// Not computed yet, or computed and released since (then `ran` is set).
    Pending,
    /// Claimed by one thread, which will store the result and wake the waiters.
    Running,
    /// A conditional whose function has run and chosen its branch: the result is the
    /// branch's value, stored by whoever resumes it once the branch is computed (the plan
    /// the branch was added to, or a thread that needs the value first and computes the
    /// branch itself). Nobody owns it meanwhile, so nobody waits for it.
    Suspended,
    Ready,
    Failed,
}

/// The state of a node's result, written only through the methods of
/// [`Node`](super::Node) and of this type.
///
/// Invariants: `value.is_some() == (status == Ready)`, except that a stale node keeps its
/// old value while it is being verified; `error.is_some() == (status == Failed)`;
/// `owner.is_some() == (status == Running)`; a branch is set only while `Suspended`.
/// How a node's value was last computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ran {
    /// Never.
    Never,
    /// By the node's own task.
    Itself,
    /// Chunk by chunk inside a fused pass, for its region's head: never materialised.
    InPass,
}

pub(crate) struct State {
    pub(super) status: Status,
    pub(super) value: Option<Erased>,
    pub(super) error: Option<Error>,
    /// Whether this node holds one claim on each of its strict inputs (one count of each
    /// input's `keep`), taken when it was built: the graph keeps the inputs' values for a
    /// force to come. The first plan that includes the task adopts these claims (see
    /// `exec::plan`); a node dropped before that gives them back.
    pub(super) holds_claims: bool,
    /// Threads blocked in `wait_while_running`; the condvar is only signalled when non-zero.
    pub(super) waiters: u32,
    /// How the value was last computed, if ever: a `Pending` node whose task ran was
    /// released.
    pub(super) ran: Ran,
    pub(super) elapsed: Option<Duration>,
    /// What few nodes have: an executor, a branch being waited for. One pointer for both
    /// keeps the node in its allocator size class.
    pub(super) rare: Option<Box<Rare>>,
    /// An input this node depends on has changed since the value was computed; the value is
    /// kept (for early cut-off) but must be verified before it is used again.
    pub(super) stale: bool,
    /// The revision at which the value was last computed or verified.
    pub(super) verified_at: u64,
    /// The revision when the current (or last) run started: a result is verified as of
    /// then, so that an input set during the run leaves the node stale.
    pub(super) run_revision: u64,
    /// The thread running the task while `status == Running`.
    pub(super) owner: Option<ThreadId>,
    /// The revision at which the value last changed.
    pub(super) changed_at: u64,
}

impl State {
    pub(super) fn new(status: Status) -> State {
        State {
            status,
            value: None,
            error: None,
            holds_claims: false,
            waiters: 0,
            ran: Ran::Never,
            elapsed: None,
            rare: None,
            stale: false,
            verified_at: 0,
            run_revision: 0,
            owner: None,
            changed_at: 0,
        }
    }

    /// Whether the value is computed and may be used as it is: ready and not stale.
    pub(crate) fn is_fresh(&self) -> bool {
        self.status == Status::Ready && !self.stale
    }

    /// Whether a force must compute (or verify) the node: pending, or ready but stale.
    pub(crate) fn is_missing(&self) -> bool {
        self.status == Status::Pending || (self.status == Status::Ready && self.stale)
    }

    pub(crate) fn status(&self) -> Status {
        self.status
    }

    /// A fresh node's value.
    pub(crate) fn fresh_value(&self) -> Erased {
        debug_assert!(self.is_fresh());
        self.value.clone().expect("a ready node has a value")
    }

    /// Takes over the claims the node took on its inputs when it was built, if it still
    /// holds them: the caller gives them back when its run reads the inputs.
    pub(crate) fn take_claims(&mut self) -> bool {
        std::mem::take(&mut self.holds_claims)
    }

    /// The executor the node's function runs on, if it was given one.
    pub(super) fn executor(&self) -> Option<Arc<dyn Executor>> {
        self.rare.as_ref().and_then(|r| r.executor.clone())
    }

    pub(super) fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// The branch a suspended conditional waits for (an `Arc<Node>`, erased: the node type
    /// lives a layer above the state).
    pub(super) fn branch(&self) -> Option<Erased> {
        self.rare.as_ref().and_then(|r| r.branch.clone())
    }

    /// What a user sees of this state.
    pub(crate) fn public(&self) -> NodeState {
        match self.status {
            Status::Pending if self.ran == Ran::Itself => NodeState::Released,
            Status::Pending => NodeState::Pending,
            Status::Running | Status::Suspended => NodeState::Running,
            Status::Ready if self.stale => NodeState::Invalidated,
            Status::Ready => NodeState::Ready,
            Status::Failed => NodeState::Failed,
        }
    }

    pub(crate) fn elapsed(&self) -> Option<Duration> {
        self.elapsed
    }

    /// Whether the value was last computed inside a fused pass (see [`Ran::InPass`]).
    pub(crate) fn fused(&self) -> bool {
        self.ran == Ran::InPass
    }
}

/// The fields of a [`State`] that few nodes use.
#[derive(Default)]
pub(crate) struct Rare {
    pub(super) executor: Option<Arc<dyn Executor>>,
    pub(super) branch: Option<Erased>,
}

/// Where a node's value stands. Reading it never computes anything.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeState {
    /// Not computed yet.
    Pending,
    /// Being computed now.
    Running,
    /// Computed and kept.
    Ready,
    /// Its task (or one it depends on) panicked; forcing it again retries.
    Failed,
    /// Computed once, then released because nothing could ask for it; forcing it again
    /// recomputes it.
    Released,
    /// Computed, but an input cell it depends on has changed since; forcing it verifies
    /// or recomputes it.
    Invalidated,
}

impl fmt::Display for NodeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NodeState::Pending => "pending",
            NodeState::Running => "running",
            NodeState::Ready => "ready",
            NodeState::Failed => "failed",
            NodeState::Released => "released",
            NodeState::Invalidated => "invalidated",
        })
    }
}
