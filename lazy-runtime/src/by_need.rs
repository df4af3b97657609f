//! By-need values: thunks that run at most once, on first demand, from any thread.
//!
//! This is the `ByNeed` of the Oz slides (slides 26–31): creating the value only records
//! the function; the first thread that needs the value runs it, and only that thread binds
//! the result. [`Suspension`] is the shared mechanism; stream cells are suspensions too.

use std::fmt;
use std::mem;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};

use crate::stream::Error;

/// A value computed at most once, when first demanded, and shared by every holder.
///
/// Cloning a `ByNeed` clones the handle, not the value: all clones see the same
/// computation. The first [`get`](Self::get) (from any thread) runs the thunk; threads that
/// demand the value meanwhile wait for that one computation instead of starting their own.
/// A panic in the thunk is caught and handed to every demander as an [`Error`]
/// ([`try_get`](Self::try_get)) or as a panic naming it ([`get`](Self::get)); nobody hangs.
///
/// # Invariants
///
/// - The thunk runs at most once; after it ran, the value (or the error) never changes.
/// - No lock is held while the thunk runs, so a thunk may demand other by-need values.
/// - A thunk that demands its own value on the thread computing it gets an error
///   ([`Error::is_cycle`]) instead of deadlocking.
///
/// # Examples
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
/// use lazy_runtime::ByNeed;
///
/// let runs = Arc::new(AtomicUsize::new(0));
/// let counter = Arc::clone(&runs);
/// let square = ByNeed::new(move || {
///     counter.fetch_add(1, Ordering::SeqCst);
///     111 * 111
/// });
/// assert_eq!(runs.load(Ordering::SeqCst), 0); // nothing ran yet
/// assert_eq!(*square.get(), 12321);
/// assert_eq!(*square.clone().get(), 12321);
/// assert_eq!(runs.load(Ordering::SeqCst), 1); // ran once, on first demand
/// ```
pub struct ByNeed<T> {
    suspension: Arc<Suspension<T, BoxedThunk<T>>>,
}

type BoxedThunk<T> = Box<dyn FnOnce() -> Result<T, Error> + Send>;

impl<T: Send + Sync + 'static> ByNeed<T> {
    /// Records `thunk` without running it.
    ///
    /// ```
    /// use lazy_runtime::ByNeed;
    ///
    /// let value = ByNeed::new(|| "computed".to_string());
    /// assert!(!value.is_evaluated());
    /// ```
    pub fn new<F>(thunk: F) -> Self
    where
        F: FnOnce() -> T + Send + 'static,
    {
        Self {
            suspension: Arc::new(Suspension::new(Box::new(move || Ok(thunk())))),
        }
    }

    /// A by-need value that is already computed.
    ///
    /// ```
    /// use lazy_runtime::ByNeed;
    ///
    /// let value = ByNeed::ready(7);
    /// assert!(value.is_evaluated());
    /// assert_eq!(*value.get(), 7);
    /// ```
    pub fn ready(value: T) -> Self {
        Self {
            suspension: Arc::new(Suspension::ready(value)),
        }
    }
}

impl<T> ByNeed<T> {
    /// Forces the value: runs the thunk if nobody has, waits if another thread is running it.
    ///
    /// # Panics
    ///
    /// If the thunk panicked (now or in an earlier demand), with a message naming the error.
    /// Use [`try_get`](Self::try_get) to receive it as a value.
    ///
    /// ```
    /// use lazy_runtime::ByNeed;
    ///
    /// let value = ByNeed::new(|| vec![1, 2, 3]);
    /// let handle = value.clone();
    /// let total = std::thread::spawn(move || handle.get().iter().sum::<i32>()).join().unwrap();
    /// assert_eq!(total, 6);
    /// assert_eq!(value.get().len(), 3);
    /// ```
    #[must_use]
    pub fn get(&self) -> &T {
        match self.try_get() {
            Ok(value) => value,
            Err(error) => panic!("by-need value failed: {error}"),
        }
    }

    /// Forces the value, returning the thunk's panic (or a cycle) as an [`Error`].
    ///
    /// # Errors
    ///
    /// [`Error::is_panic`] if the thunk panicked, [`Error::is_cycle`] if the thunk
    /// demanded its own value.
    ///
    /// ```
    /// use lazy_runtime::ByNeed;
    ///
    /// let value = ByNeed::new(|| -> u8 { panic!("bad input") });
    /// assert!(value.try_get().is_err());
    /// assert!(value.try_get().is_err()); // the thunk does not run again
    /// ```
    pub fn try_get(&self) -> Result<&T, Error> {
        self.suspension.force()
    }

    /// The value if it has been computed, without forcing it.
    ///
    /// ```
    /// use lazy_runtime::ByNeed;
    ///
    /// let value = ByNeed::new(|| 2 + 2);
    /// assert_eq!(value.peek(), None);
    /// value.get();
    /// assert_eq!(value.peek(), Some(&4));
    /// ```
    #[must_use]
    pub fn peek(&self) -> Option<&T> {
        self.suspension.peek()?.ok()
    }

