//! A force across the cluster. Every process builds the same plan; they check that with a
//! digest of its task keys, then each places every task on an owner the same way
//! (`owners.rs`) and runs only its own tasks, on its pool. When a task that others read
//! (or that was requested) has run, its owner sends its value to each process that owns a
//! reader of it (to every process, for a requested value). A value that arrives completes
//! the local task as its run would have (`Plan::complete_with`), without running it.
//! Tasks that no process here needs are never run, nor sent.
//!
//! A failure anywhere ends the force everywhere: a failing task's owner sends its error to
//! every process, a process that stops for a reason of its own says so, and a lost process
//! is reported by the mesh. Tasks already running here finish first (they cannot be
//! stopped), so a force ends within the time of its longest task plus the silence bound.

use std::sync::Arc;
use std::time::Duration;

use super::error::ClusterError;
use super::mesh::{Event, Mesh, MeshSender};
use super::wire::{Frame, Kind};
use super::{codec, owners};
use crate::error::{Error, ErrorKind};
use crate::exec::{Plan, TaskId};
use crate::graph::{Erased, Node};

/// What one force shares with the tasks it runs.
struct Force<'p, 'a> {
    plan: &'p Plan<'a>,
    number: u64,
    me: u32,
    peers: usize,
    owners: Vec<u32>,
    /// For each task, the processes its value is sent to.
    targets: Vec<Vec<u32>>,
    sender: MeshSender,
    events: std::sync::mpsc::Sender<Event>,
}

/// The state of the forcing thread between forces: frames that arrived early, and a
/// failure that ends every later force.
#[derive(Default)]
pub(super) struct Between {
    pub(super) early: Vec<Frame>,
    pub(super) broken: Option<ClusterError>,
}

/// Runs `plan` as force `number` of the cluster.
pub(super) fn drive(
    mesh: &Mesh,
    between: &mut Between,
    pool: Option<&rayon::ThreadPool>,
    number: u64,
    plan: &Plan<'_>,
) -> Result<(), ClusterError> {
    if let Some(broken) = &between.broken {
        return Err(broken.clone());
    }
    let outcome = agree(mesh, between, number, plan).and_then(|mut pending| {
        let force = Force::new(mesh, number, plan);
        let run = |spawn: &mut dyn FnMut(TaskId)| force.run(mesh, between, &mut pending, spawn);
        match pool {
            Some(pool) => pool.in_place_scope(|scope| run_in(scope, &force, run)),
            None => rayon::in_place_scope(|scope| run_in(scope, &force, run)),
        }
    });
    if let Err(error) = &outcome {
        abort(mesh, number, error);
        if matches!(error, ClusterError::Lost { .. }) {
            between.broken = Some(error.clone());
        }
    }
    forget_intermediates(plan);
    outcome
}

fn run_in<'s, R>(
    scope: &rayon::Scope<'s>,
    force: &'s Force<'_, '_>,
    run: impl FnOnce(&mut dyn FnMut(TaskId)) -> R,
) -> R {
    run(&mut |task| scope.spawn(move |_| force.run_task(task)))
}

/// Tells the peers that this force ended here with `error`, unless they know already.
fn abort(mesh: &Mesh, number: u64, error: &ClusterError) {
    if matches!(error, ClusterError::Task(_)) {
        return; // the owner of the failed task has told every process
    }
    for to in (0..mesh.peers).filter(|&p| p != mesh.index) {
        let mut frame = Frame::signal(Kind::Abort, mesh.index, number);
        frame.payload = error.to_string().into_bytes();
        mesh.send(to, frame);
    }
}

/// Every process ends a force with the requested values only, so that the next force
/// finds the same tasks to do everywhere: the values of the other tasks, computed here or
/// received, are dropped.
fn forget_intermediates(plan: &Plan<'_>) {
    for i in 0..plan.base_len() {
        let (node, requested) = plan.base_node(i);
        if !requested {
            drop(node.forget());
        }
    }
}

