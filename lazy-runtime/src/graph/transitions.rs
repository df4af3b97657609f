//! A node's state transitions around a run: claiming it, reading an input for a reader,
//! waiting for another thread's run, and storing the result. Each holds the node's lock
//! only for plain field updates, never while user code runs.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};
use std::time::Duration;

use super::executor::Executor;
use super::memo;
use super::node::Node;
use super::persisted;
use super::revision;
use super::state::{Ran, State, Status};
use super::sync::{MutexGuard, current_thread};
use super::value::Erased;
use crate::error::{Error, ErrorKind};

/// The branch a suspended conditional waits for.
fn branch_of(st: &State) -> Arc<Node> {
    let branch = st.branch().expect("a suspended conditional has a branch");
    Arc::downcast::<Node>(branch).expect("a branch is a node")
}

/// How a run of a node begins (see [`Node::begin_run`]).
pub(crate) enum Begin {
    /// Computed already (or by another thread meanwhile): its value, if it was wanted.
    Fresh(Option<Erased>),
    /// This thread computes it further down its own stack: it cannot wait for itself. Or
    /// the run this thread waited for failed: the waiters share its error, rather than
    /// each running the failing task again in turn.
    Failed(Error),
    /// The calling thread now owns the run.
    Claimed(Claim),
    /// A conditional waiting for its branch, this node: computing the branch and resuming
    /// the conditional ([`Node::resume`]) is the caller's to do, rather than waiting for
    /// the plan the branch was added to (whose threads may be the caller).
    Suspended(Arc<Node>),
}

/// What the thread that claimed a run needs to know.
pub(crate) struct Claim {
    pub(crate) executor: Option<Arc<dyn Executor>>,
    /// For a stale value that may still be right: the revision it was verified at.
    pub(crate) verify_since: Option<u64>,
    /// Whether the node still held the claims it took on its inputs when it was built
    /// (no plan adopted them): the run now gives them back as it reads the inputs.
    pub(crate) own_claims: bool,
}

/// An input's value as a reader asks for it (see [`Node::read`]).
pub(crate) enum Read {
    /// The value and the revision at which it last changed.
    Value(Erased, u64),
    /// Not computed: it was released or invalidated since the plan was built (or the
    /// reader runs outside a plan). The reader computes it, and its claim is still held.
    Missing,
    Failed(Error),
}

impl Node {
    /// Begins a run: returns the value if the node is computed (waiting while another
    /// thread computes it), or claims the run for the calling thread. The value is handed
    /// back only if `want` is set: the value of a task nobody requested is not shared, so
    /// that its last reader can take it by move.
    pub(crate) fn begin_run(&self, want: bool) -> Begin {
        let mut st = self.lock();
        let mut waited = false;
        loop {
            match st.status {
                Status::Ready if !st.stale => {
                    return Begin::Fresh(want.then(|| st.fresh_value()));
                }
                Status::Running => match self.wait_while_running(st) {
                    Some(guard) => {
                        st = guard;
                        waited = true;
                    }
                    None => return Begin::Failed(self.reentrant_error()),
                },
                Status::Suspended => return Begin::Suspended(branch_of(&st)),
                Status::Failed if waited => {
                    return Begin::Failed(st.error.clone().expect("a failed node has an error"));
                }
                Status::Ready | Status::Pending | Status::Failed => break,
            }
        }
        // A stale value may still be right: if none of the inputs changed since it was
        // computed, it is verified without running the task. A conditional's value depends
        // on its deferred branch too, so it always runs again.
        let verify_since =
            (st.status == Status::Ready && self.deferred().is_empty()).then_some(st.verified_at);
        st.status = Status::Running;
        st.owner = Some(current_thread());
        st.stale = false;
        st.error = None;
        st.run_revision = revision::current();
        Begin::Claimed(Claim {
            executor: st.executor(),
            verify_since,
            own_claims: st.take_claims(),
        })
    }

    /// This input's value for a reader that is about to run. With `consume`, gives back
    /// the reader's claim on it (also when it failed); if that was the last reason to keep
    /// the value, it is moved out, not shared, so the reader may reuse its buffer.
    pub(crate) fn read(&self, consume: bool) -> Read {
        let mut st = self.lock();
        loop {
            match st.status {
                Status::Ready if !st.stale => {
                    let changed_at = st.changed_at;
                    if consume {
                        self.keep.fetch_sub(1, Ordering::AcqRel);
                        if let Some(offer) = self.release_if_unneeded(&mut st) {
                            drop(st);
                            // Moved to the reader; kept too if the store wants it (then
                            // the reader shares it rather than reusing its buffer).
                            if !memo::worth_keeping(offer.policy, offer.elapsed) {
                                return Read::Value(offer.value, changed_at);
                            }
                            let value = offer.value.clone();
                            memo::offer(offer, true);
                            return Read::Value(value, changed_at);
                        }
                    }
                    return Read::Value(st.fresh_value(), changed_at);
                }
                Status::Running => {
                    let Some(guard) = self.wait_while_running(st) else {
                        if consume {
                            self.release_keep();
                        }
                        return Read::Failed(self.reentrant_error());
                    };
                    st = guard;
                }
                Status::Failed => {
                    if consume {
                        // A failed node has no value to release.
                        self.keep.fetch_sub(1, Ordering::AcqRel);
                    }
                    return Read::Failed(st.error.clone().expect("a failed node has an error"));
                }
                // A suspended conditional is computed by its reader, as a missing input is:
                // its branch first, then the conditional is resumed.
                Status::Ready | Status::Pending | Status::Suspended => return Read::Missing,
            }
        }
    }

