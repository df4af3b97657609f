//! What a plan adds while it runs: the tasks of each branch a conditional chooses (a
//! segment), and the arena that owns those branches' nodes while the plan lives.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use super::tasks::Tasks;
use crate::graph::Node;

/// Chunk `c` of an [`Arena`] has `FIRST << c` slots, so 32 chunks hold more nodes than
/// task numbers exist, and finding a slot takes one logarithm.
const FIRST: usize = 16;
const CHUNKS: usize = 32;

type Chunk = Box<[OnceLock<Arc<Node>>]>;

/// Nodes kept for as long as the arena lives, each at an address that does not move:
/// the branches a running plan adds, which its new tasks borrow, as its first tasks borrow
/// the requested nodes.
pub(crate) struct Arena {
    chunks: [OnceLock<Chunk>; CHUNKS],
    next: AtomicUsize,
}

impl Arena {
    pub(crate) fn new() -> Arena {
        Arena {
            chunks: [const { OnceLock::new() }; CHUNKS],
            next: AtomicUsize::new(0),
        }
    }

    /// Keeps `node` until the arena is dropped.
    pub(super) fn keep(&self, node: Arc<Node>) -> &Arc<Node> {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        // Chunk `c` starts at slot FIRST * (2^c - 1).
        let c = (i / FIRST + 1).ilog2() as usize;
        let at = i - FIRST * ((1 << c) - 1);
        let chunk =
            self.chunks[c].get_or_init(|| (0..FIRST << c).map(|_| OnceLock::new()).collect());
        let slot = &chunk[at];
        assert!(slot.set(node).is_ok(), "an arena slot is taken once");
        slot.get().expect("just set")
    }
}

/// The tasks of a branch a conditional chose while the plan ran. They are numbered
/// `start..start + len` in the plan, and `start + len` is the task that resumes the
/// conditional, reported ready when the branch's task has run.
pub(super) struct Segment<'a> {
    pub(super) tasks: Tasks<'a>,
    pub(super) start: u32,
    /// Its place in [`Segments`].
    pub(super) place: usize,
    /// The branch's task, among `tasks`.
    pub(super) root: usize,
    /// Where the conditional is: the segment (by its place in [`Segments`]) or, for
    /// `None`, the plan's first tasks; and its number there.
    pub(super) parent: Option<usize>,
    pub(super) conditional: usize,
    /// How many conditionals wait one inside the other at this segment.
    pub(super) depth: u32,
}

impl Segment<'_> {
    /// The number of the task that resumes the conditional.
    pub(super) fn resume_id(&self) -> u32 {
        self.start + self.len()
    }

    fn len(&self) -> u32 {
        u32::try_from(self.tasks.len()).expect("task numbers fit in 32 bits")
    }
}

/// The segments of a plan, in the order of their task numbers. Kept as a list of shared
/// segments, so that a task runs without a lock held.
pub(super) struct Segments<'a> {
    /// The next free task number, and the segments.
    inner: RwLock<(u32, Vec<Arc<Segment<'a>>>)>,
}

impl<'a> Segments<'a> {
    /// No segments; task numbers from `first` are free.
    pub(super) fn new(first: usize) -> Segments<'a> {
        let first = u32::try_from(first).expect("task numbers fit in 32 bits");
        Segments {
            inner: RwLock::new((first, Vec::new())),
        }
    }

    /// How many task numbers are taken.
    pub(super) fn end(&self) -> usize {
        self.inner.read().unwrap_or_else(PoisonError::into_inner).0 as usize
    }

    /// Adds the segment `make` makes of its first task number and its place in the list.
    pub(super) fn add(&self, make: impl FnOnce(u32, usize) -> Segment<'a>) -> Arc<Segment<'a>> {
        let mut inner = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        let place = inner.1.len();
        let segment = Arc::new(make(inner.0, place));
        inner.0 = segment
            .resume_id()
            .checked_add(1)
            .expect("lazy: a plan holds fewer than 2^32 tasks");
        inner.1.push(Arc::clone(&segment));
        segment
    }

    /// The segment holding task number `id` (one past the first tasks of the plan).
    pub(super) fn find(&self, id: u32) -> Arc<Segment<'a>> {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        let after = inner.1.partition_point(|s| s.start <= id);
        Arc::clone(&inner.1[after - 1])
    }

    /// The segment at `place` in the list.
    pub(super) fn at(&self, place: usize) -> Arc<Segment<'a>> {
        let inner = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(&inner.1[place])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arena_slots_do_not_move_across_chunks() {
        let arena = Arena::new();
        let leaves: Vec<crate::Lazy<u64>> = (0..1000_u64).map(crate::Lazy::new).collect();
        let nodes: Vec<Arc<Node>> = leaves.iter().map(|l| Arc::clone(l.node())).collect();
        let kept: Vec<&Arc<Node>> = nodes.iter().map(|n| arena.keep(Arc::clone(n))).collect();
        for (node, kept) in nodes.iter().zip(kept) {
            assert!(Arc::ptr_eq(node, kept));
        }
    }
}
