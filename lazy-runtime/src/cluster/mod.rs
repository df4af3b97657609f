//! The same program on several processes: every process builds the same graph, each task
//! of a force has one owner, which runs it, and only values travel (docs/cluster.md).
//!
//! Built on timely's process mesh: the launch arguments follow timely's conventions
//! (`-n`, `-p`, `-h`), and timely's TCP connections carry the frames. A force across the
//! cluster is [`Cluster::strict`].

mod args;
mod codec;
mod error;
mod force;
mod local;
mod mesh;
mod owners;
mod wire;

use std::fmt;

pub use args::Launch;
pub use codec::{decode, encode, register};

pub use error::ClusterError;
pub use local::{LocalCluster, launch_local};

use crate::exec;
use crate::force::{Force, Nodes, Values};

/// This process's place in a running cluster, handed to the program by
/// [`execute_from_args`].
pub struct Cluster {
    mesh: mesh::Mesh,
    /// Forces run so far: every process numbers its forces alike.
    forces: u64,
    between: force::Between,
    /// The pool of `-w` workers, if given; rayon's global pool otherwise.
    pool: Option<rayon::ThreadPool>,
    free: Vec<String>,
}

impl fmt::Debug for Cluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cluster")
            .field("index", &self.index())
            .field("peers", &self.peers())
            .field("forces", &self.forces)
            .finish_non_exhaustive()
    }
}

impl Cluster {
    /// This process's index, from 0.
    #[must_use]
    pub fn index(&self) -> usize {
        self.mesh.index
    }

    /// The number of processes.
    #[must_use]
    pub fn peers(&self) -> usize {
        self.mesh.peers
    }

    /// The program's own arguments: those the cluster did not take.
    #[must_use]
    pub fn args(&self) -> &[String] {
        &self.free
    }

    /// Forces `x` across the cluster, as [`strict`](crate::strict) does on one process:
    /// each task runs on one process, and the values are returned on every process. Every
    /// process must make the same calls in the same order.
    ///
    /// The values asked for are sent to every process, so their types must be serde types
    /// ([`Shareable`]): a compile error says so otherwise. Values of the tasks below them
    /// cross processes too, but their types are known only as the force runs: one without
    /// a codec fails the force with [`ClusterError::NoCodec`], naming the task and the
    /// type (see [`register`]).
    ///
    /// # Panics
    ///
    /// With the error's message if the force fails (see [`try_strict`](Cluster::try_strict)).
    pub fn strict<F: Force>(&mut self, x: F) -> F::Output
    where
        F::Output: Shareable,
    {
        match self.try_strict(x) {
            Ok(value) => value,
            Err(error) => panic!("{error}"),
        }
    }

    /// Forces `x` across the cluster and returns its value, or why the force failed.
    ///
    /// # Errors
    ///
    /// A task failed (on any process), a process was lost or ended the force, the
    /// processes built different graphs, or a value had no codec to cross processes.
    pub fn try_strict<F: Force>(&mut self, x: F) -> Result<F::Output, ClusterError>
    where
        F::Output: Shareable,
    {
        let mut roots = Nodes::default();
        x.roots(&mut roots);
        self.forces += 1;
        let (mesh, between, pool, number) = (
            &self.mesh,
            &mut self.between,
            self.pool.as_ref(),
            self.forces,
        );
        let (outcome, values) = exec::force_with(&roots.0, |plan| {
            force::drive(mesh, between, pool, number, plan)
        });
        outcome?;
        let values = values.map_err(ClusterError::Task)?;
        Ok(x.collect(&mut Values::new(values)))
    }
}

/// A value that can be the result of a cluster force, which is sent to every process: a
/// serde type (`Serialize` and `Deserialize`). Numeric arrays still cross as raw
/// little-endian bytes; serde only vouches that they can.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of a cluster force: it is sent to every process",
    label = "forced across processes here",
    note = "derive serde's `Serialize` and `Deserialize` for it, and call `lazy::cluster::register::<T>()` on every process for each such type (docs/cluster.md)"
)]
// No supertraits: a type that lacks both `Serialize` and `Deserialize` gets one error.
pub trait Shareable {}

impl<T: serde::Serialize + serde::de::DeserializeOwned> Shareable for T {}

/// Runs `program` on this process as a member of the cluster that `args` (as
/// [`std::env::args`] gives them) describe, and returns what it returns. Every process of
/// the cluster runs the same program, and forces with [`Cluster::strict`] are shared.
///
/// The cluster's options may also come from the environment variable `LAZY_CLUSTER_ARGS`
/// (read before the command line), for programs whose command line belongs to someone
/// else, such as a test harness; [`launch_local`] sets it.
///
/// # Errors
///
/// Bad arguments, processes that cannot be connected, or `program` panicking here.
pub fn execute_from_args<R>(
    args: impl IntoIterator<Item = String>,
    program: impl FnOnce(&mut Cluster) -> R,
) -> Result<R, ClusterError> {
    let mut args = args.into_iter();
    let name = args.next().unwrap_or_default();
    let from_env = std::env::var(LAUNCH_ENV).unwrap_or_default();
    let from_env = from_env.split_whitespace().map(str::to_owned);
    let args = std::iter::once(name).chain(from_env).chain(args);
    execute(Launch::from_args(args)?, program)
}

/// The environment variable [`execute_from_args`] reads cluster options from.
pub const LAUNCH_ENV: &str = "LAZY_CLUSTER_ARGS";

/// [`execute_from_args`] with the launch given.
///
/// # Errors
///
/// Processes that cannot be connected, or `program` panicking here.
pub fn execute<R>(
    launch: Launch,
    program: impl FnOnce(&mut Cluster) -> R,
) -> Result<R, ClusterError> {
    let pool = match launch.threads {
        Some(threads) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("lazy-cluster-worker-{i}"))
                .build()
                .map_err(|e| ClusterError::Launch(format!("cannot start the workers: {e}")))?,
        ),
        None => None,
    };
    let mesh = mesh::Mesh::start(&launch)?;
    let mut cluster = Cluster {
        mesh,
        forces: 0,
        between: force::Between::default(),
        pool,
        free: launch.free,
    };
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| program(&mut cluster)));
    cluster.mesh.stop();
    outcome.map_err(|payload| ClusterError::Panicked(crate::error::panic_message(&*payload)))
}
