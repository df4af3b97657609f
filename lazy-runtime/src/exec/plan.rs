//! Plans: the not-yet-computed part of a graph below the values being forced, as tasks in
//! dependency order, and the one way to run a task.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::error::{Error, ErrorKind};
use crate::force;
use crate::node::{InputValues, Node, Status, TaskInput, Value};
use crate::op::ByAddress;
use crate::stats;

/// A task of a [`Plan`], by index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TaskId(u32);

impl TaskId {
    /// The task's position in the plan, from `0` to `plan.len() - 1`.
    #[must_use]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

struct PlanTask<'a> {
    node: &'a Arc<Node>,
    /// Whether this plan holds a claim on each of the task's strict inputs, not yet used:
    /// the values the task will read are kept for it, whatever other plans do meanwhile.
    claims: AtomicBool,
    /// Inputs of this task, in this plan, that have not completed yet.
    waiting: AtomicU32,
    /// Set for tasks whose value was requested.
    is_root: bool,
    result: OnceLock<Result<Value, Error>>,
}

/// What a node is in the plan being built, recorded in the node's `mark`.
#[derive(Clone, Copy)]
enum Slot {
    /// Entered, its inputs not all visited yet.
    Visiting,
    /// Computed already: not a task.
    Ready,
    Task(u32),
}

const VISITING: u32 = u32::MAX;
const READY: u32 = u32::MAX - 1;

/// The plans being built right now, so that a plan does not take over the marks another
/// one still needs.
mod building {
    use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
    use std::sync::{Mutex, PoisonError};

    static IDS: Mutex<Vec<u32>> = Mutex::new(Vec::new());
    static COUNT: AtomicUsize = AtomicUsize::new(0);

    /// A plan being built, with its id; unregistered when dropped.
    pub(super) struct Registration {
        pub(super) id: u32,
    }

    impl Registration {
        pub(super) fn new() -> Registration {
            let id = next_id();
            IDS.lock().unwrap_or_else(PoisonError::into_inner).push(id);
            COUNT.fetch_add(1, Ordering::SeqCst);
            Registration { id }
        }
    }

    impl Drop for Registration {
        fn drop(&mut self) {
            IDS.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|&id| id != self.id);
            COUNT.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Whether another plan is being built now.
    pub(super) fn others() -> bool {
        COUNT.load(Ordering::SeqCst) > 1
    }

    pub(super) fn is_building(id: u32) -> bool {
        IDS.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&id)
    }

    /// Each plan's id, for its marks; 0 is never used, so a node's initial mark is no
    /// plan's.
    fn next_id() -> u32 {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        loop {
            let id = NEXT.fetch_add(1, Ordering::Relaxed);
            if id != 0 {
                return id;
            }
        }
    }
}

/// The marks of a plan while it is built (see `Node::mark`): its registration among the
/// plans being built, which names its marks, and the slots it keeps aside. Dropped when the
/// plan is built: its marks are not read again, and other plans may take them over.
struct Marks {
    registration: building::Registration,
    /// Slots of nodes whose mark another plan, built at the same time, still needs; keyed
    /// by the node's address.
    side: ByAddress<usize, u32>,
}

impl Marks {
    fn new() -> Marks {
        Marks {
            registration: building::Registration::new(),
            side: ByAddress::default(),
        }
    }

    /// Records what `node` is in this plan: a task id, [`VISITING`] or [`READY`].
    ///
    /// When no other plan is being built, the mark is simply written. Otherwise a mark that
    /// belongs to another plan still being built is left alone (overwriting it would make
    /// that plan visit the node again, and the nodes below it, which in a lattice grows
    /// exponentially), and this plan keeps the node's slot in `side` instead.
    fn set(&mut self, node: &Node, slot: u32) {
        let mine = u64::from(self.registration.id) << 32 | u64::from(slot);
        if !building::others() {
            node.mark.store(mine, Ordering::Relaxed);
            return;
        }
        let mut seen = node.mark.load(Ordering::Relaxed);
        loop {
            let owner = (seen >> 32) as u32;
            if owner != self.registration.id && building::is_building(owner) {
                self.side.insert(std::ptr::from_ref(node) as usize, slot);
                return;
            }
            match node
                .mark
                .compare_exchange(seen, mine, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return,
                Err(now) => seen = now,
            }
        }
    }

