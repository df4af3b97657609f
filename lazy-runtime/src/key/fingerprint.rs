//! Fingerprints: how a leaf's value is fed into its key, for the types that support it.

use super::content::{self, ContentHash};
use super::{Key, LEAF_DOMAIN};

/// Content hashing for leaf values: types that implement it fold by value, so two equal
/// vectors built separately become one node.
///
/// Derive it (`#[derive(lazy::Fingerprint)]`, which writes the fields in order) or
/// implement it for your own types to make their leaves fold by content; values of types
/// without it can still enter a graph by identity with [`Lazy::opaque`](crate::Lazy::opaque).
///
/// # Contract
///
/// Equal fingerprints only for equal values, and equal values have equal fingerprints:
/// leaves with equal fingerprints fold into one node, so a fingerprint that leaves out
/// something `==` compares makes different values one, and a computation silently reads
/// the wrong one. A correct implementation writes everything that `==` compares, and
/// writes lengths before variable-length parts so that `("ab", "c")` and `("a", "bc")`
/// differ. The type's name is added by the runtime; do not write it yourself.
///
/// `PartialEq` is required so that this can be checked: in debug builds, a leaf that folds
/// onto an existing one is compared with it, and a difference panics naming the type
/// (values unequal to themselves, such as NaN, are not compared).
///
/// # Examples
///
/// ```
/// use lazy_runtime::{Fingerprint, FingerprintHasher};
///
/// #[derive(Clone, PartialEq)]
/// struct Point { x: i32, y: i32 }
///
/// impl Fingerprint for Point {
///     fn fingerprint(&self, h: &mut FingerprintHasher) {
///         self.x.fingerprint(h);
///         self.y.fingerprint(h);
///     }
/// }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no `Fingerprint`, so it cannot be a leaf keyed by its content",
    note = "derive it with `#[derive(lazy::Fingerprint)]` (every field needs one too) or implement it by hand, or pass the value as `Lazy::opaque(value)`, a leaf that never folds"
)]
pub trait Fingerprint: PartialEq {
    /// Writes this value's content into `h`.
    fn fingerprint(&self, h: &mut FingerprintHasher);
}

/// From this size on, content hashing uses rayon's threads (blake3's advice is 128 KiB;
/// below a megabyte the hand-off costs about what it saves on two cores).
const PARALLEL_HASH: usize = 1 << 20;

/// The sink a [`Fingerprint`] implementation writes into.
///
/// Input up to one blake3 block (64 bytes: a number with its type's name, say) is gathered
/// here and hashed in one call, without setting up blake3's streaming state, which costs
/// more than the hash itself; longer input streams. The digest is the same either way.
#[derive(Debug)]
pub struct FingerprintHasher {
    block: [u8; BLOCK],
    len: usize,
    /// Set once the input outgrows `block`.
    stream: Option<Box<blake3::Hasher>>,
}

const BLOCK: usize = 64;

impl FingerprintHasher {
    pub(super) fn new() -> FingerprintHasher {
        FingerprintHasher {
            block: [0; BLOCK],
            len: 0,
            stream: None,
        }
    }

    /// Writes raw bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        if self.stream.is_none() {
            if let Some(room) = self.block.get_mut(self.len..self.len + bytes.len()) {
                room.copy_from_slice(bytes);
                self.len += bytes.len();
                return;
            }
            let mut stream = Box::new(blake3::Hasher::new_keyed(&LEAF_DOMAIN));
            stream.update(&self.block[..self.len]);
            self.stream = Some(stream);
        }
        let stream = self.stream.as_mut().expect("set above");
        if bytes.len() >= content::LARGE && content::content_hash() == ContentHash::Xxh3 {
            stream.update(&content::xxh3_digest(bytes));
            return;
        }
        // Large arrays hash on every core: blake3 splits its input into independent chunks,
        // and an 8 MB array takes milliseconds on one core (more than adding two of them).
        if bytes.len() >= PARALLEL_HASH {
            stream.update_rayon(bytes);
        } else {
            stream.update(bytes);
        }
    }

    /// Writes a length or count.
    pub fn write_len(&mut self, len: usize) {
        self.write(&(len as u64).to_le_bytes());
    }

    pub(super) fn finish(self) -> Key {
        match self.stream {
            None => Key(blake3::keyed_hash(&LEAF_DOMAIN, &self.block[..self.len]).into()),
            Some(stream) => Key(stream.finalize().into()),
        }
    }
}

macro_rules! fingerprint_pod {
    ($($t:ty)*) => {$(
        impl Fingerprint for $t {
            fn fingerprint(&self, h: &mut FingerprintHasher) {
                h.write(&self.to_le_bytes());
            }
        }

        impl Fingerprint for [$t] {
            fn fingerprint(&self, h: &mut FingerprintHasher) {
                h.write_len(self.len());
                if cfg!(target_endian = "little") {
                    // One bulk update: element-by-element writes would cost more than the
                    // hashing itself on million-element arrays.
                    h.write(bytemuck::cast_slice(self));
                } else {
                    for x in self {
                        h.write(&x.to_le_bytes());
                    }
                }
            }
        }
    )*};
}

