//! How values cross processes: a codec per value type, found by the value's `TypeId` when
//! it is sent and by a digest of its type's name when it is received (the same binary runs
//! everywhere, so both name the same type on every process). Numbers, strings and vectors
//! of them, and numeric ndarray arrays, have codecs built in; a serde type gets one with
//! [`register`]. Numeric vectors and arrays travel as raw little-endian bytes, other types
//! as postcard.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, PoisonError, RwLock};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::graph::Erased;

/// A value's encoding and decoding.
struct Codec {
    id: u64,
    encode: fn(&(dyn Any + Send + Sync)) -> Vec<u8>,
    decode: fn(&[u8]) -> Result<Erased, String>,
}

#[derive(Default)]
struct Registry {
    by_type: HashMap<TypeId, Arc<Codec>>,
    by_id: HashMap<u64, Arc<Codec>>,
}

static REGISTRY: LazyLock<RwLock<Registry>> = LazyLock::new(|| {
    let mut registry = Registry::default();
    builtins(&mut registry);
    RwLock::new(registry)
});

fn id_of<T: 'static>() -> u64 {
    let digest = blake3::hash(std::any::type_name::<T>().as_bytes());
    u64::from_le_bytes(digest.as_bytes()[..8].try_into().expect("8 bytes"))
}

impl Registry {
    fn add<T: Send + Sync + 'static>(
        &mut self,
        encode: fn(&(dyn Any + Send + Sync)) -> Vec<u8>,
        decode: fn(&[u8]) -> Result<Erased, String>,
    ) {
        let codec = Arc::new(Codec {
            id: id_of::<T>(),
            encode,
            decode,
        });
        self.by_id.insert(codec.id, Arc::clone(&codec));
        self.by_type.insert(TypeId::of::<T>(), codec);
    }

    fn add_serde<T: Serialize + DeserializeOwned + Send + Sync + 'static>(&mut self) {
        self.add::<T>(encode_serde::<T>, decode_serde::<T>);
    }
}

fn encode_serde<T: Serialize + 'static>(value: &(dyn Any + Send + Sync)) -> Vec<u8> {
    let value = value.downcast_ref::<T>().expect("the codec of this type");
    postcard::to_stdvec(value).expect("lazy cluster: postcard cannot encode this value")
}

fn decode_serde<T: DeserializeOwned + Send + Sync + 'static>(
    bytes: &[u8],
) -> Result<Erased, String> {
    let value: T = postcard::from_bytes(bytes).map_err(|e| e.to_string())?;
    Ok(Arc::new(value))
}

fn encode_raw<T: bytemuck::Pod + Send + Sync>(value: &(dyn Any + Send + Sync)) -> Vec<u8> {
    let value = value
        .downcast_ref::<Vec<T>>()
        .expect("the codec of this type");
    little_endian(value)
}

fn decode_raw<T: bytemuck::Pod + Send + Sync>(bytes: &[u8]) -> Result<Erased, String> {
    Ok(Arc::new(from_little_endian::<T>(bytes)?))
}

/// The elements' bytes, little-endian (as they are in memory on the targets supported).
fn little_endian<T: bytemuck::Pod>(values: &[T]) -> Vec<u8> {
    const {
        assert!(
            cfg!(target_endian = "little"),
            "raw codecs assume little-endian"
        );
    }
    bytemuck::cast_slice(values).to_vec()
}

fn from_little_endian<T: bytemuck::Pod>(bytes: &[u8]) -> Result<Vec<T>, String> {
    if !bytes.len().is_multiple_of(size_of::<T>()) {
        return Err(format!(
            "{} bytes are no whole number of {}-byte elements",
            bytes.len(),
            size_of::<T>()
        ));
    }
    let mut values = vec![T::zeroed(); bytes.len() / size_of::<T>()];
    bytemuck::cast_slice_mut::<T, u8>(&mut values).copy_from_slice(bytes);
    Ok(values)
}

macro_rules! numbers {
    ($registry:ident: $($t:ty),*) => {$(
        $registry.add_serde::<$t>();
        $registry.add::<Vec<$t>>(encode_raw::<$t>, decode_raw::<$t>);
        #[cfg(feature = "ndarray")]
        arrays::add::<$t>($registry);
    )*};
}

fn builtins(registry: &mut Registry) {
    numbers!(registry: u8, u16, u32, u64, u128, i8, i16, i32, i64, i128, f32, f64);
    registry.add_serde::<usize>();
    registry.add_serde::<isize>();
    registry.add_serde::<bool>();
    registry.add_serde::<char>();
    registry.add_serde::<()>();
    registry.add_serde::<String>();
    registry.add_serde::<Vec<String>>();
    registry.add_serde::<Vec<bool>>();
    registry.add_serde::<Vec<usize>>();
    registry.add_serde::<(i64, i64)>();
    registry.add_serde::<(f64, f64)>();
    registry.add_serde::<(u64, u64)>();
}

/// Numeric ndarray arrays: the number of axes and their lengths, then the elements in
/// logical order as raw little-endian bytes.
#[cfg(feature = "ndarray")]
mod arrays {
    use std::any::Any;
    use std::sync::Arc;

    use ndarray::{Array, Dimension, Ix1, Ix2, IxDyn};

    use crate::cluster::codec::{Registry, from_little_endian, little_endian};
    use crate::graph::Erased;

    pub(super) fn add<T: bytemuck::Pod + Send + Sync>(registry: &mut Registry) {
        registry.add::<Array<T, Ix1>>(encode::<T, Ix1>, decode::<T, Ix1>);
        registry.add::<Array<T, Ix2>>(encode::<T, Ix2>, decode::<T, Ix2>);
        registry.add::<Array<T, IxDyn>>(encode::<T, IxDyn>, decode::<T, IxDyn>);
    }

