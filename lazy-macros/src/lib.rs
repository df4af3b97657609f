//! Attribute macros of the `lazy` crate. Use them through `lazy`.

// Stream macros (`stream/`): `comp!` comprehensions and `#[lazy_stream]` producers.
mod stream;

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
/// ```ignore
/// use lazy::comp;
///
/// let products = comp![x * y | x <- 1..10_u32, y <- 1..x, x * y <= 10];
/// assert_eq!(products.collect::<Vec<_>>(), [2, 3, 4, 6, 8, 5, 10, 6, 7, 8, 9]);
/// ```
#[proc_macro]
pub fn comp(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    stream::comp::expand(input.into()).into()
}

/// Makes a function returning a `Stream` lazy, like Oz's `fun lazy`: calling it returns a
/// suspended stream at once, and the body runs when the stream is first demanded, so a
/// producer may call itself in its own tail.
///
/// The body is moved into `::lazy::stream::lazy(move || body)`; parameters must be owned.
///
/// ```ignore
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
