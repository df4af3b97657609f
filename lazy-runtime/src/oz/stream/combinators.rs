//! Transformations and reductions of streams. Transformations are lazy: they build
//! suspended cells and force nothing until their result is demanded.

use std::iter::Sum;
use std::sync::Arc;

use super::build::{cons, nil};
use super::cell::guarded;
use super::iter::{Source, pull};
use super::link::{Step, Stream, StreamThunk};
use crate::oz::DemandError;
use crate::oz::suspension::Thunk;

impl<T: Clone + Send + Sync + 'static> Stream<T> {
    /// The stream of `f(x)` for each element `x`, computed on demand (Oz's `LMap`).
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let squares = stream::from(1_u32).map(|x| x * x);
    /// assert_eq!(squares.take(4).collect::<Vec<_>>(), [1, 4, 9, 16]);
    /// ```
    pub fn map<U, F>(self, f: F) -> Stream<U>
    where
        U: Clone + Send + Sync + 'static,
        F: Fn(&T) -> U + Send + Sync + 'static,
    {
        map(self, Arc::new(f))
    }

    /// The elements for which `keep` holds, in order (Oz's `LFilter`).
    ///
    /// Demanding a cell of the result forces the source until the next kept element, so
    /// filtering an infinite stream that never again satisfies `keep` does not terminate.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let odd = stream::from(0_u32).filter(|x| x % 2 == 1);
    /// assert_eq!(odd.take(3).collect::<Vec<_>>(), [1, 3, 5]);
    /// ```
    #[must_use]
    pub fn filter<P>(self, keep: P) -> Self
    where
        P: Fn(&T) -> bool + Send + Sync + 'static,
    {
        filter(self, Arc::new(keep))
    }

    /// The concatenation of the streams `f(x)` for each element `x` (Oz's
    /// `LFlatten`∘`LMap`); the building block of comprehensions.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// // [x * y | x <- 1..=3, y <- 1..=x]
    /// let products = stream::from_iter(1_u32..=3)
    ///     .flat_map(|&x| stream::from_iter(1..=x).map(move |y| x * y));
    /// assert_eq!(products.collect::<Vec<_>>(), [1, 2, 4, 3, 6, 9]);
    /// ```
    pub fn flat_map<U, F>(self, f: F) -> Stream<U>
    where
        U: Clone + Send + Sync + 'static,
        F: Fn(&T) -> Stream<U> + Send + Sync + 'static,
    {
        flat_map(nil(), self, Arc::new(f))
    }

    /// This stream's elements followed by `other`'s.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let xs = stream::from_iter([1, 2]).chain(stream::from_iter([3]));
    /// assert_eq!(xs.collect::<Vec<_>>(), [1, 2, 3]);
    /// ```
    #[must_use]
    pub fn chain(self, other: Self) -> Self {
        Self::suspend(move || match self.into_step()? {
            Step::Nil => other.into_step(),
            Step::Cons(head, tail) => Ok(Step::Cons(head, tail.chain(other))),
        })
    }

    /// The first `n` elements (fewer if the stream is shorter). Lazy: nothing is forced
    /// until the result is demanded, and never more than `n` source cells.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// assert_eq!(stream::from(10_u8).take(2).collect::<Vec<_>>(), [10, 11]);
    /// ```
    #[must_use]
    pub fn take(self, n: usize) -> Self {
        if n == 0 {
            return nil();
        }
        Self::suspend(Take {
            source: Some(self.into()),
            remaining: n,
        })
    }

    /// The stream after its first `n` elements (Oz's `List.drop`). Lazy: the `n` cells are
    /// forced when the result is first demanded, in a loop.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// assert_eq!(stream::from(0_u32).skip(1000).first(), Some(1000));
    /// ```
    #[doc(alias = "drop")]
    #[must_use]
    pub fn skip(self, n: usize) -> Self {
        if n == 0 {
            return self;
        }
        Self::suspend(move || self.try_skip_now(n)?.into_step())
    }

    /// Forces the first `n` cells now and returns the stream after them (shorter streams
    /// give the empty stream).
    pub(super) fn try_skip_now(self, n: usize) -> Result<Self, DemandError> {
        let mut rest = self;
        for _ in 0..n {
            match rest.into_step()? {
                Step::Cons(_, tail) => rest = tail,
                Step::Nil => return Ok(nil()),
            }
        }
        Ok(rest)
    }

    /// The elements while `keep` holds; ends at the first element for which it does not.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let small = stream::from(1_u32).take_while(|x| x * x < 20);
    /// assert_eq!(small.collect::<Vec<_>>(), [1, 2, 3, 4]);
    /// ```
    #[must_use]
    pub fn take_while<P>(self, keep: P) -> Self
    where
        P: Fn(&T) -> bool + Send + Sync + 'static,
    {
        take_while(self, Arc::new(keep))
    }

    /// `f(x, y)` for the elements of `self` and `other` side by side; ends with the
    /// shorter stream.
    ///
    /// ```
    /// use lazy_runtime::stream::{self, cons};
    ///
    /// // fibs = 0 | 1 | zip_with(fibs, tail(fibs), +)
    /// let fibs = stream::recursive(|fibs| {
    ///     cons(0_u64, cons(1, fibs.clone().zip_with(fibs.skip(1), |a, b| a + b)))
    /// });
    /// assert_eq!(fibs.take(8).collect::<Vec<_>>(), [0, 1, 1, 2, 3, 5, 8, 13]);
    /// ```
    pub fn zip_with<U, V, F>(self, other: Stream<U>, f: F) -> Stream<V>
    where
        U: Clone + Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
        F: Fn(&T, &U) -> V + Send + Sync + 'static,
    {
        zip_with(self, other, Arc::new(f))
    }

    /// Merges two ascending streams into one ascending stream without duplicates: an
    /// element present in both appears once. This is the merge of the Hamming problem.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let twos = stream::from(1_u32).map(|x| 2 * x);
    /// let threes = stream::from(1_u32).map(|x| 3 * x);
    /// assert_eq!(twos.merge(threes).take(6).collect::<Vec<_>>(), [2, 3, 4, 6, 8, 9]);
    /// ```
    #[must_use]
    pub fn merge(self, other: Self) -> Self
    where
        T: Ord,
    {
        Self::suspend(move || {
            let Step::Cons(x, xs) = self.into_step()? else {
                return other.into_step();
            };
            other.visit(|parts| match parts {
                None => Step::Cons(x, xs),
                Some((y, ys)) => match x.cmp(y) {
                    std::cmp::Ordering::Less => Step::Cons(x, xs.merge(other.clone())),
                    std::cmp::Ordering::Greater => Step::Cons(y.clone(), cons(x, xs).merge(ys)),
                    std::cmp::Ordering::Equal => Step::Cons(x, xs.merge(ys)),
                },
            })
        })
    }

    /// Folds the elements from the left, consuming the stream in constant memory (unless
    /// another handle keeps its head). This is Oz's `Sum Xs A Limit` without the limit;
    /// combine with [`take`](Self::take) for that.
    ///
    /// # Panics
    ///
    /// If a cell failed; see [`try_fold`](Self::try_fold).
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let total = stream::from(0_u64).take(100).fold(0, |sum, x| sum + x);
    /// assert_eq!(total, 4950);
    /// ```
    pub fn fold<A, F>(self, init: A, f: F) -> A
    where
        F: FnMut(A, T) -> A,
    {
        self.into_iter().fold(init, f)
    }

    /// Folds the elements from the left, stopping at the first failed cell.
    ///
    /// # Errors
    ///
    /// The [`DemandError`] of the first cell that failed.
    ///
    /// ```
    /// use lazy_runtime::stream::{self, cons};
    ///
    /// let broken = cons(1, stream::lazy(|| -> stream::Stream<u32> { panic!("lost") }));
    /// assert!(broken.try_fold(0, |sum, x| sum + x).unwrap_err().is_panic());
    /// ```
    pub fn try_fold<A, F>(self, init: A, mut f: F) -> Result<A, DemandError>
    where
        F: FnMut(A, T) -> A,
    {
        self.try_iter()
            .try_fold(init, |accumulator, item| Ok(f(accumulator, item?)))
    }

    /// The sum of the elements, consuming the stream in constant memory.
    ///
    /// # Panics
    ///
    /// If a cell failed (or the sum overflows in a debug build).
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// assert_eq!(stream::from(1_u64).take(10).sum::<u64>(), 55);
    /// ```
    #[must_use]
    pub fn sum<S: Sum<T>>(self) -> S {
        self.into_iter().sum()
    }

    /// Collects the elements, like [`Iterator::collect`]. Never ends on an infinite stream.
    ///
    /// # Panics
    ///
    /// If a cell failed.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let words: Vec<String> = stream::repeat("la".to_string()).take(2).collect();
    /// assert_eq!(words.concat(), "lala");
    /// ```
    #[must_use]
    pub fn collect<B: FromIterator<T>>(self) -> B {
        self.into_iter().collect()
    }

    /// The element at `index` (counting from zero), forcing the cells up to it.
    ///
    /// # Panics
    ///
    /// If a cell failed.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// assert_eq!(stream::from(0_u32).map(|x| x * 3).nth(5), Some(15));
    /// ```
    #[must_use]
    pub fn nth(&self, index: usize) -> Option<T> {
        self.clone().into_iter().nth(index)
    }
}

