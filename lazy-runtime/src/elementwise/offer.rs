//! Buffers offered for the result of a region's head: `Lazy::force_into` lends the
//! caller's array, and the pass that computes the head writes into it instead of a buffer
//! of its own (numpy's `out=`).
//!
//! Offers are rare, so they sit in one locked list; a pass looks only when some offer is
//! outstanding (one relaxed load otherwise).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use crate::key::Key;

type Value = std::sync::Arc<dyn std::any::Any + Send + Sync>;

static OFFERS: Mutex<Vec<(Key, Value)>> = Mutex::new(Vec::new());
static OUTSTANDING: AtomicUsize = AtomicUsize::new(0);

/// Offers `buffer` (an array nobody else holds) for the value of node `key`.
pub(crate) fn offer(key: Key, buffer: Value) {
    let mut offers = OFFERS.lock().unwrap_or_else(PoisonError::into_inner);
    offers.push((key, buffer));
    OUTSTANDING.store(offers.len(), Ordering::Relaxed);
}

/// Takes back the buffer offered for node `key`, if no pass has taken it.
pub(crate) fn take(key: &Key) -> Option<Value> {
    if OUTSTANDING.load(Ordering::Relaxed) == 0 {
        return None;
    }
    let mut offers = OFFERS.lock().unwrap_or_else(PoisonError::into_inner);
    let at = offers.iter().position(|(k, _)| k == key)?;
    let (_, buffer) = offers.swap_remove(at);
    OUTSTANDING.store(offers.len(), Ordering::Relaxed);
    Some(buffer)
}
