//! Lazy streams: memoized lazy lists whose cells are computed on demand.
//!
//! A [`Stream<T>`] is either empty ([`nil`]) or an element followed by another stream
//! ([`cons`]); any cell may be *suspended* ([`lazy`]): it is computed the first time
//! someone demands it, by at most one thread, and remembered. This is the lazy list of the
//! Oz slides (`fun lazy {Generate N} N|{Generate N+1} end`), and infinite streams are
//! ordinary values:
//!
//! ```
//! use lazy_runtime::stream::{self, Stream};
//!
//! fn generate(n: u64) -> Stream<u64> {
//!     // The body runs when the cell is demanded, so the recursion is not eager.
//!     stream::lazy(move || stream::cons(n, generate(n + 1)))
//! }
//!
//! let squares = generate(0).map(|x| x * x).filter(|x| x % 2 == 1);
//! assert_eq!(squares.take(4).collect::<Vec<_>>(), [1, 9, 25, 49]);
//! ```
//!
//! # Memory rules
//!
//! - A cell is freed as soon as no handle, iterator or suspended cell refers to it.
//!   Consuming a stream (`into_iter`, [`fold`](Stream::fold), [`sum`](Stream::sum)) without
//!   keeping its head therefore runs in constant memory, however long the stream.
//! - Dropping a long evaluated stream unlinks its cells in a loop, never recursively.
//! - A self-referential stream ([`recursive`]) refers to itself through a weak link, so
//!   dropping it frees its cells. Every handle derived from it (its tails, streams mapped
//!   from it) keeps its head alive, so its evaluated cells live as long as any such handle.
//!
//! # Elements
//!
//! Elements are `Clone + Send + Sync + 'static`: cells are shared between threads (see
//! [`buffer`](Stream::buffer)) and reading an element out of a shared, memoized cell
//! clones it. Iterating a stream whose cells nobody else holds moves elements out instead.

mod buffer;
mod build;
mod cell;
mod combinators;
mod file;
mod iter;
#[cfg(test)]
mod test;

use std::fmt;
use std::sync::{Arc, Weak};

use cell::{Cell, Step, SuspendedCell};

pub use super::DemandError;
pub use build::{cons, from, from_iter, iterate, lazy, nil, recursive, repeat, unfold};
pub use file::{blocks, lines, read_blocks, read_lines};
pub use iter::{IntoIter, TryIter};
use iter::{Source, fail, pull};

/// A memoized lazy list of `T`, possibly infinite.
///
/// A `Stream` is a cheap-to-clone handle to its first cell; clones share cells, so each
/// element is computed once however many handles read it. Methods that transform a stream
/// ([`map`](Self::map), [`filter`](Self::filter), …) take it by value and return a new lazy
/// stream without forcing anything.
///
/// `Stream<T>` is `Send + Sync`, so it can be consumed on another thread or read ahead by
/// a producer thread ([`buffer`](Self::buffer)).
///
/// # Invariants
///
/// - Each cell is forced at most once; forcing a cell forces no cell after it.
/// - Strong links point forward (a cell to its tail, a suspended cell to the streams it
///   reads); the only backward links, from a [`recursive`] stream's cells to the stream
///   itself, are weak. So there are no reference cycles and dropping every handle frees
///   every cell.
/// - A handle reached through a weak link carries an *anchor*, a strong reference to the
///   head of the self-referential stream, which keeps the weakly referenced cells alive
///   for as long as the handle exists.
///
/// # Examples
///
/// ```
/// use lazy_runtime::stream;
///
/// let evens = stream::from(0_u64).filter(|n| n % 2 == 0);
/// assert_eq!(evens.clone().take(3).collect::<Vec<_>>(), [0, 2, 4]);
/// assert_eq!(evens.first(), Some(0)); // memoized: not recomputed
/// ```
pub struct Stream<T> {
    link: Link<T>,
    anchor: Option<Anchor>,
}

enum Link<T> {
    Strong(Arc<dyn Cell<T>>),
    Weak(Weak<dyn Cell<T>>),
}

/// A strong reference to the head of a self-referential stream, whatever its element type.
type Anchor = Arc<dyn Keep>;

/// Anything that may be kept alive from any thread.
trait Keep: Send + Sync {}
impl<K: Send + Sync + ?Sized> Keep for K {}

impl<T: Send + Sync + 'static> Stream<T> {
    /// A cell whose step is known.
    fn ready(step: Step<T>) -> Self {
        Self::from_cell(Arc::new(SuspendedCell::ready(step)))
    }

    /// A cell computed by `thunk` on first demand.
    fn suspend<F>(thunk: F) -> Self
    where
        F: cell::StreamThunk<T> + Send + 'static,
    {
        Self::from_cell(Arc::new(SuspendedCell::new(thunk)))
    }

    fn from_cell(cell: Arc<dyn Cell<T>>) -> Self {
        Self {
            link: Link::Strong(cell),
            anchor: None,
        }
    }
}

