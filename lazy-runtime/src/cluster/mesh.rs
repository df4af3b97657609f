//! The process mesh: timely's TCP connections between every pair of processes, driven by
//! one thread per process (timely's worker thread), which forwards frames between the
//! network and the forcing thread, sends heartbeats, and turns a lost peer into an event
//! instead of a hang.
//!
//! timely is fail-stop: when a peer's connection breaks, its receive thread panics and
//! poisons the queues of this process. The mesh thread catches that panic, names the peer
//! (the panicking thread's name, `timely:recv-N` or `timely:send-N`, is recorded by a panic
//! hook), reports it as [`Event::Lost`] and stops. A peer that is alive but silent for
//! longer than `Launch::silence` is reported lost too.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Mutex, Once, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use timely::communication::{Allocator, Config, Pull, Push, WorkerGuards, initialize_from};

use super::args::Launch;
use super::error::ClusterError;
use super::wire::{Frame, Kind};
use crate::exec::TaskId;

/// How often a process that has sent nothing else tells its peers it is alive.
const HEARTBEAT: Duration = Duration::from_millis(200);

/// What the forcing thread hears about.
pub(super) enum Event {
    /// A frame from a peer (never a heartbeat).
    Frame(Frame),
    /// A peer is gone: its index and why.
    Lost(usize, String),
    /// A task has run here: the force's number, the task, what it made ready, and the
    /// error that ends the force, if any (it failed, or its value could not be sent).
    Ran(u64, TaskId, Vec<TaskId>, Option<ClusterError>),
}

/// What the forcing thread asks of the mesh thread.
enum Outgoing {
    Send(usize, Frame),
    Stop,
}

/// This process's end of the mesh.
pub(super) struct Mesh {
    pub(super) index: usize,
    pub(super) peers: usize,
    outgoing: Sender<Outgoing>,
    driver: thread::Thread,
    pub(super) events: Receiver<Event>,
    /// For tasks running on the pool, which report to the forcing thread.
    pub(super) events_in: Sender<Event>,
    threads: Option<WorkerGuards<bool>>,
    silence: Duration,
}

impl std::fmt::Debug for Mesh {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mesh")
            .field("index", &self.index)
            .field("peers", &self.peers)
            .finish_non_exhaustive()
    }
}

/// The peer whose connection thread panicked first, and its message.
static BROKEN: Mutex<Option<(usize, String)>> = Mutex::new(None);

/// Records which peer's connection broke, from the name of timely's thread that panics,
/// before the usual hook reports the panic.
fn watch_connection_threads() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let name = thread::current().name().map(str::to_owned);
            let peer = name.as_deref().and_then(|n| {
                n.strip_prefix("timely:recv-")
                    .or_else(|| n.strip_prefix("timely:send-"))
                    .and_then(|i| i.parse::<usize>().ok())
            });
            if let Some(peer) = peer {
                let message = crate::error::panic_message(info.payload());
                let mut broken = BROKEN.lock().unwrap_or_else(PoisonError::into_inner);
                broken.get_or_insert((peer, message));
            }
            previous(info);
        }));
    });
}

impl Mesh {
    /// Connects to every process of `launch` (waiting at most `launch.connect` for them)
    /// and starts the mesh thread.
    pub(super) fn start(launch: &Launch) -> Result<Mesh, ClusterError> {
        watch_connection_threads();
        let (index, peers) = (launch.process, launch.processes());
        let config = Config::Cluster {
            threads: 1,
            process: index,
            addresses: launch.addresses.clone(),
            report: launch.report,
            zerocopy: false,
        };
        // Connecting retries until every peer answers: bounded here, on a thread of its own.
        let (built, connected) = mpsc::channel();
        thread::Builder::new()
            .name(String::from("lazy-cluster-connect"))
            .spawn(move || drop(built.send(config.try_build())))
            .map_err(|e| ClusterError::Launch(format!("cannot start a thread: {e}")))?;
        let (mut builders, guard) = match connected.recv_timeout(launch.connect) {
            Ok(Ok(built)) => built,
            Ok(Err(e)) => return Err(ClusterError::Launch(e)),
            Err(_) => {
                return Err(ClusterError::Launch(format!(
                    "not every process of {:?} answered within {:?}",
                    launch.addresses, launch.connect
                )));
            }
        };
        builders.truncate(1);
        let (outgoing, from_forcer) = mpsc::channel();
        let (events_in, events) = mpsc::channel();
        let to_forcer = events_in.clone();
        let silence = launch.silence;
        // timely's worker thread is the mesh thread; `initialize_from` wants a `Fn`.
        let channels = Mutex::new(Some((from_forcer, to_forcer)));
        let guards = initialize_from(builders, guard, move |allocator| {
            let taken = channels
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            let (from_forcer, to_forcer) = taken.expect("one worker per process");
            drive(allocator, &from_forcer, &to_forcer, silence)
        })
        .map_err(|e| ClusterError::Launch(format!("cannot start the mesh thread: {e}")))?;
        Ok(Mesh {
            index,
            peers,
            outgoing,
            driver: guards.guards()[0].thread().clone(),
            events,
            events_in,
            threads: Some(guards),
            silence,
        })
    }

