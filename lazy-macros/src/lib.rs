//! Attribute macros of the `lazy` crate. Use them through `lazy`, which documents them.
//!
//! Layout, each stage importing only from the stages before it:
//!
//! - `args`: the attribute grammar, as one `Args` value;
//! - `model`: the validated function, borrowed from the syn tree;
//! - `analyse/`: what to generate, a `Lowering` (one task, or the inline body as `Step`s);
//!   all user errors of the body, no tokens; one file per construct family;
//! - `expand` and `rewrite`: tokens from a `Lowering` (`rewrite` lowers the inline body's
//!   steps), never a user error;
//! - `paths`, `hygiene` and `error`: what every stage shares, importing no stage;
//! - `stream/`: the stream macros, on their own.

mod analyse;
mod args;
mod code;
mod error;
mod expand;
mod fallback;
// `#[derive(Fingerprint)]`, on its own.
mod fingerprint;
mod hygiene;
// `#[lazy]` on an impl block: its methods, and an extension trait for `Lazy<Self>`.
mod impl_block;
mod model;
mod paths;
mod rewrite;
// Stream macros (`stream/`): `comp!` comprehensions and `#[lazy_stream]` producers.
mod stream;

use proc_macro::TokenStream;

/// Makes a function lazy: calling it records one task node and returns `Lazy<R>`.
///
/// ```text
/// #[lazy]
/// pub fn mul(x: i64, y: i64) -> i64 { x * y }
/// ```
///
/// becomes
///
/// ```text
/// pub fn mul(x: impl IntoLazy<i64>, y: impl IntoLazy<i64>) -> Lazy<i64> {
///     fn __lazy_body(x: i64, y: i64) -> i64 { x * y }      // the body, unchanged
///     task(Op::function(type_name_of_val(&__lazy_body)),    // keyed by the function's path
///          (into_lazy(x), into_lazy(y)),                    // plain values become leaves
///          |(x, y)| __lazy_body(x, y))                      // runs when forced
/// }
/// ```
///
/// Calls accept plain values and `Lazy` values alike (`mul(2, &a)`); equal calls fold into
/// one node, which runs at most once:
///
/// ```
/// use lazy::{Lazy, lazy, strict};
///
/// #[lazy]
/// fn mul(x: i64, y: i64) -> i64 {
///     x * y
/// }
///
/// let a: Lazy<i64> = mul(2, 3); // nothing has run yet
/// assert_eq!(mul(2, 3).key(), a.key()); // the same call is the same node
/// assert_eq!(strict(mul(&a, 7)), 42);
/// ```
/// Generic functions work (`square(2)`,
/// `square(2.5)`): their type parameters gain a `Value` bound and the node is keyed with
/// the generic arguments. Attributes, doc comments and visibility are kept.
///
/// On an inherent `impl` block (of a type without generic parameters), every function of
/// the block becomes lazy, and the methods taking `self` are also callable on `Lazy<Type>`
/// and `&Lazy<Type>` through a generated trait `LazyType` (`m.scaled(3.0).value()`); a call
/// on a plain receiver and on a lazy one is the same node.
///
/// `#[lazy(impure)]` keys every call with a fresh identity: never folded, never reused; it
/// may omit the return type (`Lazy<()>`).
///
/// # Errors
///
/// Compile errors, spanned on the cause, for what cannot be deferred: borrowed parameters
/// or receivers (methods take `self` by value), `async`/`unsafe`/`const`/`extern`
/// functions, lifetime parameters, `impl Trait` parameters, a missing return type, and
/// unknown arguments.
#[proc_macro_attribute]
pub fn lazy(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args::Macro::Lazy, args.into(), item.into()).into()
}