/// The digest of a plan: its tasks' keys in order, and which are requested.
fn digest(plan: &Plan<'_>) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    for i in 0..plan.base_len() {
        let (node, requested) = plan.base_node(i);
        hasher.update(&node.key.0);
        hasher.update(&[u8::from(requested)]);
    }
    hasher.finalize().into()
}

/// Leaves keyed by identity (`Lazy::opaque`, input cells) have a different key on every
/// process, so a graph over them cannot be the same graph everywhere.
fn check_leaves(plan: &Plan<'_>) -> Result<(), ClusterError> {
    for i in 0..plan.base_len() {
        let (node, _) = plan.base_node(i);
        if let Some(leaf) = node
            .strict()
            .iter()
            .find(|input| input.is_leaf() && !input.is_interned())
        {
            return Err(ClusterError::Mismatch(format!(
                "`{}` reads a leaf keyed by identity (a `{}` made with `Lazy::opaque`, or an \
                 input cell), which differs on every process; a cluster force needs leaves \
                 keyed by content (`Lazy::new`)",
                node.name(),
                leaf.name()
            )));
        }
    }
    Ok(())
}

/// Exchanges the plan's digest with every peer; returns the frames of this force that came
/// before every peer's digest did.
fn agree(
    mesh: &Mesh,
    between: &mut Between,
    number: u64,
    plan: &Plan<'_>,
) -> Result<Vec<Frame>, ClusterError> {
    let digest = digest(plan);
    let tasks = u32::try_from(plan.base_len()).expect("fewer than 2^32 tasks");
    for to in (0..mesh.peers).filter(|&p| p != mesh.index) {
        let mut hello = Frame::signal(Kind::Hello, mesh.index, number);
        hello.task = tasks;
        hello.payload = digest.to_vec();
        mesh.send(to, hello);
    }
    let local = check_leaves(plan);
    let mut heard = vec![false; mesh.peers];
    heard[mesh.index] = true;
    let mut pending = Vec::new();
    let mut early = std::mem::take(&mut between.early).into_iter();
    while heard.iter().any(|h| !h) {
        let frame = match early.next() {
            Some(frame) => frame,
            None => match next_event(mesh)? {
                Some(frame) => frame,
                None => continue,
            },
        };
        if frame.force > number {
            between.early.push(frame);
            continue;
        }
        if frame.force < number {
            continue; // from a force that ended here already
        }
        match frame.kind {
            Kind::Hello if frame.payload == digest && frame.task == tasks => {
                heard[frame.from as usize] = true;
            }
            Kind::Hello => {
                local?;
                return Err(ClusterError::Mismatch(format!(
                    "process {} planned {} tasks for force {number} and this process {} {tasks}, \
                     or other tasks: every process must build the same graph (and key large \
                     content with the same hash, `LAZY_CONTENT_HASH`)",
                    frame.from, frame.task, mesh.index
                )));
            }
            _ => pending.push(frame),
        }
    }
    between.early.extend(early);
    local.map(|()| pending)
}

/// The next frame for the forcing thread (`None` if nothing came for a while); a lost or
/// departed peer is an error.
fn next_event(mesh: &Mesh) -> Result<Option<Frame>, ClusterError> {
    match mesh.events.recv_timeout(Duration::from_millis(100)) {
        Ok(Event::Frame(frame)) if frame.kind == Kind::Goodbye => Err(ClusterError::Lost {
            process: frame.from as usize,
            reason: String::from("it finished its program"),
        }),
        Ok(Event::Frame(frame)) => Ok(Some(frame)),
        Ok(Event::Lost(process, reason)) => Err(ClusterError::Lost { process, reason }),
        // A task of an earlier force that was still running when that force failed.
        Ok(Event::Ran(..)) | Err(_) => Ok(None),
    }
}

