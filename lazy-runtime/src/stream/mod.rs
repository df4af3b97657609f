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
mod cell;
mod combinators;
mod error;
mod file;
#[cfg(test)]
mod test;

use std::fmt;
use std::ops::Add;
use std::sync::{Arc, Weak};

use cell::{Cell, Node, Step};

pub use error::Error;
pub use file::{blocks, lines, read_blocks, read_lines};

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

/// The empty stream.
///
/// ```
/// use lazy_runtime::stream::{self, Stream};
///
/// let empty: Stream<u8> = stream::nil();
/// assert!(empty.is_empty());
/// ```
#[must_use]
pub fn nil<T: Send + Sync + 'static>() -> Stream<T> {
    Stream::ready(Step::Nil)
}

/// The stream whose first element is `head` and whose rest is `tail`.
///
/// `tail` is not forced: pass a suspended stream (for instance from [`lazy`]) to build an
/// infinite stream.
///
/// ```
/// use lazy_runtime::stream::{self, cons, nil};
///
/// let xs = cons(1, cons(2, nil()));
/// assert_eq!(xs.collect::<Vec<_>>(), [1, 2]);
/// ```
pub fn cons<T: Send + Sync + 'static>(head: T, tail: Stream<T>) -> Stream<T> {
    Stream::ready(Step::Cons(head, tail))
}

/// A suspended stream: `thunk` runs the first time the stream is demanded, then its result
/// is remembered.
///
/// This is Oz's `fun lazy`: a producer written as `lazy(move || cons(n, generate(n + 1)))`
/// returns at once, and each call to `generate` happens only when its cell is demanded. A
/// panic in `thunk` becomes an [`Error`] in the stream.
///
/// ```
/// use lazy_runtime::stream::{self, Stream};
///
/// fn countdown(n: u32) -> Stream<u32> {
///     stream::lazy(move || if n == 0 { stream::nil() } else { stream::cons(n, countdown(n - 1)) })
/// }
/// assert_eq!(countdown(3).collect::<Vec<_>>(), [3, 2, 1]);
/// ```
pub fn lazy<T, F>(thunk: F) -> Stream<T>
where
    T: Clone + Send + Sync + 'static,
    F: FnOnce() -> Stream<T> + Send + 'static,
{
    Stream::suspend(move || thunk().into_step())
}

/// A stream defined in terms of itself, as in `ones = 1 | ones`.
///
/// `define` receives the stream being defined and returns its definition; it runs when the
/// stream is first demanded. The stream it receives is a weak reference, so the definition
/// does not keep itself alive: dropping every handle to the result frees all its cells.
/// Handles derived from the result (its tails, streams computed from it) keep it alive.
///
/// A definition that demands its own first element before producing one (such as
/// `recursive(|s| s)`) yields an [`Error`] for which [`Error::is_cycle`] holds.
///
/// ```
/// use lazy_runtime::stream::{self, cons};
///
/// let ones = stream::recursive(|ones| cons(1, ones));
/// assert_eq!(ones.take(3).collect::<Vec<_>>(), [1, 1, 1]);
///
/// // xs = 1 | map(xs, +1): the naturals from 1.
/// let xs = stream::recursive(|xs| cons(1_u32, xs.map(|x| x + 1)));
/// assert_eq!(xs.take(4).collect::<Vec<_>>(), [1, 2, 3, 4]);
/// ```
pub fn recursive<T, F>(define: F) -> Stream<T>
where
    T: Clone + Send + Sync + 'static,
    F: FnOnce(Stream<T>) -> Stream<T> + Send + 'static,
{
    type Thunk<T> = Box<dyn FnOnce() -> Result<Step<T>, Error> + Send>;
    let head: Arc<Node<T, Thunk<T>>> = Arc::new_cyclic(|weak: &Weak<Node<T, Thunk<T>>>| {
        let weak: Weak<dyn Cell<T>> = weak.clone();
        let this = Stream {
            link: Link::Weak(weak),
            anchor: None,
        };
        Node::new(Box::new(move || define(this).into_step()) as Thunk<T>)
    });
    let anchor: Anchor = head.clone();
    Stream {
        link: Link::Strong(head),
        anchor: Some(anchor),
    }
}

