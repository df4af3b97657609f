//! The raw codec: numeric arrays as their elements' little-endian bytes, with no per-element
//! serde, so loading an array costs one copy of its memory.

use std::borrow::Cow;

use bytemuck::Pod;

use super::bytes::Bytes;
use super::codec::{Codec, Encoded, Persist};
use super::error::CacheError;

/// The codec for numeric arrays: the elements' little-endian bytes, written straight from the
/// array's memory on little-endian machines (an ndarray array is followed by its shape).
/// Decoding takes the read buffer over for 8-byte elements, and copies it once otherwise.
///
/// # Examples
///
/// ```
/// use lazy_runtime::persist::{Codec, RawLe};
///
/// let bytes = <RawLe as Codec<Vec<f64>>>::encode(&vec![1.0, 2.0]).unwrap().to_vec();
/// assert_eq!(bytes.len(), 16);
/// assert_eq!(<RawLe as Codec<Vec<f64>>>::decode(bytes.into()), Some(vec![1.0, 2.0]));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct RawLe;

/// A number [`RawLe`] can store: the fixed-width integers and the floats.
pub trait RawElement: Pod + sealed::Sealed {
    /// Swaps the bytes of each element between little-endian and this machine's order (does
    /// nothing on little-endian machines).
    fn swap_to_le(values: &mut [Self]);
}

mod sealed {
    pub trait Sealed {}
}

macro_rules! raw_elements {
    ($($t:ty),* $(,)?) => {
        $(
            impl sealed::Sealed for $t {}
            impl RawElement for $t {
                fn swap_to_le(values: &mut [$t]) {
                    if cfg!(target_endian = "big") {
                        for v in values {
                            *v = <$t>::from_le_bytes(v.to_ne_bytes());
                        }
                    }
                }
            }
            impl Persist for Vec<$t> {
                type Codec = RawLe;
            }
        )*
    };
}

raw_elements!(u8, u16, u32, u64, i8, i16, i32, i64, f32, f64);

/// The little-endian bytes of `values`: borrowed on little-endian machines.
fn le_bytes<E: RawElement>(values: &[E]) -> Cow<'_, [u8]> {
    if cfg!(target_endian = "little") {
        Cow::Borrowed(bytemuck::cast_slice(values))
    } else {
        let mut owned = values.to_vec();
        E::swap_to_le(&mut owned);
        Cow::Owned(bytemuck::cast_slice(&owned).to_vec())
    }
}

/// The elements whose little-endian bytes are `bytes`, or `None` when the length is not a
/// whole number of elements.
fn from_le_bytes<E: RawElement>(bytes: Bytes) -> Option<Vec<E>> {
    let mut values = bytes.into_vec::<E>()?;
    E::swap_to_le(&mut values);
    Some(values)
}

impl<E: RawElement> Codec<Vec<E>> for RawLe {
    const NAME: &'static str = "raw-le";
    const VERSION: u32 = 1;

    fn encode(value: &Vec<E>) -> Result<Encoded<'_>, CacheError> {
        Ok(Encoded::new(le_bytes(value)))
    }

    fn decode(bytes: Bytes) -> Option<Vec<E>> {
        from_le_bytes(bytes)
    }
}

#[cfg(feature = "ndarray")]
mod arrays {
    use ndarray::{Array, Dimension};

    use super::{Bytes, Codec, Encoded, Persist, RawElement, RawLe, from_le_bytes, le_bytes};
    use crate::persist::error::CacheError;

    /// Layout: the elements in standard (row-major) order, then each axis length (u64), then
    /// the number of axes (u32); all little-endian. The shape goes last so that the elements
    /// start at the buffer's aligned start and decoding can take the buffer over.
    impl<E: RawElement, D: Dimension> Codec<Array<E, D>> for RawLe {
        const NAME: &'static str = "raw-le-ndarray";
        const VERSION: u32 = 2;

