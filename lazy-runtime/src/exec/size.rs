//! How many bytes a task's value takes, for the profile: the value itself
//! (`size_of_val`), plus the heap buffer of the common owning types (vectors and strings of
//! numbers, boxed slices, and, behind the `ndarray` feature, owned arrays). Other types
//! count their inline size only: a hint, not a measure of everything they own.

use std::any::{Any, TypeId};
use std::mem::size_of_val;
use std::sync::LazyLock;

/// The bytes `value` takes: inline, plus a known heap buffer.
#[cfg(test)]
pub(crate) fn bytes_of(value: &(dyn Any + Send + Sync)) -> u64 {
    bytes_with(heap_of(Any::type_id(value)), value)
}

/// The bytes `value` takes, given the [`Heap`] of its type (from [`heap_of`]).
#[inline]
pub(crate) fn bytes_with(heap: Option<Heap>, value: &(dyn Any + Send + Sync)) -> u64 {
    let heap = heap.map_or(0, |heap| heap(value));
    u64::try_from(size_of_val(value) + heap).unwrap_or(u64::MAX)
}

/// Measures the heap buffer of a value of one type.
pub(crate) type Heap = fn(&(dyn Any + Send + Sync)) -> usize;

/// The [`Heap`] of the type `id` (`None` for a type with no known heap buffer): one look-up
/// in a table sorted by type, so that a caller that measures many values of one type (the
/// recorder) can keep it.
pub(crate) fn heap_of(id: TypeId) -> Option<Heap> {
    static TABLE: LazyLock<Vec<(TypeId, Heap)>> = LazyLock::new(|| {
        let mut table = table();
        table.sort_unstable_by_key(|entry| entry.0);
        table
    });
    TABLE
        .binary_search_by_key(&id, |entry| entry.0)
        .ok()
        .map(|at| TABLE[at].1)
}

fn vec<T: 'static>(value: &(dyn Any + Send + Sync)) -> usize {
    value
        .downcast_ref::<Vec<T>>()
        .map_or(0, |v| v.capacity() * size_of::<T>())
}

fn boxed<T: 'static>(value: &(dyn Any + Send + Sync)) -> usize {
    value
        .downcast_ref::<Box<[T]>>()
        .map_or(0, |v| size_of_val(&**v))
}

fn string(value: &(dyn Any + Send + Sync)) -> usize {
    value.downcast_ref::<String>().map_or(0, String::capacity)
}

fn strings(value: &(dyn Any + Send + Sync)) -> usize {
    value.downcast_ref::<Vec<String>>().map_or(0, |v| {
        v.capacity() * size_of::<String>() + v.iter().map(String::capacity).sum::<usize>()
    })
}

macro_rules! buffers {
    ($table:expr; $($t:ty),*) => {$(
        $table.push((TypeId::of::<Vec<$t>>(), vec::<$t> as Heap));
        $table.push((TypeId::of::<Box<[$t]>>(), boxed::<$t> as Heap));
    )*};
}

/// Every type with a known heap buffer, with its measure.
fn table() -> Vec<(TypeId, Heap)> {
    let mut table: Vec<(TypeId, Heap)> = vec![
        (TypeId::of::<String>(), string),
        (TypeId::of::<Vec<String>>(), strings),
    ];
    buffers!(table; u8, i8, u16, i16, u32, i32, u64, i64, u128, i128, usize, isize, f32, f64, bool, char);
    add_arrays(&mut table);
    table
}

/// The bytes of an `ndarray` array's elements.
#[cfg(feature = "ndarray")]
fn array<T: 'static, D: ndarray::Dimension + 'static>(value: &(dyn Any + Send + Sync)) -> usize {
    value
        .downcast_ref::<ndarray::Array<T, D>>()
        .map_or(0, |a| a.len() * size_of::<T>())
}

/// Adds the arrays of every element type the runtime fuses, in one to three and any dimensions.
#[cfg(feature = "ndarray")]
fn add_arrays(table: &mut Vec<(TypeId, Heap)>) {
    use ndarray::{Array, Ix1, Ix2, Ix3, IxDyn};

    macro_rules! arrays {
        ($($t:ty),*) => {$(
            table.push((TypeId::of::<Array<$t, Ix1>>(), array::<$t, Ix1> as Heap));
            table.push((TypeId::of::<Array<$t, Ix2>>(), array::<$t, Ix2> as Heap));
            table.push((TypeId::of::<Array<$t, Ix3>>(), array::<$t, Ix3> as Heap));
            table.push((TypeId::of::<Array<$t, IxDyn>>(), array::<$t, IxDyn> as Heap));
        )*};
    }
    arrays!(f64, f32, i64, i32, u64, u32, u8, bool);
}

#[cfg(not(feature = "ndarray"))]
fn add_arrays(_: &mut Vec<(TypeId, Heap)>) {}

#[cfg(test)]
mod tests {
    use super::{bytes_of, table};

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

    #[test]
    fn boxed_slices_and_string_vectors_count_their_buffers() {
        let boxed: Box<[u16]> = vec![0; 10].into_boxed_slice();
        assert_eq!(bytes_of(&boxed), 16 + 20);
        let strings = vec![String::from("ab"), String::with_capacity(7)];
        assert_eq!(strings.capacity(), 2);
        assert_eq!(bytes_of(&strings), 24 + 2 * 24 + 2 + 7);
    }

    #[test]
    fn each_type_has_one_measure() {
        let mut ids: Vec<_> = table().into_iter().map(|entry| entry.0).collect();
        let all = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all);
    }
}
