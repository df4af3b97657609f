//! Operation identity: what a task node computes, by name.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::key;

/// The identity of an operation: a function's full path with its generic arguments, an
/// operator with its operand types, or a method name with receiver and argument types.
///
/// Never a closure's type name: two call sites of the same code must fold.
#[derive(Clone, Copy, Debug)]
pub struct Op {
    pub(crate) name: &'static str,
    /// `None` for impure operations, whose every call is a new node.
    pub(crate) digest: Option<[u8; 32]>,
}

impl Op {
    /// A pure operation: the same name applied to the same inputs is the same node.
    #[must_use]
    pub fn function(name: &'static str) -> Op {
        Op {
            name,
            digest: Some(digest(name)),
        }
    }

    /// An impure operation: every call builds a fresh node that is never folded or reused.
    #[must_use]
    pub fn impure(name: &'static str) -> Op {
        Op { name, digest: None }
    }

    /// The operation's name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// The digest of a name, cached per thread by the name's address: generated code passes
/// the same `&'static str` (from `type_name`) on every call, and hashing it each time would
/// cost as much as building the node.
fn digest(name: &'static str) -> [u8; 32] {
    thread_local! {
        static CACHE: RefCell<HashMap<(usize, usize), [u8; 32]>> = RefCell::new(HashMap::new());
    }
    let id = (name.as_ptr() as usize, name.len());
    CACHE.with(|cache| {
        *cache
            .borrow_mut()
            .entry(id)
            .or_insert_with(|| key::of_name(name))
    })
}
