//! Values as the graph holds them: type-erased, shared, and handed to tasks in order. What
//! a task's function receives with them is `node::TaskInput`, since it
//! names nodes.

use std::any::Any;
use std::sync::Arc;

/// A computed value, type-erased. Values are shared, never copied, between a node and the
/// tasks that read it; a task that is an input's last reader receives the only reference.
pub(crate) type Erased = Arc<dyn Any + Send + Sync>;

/// Whether two values of a node are equal, for early cut-off after an input changed.
pub(crate) type SameValue = Box<dyn Fn(&Erased, &Erased) -> bool + Send + Sync>;

/// Values handed over in order, read once each: a task's input values, or the results of a
/// force. The first two are stored inline, so that running a task of one or two inputs
/// allocates nothing for them.
#[derive(Default)]
pub(crate) struct InputValues {
    first: [Option<Erased>; 2],
    rest: Vec<Option<Erased>>,
    len: usize,
    /// How many have been read.
    read: usize,
}

impl InputValues {
    pub(crate) fn push(&mut self, value: Erased) {
        match self.first.get_mut(self.len) {
            Some(slot) => *slot = Some(value),
            None => self.rest.push(Some(value)),
        }
        self.len += 1;
    }

    /// How many are left to read.
    pub(crate) fn remaining(&self) -> usize {
        self.len - self.read
    }
}

impl Iterator for InputValues {
    type Item = Erased;

    fn next(&mut self) -> Option<Erased> {
        let i = self.read;
        if i == self.len {
            return None;
        }
        self.read += 1;
        match self.first.get_mut(i) {
            Some(slot) => slot.take(),
            None => self.rest[i - 2].take(),
        }
    }
}

impl From<Vec<Erased>> for InputValues {
    fn from(values: Vec<Erased>) -> InputValues {
        let mut out = InputValues::default();
        for value in values {
            out.push(value);
        }
        out
    }
}
