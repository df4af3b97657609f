//! The folding table: structural key -> the live node with that key (hash-consing).
//!
//! Invariants:
//! - at most one live, interned node per key: building a node whose key is present returns
//!   the existing node;
//! - the table holds weak references only, so it never keeps a node alive; a node removes
//!   its own entry when it is dropped, unless the entry already names a newer node;
//! - lock order is table shard, then node state; no shard lock is taken while a node's state
//!   is locked, and no node or value is dropped while a shard is locked.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError, Weak};

use crate::key::{BuildKeyHasher, Key};
use crate::node::Node;
use crate::stats;

const SHARDS: usize = 64;

type Shard = Mutex<HashMap<Key, Weak<Node>, BuildKeyHasher>>;

static TABLE: LazyLock<Box<[Shard]>> =
    LazyLock::new(|| (0..SHARDS).map(|_| Shard::default()).collect());

fn shard(key: &Key) -> MutexGuard<'static, HashMap<Key, Weak<Node>, BuildKeyHasher>> {
    // The map indexes by the key's first eight bytes; the shard comes from the last byte so
    // that keys in one shard still spread over the map's buckets.
    let index = usize::from(key.0[31]) % SHARDS;
    TABLE[index].lock().unwrap_or_else(PoisonError::into_inner)
}

/// Returns the live node with `key`, or the one `make` builds, with one `keep` count added
/// for the caller's handle (a new node is built with it). `make` runs under the shard lock
/// and must not drop nodes or values.
pub(crate) fn intern(key: Key, make: impl FnOnce() -> Node) -> Arc<Node> {
    let mut map = shard(&key);
    // One probe of the map: the lookup's slot is where a new entry goes.
    match map.entry(key) {
        Entry::Occupied(mut entry) => {
            if let Some(existing) = entry.get().upgrade() {
                existing.add_keep();
                existing
                    .folds
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                stats::folded();
                return existing;
            }
            let node = Arc::new(make());
            // The dead entry being replaced only frees the weak allocation: its node has
            // dropped.
            entry.insert(Arc::downgrade(&node));
            node
        }
        Entry::Vacant(entry) => {
            let node = Arc::new(make());
            entry.insert(Arc::downgrade(&node));
            node
        }
    }
}

pub(crate) fn remove(node: &Node) {
    let mut map = shard(&node.key);
    if let Entry::Occupied(entry) = map.entry(node.key)
        && std::ptr::eq(entry.get().as_ptr(), node)
    {
        entry.remove();
    }
}
