//! The lazy buffer of the Oz slides (8–12): a producer thread that stays `n` elements
//! ahead of the consumer.
//!
//! # Protocol
//!
//! The producer thread walks its own cursor over the input and forces one input cell per
//! *permit*. It starts with `n` permits (it fills the buffer), and each output cell the
//! consumer demands adds one permit before reading its input cell (it asks for the next
//! element ahead, slide 12). After the consumer has demanded `k` output cells the producer
//! has therefore been allowed exactly `n + k` input cells: it runs ahead by `n` and no
//! further. The thread ends when the input ends or fails, or when the output stream is
//! dropped (the [`Guard`] held by its suspended cells closes the buffer).

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;

use super::link::{Step, Stream};

impl<T: Clone + Send + Sync + 'static> Stream<T> {
    /// A stream with the same elements whose input is computed up to `n` elements ahead of
    /// the consumer, by a producer thread.
    ///
    /// Consuming the result never waits for an element the producer has already computed;
    /// the producer never computes more than `n` elements beyond what the consumer has
    /// demanded. `buffer(0)` returns the stream unchanged. If the thread cannot be
    /// spawned the stream is returned unbuffered.
    ///
    /// ```
    /// use lazy_runtime::stream;
    ///
    /// let slow_squares = stream::from(0_u64).map(|x| x * x);
    /// let buffered = slow_squares.buffer(4);
    /// assert_eq!(buffered.take(5).collect::<Vec<_>>(), [0, 1, 4, 9, 16]);
    /// ```
    #[must_use]
    pub fn buffer(self, n: usize) -> Self {
        self.buffer_with_state(n).0
    }

    /// [`buffer`](Self::buffer), also returning the shared state (for tests).
    pub(super) fn buffer_with_state(self, n: usize) -> (Self, Option<Arc<Shared>>) {
        if n == 0 {
            return (self, None);
        }
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                permits: n,
                closed: false,
                idle: false,
                finished: false,
                forced: 0,
            }),
            changed: Condvar::new(),
        });
        let cursor = self.clone();
        let producer_shared = Arc::clone(&shared);
        let spawned = thread::Builder::new()
            .name("lazy-stream-buffer".into())
            .spawn(move || produce(cursor, &producer_shared));
        if spawned.is_err() {
            return (self, None);
        }
        let guard = Arc::new(Guard {
            shared: Arc::clone(&shared),
        });
        (output(self, guard), Some(shared))
    }
}

/// The state shared by the producer thread and the output cells.
#[derive(Debug)]
pub(super) struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug)]
struct State {
    /// Input cells the producer may still force.
    permits: usize,
    /// The output stream was dropped: the producer stops.
    closed: bool,
    /// The producer is waiting for a permit.
    idle: bool,
    /// The producer thread has ended.
    finished: bool,
    /// Input cells the producer has forced.
    forced: usize,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn wait<'a>(&self, guard: MutexGuard<'a, State>) -> MutexGuard<'a, State> {
        self.changed
            .wait(guard)
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn permit(&self) {
        self.lock().permits += 1;
        self.changed.notify_all();
    }

    /// Waits until the producer has used every permit (or ended) and returns how many input
    /// cells it forced.
    #[cfg(test)]
    pub(super) fn wait_idle(&self) -> usize {
        let mut state = self.lock();
        while !(state.finished || state.idle && state.permits == 0) {
            state = self.wait(state);
        }
        state.forced
    }

    /// Waits until the producer thread has ended.
    #[cfg(test)]
    pub(super) fn wait_finished(&self) {
        let mut state = self.lock();
        while !state.finished {
            state = self.wait(state);
        }
    }
}

/// Held by the output stream's suspended cells; dropping the last one closes the buffer.
struct Guard {
    shared: Arc<Shared>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.changed.notify_all();
    }
}

/// The producer thread: force one input cell per permit.
fn produce<T: Clone + Send + Sync + 'static>(mut cursor: Stream<T>, shared: &Shared) {
    loop {
        {
            let mut state = shared.lock();
            while state.permits == 0 && !state.closed {
                state.idle = true;
                shared.changed.notify_all();
                state = shared.wait(state);
            }
            if state.closed {
                break;
            }
            state.permits -= 1;
            state.idle = false;
        }
        // Forcing happens without the lock; a failed cell ends production, and the
        // consumer meets the same error when it reaches that cell.
        let next = cursor.visit(|parts| parts.map(|(_, tail)| tail));
        shared.lock().forced += 1;
        match next {
            Ok(Some(tail)) => cursor = tail,
            Ok(None) | Err(_) => break,
        }
    }
    shared.lock().finished = true;
    shared.changed.notify_all();
}

/// The output cell for `input`: asks the producer for one more element ahead, then reads
/// its own element (computed by the producer already, or being computed, or computed here).
fn output<T: Clone + Send + Sync + 'static>(input: Stream<T>, guard: Arc<Guard>) -> Stream<T> {
    Stream::suspend(move || {
        guard.shared.permit();
        input.visit(|parts| match parts {
            None => Step::Nil,
            Some((head, tail)) => Step::Cons(head.clone(), output(tail, guard)),
        })
    })
}