/// The integers from `start` on: `start, start + 1, start + 2, …` (Oz's `IntsFrom`).
///
/// ```
/// use lazy_runtime::stream;
///
/// assert_eq!(stream::from(5_i32).take(3).collect::<Vec<_>>(), [5, 6, 7]);
/// ```
pub fn from<T>(start: T) -> Stream<T>
where
    T: Clone + Add<Output = T> + From<u8> + Send + Sync + 'static,
{
    unfold(start, |n: T| {
        let next = n.clone() + T::from(1);
        Some((n, next))
    })
}

/// The stream that repeats `value` forever, in a single cell that refers to itself.
///
/// ```
/// use lazy_runtime::stream;
///
/// assert_eq!(stream::repeat('z').take(2).collect::<String>(), "zz");
/// ```
pub fn repeat<T: Clone + Send + Sync + 'static>(value: T) -> Stream<T> {
    recursive(move |this| cons(value, this))
}

/// `seed, next(&seed), next(&next(&seed)), …`, each element computed on demand.
///
/// ```
/// use lazy_runtime::stream;
///
/// let powers = stream::iterate(1_u64, |x| x * 2);
/// assert_eq!(powers.take(5).collect::<Vec<_>>(), [1, 2, 4, 8, 16]);
/// ```
pub fn iterate<T, F>(seed: T, next: F) -> Stream<T>
where
    T: Clone + Send + Sync + 'static,
    F: Fn(&T) -> T + Send + Sync + 'static,
{
    fn go<T, F>(previous: T, next: Arc<F>) -> Stream<T>
    where
        T: Clone + Send + Sync + 'static,
        F: Fn(&T) -> T + Send + Sync + 'static,
    {
        Stream::suspend(move || {
            let value = next(&previous);
            Ok(Step::Cons(value.clone(), go(value, next)))
        })
    }
    cons(seed.clone(), go(seed, Arc::new(next)))
}

/// A stream built by repeatedly applying `step` to a state: each demanded cell runs `step`
/// once, which returns the element and the next state, or `None` to end the stream.
///
/// The state moves from cell to cell: it is dropped when the stream ends or when the
/// suspended cell holding it is dropped (this is how [`read_lines`] closes its file).
///
/// ```
/// use lazy_runtime::stream;
///
/// let fibonacci = stream::unfold((0_u64, 1_u64), |(a, b)| Some((a, (b, a + b))));
/// assert_eq!(fibonacci.take(7).collect::<Vec<_>>(), [0, 1, 1, 2, 3, 5, 8]);
/// ```
pub fn unfold<S, T, F>(state: S, step: F) -> Stream<T>
where
    S: Send + 'static,
    T: Clone + Send + Sync + 'static,
    F: Fn(S) -> Option<(T, S)> + Send + Sync + 'static,
{
    Unfold {
        state: Some(state),
        step: Arc::new(step),
    }
    .into_stream()
}

/// The thunk of an [`unfold`] cell: the state and the shared step function.
///
/// An exclusive reader (see [`pull`]) that finds an unforced `Unfold` cell unshared
/// detaches this thunk from the cell and advances it in place, one element per call,
/// instead of allocating a cell per element: nobody else can see the cell, so this is
/// indistinguishable from walking the cells, and it makes consuming a generated stream
/// allocation-free.
struct Unfold<S, F> {
    /// `None` once the step function ended the stream, failed, or the state moved on.
    state: Option<S>,
    step: Arc<F>,
}

impl<S, T, F> Unfold<S, F>
where
    S: Send + 'static,
    T: Clone + Send + Sync + 'static,
    F: Fn(S) -> Option<(T, S)> + Send + Sync + 'static,
{
    fn into_stream(self) -> Stream<T> {
        Stream::suspend(self)
    }
}

