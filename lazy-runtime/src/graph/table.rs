//! The folding table: structural key -> the live node with that key (hash-consing).
//!
//! Invariants:
//! - at most one live, interned node per key: building a node whose key is present returns
//!   the existing node;
//! - the table holds weak references only, so it never keeps a node alive; a node removes
//!   its own entry when it is dropped, unless the entry already names a newer node. The
//!   entry is found by the key's hash and by its node being dead, not by the node's
//!   address: a node freed as the last input of a dropped node has been moved out of its
//!   allocation (see `Node`'s `Drop`), and its entry's weak reference is what keeps that
//!   allocation, so an entry left behind would keep its memory for good;
//! - an entry is the key's first eight bytes (its hash: keys are uniform digests) and the
//!   weak node; the full key is compared on the node itself, so an entry is 16 bytes, not
//!   the 40 of a map keyed by the digest (at a million nodes the table is the largest
//!   source of cache misses of building and dropping);
//! - a shard's buckets follow its length down as well as up: a shard under an eighth full
//!   (and above `MIN_SHRINK` buckets) shrinks, so the table's memory tracks the live
//!   nodes, not the most there ever were;
//! - a new node over an input cell is registered with its inputs before it is in the table,
//!   so no thread can compute it before a change can reach it;
//! - lock order is table shard, then a volatile input's reader list, then node state; no shard lock is taken while a node's state
//!   is locked, and no node or value is dropped while a shard is locked.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use hashbrown::HashTable;
use hashbrown::hash_table::Entry;

use crate::key::Key;
use crate::stats;

const SHARDS: usize = 64;

/// A shard this small never shrinks.
const MIN_SHRINK: usize = 1024;

/// What the table needs of the nodes it holds. The table is generic over them so that it
/// does not depend on the node type, which removes its own entry when it is dropped.
pub(crate) trait Interned: Sized {
    /// The structural key the node is found by.
    fn key(&self) -> &Key;

    /// A lookup found this node: count the caller's handle and the fold. Called under the
    /// shard lock.
    fn folded(&self);

    /// This node is new, and about to be visible to other threads. Called under the shard
    /// lock (see the invariant on input cells above).
    fn inserted(node: &Arc<Self>);
}

type Shard<N> = Mutex<HashTable<(u64, Weak<N>)>>;

/// The table: shards of `(hash, weak node)` entries.
pub(crate) struct Table<N> {
    shards: [Shard<N>; SHARDS],
}

impl<N: Interned> Table<N> {
    pub(crate) const fn new() -> Table<N> {
        Table {
            shards: [const { Mutex::new(HashTable::new()) }; SHARDS],
        }
    }

