//! The launch arguments of a cluster program, in timely's conventions: `-n` processes,
//! `-p` this process's index, `-h` a hostfile (one `host:port` a line, in process order),
//! and `-w` the size of this process's worker pool. Arguments the cluster does not know are
//! left to the program.

use std::time::Duration;

use super::error::{CONNECT, ClusterError, SILENCE, duration_from_env};

/// How this process joins its cluster: read from the command line by
/// [`Launch::from_args`], or built by hand with [`Launch::new`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Launch {
    /// This process's index, from 0.
    pub process: usize,
    /// The address of every process, in index order; its length is the cluster's size.
    pub addresses: Vec<String>,
    /// The size of this process's worker pool (`-w`); `None` for one worker per core.
    pub threads: Option<usize>,
    /// Whether to report connection progress on standard output (`-r`).
    pub report: bool,
    /// The arguments the cluster did not take, in order, for the program.
    pub free: Vec<String>,
    /// How long connecting to every process may take (`LAZY_CLUSTER_CONNECT_MS`, else 60 s).
    pub connect: Duration,
    /// How long a peer may send nothing before it is taken for lost
    /// (`LAZY_CLUSTER_SILENCE_MS`, else 30 s). Peers send a heartbeat every 200 ms.
    pub silence: Duration,
}

impl Launch {
    /// Process `process` of a cluster whose processes listen at `addresses`.
    #[must_use]
    pub fn new(process: usize, addresses: Vec<String>) -> Launch {
        Launch {
            process,
            addresses,
            threads: None,
            report: false,
            free: Vec::new(),
            connect: duration_from_env("LAZY_CLUSTER_CONNECT_MS", CONNECT),
            silence: duration_from_env("LAZY_CLUSTER_SILENCE_MS", SILENCE),
        }
    }

    /// Reads `-n N`, `-p I`, `-h FILE`, `-w N` and `-r` (or `--processes`, `--process`,
    /// `--hostfile`, `--threads`, `--report`, also as `--name=value`) from `args` as
    /// [`std::env::args`] gives them, the program's name first. Without a hostfile,
    /// process `p` listens at `localhost:2101+p`, as timely's are.
    ///
    /// # Errors
    ///
    /// A malformed number, an index outside the cluster, or a hostfile that cannot be read
    /// or has fewer lines than processes.
    pub fn from_args(args: impl IntoIterator<Item = String>) -> Result<Launch, ClusterError> {
        let mut args = args.into_iter().skip(1);
        let (mut processes, mut process, mut threads) = (1, 0, None);
        let (mut hostfile, mut report, mut free) = (None, false, Vec::new());
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name.to_owned(), Some(value)),
                _ => (arg.clone(), None),
            };
            let mut value = |what: &str| {
                inline
                    .map(str::to_owned)
                    .or_else(|| args.next())
                    .ok_or_else(|| ClusterError::Launch(format!("`{what}` needs a value")))
            };
            match name.as_str() {
                "-n" | "--processes" => processes = number(&value(&name)?, &name)?,
                "-p" | "--process" => process = number(&value(&name)?, &name)?,
                "-w" | "--threads" => threads = Some(number(&value(&name)?, &name)?),
                "-h" | "--hostfile" => hostfile = Some(value(&name)?),
                "-r" | "--report" => report = true,
                _ => free.push(arg),
            }
        }
        let addresses = match hostfile {
            Some(path) => read_hostfile(&path, processes)?,
            None => (0..processes)
                .map(|p| format!("localhost:{}", 2101 + p))
                .collect(),
        };
        if process >= processes {
            return Err(ClusterError::Launch(format!(
                "process index {process} is outside a cluster of {processes}"
            )));
        }
        Ok(Launch {
            threads: threads.filter(|&w| w > 0),
            report,
            free,
            ..Launch::new(process, addresses)
        })
    }

    /// The number of processes.
    #[must_use]
    pub fn processes(&self) -> usize {
        self.addresses.len()
    }

    /// The arguments that start process `process` of this cluster with `hostfile`, as
    /// [`from_args`](Launch::from_args) reads them (without the program's name).
    #[must_use]
    pub fn args_for(&self, process: usize, hostfile: &str) -> Vec<String> {
        let mut args = vec![
            String::from("-n"),
            self.processes().to_string(),
            String::from("-p"),
            process.to_string(),
            String::from("-h"),
            hostfile.to_owned(),
        ];
        if let Some(threads) = self.threads {
            args.extend([String::from("-w"), threads.to_string()]);
        }
        args.extend(self.free.iter().cloned());
        args
    }
}

fn number(text: &str, name: &str) -> Result<usize, ClusterError> {
    text.parse()
        .map_err(|_| ClusterError::Launch(format!("`{name}` expects a number, not `{text}`")))
}

fn read_hostfile(path: &str, processes: usize) -> Result<Vec<String>, ClusterError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ClusterError::Launch(format!("cannot read the hostfile {path}: {e}")))?;
    let addresses: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .take(processes)
        .map(str::to_owned)
        .collect();
    if addresses.len() < processes {
        return Err(ClusterError::Launch(format!(
            "the hostfile {path} has {} addresses for {processes} processes",
            addresses.len()
        )));
    }
    Ok(addresses)
}

#[cfg(test)]
mod tests {
    use super::Launch;

    fn args(line: &str) -> Vec<String> {
        std::iter::once("prog")
            .chain(line.split_whitespace())
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn timely_flags_are_read_and_the_rest_is_left() {
        let launch = Launch::from_args(args("-n 3 -p 2 -w 1 --size 10 -r")).unwrap();
        assert_eq!(launch.process, 2);
        assert_eq!(launch.threads, Some(1));
        assert!(launch.report);
        assert_eq!(launch.free, ["--size", "10"]);
        assert_eq!(
            launch.addresses,
            ["localhost:2101", "localhost:2102", "localhost:2103"]
        );
    }

    #[test]
    fn a_hostfile_gives_the_addresses_and_args_for_round_trips() {
        let path = std::env::temp_dir().join(format!("lazy-hosts-{}", std::process::id()));
        std::fs::write(&path, "127.0.0.1:4000\n\n127.0.0.1:4001\n127.0.0.1:4002\n").unwrap();
        let file = path.to_str().unwrap();
        let launch = Launch::from_args(args(&format!("--processes=2 --hostfile {file}"))).unwrap();
        assert_eq!(launch.addresses, ["127.0.0.1:4000", "127.0.0.1:4001"]);
        let again = std::iter::once(String::from("prog")).chain(launch.args_for(1, file));
        let again = Launch::from_args(again).unwrap();
        assert_eq!((again.process, again.addresses), (1, launch.addresses));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn mistakes_are_clear_errors() {
        let too_far = Launch::from_args(args("-n 2 -p 2")).unwrap_err();
        assert_eq!(
            too_far.to_string(),
            "lazy cluster: launch: process index 2 is outside a cluster of 2"
        );
        let not_a_number = Launch::from_args(args("-n two")).unwrap_err();
        assert!(
            not_a_number
                .to_string()
                .contains("`-n` expects a number, not `two`")
        );
        let missing = Launch::from_args(args("-n 2 -h /nonexistent/hosts")).unwrap_err();
        assert!(missing.to_string().contains("cannot read the hostfile"));
    }
}
