//! Operations and their registry: what a task node computes, by name, and what the runtime
//! learns about each operation while it runs.
//!
//! Every operation (and every leaf type) has one [`Operation`] record, made the first time
//! its name is seen and kept for the life of the program. Nodes point at their record, so
//! what the runtime knows per operation (its display name, its digest, whether it is cheap,
//! when a spin task of it is usually ready) is one pointer away, with no table lookup on
//! the hot paths of building and running.
//!
//! Invariants:
//! - one record per full name: equal names at different addresses share a record;
//! - a record's `digest` depends only on its full name, so keys are the same in every
//!   process and every run;
//! - records are never freed: a program has finitely many operations.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, OnceLock, PoisonError};
use std::thread::LocalKey;
use std::time::Duration;

use crate::elementwise::Kernel;
use crate::key;
use crate::persist::{CacheError, DiskCache, Persist};

/// The identity of an operation: a function's full path with its generic arguments, an
/// operator with its operand types, or, for a method, field or struct literal of a
/// rewritten body, its label and types with the scope it was written in (which decides
/// what its names resolve to; `docs/semantics.md`, "Operation identity").
///
/// Two operations fold only when they run the same code, and the same code at two call
/// sites must fold: so never a closure's type name alone. Build task
/// nodes for an `Op` with [`crate::task::task`].
///
/// # Examples
///
/// ```
/// use lazy_runtime::task::Op;
///
/// let double = Op::function("app::double");
/// assert_eq!(double.name(), "app::double");
/// assert!(double.is_pure() && !Op::impure("app::now").is_pure());
/// ```
#[derive(Clone, Copy)]
pub struct Op {
    pub(crate) operation: &'static Operation,
    /// Impure operations build a fresh node at every call, never folded or reused.
    pub(crate) pure: bool,
}

impl Op {
    /// A pure operation: the same name applied to the same inputs is the same node.
    #[must_use]
    pub fn function(name: &'static str) -> Op {
        Op {
            operation: Operation::named(name),
            pure: true,
        }
    }

    /// An impure operation: every call builds a fresh node that is never folded or reused.
    #[must_use]
    pub fn impure(name: &'static str) -> Op {
        Op {
            operation: Operation::named(name),
            pure: false,
        }
    }

    /// A pure operation named `label<signature>` (`sqrt<fn(f64) -> f64>`), for the
    /// constructs of rewritten bodies, whose label and signature are static each.
    pub(crate) fn labelled(label: &'static str, signature: &'static str) -> Op {
        Op {
            operation: Operation::labelled(label, signature),
            pure: true,
        }
    }

    /// A pure operation whose static parts are `parts` (addresses, lengths and small
    /// numbers, which decide its name); `name` makes the name the first time these parts
    /// are seen. For the scoped constructs of rewritten bodies.
    pub(crate) fn scoped(parts: [usize; 14], name: impl FnOnce() -> String) -> Op {
        thread_local! {
            static CACHE: Cache<14> = RefCell::new(ByAddress::default());
        }
        let operation = cached(&CACHE, Words(parts), || {
            let name = name();
            (display_name(&name), name)
        });
        Op {
            operation,
            pure: true,
        }
    }

    /// Sets whether the values of this operation's nodes are kept in the memo store once
    /// released (see [`Memo`]). The setting belongs to the operation: every node of it,
    /// built before or after, follows it.
    #[must_use]
    pub fn memo(self, policy: Memo) -> Op {
        // Written only when it changes: generated code sets it at every call, from many
        // threads, and a store would pass the record's cache line between them.
        if self.operation.memo.load(Ordering::Relaxed) != policy as u8 {
            self.operation.memo.store(policy as u8, Ordering::Relaxed);
        }
        self
    }

