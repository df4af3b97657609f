//! Runtime of the `lazy` crate. Use it through `lazy`.

mod key;

pub use key::{Fingerprint, FingerprintHasher, Key};
