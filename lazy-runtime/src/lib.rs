//! Runtime of the `lazy` crate. Use it through `lazy`.

mod by_need;
mod dataflow;
mod key;
pub mod stream;

pub use by_need::ByNeed;
pub use dataflow::{BindError, Dataflow};
pub use key::{Fingerprint, FingerprintHasher, Key};
