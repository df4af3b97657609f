//! [`Bytes`]: a stored value's bytes as read back, aligned for any number type.

use std::fmt;
use std::ops::{Deref, DerefMut};

use bytemuck::Pod;

/// A value's bytes as the cache read them back, in a buffer aligned to 8 bytes.
///
/// A codec's [`decode`](super::Codec::decode) receives them. The alignment lets a numeric
/// array of 8-byte elements (`f64`, `i64`, `u64`) take the buffer over with
/// [`into_vec`](Bytes::into_vec) instead of copying it; narrower elements are copied once.
///
/// # Examples
///
/// ```
/// use lazy_runtime::persist::Bytes;
///
/// let bytes = Bytes::from(1.5_f64.to_le_bytes().as_slice());
/// assert_eq!(bytes.len(), 8);
/// let floats: Vec<f64> = bytes.into_vec().unwrap();
/// assert_eq!(floats, [1.5]);
/// ```
pub struct Bytes {
    words: Vec<u64>,
    len: usize,
}

impl Bytes {
    /// `len` zero bytes. Large buffers come from fresh zero pages, so this writes nothing.
    #[must_use]
    pub fn zeroed(len: usize) -> Bytes {
        Bytes {
            words: vec![0; len.div_ceil(8)],
            len,
        }
    }

    /// `len` zero bytes, or `None` when that much memory cannot be had (a damaged length
    /// read from a file must not abort the process).
    pub(super) fn try_zeroed(len: usize) -> Option<Bytes> {
        let mut words = Vec::new();
        words.try_reserve_exact(len.div_ceil(8)).ok()?;
        crate::pages::advise_huge_pages(words.spare_capacity_mut());
        words.resize(len.div_ceil(8), 0);
        Some(Bytes { words, len })
    }

    /// The bytes.
    #[must_use]
    pub fn as_slice(&self) -> &[u8] {
        &bytemuck::cast_slice(&self.words)[..self.len]
    }

    /// The bytes, to write into.
    #[must_use]
    pub fn as_mut_slice(&mut self) -> &mut [u8] {
        &mut bytemuck::cast_slice_mut(&mut self.words)[..self.len]
    }

    /// Shortens the bytes to `len` (nothing happens if they are not longer).
    pub fn truncate(&mut self, len: usize) {
        self.len = self.len.min(len);
    }

    /// The bytes as elements of type `E`, in this machine's byte order: the buffer itself when
    /// `E` is 8 bytes wide, a copy otherwise. `None` when the length is not a whole number of
    /// elements.
    #[must_use]
    pub fn into_vec<E: Pod>(mut self) -> Option<Vec<E>> {
        let size = size_of::<E>();
        if size == 0 || !self.len.is_multiple_of(size) {
            return None;
        }
        if size == 8 {
            self.words.truncate(self.len / 8);
            if let Ok(values) = bytemuck::allocation::try_cast_vec::<u64, E>(self.words) {
                return Some(values);
            }
            unreachable!("an 8-byte `Pod` type has the alignment of `u64` or less");
        }
        let mut values = vec![E::zeroed(); self.len / size];
        bytemuck::cast_slice_mut(&mut values).copy_from_slice(self.as_slice());
        Some(values)
    }
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        self.as_slice()
    }
}

impl DerefMut for Bytes {
    fn deref_mut(&mut self) -> &mut [u8] {
        self.as_mut_slice()
    }
}

impl From<&[u8]> for Bytes {
    fn from(bytes: &[u8]) -> Bytes {
        let mut out = Bytes::zeroed(bytes.len());
        out.as_mut_slice().copy_from_slice(bytes);
        out
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Bytes {
        Bytes::from(bytes.as_slice())
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes({} bytes)", self.len)
    }
}

impl PartialEq for Bytes {
    fn eq(&self, other: &Bytes) -> bool {
        self.as_slice() == other.as_slice()
    }
}

#[cfg(test)]
mod tests {
    use super::Bytes;

    #[test]
    fn eight_byte_elements_take_the_buffer_over() {
        let values: Vec<u64> = (0..1000).collect();
        let bytes = Bytes::from(bytemuck::cast_slice::<u64, u8>(&values));
        let start = bytes.as_slice().as_ptr();
        let back: Vec<u64> = bytes.into_vec().unwrap();
        assert_eq!(back, values);
        assert_eq!(back.as_ptr().cast::<u8>(), start, "no copy");
    }

    #[test]
    fn narrower_elements_and_bad_lengths() {
        let bytes = Bytes::from([1_u8, 0, 2, 0, 3, 0].as_slice());
        assert_eq!(bytes.into_vec::<u16>(), Some(vec![1, 2, 3]));
        assert_eq!(Bytes::from([1_u8; 6].as_slice()).into_vec::<u32>(), None);
        assert_eq!(Bytes::from([1_u8; 12].as_slice()).into_vec::<f64>(), None);
        let mut bytes = Bytes::from([9_u8; 17].as_slice());
        bytes.truncate(16);
        assert_eq!(bytes.into_vec::<u64>().map(|v| v.len()), Some(2));
    }
}