    /// Stores this operation's values in the program's disk cache ([`crate::persist`]), so
    /// that a later run of the program (or another process on the same cache) takes them
    /// from there instead of running the task and what it reads. `T` is the type its tasks
    /// return. Inert while no cache is open ([`crate::persist::open`]).
    ///
    /// A value is stored under its node's structural key, extended by the code fingerprints
    /// of every annotated function below it and the program's salt
    /// ([`crate::persist::set_salt`]). An operation built with this API has no code
    /// fingerprint of its own: change the salt, or the operation's name, when its code
    /// changes. The first call for an operation decides `T` and `mode`.
    ///
    /// # Examples
    ///
    /// ```
    /// use lazy_runtime::task::{Op, Persistence};
    ///
    /// let op = Op::function("app::load").persisted::<Vec<f64>>(Persistence::Always);
    /// assert_eq!(op.name(), "app::load");
    /// ```
    #[must_use]
    pub fn persisted<T: Persist + Send + Sync + 'static>(self, mode: Persistence) -> Op {
        if self.operation.persist.get().is_none() {
            let _ = self.operation.persist.set(Persisted {
                mode,
                type_name: std::any::type_name::<T>(),
                put: put_erased::<T>,
                get: get_erased::<T>,
            });
        }
        self
    }

    /// Gives the operation its code fingerprint (a `#[lazy]` function's, from the macro),
    /// unless it has one already.
    fn with_code(self, code: Code) -> Op {
        if self.operation.code.get().is_none() {
            let _ = self.operation.code.set(code.digest());
        }
        self
    }

    /// Records what the operation computes per element, if it is element-wise (decided by
    /// `describe` from its types, once per operation), and returns the kernel.
    pub(crate) fn elementwise(
        self,
        describe: impl FnOnce() -> Option<Kernel>,
    ) -> Option<&'static Kernel> {
        self.operation.kernel.get_or_init(describe).as_ref()
    }

    /// The operation's name.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.operation.name
    }

    /// Whether equal calls fold into one node.
    #[must_use]
    pub fn is_pure(&self) -> bool {
        self.pure
    }
}

/// The operations of `#[lazy]` and `#[autodask]` functions, as the macros name them
/// (`__private::Op`): like [`Op`]'s, with the memo policy the attributes promise.
#[doc(hidden)]
#[derive(Debug)]
pub struct MacroOp;

impl MacroOp {
    /// A pure function's operation, its values always kept once released ([`Memo::Always`]),
    /// with the function's code fingerprint.
    #[must_use]
    pub fn function(name: &'static str, code: Code) -> Op {
        Op::function(name).memo(Memo::Always).with_code(code)
    }

    /// `#[lazy(no_memo)]`: a pure function whose values are never kept once released.
    #[must_use]
    pub fn unmemoized(name: &'static str, code: Code) -> Op {
        Op::function(name).memo(Memo::Never).with_code(code)
    }

    /// `#[lazy(impure)]`: a fresh node at every call.
    #[must_use]
    pub fn impure(name: &'static str) -> Op {
        Op::impure(name)
    }
}

impl std::fmt::Debug for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Op")
            .field("name", &self.operation.name)
            .field("pure", &self.pure)
            .finish()
    }
}

/// What the runtime knows about one operation (see the module docs).
pub(crate) struct Operation {
    /// The name users see: `app::square<i64>`, not the `app::square::__lazy_body<i64>` of
    /// the inner function the macros generate.
    pub(crate) name: &'static str,
    /// The digest of the full name, which keys the operation's nodes.
    pub(crate) digest: [u8; 32],
    /// Whether the operation was cheap the last time it ran (see [`Operation::is_cheap`]).
    cost: AtomicU8,
    /// The type its tasks return, as the first task built with it says (for messages).
    output: std::sync::OnceLock<&'static str>,
    /// For spin tasks: how long after its start a run was usually ready, in nanoseconds,
    /// smoothed over runs; 0 before the first.
    ready_after: AtomicU64,
    /// A [`Memo`] policy, as its discriminant.
    memo: AtomicU8,
    /// What the operation computes per element, for element-wise array operations: set
    /// once, from the operation's types, which its name spells.
    kernel: OnceLock<Option<Kernel>>,
    /// How its values are stored in the disk cache, if they are ([`Op::persisted`]).
    persist: OnceLock<Persisted>,
    /// The code fingerprint of an annotated function (see [`MacroOp::function`]).
    code: OnceLock<[u8; 32]>,
    /// The operation's position in the list of every operation, in the order they were
    /// made: how the recorder notes it (see [`Operation::by_id`]).
    pub(crate) id: u32,
}

