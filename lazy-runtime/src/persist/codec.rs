//! How values become bytes: the [`Codec`] trait, the general [`Postcard`] codec, the
//! [`TypeTag`] that makes a changed type a miss, and [`Persist`], the codec a type uses by
//! default.

use std::any::type_name;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, Hash};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::bytes::Bytes;
use super::error::CacheError;

/// What an entry's bytes decode to: a digest of the value's type name, the codec's name and
/// the codec's version.
///
/// Every entry records the tag it was stored under, and a read with another tag is a miss, so
/// a type or codec that changed between runs misses instead of decoding the old bytes as the
/// new type. (`std::any::type_name` may change between compiler versions; that too is a miss.)
///
/// # Examples
///
/// ```
/// use lazy_runtime::persist::{Postcard, RawLe, TypeTag};
///
/// assert_eq!(TypeTag::of::<Vec<f64>, RawLe>(), TypeTag::of::<Vec<f64>, RawLe>());
/// assert_ne!(TypeTag::of::<Vec<f64>, RawLe>(), TypeTag::of::<Vec<f32>, RawLe>());
/// assert_ne!(TypeTag::of::<Vec<f64>, RawLe>(), TypeTag::of::<Vec<f64>, Postcard>());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TypeTag(pub(super) [u8; 16]);

impl TypeTag {
    /// The tag of values of type `T` encoded by codec `C`.
    #[must_use]
    pub fn of<T: ?Sized, C: Codec<T>>() -> TypeTag {
        TypeTag::named(type_name::<T>(), C::NAME, C::VERSION)
    }

    /// The tag of values whose type is called `type_name`, encoded by the codec called `codec`
    /// at version `version`: for bytes stored with [`DiskCache::put_bytes`](super::DiskCache::put_bytes).
    #[must_use]
    pub fn named(type_name: &str, codec: &str, version: u32) -> TypeTag {
        let mut hasher = blake3::Hasher::new_derive_key("lazy disk cache type tag v1");
        hasher.update(&(type_name.len() as u64).to_le_bytes());
        hasher.update(type_name.as_bytes());
        hasher.update(&(codec.len() as u64).to_le_bytes());
        hasher.update(codec.as_bytes());
        hasher.update(&version.to_le_bytes());
        let mut tag = [0; 16];
        tag.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
        TypeTag(tag)
    }

    /// The tag's bytes.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Debug for TypeTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TypeTag(")?;
        for b in &self.0[..4] {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// A value's encoding: byte slices, written one after the other.
///
/// Borrowing lets a numeric array be written straight from its own memory, without copying
/// it into a buffer first.
#[derive(Debug, Default)]
pub struct Encoded<'a> {
    parts: Vec<Cow<'a, [u8]>>,
}

impl<'a> Encoded<'a> {
    /// An encoding of one part.
    #[must_use]
    pub fn new(bytes: impl Into<Cow<'a, [u8]>>) -> Encoded<'a> {
        Encoded {
            parts: vec![bytes.into()],
        }
    }

    /// Appends a part.
    pub fn push(&mut self, bytes: impl Into<Cow<'a, [u8]>>) {
        self.parts.push(bytes.into());
    }

    /// The parts, in order.
    #[must_use]
    pub fn parts(&self) -> &[Cow<'a, [u8]>] {
        &self.parts
    }

    /// The encoding's length in bytes.
    #[must_use]
    pub fn len(&self) -> usize {
        self.parts.iter().map(|p| p.len()).sum()
    }

    /// Whether the encoding has no bytes.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The parts joined into one buffer.
    #[must_use]
    pub fn to_vec(&self) -> Vec<u8> {
        self.parts.concat()
    }
}

/// An encoding of values of type `T`.
///
/// `decode` must accept exactly what `encode` produced for the same `NAME` and `VERSION`;
/// change `VERSION` when the format changes, so that old entries miss. A cache calls `decode`
/// only on bytes whose checksum and [`TypeTag`] match, but it must still never panic on
/// malformed input: it returns `None`, and the entry is removed as undecodable.
pub trait Codec<T: ?Sized> {
    /// The codec's name, part of every entry's [`TypeTag`].
    const NAME: &'static str;
    /// The codec's format version, part of every entry's [`TypeTag`].
    const VERSION: u32;