/// Builds a task graph from a function, daisy style.
///
/// `#[autodask]` is one opaque task node, exactly like [`lazy`](macro@lazy): use it for
/// functions that are strict in an argument (they branch, loop or match on it).
///
/// `#[autodask(inline)]` rewrites the body at compile time into graph-building code, so
/// that calling the function splices its operations into the caller's graph, where common
/// subexpressions fold across function boundaries:
///
/// ```text
/// #[autodask(inline)]
/// fn f(a: Arr, b: Arr) -> Arr { a + b }
/// // becomes
/// fn f(a: impl IntoLazy<Arr>, b: impl IntoLazy<Arr>) -> Lazy<Arr> {
///     let a: Lazy<Arr> = IntoLazy::into_lazy(a);
///     let b: Lazy<Arr> = IntoLazy::into_lazy(b);
///     &a + &b                                   // one `add` node, shared with every `a + b`
/// }
/// ```
///
/// ```
/// use lazy::{autodask, strict};
///
/// #[autodask(inline)]
/// fn f(a: i64, b: i64) -> i64 {
///     a + b
/// }
///
/// #[autodask(inline)]
/// fn g(a: i64, b: i64) -> i64 {
///     f(a, b) * f(a, b)
/// }
///
/// let x = g(3, 4);
/// assert_eq!(x.graph().count_op("add"), 1); // `a + b` once, although written twice
/// assert_eq!(strict(&x), 49);
/// ```
///
/// Operators, comparisons, literals, `let`, method calls, calls, tuples, arrays, `vec!`,
/// struct literals, field access, indexing, blocks and `if`/`else` are rewritten (the
/// crate's `docs/rewrite.md` has the table). A call to another lazy function composes; a
/// call to a plain function becomes a deferred call node keyed by its path;
/// `inline(f)(a, b)` enters a generic plain function on the lazy values themselves.
/// Method calls, fields and struct literals are keyed with the scope they are written in
/// (the module, or for a generic function or one declaring items, the function instance),
/// since that decides what their names resolve to. A call or method call given a closure
/// (`xs.iter().map(|x| x + k).collect()`) is one node that runs the closure as written,
/// keyed by the closure's tokens and over the lazy values it captures, so closures written
/// alike fold and others never do.
///
/// # Errors
///
/// Besides the errors of [`lazy`](macro@lazy), `inline` rejects every construct that
/// would have to look at a lazy value to go on (`while`/`loop`, a `for` over a lazy value,
/// `strict(...)`, an early `return`, `&mut`, `unsafe`, side-effecting macros), naming the
/// value involved and suggesting `#[autodask]` without `inline`, or `#[lazy]`. It also
/// rejects two items of one name in the body, which would share a path, and closures that
/// change a value they capture or are not passed to a call.
/// `#[autodask(inlne)]` suggests `inline`.
#[proc_macro_attribute]
pub fn autodask(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::expand(args::Macro::Autodask, args.into(), item.into()).into()
}

mod entry {
    //! The `proc_macro2` side of the entry points, so everything below is unit-testable.

    use crate::analyse::Lowering;
    use crate::args::{Args, Macro};
    use crate::model::Function;
    use proc_macro2::TokenStream;

    /// Expands one attribute; on error, emits a `compile_error!` next to a stand-in with the
    /// lazy signature (`fallback`), so callers keep type-checking and the mistake is reported
    /// once, and IDEs keep working.
    pub(crate) fn expand(attr: Macro, args: TokenStream, item: TokenStream) -> TokenStream {
        if let Ok(block) = syn::parse2::<syn::ItemImpl>(item.clone()) {
            let expanded =
                Args::parse(attr, args).and_then(|args| crate::impl_block::expand(&args, &block));
            return expanded.unwrap_or_else(|error| {
                let mut tokens = error.to_compile_error();
                tokens.extend(quote::ToTokens::into_token_stream(block));
                tokens
            });
        }
        let Ok(item_fn) = syn::parse2::<syn::ItemFn>(item.clone()) else {
            let message = format!("{} applies to functions and impl blocks only", attr.attr());
            let mut tokens = syn::Error::new_spanned(&item, message).to_compile_error();
            tokens.extend(item);
            return tokens;
        };
        let args = Args::parse(attr, args);
        let expanded = match &args {
            Ok(args) => try_expand(args, &item_fn),
            Err(error) => Err(error.clone()),
        };
        match expanded {
            Ok(tokens) => tokens,
            Err(error) => {
                let mut tokens = error.to_compile_error();
                tokens.extend(crate::fallback::fallback(args.as_ref().ok(), &item_fn));
                tokens
            }
        }
    }