    /// The slot this plan recorded for `node`, if any.
    fn get(&self, node: &Node) -> Option<u32> {
        let mark = node.mark.load(Ordering::Relaxed);
        #[allow(clippy::cast_possible_truncation, reason = "the low half is the slot")]
        if (mark >> 32) as u32 == self.registration.id {
            Some(mark as u32)
        } else {
            self.side.get(&(std::ptr::from_ref(node) as usize)).copied()
        }
    }
}

enum Root<'a> {
    Value(Value),
    Node(&'a Arc<Node>),
    Task(u32),
}

/// The work one force has to do: every task the requested values need that has not run
/// yet (or whose value was released), with its dependencies inside the plan.
///
/// A [`Scheduler`](crate::Scheduler) runs a plan by calling [`run`](Plan::run) once for each
/// task, starting from [`initial`](Plan::initial); each call reports the tasks that became
/// ready. Invariant: a task is reported ready exactly once, after all its inputs in the plan
/// have run.
///
/// A plan borrows the nodes of the values being forced (`'a`), which keep every node it
/// runs alive.
pub struct Plan<'a> {
    tasks: Vec<PlanTask<'a>>,
    /// The tasks that read task `i`'s value are `dependents[starts[i]..starts[i + 1]]`: one
    /// array for the whole plan instead of a vector per task.
    starts: Vec<u32>,
    dependents: Vec<u32>,
    initial: Vec<TaskId>,
    roots: Vec<Root<'a>>,
}

