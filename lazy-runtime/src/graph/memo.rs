//! The memo store: values released by their nodes, kept by structural key within a byte
//! budget, so that a node built again later (or recomputed after its value was released)
//! takes its value from here instead of running.
//!
//! Eviction is GreedyDual-Size: an entry's priority is the store's inflation value `L` at
//! its last use plus its recompute cost per byte (the run time the node measured, over its
//! size); the lowest priority goes first, and `L` rises to it. What is expensive per byte
//! stays; what is cheap to recompute or large goes; an entry not used for a while ages out
//! as `L` rises past it.
//!
//! Invariants:
//! - An entry's value is the value of every node with its key at the entry's `verified_at`
//!   revision, and has not changed since `changed_at`. A key without an input cell below
//!   it has one value forever; one over input cells (volatile) is restored as stale, and
//!   verified against its inputs before use, so an old entry costs a run, never a wrong
//!   value. When a volatile node computes a new value, its entry is forgotten: an entry
//!   is always the latest value released for its key.
//! - No store lock is held while a value is dropped (a value's `Drop` may release nodes,
//!   which offer values here), and no node lock is taken under a store lock.

use std::cell::Cell;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use super::value::Erased;
use crate::key::{BuildKeyHasher, Key};
use crate::op::Memo;

mod size;

pub use size::{MemoSize, register_size};

/// The budget when neither [`set_budget`] nor [`BUDGET_ENV`] sets one: 256 MiB.
pub const DEFAULT_BUDGET: usize = 256 << 20;

/// The environment variable that sets the budget in bytes, read once at first use; a
/// suffix `K`, `M` or `G` multiplies by 1024, 1024², 1024³. `0` turns the store off.
pub const BUDGET_ENV: &str = "LAZY_MEMO_BYTES";

/// What an entry costs beyond its value's bytes: the map slot, the order entry, the key.
const ENTRY_OVERHEAD: usize = 96;

/// Below this, an operation's run (with [`Memo::Auto`]) is cheaper than keeping its value.
const MIN_RUN: Duration = Duration::from_micros(1);

/// A value handed by move to the reader that consumes it is kept too only if it is small,
/// or slower to recompute than one nanosecond per byte: a fast element-wise array result
/// is worth more to its reader, which may reuse its buffer, than to the store.
const SMALL: usize = 64 << 10;

const SHARDS: usize = 8;

static STORE: [Mutex<Shard>; SHARDS] = [const { Mutex::new(Shard::new()) }; SHARDS];
/// Entries in all shards: lookups skip the locks while the store is empty.
static ENTRIES: AtomicUsize = AtomicUsize::new(0);
/// The budget in bytes, plus one; 0 until it is first read.
static BUDGET: AtomicUsize = AtomicUsize::new(0);
static HITS: AtomicU64 = AtomicU64::new(0);
static MISSES: AtomicU64 = AtomicU64::new(0);

/// A value found in the store.
pub(crate) struct Hit {
    pub(crate) value: Erased,
    pub(crate) changed_at: u64,
    pub(crate) verified_at: u64,
    pub(crate) elapsed: Duration,
}

/// A value a node gives up, with what the store needs to know of it.
pub(crate) struct Offer {
    pub(crate) key: Key,
    pub(crate) value: Erased,
    pub(crate) elapsed: Option<Duration>,
    pub(crate) changed_at: u64,
    pub(crate) verified_at: u64,
    pub(crate) policy: Memo,
}

struct Entry {
    value: Erased,
    bytes: usize,
    /// Recompute cost, in nanoseconds.
    cost: u64,
    changed_at: u64,
    verified_at: u64,
    /// The priority and the insertion number under which the entry sits in `order`;
    /// `None` for a pinned entry, which is never evicted.
    rank: Option<(u64, u64)>,
}

struct Shard {
    map: Option<HashMap<Key, Entry, BuildKeyHasher>>,
    /// (priority bits, insertion number, key) of every unpinned entry, lowest first.
    order: BTreeSet<(u64, u64, Key)>,
    bytes: usize,
    /// `GreedyDual`'s `L`: the priority of the last entry evicted.
    inflation: f64,
    next: u64,
    evictions: u64,
}

