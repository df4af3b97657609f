//! Lazy streams: memoized lazy lists whose cells are computed on demand.
//!
//! A [`Stream<T>`] is either empty ([`nil`]) or an element followed by another stream
//! ([`cons`]); any cell may be *suspended* ([`lazy`]): it is computed the first time
//! someone demands it, by at most one thread, and remembered. This is the lazy list of the
//! Oz slides (`fun lazy {Generate N} N|{Generate N+1} end`), and infinite streams are
//! ordinary values:
//!
//! ```
//! use lazy_runtime::stream::{self, Stream};
//!
//! fn generate(n: u64) -> Stream<u64> {
//!     // The body runs when the cell is demanded, so the recursion is not eager.
//!     stream::lazy(move || stream::cons(n, generate(n + 1)))
//! }
//!
//! let squares = generate(0).map(|x| x * x).filter(|x| x % 2 == 1);
//! assert_eq!(squares.take(4).collect::<Vec<_>>(), [1, 9, 25, 49]);
//! ```
//!
//! # Memory rules
//!
//! - A cell is freed as soon as no handle, iterator or suspended cell refers to it.
//!   Consuming a stream (`into_iter`, [`fold`](Stream::fold), [`sum`](Stream::sum)) without
//!   keeping its head therefore runs in constant memory, however long the stream.
//! - Dropping a long evaluated stream unlinks its cells in a loop, never recursively.
//! - A self-referential stream ([`recursive`]) refers to itself through a weak link, so
//!   dropping it frees its cells. Every handle derived from it (its tails, streams mapped
//!   from it) keeps its head alive, so its evaluated cells live as long as any such handle.
//!
//! # Elements
//!
//! Elements are `Clone + Send + Sync + 'static`: cells are shared between threads (see
//! [`buffer`](Stream::buffer)) and reading an element out of a shared, memoized cell
//! clones it. Iterating a stream whose cells nobody else holds moves elements out instead.

// The files, each importing only from the ones above it (this file declares them and
// re-exports their public items; only the tests import through it):
//
//   link.rs         Stream, its link to a first cell, Step, the Cell and StreamThunk traits,
//                   and the methods that read a link: the types that name each other
//   cell.rs         SuspendedCell, the memoized cell, and Stream::ready / Stream::suspend
//   build.rs        nil, cons, lazy, recursive, the generators, Default
//   iter.rs         first, split_first, ...; read positions (Source, pull); the iterators
//   combinators.rs  map, filter, take, fold, ...
//   buffer.rs       buffer, the producer thread that reads ahead
//   file.rs         lines, blocks, read_lines, read_blocks

mod buffer;
mod build;
mod cell;
mod combinators;
mod file;
mod iter;
mod link;
#[cfg(test)]
mod test;

pub use super::DemandError;
pub use build::{cons, from, from_iter, iterate, lazy, nil, recursive, repeat, unfold};
pub use file::{blocks, lines, read_blocks, read_lines};
pub use iter::{IntoIter, TryIter};
pub use link::Stream;
