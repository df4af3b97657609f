//! Making streams: the empty one, cells, suspensions, self-reference and generators.

use std::ops::Add;
use std::sync::{Arc, Weak};

use super::cell::{SuspendedCell, guarded};
use super::link::{Anchor, Cell, Link, Step, Stream, StreamThunk};
use crate::oz::DemandError;
use crate::oz::suspension::Thunk;

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

/// The empty stream.
impl<T: Send + Sync + 'static> Default for Stream<T> {
    fn default() -> Self {
        nil()
    }
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
/// panic in `thunk` becomes a [`DemandError`] in the stream.
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
/// `recursive(|s| s)`) yields a [`DemandError`] for which [`DemandError::is_cycle`] holds.
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
    type Thunk<T> = Box<dyn FnOnce() -> Result<Step<T>, DemandError> + Send>;
    let head: Arc<SuspendedCell<T, Thunk<T>>> =
        Arc::new_cyclic(|weak: &Weak<SuspendedCell<T, Thunk<T>>>| {
            let weak: Weak<dyn Cell<T>> = weak.clone();
            let this = Stream {
                link: Link::Weak(weak),
                anchor: None,
            };
            SuspendedCell::new(Box::new(move || define(this).into_step()) as Thunk<T>)
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
/// suspended cell holding it is dropped (this is how [`read_lines`](super::read_lines) closes its file).
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
/// An exclusive reader (see [`pull`](super::iter::pull)) that finds an unforced `Unfold` cell unshared
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

impl<S, T, F> Thunk<Step<T>> for Unfold<S, F>
where
    S: Send + 'static,
    T: Clone + Send + Sync + 'static,
    F: Fn(S) -> Option<(T, S)> + Send + Sync + 'static,
{
    fn run(self) -> Result<Step<T>, DemandError> {
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

impl<S, T, F> StreamThunk<T> for Unfold<S, F>
where
    S: Send + 'static,
    T: Clone + Send + Sync + 'static,
    F: Fn(S) -> Option<(T, S)> + Send + Sync + 'static,
{
    fn can_advance(&self) -> bool {
        true
    }

    fn advance(&mut self) -> Option<Result<Option<T>, DemandError>> {
        let state = self.state.take()?;
        let step = &*self.step;
        Some(guarded(|| Ok(step(state))).map(|next| {
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