fn map<T, U, F>(source: Stream<T>, f: Arc<F>) -> Stream<U>
where
    T: Clone + Send + Sync + 'static,
    U: Clone + Send + Sync + 'static,
    F: Fn(&T) -> U + Send + Sync + 'static,
{
    Stream::suspend(Map {
        source: Some(source.into()),
        f,
    })
}

fn filter<T, P>(source: Stream<T>, keep: Arc<P>) -> Stream<T>
where
    T: Clone + Send + Sync + 'static,
    P: Fn(&T) -> bool + Send + Sync + 'static,
{
    Stream::suspend(Filter {
        source: Some(source.into()),
        keep,
    })
}

// The thunks of `map`, `filter` and `take` are structs rather than closures so that they
// can also advance in place (`StreamThunk::advance`): an iterator that is the only owner of
// such a cell pulls elements through the whole pipeline without allocating a cell per
// element. Nobody else can see the cell, so that cannot be told apart from walking cells.

/// The thunk of a [`Stream::map`] cell.
struct Map<T, F> {
    source: Option<Source<T>>,
    f: Arc<F>,
}

impl<T, U, F> Thunk<Step<U>> for Map<T, F>
where
    T: Clone + Send + Sync + 'static,
    U: Clone + Send + Sync + 'static,
    F: Fn(&T) -> U + Send + Sync + 'static,
{
    fn run(mut self) -> Result<Step<U>, DemandError> {
        Ok(match pull(&mut self.source)? {
            None => Step::Nil,
            Some(head) => Step::Cons((self.f)(&head), Stream::suspend(self)),
        })
    }
}