    /// Whether the thunk has run (successfully or not).
    ///
    /// ```
    /// use lazy_runtime::ByNeed;
    ///
    /// let value = ByNeed::new(|| 1);
    /// assert!(!value.is_evaluated());
    /// let _ = value.get();
    /// assert!(value.is_evaluated());
    /// ```
    #[must_use]
    pub fn is_evaluated(&self) -> bool {
        self.suspension.peek().is_some()
    }
}

impl<T> Clone for ByNeed<T> {
    fn clone(&self) -> Self {
        Self {
            suspension: Arc::clone(&self.suspension),
        }
    }
}

/// Shows the state (and the value once computed); never forces.
impl<T: fmt::Debug> fmt::Debug for ByNeed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.suspension.peek() {
            None => f.write_str("ByNeed(<pending>)"),
            Some(Ok(value)) => f.debug_tuple("ByNeed").field(value).finish(),
            Some(Err(error)) => write!(f, "ByNeed(<failed: {error}>)"),
        }
    }
}

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
    value: OnceLock<Result<V, Error>>,
}

enum State<F> {
    Pending(F),
    Running(usize),
    Done,
}

/// A suspended computation of a `V`: any `FnOnce() -> Result<V, Error>`, or a type of
/// this crate that needs more than a closure can offer (stream sources that can advance in
/// place).
pub(crate) trait Thunk<V> {
    /// Runs the computation.
    fn run(self) -> Result<V, Error>
    where
        Self: Sized;
}

impl<V, F: FnOnce() -> Result<V, Error>> Thunk<V> for F {
    fn run(self) -> Result<V, Error> {
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
    pub(crate) fn force(&self) -> Result<&V, Error> {
        match self.value.get() {
            Some(result) => result.as_ref().map_err(Error::clone),
            None => self.force_slow(),
        }
    }

    #[cold]
    fn force_slow(&self) -> Result<&V, Error> {
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
                    return Err(Error::cycle());
                }
            }
            State::Done => *state = State::Done,
        }
        self.value.wait().as_ref().map_err(Error::clone)
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
    pub(crate) fn peek(&self) -> Option<Result<&V, &Error>> {
        self.value.get().map(Result::as_ref)
    }

    /// Takes the result out (and drops a thunk that never ran); for an owner about to free
    /// the suspension, which needs the parts to unlink them without recursion.
    pub(crate) fn take(&mut self) -> Option<Result<V, Error>> {
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
    pub(crate) fn run_or_take(&mut self) -> Result<V, Error>
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
fn run<V>(thunk: impl Thunk<V>) -> Result<V, Error> {
    panic::catch_unwind(AssertUnwindSafe(|| thunk.run()))
        .unwrap_or_else(|payload| Err(Error::panicked(&*payload)))
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};
    use std::thread;

    use super::ByNeed;

    #[test]
    fn concurrent_demanders_share_one_computation() {
        let runs = Arc::new(AtomicUsize::new(0));
        let started = Arc::new(Barrier::new(2));
        let release = Arc::new(Barrier::new(2));
        let value = {
            let (runs, started, release) = (runs.clone(), started.clone(), release.clone());
            ByNeed::new(move || {
                runs.fetch_add(1, Ordering::SeqCst);
                started.wait();
                release.wait();
                42
            })
        };
        let first = {
            let value = value.clone();
            thread::spawn(move || *value.get())
        };
        started.wait(); // the first thread is inside the thunk now
        let waiters: Vec<_> = (0..4)
            .map(|_| {
                let value = value.clone();
                thread::spawn(move || *value.get())
            })
            .collect();
        release.wait();
        assert_eq!(first.join().unwrap(), 42);
        for waiter in waiters {
            assert_eq!(waiter.join().unwrap(), 42);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn panic_reaches_every_demander_as_an_error() {
        let value: ByNeed<u32> = ByNeed::new(|| panic!("kaput"));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let value = value.clone();
                thread::spawn(move || value.try_get().copied().unwrap_err().to_string())
            })
            .collect();
        for handle in handles {
            assert_eq!(handle.join().unwrap(), "thunk panicked: kaput");
        }
        let message =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| *value.get())).unwrap_err();
        let message = message.downcast_ref::<String>().unwrap();
        assert_eq!(message, "by-need value failed: thunk panicked: kaput");
    }

    #[test]
    fn self_demand_is_a_cycle_error() {
        let slot: Arc<std::sync::OnceLock<ByNeed<u32>>> = Arc::default();
        let inner = slot.clone();
        let value = ByNeed::new(move || inner.get().unwrap().try_get().map_or(0, |v| *v + 1));
        slot.set(value.clone()).unwrap();
        // The inner demand saw a cycle error and the thunk mapped it to 0.
        assert_eq!(*value.get(), 0);
    }

    #[test]
    fn debug_never_forces() {
        let value = ByNeed::new(|| 5);
        assert_eq!(format!("{value:?}"), "ByNeed(<pending>)");
        assert!(!value.is_evaluated());
        let _ = value.get();
        assert_eq!(format!("{value:?}"), "ByNeed(5)");
    }
}
