//! How many bytes a kept value takes: the [`MemoSize`] trait, and a registry that finds a
//! type's implementation from an erased value (the store sees values only as `dyn Any`).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::mem::size_of;
use std::sync::{OnceLock, PoisonError, RwLock};

/// How many bytes a value takes, its heap allocations included: what the memo store
/// charges against its budget for keeping it.
///
/// Implemented for numbers, `bool`, `char`, `String`, `Vec`, `Box`, `Option`, tuples, arrays,
/// and (with the `ndarray` feature) owned ndarray arrays. The store knows the types that
/// [`register_size`] has been called for, and these: numbers, `bool`, `String`, `Vec`s of
/// them, and ndarray arrays of numbers and `bool` of one, two or any number of dimensions.
/// Any other type is charged its shallow size (`size_of_val`), which misses what it owns
/// on the heap: register large types of your own.
///
/// # Examples
///
/// ```
/// use lazy_runtime::memo::MemoSize;
///
/// assert_eq!(7_u64.memo_size(), 8);
/// assert!(vec![0_u8; 1000].memo_size() >= 1000);
/// assert!(String::from("hello").memo_size() >= 5);
/// ```
pub trait MemoSize {
    /// Bytes taken by `self` and what it owns.
    fn memo_size(&self) -> usize;

    /// Whether `memo_size` is always `size_of::<Self>()` (nothing on the heap): containers
    /// of such types skip visiting their elements.
    const FLAT: bool = false;
}

macro_rules! flat {
    ($($t:ty)*) => {$(
        impl MemoSize for $t {
            const FLAT: bool = true;
            fn memo_size(&self) -> usize {
                size_of::<$t>()
            }
        }
    )*};
}

flat!(u8 u16 u32 u64 u128 usize i8 i16 i32 i64 i128 isize f32 f64 bool char);
flat!(());

impl MemoSize for String {
    fn memo_size(&self) -> usize {
        size_of::<String>() + self.capacity()
    }
}

impl MemoSize for str {
    fn memo_size(&self) -> usize {
        self.len()
    }
}

impl<T: MemoSize> MemoSize for [T] {
    fn memo_size(&self) -> usize {
        if T::FLAT {
            std::mem::size_of_val(self)
        } else {
            self.iter().map(MemoSize::memo_size).sum()
        }
    }
}

impl<T: MemoSize> MemoSize for Vec<T> {
    fn memo_size(&self) -> usize {
        let spare = (self.capacity() - self.len()) * size_of::<T>();
        size_of::<Vec<T>>() + spare + self.as_slice().memo_size()
    }
}

impl<T: MemoSize, const N: usize> MemoSize for [T; N] {
    const FLAT: bool = T::FLAT;
    fn memo_size(&self) -> usize {
        self.as_slice().memo_size()
    }
}

impl<T: MemoSize + ?Sized> MemoSize for Box<T> {
    fn memo_size(&self) -> usize {
        size_of::<Box<T>>() + (**self).memo_size()
    }
}

impl<T: MemoSize> MemoSize for Option<T> {
    fn memo_size(&self) -> usize {
        match self {
            Some(v) => size_of::<Option<T>>() - size_of::<T>() + v.memo_size(),
            None => size_of::<Option<T>>(),
        }
    }
}

macro_rules! tuple {
    ($($name:ident)+) => {
        impl<$($name: MemoSize),+> MemoSize for ($($name,)+) {
            const FLAT: bool = $($name::FLAT)&&+;
            #[allow(non_snake_case)]
            fn memo_size(&self) -> usize {
                let ($($name,)+) = self;
                // Padding between the fields counts too.
                let fields = 0 $(+ size_of::<$name>())+;
                size_of::<Self>() - fields $(+ $name.memo_size())+
            }
        }
    };
}

tuple!(A);
tuple!(A B);
tuple!(A B C);
tuple!(A B C D);

#[cfg(feature = "ndarray")]
impl<A: MemoSize, D: ndarray::Dimension> MemoSize for ndarray::Array<A, D> {
    fn memo_size(&self) -> usize {
        // An owned array's buffer may be longer than its view (after slicing in place).
        let shallow = size_of::<Self>();
        if A::FLAT {
            shallow + self.len() * size_of::<A>()
        } else {
            shallow + self.iter().map(MemoSize::memo_size).sum::<usize>()
        }
    }
}

type SizeOf = fn(&(dyn Any + Send + Sync)) -> usize;

fn registry() -> &'static RwLock<HashMap<TypeId, SizeOf>> {
    static REGISTRY: OnceLock<RwLock<HashMap<TypeId, SizeOf>>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut sizes = HashMap::new();
        builtins(&mut sizes);
        RwLock::new(sizes)
    })
}

fn size_with<T: MemoSize + Any>(value: &(dyn Any + Send + Sync)) -> usize {
    value.downcast_ref::<T>().map_or(0, MemoSize::memo_size)
}

fn entry<T: MemoSize + Any>(sizes: &mut HashMap<TypeId, SizeOf>) {
    sizes.insert(TypeId::of::<T>(), size_with::<T>);
}

macro_rules! builtin {
    ($sizes:ident: $($t:ty)*) => {$(
        entry::<$t>($sizes);
        entry::<Vec<$t>>($sizes);
        #[cfg(feature = "ndarray")]
        {
            entry::<ndarray::Array1<$t>>($sizes);
            entry::<ndarray::Array2<$t>>($sizes);
            entry::<ndarray::ArrayD<$t>>($sizes);
        }
    )*};
}

fn builtins(sizes: &mut HashMap<TypeId, SizeOf>) {
    builtin!(sizes: u8 u16 u32 u64 usize i8 i16 i32 i64 isize f32 f64 bool char);
    entry::<String>(sizes);
    entry::<Vec<String>>(sizes);
}

/// Tells the memo store how to measure values of type `T`, for types it does not know
/// (see [`MemoSize`]). Registering a type again replaces nothing of importance: the same
/// function is stored.
///
/// # Examples
///
/// ```
/// use lazy_runtime::memo::{MemoSize, register_size};
///
/// struct Table {
///     rows: Vec<Vec<f64>>,
/// }
///
/// impl MemoSize for Table {
///     fn memo_size(&self) -> usize {
///         self.rows.memo_size()
///     }
/// }
///
/// register_size::<Table>();
/// ```
pub fn register_size<T: MemoSize + Send + Sync + 'static>() {
    registry()
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(TypeId::of::<T>(), size_with::<T>);
}

/// The bytes `value` takes: by its registered [`MemoSize`], or its shallow size.
pub(super) fn of(value: &(dyn Any + Send + Sync)) -> usize {
    let found = registry()
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&value.type_id())
        .copied();
    match found {
        Some(size) => size(value),
        None => std::mem::size_of_val(value),
    }
}
