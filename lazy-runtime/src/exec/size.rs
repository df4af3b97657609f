//! How many bytes a task's value takes, for the profile: the value itself
//! (`size_of_val`), plus the heap buffer of the common owning types (vectors and strings of
//! numbers, boxed slices, and, behind the `ndarray` feature, owned arrays). Other types
//! count their inline size only: a hint, not a measure of everything they own.

use std::any::Any;
use std::mem::size_of_val;

/// The bytes `value` takes: inline, plus a known heap buffer.
pub(crate) fn bytes_of(value: &(dyn Any + Send + Sync)) -> u64 {
    let inline = size_of_val(value);
    let heap = heap_bytes(value).unwrap_or(0);
    u64::try_from(inline + heap).unwrap_or(u64::MAX)
}

macro_rules! try_heap {
    ($value:expr; $($t:ty),*) => {$(
        if let Some(v) = $value.downcast_ref::<Vec<$t>>() {
            return Some(v.capacity() * size_of::<$t>());
        }
        if let Some(v) = $value.downcast_ref::<Box<[$t]>>() {
            return Some(size_of_val(&**v));
        }
    )*};
}

fn heap_bytes(value: &(dyn Any + Send + Sync)) -> Option<usize> {
    if let Some(s) = value.downcast_ref::<String>() {
        return Some(s.capacity());
    }
    try_heap!(value; u8, i8, u16, i16, u32, i32, u64, i64, u128, i128, usize, isize, f32, f64, bool, char);
    if let Some(v) = value.downcast_ref::<Vec<String>>() {
        return Some(
            v.capacity() * size_of::<String>() + v.iter().map(String::capacity).sum::<usize>(),
        );
    }
    arrays::heap_bytes(value)
}

#[cfg(feature = "ndarray")]
mod arrays {
    use std::any::Any;

    use ndarray::{Array, Ix1, Ix2, Ix3, IxDyn};

    macro_rules! try_arrays {
        ($value:expr; $($t:ty),*) => {$(
            if let Some(a) = $value.downcast_ref::<Array<$t, Ix1>>() {
                return Some(a.len() * size_of::<$t>());
            }
            if let Some(a) = $value.downcast_ref::<Array<$t, Ix2>>() {
                return Some(a.len() * size_of::<$t>());
            }
            if let Some(a) = $value.downcast_ref::<Array<$t, Ix3>>() {
                return Some(a.len() * size_of::<$t>());
            }
            if let Some(a) = $value.downcast_ref::<Array<$t, IxDyn>>() {
                return Some(a.len() * size_of::<$t>());
            }
        )*};
    }

    pub(super) fn heap_bytes(value: &(dyn Any + Send + Sync)) -> Option<usize> {
        try_arrays!(value; f64, f32, i64, i32, u64, u32, u8, bool);
        None
    }
}

#[cfg(not(feature = "ndarray"))]
mod arrays {
    pub(super) fn heap_bytes(_: &(dyn std::any::Any + Send + Sync)) -> Option<usize> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::bytes_of;

    #[test]
    fn vectors_and_strings_count_their_buffers() {
        let v: Vec<f64> = Vec::with_capacity(1000);
        assert_eq!(bytes_of(&v), 24 + 8000);
        assert_eq!(bytes_of(&String::from("abcd")), 24 + 4);
        assert_eq!(bytes_of(&7_u32), 4);
        assert_eq!(
            bytes_of(&(1_u8, 2_u64)),
            16,
            "other types count their inline size"
        );
    }
}