/// When an operation's values are stored in the disk cache (see [`Op::persisted`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Persistence {
    /// Every value computed is stored (`#[lazy(cache)]`).
    #[default]
    Always,
    /// A value is stored only when computing it took longer than reading it back would: at
    /// least 200 µs plus one nanosecond per encoded byte (`#[lazy(cache(auto))]`).
    Auto,
}

/// How one operation's values go to and come from the disk cache: its value type's codec,
/// behind functions that take values type-erased.
pub(crate) struct Persisted {
    pub(crate) mode: Persistence,
    /// The type the operation's values must have (for messages).
    pub(crate) type_name: &'static str,
    /// Stores a value (`None` when it is not of the declared type) under a key.
    pub(crate) put: PutErased,
    /// The value stored under a key, if any.
    pub(crate) get: GetErased,
}

/// A value as [`Persisted::put`] takes it.
pub(crate) type AnyValue = dyn std::any::Any + Send + Sync;
/// Stores a value if the function it is given says its encoded length is worth it; `None`
/// when the value is not of the declared type, else the length stored, if stored.
type PutErased = fn(
    &DiskCache,
    &[u8; 32],
    &AnyValue,
    &mut dyn FnMut(usize) -> bool,
) -> Option<Result<Option<usize>, CacheError>>;
type GetErased = fn(&DiskCache, &[u8; 32]) -> Result<Option<std::sync::Arc<AnyValue>>, CacheError>;

fn put_erased<T: Persist + 'static>(
    cache: &DiskCache,
    key: &[u8; 32],
    value: &AnyValue,
    worth: &mut dyn FnMut(usize) -> bool,
) -> Option<Result<Option<usize>, CacheError>> {
    let value = value.downcast_ref::<T>()?;
    Some(cache.put_if::<T, T::Codec>(key, value, worth))
}

fn get_erased<T: Persist + Send + Sync + 'static>(
    cache: &DiskCache,
    key: &[u8; 32],
) -> Result<Option<std::sync::Arc<AnyValue>>, CacheError> {
    Ok(cache
        .get_value::<T>(key)?
        .map(|value| std::sync::Arc::new(value) as std::sync::Arc<AnyValue>))
}

/// An annotated function's code fingerprint, as the macros emit it
/// (`__private::Code`): the digest of its tokens and salt, which the macro computed, and
/// the crate it is in, which the compiler names.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct Code {
    /// The macro's digest of the function's signature and body tokens and its salt, in
    /// hexadecimal.
    pub tokens: &'static str,
    /// `CARGO_PKG_NAME` of the crate, when built by cargo.
    pub krate: Option<&'static str>,
    /// `CARGO_PKG_VERSION` of the crate, when built by cargo.
    pub version: Option<&'static str>,
}

impl Code {
    /// The fingerprint: one digest of all three parts.
    fn digest(self) -> [u8; 32] {
        let mut hasher = blake3::Hasher::new_derive_key("lazy code fingerprint v1");
        for part in [Some(self.tokens), self.krate, self.version] {
            let part = part.unwrap_or("");
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        *hasher.finalize().as_bytes()
    }
}

/// Whether released values of an operation's nodes are kept in the memo store
/// ([`lazy_runtime::memo`](crate::memo)), so that a node built again later takes its value
/// from there instead of running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum Memo {
    /// Kept if a run took at least a microsecond: cheaper runs cost less than keeping them.
    /// The default for operations built with the task API.
    #[default]
    Auto = 0,
    /// Always kept (within the budget). What `#[lazy]` and `#[autodask]` functions do.
    Always = 1,
    /// Never kept: values too large or too cheap to be worth it (`#[lazy(no_memo)]`).
    Never = 2,
}