impl<'a> Plan<'a> {
    /// Collects the tasks below `roots` that need to run. Nodes that are ready are not
    /// entered; nodes that another thread is computing become tasks that wait for it.
    pub(crate) fn build(roots: &'a [Arc<Node>]) -> Plan<'a> {
        let mut marks = Marks::new();
        let mut plan = Plan {
            tasks: Vec::new(),
            starts: Vec::new(),
            dependents: Vec::new(),
            initial: Vec::new(),
            roots: Vec::new(),
        };
        // (input task, reader task), gathered while tasks are added, sorted by input below.
        let mut edges: Vec<(u32, u32)> = Vec::new();
        let mut stack: Vec<(&'a Arc<Node>, bool)> = Vec::new();
        for root in roots {
            let st = root.lock();
            if st.status == Status::Ready && !st.stale {
                plan.roots.push(Root::Value(
                    st.value.clone().expect("ready node has a value"),
                ));
            } else {
                drop(st);
                plan.roots.push(Root::Node(root));
                stack.push((root, false));
            }
        }
        while let Some((node, exit)) = stack.pop() {
            if exit {
                let id = plan.add_task(&marks, node, true, &mut edges);
                marks.set(node, id);
                continue;
            }
            if plan.slot(&marks, node).is_some() {
                continue;
            }
            let mut st = node.lock();
            match st.status {
                Status::Ready if !st.stale => {
                    drop(st);
                    marks.set(node, READY);
                }
                Status::Running => {
                    drop(st);
                    // Computed elsewhere right now: a task without inputs that waits for it.
                    let id = plan.add_task(&marks, node, false, &mut edges);
                    marks.set(node, id);
                }
                Status::Ready | Status::Pending | Status::Failed => {
                    // The plan takes its own claims on the inputs: it adopts those the node
                    // took when it was built, or adds new ones. A claim that belonged to
                    // the node, or to another plan, could be used up by another plan that
                    // runs the task first, and the inputs released while this plan still
                    // counts on them.
                    let adopted = std::mem::take(&mut st.holds_claims);
                    drop(st);
                    if !adopted {
                        for input in node.strict() {
                            input.add_keep();
                        }
                    }
                    marks.set(node, VISITING);
                    stack.push((node, true));
                    stack.extend(node.strict().iter().rev().map(|input| (input, false)));
                }
            }
        }
        plan.index_dependents(&edges);
        let mut roots = std::mem::take(&mut plan.roots);
        for root in &mut roots {
            if let Root::Node(node) = *root
                && let Some(Slot::Task(id)) = plan.slot(&marks, node)
            {
                plan.tasks[id as usize].is_root = true;
                *root = Root::Task(id);
            }
        }
        plan.roots = roots;
        plan
    }

    /// What `node` is in this plan, or `None` if the plan has not visited it.
    ///
    /// A mark is a hint, never trusted blindly: a plan that began while this one was being
    /// built may overwrite it before it sees this one registered, and plan ids wrap around
    /// after 2^32 plans. A task slot is checked against the plan's own task; a node wrongly taken for unvisited becomes a second
    /// task for the same node, which finds the value ready when it runs; and an input
    /// wrongly taken for ready or visiting is not waited for, so its reader computes (or
    /// waits for) it when it runs ([`input_value`]). Each costs time, never a wrong value.
    fn slot(&self, marks: &Marks, node: &Node) -> Option<Slot> {
        match marks.get(node)? {
            VISITING => Some(Slot::Visiting),
            READY => Some(Slot::Ready),
            id => self
                .tasks
                .get(id as usize)
                .is_some_and(|t| std::ptr::eq(Arc::as_ptr(t.node), node))
                .then_some(Slot::Task(id)),
        }
    }

    /// Adds `node` as a task, after its inputs. With `reads_inputs`, the task waits for
    /// those of its inputs that are tasks of this plan; a task for a node that another
    /// thread is computing only waits for that thread.
    fn add_task(
        &mut self,
        marks: &Marks,
        node: &'a Arc<Node>,
        reads_inputs: bool,
        edges: &mut Vec<(u32, u32)>,
    ) -> u32 {
        let id = u32::try_from(self.tasks.len())
            .ok()
            .filter(|&id| id < READY)
            .expect("lazy: a plan holds fewer than 2^32 - 2 tasks");
        let mut waiting = 0;
        if reads_inputs {
            for input in node.strict() {
                // A visiting input would be a cycle, which hash-consing cannot build; a
                // mark overwritten by another plan reads as one (see `slot`), and is not
                // waited for.
                if let Some(Slot::Task(dep)) = self.slot(marks, input) {
                    edges.push((dep, id));
                    waiting += 1;
                }
            }
        }
        if waiting == 0 {
            self.initial.push(TaskId(id));
        }
        self.tasks.push(PlanTask {
            node,
            claims: AtomicBool::new(reads_inputs),
            waiting: AtomicU32::new(waiting),
            is_root: false,
            result: OnceLock::new(),
        });
        id
    }

    /// Sorts the edges by input task (a counting sort, keeping their order) into `starts`
    /// and `dependents`.
    fn index_dependents(&mut self, edges: &[(u32, u32)]) {
        let mut starts = vec![0u32; self.tasks.len() + 1];
        for &(input, _) in edges {
            starts[input as usize + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut dependents = vec![0u32; edges.len()];
        for &(input, reader) in edges {
            let at = &mut next[input as usize];
            dependents[*at as usize] = reader;
            *at += 1;
        }
        self.starts = starts;
        self.dependents = dependents;
    }

    /// The number of tasks.
    #[must_use]
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether there is nothing to run.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    pub(crate) fn has_tasks(&self) -> bool {
        !self.tasks.is_empty()
    }

    /// The tasks that can run at once: their inputs are all computed.
    #[must_use]
    pub fn initial(&self) -> &[TaskId] {
        &self.initial
    }

    /// Whether a task is known to be cheap: its operation took under [`CHEAP`] the last
    /// time it ran on this thread. Handing such a task to another thread costs more than
    /// running it, so the parallel scheduler runs it where it became ready.
    pub(crate) fn is_cheap(&self, task: TaskId) -> bool {
        cost::is_cheap(self.tasks[task.index()].node.name)
    }

    /// The name of a task's operation.
    #[must_use]
    pub fn name(&self, task: TaskId) -> &'static str {
        self.tasks[task.index()].node.name
    }

    /// Runs one task on the calling thread and pushes the tasks that became ready onto
    /// `ready`. A task that panics is recorded as failed, and so are the tasks that depend
    /// on it when they run; this never panics because of user code.
    pub fn run(&self, task: TaskId, ready: &mut Vec<TaskId>) {
        let i = task.index();
        let t = &self.tasks[i];
        let claims = if t.claims.swap(false, Ordering::AcqRel) {
            Claims::Plan
        } else {
            Claims::None
        };
        let result = execute_with(t.node, Unwind::Catch, t.is_root, claims);
        if t.is_root {
            // A scheduler that runs a task twice gets the same value both times.
            let _ = t
                .result
                .set(result.map(|v| v.expect("a wanted value is returned")));
        }
        let (from, to) = (self.starts[i] as usize, self.starts[i + 1] as usize);
        for &dep in &self.dependents[from..to] {
            if self.tasks[dep as usize]
                .waiting
                .fetch_sub(1, Ordering::AcqRel)
                == 1
            {
                ready.push(TaskId(dep));
            }
        }
    }

    /// The requested values, in order.
    pub(crate) fn into_results(mut self) -> Result<Vec<Value>, Error> {
        let roots = std::mem::take(&mut self.roots);
        roots
            .into_iter()
            .map(|root| match root {
                Root::Value(v) => Ok(v),
                Root::Task(id) => {
                    // Cloned: a value requested twice has two roots. The plan's copy is
                    // dropped with the plan, before the caller unwraps the value.
                    let t = &self.tasks[id as usize];
                    t.result.get().cloned().unwrap_or_else(|| {
                        Err(Error::new(t.node.name, t.node.key, ErrorKind::NotRun))
                    })
                }
                // Became ready while the plan was built, and was released since: compute it
                // again (rare; only for values no handle holds, as a conditional's branch).
                Root::Node(node) => {
                    let value = node.lock().value.clone();
                    match value {
                        Some(v) => Ok(v),
                        None => {
                            force::force_nodes(std::slice::from_ref(node)).map(|mut v| v.remove(0))
                        }
                    }
                }
            })
            .collect()
    }
}

/// A task that never ran (a scheduler that gave up) gives back the plan's claims.
impl Drop for Plan<'_> {
    fn drop(&mut self) {
        for t in &self.tasks {
            if t.claims.swap(false, Ordering::AcqRel) {
                t.node.release_input_claims();
            }
        }
    }
}

impl std::fmt::Debug for Plan<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan")
            .field("tasks", &self.tasks.len())
            .field("initial", &self.initial.len())
            .finish_non_exhaustive()
    }
}