impl<'p, 'a> Force<'p, 'a> {
    fn new(mesh: &Mesh, number: u64, plan: &'p Plan<'a>) -> Force<'p, 'a> {
        let n = plan.base_len();
        let mut inputs = vec![Vec::new(); n];
        for i in 0..n {
            for &reader in plan.base_readers(i) {
                inputs[reader as usize].push(u32::try_from(i).expect("fewer than 2^32 tasks"));
            }
        }
        let owners = owners::place(&inputs, mesh.peers);
        let everyone: Vec<u32> = (0..mesh.peers)
            .map(|p| u32::try_from(p).expect("fewer than 2^32 processes"))
            .collect();
        let targets = (0..n)
            .map(|i| {
                let owner = owners[i];
                let mut to: Vec<u32> = if plan.base_node(i).1 {
                    everyone.clone()
                } else {
                    plan.base_readers(i)
                        .iter()
                        .map(|&r| owners[r as usize])
                        .collect()
                };
                to.sort_unstable();
                to.dedup();
                to.retain(|&p| p != owner);
                to
            })
            .collect();
        Force {
            plan,
            number,
            me: u32::try_from(mesh.index).expect("fewer than 2^32 processes"),
            peers: mesh.peers,
            owners,
            targets,
            sender: mesh.sender(),
            events: mesh.events_in.clone(),
        }
    }

    /// Whether this process runs `task`: one of its own first tasks, or a task a
    /// conditional of its own added.
    fn runs_here(&self, task: TaskId) -> bool {
        self.owners.get(task.index()).is_none_or(|&o| o == self.me)
    }

    /// The forcing thread's loop: starts this process's tasks as they become ready,
    /// completes tasks with the values that arrive, and returns once every task of its own
    /// has run and every requested value is here.
    fn run(
        &self,
        mesh: &Mesh,
        between: &mut Between,
        pending: &mut Vec<Frame>,
        spawn: &mut dyn FnMut(TaskId),
    ) -> Result<(), ClusterError> {
        let n = self.plan.base_len();
        let mut owned_left = self.owners.iter().filter(|&&o| o == self.me).count();
        let mut remote_roots = (0..n)
            .filter(|&i| self.plan.base_node(i).1 && self.owners[i] != self.me)
            .count();
        let mut running = 0;
        let mut start = |task: TaskId, running: &mut usize| {
            *running += 1;
            spawn(task);
        };
        for &task in self.plan.initial().iter().filter(|&&t| self.runs_here(t)) {
            start(task, &mut running);
        }
        let mut early = std::mem::take(pending).into_iter();
        let mut ready = Vec::new();
        while running > 0 || owned_left > 0 || remote_roots > 0 {
            let event = match early.next() {
                Some(frame) => Event::Frame(frame),
                None => match mesh.events.recv_timeout(Duration::from_millis(100)) {
                    Ok(event) => event,
                    Err(_) => continue,
                },
            };
            match event {
                Event::Ran(number, task, made_ready, error) if number == self.number => {
                    running -= 1;
                    if let Some(error) = error {
                        return Err(error);
                    }
                    if self.plan.completes(task).is_some() {
                        owned_left -= 1;
                    }
                    ready = made_ready;
                }
                Event::Ran(..) => {}
                Event::Frame(frame) => {
                    if let Some(i) = self.receive(frame, between, &mut ready)? {
                        remote_roots -= usize::from(self.plan.base_node(i).1);
                    }
                }
                Event::Lost(process, reason) => return Err(ClusterError::Lost { process, reason }),
            }
            for task in ready.drain(..).filter(|&t| self.runs_here(t)) {
                start(task, &mut running);
            }
        }
        Ok(())
    }