fingerprint_pod!(u8 u16 u32 u64 u128 i8 i16 i32 i64 i128);

macro_rules! fingerprint_float {
    ($($t:ty)*) => {$(
        /// Floats key by bit pattern: `0.0` and `-0.0` differ, and a `NaN` folds with itself.
        impl Fingerprint for $t {
            fn fingerprint(&self, h: &mut FingerprintHasher) {
                h.write(&self.to_bits().to_le_bytes());
            }
        }

        impl Fingerprint for [$t] {
            fn fingerprint(&self, h: &mut FingerprintHasher) {
                h.write_len(self.len());
                if cfg!(target_endian = "little") {
                    h.write(bytemuck::cast_slice(self));
                } else {
                    for x in self {
                        h.write(&x.to_bits().to_le_bytes());
                    }
                }
            }
        }
    )*};
}

fingerprint_float!(f32 f64);

impl Fingerprint for usize {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        (*self as u64).fingerprint(h);
    }
}

impl Fingerprint for isize {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        (*self as i64).fingerprint(h);
    }
}

impl Fingerprint for bool {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        h.write(&[u8::from(*self)]);
    }
}

impl Fingerprint for char {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        h.write(&u32::from(*self).to_le_bytes());
    }
}

impl Fingerprint for () {
    fn fingerprint(&self, _: &mut FingerprintHasher) {}
}

impl Fingerprint for str {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        h.write_len(self.len());
        h.write(self.as_bytes());
    }
}

impl Fingerprint for String {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        self.as_str().fingerprint(h);
    }
}

impl Fingerprint for &'static str {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        (**self).fingerprint(h);
    }
}

/// Slices of composite types hash element by element; slices of numbers take the bulk path.
macro_rules! fingerprint_seq {
    ($($t:ident)*) => {$(
        impl<T> Fingerprint for [$t<T>]
        where
            $t<T>: Fingerprint,
        {
            fn fingerprint(&self, h: &mut FingerprintHasher) {
                h.write_len(self.len());
                for x in self {
                    x.fingerprint(h);
                }
            }
        }
    )*};
}

fingerprint_seq!(Vec Option Box);

impl Fingerprint for [String] {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        h.write_len(self.len());
        for x in self {
            x.fingerprint(h);
        }
    }
}

impl Fingerprint for [bool] {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        h.write_len(self.len());
        for x in self {
            x.fingerprint(h);
        }
    }
}

impl Fingerprint for [char] {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        h.write_len(self.len());
        for x in self {
            x.fingerprint(h);
        }
    }
}

impl<T: PartialEq> Fingerprint for Vec<T>
where
    [T]: Fingerprint,
{
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        self.as_slice().fingerprint(h);
    }
}

impl<T: PartialEq, const N: usize> Fingerprint for [T; N]
where
    [T]: Fingerprint,
{
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        self.as_slice().fingerprint(h);
    }
}

impl<T: Fingerprint + ?Sized> Fingerprint for Box<T> {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        (**self).fingerprint(h);
    }
}

impl<T: Fingerprint + ?Sized> Fingerprint for std::sync::Arc<T> {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        (**self).fingerprint(h);
    }
}

impl<T: Fingerprint> Fingerprint for Option<T> {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        match self {
            None => h.write(&[0]),
            Some(x) => {
                h.write(&[1]);
                x.fingerprint(h);
            }
        }
    }
}

macro_rules! fingerprint_tuple {
    ($(($($t:ident $i:tt),+))*) => {$(
        impl<$($t: Fingerprint),+> Fingerprint for ($($t,)+) {
            fn fingerprint(&self, h: &mut FingerprintHasher) {
                $(self.$i.fingerprint(h);)+
            }
        }
    )*};
}

fingerprint_tuple! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6)
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7)
}

#[cfg(feature = "ndarray")]
mod ndarray_fingerprint {
    use ndarray::{ArrayBase, Data, Dimension};

    use super::{Fingerprint, FingerprintHasher};

    /// Arrays key by shape and content, so equal arrays built separately fold into one leaf.
    /// Contiguous arrays hash their memory in one pass.
    impl<A, S, D> Fingerprint for ArrayBase<S, D>
    where
        S: Data<Elem = A>,
        D: Dimension,
        A: Clone + PartialEq,
        [A]: Fingerprint,
    {
        fn fingerprint(&self, h: &mut FingerprintHasher) {
            h.write_len(self.ndim());
            for &len in self.shape() {
                h.write_len(len);
            }
            match self.as_slice() {
                Some(slice) => slice.fingerprint(h),
                None => self.iter().cloned().collect::<Vec<A>>().fingerprint(h),
            }
        }
    }
}