    fn try_expand(args: &Args, item: &syn::ItemFn) -> syn::Result<TokenStream> {
        let function = Function::from_syn(args, item)?;
        let lowering = Lowering::from_function(args, function)?;
        Ok(crate::expand::expand(&lowering))
    }
}

/// Expansion snapshots: unit tests, so they reach `entry` without going through `proc_macro`.
#[cfg(test)]
#[path = "../tests/expand.rs"]
mod expand_snapshots;

/// A lazy comprehension: `comp![head | pattern <- source, guard, …]` is the stream of
/// `head` for every binding the generators produce that passes the guards, in order.
///
/// Generators (`x <- 1..10`) take anything iterable (a `Stream` too) and may use the
/// variables bound before them; guards are boolean expressions. Nothing is computed until
/// the stream is demanded, so infinite generators are fine. Bound values are cloned into
/// each inner closure, so they must be `Clone + Send + Sync + 'static`. A closure in the
/// head must be parenthesized (its `|` would end the head), and a guard comparing with a
/// negative literal is written `x < -1`, with a space, since `x<-1` reads as a generator.
///
/// The expansion is a chain of `flat_map`s over `::lazy::stream::from_iter`; see
/// `docs/streams.md`.
///
/// ```
/// use lazy::comp;
///
/// let products = comp![x * y | x <- 1..10_u32, y <- 1..x, x * y <= 10];
/// assert_eq!(products.collect::<Vec<_>>(), [2, 3, 6, 4, 8, 5, 10, 6, 7, 8, 9]);
/// ```
#[proc_macro]
pub fn comp(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    stream::comp::expand(input.into()).into()
}

/// Derives `Fingerprint` for a struct or enum: its fields (for an enum, the variant's
/// index, then its fields) are written in declaration order, so equal values fold into
/// one leaf and values differing in any field do not. The runtime adds the type's name to
/// every leaf's key. Every field must implement `Fingerprint`, and the type `PartialEq`;
/// type parameters gain a `Fingerprint` bound.
///
/// ```
/// use lazy::{Fingerprint, Lazy};
///
/// #[derive(Clone, PartialEq, Fingerprint)]
/// struct Point { x: i64, y: i64 }
///
/// assert_eq!(Lazy::new(Point { x: 1, y: 2 }).key(), Lazy::new(Point { x: 1, y: 2 }).key());
/// ```
///
/// # Errors
///
/// Unions are rejected: which field holds the value is not known.
#[proc_macro_derive(Fingerprint)]
pub fn derive_fingerprint(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    fingerprint::derive(input.into()).into()
}

/// Makes a function returning a `Stream` lazy, like Oz's `fun lazy`: calling it returns a
/// suspended stream at once, and the body runs when the stream is first demanded, so a
/// producer may call itself in its own tail.
///
/// The body is moved into `::lazy::stream::lazy(move || body)`; parameters must be owned.
///
/// ```
/// use lazy::lazy_stream;
/// use lazy::stream::{cons, Stream};
///
/// #[lazy_stream]
/// fn generate(n: u64) -> Stream<u64> {
///     cons(n, generate(n + 1))
/// }
///
/// assert_eq!(generate(0).take(3).collect::<Vec<_>>(), [0, 1, 2]);
/// ```
#[proc_macro_attribute]
pub fn lazy_stream(
    args: proc_macro::TokenStream,
    item: proc_macro::TokenStream,
) -> proc_macro::TokenStream {
    stream::producer::expand(&args.into(), &item.into()).into()
}
