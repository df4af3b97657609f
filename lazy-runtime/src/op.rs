//! Operation identity: what a task node computes, by name.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{LazyLock, Mutex, PoisonError};

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
        let (name, digest) = identity(name);
        Op {
            name,
            digest: Some(digest),
        }
    }

    /// An impure operation: every call builds a fresh node that is never folded or reused.
    #[must_use]
    pub fn impure(name: &'static str) -> Op {
        Op {
            name: identity(name).0,
            digest: None,
        }
    }

    /// The operation's name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }
}

/// An operation's display name and digest.
type Identity = (&'static str, [u8; 32]);

/// The display name and digest of an operation, cached per thread by the name's address:
/// generated code passes the same `&'static str` (from `type_name`) on every call, and
/// hashing it each time would cost as much as building the node.
fn identity(name: &'static str) -> Identity {
    thread_local! {
        static CACHE: RefCell<ByAddress<(usize, usize), Identity>> =
            RefCell::new(ByAddress::default());
    }
    let id = (name.as_ptr() as usize, name.len());
    CACHE.with(|cache| {
        *cache
            .borrow_mut()
            .entry(id)
            .or_insert_with(|| (display_name(name), key::of_name(name)))
    })
}

/// The function's own path for an annotated function: `app::square<i64>`, not the
/// `app::square::__lazy_body<i64>` of the inner function the macros generate. Interned, so
/// each distinct name is allocated once per process.
fn display_name(name: &'static str) -> &'static str {
    const INNER: &str = "::__lazy_body";
    static NAMES: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(Mutex::default);
    let Some(at) = name.find(INNER) else {
        return name;
    };
    let shown = format!("{}{}", &name[..at], &name[at + INNER.len()..]);
    let mut names = NAMES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(existing) = names.get(shown.as_str()) {
        return existing;
    }
    let leaked: &'static str = Box::leak(shown.into_boxed_str());
    names.insert(leaked);
    leaked
}

/// A map keyed by the address (and length) of a `&'static str`, as an operation's name.
pub(crate) type ByAddress<K, V> = HashMap<K, V, BuildHasherDefault<AddressHasher>>;

/// Hashes addresses and lengths by one multiplication per word: the default hasher (`SipHash`)
/// costs more than the rest of the lookups these maps serve on every node built and run.
#[derive(Default)]
pub(crate) struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_usize(&mut self, n: usize) {
        // Names are 1-byte aligned, so every bit of an address counts; the rotation brings
        // the well-mixed high bits down to where hashbrown takes its bucket index.
        self.0 = (self.0 ^ n as u64)
            .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            .rotate_left(26);
    }
}
