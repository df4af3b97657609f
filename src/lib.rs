//! Lazy evaluation for ordinary Rust functions.
//!
//! # The story
//!
//! Here is daisy's example, eagerly: `g` computes `a + b` twice and adds the results.
//!
//! ```
//! use ndarray::Array1;
//! type Arr = Array1<i64>;
//!
//! fn f(a: &Arr, b: &Arr) -> Arr { a + b }
//! fn g(a: &Arr, b: &Arr) -> Arr { f(&f(a, b), &f(a, b)) }
//! # assert_eq!(g(&Array1::from(vec![1, 2]), &Array1::from(vec![1, 2])), Array1::from(vec![4, 8]));
//! ```
//!
//! The same functions with [`#[autodask(inline)]`](macro@autodask): calling `g` computes
//! nothing. It builds a task graph, and because `f` is inlined, its `a + b` lands in `g`'s
//! graph, where the second `f(a, b)` *folds* into the first: same operation, same inputs,
//! same node.
//!
//! ```
//! use lazy::{autodask, strict};
//! use ndarray::Array1;
//! type Arr = Array1<i64>;
//!
//! #[autodask(inline)]
//! fn f(a: Arr, b: Arr) -> Arr { a + b }
//!
//! #[autodask(inline)]
//! fn g(a: Arr, b: Arr) -> Arr { f(f(a, b), f(a, b)) }
//!
//! let arr = Array1::from_iter(0..1_000_000_i64);
//! let result = g(arr.clone(), arr.clone()); // nothing has run yet
//!
//! // The graph: one leaf (`arr`, passed twice, is one value) and two additions.
//! let graph = result.graph();
//! assert_eq!((graph.node_count(), graph.count_op("add")), (3, 2));
//!
//! // Forcing runs the two additions, in dependency order, and keeps the result.
//! assert_eq!(strict(&result), (&arr + &arr) * 2);
//! ```
//!
//! That graph runs like any other: [`strict`] plans the nodes the value needs that have
//! not run yet, hands them to the scheduler (parallel on rayon by default), and returns
//! the value. Calls with equal inputs anywhere in the program fold into the same nodes,
//! so shared work runs once.
//!
//! # The three attributes
//!
//! - [`#[lazy]`](macro@lazy): a call is one task node that runs the body, unchanged, on
//!   concrete values. `#[lazy(impure)]` makes every call a fresh node, never folded.
//! - [`#[autodask]`](macro@autodask): the same, for functions that are strict in an
//!   argument (they branch, loop or match on it).
//! - [`#[autodask(inline)]`](macro@autodask): the body is rewritten at compile time into
//!   graph-building code, so its operations join the caller's graph. Operators,
//!   comparisons, literals, `let`, method calls, calls (lazy callees compose, plain ones
//!   become deferred call nodes keyed by their path), tuples, arrays, `vec!`, struct
//!   literals, fields, indexing, blocks and `if`/`else` (only the taken branch runs).
//!
//! Every parameter `x: T` becomes `x: impl IntoLazy<T>`, so calls accept plain values and
//! `Lazy` values alike (`square(2)`, `square(&a)`), generic functions included.
//!
//! # How it works
//!
//! The macros are the compile-time half: `docs/rewrite.md` lists every rewrite rule and
//! the node it builds, and `docs/expand.md` walks through a `cargo expand` of `g`. The
//! runtime is the other half: structural keys (blake3 digests of operation and inputs)
//! make folding a table lookup.
//!
//! # Limitations
//!
//! What cannot be deferred is a compile error pointing at the cause, never a surprise at
//! run time:
//!
//! - every attribute rejects borrowed parameters and receivers, `async`, `unsafe`, `const`
//!   and `extern` functions, lifetime parameters, `impl Trait` parameters, and a missing
//!   return type (a lazy call must return the value it will compute);
//! - `#[autodask(inline)]` rejects what must look at a lazy value to go on: loops over it,
//!   `strict(...)`, an early `return`, `&mut`, `unsafe` blocks and
//!   side-effecting macros such as `println!`, each with a message naming the value and
//!   suggesting `#[autodask]` without `inline`, or `#[lazy]`;
//! - methods take `self` by value only, and `#[autodask(inline)]` takes no `self` at all:
//!   its body is rewritten around its parameters;
//! - an `#[autodask(inline)]` body may not declare two items of one name (one `fn helper`
//!   in each of two blocks): they would share a path, so their operations could not be
//!   told apart.

#![warn(missing_docs)]

// The everyday names.
pub use lazy_runtime::{
    Batch, Error, ErrorKind, Fingerprint, FingerprintHasher, Force, Graph, Input, IntoLazy, Key,
    Lazy, Placeholder, Split, Value, batch, eager, graph, input, strict, try_strict,
};

#[doc(inline)]
pub use lazy_macros::{Fingerprint, autodask, comp, lazy, lazy_stream};

// The rest, by concern.
#[doc(inline)]
pub use lazy_runtime::{
    arrays, cmp, inspect, keys, memo, observe, oz, scheduling, spin, stream, task,
};

/// The disk cache: values of `#[lazy(cache)]` functions kept across runs and processes
/// (`docs/caching.md`). Open one with [`cache::open`] or `$LAZY_CACHE_DIR`.
pub use lazy_runtime::persist as cache;

/// The same program on several processes or hosts, on timely's mesh (`docs/cluster.md`).
#[cfg(feature = "cluster")]
pub use lazy_runtime::cluster;

/// Items used by the code the macros generate. Not public API: no semver promises.
#[doc(hidden)]
pub mod __private {
    pub use lazy_runtime::__private::*;
}

/// The README's examples, compiled and run as doc tests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
