//! A node's inputs, and what a node over an input cell records of its readers. Generic
//! over the node type `N`, so that this file does not depend on the node that holds it
//! (`node.rs` names the instances: `Inputs`, `NodeInputs`, `Volatile`).

use std::mem;
use std::sync::{Arc, Mutex, Weak};

use super::value::SameValue;

/// A node's inputs, stored inline when there are at most two (nearly every operation), so
/// that building a node allocates once.
pub(crate) enum Inputs<N> {
    Zero,
    One([Arc<N>; 1]),
    Two([Arc<N>; 2]),
    Many(Box<[Arc<N>]>),
}

impl<N> Inputs<N> {
    pub(crate) fn as_slice(&self) -> &[Arc<N>] {
        match self {
            Inputs::Zero => &[],
            Inputs::One(one) => one,
            Inputs::Two(two) => two,
            Inputs::Many(many) => many,
        }
    }
}

/// A node's inputs as the node keeps them, with how many of them are strict (computed
/// before its task runs; the rest are handed to it unforced) and whether the node has a
/// folding-table entry. The count and the flag sit in the padding after the variant's tag,
/// so they take no room of their own: a node is 16 bytes smaller, one allocator size class,
/// than with them as fields of their own (see `Node`'s layout test).
///
/// Invariant: `strict <= as_slice().len()`, and moving the inputs out keeps the flag.
pub(crate) enum NodeInputs<N> {
    Zero {
        interned: bool,
    },
    One {
        strict: u32,
        interned: bool,
        nodes: [Arc<N>; 1],
    },
    Two {
        strict: u32,
        interned: bool,
        nodes: [Arc<N>; 2],
    },
    Many {
        strict: u32,
        interned: bool,
        nodes: Box<[Arc<N>]>,
    },
}

impl<N> NodeInputs<N> {
    /// `inputs`, of which the first `strict` are strict.
    pub(super) fn new(inputs: Inputs<N>, strict: usize, interned: bool) -> NodeInputs<N> {
        debug_assert!(
            strict <= inputs.as_slice().len(),
            "more strict inputs than inputs"
        );
        let strict = u32::try_from(strict).expect("lazy: internal error: over 2^32 inputs");
        match inputs {
            Inputs::Zero => NodeInputs::Zero { interned },
            Inputs::One(nodes) => NodeInputs::One {
                strict,
                interned,
                nodes,
            },
            Inputs::Two(nodes) => NodeInputs::Two {
                strict,
                interned,
                nodes,
            },
            Inputs::Many(nodes) => NodeInputs::Many {
                strict,
                interned,
                nodes,
            },
        }
    }

    /// No inputs (a leaf's).
    pub(super) fn none(interned: bool) -> NodeInputs<N> {
        NodeInputs::Zero { interned }
    }

    pub(crate) fn as_slice(&self) -> &[Arc<N>] {
        match self {
            NodeInputs::Zero { .. } => &[],
            NodeInputs::One { nodes, .. } => nodes,
            NodeInputs::Two { nodes, .. } => nodes,
            NodeInputs::Many { nodes, .. } => nodes,
        }
    }

    /// How many of the inputs, first in order, are strict.
    pub(super) fn strict(&self) -> usize {
        match self {
            NodeInputs::Zero { .. } => 0,
            NodeInputs::One { strict, .. }
            | NodeInputs::Two { strict, .. }
            | NodeInputs::Many { strict, .. } => *strict as usize,
        }
    }

    /// Whether the node has a folding-table entry.
    pub(super) fn interned(&self) -> bool {
        match self {
            NodeInputs::Zero { interned }
            | NodeInputs::One { interned, .. }
            | NodeInputs::Two { interned, .. }
            | NodeInputs::Many { interned, .. } => *interned,
        }
    }

    /// Moves the inputs onto `out`, leaving none (and the flag as it was).
    #[inline]
    pub(super) fn move_into(&mut self, out: &mut Vec<Arc<N>>) {
        let interned = self.interned();
        match mem::replace(self, NodeInputs::Zero { interned }) {
            NodeInputs::Zero { .. } => {}
            NodeInputs::One { nodes, .. } => out.extend(nodes),
            NodeInputs::Two { nodes, .. } => out.extend(nodes),
            NodeInputs::Many { nodes, .. } => out.extend(nodes),
        }
    }
}

/// What only a node over an input cell needs (see `Node::volatile`).
pub(crate) struct Volatile<N> {
    /// Readers of this node, so that setting an input can invalidate them.
    pub(crate) dependents: Mutex<Vec<Weak<N>>>,
    /// Whether two values are equal, for early cut-off.
    pub(crate) same: Option<SameValue>,
}

impl<N> Volatile<N> {
    pub(crate) fn new(same: Option<SameValue>) -> Volatile<N> {
        Volatile {
            dependents: Mutex::new(Vec::new()),
            same,
        }
    }
}
