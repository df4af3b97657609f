//! The Oz values (the lazy-execution slides): by-need values, dataflow variables and lazy
//! streams. They stand on their own: demand-driven evaluation of single values and lists,
//! on a small shared module of suspensions and their error, and use nothing of the task
//! graph.

mod by_need;
mod dataflow;
mod error;
pub mod stream;
mod suspension;

pub use by_need::ByNeed;
pub use dataflow::{BindError, Dataflow};
pub use error::DemandError;