/// Whose claims on a task's inputs its run gives back as it reads them.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Claims {
    /// The plan's (see [`PlanTask::claims`]).
    Plan,
    /// The node's own, if it still holds them (a task run outside a plan: eager mode).
    Node,
    /// None: the plan's were used by an earlier run of the same task.
    None,
}

/// What a panicking task does: become an error value, or unwind into the caller (eager
/// mode, so that the panic carries the caller's backtrace).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unwind {
    Catch,
    Propagate,
}

/// Computes `node` unless it is ready or being computed elsewhere (then waits for it).
/// Returns its value if `want` is set: the value of a task that is not requested is not
/// shared, so that its last reader can take it by move.
pub(crate) fn execute_with(
    node: &Arc<Node>,
    unwind: Unwind,
    want: bool,
    claims: Claims,
) -> Result<Option<Value>, Error> {
    // Computed elsewhere (or waited for): the plan's claims are not needed.
    let done = |result| {
        if claims == Claims::Plan {
            node.release_input_claims();
        }
        result
    };
    let (consume, executor, verify_since) = {
        let mut st = node.lock();
        loop {
            match st.status {
                Status::Ready if !st.stale => {
                    let value = want.then(|| st.value.clone().expect("ready node has a value"));
                    drop(st);
                    return done(Ok(value));
                }
                Status::Running => match node.wait_while_running(st) {
                    Some(guard) => st = guard,
                    None => return done(Err(node.reentrant_error())),
                },
                Status::Ready | Status::Pending | Status::Failed => break,
            }
        }
        // A stale value may still be right: if none of the inputs changed since it was
        // computed, it is verified without running the task. A conditional's value depends
        // on its deferred branch too, so it always runs again.
        let verify_since =
            (st.status == Status::Ready && node.deferred().is_empty()).then_some(st.verified_at);
        st.claim();
        st.error = None;
        let consume = match claims {
            Claims::Plan => true,
            Claims::Node => std::mem::take(&mut st.holds_claims),
            Claims::None => false,
        };
        (consume, st.executor.clone(), verify_since)
    };
    let (values, inputs_changed_at) = match read_inputs(node, consume) {
        Ok(read) => read,
        Err(error) => {
            node.finish(Err(error.clone()), Duration::ZERO);
            return Err(error);
        }
    };
    if let Some(verified_at) = verify_since
        && inputs_changed_at <= verified_at
    {
        drop(values);
        let value = node.revalidate();
        return Ok(want.then_some(value));
    }
    if unwind == Unwind::Propagate {
        let value = run_propagating(node, values);
        return Ok(want.then_some(value));
    }
    let compute = node.compute.as_ref().expect("a pending node is a task");
    let start = Instant::now();
    let outcome = match executor {
        None => catch_unwind(AssertUnwindSafe(|| {
            compute(TaskInput {
                values,
                deferred: node.deferred(),
            })
        })),
        Some(executor) => {
            let mut values = Some(values);
            let mut outcome = None;
            executor.execute(&mut || {
                let values = values.take().expect("an executor runs a job once");
                outcome = Some(catch_unwind(AssertUnwindSafe(|| {
                    compute(TaskInput {
                        values,
                        deferred: node.deferred(),
                    })
                })));
            });
            outcome.unwrap_or_else(|| Err(Box::new("the executor did not run the task")))
        }
    };
    let elapsed = start.elapsed();
    cost::record(node.name, elapsed);
    // Only the thread running the node writes `runs`: no locked increment needed.
    node.runs
        .store(node.runs.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    stats::executed();
    let result = outcome.map_err(|payload| {
        let error = Error::panicked(node.name, node.key, &*payload);
        drop(payload);
        error
    });
    let returned = match &result {
        Ok(value) => Ok(want.then(|| Arc::clone(value))),
        Err(error) => Err(error.clone()),
    };
    node.finish(result, elapsed);
    returned
}

/// Runs a task in eager mode: its panic unwinds into the caller, after the node has been
/// marked failed so that nobody waits for it.
fn run_propagating(node: &Arc<Node>, values: InputValues) -> Value {
    let compute = node.compute.as_ref().expect("a pending node is a task");
    let guard = FailOnUnwind(node);
    let start = Instant::now();
    let value = compute(TaskInput {
        values,
        deferred: node.deferred(),
    });
    std::mem::forget(guard);
    node.runs.fetch_add(1, Ordering::Relaxed);
    stats::executed();
    node.finish(Ok(value.clone()), start.elapsed());
    value
}

/// Marks a task failed if its function unwinds in eager mode, so that nobody waits for it.
struct FailOnUnwind<'a>(&'a Arc<Node>);

