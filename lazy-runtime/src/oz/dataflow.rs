//! Dataflow variables: single-assignment cells whose readers wait until they are bound.
//!
//! This is data-driven execution (slide 5 of the Oz slides): a reader suspends until the
//! value it needs is available, whoever produces it and whenever. It is the dual of
//! [`ByNeed`](super::ByNeed), where the reader's demand starts the computation.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use super::DemandError;

/// A single-assignment variable: bound once, read by any number of threads.
///
/// Cloning a `Dataflow` clones the handle; all clones name the same variable.
/// [`get`](Self::get) blocks until some thread calls [`bind`](Self::bind);
/// [`get_timeout`](Self::get_timeout) gives up after a bounded wait. Binding a bound
/// variable is refused with a [`BindError`] that hands the rejected value back: a bound
/// value is never overwritten.
///
/// # Invariants
///
/// - The value is set at most once and never changes afterwards.
/// - Every reader blocked in `get` is woken by the bind that sets the value.
///
/// # Examples
///
/// ```
/// use std::thread;
/// use lazy_runtime::oz::Dataflow;
///
/// let x = Dataflow::new();
/// let reader = {
///     let x = x.clone();
///     thread::spawn(move || *x.get() * 2) // waits for the binding
/// };
/// x.bind(21).unwrap();
/// assert_eq!(reader.join().unwrap(), 42);
/// assert_eq!(x.bind(0).unwrap_err().into_inner(), 0); // single assignment
/// ```
pub struct Dataflow<T> {
    shared: Arc<Shared<T>>,
}

struct Shared<T> {
    value: OnceLock<T>,
    lock: Mutex<()>,
    bound: Condvar,
}

impl<T> Dataflow<T> {
    /// A fresh, unbound variable.
    ///
    /// ```
    /// use lazy_runtime::oz::Dataflow;
    ///
    /// let x: Dataflow<String> = Dataflow::new();
    /// assert!(!x.is_bound());
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self {
            shared: Arc::new(Shared {
                value: OnceLock::new(),
                lock: Mutex::new(()),
                bound: Condvar::new(),
            }),
        }
    }

    /// Binds the variable and wakes every waiting reader.
    ///
    /// # Errors
    ///
    /// If the variable is already bound; the error holds `value`, and the variable keeps
    /// its first value.
    ///
    /// ```
    /// use lazy_runtime::oz::Dataflow;
    ///
    /// let x = Dataflow::new();
    /// assert!(x.bind(1).is_ok());
    /// let error = x.bind(2).unwrap_err();
    /// assert_eq!(error.to_string(), "dataflow variable is already bound");
    /// assert_eq!(*x.get(), 1);
    /// ```
    pub fn bind(&self, value: T) -> Result<(), BindError<T>> {
        let guard = self
            .shared
            .lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let result = self
            .shared
            .value
            .set(value)
            .map_err(|value| BindError { value });
        drop(guard);
        if result.is_ok() {
            self.shared.bound.notify_all();
        }
        result
    }

    /// Reads the value, waiting as long as it takes for a bind.
    ///
    /// This blocks forever if nobody ever binds the variable; use
    /// [`get_timeout`](Self::get_timeout) when that can happen.
    ///
    /// ```
    /// use lazy_runtime::oz::Dataflow;
    ///
    /// let x = Dataflow::new();
    /// x.bind("ready").unwrap();
    /// assert_eq!(*x.get(), "ready");
    /// ```
    pub fn get(&self) -> &T {
        if let Some(value) = self.shared.value.get() {
            return value;
        }
        let mut guard = self
            .shared
            .lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(value) = self.shared.value.get() {
                return value;
            }
            guard = self
                .shared
                .bound
                .wait(guard)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Reads the value, waiting at most `timeout` for a bind.
    ///
    /// # Errors
    ///
    /// [`DemandError::is_timeout`] if the variable is still unbound after `timeout`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lazy_runtime::oz::Dataflow;
    ///
    /// let x = Dataflow::new();
    /// assert!(x.get_timeout(Duration::ZERO).is_err());
    /// x.bind(3).unwrap();
    /// assert_eq!(*x.get_timeout(Duration::ZERO).unwrap(), 3);
    /// ```
    pub fn get_timeout(&self, timeout: Duration) -> Result<&T, DemandError> {
        if let Some(value) = self.shared.value.get() {
            return Ok(value);
        }
        let deadline = Instant::now().checked_add(timeout);
        let mut guard = self
            .shared
            .lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(value) = self.shared.value.get() {
                return Ok(value);
            }
            let left = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => Duration::MAX,
            };
            if left.is_zero() {
                return Err(DemandError::timeout());
            }
            guard = self
                .shared
                .bound
                .wait_timeout(guard, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// The value if the variable is bound, without waiting.
    ///
    /// ```
    /// use lazy_runtime::oz::Dataflow;
    ///
    /// let x = Dataflow::new();
    /// assert_eq!(x.peek(), None);
    /// x.bind(8).unwrap();
    /// assert_eq!(x.peek(), Some(&8));
    /// ```
    #[must_use]
    pub fn peek(&self) -> Option<&T> {
        self.shared.value.get()
    }

    /// Whether the variable is bound.
    ///
    /// ```
    /// use lazy_runtime::oz::Dataflow;
    ///
    /// let x = Dataflow::new();
    /// x.bind(()).unwrap();
    /// assert!(x.is_bound());
    /// ```
    #[must_use]
    pub fn is_bound(&self) -> bool {
        self.shared.value.get().is_some()
    }
}

impl<T> Default for Dataflow<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> Clone for Dataflow<T> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

/// Shows the value if bound; never waits.
impl<T: fmt::Debug> fmt::Debug for Dataflow<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.peek() {
            Some(value) => f.debug_tuple("Dataflow").field(value).finish(),
            None => f.write_str("Dataflow(<unbound>)"),
        }
    }
}