    /// Blocks while another thread computes this node. Returns `None` instead of waiting
    /// forever when the node is being computed further down this thread's own stack (a
    /// worker lent to other tasks while it waits, by a spin task or a nested force, picked
    /// up one that needs the node it is itself computing).
    fn wait_while_running<'a>(
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
    fn reentrant_error(&self) -> Error {
        Error::new(
            self.name(),
            self.key,
            ErrorKind::Panicked(String::from(
                "needed while its own thread was computing it (a task waiting on itself)",
            )),
        )
    }

    /// Suspends a conditional whose function chose `branch`: the run ends without a result,
    /// and threads waiting for it wake up to compute the branch themselves or to wait for
    /// it (see [`Begin::Suspended`]). The thread that claimed the run calls this.
    pub(crate) fn suspend(&self, branch: Arc<Node>) {
        let mut st = self.lock();
        debug_assert_eq!(st.status, Status::Running);
        st.status = Status::Suspended;
        st.owner = None;
        let branch: Erased = branch;
        st.rare_mut().branch = Some(branch);
        if st.waiters > 0 {
            self.done.notify_all();
        }
    }

    /// Resumes a suspended conditional with its branch's result, unless another thread did
    /// already (both results come from the same branch).
    pub(crate) fn resume(&self, result: Result<Erased, Error>, elapsed: Duration) {
        let branch = {
            let mut st = self.lock();
            if st.status != Status::Suspended {
                return;
            }
            st.status = Status::Running;
            st.owner = Some(current_thread());
            st.rare.as_mut().and_then(|r| r.branch.take())
        };
        drop(branch);
        self.finish(result, elapsed);
    }

    /// Notes that a fused pass computed this pending node's value chunk by chunk, for its
    /// region's head: the value was never materialised, so the node stays pending, and a
    /// picture of the graph shows it inside the region (`inspect::Graph::regions`).
    pub(crate) fn mark_fused(&self) {
        let mut st = self.lock();
        if st.status == Status::Pending {
            st.ran = Ran::InPass;
        }
    }