const UNKNOWN: u8 = 0;
const CHEAP: u8 = 1;
const EXPENSIVE: u8 = 2;

/// Below this, a task is not worth a hand-off to another thread (a rayon spawn and the
/// cache misses of moving its inputs cost a few microseconds).
pub(crate) const CHEAP_RUN: Duration = Duration::from_micros(10);

impl Operation {
    /// Every operation made so far, by [`Operation::id`].
    pub(crate) fn by_id() -> Vec<&'static Operation> {
        every().clone()
    }

    /// Records the type the operation's tasks return, unless it is known already.
    #[inline]
    pub(crate) fn note_output(&self, type_name: &'static str) {
        if self.output.get().is_none() {
            let _ = self.output.set(type_name);
        }
    }

    /// The type the operation's tasks return, if a task built with it said.
    pub(crate) fn output_type(&self) -> Option<&'static str> {
        self.output.get().copied()
    }

    /// The record for `name`, made on first use.
    pub(crate) fn named(name: &'static str) -> &'static Operation {
        thread_local! {
            static CACHE: Cache<2> = RefCell::new(ByAddress::default());
        }
        cached(&CACHE, Words([name.as_ptr() as usize, name.len()]), || {
            (display_name(name), name.to_owned())
        })
    }

    /// The record for the operation named `label<signature>`.
    fn labelled(label: &'static str, signature: &'static str) -> &'static Operation {
        thread_local! {
            static CACHE: Cache<4> = RefCell::new(ByAddress::default());
        }
        let id = Words([
            label.as_ptr() as usize,
            label.len(),
            signature.as_ptr() as usize,
            signature.len(),
        ]);
        cached(&CACHE, id, || {
            let name = format!("{label}<{signature}>");
            (short_array_types(&name), name)
        })
    }

    /// Whether a task of this operation is known to be cheap: it took under [`CHEAP_RUN`]
    /// the last time it ran. Unknown operations are taken for expensive, so the first run
    /// of an operation is parallel if the graph allows it.
    pub(crate) fn is_cheap(&self) -> bool {
        self.cost.load(Ordering::Relaxed) == CHEAP
    }

    /// Records how long a run took. The verdict is written only when it changes, so that
    /// threads running the same operation do not pass its cache line back and forth.
    pub(crate) fn record_run(&self, elapsed: Duration) {
        let verdict = if elapsed < CHEAP_RUN {
            CHEAP
        } else {
            EXPENSIVE
        };
        if self.cost.load(Ordering::Relaxed) != verdict {
            self.cost.store(verdict, Ordering::Relaxed);
        }
    }

    /// Whether this operation's released values are kept in the memo store.
    pub(crate) fn memo(&self) -> Memo {
        match self.memo.load(Ordering::Relaxed) {
            1 => Memo::Always,
            2 => Memo::Never,
            _ => Memo::Auto,
        }
    }

    /// How the operation's values are stored in the disk cache, if they are.
    pub(crate) fn persisted(&self) -> Option<&Persisted> {
        self.persist.get()
    }

    /// The code fingerprint of an annotated function's operation.
    pub(crate) fn code(&self) -> Option<&[u8; 32]> {
        self.code.get()
    }

    /// What the operation computes per element, if it is element-wise.
    pub(crate) fn kernel(&self) -> Option<&Kernel> {
        self.kernel.get().and_then(Option::as_ref)
    }

    /// How long after its start a spin task of this operation is usually ready.
    pub(crate) fn ready_after(&self) -> Option<Duration> {
        match self.ready_after.load(Ordering::Relaxed) {
            0 => None,
            nanos => Some(Duration::from_nanos(nanos)),
        }
    }

    /// Learns from one run of a spin task that was ready `after` its start. Two runs
    /// finishing at once may both average with the same old value: the smoothing is a
    /// hint, and losing one sample of it is harmless.
    pub(crate) fn learn_ready_after(&self, after: Duration) {
        let nanos = u64::try_from(after.as_nanos()).unwrap_or(u64::MAX).max(1);
        let smoothed = match self.ready_after.load(Ordering::Relaxed) {
            0 => nanos,
            old => old / 2 + nanos / 2,
        };
        self.ready_after.store(smoothed.max(1), Ordering::Relaxed);
    }

    /// The record whose display name is `name`, if one exists (a slow search, for the
    /// public queries of what was learned).
    pub(crate) fn find(name: &str) -> Option<&'static Operation> {
        registry().values().copied().find(|op| op.name == name)
    }
}