impl<T> Stream<T> {
    /// Forces the first cell and hands `read` its element and the (derived) rest.
    ///
    /// This is the one place where a stream reads a cell, so the anchoring and weak-link
    /// rules of [`derive`](Self::derive) hold everywhere.
    fn visit<R>(&self, read: impl FnOnce(Option<(&T, Self)>) -> R) -> Result<R, DemandError> {
        match &self.link {
            Link::Strong(cell) => Ok(read(self.parts(cell.force()?))),
            Link::Weak(weak) => {
                let cell = weak.upgrade().ok_or_else(DemandError::dropped)?;
                Ok(read(self.parts(cell.force()?)))
            }
        }
    }

    fn parts<'a>(&self, step: &'a Step<T>) -> Option<(&'a T, Self)> {
        match step {
            Step::Nil => None,
            Step::Cons(head, tail) => Some((head, self.derive(tail))),
        }
    }

    /// The handle to `stored` (a tail stored in this stream's first cell) as seen through
    /// this handle.
    ///
    /// Reached through a weak link, the tail is weak too: the cells of a self-referential
    /// stream refer to each other weakly only. The handle keeps the anchor that makes its
    /// weak links safe to follow.
    fn derive(&self, stored: &Self) -> Self {
        let link = match (&self.link, &stored.link) {
            (Link::Weak(_), Link::Strong(cell)) => Link::Weak(Arc::downgrade(cell)),
            (_, link) => link.clone(),
        };
        Self {
            link,
            anchor: stored.anchor.clone().or_else(|| self.anchor.clone()),
        }
    }

    /// The first cell if it is alive and forced, without forcing it.
    fn peek_cell(&self) -> Option<Arc<dyn Cell<T>>> {
        match &self.link {
            Link::Strong(cell) => Some(Arc::clone(cell)),
            Link::Weak(weak) => weak.upgrade(),
        }
    }

    /// Whether the first cell has been computed (successfully or not). Never forces.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let naturals = stream::from(0_u8);
    /// assert!(!naturals.is_evaluated());
    /// naturals.first();
    /// assert!(naturals.is_evaluated());
    /// ```
    #[must_use]
    pub fn is_evaluated(&self) -> bool {
        self.peek_cell().is_some_and(|cell| cell.is_evaluated())
    }
}