    /// Stores a task's result and wakes threads waiting for it.
    pub(crate) fn finish(&self, result: Result<Erased, Error>, elapsed: Duration) {
        // Early cut-off compares with the user's `PartialEq`: user code, so it runs outside
        // the lock, and a panic in it counts as "changed". Nobody else writes the value
        // while this thread owns the running node.
        // Only volatile nodes carry an equality test, so plain tasks take no extra lock here.
        let same = self.volatile.as_ref().and_then(|v| v.same.as_ref());
        let unchanged_since = match (same, &result) {
            (Some(same), Ok(new)) => self.previous_value().and_then(|(old, changed_at)| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| same(&old, new)))
                    .unwrap_or(false)
                    .then_some(changed_at)
            }),
            _ => None,
        };
        if self.volatile.is_some() && result.is_ok() {
            // The store's entry for this key is older than the value about to be stored:
            // the value released next replaces it.
            memo::forget(&self.key);
        }
        // A cached operation's value goes to disk after it is in the node, so that its
        // readers need not wait for the write.
        let to_disk = match &result {
            Ok(value) if self.op.persisted().is_some() => Some(value.clone()),
            _ => None,
        };
        let (old, released) = self.store(result, elapsed, unchanged_since);
        drop(old);
        if let Some(offer) = released {
            memo::offer(offer, false);
        }
        if let Some(value) = to_disk {
            persisted::store(self, &value, elapsed);
        }
    }

    /// The value this node had before its current run, and the revision since which it
    /// had it: kept by the node, or by the memo store once the node released it.
    fn previous_value(&self) -> Option<(Erased, u64)> {
        let kept = {
            let st = self.lock();
            st.value.clone().map(|v| (v, st.changed_at))
        };
        kept.or_else(|| memo::previous(&self.key).map(|hit| (hit.value, hit.changed_at)))
    }

    /// Returns the value replaced, to drop once the lock is released, and the new one if
    /// nobody can ask for it, to offer to the memo store. With `unchanged_since`, the new
    /// value equals the one it replaces, unchanged since that revision.
    fn store(
        &self,
        result: Result<Erased, Error>,
        elapsed: Duration,
        unchanged_since: Option<u64>,
    ) -> (Option<Erased>, Option<memo::Offer>) {
        let mut st = self.lock();
        st.elapsed = Some(elapsed);
        st.ran = Ran::Itself;
        st.owner = None;
        let revision = revision::current();
        // Verified as of the run's start: an input set since has marked the node stale
        // again, and the next force re-verifies it.
        st.verified_at = st.run_revision;
        let old = st.value.take();
        match result {
            Ok(value) => {
                // Early cut-off: a recomputed value equal to the one it replaces has not
                // changed, so readers computed from the old one need not run again.
                st.changed_at = unchanged_since.unwrap_or(revision);
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
        let released = self.release_if_unneeded(&mut st);
        (old, released)
    }

    /// Gives a pending node the value the memo store keeps for its key, if any: fresh for
    /// a node over no input cell (its value never changes), stale for one over input
    /// cells, to be verified against its inputs before use. Returns whether the node, now
    /// fresh, gave up the claims it took on its inputs when it was built (its task will
    /// not run): the caller gives them back after unlocking.
    pub(crate) fn restore_fresh(&self, st: &mut State) -> bool {
        if st.status != Status::Pending
            || self.is_leaf()
            || self.op.memo() == crate::op::Memo::Never
        {
            return false;
        }
        let Some(hit) = memo::lookup(&self.key) else {
            return false;
        };
        st.status = Status::Ready;
        st.value = Some(hit.value);
        st.elapsed = Some(hit.elapsed);
        st.changed_at = hit.changed_at;
        st.verified_at = hit.verified_at;
        st.stale = self.is_volatile();
        !st.stale && st.take_claims()
    }

    /// Locks the node, after giving a pending node the value the memo store or the program's
    /// disk cache keeps for it (see [`Node::restore_fresh`]); returns whether the node gave
    /// up the claims on its inputs, to give back after unlocking.
    ///
    /// The disk is read without the lock, so that readers of the node's state (a release, a
    /// plan of another thread) do not wait for it; two plans reading one node's value at
    /// once both read it, and the first to lock installs it.
    pub(crate) fn lock_restored(&self) -> (MutexGuard<'_, State>, bool) {
        let mut st = self.lock();
        let gave_up_claims = self.restore_fresh(&mut st);
        if st.status != Status::Pending || persisted::candidate(self).is_none() {
            return (st, gave_up_claims);
        }
        drop(st);
        let loaded = persisted::load(self);
        let mut st = self.lock();
        let Some((value, elapsed)) = loaded else {
            return (st, false);
        };
        if st.status != Status::Pending {
            return (st, false);
        }
        let revision = revision::current();
        st.status = Status::Ready;
        st.value = Some(value);
        st.elapsed = Some(elapsed);
        st.changed_at = revision;
        st.verified_at = revision;
        let gave_up_claims = st.take_claims();
        (st, gave_up_claims)
    }

    /// Marks a stale value as still right (none of its inputs changed) and returns it.
    pub(crate) fn revalidate(&self) -> Erased {
        let mut st = self.lock();
        st.status = Status::Ready;
        st.owner = None;
        st.verified_at = st.run_revision;
        if st.waiters > 0 {
            self.done.notify_all();
        }
        st.value.clone().expect("a stale node keeps its value")
    }

    /// Gives an input cell the value `replace` makes of its current one, unless it makes
    /// none (the value is unchanged). Returns the old value, to drop after unlocking, if
    /// the value changed.
    pub(crate) fn set_cell_with(
        &self,
        replace: impl FnOnce(Option<&Erased>) -> Option<Erased>,
    ) -> Option<Erased> {
        let mut st = self.lock();
        let value = replace(st.value.as_ref())?;
        let revision = revision::advance();
        st.changed_at = revision;
        st.verified_at = revision;
        st.value.replace(value)
    }

    /// The stored result, if the node has one: its value (if kept) or its error.
    pub(crate) fn result(&self) -> Option<Result<Erased, Error>> {
        let st = self.lock();
        match st.status {
            Status::Ready => st.value.clone().map(Ok),
            Status::Failed => st.error.clone().map(Err),
            _ => None,
        }
    }

    /// Drops a task's computed value, as if it had never run, and returns it to drop
    /// after unlocking: the node is computed again when it is next needed. A force across
    /// processes leaves every process with the same state this way (see `cluster`).
    pub(crate) fn forget(&self) -> Option<Erased> {
        let mut st = self.lock();
        if st.status == Status::Ready && !st.stale && !self.is_leaf() {
            st.status = Status::Pending;
            return st.value.take();
        }
        None
    }

    /// Marks the value stale; returns `false` if it was already (its dependents were
    /// marked when it became so).
    pub(crate) fn mark_stale(&self) -> bool {
        !std::mem::replace(&mut self.lock().stale, true)
    }
}