    fn shard(&self, key: &Key) -> MutexGuard<'_, HashTable<(u64, Weak<N>)>> {
        // The table indexes by the key's first eight bytes; the shard comes from the last
        // byte so that keys in one shard still spread over the table's buckets.
        let index = usize::from(key.0[31]) % SHARDS;
        self.shards[index]
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Returns the live node with `key`, or the one `make` builds, with one `keep` count
    /// added for the caller's handle (a new node is built with it). `make` runs under the
    /// shard lock and must not drop nodes or values.
    pub(crate) fn intern(&self, key: Key, make: impl FnOnce() -> N) -> Arc<N> {
        let h = key.prefix();
        let mut found = None;
        // Live nodes whose hash matched but whose key did not (a 2^-64 event): upgraded to
        // compare their keys, and dropped only after the shard is unlocked.
        let mut others = Vec::new();
        let node = {
            let mut table = self.shard(&key);
            // One probe of the table: the lookup's slot is where a new entry goes. An entry
            // whose node has died (its `Drop` has not removed it yet) is reused.
            let entry = table.entry(
                h,
                |(eh, weak)| {
                    *eh == h
                        && match weak.upgrade() {
                            Some(node) if *node.key() == key => {
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
                existing.folded();
                stats::folded();
                existing
            } else {
                let node = Arc::new(make());
                // A node over an input cell is registered with its inputs before another
                // thread can fold onto it and compute it: registered after, a change in
                // between would not reach it, and it would stay fresh with a value of the
                // older revision.
                N::inserted(&node);
                let weak = Arc::downgrade(&node);
                match entry {
                    // The dead entry being replaced only frees the weak reference: its node
                    // has dropped already.
                    Entry::Occupied(mut entry) => *entry.get_mut() = (h, weak),
                    Entry::Vacant(entry) => {
                        entry.insert((h, weak));
                        stats::entry_added();
                    }
                }
                node
            }
        };
        drop(others);
        node
    }

    /// Removes the entry of `node`, which is being dropped: an entry with its key's hash
    /// whose node is dead. Any dead entry with that hash may go (its node is dropped or
    /// being dropped, and its own removal then finds nothing); a live one names a newer
    /// node with the same key. The entry's weak reference is freed after the shard is
    /// unlocked, and with it the node's allocation.
    pub(crate) fn remove(&self, node: &N) {
        let h = node.key().prefix();
        let removed = {
            let mut table = self.shard(node.key());
            let removed = table
                .find_entry(h, |(eh, weak)| *eh == h && weak.strong_count() == 0)
                .ok()
                .map(|entry| entry.remove().0);
            // A shard that has emptied gives back most of its buckets, so that dropping a
            // big graph returns the table's memory too: the allocation would otherwise
            // stay, and pin the heap below it. Shrinking to twice its length once under an
            // eighth full keeps the cost amortised O(1).
            let len = table.len();
            if len * 8 < table.capacity() && table.capacity() > MIN_SHRINK {
                table.shrink_to(len * 2, |(eh, _)| *eh);
            }
            removed
        };
        if removed.is_some() {
            stats::entry_removed();
        }
        drop(removed);
    }

    /// How many entries have `key`'s hash, live or dead.
    #[cfg(test)]
    pub(crate) fn entries(&self, key: &Key) -> usize {
        let h = key.prefix();
        self.shard(key).iter().filter(|(eh, _)| *eh == h).count()
    }
}

#[cfg(test)]
mod tests {
    use crate::graph::Node;
    use crate::key::Key;
    use crate::task::{Op, task};
    use crate::{Lazy, Value};

    /// Entries with `key`'s hash in the nodes' table, live or dead.
    fn entries(key: &Key) -> usize {
        Node::table_entries(key)
    }

    fn inc(x: Lazy<u64>) -> Lazy<u64> {
        task(Op::function("table::tests::inc"), (x,), |(x,): (u64,)| {
            x.wrapping_add(1)
        })
    }

    fn keys<T: Value>(nodes: &[&Lazy<T>]) -> Vec<Key> {
        nodes.iter().map(|n| n.key()).collect()
    }

    #[test]
    fn a_node_freed_as_the_input_of_a_dropped_node_removes_its_entry() {
        // Values no other test builds, so that no other node shares these keys.
        let leaf = Lazy::new(0x7ab1_e000_0000_0001_u64);
        let one = inc(leaf.clone());
        let two = inc(one.clone());
        let all = keys(&[&leaf, &one, &two]);
        assert!(all.iter().all(|k| entries(k) == 1));
        drop((leaf, one));
        // `two` is the last owner of `one`, and `one` of the leaf: both are freed by the
        // loop in `Node`'s `Drop`, moved out of their allocations.
        drop(two);
        assert_eq!(all.iter().map(entries).collect::<Vec<_>>(), [0, 0, 0]);
    }

    #[test]
    fn a_node_still_held_keeps_its_entry_when_its_reader_is_dropped() {
        let leaf = Lazy::new(0x7ab1_e000_0000_0002_u64);
        let key = leaf.key();
        drop(leaf);
        assert_eq!(entries(&key), 0);
        let again = Lazy::new(0x7ab1_e000_0000_0002_u64);
        let with_input = inc(again.clone());
        drop(with_input);
        assert_eq!(entries(&key), 1, "the leaf is still held");
        drop(again);
        assert_eq!(entries(&key), 0);
    }
}
