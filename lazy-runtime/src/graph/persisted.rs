//! Nodes and the program's disk cache ([`crate::persist`]): which nodes' values may be
//! stored, under which key, and reading and writing them.
//!
//! A node of a cached operation is stored only if its value is the same in every run of
//! the program: every node below it, itself included, is keyed by content (interned) and
//! over no input cell. A node keyed by identity (an impure call, an opaque value, a spin
//! task) has a key from a process-wide counter, which the next run hands out again to
//! something else; storing a value under it would give that value to the wrong node.
//!
//! The disk key extends the structural key (which names every operation below the node and
//! every leaf's content) with the code fingerprints of the annotated functions below it and
//! the program's salt: editing one of those functions misses every value computed through
//! it, not only its own.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::node::Node;
use super::value::Erased;
use crate::key::{BuildKeyHasher, Key};
use crate::op::{Persisted, Persistence};
use crate::persist;

/// The code fingerprints below a node, by its key, or `None` for a node whose value is not
/// the same in every run. Lets a walk stop at a node it has seen, so a chain of cached
/// nodes costs one step per node rather than its length each.
type Below = HashMap<Key, Option<Arc<[[u8; 32]]>>, BuildKeyHasher>;

static BELOW: Mutex<Option<Below>> = Mutex::new(None);

/// More entries than this and the map starts over (each is ~100 bytes).
const BELOW_MAX: usize = 1 << 18;

/// Under [`Persistence::Auto`], a value is stored if computing it took at least this plus
/// [`AUTO_PER_BYTE`] per encoded byte: about what reading it back costs.
const AUTO_BASE: Duration = Duration::from_micros(200);
const AUTO_PER_BYTE: Duration = Duration::from_nanos(1);

/// How a node's values go to disk, if they may: its operation is cached, and it is a task
/// keyed by content over no input cell (checked here; what is below it, by [`disk_key`]).
pub(crate) fn candidate(node: &Node) -> Option<&'static Persisted> {
    let persisted = node.op.persisted()?;
    (!node.is_leaf() && node.is_interned() && !node.is_volatile()).then_some(persisted)
}

/// The key `node`'s value is stored under, or `None` if its value may differ between runs.
fn disk_key(node: &Node) -> Option<[u8; 32]> {
    let codes = codes_below(node)?;
    // The context names the runtime's own arithmetic: it changes whenever a built-in
    // operation computes other bits (v2: arrays' `tanh` became the vectorised one), so that
    // values stored by an older runtime miss instead of differing from a fresh run.
    let mut hasher = blake3::Hasher::new_derive_key("lazy disk cache node key v2");
    hasher.update(node.key.as_bytes());
    hasher.update(&(codes.len() as u64).to_le_bytes());
    for code in codes.iter() {
        hasher.update(code);
    }
    hasher.update(&persist::salt());
    Some(*hasher.finalize().as_bytes())
}

/// The code fingerprints of the operations at and below `root`, sorted, or `None` if a node
/// there is keyed by identity or over an input cell.
fn codes_below(root: &Node) -> Option<Arc<[[u8; 32]]>> {
    let mut guard = BELOW.lock().unwrap_or_else(PoisonError::into_inner);
    let below = guard.get_or_insert_with(Below::default);
    if let Some(known) = below.get(&root.key) {
        return known.clone();
    }
    // Walks node fields that never change (inputs, operation, flags): no node lock is
    // taken under the map's lock, and no user code runs.
    let mut codes = BTreeSet::new();
    let mut seen: HashSet<*const Node> = HashSet::new();
    let mut stack: Vec<&Node> = vec![root];
    let mut portable = true;
    while let Some(node) = stack.pop() {
        if !seen.insert(std::ptr::from_ref(node)) {
            continue;
        }
        if !node.is_interned() || node.is_volatile() {
            portable = false;
            break;
        }
        if !std::ptr::eq(node, root)
            && let Some(known) = below.get(&node.key)
        {
            let Some(list) = known else {
                portable = false;
                break;
            };
            codes.extend(list.iter().copied());
            continue;
        }
        if let Some(code) = node.op.code() {
            codes.insert(*code);
        }
        stack.extend(node.inputs.as_slice().iter().map(|input| &**input));
    }
    let result = portable.then(|| codes.into_iter().collect::<Arc<[_]>>());
    if below.len() >= BELOW_MAX {
        below.clear();
    }
    below.insert(root.key, result.clone());
    result
}

/// The value the program's cache holds for `node`, and how long reading it took, if the
/// node may be stored and a cache is open.
pub(crate) fn load(node: &Node) -> Option<(Erased, Duration)> {
    let persisted = candidate(node)?;
    let cache = persist::current()?;
    let started = Instant::now();
    let key = disk_key(node)?;
    match (persisted.get)(&cache, &key) {
        Ok(Some(value)) => {
            persist::note_loaded();
            Some((value, started.elapsed()))
        }
        Ok(None) => None,
        Err(e) => {
            persist::note_failure("cannot read", &e);
            None
        }
    }
}

/// Stores the value `node`'s task just computed, in `elapsed`, if the node may be stored,
/// a cache is open and the operation's [`Persistence`] says it is worth it. Counts the run
/// either way. Runs on the thread that ran the task, after the value was stored in the
/// node (its readers do not wait for the write).
pub(crate) fn store(node: &Node, value: &Erased, elapsed: Duration) {
    let Some(persisted) = candidate(node) else {
        return;
    };
    persist::note_computed();
    let Some(cache) = persist::current() else {
        return;
    };
    let Some(key) = disk_key(node) else {
        return;
    };
    let mut worth = |len: usize| match persisted.mode {
        Persistence::Always => true,
        Persistence::Auto => {
            let per_byte = u32::try_from(len).map_or(Duration::MAX, |len| AUTO_PER_BYTE * len);
            elapsed >= AUTO_BASE.saturating_add(per_byte)
        }
    };
    match (persisted.put)(&cache, &key, &**value, &mut worth) {
        Some(Ok(stored)) => persist::note_stored(stored),
        Some(Err(e)) => persist::note_failure("cannot store a value", &e),
        None => persist::note_failure(
            "a value is not of its operation's declared type",
            &format_args!(
                "`{}` was declared to return `{}`",
                node.name(),
                persisted.type_name
            ),
        ),
    }
}
