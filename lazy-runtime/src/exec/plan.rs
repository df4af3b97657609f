//! Plans: the not-yet-computed part of a graph below the values being forced, as tasks in
//! dependency order; building one, and running its tasks in the order it allows, adding
//! the tasks of each branch a conditional chooses as it runs.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::depth;
use super::fuse;
use super::run::{self, Outcome};
use super::segment::{Arena, Segment, Segments};
pub use super::tasks::TaskId;
use super::tasks::{Role, Root, Tasks};
use crate::error::{Error, ErrorKind};
use crate::graph::{Erased, Node};

/// The work one force has to do: every task the requested values need that has not run
/// yet (or whose value was released), with its dependencies inside the plan.
///
/// A [`Scheduler`](crate::scheduling::Scheduler) runs a plan by calling [`run`](Plan::run) once for each
/// task, starting from [`initial`](Plan::initial); each call reports the tasks that became
/// ready. Invariant: a task is reported ready exactly once, after all its inputs in the plan
/// have run.
///
/// A plan grows while it runs: a conditional (a lazy `if`) that has chosen its branch adds
/// the branch's tasks, reported ready like any others, and one more task that completes the
/// conditional once the branch has run. So [`len`](Plan::len) counts the tasks so far.
///
/// A plan borrows the nodes of the values being forced (`'a`), which keep every node it
/// runs alive, and an arena that keeps the branches it adds.
pub struct Plan<'a> {
    /// The tasks below the requested values, numbered from 0.
    base: Tasks<'a>,
    roots: Vec<Root<'a>>,
    /// The branches' tasks, numbered after the base's.
    segments: Segments<'a>,
    arena: &'a Arena,
    /// How its tasks compute inputs they find missing (see [`run::ForceNodes`]).
    force: run::ForceNodes,
}

/// Where a task is: in the plan's first tasks (`None`), or in a segment.
type Level<'a> = Option<Arc<Segment<'a>>>;