impl Shard {
    const fn new() -> Shard {
        Shard {
            map: None,
            order: BTreeSet::new(),
            bytes: 0,
            inflation: 0.0,
            next: 0,
            evictions: 0,
        }
    }

    fn map(&mut self) -> &mut HashMap<Key, Entry, BuildKeyHasher> {
        self.map.get_or_insert_with(HashMap::default)
    }

    /// Ranks an entry of `cost` nanoseconds over `bytes`: its key in `order`.
    fn rank(&mut self, cost: u64, bytes: usize) -> (u64, u64) {
        #[allow(clippy::cast_precision_loss)] // a priority, not an amount
        let priority = self.inflation + cost as f64 / bytes as f64;
        self.next += 1;
        // Positive floats order as their bits do.
        (priority.to_bits(), self.next)
    }

    /// Removes `key`'s entry; its value, to drop after unlocking.
    fn remove(&mut self, key: &Key) -> Option<Erased> {
        let entry = self.map.as_mut()?.remove(key)?;
        if let Some((p, n)) = entry.rank {
            self.order.remove(&(p, n, *key));
        }
        self.bytes -= entry.bytes;
        ENTRIES.fetch_sub(1, Ordering::Relaxed);
        Some(entry.value)
    }

    /// Evicts the lowest-priority entries until `bytes` more fit in `budget`; `false` if
    /// they cannot (pinned entries fill it). Evicted values go to `dropped`.
    fn make_room(&mut self, bytes: usize, budget: usize, dropped: &mut Vec<Erased>) -> bool {
        while self.bytes + bytes > budget {
            let Some(&(p, n, key)) = self.order.first() else {
                return false;
            };
            self.order.remove(&(p, n, key));
            self.inflation = f64::from_bits(p);
            let entry = self.map().remove(&key).expect("ordered entries are mapped");
            self.bytes -= entry.bytes;
            self.evictions += 1;
            ENTRIES.fetch_sub(1, Ordering::Relaxed);
            dropped.push(entry.value);
        }
        true
    }
}

fn shard(key: &Key) -> MutexGuard<'static, Shard> {
    // The low bits of the prefix index the folding table; the top ones pick the shard.
    let i = usize::try_from(key.prefix() >> 61).expect("three bits");
    STORE[i % SHARDS]
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// The budget in bytes.
#[must_use]
pub fn budget() -> usize {
    match BUDGET.load(Ordering::Relaxed) {
        0 => {
            let from_env = std::env::var(BUDGET_ENV).ok().and_then(|v| parse_bytes(&v));
            let budget = from_env.unwrap_or(DEFAULT_BUDGET);
            // A concurrent `set_budget` wins over the default.
            let _ = BUDGET.compare_exchange(0, budget + 1, Ordering::Relaxed, Ordering::Relaxed);
            BUDGET.load(Ordering::Relaxed) - 1
        }
        set => set - 1,
    }
}

/// Sets the store's byte budget, evicting what no longer fits. `0` turns the store off
/// (pinned values stay until [`clear`]).
pub fn set_budget(bytes: usize) {
    BUDGET.store(bytes.saturating_add(1), Ordering::Relaxed);
    let mut dropped = Vec::new();
    for shard in &STORE {
        let mut shard = shard.lock().unwrap_or_else(PoisonError::into_inner);
        shard.make_room(0, bytes / SHARDS, &mut dropped);
    }
    drop(dropped);
}

/// `123`, `64K`, `256M`, `2G`.
fn parse_bytes(text: &str) -> Option<usize> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().last()? {
        (i, 'k' | 'K') => (&text[..i], 1 << 10),
        (i, 'm' | 'M') => (&text[..i], 1 << 20),
        (i, 'g' | 'G') => (&text[..i], 1 << 30),
        _ => (text, 1),
    };
    digits.trim().parse::<usize>().ok()?.checked_mul(unit)
}