impl<T: Clone + Send + Sync + 'static> Stream<T> {
    /// Forces this stream's first cell and returns its step, consuming the handle.
    ///
    /// When this handle is the cell's only owner, the element is moved out and a cell that
    /// was never forced is computed without publishing its value (no other thread can see
    /// it); otherwise the memoized cell is forced and its element cloned.
    fn into_step(mut self) -> Result<Step<T>, DemandError> {
        if let Link::Strong(cell) = &mut self.link
            && let Some(cell) = Arc::get_mut(cell)
        {
            return Ok(match cell.run_or_take()? {
                Step::Cons(head, mut tail) => {
                    if tail.anchor.is_none() {
                        tail.anchor = self.anchor.take();
                    }
                    Step::Cons(head, tail)
                }
                Step::Nil => Step::Nil,
            });
        }
        self.visit(|parts| match parts {
            None => Step::Nil,
            Some((head, tail)) => Step::Cons(head.clone(), tail),
        })
    }

    /// If this handle is the only owner of an unforced source cell, moves the cell's thunk
    /// out; see [`cell::Cell::detach`].
    fn detach(&mut self) -> Option<Box<dyn cell::StreamThunk<T> + Send>> {
        let Link::Strong(cell) = &mut self.link else {
            return None;
        };
        Arc::get_mut(cell)?.detach()
    }

    /// Forces the first cell: its element and the rest of the stream, or `None` at the end.
    ///
    /// # Errors
    ///
    /// The [`DemandError`] of the first cell, if computing it failed.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let (first, rest) = stream::from(1_u8).try_split_first().unwrap().unwrap();
    /// assert_eq!(first, 1);
    /// assert_eq!(rest.first(), Some(2));
    /// ```
    pub fn try_split_first(&self) -> Result<Option<(T, Self)>, DemandError> {
        self.visit(|parts| parts.map(|(head, tail)| (head.clone(), tail)))
    }

    /// Forces the first cell; see [`try_split_first`](Self::try_split_first).
    ///
    /// # Panics
    ///
    /// If computing the first cell failed, with the [`DemandError`] in the message.
    ///
    /// ```
    /// use lazy_runtime::stream::{cons, nil};
    ///
    /// let (head, tail) = cons('a', nil()).split_first().unwrap();
    /// assert_eq!(head, 'a');
    /// assert!(tail.is_empty());
    /// ```
    #[must_use]
    pub fn split_first(&self) -> Option<(T, Self)> {
        self.try_split_first().unwrap_or_else(|error| fail(&error))
    }

    /// The first element, or `None` for the empty stream.
    ///
    /// # Errors
    ///
    /// The [`DemandError`] of the first cell, if computing it failed.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let broken = stream::lazy(|| -> stream::Stream<u8> { panic!("no data") });
    /// assert!(broken.try_first().unwrap_err().is_panic());
    /// ```
    pub fn try_first(&self) -> Result<Option<T>, DemandError> {
        self.visit(|parts| parts.map(|(head, _)| head.clone()))
    }

    /// The first element, or `None` for the empty stream.
    ///
    /// # Panics
    ///
    /// If computing the first cell failed, with the [`DemandError`] in the message.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// assert_eq!(stream::from(3_u8).first(), Some(3));
    /// ```
    #[must_use]
    pub fn first(&self) -> Option<T> {
        self.try_first().unwrap_or_else(|error| fail(&error))
    }

    /// The stream after the first element, or `None` for the empty stream.
    ///
    /// # Panics
    ///
    /// If computing the first cell failed, with the [`DemandError`] in the message.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// assert_eq!(stream::from(3_u8).tail().unwrap().first(), Some(4));
    /// ```
    #[must_use]
    pub fn tail(&self) -> Option<Self> {
        self.visit(|parts| parts.map(|(_, tail)| tail))
            .unwrap_or_else(|error| fail(&error))
    }

    /// Whether the stream is empty (forces the first cell).
    ///
    /// # Panics
    ///
    /// If computing the first cell failed, with the [`DemandError`] in the message.
    ///
    /// ```
    /// use lazy_runtime::stream::{self, Stream};
    ///
    /// assert!(stream::nil::<u8>().is_empty());
    /// assert!(!stream::from(0_u8).is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.visit(|parts| parts.is_none())
            .unwrap_or_else(|error| fail(&error))
    }

    /// An iterator over the elements that yields a failed cell's [`DemandError`] (and then ends)
    /// instead of panicking.
    ///
    /// ```
    /// use lazy_runtime::stream::{self, cons};
    ///
    /// let xs = cons(1, stream::lazy(|| -> stream::Stream<i32> { panic!("cut") }));
    /// let items: Vec<_> = xs.try_iter().collect();
    /// assert_eq!(items[0].as_ref().unwrap(), &1);
    /// assert!(items[1].as_ref().unwrap_err().is_panic());
    /// assert_eq!(items.len(), 2);
    /// ```
    #[must_use]
    pub fn try_iter(self) -> TryIter<T> {
        TryIter {
            rest: Some(Source::Stream(self)),
        }
    }

    /// An iterator over the elements of a clone of this handle; the stream keeps its cells
    /// (and memoized elements) while `self` lives.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let xs = stream::from(0_u32).take(3);
    /// assert_eq!(xs.iter().sum::<u32>(), 3);
    /// assert_eq!(xs.iter().count(), 3);
    /// ```
    #[must_use]
    pub fn iter(&self) -> IntoIter<T> {
        self.clone().into_iter()
    }
}

impl<T> Clone for Stream<T> {
    fn clone(&self) -> Self {
        Self {
            link: self.link.clone(),
            anchor: self.anchor.clone(),
        }
    }
}

impl<T> Clone for Link<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Strong(cell) => Self::Strong(Arc::clone(cell)),
            Self::Weak(weak) => Self::Weak(Weak::clone(weak)),
        }
    }
}

/// The empty stream.
impl<T: Send + Sync + 'static> Default for Stream<T> {
    fn default() -> Self {
        nil()
    }
}

/// Shows the evaluated prefix (at most eight elements) and never forces a cell:
/// `Stream[1, 2, ..]` has two evaluated elements and more not yet computed.
impl<T: fmt::Debug> fmt::Debug for Stream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 8;
        f.write_str("Stream[")?;
        let mut cell = self.peek_cell();
        let mut shown = 0;
        while let Some(current) = cell.take() {
            let separator = if shown > 0 { ", " } else { "" };
            let Some(step) = current.peek() else {
                let state = if current.is_evaluated() {
                    "<failed>"
                } else {
                    ".."
                };
                write!(f, "{separator}{state}")?;
                break;
            };
            let Step::Cons(head, tail) = step else {
                break;
            };
            if shown == SHOWN {
                write!(f, "{separator}..")?;
                break;
            }
            write!(f, "{separator}{head:?}")?;
            shown += 1;
            cell = tail.peek_cell();
        }
        f.write_str("]")
    }
}
