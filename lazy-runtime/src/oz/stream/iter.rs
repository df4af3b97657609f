//! Reading streams: the first cell ([`Stream::first`], [`Stream::split_first`], …),
//! exclusive read positions, and the iterators over elements.

use std::fmt;

use super::build::{cons, nil};
use super::link::{Step, Stream, StreamThunk};
use crate::oz::DemandError;

impl<T: Clone + Send + Sync + 'static> Stream<T> {
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

/// An exclusively owned read position in a stream: a handle, or the detached thunk of an
/// unshared source cell, which is advanced without touching any shared cell.
pub(super) enum Source<T> {
    Stream(Stream<T>),
    Detached(Box<dyn StreamThunk<T> + Send>),
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
    rest: Option<Source<T>>,
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
