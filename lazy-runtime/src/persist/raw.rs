//! The raw codec: numeric arrays as their elements' little-endian bytes, with no per-element
//! serde, so loading an array costs one copy of its memory.

use std::borrow::Cow;

use bytemuck::Pod;

use super::codec::{Codec, Encoded, Persist};
use super::error::CacheError;

/// The codec for numeric arrays: the elements' little-endian bytes, written straight from the
/// array's memory on little-endian machines (an ndarray array is preceded by its shape).
///
/// # Examples
///
/// ```
/// use lazy_runtime::persist::{Codec, RawLe};
///
/// let bytes = <RawLe as Codec<Vec<f64>>>::encode(&vec![1.0, 2.0]).unwrap().to_vec();
/// assert_eq!(bytes.len(), 16);
/// assert_eq!(<RawLe as Codec<Vec<f64>>>::decode(bytes), Some(vec![1.0, 2.0]));
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
fn from_le_bytes<E: RawElement>(bytes: Vec<u8>) -> Option<Vec<E>> {
    let size = size_of::<E>();
    if !bytes.len().is_multiple_of(size) {
        return None;
    }
    // Bytes (`u8`, `i8`) take the buffer over; wider elements need an aligned copy.
    match bytemuck::allocation::try_cast_vec::<u8, E>(bytes) {
        Ok(values) => Some(values),
        Err((_, bytes)) => from_le_slice(&bytes),
    }
}

/// The elements whose little-endian bytes are `bytes`, copied into an aligned vector.
fn from_le_slice<E: RawElement>(bytes: &[u8]) -> Option<Vec<E>> {
    let size = size_of::<E>();
    if !bytes.len().is_multiple_of(size) {
        return None;
    }
    let mut values = vec![E::zeroed(); bytes.len() / size];
    bytemuck::cast_slice_mut(&mut values).copy_from_slice(bytes);
    E::swap_to_le(&mut values);
    Some(values)
}

impl<E: RawElement> Codec<Vec<E>> for RawLe {
    const NAME: &'static str = "raw-le";
    const VERSION: u32 = 1;

    fn encode(value: &Vec<E>) -> Result<Encoded<'_>, CacheError> {
        Ok(Encoded::new(le_bytes(value)))
    }

    fn decode(bytes: Vec<u8>) -> Option<Vec<E>> {
        from_le_bytes(bytes)
    }
}

#[cfg(feature = "ndarray")]
mod arrays {
    use ndarray::{Array, Dimension};

    use super::{Codec, Encoded, Persist, RawElement, RawLe, from_le_slice, le_bytes};
    use crate::persist::error::CacheError;

    /// Layout: the number of axes (u32), each axis length (u64), then the elements in
    /// standard (row-major) order; all little-endian.
    impl<E: RawElement, D: Dimension> Codec<Array<E, D>> for RawLe {
        const NAME: &'static str = "raw-le-ndarray";
        const VERSION: u32 = 1;

        fn encode(value: &Array<E, D>) -> Result<Encoded<'_>, CacheError> {
            let shape = value.shape();
            let mut header = Vec::with_capacity(4 + 8 * shape.len());
            let axes = u32::try_from(shape.len()).expect("an array has fewer than 2^32 axes");
            header.extend_from_slice(&axes.to_le_bytes());
            for &n in shape {
                header.extend_from_slice(&(n as u64).to_le_bytes());
            }
            let mut encoded = Encoded::new(header);
            if let Some(elements) = value.as_slice() {
                encoded.push(le_bytes(elements));
            } else {
                let elements: Vec<E> = value.iter().copied().collect();
                encoded.push(le_bytes(&elements).into_owned());
            }
            Ok(encoded)
        }

        fn decode(bytes: Vec<u8>) -> Option<Array<E, D>> {
            let axes = u32::from_le_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
            if D::NDIM.is_some_and(|n| n != axes) || axes > 64 {
                return None;
            }
            let header = 4 + 8 * axes;
            let mut dim = D::zeros(axes);
            for (i, n) in dim.slice_mut().iter_mut().enumerate() {
                let at = 4 + 8 * i;
                let len = u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?);
                *n = usize::try_from(len).ok()?;
            }
            let count = dim.size_checked()?;
            if bytes.len().checked_sub(header)? != count.checked_mul(size_of::<E>())? {
                return None;
            }
            Array::from_shape_vec(dim, from_le_slice(&bytes[header..])?).ok()
        }
    }

    impl<E: RawElement, D: Dimension> Persist for Array<E, D> {
        type Codec = RawLe;
    }
}