/// The value kept for `key`, if any, for a node that takes it instead of running (counted
/// as a hit or a miss).
pub(crate) fn lookup(key: &Key) -> Option<Hit> {
    find(key, true)
}

/// The value kept for `key`, if any, for an early cut-off comparison: a use of the entry,
/// but neither a hit nor a miss.
pub(crate) fn previous(key: &Key) -> Option<Hit> {
    find(key, false)
}

fn find(key: &Key, counted: bool) -> Option<Hit> {
    if ENTRIES.load(Ordering::Relaxed) == 0 {
        return None;
    }
    let mut shard = shard(key);
    let Some((cost, bytes, rank)) = shard
        .map
        .as_ref()
        .and_then(|m| m.get(key))
        .map(|e| (e.cost, e.bytes, e.rank))
    else {
        if counted {
            MISSES.fetch_add(1, Ordering::Relaxed);
        }
        return None;
    };
    if counted {
        HITS.fetch_add(1, Ordering::Relaxed);
    }
    // A use restores the entry's priority to the current inflation plus its worth.
    let rank = rank.map(|(p, n)| {
        shard.order.remove(&(p, n, *key));
        let rank = shard.rank(cost, bytes);
        shard.order.insert((rank.0, rank.1, *key));
        rank
    });
    let entry = shard.map().get_mut(key).expect("found above");
    entry.rank = rank;
    Some(Hit {
        value: entry.value.clone(),
        changed_at: entry.changed_at,
        verified_at: entry.verified_at,
        elapsed: Duration::from_nanos(entry.cost),
    })
}

/// Whether a value of this run time is worth offering at all under `policy`, with the
/// store's budget (before measuring its size): callers that would copy a value to offer
/// it ask first.
pub(crate) fn worth_keeping(policy: Memo, elapsed: Option<Duration>) -> bool {
    let wanted = match policy {
        Memo::Never => false,
        Memo::Always => true,
        Memo::Auto => elapsed.is_some_and(|e| e >= MIN_RUN),
    };
    // Off (or nothing fits): measuring the value would be wasted.
    wanted && budget() / SHARDS > ENTRY_OVERHEAD
}

/// Keeps a released value, if it is worth its bytes; evicts what it displaces. With
/// `consumed`, the node's last reader takes the value by move: it is kept only if small or
/// slow to recompute.
pub(crate) fn offer(offer: Offer, consumed: bool) {
    if !worth_keeping(offer.policy, offer.elapsed) {
        return;
    }
    let budget = budget() / SHARDS;
    let bytes = size::of(&*offer.value) + ENTRY_OVERHEAD;
    let cost = offer.elapsed.map_or(1, |e| {
        u64::try_from(e.as_nanos()).unwrap_or(u64::MAX).max(1)
    });
    if bytes > budget
        || (consumed && bytes > SMALL && cost < u64::try_from(bytes).unwrap_or(u64::MAX))
    {
        return;
    }
    let mut dropped = Vec::new();
    {
        let mut shard = shard(&offer.key);
        let pinned = shard
            .map
            .as_ref()
            .and_then(|m| m.get(&offer.key))
            .is_some_and(|e| e.rank.is_none());
        if pinned {
            // The pin holds the same value already.
            drop(shard);
            return;
        }
        dropped.extend(shard.remove(&offer.key));
        if shard.make_room(bytes, budget, &mut dropped) {
            let rank = shard.rank(cost, bytes);
            shard.order.insert((rank.0, rank.1, offer.key));
            shard.bytes += bytes;
            ENTRIES.fetch_add(1, Ordering::Relaxed);
            shard.map().insert(
                offer.key,
                Entry {
                    value: offer.value,
                    bytes,
                    cost,
                    changed_at: offer.changed_at,
                    verified_at: offer.verified_at,
                    rank: Some(rank),
                },
            );
        }
    }
    drop(dropped);
}

