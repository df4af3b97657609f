//! Plans: the not-yet-computed part of a graph below the values being forced, as tasks in
//! dependency order; building one, and running its tasks in the order it allows.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use super::marks::{Marks, READY, VISITING};
use super::run;
use crate::error::{Error, ErrorKind};
use crate::graph::{Erased, Node, Status};

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
    result: OnceLock<Result<Erased, Error>>,
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

enum Root<'a> {
    Value(Erased),
    Node(&'a Arc<Node>),
    Task(u32),
}

/// The work one force has to do: every task the requested values need that has not run
/// yet (or whose value was released), with its dependencies inside the plan.
///
/// A [`Scheduler`](crate::scheduling::Scheduler) runs a plan by calling [`run`](Plan::run) once for each
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
    /// How its tasks compute inputs they find missing (see [`run::ForceNodes`]).
    force: run::ForceNodes,
}

impl<'a> Plan<'a> {
    /// Collects the tasks below `roots` that need to run. Nodes that are ready are not
    /// entered; nodes that another thread is computing become tasks that wait for it.
    /// Its tasks compute inputs they find missing with `force`.
    pub(crate) fn build(roots: &'a [Arc<Node>], force: run::ForceNodes) -> Plan<'a> {
        let mut marks = Marks::new();
        let mut plan = Plan {
            tasks: Vec::new(),
            starts: Vec::new(),
            dependents: Vec::new(),
            initial: Vec::new(),
            roots: Vec::new(),
            force,
        };
        // (input task, reader task), gathered while tasks are added, sorted by input below.
        let mut edges: Vec<(u32, u32)> = Vec::new();
        let mut stack: Vec<(&'a Arc<Node>, bool)> = Vec::new();
        for root in roots {
            let st = root.lock();
            if st.is_fresh() {
                plan.roots.push(Root::Value(st.fresh_value()));
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
            match st.status() {
                _ if st.is_fresh() => {
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
                    let adopted = st.take_claims();
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

    /// Whether a task is known to be cheap: its operation took under 10 µs the last time it
    /// ran (the verdict is kept in the operation's record). Handing such a task to another
    /// thread costs more than running it, so the parallel scheduler runs it where it became
    /// ready.
    pub(crate) fn is_cheap(&self, task: TaskId) -> bool {
        self.tasks[task.index()].node.op.is_cheap()
    }

    /// The name of a task's operation.
    #[must_use]
    pub fn name(&self, task: TaskId) -> &'static str {
        self.tasks[task.index()].node.name()
    }

    /// Runs one task on the calling thread and pushes the tasks that became ready onto
    /// `ready`. A task that panics is recorded as failed, and so are the tasks that depend
    /// on it when they run; this never panics because of user code.
    pub fn run(&self, task: TaskId, ready: &mut Vec<TaskId>) {
        let i = task.index();
        let t = &self.tasks[i];
        let plan_claims = t.claims.swap(false, Ordering::AcqRel);
        if t.is_root {
            // A scheduler that runs a task twice gets the same value both times.
            let _ = t
                .result
                .set(run::run_requested(t.node, plan_claims, self.force));
        } else {
            // A failure is recorded in the node, and its readers fail with it.
            let _ = run::run_unrequested(t.node, plan_claims, self.force);
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
    pub(crate) fn into_results(mut self) -> Result<Vec<Erased>, Error> {
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
                        Err(Error::new(t.node.name(), t.node.key, ErrorKind::NotRun))
                    })
                }
                // Became ready while the plan was built, and was released since: compute it
                // again (rare; only for values no handle holds, as a conditional's branch).
                Root::Node(node) => {
                    let value = node.kept_value();
                    match value {
                        Some(v) => Ok(v),
                        None => (self.force)(std::slice::from_ref(node)).map(|mut v| v.remove(0)),
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
