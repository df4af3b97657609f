//! A node's inputs, and what a node over an input cell records of its readers.

use std::mem;
use std::sync::{Arc, Mutex, Weak};

use super::node::Node;
use super::value::SameValue;

/// A node's inputs, stored inline when there are at most two (nearly every operation), so
/// that building a node allocates once.
#[derive(Default)]
pub(crate) enum Inputs {
    #[default]
    Zero,
    One([Arc<Node>; 1]),
    Two([Arc<Node>; 2]),
    Many(Box<[Arc<Node>]>),
}

impl Inputs {
    pub(crate) fn as_slice(&self) -> &[Arc<Node>] {
        match self {
            Inputs::Zero => &[],
            Inputs::One(one) => one,
            Inputs::Two(two) => two,
            Inputs::Many(many) => many,
        }
    }

    /// Moves the inputs onto `out`, leaving none.
    pub(super) fn move_into(&mut self, out: &mut Vec<Arc<Node>>) {
        match mem::take(self) {
            Inputs::Zero => {}
            Inputs::One(one) => out.extend(one),
            Inputs::Two(two) => out.extend(two),
            Inputs::Many(many) => out.extend(many),
        }
    }
}

/// What only a node over an input cell needs (see [`Node::volatile`]).
pub(crate) struct Volatile {
    /// Readers of this node, so that setting an input can invalidate them.
    pub(crate) dependents: Mutex<Vec<Weak<Node>>>,
    /// Whether two values are equal, for early cut-off.
    pub(crate) same: Option<SameValue>,
}

impl Volatile {
    pub(crate) fn new(same: Option<SameValue>) -> Volatile {
        Volatile {
            dependents: Mutex::new(Vec::new()),
            same,
        }
    }
}
