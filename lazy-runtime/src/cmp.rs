//! Comparisons of lazy values, as nodes: `cmp::gt(&x, 3)` or `x.gt(3)`.
//!
//! Rust's `<`, `==` and friends must return `bool`, so they cannot be overloaded to return
//! a `Lazy<bool>`; these functions and methods are their lazy spelling. Each side is
//! anything that converts into a `Lazy` (a plain value becomes a leaf by content), and the
//! node is the one an `#[autodask(inline)]` body builds for the operator, so the two fold.

use crate::lazy::{IntoLazy, Lazy, Value};
use crate::lift;

macro_rules! comparisons {
    ($($name:ident $trait:ident $op:literal,)*) => {
        $(
            #[doc = concat!("`a ", $op, " b` as a node.")]
            #[must_use]
            pub fn $name<A, B>(a: impl IntoLazy<A>, b: impl IntoLazy<B>) -> Lazy<bool>
            where
                A: $trait<B> + Value,
                B: Value,
            {
                lift::$name(a.into_lazy(), b.into_lazy())
            }
        )*

        /// The comparisons as methods: `x.gt(3)` is `cmp::gt(&x, 3)`.
        impl<T: Value> Lazy<T> {
            $(
                #[doc = concat!("`self ", $op, " other` as a node (see [`cmp`](crate::cmp)).")]
                #[must_use]
                pub fn $name(&self, other: impl IntoLazy<T>) -> Lazy<bool>
                where
                    T: $trait,
                {
                    $name(self, other)
                }
            )*
        }
    };
}

comparisons! {
    eq PartialEq "==",
    ne PartialEq "!=",
    lt PartialOrd "<",
    le PartialOrd "<=",
    gt PartialOrd ">",
    ge PartialOrd ">=",
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::strict;

    #[test]
    fn comparisons_match_the_operators() {
        let x = Lazy::new(5_i64);
        let answers = [x.eq(5), x.ne(5), x.lt(7), x.le(4), x.gt(3), x.ge(6)];
        let eager = [5 == 5, 5 != 5, 5 < 7, 5 <= 4, 5 > 3, 5 >= 6];
        for (lazy, eager) in answers.iter().zip(eager) {
            assert_eq!(strict(lazy), eager);
        }
        assert!(strict(lt(2.5, Lazy::new(3.0))));
    }

    #[test]
    fn a_method_and_the_function_are_one_node() {
        let x = Lazy::new(9_u8);
        assert_eq!(x.gt(3).key(), gt(&x, 3_u8).key());
        assert_ne!(x.gt(3).key(), x.ge(3).key());
    }
}