impl Drop for FailOnUnwind<'_> {
    fn drop(&mut self) {
        let error = Error::new(
            self.0.name,
            self.0.key,
            ErrorKind::Panicked(String::from("panicked in eager mode")),
        );
        self.0.finish(Err(error), Duration::ZERO);
    }
}

/// The values of a task's strict inputs, in order, and the latest revision at which one of
/// them changed; the first failure among them otherwise. With `consume`, the task's claims
/// on them are given back as they are read (all of them, also on failure).
fn read_inputs(node: &Node, consume: bool) -> Result<(InputValues, u64), Error> {
    let mut values = InputValues::default();
    let mut failure = None;
    let mut inputs_changed_at = 0;
    // Inputs computed here, by position: see `force_missing`.
    let mut forced: Vec<(usize, Value)> = Vec::new();
    for (i, input) in node.strict().iter().enumerate() {
        if failure.is_some() {
            if consume {
                input.release_keep();
            }
            continue;
        }
        let read = match input_value(input, consume) {
            Ok(Some(read)) => Ok(read),
            Err(e) => Err(e),
            Ok(None) => {
                let value = match forced.iter().position(|&(j, _)| j == i) {
                    Some(at) => Ok(forced.swap_remove(at).1),
                    None => force_missing(node.strict(), i).map(|values| {
                        forced = values;
                        let at = forced.iter().position(|&(j, _)| j == i);
                        forced.swap_remove(at.expect("the first one forced")).1
                    }),
                };
                if consume {
                    input.release_keep();
                }
                value.map(|v| (v, input.lock().changed_at))
            }
        };
        match read {
            Ok((v, changed_at)) => {
                values.push(v);
                inputs_changed_at = inputs_changed_at.max(changed_at);
            }
            Err(e) => failure = Some(e),
        }
    }
    match failure {
        Some(error) => Err(error),
        None => Ok((values, inputs_changed_at)),
    }
}