/// A static name's identity by address: the addresses and lengths of its static parts (a
/// name; a label and a signature; a scoped construct's parts). Generated code passes the
/// same `&'static str`s on every call, and looking them up by address costs one
/// multiplication per word where hashing the text would cost as much as building the node.
#[derive(PartialEq, Eq)]
struct Words<const N: usize>([usize; N]);

impl<const N: usize> Hash for Words<N> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Word by word: an array would hash as one run of bytes, a multiplication each.
        for &word in &self.0 {
            state.write_usize(word);
        }
    }
}

/// One thread's records by the addresses of their names' parts.
type Cache<const N: usize> = RefCell<ByAddress<Words<N>, &'static Operation>>;

/// The record for the name whose parts are `id`: from this thread's `cache`, else from the
/// registry by the full name (`make` gives the display name and the full name), else a new
/// one.
fn cached<const N: usize>(
    cache: &'static LocalKey<Cache<N>>,
    id: Words<N>,
    make: impl FnOnce() -> (String, String),
) -> &'static Operation {
    if let Some(found) = cache.with(|cache| cache.borrow().get(&id).copied()) {
        return found;
    }
    let (shown, full) = make();
    let operation = *registry().entry(full).or_insert_with_key(|full| {
        let mut all = every();
        let operation: &'static Operation = Box::leak(Box::new(Operation {
            name: Box::leak(shown.into_boxed_str()),
            digest: key::of_name(full),
            cost: AtomicU8::new(UNKNOWN),
            memo: AtomicU8::new(Memo::Auto as u8),
            output: std::sync::OnceLock::new(),
            ready_after: AtomicU64::new(0),
            kernel: OnceLock::new(),
            persist: OnceLock::new(),
            code: OnceLock::new(),
            id: u32::try_from(all.len()).expect("fewer than 2^32 operations"),
        }));
        all.push(operation);
        operation
    });
    cache.with(|cache| cache.borrow_mut().insert(id, operation));
    operation
}