    /// Queues `frame` for process `to`.
    pub(super) fn send(&self, to: usize, frame: Frame) {
        // A stopped mesh thread has reported why; the force learns it from its events.
        let _ = self.outgoing.send(Outgoing::Send(to, frame));
        self.driver.unpark();
    }

    /// A sender for tasks running on other threads.
    pub(super) fn sender(&self) -> MeshSender {
        MeshSender {
            outgoing: self.outgoing.clone(),
            driver: self.driver.clone(),
        }
    }

    /// Says goodbye to the peers, closes the connections and waits (a bounded time) until
    /// the peers have closed theirs, so that everything sent has arrived.
    pub(super) fn stop(mut self) {
        let _ = self.outgoing.send(Outgoing::Stop);
        self.driver.unpark();
        let Some(guards) = self.threads.take() else {
            return;
        };
        let (done, finished) = mpsc::channel();
        let joiner = thread::spawn(move || {
            // timely's guards join its connection threads, and panic if one panicked: a
            // broken connection, reported already.
            let _ = catch_unwind(AssertUnwindSafe(|| guards.join()));
            let _ = done.send(());
        });
        if finished.recv_timeout(self.silence).is_ok() {
            let _ = joiner.join();
        }
    }
}

/// A handle for sending frames from any thread.
#[derive(Clone)]
pub(super) struct MeshSender {
    outgoing: Sender<Outgoing>,
    driver: thread::Thread,
}

impl MeshSender {
    pub(super) fn send(&self, to: usize, frame: Frame) {
        let _ = self.outgoing.send(Outgoing::Send(to, frame));
        self.driver.unpark();
    }
}

/// The mesh thread: returns whether it stopped cleanly (asked to), rather than on a broken
/// connection.
fn drive(
    mut allocator: Allocator,
    from_forcer: &Receiver<Outgoing>,
    to_forcer: &Sender<Event>,
    silence: Duration,
) -> bool {
    let (index, peers) = (allocator.index(), allocator.peers());
    let (mut senders, mut receiver) = allocator.allocate::<Frame>(0);
    let mut heard = vec![Instant::now(); peers];
    let mut gone = vec![false; peers];
    let mut last_sent = Instant::now();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        loop {
            allocator.receive();
            while let Some(frame) = receiver.recv() {
                let from = frame.from as usize;
                if let Some(at) = heard.get_mut(from) {
                    *at = Instant::now();
                }
                match frame.kind {
                    Kind::Heartbeat => {}
                    Kind::Goodbye => {
                        gone[from] = true;
                        let _ = to_forcer.send(Event::Frame(frame));
                    }
                    _ => {
                        let _ = to_forcer.send(Event::Frame(frame));
                    }
                }
            }
            allocator.release();
            // The allocator notes each channel with news; this thread reads its one
            // channel to the end above, so the notes are spent. Left in place, they would
            // keep `await_events` below from ever parking: the thread would spin, taking a
            // core from the tasks.
            allocator.events().borrow_mut().clear();
            let mut touched = vec![false; peers];
            let mut stop = false;
            while let Ok(out) = from_forcer.try_recv() {
                match out {
                    Outgoing::Send(to, frame) => {
                        senders[to].send(frame);
                        touched[to] = true;
                    }
                    Outgoing::Stop => stop = true,
                }
            }
            if stop || last_sent.elapsed() >= HEARTBEAT {
                let kind = if stop { Kind::Goodbye } else { Kind::Heartbeat };
                for to in (0..peers).filter(|&p| p != index && !gone[p]) {
                    senders[to].send(Frame::signal(kind, index, 0));
                    touched[to] = true;
                }
                last_sent = Instant::now();
            }
            for (to, _) in touched.iter().enumerate().filter(|(_, t)| **t) {
                senders[to].done();
            }
            if stop {
                return;
            }
            for peer in 0..peers {
                if peer != index && !gone[peer] && heard[peer].elapsed() > silence {
                    gone[peer] = true;
                    let why = format!("sent nothing for {silence:?}");
                    let _ = to_forcer.send(Event::Lost(peer, why));
                }
            }
            allocator.await_events(Some(HEARTBEAT / 2));
        }
    }));
    if outcome.is_ok() {
        drop((senders, receiver, allocator));
        return true;
    }
    let broken = BROKEN
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let (peer, why) = broken.unwrap_or((usize::MAX, String::from("a connection broke")));
    let _ = to_forcer.send(Event::Lost(peer, why));
    // Poisoned queues panic again when dropped: the process is ending its cluster run.
    std::mem::forget((senders, receiver, allocator));
    false
}
