//! Multiple outputs (dask's `nout`): a lazy tuple split into lazy parts.

use std::marker::PhantomData;

use crate::lazy::{Lazy, Value};
use crate::task::{Op, task};

/// Names the operation that takes part `I` of a tuple `T`: its type name is the
/// operation's identity, so the same part of the same tuple is one node.
struct Part<const I: usize, T>(PhantomData<T>);

/// Splitting a lazy tuple into one lazy value per part.
///
/// Each part is its own node: it folds, is forced and is kept independently. The tuple is
/// computed once: forcing one part keeps the tuple for the parts not forced yet, and releases
/// it when the last of them has run.
///
/// # Examples
///
/// ```
/// use lazy_runtime::{Lazy, Split, strict};
/// use lazy_runtime::task::{Op, task};
///
/// let pair = task(Op::function("divmod"), (Lazy::new(17_u32),), |(n,): (u32,)| (n / 5, n % 5));
/// let (quotient, remainder) = pair.split();
/// assert_eq!(strict(&quotient), 3);
/// assert_eq!(strict(&remainder), 2);
/// ```
pub trait Split {
    /// A tuple of lazy parts.
    type Parts;

    /// The lazy parts.
    fn split(self) -> Self::Parts;
}

fn part<const I: usize, T: Value, P: Value>(tuple: &Lazy<T>, get: fn(T) -> P) -> Lazy<P> {
    let op = Op::function(std::any::type_name::<Part<I, T>>());
    task(op, (tuple.clone(),), move |(tuple,)| get(tuple))
}

macro_rules! impl_split {
    ($(($($t:ident $i:tt),+))*) => {$(
        impl<$($t: Value),+> Split for Lazy<($($t,)+)> {
            type Parts = ($(Lazy<$t>,)+);

            fn split(self) -> Self::Parts {
                ($(part::<$i, _, _>(&self, |tuple| tuple.$i),)+)
            }
        }
    )*};
}

impl_split! {
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::Split;
    use crate::task::{Op, task};
    use crate::{Lazy, strict};

    #[test]
    fn parts_force_independently_and_the_tuple_runs_once() {
        let runs = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&runs);
        let pair = task(
            Op::function("outputs::divmod"),
            (Lazy::new(17_u32),),
            move |(n,): (u32,)| {
                counted.fetch_add(1, Ordering::SeqCst);
                (n / 5, n % 5)
            },
        );
        let (q, r) = pair.clone().split();
        drop(pair);
        assert_eq!(strict(&q), 3);
        assert!(!r.is_ready());
        assert_eq!(strict(&r), 2);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        let pair_again = task(
            Op::function("outputs::divmod"),
            (Lazy::new(17_u32),),
            |(n,): (u32,)| (n / 5, n % 5),
        );
        assert_eq!(pair_again.split().0.key(), q.key(), "parts fold");
    }
}