/// The value of a task's input and the revision at which it last changed, or `None` if it
/// is not computed. With `consume`, gives back this task's claim on an input it reads (or
/// that failed); if that was the last one and no handle holds the input, its value is
/// moved here, not shared, so the task may reuse its buffer.
fn input_value(input: &Arc<Node>, consume: bool) -> Result<Option<(Value, u64)>, Error> {
    let mut st = input.lock();
    loop {
        match st.status {
            Status::Ready if !st.stale => {
                let changed_at = st.changed_at;
                if consume {
                    input.keep.fetch_sub(1, Ordering::AcqRel);
                    if let Some(v) = input.release_if_unneeded(&mut st) {
                        return Ok(Some((v, changed_at)));
                    }
                }
                return Ok(Some((
                    st.value.clone().expect("ready node has a value"),
                    changed_at,
                )));
            }
            Status::Running => {
                let Some(guard) = input.wait_while_running(st) else {
                    if consume {
                        input.release_keep();
                    }
                    return Err(input.reentrant_error());
                };
                st = guard;
            }
            Status::Failed => {
                let error = st.error.clone().expect("failed node has an error");
                if consume {
                    // A failed node has no value to release.
                    input.keep.fetch_sub(1, Ordering::AcqRel);
                }
                return Err(error);
            }
            Status::Ready | Status::Pending => {
                // Not in this plan: it was ready when the plan was built and has been
                // released or invalidated since (or the caller runs outside a plan, as
                // eager mode does). The caller computes it, keeping its claim meanwhile.
                return Ok(None);
            }
        }
    }
}

/// Computes `inputs[from]` and every later input that is not computed either, in one plan,
/// and returns their values by position. Forcing them one at a time would compute what
/// they share once per input, and again below each of those: a lattice whose values were
/// released would take time exponential in its depth.
fn force_missing(inputs: &[Arc<Node>], from: usize) -> Result<Vec<(usize, Value)>, Error> {
    let missing: Vec<usize> = (from..inputs.len())
        .filter(|&j| {
            j == from || {
                let st = inputs[j].lock();
                st.status == Status::Pending || (st.status == Status::Ready && st.stale)
            }
        })
        .collect();
    let nodes: Vec<Arc<Node>> = missing.iter().map(|&j| Arc::clone(&inputs[j])).collect();
    let values = force::force_nodes(&nodes)?;
    Ok(missing.into_iter().zip(values).collect())
}

/// Below this, a task is not worth a hand-off to another thread (a rayon spawn and the
/// cache misses of moving its inputs cost a few microseconds).
pub(crate) const CHEAP: Duration = Duration::from_micros(10);

/// Whether each operation was cheap the last time it ran, by the address of its
/// name (operation names are `&'static str`s interned once per program, so the address
/// identifies the operation; two addresses for one name only cost a second entry).
mod cost {
    use std::cell::RefCell;
    use std::sync::{LazyLock, Mutex, PoisonError};
    use std::time::Duration;

    use crate::op::ByAddress;

    type Costs = ByAddress<usize, bool>;

    /// What every thread has learned, so that the forcing thread knows what the workers
    /// measured. Written only when a thread's verdict on an operation changes.
    static SHARED: LazyLock<Mutex<Costs>> = LazyLock::new(Mutex::default);

    thread_local! {
        /// This thread's copy: the hot path reads only this.
        static CHEAP_OPS: RefCell<Costs> = RefCell::new(Costs::default());
    }

    fn shared() -> std::sync::MutexGuard<'static, Costs> {
        SHARED.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn record(name: &'static str, elapsed: Duration) {
        let cheap = elapsed < super::CHEAP;
        let id = name.as_ptr() as usize;
        let changed = CHEAP_OPS.with(|ops| ops.borrow_mut().insert(id, cheap) != Some(cheap));
        if changed {
            shared().insert(id, cheap);
        }
    }

    /// Unknown operations are assumed expensive: the first run of an operation is parallel
    /// if the graph allows it. A thread that has not run an operation itself asks what the
    /// others learned, once.
    pub(super) fn is_cheap(name: &'static str) -> bool {
        let id = name.as_ptr() as usize;
        if let Some(known) = CHEAP_OPS.with(|ops| ops.borrow().get(&id).copied()) {
            return known;
        }
        let Some(known) = shared().get(&id).copied() else {
            return false;
        };
        CHEAP_OPS.with(|ops| ops.borrow_mut().insert(id, known));
        known
    }
}
