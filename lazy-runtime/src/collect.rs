//! Collections of lazy values passed where a collection of values is expected: a
//! `Vec<Lazy<T>>` or `[Lazy<T>; N]` for a `Vec<T>` (or `[T; N]`), and a tuple of `Lazy`
//! values for a tuple of values. Each becomes one node over all the elements, in order
//! (dask's traversal of collections), so `total(parts)` needs no hand-written reduction.
//!
//! The nodes are the ones an inlined body builds for `vec![a, b]`, `[a, b]` and `(a, b)`,
//! so the two fold.

use std::any::type_name;

use crate::lazy::{IntoLazy, Lazy, Value};
use crate::task::{Args, Op, task};

impl<T: Value> IntoLazy<Vec<T>> for Vec<Lazy<T>> {
    fn into_lazy(self) -> Lazy<Vec<T>> {
        task(Op::labelled("vec", type_name::<Vec<T>>()), self, |values| {
            values
        })
    }
}

impl<T: Value, const N: usize> IntoLazy<Vec<T>> for [Lazy<T>; N] {
    fn into_lazy(self) -> Lazy<Vec<T>> {
        Vec::from(self).into_lazy()
    }
}

impl<T: Value, const N: usize> IntoLazy<[T; N]> for [Lazy<T>; N] {
    fn into_lazy(self) -> Lazy<[T; N]> {
        task(
            Op::labelled("array", type_name::<[T; N]>()),
            Vec::from(self),
            |values: Vec<T>| match <[T; N]>::try_from(values) {
                Ok(array) => array,
                Err(_) => unreachable!("lazy: internal error: an array task lost an element"),
            },
        )
    }
}

/// Borrowed text as an owned `String` leaf, for parameters declared `String`.
impl IntoLazy<String> for &str {
    fn into_lazy(self) -> Lazy<String> {
        Lazy::new(self.to_owned())
    }
}

macro_rules! tuples {
    ($(($($t:ident),+))*) => {$(
        impl<$($t: Value),+> IntoLazy<($($t,)+)> for ($(Lazy<$t>,)+) {
            fn into_lazy(self) -> Lazy<($($t,)+)> {
                task(
                    Op::labelled("tuple", type_name::<<Self as Args>::Values>()),
                    self,
                    |values| values,
                )
            }
        }
    )*};
}

tuples! {
    (A)
    (A, B)
    (A, B, C)
    (A, B, C, D)
    (A, B, C, D, E)
    (A, B, C, D, E, F)
    (A, B, C, D, E, F, G)
    (A, B, C, D, E, F, G, H)
    (A, B, C, D, E, F, G, H, I)
    (A, B, C, D, E, F, G, H, I, J)
    (A, B, C, D, E, F, G, H, I, J, K)
    (A, B, C, D, E, F, G, H, I, J, K, L)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{graph, lift, strict};

    fn total(xs: impl IntoLazy<Vec<i64>>) -> Lazy<i64> {
        task(
            Op::function("total"),
            (xs.into_lazy(),),
            |(xs,): (Vec<i64>,)| xs.iter().sum(),
        )
    }

    #[test]
    fn a_vector_of_lazy_values_is_one_node_over_them() {
        let parts: Vec<Lazy<i64>> = (1..=20_i64).map(|n| Lazy::new(n) * Lazy::new(2)).collect();
        let sum = total(parts.clone());
        // 20 leaves (the factor 2 is the leaf of the part 2), 20 products, the vector, the sum.
        assert_eq!(graph(&sum).node_count(), 20 + 20 + 2);
        assert_eq!(strict(&sum), (1..=20).map(|n| n * 2).sum::<i64>());
        assert_eq!(strict(total(Vec::<Lazy<i64>>::new())), 0);
        assert_eq!(strict(total([Lazy::new(4)])), 4);
        assert_eq!(strict(total([Lazy::new(4), Lazy::new(5)])), 9);
    }

    #[test]
    fn collections_fold_with_the_literals_of_inlined_bodies() {
        let (a, b, c) = (Lazy::new(1_u8), Lazy::new(2_u8), Lazy::new(3_u8));
        let from_vec: Lazy<Vec<u8>> = vec![a.clone(), b.clone(), c.clone()].into_lazy();
        let from_array: Lazy<Vec<u8>> = [a.clone(), b.clone(), c.clone()].into_lazy();
        let literal = lift::vec((a.clone(), b.clone(), c.clone()));
        assert_eq!(from_vec.key(), literal.key());
        assert_eq!(from_array.key(), literal.key());
        let array: Lazy<[u8; 3]> = [a.clone(), b.clone(), c.clone()].into_lazy();
        assert_eq!(array.key(), lift::array((a.clone(), b.clone(), c)).key());
        assert_eq!(strict(&array), [1, 2, 3]);
        let pair: Lazy<(u8, u8)> = (a.clone(), b.clone()).into_lazy();
        assert_eq!(pair.key(), lift::tuple((a, b)).key());
        assert_eq!(strict(&pair), (1, 2));
    }

    #[test]
    fn borrowed_text_is_an_owned_leaf() {
        let text: Lazy<String> = "daisy".into_lazy();
        assert_eq!(text.key(), Lazy::new(String::from("daisy")).key());
    }
}