/// The refusal of a second [`Dataflow::bind`]; holds the value that was not bound.
///
/// ```
/// use lazy_runtime::oz::Dataflow;
///
/// let x = Dataflow::new();
/// x.bind(vec![1]).unwrap();
/// let rejected = x.bind(vec![2]).unwrap_err();
/// assert_eq!(rejected.into_inner(), vec![2]);
/// ```
pub struct BindError<T> {
    value: T,
}

impl<T> BindError<T> {
    /// The value that the refused bind carried.
    ///
    /// ```
    /// use lazy_runtime::oz::Dataflow;
    ///
    /// let x = Dataflow::new();
    /// x.bind('a').unwrap();
    /// assert_eq!(x.bind('b').unwrap_err().into_inner(), 'b');
    /// ```
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> fmt::Debug for BindError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BindError { .. }")
    }
}

impl<T> fmt::Display for BindError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("dataflow variable is already bound")
    }
}

impl<T> std::error::Error for BindError<T> {}

#[cfg(test)]
mod tests {
    use std::thread;
    use std::time::Duration;

    use super::Dataflow;

    #[test]
    fn readers_block_until_bound() {
        let x = Dataflow::new();
        let readers: Vec<_> = (0..3)
            .map(|i| {
                let x = x.clone();
                thread::spawn(move || *x.get() + i)
            })
            .collect();
        x.bind(10).unwrap();
        let values: Vec<_> = readers.into_iter().map(|r| r.join().unwrap()).collect();
        assert_eq!(values, [10, 11, 12]);
    }

    #[test]
    fn racing_binders_bind_exactly_once() {
        let x = Dataflow::new();
        let binders: Vec<_> = (0..8)
            .map(|i| {
                let x = x.clone();
                thread::spawn(move || x.bind(i).is_ok())
            })
            .collect();
        let winners = binders
            .into_iter()
            .map(|binder| binder.join().unwrap())
            .filter(|won| *won)
            .count();
        assert_eq!(winners, 1);
        assert!(x.is_bound());
    }

    #[test]
    fn bounded_read_times_out_then_succeeds() {
        let x: Dataflow<u8> = Dataflow::new();
        assert!(
            x.get_timeout(Duration::from_millis(5))
                .unwrap_err()
                .is_timeout()
        );
        let binder = {
            let x = x.clone();
            thread::spawn(move || x.bind(9).unwrap())
        };
        // Long enough never to fire on a loaded machine; the bind wakes the reader.
        assert_eq!(*x.get_timeout(Duration::from_mins(10)).unwrap(), 9);
        binder.join().unwrap();
    }
}