/// Every record, by [`Operation::id`]. Grown only under the registry's lock, so ids follow
/// the order of the list.
fn every() -> std::sync::MutexGuard<'static, Vec<&'static Operation>> {
    static EVERY: Mutex<Vec<&'static Operation>> = Mutex::new(Vec::new());
    EVERY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Every record, by full name. Consulted only on a thread's first use of a name.
fn registry() -> std::sync::MutexGuard<'static, HashMap<String, &'static Operation>> {
    static REGISTRY: LazyLock<Mutex<HashMap<String, &'static Operation>>> =
        LazyLock::new(Mutex::default);
    REGISTRY.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The function's own path for an annotated function: `app::square<i64>`, not the
/// `app::square::__lazy_body<i64>` of the inner function the macros generate.
fn display_name(name: &str) -> String {
    const INNER: &str = "::__lazy_body";
    match name.find(INNER) {
        Some(at) => format!("{}{}", &name[..at], &name[at + INNER.len()..]),
        None => name.to_owned(),
    }
}

/// `name` with ndarray's owned array types spelled as users write them: `Array<f64, Ix1>`
/// for `ndarray::ArrayBase<ndarray::data_repr::OwnedRepr<f64>, ndarray::dimension::dim::Dim<[usize; 1]>>`,
/// so that an error naming an array operation fits on a line.
fn short_array_types(name: &str) -> String {
    const ARRAY: &str = "ndarray::ArrayBase<ndarray::data_repr::OwnedRepr<";
    const DIM: &str = ">, ndarray::dimension::dim::Dim<";
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find(ARRAY) {
        out.push_str(&rest[..at]);
        let after = &rest[at + ARRAY.len()..];
        // `T>, ndarray::dimension::dim::Dim<D>>`, or `..., T>` where the element type is
        // repeated as a third parameter.
        let parsed = after.split_once(DIM).and_then(|(elem, tail)| {
            let (dim, tail) = if let Some(tail) =
                tail.strip_prefix("ndarray::dimension::dynindeximpl::IxDynImpl>")
            {
                (String::from("IxDyn"), tail)
            } else {
                let tail = tail.strip_prefix("[usize; ")?;
                let (n, tail) = tail.split_once("]>")?;
                (format!("Ix{n}"), tail)
            };
            let tail = tail.strip_prefix('>').or_else(|| {
                tail.strip_prefix(", ")
                    .and_then(|t| t.strip_prefix(elem)?.strip_prefix('>'))
            })?;
            Some((format!("Array<{elem}, {dim}>"), tail))
        });
        if let Some((short, tail)) = parsed {
            out.push_str(&short);
            rest = tail;
        } else {
            out.push_str(&rest[at..at + ARRAY.len()]);
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A map keyed by addresses of static data (names, nodes).
pub(crate) type ByAddress<K, V> = HashMap<K, V, BuildHasherDefault<AddressHasher>>;

/// Hashes addresses and lengths by one multiplication per word: the default hasher
/// (`SipHash`) costs more than the rest of the lookups these maps serve.
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

#[cfg(test)]
mod tests {
    use super::{Op, Operation};

    #[test]
    fn equal_names_at_different_addresses_share_one_record() {
        let a: &'static str = Box::leak(String::from("op::tests::same").into_boxed_str());
        let b: &'static str = Box::leak(String::from("op::tests::same").into_boxed_str());
        assert!(std::ptr::eq(Operation::named(a), Operation::named(b)));
        assert!(std::ptr::eq(
            Op::labelled("sqrt", "fn(f64) -> f64").operation,
            Op::function("sqrt<fn(f64) -> f64>").operation
        ));
    }

    #[test]
    fn generated_inner_functions_show_the_annotated_name() {
        let op = Op::function("app::square::__lazy_body<i64>");
        assert_eq!(op.name(), "app::square<i64>");
        // The digest still comes from the full name.
        assert_ne!(
            op.operation.digest,
            Op::function("app::square<i64>").operation.digest
        );
    }

    #[test]
    fn array_types_show_as_users_write_them() {
        let name = "add<fn(ndarray::ArrayBase<ndarray::data_repr::OwnedRepr<f64>, \
                    ndarray::dimension::dim::Dim<[usize; 1]>>, f64) -> \
                    ndarray::ArrayBase<ndarray::data_repr::OwnedRepr<f64>, \
                    ndarray::dimension::dim::Dim<ndarray::dimension::dynindeximpl::IxDynImpl>>>";
        assert_eq!(
            super::short_array_types(name),
            "add<fn(Array<f64, Ix1>, f64) -> Array<f64, IxDyn>>"
        );
    }

    #[test]
    fn the_cost_verdict_follows_the_last_run() {
        let op = Operation::named("op::tests::cost");
        assert!(!op.is_cheap());
        op.record_run(std::time::Duration::from_nanos(10));
        assert!(op.is_cheap());
        op.record_run(std::time::Duration::from_millis(1));
        assert!(!op.is_cheap());
    }
}
