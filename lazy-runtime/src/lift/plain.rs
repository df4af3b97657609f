//! Operators between a `Lazy<T>` and a plain `T` of a primitive type (and, with `ndarray`,
//! between a lazy array and a scalar of its element type): `&x * 2`, `2 + &x`,
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

/// The four impls of each operator between a handle `Lazy<$value>` and a plain `$ty`, with
/// the impls' generic parameters `$g`.
macro_rules! with_plain {
    // An array's elements and a plain scalar of their type: `&x * 3.0` with
    // `x: Lazy<Array1<f64>>`, and `3.0 * &x`. The node is the one an inlined body's
    // `x * 3.0` builds (ndarray's scalar operator, the scalar a leaf by content), so it
    // fuses and folds the same way.
    (arrays of $($ty:ty),* ; $ops:tt) => {$(
        with_plain!(@type {D: ndarray::Dimension + 'static} $ty, ndarray::Array<$ty, D>, $ops);
    )*};
    ($($ty:ty),* ; $ops:tt) => {$(
        with_plain!(@type {} $ty, $ty, $ops);
    )*};
    (@type $generics:tt $ty:ty, $value:ty, [$($trait:ident $method:ident),*]) => {$(
        with_plain!(@op $generics $ty, $value, $trait $method);
    )*};
    (@op {$($g:tt)*} $ty:ty, $value:ty, $trait:ident $method:ident) => {
        impl<$($g)*> ops::$trait<$ty> for Lazy<$value> {
            type Output = Lazy<$value>;

            fn $method(self, rhs: $ty) -> Lazy<$value> {
                $method(self, Lazy::new(rhs))
            }
        }

        impl<$($g)*> ops::$trait<$ty> for &Lazy<$value> {
            type Output = Lazy<$value>;

            fn $method(self, rhs: $ty) -> Lazy<$value> {
                $method(self.into_handle(), Lazy::new(rhs))
            }
        }

        impl<$($g)*> ops::$trait<Lazy<$value>> for $ty {
            type Output = Lazy<$value>;

            fn $method(self, rhs: Lazy<$value>) -> Lazy<$value> {
                $method(Lazy::new(self), rhs)
            }
        }

        impl<$($g)*> ops::$trait<&Lazy<$value>> for $ty {
            type Output = Lazy<$value>;

            fn $method(self, rhs: &Lazy<$value>) -> Lazy<$value> {
                $method(Lazy::new(self), rhs.into_handle())
            }
        }
    };
}

with_plain!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize ;
    [Add add, Sub sub, Mul mul, Div div, Rem rem, BitAnd bitand, BitOr bitor, BitXor bitxor, Shl shl, Shr shr]
);
with_plain!(f32, f64 ; [Add add, Sub sub, Mul mul, Div div, Rem rem]);
with_plain!(bool ; [BitAnd bitand, BitOr bitor, BitXor bitxor]);
#[cfg(feature = "ndarray")]
with_plain!(arrays of i32, i64, u8, f32, f64 ; [Add add, Sub sub, Mul mul, Div div]);

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

    #[cfg(feature = "ndarray")]
    #[test]
    fn arrays_take_plain_scalars_of_their_element_type() {
        use ndarray::{Array1, array};

        let x = Lazy::new(array![1.0_f64, 2.0, 4.0]);
        assert_eq!(strict(&x * 3.0), array![3.0, 6.0, 12.0]);
        assert_eq!(strict(1.0 - &x), array![0.0, -1.0, -3.0]);
        assert_eq!(strict(x.clone() / 2.0), array![0.5, 1.0, 2.0]);
        assert_eq!((&x * 3.0).key(), (&x * Lazy::new(3.0)).key());
        let n = Lazy::new(Array1::from(vec![1_i64, 2, 3]));
        assert_eq!(strict(&n + 1), array![2, 3, 4]);
        assert_eq!(strict(10 * n), array![10, 20, 30]);
    }
}
