//! Operators between a `Lazy<T>` and a plain `T` of a primitive type: `&x * 2`, `2 + &x`,
//! `x - 1.5`. The plain value becomes a leaf by content and the node is the one
//! `Lazy * Lazy` builds, so it folds with the same operation in an inlined body.
//!
//! The impls are per primitive type and take the same type on both sides: a generic
//! `impl<A, B> Mul<B> for Lazy<A>` would overlap the `Lazy * Lazy` impl, and with one
//! type per impl, rustc infers an integer literal's type from the lazy side
//! (`2 * &x` with `x: Lazy<i64>` multiplies two `i64`).

use std::ops;

use super::{add, bitand, bitor, bitxor, div, mul, rem, shl, shr, sub};
use crate::lazy::Lazy;
use crate::task::Arg;

macro_rules! with_plain {
    ($($ty:ty),* ; $ops:tt) => {$(
        with_plain!(@type $ty, $ops);
    )*};
    (@type $ty:ty, [$($trait:ident $method:ident),*]) => {$(
        impl ops::$trait<$ty> for Lazy<$ty> {
            type Output = Lazy<$ty>;

            fn $method(self, rhs: $ty) -> Lazy<$ty> {
                $method(self, Lazy::new(rhs))
            }
        }

        impl ops::$trait<$ty> for &Lazy<$ty> {
            type Output = Lazy<$ty>;

            fn $method(self, rhs: $ty) -> Lazy<$ty> {
                $method(self.into_handle(), Lazy::new(rhs))
            }
        }

        impl ops::$trait<Lazy<$ty>> for $ty {
            type Output = Lazy<$ty>;

            fn $method(self, rhs: Lazy<$ty>) -> Lazy<$ty> {
                $method(Lazy::new(self), rhs)
            }
        }

        impl ops::$trait<&Lazy<$ty>> for $ty {
            type Output = Lazy<$ty>;

            fn $method(self, rhs: &Lazy<$ty>) -> Lazy<$ty> {
                $method(Lazy::new(self), rhs.into_handle())
            }
        }
    )*};
}

with_plain!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize ;
    [Add add, Sub sub, Mul mul, Div div, Rem rem, BitAnd bitand, BitOr bitor, BitXor bitxor, Shl shl, Shr shr]
);
with_plain!(f32, f64 ; [Add add, Sub sub, Mul mul, Div div, Rem rem]);
with_plain!(bool ; [BitAnd bitand, BitOr bitor, BitXor bitxor]);

#[cfg(test)]
mod tests {
    use crate::lazy::Lazy;
    use crate::strict;

    #[test]
    fn plain_operands_match_eager_arithmetic() {
        let x = Lazy::new(7_i64);
        assert_eq!(strict(&x * 2), 14);
        assert_eq!(strict(2 + &x), 9);
        assert_eq!(strict(x.clone() - 1), 6);
        assert_eq!(strict(100 / x.clone()), 100 / 7);
        assert_eq!(strict(&x << 2), 7 << 2);
        let y = Lazy::new(1.5_f64);
        assert!((strict(&y * 2.0) - 3.0).abs() < f64::EPSILON);
        assert!(strict(Lazy::new(true) ^ false));
    }

    #[test]
    fn a_plain_operand_folds_with_a_lazy_leaf_of_its_value() {
        let x = Lazy::new(7_i64);
        assert_eq!((&x * 2).key(), (&x * Lazy::new(2)).key());
        assert_eq!((2 * &x).key(), (Lazy::new(2) * &x).key());
        assert_ne!((&x * 2).key(), (2 * &x).key(), "operands keep their order");
    }
}
