//! The marks a plan leaves on the nodes it visits while it is built (see `Node::mark`):
//! which plan a mark belongs to, and the slots a plan keeps aside when another plan being
//! built at the same time still needs a node's mark.

use crate::graph::Node;
use crate::op::ByAddress;

/// The mark slot of a node entered but whose inputs are not all visited yet.
pub(super) const VISITING: u32 = u32::MAX;
/// The mark slot of a node computed already: not a task.
pub(super) const READY: u32 = u32::MAX - 1;

/// The plans being built right now, so that a plan does not take over the marks another
/// one still needs.
mod building {
    use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
    use std::sync::{Mutex, PoisonError};

    static IDS: Mutex<Vec<u32>> = Mutex::new(Vec::new());
    static COUNT: AtomicUsize = AtomicUsize::new(0);

    /// A plan being built, with its id; unregistered when dropped.
    pub(super) struct Registration {
        pub(super) id: u32,
    }

    impl Registration {
        pub(super) fn new() -> Registration {
            let id = next_id();
            IDS.lock().unwrap_or_else(PoisonError::into_inner).push(id);
            COUNT.fetch_add(1, Ordering::SeqCst);
            Registration { id }
        }
    }

    impl Drop for Registration {
        fn drop(&mut self) {
            IDS.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|&id| id != self.id);
            COUNT.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Whether another plan is being built now.
    pub(super) fn others() -> bool {
        COUNT.load(Ordering::SeqCst) > 1
    }

    pub(super) fn is_building(id: u32) -> bool {
        IDS.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&id)
    }

    /// Each plan's id, for its marks; 0 is never used, so a node's initial mark is no
    /// plan's.
    fn next_id() -> u32 {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        loop {
            let id = NEXT.fetch_add(1, Ordering::Relaxed);
            if id != 0 {
                return id;
            }
        }
    }
}

/// The marks of a plan while it is built (see `Node::mark`): its registration among the
/// plans being built, which names its marks, and the slots it keeps aside. Dropped when the
/// plan is built: its marks are not read again, and other plans may take them over.
pub(super) struct Marks {
    registration: building::Registration,
    /// Slots of nodes whose mark another plan, built at the same time, still needs; keyed
    /// by the node's address.
    side: ByAddress<usize, u32>,
}

impl Marks {
    pub(super) fn new() -> Marks {
        Marks {
            registration: building::Registration::new(),
            side: ByAddress::default(),
        }
    }

    /// Records what `node` is in this plan: a task id, [`VISITING`] or [`READY`].
    ///
    /// When no other plan is being built, the mark is simply written. Otherwise a mark that
    /// belongs to another plan still being built is left alone (overwriting it would make
    /// that plan visit the node again, and the nodes below it, which in a lattice grows
    /// exponentially), and this plan keeps the node's slot in `side` instead.
    #[inline]
    pub(super) fn set(&mut self, node: &Node, slot: u32) {
        let mine = u64::from(self.registration.id) << 32 | u64::from(slot);
        if !building::others() {
            node.set_mark(mine);
            return;
        }
        let mut seen = node.mark();
        loop {
            let owner = (seen >> 32) as u32;
            if owner != self.registration.id && building::is_building(owner) {
                self.side.insert(std::ptr::from_ref(node) as usize, slot);
                return;
            }
            match node.replace_mark(seen, mine) {
                Ok(()) => return,
                Err(now) => seen = now,
            }
        }
    }

    /// The slot this plan recorded for `node`, if any.
    #[inline]
    pub(super) fn get(&self, node: &Node) -> Option<u32> {
        let mark = node.mark();
        #[allow(clippy::cast_possible_truncation, reason = "the low half is the slot")]
        if (mark >> 32) as u32 == self.registration.id {
            Some(mark as u32)
        } else {
            self.side.get(&(std::ptr::from_ref(node) as usize)).copied()
        }
    }
}
