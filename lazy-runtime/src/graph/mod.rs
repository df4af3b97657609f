//! The graph layer: nodes, the state of their results, and the folding table that makes
//! equal nodes one. Built on keys and operations; knows nothing of plans or schedulers.

mod executor;
mod inputs;
pub(crate) mod memo;
#[cfg(all(test, loom))]
mod model;
mod node;
mod persisted;
pub(crate) mod revision;
mod state;
mod sync;
mod table;
mod transitions;
mod value;

pub use executor::Executor;
pub(crate) use node::{Compute, Inputs, Node, TaskInput, Volatile};
pub use state::NodeState;
pub(crate) use state::Status;
pub(crate) use transitions::{Begin, Claim, Read};
pub(crate) use value::{Erased, InputValues, SameValue};