/// Keeps `value` under `key` regardless of the budget, until [`unpin`] or [`clear`].
pub(crate) fn pin(key: Key, value: Erased, changed_at: u64, verified_at: u64) {
    let bytes = size::of(&*value) + ENTRY_OVERHEAD;
    let mut shard = shard(&key);
    let old = shard.remove(&key);
    shard.bytes += bytes;
    ENTRIES.fetch_add(1, Ordering::Relaxed);
    shard.map().insert(
        key,
        Entry {
            value,
            bytes,
            cost: 0,
            changed_at,
            verified_at,
            rank: None,
        },
    );
    drop(shard);
    drop(old);
}

/// Makes a pinned entry an ordinary one again, evictable by the budget. `false` if
/// `key` had no pinned entry.
pub(crate) fn unpin(key: &Key) -> bool {
    let mut dropped = Vec::new();
    let mut shard = shard(key);
    let Some(entry) = shard.map.as_mut().and_then(|m| m.get_mut(key)) else {
        return false;
    };
    if entry.rank.is_some() {
        return false;
    }
    let (cost, bytes) = (entry.cost.max(1), entry.bytes);
    let rank = shard.rank(cost, bytes);
    shard.order.insert((rank.0, rank.1, *key));
    shard.map().get_mut(key).expect("found above").rank = Some(rank);
    // It counted against the budget already; it may now be what must go.
    shard.make_room(0, budget() / SHARDS, &mut dropped);
    drop(shard);
    drop(dropped);
    true
}

/// Forgets `key`'s entry: a volatile node computed a new value for it.
pub(crate) fn forget(key: &Key) {
    if ENTRIES.load(Ordering::Relaxed) == 0 {
        return;
    }
    let old = shard(key).remove(key);
    drop(old);
}

/// Empties the store, pinned values included.
pub fn clear() {
    for shard in &STORE {
        let map = {
            let mut shard = shard.lock().unwrap_or_else(PoisonError::into_inner);
            shard.order.clear();
            shard.bytes = 0;
            let map = shard.map.take();
            ENTRIES.fetch_sub(map.as_ref().map_or(0, HashMap::len), Ordering::Relaxed);
            map
        };
        drop(map);
    }
}

/// What the memo store holds and has done, process-wide.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MemoStats {
    /// Values kept.
    pub entries: usize,
    /// Their bytes, as [`MemoSize`] measures them, plus a fixed cost per entry.
    pub bytes: usize,
    /// Of those, pinned ones ([`Lazy::persist`](crate::Lazy::persist)).
    pub pinned: usize,
    /// Nodes that found their value here instead of running.
    pub hits: u64,
    /// Lookups that found nothing, while the store was not empty.
    pub misses: u64,
    /// Values evicted to stay within the budget.
    pub evictions: u64,
}

/// The memo store's contents and counters.
#[must_use]
pub fn stats() -> MemoStats {
    let mut stats = MemoStats {
        hits: HITS.load(Ordering::Relaxed),
        misses: MISSES.load(Ordering::Relaxed),
        ..MemoStats::default()
    };
    for shard in &STORE {
        let shard = shard.lock().unwrap_or_else(PoisonError::into_inner);
        let entries = shard.map.as_ref().map_or(0, HashMap::len);
        stats.entries += entries;
        stats.pinned += entries - shard.order.len();
        stats.bytes += shard.bytes;
        stats.evictions += shard.evictions;
    }
    stats
}

thread_local! {
    static TAKING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `release` (dropping a handle) as the release of a value its caller takes by move,
/// as `strict(x)` does with an owned `x`: the store keeps it only if it would keep a value
/// consumed by its last reader, so that a large, cheap result is moved out, not copied.
pub(crate) fn taking<R>(release: impl FnOnce() -> R) -> R {
    let outer = TAKING.with(|t| t.replace(true));
    let result = release();
    TAKING.with(|t| t.set(outer));
    result
}

/// Whether the value being released is taken by move (see [`taking`]).
pub(crate) fn is_taking() -> bool {
    TAKING.with(Cell::get)
}

#[cfg(test)]
mod tests;