impl<S, T, F> crate::by_need::Thunk<Step<T>> for Unfold<S, F>
where
    S: Send + 'static,
    T: Clone + Send + Sync + 'static,
    F: Fn(S) -> Option<(T, S)> + Send + Sync + 'static,
{
    fn run(self) -> Result<Step<T>, Error> {
        let Some(state) = self.state else {
            return Ok(Step::Nil);
        };
        Ok(match (self.step)(state) {
            Some((value, state)) => {
                let rest = Self {
                    state: Some(state),
                    step: self.step,
                };
                Step::Cons(value, rest.into_stream())
            }
            None => Step::Nil,
        })
    }
}

impl<S, T, F> cell::StreamThunk<T> for Unfold<S, F>
where
    S: Send + 'static,
    T: Clone + Send + Sync + 'static,
    F: Fn(S) -> Option<(T, S)> + Send + Sync + 'static,
{
    fn can_advance(&self) -> bool {
        true
    }

    fn advance(&mut self) -> Option<Result<Option<T>, Error>> {
        let state = self.state.take()?;
        let step = &*self.step;
        Some(cell::guarded(|| Ok(step(state))).map(|next| {
            next.map(|(value, state)| {
                self.state = Some(state);
                value
            })
        }))
    }
}

/// A stream that pulls from `iterable` lazily, one element per demanded cell.
///
/// Unlike [`collect`](Iterator::collect) into a `Stream` (which drains the iterator at
/// once), this works for infinite iterators.
///
/// ```
/// use lazy_runtime::stream;
///
/// let odd = stream::from_iter((1_u32..).step_by(2));
/// assert_eq!(odd.take(3).collect::<Vec<_>>(), [1, 3, 5]);
/// ```
pub fn from_iter<I>(iterable: I) -> Stream<I::Item>
where
    I: IntoIterator,
    I::IntoIter: Send + 'static,
    I::Item: Clone + Send + Sync + 'static,
{
    unfold(iterable.into_iter(), |mut iterator| {
        iterator.next().map(|item| (item, iterator))
    })
}

