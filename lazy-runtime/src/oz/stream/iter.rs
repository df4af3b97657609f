//! Reading streams: exclusive read positions, and the iterators over elements.

use std::fmt;

use super::cell::{self, Step};
use super::{DemandError, Stream, cons, nil};

/// An exclusively owned read position in a stream: a handle, or the detached thunk of an
/// unshared source cell, which is advanced without touching any shared cell.
pub(super) enum Source<T> {
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
pub(super) fn pull<T: Clone + Send + Sync + 'static>(
    source: &mut Option<Source<T>>,
) -> Result<Option<T>, DemandError> {
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
pub(super) fn fail(error: &DemandError) -> ! {
    panic!("stream cell failed: {error}")
}

/// Collects the items eagerly (the iterator is drained at once); use [`from_iter`](super::from_iter) for a
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
/// receive the [`DemandError`] as an item.
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
    pub(super) rest: Option<Source<T>>,
}

impl<T: Clone + Send + Sync + 'static> Iterator for TryIter<T> {
    type Item = Result<T, DemandError>;

    fn next(&mut self) -> Option<Self::Item> {
        pull(&mut self.rest).transpose()
    }
}

impl<T> fmt::Debug for TryIter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryIter").finish_non_exhaustive()
    }
}