        fn encode(value: &Array<E, D>) -> Result<Encoded<'_>, CacheError> {
            let shape = value.shape();
            let mut trailer = Vec::with_capacity(8 * shape.len() + 4);
            for &n in shape {
                trailer.extend_from_slice(&(n as u64).to_le_bytes());
            }
            let axes = u32::try_from(shape.len()).expect("an array has fewer than 2^32 axes");
            trailer.extend_from_slice(&axes.to_le_bytes());
            let mut encoded = if let Some(elements) = value.as_slice() {
                Encoded::new(le_bytes(elements))
            } else {
                let elements: Vec<E> = value.iter().copied().collect();
                Encoded::new(le_bytes(&elements).into_owned())
            };
            encoded.push(trailer);
            Ok(encoded)
        }

        fn decode(mut bytes: Bytes) -> Option<Array<E, D>> {
            let end = bytes.len().checked_sub(4)?;
            let axes = u32::from_le_bytes(bytes[end..].try_into().ok()?) as usize;
            if D::NDIM.is_some_and(|n| n != axes) || axes > 64 {
                return None;
            }
            let start = end.checked_sub(8 * axes)?;
            let mut dim = D::zeros(axes);
            for (i, n) in dim.slice_mut().iter_mut().enumerate() {
                let at = start + 8 * i;
                let len = u64::from_le_bytes(bytes[at..at + 8].try_into().ok()?);
                *n = usize::try_from(len).ok()?;
            }
            let count = dim.size_checked()?;
            if start != count.checked_mul(size_of::<E>())? {
                return None;
            }
            bytes.truncate(start);
            Array::from_shape_vec(dim, from_le_bytes(bytes)?).ok()
        }
    }

    impl<E: RawElement, D: Dimension> Persist for Array<E, D> {
        type Codec = RawLe;
    }
}

#[cfg(test)]
mod tests {
    use super::{Bytes, Codec, RawLe};

    fn round_trip<T: PartialEq + std::fmt::Debug>(value: &T) -> Option<T>
    where
        RawLe: Codec<T>,
    {
        let bytes = <RawLe as Codec<T>>::encode(value).unwrap().to_vec();
        <RawLe as Codec<T>>::decode(Bytes::from(bytes))
    }

    #[test]
    fn vectors_of_every_width_round_trip() {
        assert_eq!(round_trip(&vec![1.5_f64, -2.0]), Some(vec![1.5, -2.0]));
        assert_eq!(round_trip(&vec![7_u32, 8, 9]), Some(vec![7, 8, 9]));
        assert_eq!(round_trip(&vec![-1_i8, 2]), Some(vec![-1, 2]));
        assert_eq!(round_trip(&Vec::<u16>::new()), Some(vec![]));
    }

    #[test]
    fn a_length_that_is_not_whole_elements_is_not_decoded() {
        let decoded = <RawLe as Codec<Vec<u32>>>::decode(Bytes::from([0_u8; 7].as_slice()));
        assert_eq!(decoded, None);
    }

    #[cfg(feature = "ndarray")]
    #[test]
    fn damaged_array_trailers_are_not_decoded() {
        use ndarray::Array2;

        let grid = Array2::from_shape_fn((3, 4), |(i, j)| (i * 4 + j) as u64);
        let bytes = <RawLe as Codec<Array2<u64>>>::encode(&grid)
            .unwrap()
            .to_vec();
        let decode = |b: &[u8]| <RawLe as Codec<Array2<u64>>>::decode(Bytes::from(b));
        assert_eq!(decode(&bytes), Some(grid));
        // One element short, an axis count of 3, and a length that does not match.
        assert_eq!(decode(&bytes[8..]), None);
        let mut axes = bytes.clone();
        let end = axes.len() - 4;
        axes[end] = 3;
        assert_eq!(decode(&axes), None);
        let mut shape = bytes.clone();
        shape[12 * 8] = 5;
        assert_eq!(decode(&shape), None);
        assert_eq!(decode(&[]), None);
    }
}
