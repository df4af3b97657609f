//! The core of a stream, whose types name each other: the [`Stream`] handle and its
//! [`Link`] to a first cell, the [`Step`] a forced cell holds, the [`Cell`] and
//! [`StreamThunk`] traits, and the few methods that read a link. Every other file of the
//! stream module builds on this one.

use std::fmt;
use std::sync::{Arc, Weak};

use crate::oz::DemandError;
use crate::oz::suspension::Thunk;

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
///   reads); the only backward links, from a [`recursive`](super::recursive) stream's cells
///   to the stream itself, are weak. So there are no reference cycles and dropping every
///   handle frees every cell.
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
    pub(super) link: Link<T>,
    pub(super) anchor: Option<Anchor>,
}

/// How a handle refers to its first cell: strongly, or weakly inside a self-referential
/// stream (see [`Stream::derive`]).
pub(super) enum Link<T> {
    Strong(Arc<dyn Cell<T>>),
    Weak(Weak<dyn Cell<T>>),
}

/// A strong reference to the head of a self-referential stream, whatever its element type.
pub(super) type Anchor = Arc<dyn Keep>;

/// Anything that may be kept alive from any thread.
pub(super) trait Keep: Send + Sync {}
impl<K: Send + Sync + ?Sized> Keep for K {}

/// The value of a forced cell: the end of the stream, or an element and the rest.
pub(super) enum Step<T> {
    Nil,
    Cons(T, Stream<T>),
}

/// What a stream needs from a cell, whatever thunk type computes it.
///
/// Cells are shared through `Arc<dyn Cell<T>>`, so a cell and its thunk live in one
/// allocation whatever the thunk's type.
pub(super) trait Cell<T>: Send + Sync {
    /// Forces the cell (at most one run of its thunk, from any thread).
    fn force(&self) -> Result<&Step<T>, DemandError>;
    /// Whether the thunk has run.
    fn is_evaluated(&self) -> bool;
    /// The forced step, without forcing.
    fn peek(&self) -> Option<&Step<T>>;
    /// Takes the forced step out, for an owner that is about to free the cell.
    fn take(&mut self) -> Option<Result<Step<T>, DemandError>>;
    /// The step for the cell's only owner: computed without publishing it if the cell was
    /// not forced yet, taken out otherwise. Leaves the cell empty.
    fn run_or_take(&mut self) -> Result<Step<T>, DemandError>;
    /// For the cell's only owner: if the cell is an unforced source that can advance in
    /// place, moves its thunk out (leaving the cell empty), so that the owner can advance
    /// it without going through the shared cell at all.
    fn detach(&mut self) -> Option<Box<dyn StreamThunk<T> + Send>>;
}

/// The thunk of a stream cell.
pub(super) trait StreamThunk<T>: Thunk<Step<T>> {
    /// Produces the cell's element and becomes the thunk of the next cell, if this kind of
    /// thunk can; see [`Cell::detach`].
    fn advance(&mut self) -> Option<Result<Option<T>, DemandError>> {
        None
    }

    /// Whether [`advance`](Self::advance) works for this thunk.
    fn can_advance(&self) -> bool {
        false
    }
}

impl<T, F: FnOnce() -> Result<Step<T>, DemandError>> StreamThunk<T> for F {}

impl<T> Stream<T> {
    /// The handle to `cell`, strongly linked.
    pub(super) fn from_cell(cell: Arc<dyn Cell<T>>) -> Self {
        Self {
            link: Link::Strong(cell),
            anchor: None,
        }
    }

    /// Forces the first cell and hands `read` its element and the (derived) rest.
    ///
    /// This is the one place where a stream reads a cell, so the anchoring and weak-link
    /// rules of [`derive`](Self::derive) hold everywhere.
    pub(super) fn visit<R>(
        &self,
        read: impl FnOnce(Option<(&T, Self)>) -> R,
    ) -> Result<R, DemandError> {
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
    pub(super) fn into_step(mut self) -> Result<Step<T>, DemandError> {
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
    /// out; see [`Cell::detach`].
    pub(super) fn detach(&mut self) -> Option<Box<dyn StreamThunk<T> + Send>> {
        let Link::Strong(cell) = &mut self.link else {
            return None;
        };
        Arc::get_mut(cell)?.detach()
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