impl<T, U, F> StreamThunk<U> for Map<T, F>
where
    T: Clone + Send + Sync + 'static,
    U: Clone + Send + Sync + 'static,
    F: Fn(&T) -> U + Send + Sync + 'static,
{
    fn can_advance(&self) -> bool {
        true
    }

    fn advance(&mut self) -> Option<Result<Option<U>, DemandError>> {
        Some(guarded(|| {
            Ok(pull(&mut self.source)?.map(|head| (self.f)(&head)))
        }))
    }
}

/// The thunk of a [`Stream::filter`] cell.
struct Filter<T, P> {
    source: Option<Source<T>>,
    keep: Arc<P>,
}

impl<T, P> Filter<T, P>
where
    T: Clone + Send + Sync + 'static,
    P: Fn(&T) -> bool + Send + Sync + 'static,
{
    /// The next kept element. A loop, not recursion, over the rejected elements; only the
    /// source's current cell is held, so the skipped cells are freed as it goes.
    fn next_kept(&mut self) -> Result<Option<T>, DemandError> {
        while let Some(head) = pull(&mut self.source)? {
            if (self.keep)(&head) {
                return Ok(Some(head));
            }
        }
        Ok(None)
    }
}

impl<T, P> Thunk<Step<T>> for Filter<T, P>
where
    T: Clone + Send + Sync + 'static,
    P: Fn(&T) -> bool + Send + Sync + 'static,
{
    fn run(mut self) -> Result<Step<T>, DemandError> {
        Ok(match self.next_kept()? {
            None => Step::Nil,
            Some(head) => Step::Cons(head, Stream::suspend(self)),
        })
    }
}