    /// Handles a frame for the forcing thread: a value completes its task here (returned,
    /// with the tasks it made ready in `ready`); a failure elsewhere ends the force.
    fn receive(
        &self,
        frame: Frame,
        between: &mut Between,
        ready: &mut Vec<TaskId>,
    ) -> Result<Option<usize>, ClusterError> {
        if frame.force != self.number || frame.kind == Kind::Heartbeat {
            if frame.force > self.number {
                between.early.push(frame);
            }
            return Ok(None);
        }
        let from = frame.from as usize;
        let task = frame.task as usize;
        let node = (task < self.plan.base_len()).then(|| self.plan.base_node(task).0);
        match (frame.kind, node) {
            (Kind::Value, Some(node)) => {
                let value = codec::decode_erased(frame.codec, &frame.payload).map_err(|e| {
                    ClusterError::Mismatch(format!(
                        "the value of `{}` from process {from} could not be decoded: {e}",
                        node.name()
                    ))
                })?;
                self.plan.complete_with(task, Ok(value), ready);
                Ok(Some(task))
            }
            (Kind::Failed, Some(node)) => {
                let text = frame.text();
                let (name, message) = text.split_once('\0').unwrap_or((node.name(), &text));
                let kind = ErrorKind::Panicked(message.to_owned());
                Err(ClusterError::Task(Error::new(name, node.key, kind)))
            }
            (Kind::Abort, _) => Err(ClusterError::Aborted {
                process: from,
                reason: frame.text(),
            }),
            (Kind::Goodbye, _) => Err(ClusterError::Lost {
                process: from,
                reason: String::from("it finished its program"),
            }),
            _ => Err(ClusterError::Mismatch(format!(
                "process {from} sent a {:?} frame this process cannot place",
                frame.kind
            ))),
        }
    }

    /// Runs one task on the pool, sends its value where it is needed, and reports to the
    /// forcing thread.
    fn run_task(&self, task: TaskId) {
        let mut ready = Vec::new();
        self.plan.run(task, &mut ready);
        let error = self.plan.completes(task).and_then(|i| self.publish(i));
        let _ = self
            .events
            .send(Event::Ran(self.number, task, ready, error));
    }

    /// Sends the result of task `i`, which ran here, to the processes that need it: its
    /// value to the owners of its readers, a failure to every process.
    fn publish(&self, i: usize) -> Option<ClusterError> {
        let (node, _) = self.plan.base_node(i);
        match node.result() {
            Some(Err(error)) => {
                let text = format!("{}\0{}", error.task(), failure_text(&error));
                for to in self.peers() {
                    let mut frame = Frame::signal(Kind::Failed, self.me as usize, self.number);
                    frame.task = u32::try_from(i).expect("fewer than 2^32 tasks");
                    frame.payload = text.clone().into_bytes();
                    self.sender.send(to, frame);
                }
                Some(ClusterError::Task(error))
            }
            _ if self.targets[i].is_empty() => None,
            Some(Ok(value)) => self.send_value(i, node, &value),
            None => Some(ClusterError::Mismatch(format!(
                "the value of `{}` was released before it was sent (a bug in lazy)",
                node.name()
            ))),
        }
    }

    fn send_value(&self, i: usize, node: &Arc<Node>, value: &Erased) -> Option<ClusterError> {
        let Some((codec, bytes)) = codec::encode_erased(value) else {
            return Some(ClusterError::NoCodec {
                task: node.name().to_owned(),
                type_name: node
                    .op
                    .output_type()
                    .unwrap_or("its return type")
                    .to_owned(),
            });
        };
        let targets = &self.targets[i];
        let mut bytes = Some(bytes);
        for (k, &to) in targets.iter().enumerate() {
            let mut frame = Frame::signal(Kind::Value, self.me as usize, self.number);
            frame.task = u32::try_from(i).expect("fewer than 2^32 tasks");
            frame.codec = codec;
            // The last process takes the bytes; the others, copies.
            frame.payload = if k + 1 == targets.len() {
                bytes.take().unwrap_or_default()
            } else {
                bytes.clone().unwrap_or_default()
            };
            self.sender.send(to as usize, frame);
        }
        None
    }

    fn peers(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.peers).filter(move |&p| p != self.me as usize)
    }
}

fn failure_text(error: &Error) -> String {
    match error.kind() {
        ErrorKind::Panicked(message) => message.clone(),
        other => format!("{other:?}"),
    }
}
