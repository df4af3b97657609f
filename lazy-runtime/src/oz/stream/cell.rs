//! Stream cells: [`SuspendedCell`], the memoized, lazily computed cell behind every
//! [`Stream`], and the constructors of a stream from one.

use std::sync::Arc;

use super::link::{Cell, Link, Step, Stream, StreamThunk};
use crate::oz::DemandError;
use crate::oz::suspension::Suspension;

impl<T: Send + Sync + 'static> Stream<T> {
    /// A cell whose step is known.
    pub(super) fn ready(step: Step<T>) -> Self {
        Self::from_cell(Arc::new(SuspendedCell::ready(step)))
    }

    /// A cell computed by `thunk` on first demand.
    pub(super) fn suspend<F>(thunk: F) -> Self
    where
        F: StreamThunk<T> + Send + 'static,
    {
        Self::from_cell(Arc::new(SuspendedCell::new(thunk)))
    }
}

/// Runs `f`, turning a panic into an error value (for user code run by
/// [`StreamThunk::advance`], which runs outside a suspension's own guard).
pub(super) fn guarded<R>(f: impl FnOnce() -> Result<R, DemandError>) -> Result<R, DemandError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|payload| Err(DemandError::panicked(&*payload)))
}

/// A cell computed by the thunk `F`.
///
/// # Invariants
///
/// - A cell is forced at most once (it is a [`Suspension`]): elements are memoized.
/// - Dropping a cell frees the cells after it that nobody else holds *iteratively*: the
///   `Drop` below unlinks uniquely owned tails one by one, so dropping a fully evaluated
///   stream of any length uses constant stack.
pub(super) struct SuspendedCell<T, F> {
    suspension: Suspension<Step<T>, F>,
}

impl<T, F> SuspendedCell<T, F>
where
    F: StreamThunk<T>,
{
    pub(super) fn new(thunk: F) -> Self {
        live::on_create();
        Self {
            suspension: Suspension::new(thunk),
        }
    }
}

impl<T> SuspendedCell<T, fn() -> Result<Step<T>, DemandError>> {
    pub(super) fn ready(step: Step<T>) -> Self {
        live::on_create();
        Self {
            suspension: Suspension::ready(step),
        }
    }
}

impl<T, F> Cell<T> for SuspendedCell<T, F>
where
    T: Send + Sync,
    F: StreamThunk<T> + Send + 'static,
{
    #[inline]
    fn force(&self) -> Result<&Step<T>, DemandError> {
        self.suspension.force()
    }

    fn is_evaluated(&self) -> bool {
        self.suspension.peek().is_some()
    }

    fn peek(&self) -> Option<&Step<T>> {
        self.suspension.peek()?.ok()
    }

    fn take(&mut self) -> Option<Result<Step<T>, DemandError>> {
        self.suspension.take()
    }

    fn run_or_take(&mut self) -> Result<Step<T>, DemandError> {
        self.suspension.run_or_take()
    }

    fn detach(&mut self) -> Option<Box<dyn StreamThunk<T> + Send>> {
        if !self.suspension.pending_mut()?.can_advance() {
            return None;
        }
        let thunk = self.suspension.take_pending()?;
        Some(Box::new(thunk))
    }
}

impl<T, F> Drop for SuspendedCell<T, F> {
    fn drop(&mut self) {
        live::on_drop();
        let mut next = tail_of(self.suspension.take());
        // Unlink the uniquely owned part of the chain one cell at a time. A tail that is
        // shared (or weakly referenced) stops the walk: its last owner frees it later,
        // with this same loop.
        while let Some(mut stream) = next {
            let Link::Strong(cell) = &mut stream.link else {
                break;
            };
            match Arc::get_mut(cell) {
                Some(cell) => next = tail_of(cell.take()),
                None => break,
            }
        }
    }
}

fn tail_of<T>(step: Option<Result<Step<T>, DemandError>>) -> Option<Stream<T>> {
    match step {
        Some(Ok(Step::Cons(_, tail))) => Some(tail),
        _ => None,
    }
}

/// Live-cell counting for this crate's unit tests. Per thread, so that tests running in
/// parallel do not see each other's cells; it counts only cells created and freed on the
/// test's own thread. Compiled out of the library.
#[cfg(test)]
pub(super) mod live {
    use std::cell::Cell;

    thread_local! {
        static LIVE: Cell<isize> = const { Cell::new(0) };
        static CREATED: Cell<usize> = const { Cell::new(0) };
    }

    pub(in crate::oz::stream) fn on_create() {
        LIVE.with(|live| live.set(live.get() + 1));
        CREATED.with(|created| created.set(created.get() + 1));
    }

    pub(in crate::oz::stream) fn on_drop() {
        LIVE.with(|live| live.set(live.get() - 1));
    }

    /// Cells created minus cells freed on this thread so far.
    pub(in crate::oz::stream) fn count() -> isize {
        LIVE.with(Cell::get)
    }

    /// Cells created on this thread so far.
    pub(in crate::oz::stream) fn created() -> usize {
        CREATED.with(Cell::get)
    }
}

#[cfg(not(test))]
mod live {
    #[inline(always)]
    pub(super) fn on_create() {}
    #[inline(always)]
    pub(super) fn on_drop() {}
}