impl<T, P> StreamThunk<T> for Filter<T, P>
where
    T: Clone + Send + Sync + 'static,
    P: Fn(&T) -> bool + Send + Sync + 'static,
{
    fn can_advance(&self) -> bool {
        true
    }

    fn advance(&mut self) -> Option<Result<Option<T>, DemandError>> {
        Some(guarded(|| self.next_kept()))
    }
}

/// The thunk of a [`Stream::take`] cell.
struct Take<T> {
    source: Option<Source<T>>,
    remaining: usize,
}

impl<T: Clone + Send + Sync + 'static> Take<T> {
    fn next_taken(&mut self) -> Result<Option<T>, DemandError> {
        if self.remaining == 0 {
            self.source = None; // not needed any more: free it now
            return Ok(None);
        }
        self.remaining -= 1;
        pull(&mut self.source)
    }
}

impl<T: Clone + Send + Sync + 'static> Thunk<Step<T>> for Take<T> {
    fn run(mut self) -> Result<Step<T>, DemandError> {
        Ok(match self.next_taken()? {
            None => Step::Nil,
            Some(head) if self.remaining == 0 => Step::Cons(head, nil()),
            Some(head) => Step::Cons(head, Stream::suspend(self)),
        })
    }
}

impl<T: Clone + Send + Sync + 'static> StreamThunk<T> for Take<T> {
    fn can_advance(&self) -> bool {
        true
    }

    fn advance(&mut self) -> Option<Result<Option<T>, DemandError>> {
        Some(self.next_taken())
    }
}

fn take_while<T, P>(source: Stream<T>, keep: Arc<P>) -> Stream<T>
where
    T: Clone + Send + Sync + 'static,
    P: Fn(&T) -> bool + Send + Sync + 'static,
{
    Stream::suspend(move || {
        Ok(match source.into_step()? {
            Step::Cons(head, tail) if keep(&head) => Step::Cons(head, take_while(tail, keep)),
            _ => Step::Nil,
        })
    })
}

/// The rest of `inner`, then the concatenation of `f(x)` for the rest of `outer`.
fn flat_map<T, U, F>(inner: Stream<U>, outer: Stream<T>, f: Arc<F>) -> Stream<U>
where
    T: Clone + Send + Sync + 'static,
    U: Clone + Send + Sync + 'static,
    F: Fn(&T) -> Stream<U> + Send + Sync + 'static,
{
    Stream::suspend(move || {
        let (mut inner, mut outer) = (inner, outer);
        // Loops over empty inner streams instead of recursing through them.
        loop {
            if let Step::Cons(head, tail) = inner.into_step()? {
                return Ok(Step::Cons(head, flat_map(tail, outer, f)));
            }
            match outer.into_step()? {
                Step::Nil => return Ok(Step::Nil),
                Step::Cons(head, tail) => (inner, outer) = (f(&head), tail),
            }
        }
    })
}

fn zip_with<T, U, V, F>(left: Stream<T>, right: Stream<U>, f: Arc<F>) -> Stream<V>
where
    T: Clone + Send + Sync + 'static,
    U: Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
    F: Fn(&T, &U) -> V + Send + Sync + 'static,
{
    Stream::suspend(move || {
        let Step::Cons(x, xs) = left.into_step()? else {
            return Ok(Step::Nil);
        };
        Ok(match right.into_step()? {
            Step::Nil => Step::Nil,
            Step::Cons(y, ys) => Step::Cons(f(&x, &y), zip_with(xs, ys, f)),
        })
    })
}
