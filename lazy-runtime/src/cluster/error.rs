//! Why a cluster run or a force across it fails, and the time bounds that make a lost
//! process an error instead of a hang.

use std::fmt;
use std::time::Duration;

use crate::error::Error;

/// Why a cluster run or a force across it failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClusterError {
    /// The arguments, the hostfile, or connecting the processes.
    Launch(String),
    /// A task failed (on whichever process owned it): its error, naming it.
    Task(Error),
    /// A process died, closed its connection, finished its program, or stayed silent too
    /// long: its index and what happened.
    Lost {
        /// The lost process's index.
        process: usize,
        /// What happened to it.
        reason: String,
    },
    /// Another process ended the force for a reason of its own (which it names).
    Aborted {
        /// The process that ended the force.
        process: usize,
        /// Its reason.
        reason: String,
    },
    /// The processes built different plans for the same force (a graph that depends on
    /// the host: identity-keyed leaves, impure calls, host-dependent data), or a value
    /// that cannot cross processes.
    Mismatch(String),
    /// A value that has no codec to cross processes: the task and the value's type.
    NoCodec {
        /// The task whose value had to be sent.
        task: String,
        /// The value's type.
        type_name: String,
    },
    /// The program's closure panicked on this process.
    Panicked(String),
}

impl fmt::Display for ClusterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lazy cluster: ")?;
        match self {
            ClusterError::Launch(why) => write!(f, "launch: {why}"),
            ClusterError::Task(error) => write!(f, "{error}"),
            ClusterError::Lost { process, reason } => {
                write!(f, "process {process} was lost: {reason}")
            }
            ClusterError::Aborted { process, reason } => {
                write!(f, "process {process} ended the force: {reason}")
            }
            ClusterError::Mismatch(why) => write!(f, "{why}"),
            ClusterError::NoCodec { task, type_name } => write!(
                f,
                "the value of `{task}` (a `{type_name}`) has no codec to cross processes; \
                 register one with `lazy::cluster::register::<{type_name}>()`"
            ),
            ClusterError::Panicked(why) => write!(f, "the program panicked: {why}"),
        }
    }
}

impl std::error::Error for ClusterError {}

/// How long a process may stay silent before its peers give it up, unless
/// `LAZY_CLUSTER_SILENCE_MS` says otherwise.
pub(super) const SILENCE: Duration = Duration::from_secs(30);
/// How long connecting every process may take, unless `LAZY_CLUSTER_CONNECT_MS` says
/// otherwise.
pub(super) const CONNECT: Duration = Duration::from_mins(1);

pub(super) fn duration_from_env(name: &str, default: Duration) -> Duration {
    std::env::var(name)
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(default, Duration::from_millis)
}
