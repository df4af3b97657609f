//! The error value of demand-driven evaluation.

use std::any::Any;
use std::fmt;
use std::io;
use std::sync::Arc;

/// Why forcing a by-need value, a dataflow variable or a stream cell failed.
///
/// Errors are values: a thunk that panics, a read that times out or a file that cannot be
/// read becomes a `DemandError` that every demander receives, never a hang. `DemandError` is cheap to
/// clone (its payload is shared), so the same failure can be handed to each thread that
/// demands the failed cell.
///
/// # Examples
///
/// ```
/// use lazy_runtime::oz::ByNeed;
///
/// let value = ByNeed::new(|| -> u32 { panic!("no answer") });
/// let error = value.try_get().unwrap_err();
/// assert_eq!(error.to_string(), "thunk panicked: no answer");
/// ```
#[derive(Clone, Debug)]
pub struct DemandError {
    // Shared so that the error is one word: it sits in every failed or forced cell's slot.
    kind: Arc<Kind>,
}

#[derive(Debug)]
enum Kind {
    Panicked(Arc<str>),
    Cycle,
    Dropped,
    Timeout,
    Io(io::Error),
}

impl DemandError {
    /// Turns a caught panic payload into an error carrying the panic message.
    pub(crate) fn panicked(payload: &(dyn Any + Send)) -> Self {
        let message: Arc<str> = if let Some(text) = payload.downcast_ref::<&str>() {
            Arc::from(*text)
        } else if let Some(text) = payload.downcast_ref::<String>() {
            Arc::from(text.as_str())
        } else {
            Arc::from("non-string panic payload")
        };
        Self {
            kind: Arc::new(Kind::Panicked(message)),
        }
    }

    /// A thunk demanded its own value on the thread that is computing it.
    pub(crate) fn cycle() -> Self {
        Self {
            kind: Arc::new(Kind::Cycle),
        }
    }

    /// A self-referential stream was demanded after every handle to it was dropped.
    pub(crate) fn dropped() -> Self {
        Self {
            kind: Arc::new(Kind::Dropped),
        }
    }

    /// A bounded-wait read gave up.
    pub(crate) fn timeout() -> Self {
        Self {
            kind: Arc::new(Kind::Timeout),
        }
    }

    /// An I/O operation of a lazily read file failed.
    pub(crate) fn io(error: io::Error) -> Self {
        Self {
            kind: Arc::new(Kind::Io(error)),
        }
    }

    /// Whether the thunk that should have produced the value panicked.
    ///
    /// ```
    /// use lazy_runtime::oz::ByNeed;
    ///
    /// let value = ByNeed::new(|| -> u32 { panic!("boom") });
    /// assert!(value.try_get().unwrap_err().is_panic());
    /// ```
    #[must_use]
    pub fn is_panic(&self) -> bool {
        matches!(*self.kind, Kind::Panicked(_))
    }

    /// Whether a value demanded itself while it was being computed (a black hole).
    ///
    /// ```
    /// use lazy_runtime::stream::{self, Stream};
    ///
    /// // A stream whose first cell is itself: demanding it can never produce an element.
    /// let hole: Stream<u32> = stream::recursive(|this| this);
    /// assert!(hole.try_first().unwrap_err().is_cycle());
    /// ```
    #[must_use]
    pub fn is_cycle(&self) -> bool {
        matches!(*self.kind, Kind::Cycle)
    }

    /// Whether a bounded-wait read gave up before the value was bound.
    ///
    /// ```
    /// use std::time::Duration;
    /// use lazy_runtime::oz::Dataflow;
    ///
    /// let unbound: Dataflow<u32> = Dataflow::new();
    /// assert!(unbound.get_timeout(Duration::from_millis(1)).unwrap_err().is_timeout());
    /// ```
    #[must_use]
    pub fn is_timeout(&self) -> bool {
        matches!(*self.kind, Kind::Timeout)
    }

    /// The I/O error behind this error, if an I/O operation failed.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let mut lines = stream::read_lines("/this/file/does/not/exist").into_iter();
    /// let error = lines.next().unwrap().unwrap_err();
    /// assert_eq!(error.io_error().unwrap().kind(), std::io::ErrorKind::NotFound);
    /// assert!(lines.next().is_none());
    /// ```
    #[must_use]
    pub fn io_error(&self) -> Option<&io::Error> {
        match &*self.kind {
            Kind::Io(error) => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for DemandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &*self.kind {
            Kind::Panicked(message) => write!(f, "thunk panicked: {message}"),
            Kind::Cycle => f.write_str("value demanded itself while being computed"),
            Kind::Dropped => f.write_str("self-referential stream demanded after it was dropped"),
            Kind::Timeout => f.write_str("timed out waiting for a dataflow variable"),
            Kind::Io(error) => write!(f, "i/o error: {error}"),
        }
    }
}

impl std::error::Error for DemandError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.kind {
            Kind::Io(error) => Some(error),
            _ => None,
        }
    }
}