    fn encode<T: bytemuck::Pod + Send + Sync, D: Dimension + 'static>(
        value: &(dyn Any + Send + Sync),
    ) -> Vec<u8> {
        let array = value
            .downcast_ref::<Array<T, D>>()
            .expect("the codec of this type");
        let mut bytes = Vec::with_capacity(8 + 8 * array.ndim() + size_of_val(array));
        bytes.extend_from_slice(&(array.ndim() as u64).to_le_bytes());
        for &len in array.shape() {
            bytes.extend_from_slice(&(len as u64).to_le_bytes());
        }
        match array.as_slice() {
            Some(elements) => bytes.extend_from_slice(bytemuck::cast_slice(elements)),
            None => bytes.extend(little_endian(&array.iter().copied().collect::<Vec<T>>())),
        }
        bytes
    }

    fn decode<T: bytemuck::Pod + Send + Sync, D: Dimension + 'static>(
        bytes: &[u8],
    ) -> Result<Erased, String> {
        let word = |at: usize| -> Result<usize, String> {
            let word = bytes
                .get(at..at + 8)
                .ok_or("an array's header is cut short")?;
            let word = u64::from_le_bytes(word.try_into().expect("8 bytes"));
            usize::try_from(word).map_err(|e| e.to_string())
        };
        let ndim = word(0)?;
        let shape = (0..ndim)
            .map(|axis| word(8 + 8 * axis))
            .collect::<Result<Vec<_>, _>>()?;
        let elements = from_little_endian::<T>(&bytes[8 + 8 * ndim..])?;
        let array = Array::from_shape_vec(IxDyn(&shape), elements).map_err(|e| e.to_string())?;
        let array = array
            .into_dimensionality::<D>()
            .map_err(|e| e.to_string())?;
        Ok(Arc::new(array))
    }
}

/// Gives values of type `T` a codec to cross processes, with serde and postcard. Call it
/// on every process before the first force that sends such a value (a type registered
/// twice keeps the newer codec).
pub fn register<T: Serialize + DeserializeOwned + Send + Sync + 'static>() {
    let mut registry = REGISTRY.write().unwrap_or_else(PoisonError::into_inner);
    registry.add_serde::<T>();
}

/// The codec id and bytes of a value, or `None` if its type has no codec.
pub(super) fn encode_erased(value: &Erased) -> Option<(u64, Vec<u8>)> {
    let registry = REGISTRY.read().unwrap_or_else(PoisonError::into_inner);
    let any: &(dyn Any + Send + Sync) = &**value;
    let codec = registry.by_type.get(&any.type_id())?;
    Some((codec.id, (codec.encode)(any)))
}

/// The value that `bytes` encode with codec `id`.
pub(super) fn decode_erased(id: u64, bytes: &[u8]) -> Result<Erased, String> {
    let codec = {
        let registry = REGISTRY.read().unwrap_or_else(PoisonError::into_inner);
        registry.by_id.get(&id).cloned()
    };
    let codec = codec.ok_or_else(|| format!("no codec with id {id:#x} is registered here"))?;
    (codec.decode)(bytes)
}

/// The bytes a value of type `T` crosses processes as, or `None` if `T` has no codec.
#[must_use]
pub fn encode<T: Send + Sync + 'static>(value: T) -> Option<Vec<u8>> {
    let value: Erased = Arc::new(value);
    encode_erased(&value).map(|(_, bytes)| bytes)
}

/// The value of type `T` that `bytes` (from [`encode`]) encode.
///
/// # Errors
///
/// `T` has no codec, or the bytes are not a value of it.
pub fn decode<T: Clone + Send + Sync + 'static>(bytes: &[u8]) -> Result<T, String> {
    let value = decode_erased(id_of::<T>(), bytes)?;
    let value = value
        .downcast::<T>()
        .map_err(|_| String::from("a codec decoded another type"))?;
    Ok(Arc::try_unwrap(value).unwrap_or_else(|v| (*v).clone()))
}

#[cfg(test)]
mod tests {
    use super::{decode, encode, register};

    #[test]
    fn built_in_values_round_trip() {
        assert_eq!(decode::<i64>(&encode(-5_i64).unwrap()), Ok(-5));
        assert_eq!(
            decode::<String>(&encode(String::from("hi")).unwrap()),
            Ok(String::from("hi"))
        );
        let floats = vec![1.5_f64, -2.0, f64::MAX];
        let bytes = encode(floats.clone()).unwrap();
        assert_eq!(bytes.len(), 24, "raw bytes, no framing");
        assert_eq!(decode::<Vec<f64>>(&bytes), Ok(floats));
    }

    #[cfg(feature = "ndarray")]
    #[test]
    fn arrays_travel_as_shape_and_raw_elements() {
        let array =
            ndarray::Array2::from_shape_fn((3, 4), |(i, j)| i64::try_from(i * 10 + j).unwrap());
        let bytes = encode(array.clone()).unwrap();
        assert_eq!(bytes.len(), 8 + 16 + 12 * 8);
        assert_eq!(decode::<ndarray::Array2<i64>>(&bytes), Ok(array.clone()));
        let transposed = array.t().to_owned();
        let bytes = encode(array.reversed_axes()).unwrap();
        assert_eq!(decode::<ndarray::Array2<i64>>(&bytes), Ok(transposed));
    }

    #[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Point {
        x: i32,
        label: String,
    }

    #[test]
    fn a_registered_serde_type_round_trips_and_others_have_no_codec() {
        let point = Point {
            x: 3,
            label: String::from("p"),
        };
        assert!(encode(point.clone()).is_none());
        register::<Point>();
        assert_eq!(decode::<Point>(&encode(point.clone()).unwrap()), Ok(point));
    }
}