impl<T: Send + Sync + 'static> Stream<T> {
    /// A cell whose step is known.
    fn ready(step: Step<T>) -> Self {
        Self::from_cell(Arc::new(Node::ready(step)))
    }

    /// A cell computed by `thunk` on first demand.
    fn suspend<F>(thunk: F) -> Self
    where
        F: cell::StreamThunk<T> + Send + 'static,
    {
        Self::from_cell(Arc::new(Node::new(thunk)))
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
    fn visit<R>(&self, read: impl FnOnce(Option<(&T, Self)>) -> R) -> Result<R, Error> {
        match &self.link {
            Link::Strong(cell) => Ok(read(self.parts(cell.force()?))),
            Link::Weak(weak) => {
                let cell = weak.upgrade().ok_or_else(Error::dropped)?;
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
    fn into_step(mut self) -> Result<Step<T>, Error> {
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
    /// The [`Error`] of the first cell, if computing it failed.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let (first, rest) = stream::from(1_u8).try_split_first().unwrap().unwrap();
    /// assert_eq!(first, 1);
    /// assert_eq!(rest.first(), Some(2));
    /// ```
    pub fn try_split_first(&self) -> Result<Option<(T, Self)>, Error> {
        self.visit(|parts| parts.map(|(head, tail)| (head.clone(), tail)))
    }

    /// Forces the first cell; see [`try_split_first`](Self::try_split_first).
    ///
    /// # Panics
    ///
    /// If computing the first cell failed, with the [`Error`] in the message.
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
    /// The [`Error`] of the first cell, if computing it failed.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let broken = stream::lazy(|| -> stream::Stream<u8> { panic!("no data") });
    /// assert!(broken.try_first().unwrap_err().is_panic());
    /// ```
    pub fn try_first(&self) -> Result<Option<T>, Error> {
        self.visit(|parts| parts.map(|(head, _)| head.clone()))
    }

    /// The first element, or `None` for the empty stream.
    ///
    /// # Panics
    ///
    /// If computing the first cell failed, with the [`Error`] in the message.
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
    /// If computing the first cell failed, with the [`Error`] in the message.
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
    /// If computing the first cell failed, with the [`Error`] in the message.
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

    /// An iterator over the elements that yields a failed cell's [`Error`] (and then ends)
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

/// An exclusively owned read position in a stream: a handle, or the detached thunk of an
/// unshared source cell, which is advanced without touching any shared cell.
enum Source<T> {
    Stream(Stream<T>),
    Detached(Box<dyn cell::StreamThunk<T> + Send>),
}

impl<T> From<Stream<T>> for Source<T> {
    fn from(stream: Stream<T>) -> Self {
        Self::Stream(stream)
    }
}

/// Takes the next element of an owned source and moves `source` past it (`None` once it
/// ended or failed).
///
/// An unshared source cell that can advance in place is detached from its `Arc` on the
/// first pull and advanced directly from then on (no atomics, no allocation per element);
/// otherwise the element is moved out of an unshared cell or cloned out of a shared,
/// memoized one.
fn pull<T: Clone + Send + Sync + 'static>(
    source: &mut Option<Source<T>>,
) -> Result<Option<T>, Error> {
    if let Some(Source::Stream(stream)) = source
        && let Some(detached) = stream.detach()
    {
        *source = Some(Source::Detached(detached));
    }
    let next = match source.take() {
        None => return Ok(None),
        Some(Source::Detached(mut thunk)) => {
            let head = thunk
                .advance()
                .expect("bug in lazy-runtime: a detached thunk must advance")?;
            if head.is_some() {
                *source = Some(Source::Detached(thunk));
            }
            return Ok(head);
        }
        Some(Source::Stream(stream)) => stream.into_step()?,
    };
    Ok(match next {
        Step::Nil => None,
        Step::Cons(head, tail) => {
            *source = Some(Source::Stream(tail));
            Some(head)
        }
    })
}

#[cold]
#[track_caller]
fn fail(error: &Error) -> ! {
    panic!("stream cell failed: {error}")
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

/// Collects the items eagerly (the iterator is drained at once); use [`from_iter`] for a
/// stream that pulls lazily.
///
/// ```
/// use lazy_runtime::stream::Stream;
///
/// let xs: Stream<char> = "abc".chars().collect();
/// assert_eq!(xs.collect::<String>(), "abc");
/// ```
impl<T: Send + Sync + 'static> FromIterator<T> for Stream<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iterable: I) -> Self {
        let items: Vec<T> = iterable.into_iter().collect();
        items
            .into_iter()
            .rev()
            .fold(nil(), |tail, head| cons(head, tail))
    }
}

impl<T: Clone + Send + Sync + 'static> IntoIterator for Stream<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;

    /// Iterates the elements; cells behind the iterator are freed as it advances unless
    /// another handle holds them.
    fn into_iter(self) -> IntoIter<T> {
        IntoIter {
            inner: self.try_iter(),
        }
    }
}

impl<T: Clone + Send + Sync + 'static> IntoIterator for &Stream<T> {
    type Item = T;
    type IntoIter = IntoIter<T>;

    fn into_iter(self) -> IntoIter<T> {
        self.iter()
    }
}

/// An iterator over a stream's elements; see [`Stream::into_iter`].
///
/// # Panics
///
/// `next` panics if a cell failed (its thunk panicked, say); use [`Stream::try_iter`] to
/// receive the [`Error`] as an item.
pub struct IntoIter<T> {
    inner: TryIter<T>,
}

impl<T: Clone + Send + Sync + 'static> Iterator for IntoIter<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.inner
            .next()
            .map(|item| item.unwrap_or_else(|error| fail(&error)))
    }
}

impl<T> fmt::Debug for IntoIter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntoIter").finish_non_exhaustive()
    }
}

/// An iterator over a stream's elements that yields errors as items; see
/// [`Stream::try_iter`].
pub struct TryIter<T> {
    rest: Option<Source<T>>,
}

impl<T: Clone + Send + Sync + 'static> Iterator for TryIter<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        pull(&mut self.rest).transpose()
    }
}

impl<T> fmt::Debug for TryIter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryIter").finish_non_exhaustive()
    }
}
