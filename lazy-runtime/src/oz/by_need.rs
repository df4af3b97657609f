//! By-need values: thunks that run at most once, on first demand, from any thread.
//!
//! This is the `ByNeed` of the Oz slides (slides 26–31): creating the value only records
//! the function; the first thread that needs the value runs it, and only that thread binds
//! the result. [`Suspension`] is the shared mechanism; stream cells are suspensions too.

use std::fmt;
use std::sync::Arc;

use super::DemandError;
use super::suspension::Suspension;

/// A value computed at most once, when first demanded, and shared by every holder.
///
/// Cloning a `ByNeed` clones the handle, not the value: all clones see the same
/// computation. The first [`get`](Self::get) (from any thread) runs the thunk; threads that
/// demand the value meanwhile wait for that one computation instead of starting their own.
/// A panic in the thunk is caught and handed to every demander as a [`DemandError`]
/// ([`try_get`](Self::try_get)) or as a panic naming it ([`get`](Self::get)); nobody hangs.
///
/// # Invariants
///
/// - The thunk runs at most once; after it ran, the value (or the error) never changes.
/// - No lock is held while the thunk runs, so a thunk may demand other by-need values.
/// - A thunk that demands its own value on the thread computing it gets an error
///   ([`DemandError::is_cycle`]) instead of deadlocking.
///
/// # Examples
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
/// use lazy_runtime::oz::ByNeed;
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

type BoxedThunk<T> = Box<dyn FnOnce() -> Result<T, DemandError> + Send>;

impl<T: Send + Sync + 'static> ByNeed<T> {
    /// Records `thunk` without running it.
    ///
    /// ```
    /// use lazy_runtime::oz::ByNeed;
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
    /// use lazy_runtime::oz::ByNeed;
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
    /// use lazy_runtime::oz::ByNeed;
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

    /// Forces the value, returning the thunk's panic (or a cycle) as a [`DemandError`].
    ///
    /// # Errors
    ///
    /// [`DemandError::is_panic`] if the thunk panicked, [`DemandError::is_cycle`] if the thunk
    /// demanded its own value.
    ///
    /// ```
    /// use lazy_runtime::oz::ByNeed;
    ///
    /// let value = ByNeed::new(|| -> u8 { panic!("bad input") });
    /// assert!(value.try_get().is_err());
    /// assert!(value.try_get().is_err()); // the thunk does not run again
    /// ```
    pub fn try_get(&self) -> Result<&T, DemandError> {
        self.suspension.force()
    }

    /// The value if it has been computed, without forcing it.
    ///
    /// ```
    /// use lazy_runtime::oz::ByNeed;
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
    /// use lazy_runtime::oz::ByNeed;
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