    /// The bytes of `value`.
    ///
    /// # Errors
    ///
    /// [`CacheError::Encode`] when the value cannot be encoded (a serde implementation that
    /// fails).
    fn encode(value: &T) -> Result<Encoded<'_>, CacheError>;

    /// The value `bytes` encode, or `None` when they are not an encoding of a `T`. The
    /// buffer is the codec's to keep: a numeric array can become its elements without a copy
    /// (see [`Bytes::into_vec`]).
    fn decode(bytes: Bytes) -> Option<T>
    where
        T: Sized;
}

/// The general codec: [`postcard`](https://docs.rs/postcard) over serde.
///
/// Compact and fast for structured values. Large numeric arrays are faster with
/// [`RawLe`](super::RawLe), which writes their memory as it is instead of each element.
#[derive(Clone, Copy, Debug, Default)]
pub struct Postcard;

impl<T: Serialize + DeserializeOwned> Codec<T> for Postcard {
    const NAME: &'static str = "postcard";
    const VERSION: u32 = 1;

    fn encode(value: &T) -> Result<Encoded<'_>, CacheError> {
        postcard::to_stdvec(value)
            .map(Encoded::new)
            .map_err(|e| CacheError::Encode(e.to_string()))
    }

    fn decode(bytes: Bytes) -> Option<T> {
        postcard::from_bytes(&bytes).ok()
    }
}

/// A type the disk cache can store, and the codec it is stored with by default (by
/// [`DiskCache::get_value`](super::DiskCache::get_value) and
/// [`DiskCache::put_value`](super::DiskCache::put_value)).
///
/// Implemented for numbers, strings, numeric vectors (with [`RawLe`](super::RawLe)), ndarray
/// arrays of numbers (under the `ndarray` feature), and options, tuples, vectors of strings
/// and maps of serde types (with [`Postcard`]). For a type of your own that derives serde's
/// `Serialize` and `Deserialize`, one line does it:
///
/// ```
/// use lazy_runtime::persist::{Persist, Postcard};
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Summary {
///     mean: f64,
///     count: u64,
/// }
///
/// impl Persist for Summary {
///     type Codec = Postcard;
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored in the disk cache",
    label = "this type does not implement `Persist`",
    note = "derive serde's `Serialize` and `Deserialize` for it and write `impl Persist for {Self} {{ type Codec = Postcard; }}`"
)]
pub trait Persist: Sized {
    /// The codec values of this type are stored with.
    type Codec: Codec<Self>;
}

macro_rules! persist_with_postcard {
    ($($t:ty),* $(,)?) => {
        $(impl Persist for $t {
            type Codec = Postcard;
        })*
    };
}

persist_with_postcard!(
    (),
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    String,
    Vec<String>,
    Vec<bool>,
    Vec<usize>,
    Vec<isize>,
);

impl<T: Serialize + DeserializeOwned> Persist for Option<T> {
    type Codec = Postcard;
}

impl<T: Serialize + DeserializeOwned, E: Serialize + DeserializeOwned> Persist for Result<T, E> {
    type Codec = Postcard;
}

impl<K, V> Persist for BTreeMap<K, V>
where
    K: Serialize + DeserializeOwned + Ord,
    V: Serialize + DeserializeOwned,
{
    type Codec = Postcard;
}

impl<K, V, S> Persist for HashMap<K, V, S>
where
    K: Serialize + DeserializeOwned + Eq + Hash,
    V: Serialize + DeserializeOwned,
    S: BuildHasher + Default,
{
    type Codec = Postcard;
}

impl<T: Serialize + DeserializeOwned + Ord> Persist for BTreeSet<T> {
    type Codec = Postcard;
}

impl<T, S> Persist for HashSet<T, S>
where
    T: Serialize + DeserializeOwned + Eq + Hash,
    S: BuildHasher + Default,
{
    type Codec = Postcard;
}

macro_rules! persist_tuples {
    ($(($($name:ident),+)),* $(,)?) => {
        $(impl<$($name: Serialize + DeserializeOwned),+> Persist for ($($name,)+) {
            type Codec = Postcard;
        })*
    };
}

persist_tuples!(
    (A),
    (A, B),
    (A, B, C),
    (A, B, C, D),
    (A, B, C, D, E),
    (A, B, C, D, E, F)
);
