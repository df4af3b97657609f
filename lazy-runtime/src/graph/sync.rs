//! The synchronisation a node's state and claims use, in one place, so that the model
//! checker can stand in for it: built with `--cfg loom`, these are `loom`'s types, and the
//! tests in `graph/model.rs` explore every interleaving of the node protocol (see
//! CONTRIBUTING.md for the command). Everything else in the runtime keeps `std`'s.

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicU32, AtomicU64};
#[cfg(not(loom))]
pub(crate) use std::sync::{Condvar, Mutex, MutexGuard};
#[cfg(not(loom))]
pub(crate) use std::thread::ThreadId;

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicU32, AtomicU64};
#[cfg(loom)]
pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard};
#[cfg(loom)]
pub(crate) use loom::thread::ThreadId;

/// The calling thread's id, cached: `thread::current()` clones an `Arc` each time.
#[cfg(not(loom))]
pub(crate) fn current_thread() -> ThreadId {
    thread_local! {
        static ME: ThreadId = std::thread::current().id();
    }
    ME.with(|me| *me)
}

/// The calling model thread's id (the model runs its threads on one system thread, so
/// `std`'s id would be the same for all of them).
#[cfg(loom)]
pub(crate) fn current_thread() -> ThreadId {
    loom::thread::current().id()
}
