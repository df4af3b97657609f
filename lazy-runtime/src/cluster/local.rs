//! Starting a small cluster on this machine: N processes of the current program on
//! loopback ports chosen at run time, for trying a program out and for tests.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::error::ClusterError;

/// Processes of this program started by [`launch_local`]; dropping it kills those still
/// running.
#[derive(Debug)]
pub struct LocalCluster {
    children: Vec<Child>,
    hostfile: PathBuf,
}

/// Starts `processes` copies of the current executable on this machine, each with
/// `-n processes -p INDEX -h HOSTFILE` in the environment variable
/// `LAZY_CLUSTER_ARGS` and `args` on its command line, listening on free loopback
/// ports (found by binding port 0) written to a fresh hostfile. `configure` may adjust
/// each command (environment, output) before it starts.
///
/// # Errors
///
/// No free port, the hostfile cannot be written, or a process cannot be started.
pub fn launch_local(
    processes: usize,
    args: &[String],
    mut configure: impl FnMut(usize, &mut Command),
) -> Result<LocalCluster, ClusterError> {
    let launch_error = |what: &str, e: std::io::Error| ClusterError::Launch(format!("{what}: {e}"));
    // All listeners stay open until every port is chosen, so that the ports differ.
    let listeners = (0..processes)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| launch_error("no free loopback port", e))?;
    let mut hosts = String::new();
    for listener in &listeners {
        let port = listener
            .local_addr()
            .map_err(|e| launch_error("no free loopback port", e))?
            .port();
        let _ = writeln!(hosts, "127.0.0.1:{port}");
    }
    drop(listeners);
    let hostfile = std::env::temp_dir().join(format!(
        "lazy-cluster-{}-{}.hosts",
        std::process::id(),
        unique()
    ));
    std::fs::write(&hostfile, hosts).map_err(|e| launch_error("cannot write the hostfile", e))?;
    let exe = std::env::current_exe().map_err(|e| launch_error("no current executable", e))?;
    let mut cluster = LocalCluster {
        children: Vec::new(),
        hostfile,
    };
    let hostfile = cluster.hostfile.display().to_string();
    for index in 0..processes {
        let mut command = Command::new(&exe);
        let options = format!("-n {processes} -p {index} -h {hostfile}");
        command
            .env("LAZY_CLUSTER_ARGS", options)
            .args(args)
            .stdin(Stdio::null());
        configure(index, &mut command);
        let child = command
            .spawn()
            .map_err(|e| launch_error("cannot start a process", e))?;
        cluster.children.push(child);
    }
    Ok(cluster)
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl LocalCluster {
    /// The processes, by index (to read their output, or to kill one).
    pub fn children(&mut self) -> &mut [Child] {
        &mut self.children
    }

    /// Waits at most `limit` for every process to exit and returns their exit statuses by
    /// index; processes still running then are killed and reported as `None`.
    #[must_use]
    pub fn wait(mut self, limit: Duration) -> Vec<Option<ExitStatus>> {
        let deadline = Instant::now() + limit;
        let mut statuses = vec![None; self.children.len()];
        while Instant::now() < deadline && statuses.iter().any(Option::is_none) {
            for (child, status) in self.children.iter_mut().zip(&mut statuses) {
                if status.is_none() {
                    *status = child.try_wait().ok().flatten();
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        statuses
    }
}

impl Drop for LocalCluster {
    fn drop(&mut self) {
        for child in &mut self.children {
            if child.try_wait().ok().flatten().is_none() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        let _ = std::fs::remove_file(&self.hostfile);
    }
}
