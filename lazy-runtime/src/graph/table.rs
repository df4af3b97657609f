//! The folding table: structural key -> the live node with that key (hash-consing).
//!
//! Invariants:
//! - at most one live, interned node per key: building a node whose key is present returns
//!   the existing node;
//! - the table holds weak references only, so it never keeps a node alive; a node removes
//!   its own entry when it is dropped, unless the entry already names a newer node;
//! - an entry is the key's first eight bytes (its hash: keys are uniform digests) and the
//!   weak node; the full key is compared on the node itself, so an entry is 16 bytes, not
//!   the 40 of a map keyed by the digest (at a million nodes the table is the largest
//!   source of cache misses of building and dropping);
//! - lock order is table shard, then node state; no shard lock is taken while a node's state
//!   is locked, and no node or value is dropped while a shard is locked.

use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError, Weak};

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

use super::node::Node;
use crate::key::Key;
use crate::stats;

const SHARDS: usize = 64;

type Shard = Mutex<HashTable<(u64, Weak<Node>)>>;

static TABLE: LazyLock<Box<[Shard]>> =
    LazyLock::new(|| (0..SHARDS).map(|_| Shard::default()).collect());

fn shard(key: &Key) -> MutexGuard<'static, HashTable<(u64, Weak<Node>)>> {
    // The table indexes by the key's first eight bytes; the shard comes from the last byte
    // so that keys in one shard still spread over the table's buckets.
    let index = usize::from(key.0[31]) % SHARDS;
    TABLE[index].lock().unwrap_or_else(PoisonError::into_inner)
}

/// Returns the live node with `key`, or the one `make` builds, with one `keep` count added
/// for the caller's handle (a new node is built with it). `make` runs under the shard lock
/// and must not drop nodes or values.
pub(crate) fn intern(key: Key, make: impl FnOnce() -> Node) -> Arc<Node> {
    let h = key.prefix();
    let mut found = None;
    // Live nodes whose hash matched but whose key did not (a 2^-64 event): upgraded to
    // compare their keys, and dropped only after the shard is unlocked.
    let mut others = Vec::new();
    let node = {
        let mut table = shard(&key);
        // One probe of the table: the lookup's slot is where a new entry goes. An entry
        // whose node has died (its `Drop` has not removed it yet) is reused.
        let entry = table.entry(
            h,
            |(eh, weak)| {
                *eh == h
                    && match weak.upgrade() {
                        Some(node) if node.key == key => {
                            found = Some(node);
                            true
                        }
                        Some(node) => {
                            others.push(node);
                            false
                        }
                        None => true,
                    }
            },
            |(eh, _)| *eh,
        );
        if let Some(existing) = found {
            existing.add_keep();
            existing.count_fold();
            stats::folded();
            existing
        } else {
            let node = Arc::new(make());
            let weak = Arc::downgrade(&node);
            match entry {
                // The dead entry being replaced only frees the weak reference: its node has
                // dropped already.
                Entry::Occupied(mut entry) => *entry.get_mut() = (h, weak),
                Entry::Vacant(entry) => {
                    entry.insert((h, weak));
                }
            }
            node
        }
    };
    drop(others);
    node
}

pub(crate) fn remove(node: &Node) {
    let mut table = shard(&node.key);
    if let Ok(entry) = table.find_entry(node.key.prefix(), |(_, weak)| {
        std::ptr::eq(weak.as_ptr(), node)
    }) {
        entry.remove();
    }
}
