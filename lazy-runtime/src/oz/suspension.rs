//! Suspensions: a computation run on first demand by one thread and remembered, which
//! by-need values and stream cells share.

use std::mem;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError};

use super::DemandError;

/// A value of type `V` that a thunk `F` computes on first demand.
///
/// # Invariants
///
/// - `value` is set exactly once, by the thread that took the thunk out of `state`
///   (only the computing thread binds).
/// - `state` is `Pending` until a thread takes the thunk, then `Running` with that thread's
///   token forever (or `Done` for a suspension made ready or emptied); it never goes back.
/// - Other threads wait on `value` itself ([`OnceLock::wait`]), so the uncontended path
///   takes the lock once and makes no system call.
pub(crate) struct Suspension<V, F> {
    state: Mutex<State<F>>,
    value: OnceLock<Result<V, DemandError>>,
}

enum State<F> {
    Pending(F),
    Running(usize),
    Done,
}

/// A suspended computation of a `V`: any `FnOnce() -> Result<V, DemandError>`, or a type of
/// this crate that needs more than a closure can offer (stream sources that can advance in
/// place).
pub(crate) trait Thunk<V> {
    /// Runs the computation.
    fn run(self) -> Result<V, DemandError>
    where
        Self: Sized;
}

impl<V, F: FnOnce() -> Result<V, DemandError>> Thunk<V> for F {
    fn run(self) -> Result<V, DemandError> {
        self()
    }
}

impl<V, F> Suspension<V, F>
where
    F: Thunk<V>,
{
    /// A suspension that runs `thunk` on first demand.
    pub(crate) fn new(thunk: F) -> Self {
        Self {
            state: Mutex::new(State::Pending(thunk)),
            value: OnceLock::new(),
        }
    }

    /// Forces the suspension; see [`ByNeed::try_get`].
    #[inline]
    pub(crate) fn force(&self) -> Result<&V, DemandError> {
        match self.value.get() {
            Some(result) => result.as_ref().map_err(DemandError::clone),
            None => self.force_slow(),
        }
    }

    #[cold]
    fn force_slow(&self) -> Result<&V, DemandError> {
        let me = thread_token();
        let mut state = lock(&self.state);
        match mem::replace(&mut *state, State::Running(me)) {
            State::Pending(thunk) => {
                drop(state);
                assert!(
                    self.value.set(run(thunk)).is_ok(),
                    "bug in lazy-runtime: a suspension was bound twice"
                );
            }
            State::Running(owner) => {
                *state = State::Running(owner);
                drop(state);
                // The owner cannot finish while it is here, so its own demand is a cycle.
                if owner == me && self.value.get().is_none() {
                    return Err(DemandError::cycle());
                }
            }
            State::Done => *state = State::Done,
        }
        self.value.wait().as_ref().map_err(DemandError::clone)
    }
}

impl<V, F> Suspension<V, F> {
    /// A suspension whose value is already known.
    pub(crate) fn ready(value: V) -> Self {
        Self {
            state: Mutex::new(State::Done),
            value: OnceLock::from(Ok(value)),
        }
    }

    /// The result if the thunk has run, without forcing.
    pub(crate) fn peek(&self) -> Option<Result<&V, &DemandError>> {
        self.value.get().map(Result::as_ref)
    }

    /// Takes the result out (and drops a thunk that never ran); for an owner about to free
    /// the suspension, which needs the parts to unlink them without recursion.
    pub(crate) fn take(&mut self) -> Option<Result<V, DemandError>> {
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        *state = State::Done;
        self.value.take()
    }

    /// The thunk, if it has not run; for an exclusive owner.
    pub(crate) fn pending_mut(&mut self) -> Option<&mut F> {
        match self.state.get_mut().unwrap_or_else(PoisonError::into_inner) {
            State::Pending(thunk) => Some(thunk),
            State::Running(_) | State::Done => None,
        }
    }

    /// Moves the thunk out if it has not run, leaving the suspension empty; for an
    /// exclusive owner that will run it some other way.
    pub(crate) fn take_pending(&mut self) -> Option<F> {
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        match mem::replace(state, State::Done) {
            State::Pending(thunk) => Some(thunk),
            other => {
                *state = other;
                None
            }
        }
    }

    /// The result for an exclusive owner: runs a thunk that has not run (without
    /// publishing the result, since nobody else can see this suspension) or takes the
    /// published result out. Leaves the suspension empty.
    pub(crate) fn run_or_take(&mut self) -> Result<V, DemandError>
    where
        F: Thunk<V>,
    {
        let state = self.state.get_mut().unwrap_or_else(PoisonError::into_inner);
        match mem::replace(state, State::Done) {
            State::Pending(thunk) => run(thunk),
            State::Running(_) | State::Done => self
                .value
                .take()
                .expect("bug in lazy-runtime: an exclusively owned suspension is still running"),
        }
    }
}

/// Runs a thunk, turning a panic into an error value.
fn run<V>(thunk: impl Thunk<V>) -> Result<V, DemandError> {
    panic::catch_unwind(AssertUnwindSafe(|| thunk.run()))
        .unwrap_or_else(|payload| Err(DemandError::panicked(&*payload)))
}

/// Locks a mutex that is never held while user code runs, so poisoning cannot carry a
/// meaning; a poisoned lock is used as is.
fn lock<S>(mutex: &Mutex<S>) -> MutexGuard<'_, S> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A number that identifies the calling thread among the living ones: the address of a
/// thread-local. Cheaper than `thread::current().id()`, which clones a handle.
fn thread_token() -> usize {
    thread_local!(static TOKEN: u8 = const { 0 });
    TOKEN.with(|token| std::ptr::from_ref(token).addr())
}