impl<'a> Plan<'a> {
    /// Collects the tasks below `roots` that need to run. Nodes that are ready are not
    /// entered; nodes that another thread is computing become tasks that wait for it.
    /// Its tasks compute inputs they find missing with `force`; `arena` keeps the branches
    /// its conditionals add.
    pub(crate) fn build(
        roots: &'a [Arc<Node>],
        arena: &'a Arena,
        force: run::ForceNodes,
    ) -> Plan<'a> {
        let (mut base, roots) = Tasks::collect(roots);
        fuse::assign(&mut base);
        Plan {
            segments: Segments::new(base.len()),
            base,
            roots,
            arena,
            force,
        }
    }

    /// The number of tasks so far: the plan's first ones, and those its conditionals added.
    #[must_use]
    pub fn len(&self) -> usize {
        self.segments.end()
    }

    /// Whether there is nothing to run.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.base.len() == 0
    }

    pub(crate) fn has_tasks(&self) -> bool {
        self.base.len() > 0
    }

    /// The tasks that can run at once: their inputs are all computed.
    #[must_use]
    pub fn initial(&self) -> &[TaskId] {
        &self.base.initial
    }

    /// The task numbered `task`: its level, and its number there (the level's length for
    /// a segment's resuming task).
    #[inline]
    fn locate(&self, task: TaskId) -> (Level<'a>, usize) {
        if task.index() < self.base.len() {
            return (None, task.index());
        }
        let segment = self.segments.find(task.0);
        let local = (task.0 - segment.start) as usize;
        (Some(segment), local)
    }

    #[inline]
    fn tasks_of<'s>(&'s self, level: &'s Level<'a>) -> &'s Tasks<'a> {
        level.as_ref().map_or(&self.base, |s| &s.tasks)
    }

    /// The conditional a segment resumes.
    fn conditional_of(&self, segment: &Segment<'a>) -> (Level<'a>, usize) {
        (
            segment.parent.map(|p| self.segments.at(p)),
            segment.conditional,
        )
    }

    /// Whether a task is known to be cheap: its operation took under 10 µs the last time it
    /// ran (the verdict is kept in the operation's record). Handing such a task to another
    /// thread costs more than running it, so the parallel scheduler runs it where it became
    /// ready. Resuming a conditional is cheap.
    pub(crate) fn is_cheap(&self, task: TaskId) -> bool {
        let (level, i) = self.locate(task);
        let tasks = self.tasks_of(&level);
        matches!(tasks.role(i), Role::Absorbed)
            || tasks.list.get(i).is_none_or(|t| t.node.op.is_cheap())
    }

    /// The name of a task's operation.
    #[must_use]
    pub fn name(&self, task: TaskId) -> &'static str {
        let (level, i) = self.locate(task);
        match (&level, self.tasks_of(&level).list.get(i)) {
            (_, Some(t)) => t.node.name(),
            (Some(segment), None) => {
                let (level, i) = self.conditional_of(segment);
                self.tasks_of(&level).list[i].node.name()
            }
            (None, None) => unreachable!("the plan's first tasks resume nothing"),
        }
    }

    /// Runs one task on the calling thread and pushes the tasks that became ready onto
    /// `ready`. A task that panics is recorded as failed, and so are the tasks that depend
    /// on it when they run; this never panics because of user code.
    pub fn run(&self, task: TaskId, ready: &mut Vec<TaskId>) {
        let (level, i) = self.locate(task);
        let tasks = self.tasks_of(&level);
        let Some(t) = tasks.list.get(i) else {
            let segment = level.expect("the plan's first tasks resume nothing");
            return self.resume(&segment, ready);
        };
        let outcome = match tasks.role(i) {
            Role::Plain => self.run_task(t),
            // Computed in its region's pass, when the region's head runs.
            Role::Absorbed => {
                super::record::absorbed();
                return self.completed(&level, i, ready);
            }
            Role::Head(members) => Self::run_region(t, tasks, members, self.force),
        };
        match outcome {
            Outcome::Done(result) => {
                if t.is_root {
                    // A scheduler that runs a task twice gets the same value both times.
                    let _ = t
                        .result
                        .set(result.map(|v| v.expect("a wanted value is returned")));
                }
                self.completed(&level, i, ready);
            }
            Outcome::Suspended(branch) => self.add_branch(&level, i, branch, ready),
        }
    }

    /// Runs a fused region's pass, recorded as one run of its head (the timeline and the
    /// profile show the pass under the head's name; its absorbed tasks count as done for
    /// the progress bar when they complete).
    fn run_region(
        t: &super::tasks::Task<'a>,
        tasks: &super::tasks::Tasks<'a>,
        members: &[u32],
        force: run::ForceNodes,
    ) -> Outcome {
        let observing = super::record::flags();
        if observing == 0 {
            return fuse::run_region(tasks, members, force);
        }
        super::record::begin(observing, t.node.op);
        let start = std::time::Instant::now();
        let outcome = fuse::run_region(tasks, members, force);
        let elapsed = start.elapsed();
        let value = t.node.kept_value();
        let value = value.as_deref();
        super::record::end(observing, t.node.op, &t.node.key, start, elapsed, value);
        outcome
    }

    /// Runs one task that is not in a fused region.
    fn run_task(&self, t: &super::tasks::Task<'a>) -> Outcome {
        let plan_claims = t.claims.swap(false, Ordering::AcqRel);
        if t.is_root {
            run::run_requested(t.node, plan_claims, self.force)
        } else {
            // A failure is recorded in the node, and its readers fail with it.
            run::run_unrequested(t.node, plan_claims, self.force)
        }
    }

    /// Task `i` of `level` has its result: reports its readers that became ready, and the
    /// resuming task of its segment if it was the branch.
    #[inline]
    fn completed(&self, level: &Level<'a>, i: usize, ready: &mut Vec<TaskId>) {
        let offset = level.as_ref().map_or(0, |s| s.start);
        self.tasks_of(level).complete(i, offset, ready);
        if let Some(segment) = level
            && segment.root == i
        {
            ready.push(TaskId(segment.resume_id()));
        }
    }

    /// The conditional task `i` of `level` chose `branch`: adds the branch's tasks, or
    /// resumes the conditional at once if the branch needs none.
    fn add_branch(&self, level: &Level<'a>, i: usize, branch: Arc<Node>, ready: &mut Vec<TaskId>) {
        let conditional = self.tasks_of(level).list[i].node;
        let depth = level.as_ref().map_or(depth::current(), |s| s.depth) + 1;
        if depth > depth::max_depth() {
            let error = Error::new(
                conditional.name(),
                conditional.key,
                ErrorKind::TooDeep(depth::max_depth()),
            );
            return self.resume_with(level, i, Err(error), ready);
        }
        let branch: &'a Arc<Node> = self.arena.keep(branch);
        let (mut tasks, mut roots) = Tasks::collect(std::slice::from_ref(branch));
        fuse::assign(&mut tasks);
        let root = match roots.pop().expect("one root") {
            Root::Task(root) => root as usize,
            Root::Value(value) => return self.resume_with(level, i, Ok(value), ready),
            // Not fresh, but not a task of its own either (its mark was taken over by
            // another plan being built): computed here.
            Root::Node(node) => {
                drop(tasks);
                let (name, key) = (conditional.name(), conditional.key);
                let result = run::force_nested(name, key, node, self.force);
                return self.resume_with(level, i, result, ready);
            }
        };
        let parent = level.as_ref().map(|s| s.place);
        let segment = self.segments.add(|start, place| Segment {
            tasks,
            start,
            place,
            root,
            parent,
            conditional: i,
            depth,
        });
        ready.extend(
            segment
                .tasks
                .initial
                .iter()
                .map(|t| TaskId(segment.start + t.0)),
        );
    }

    /// Resumes the conditional of `segment` with its branch's result.
    fn resume(&self, segment: &Arc<Segment<'a>>, ready: &mut Vec<TaskId>) {
        let branch = &segment.tasks.list[segment.root];
        let result = branch.result.get().cloned().unwrap_or_else(|| {
            Err(Error::new(
                branch.node.name(),
                branch.node.key,
                ErrorKind::NotRun,
            ))
        });
        let (level, i) = self.conditional_of(segment);
        self.resume_with(&level, i, result, ready);
    }

    /// Completes the suspended conditional task `i` of `level` with `result`.
    fn resume_with(
        &self,
        level: &Level<'a>,
        i: usize,
        result: Result<Erased, Error>,
        ready: &mut Vec<TaskId>,
    ) {
        let t = &self.tasks_of(level).list[i];
        t.node.resume(result.clone(), Duration::ZERO);
        if t.is_root {
            let _ = t.result.set(result);
        }
        self.completed(level, i, ready);
    }

    /// The number of the plan's first tasks (those a conditional adds come after them).
    pub(crate) fn base_len(&self) -> usize {
        self.base.len()
    }

    /// The node of first task `i`, and whether its value was requested.
    pub(crate) fn base_node(&self, i: usize) -> (&'a Arc<Node>, bool) {
        let t = &self.base.list[i];
        (t.node, t.is_root)
    }

    /// The readers of first task `i` among the first tasks.
    pub(crate) fn base_readers(&self, i: usize) -> &[u32] {
        self.base.readers(i)
    }

    /// The first task whose result running `task` stored, if any: `task` itself unless it
    /// suspended, or the conditional that resuming a branch completed.
    pub(crate) fn completes(&self, task: TaskId) -> Option<usize> {
        let (level, i) = self.locate(task);
        match level {
            None => {
                let node = self.base.list[i].node;
                (node.lock().status() != crate::graph::Status::Suspended).then_some(i)
            }
            Some(segment) if i == segment.tasks.len() && segment.parent.is_none() => {
                Some(segment.conditional)
            }
            Some(_) => None,
        }
    }

    /// Completes first task `i` with a result computed elsewhere (another process), as its
    /// run would have, without running it, and pushes the tasks that became ready.
    pub(crate) fn complete_with(
        &self,
        i: usize,
        result: Result<Erased, Error>,
        ready: &mut Vec<TaskId>,
    ) {
        let t = &self.base.list[i];
        let plan_claims = t.claims.swap(false, Ordering::AcqRel);
        run::complete_with(t.node, plan_claims, result.clone());
        if t.is_root {
            let _ = t.result.set(result);
        }
        self.completed(&None, i, ready);
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
                    let t = &self.base.list[id as usize];
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

impl std::fmt::Debug for Plan<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan")
            .field("tasks", &self.len())
            .field("initial", &self.base.initial.len())
            .finish_non_exhaustive()
    }
}
