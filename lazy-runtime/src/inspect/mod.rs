//! Looking at a graph without running it: counts, per-node state and timings, DOT, a
//! dask-style task dictionary and a petgraph view.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use crate::force::{Force, Nodes};
use crate::graph::Node;
pub use crate::graph::NodeState;
use crate::key::{BuildKeyHasher, Key};
use crate::lazy::Lazy;
use crate::names;
pub use crate::stats::{Stats, stats, thread_stats};

mod regions;

pub use regions::Region;

impl<T> Lazy<T> {
    /// Where the value stands, without forcing it.
    #[must_use]
    pub fn state(&self) -> NodeState {
        self.node().state()
    }

    /// Whether the value has been computed and is kept.
    #[must_use]
    pub fn is_ready(&self) -> bool {
        self.state() == NodeState::Ready
    }

    /// The graph this value depends on, for inspection; nothing is computed.
    #[must_use]
    pub fn graph(&self) -> Graph {
        Graph::of_nodes(std::slice::from_ref(self.node()))
    }
}

/// The fill colour of a node in DOT.
pub(crate) fn colour(state: NodeState) -> &'static str {
    match state {
        NodeState::Pending => "white",
        NodeState::Running => "gold",
        NodeState::Ready => "palegreen",
        NodeState::Failed => "salmon",
        NodeState::Released => "lightblue",
        NodeState::Invalidated => "orange",
    }
}

/// One node as seen by [`Graph`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct NodeInfo {
    /// Its structural key.
    pub key: Key,
    /// The operation (a function's path) or, for a leaf, the value's type.
    pub name: &'static str,
    /// Whether it is a leaf value rather than a task.
    pub is_leaf: bool,
    /// Where its value stands.
    pub state: NodeState,
    /// How many times its task has run.
    pub runs: u32,
    /// How many times building a node returned this one instead of a new node.
    pub folds: u32,
    /// How long its task took the last time it ran.
    pub elapsed: Option<Duration>,
    /// Whether its value was last computed chunk by chunk inside a fused pass, for the
    /// head of its region (see [`Graph::regions`]), and never materialised.
    pub fused: bool,
    /// What a fused pass can make of it.
    fusion: Fusion,
}

/// What a fused pass can make of a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fusion {
    /// Nothing: not element-wise, or element-wise over input cells or on an executor,
    /// which plans never fuse.
    None,
    /// An element-wise array operation.
    Elementwise,
    /// A reduction of an element-wise operation (`.sum()`, `.mean()`, ...): a region's head.
    Reduces,
}

impl NodeInfo {
    /// The operation's last path segment, without generic arguments: `mul` for
    /// `my_crate::mul::__lazy_body<i64>`-style names, for short labels.
    #[must_use]
    pub fn short_name(&self) -> &'static str {
        short_name(self.name)
    }

    /// The operation or type without module paths, operators by their operands:
    /// `add<(Array1<i64>, i64)>`, `Array1<i64>`, `square<i64>`.
    #[must_use]
    pub fn label(&self) -> String {
        names::compact(self.name)
    }

    /// The label's name without generic arguments (`add`, `Array1`, `square`), for keys.
    fn key_name(&self) -> String {
        let label = self.label();
        label.split('<').next().unwrap_or(&label).to_owned()
    }
}

fn short_name(name: &'static str) -> &'static str {
    let base = name.split('<').next().unwrap_or(name);
    let mut segments = base
        .rsplit("::")
        .filter(|s| !s.is_empty() && !s.starts_with("__"));
    segments.next().unwrap_or(base)
}

/// A snapshot of the graph below some values: which nodes, which edges, in what state.
///
/// Nodes come in dependency order (inputs first); edges go from an input to the node that
/// reads it. Taking the snapshot computes nothing.
///
/// # Examples
///
/// ```
/// use lazy_runtime::{Lazy, strict};
///
/// let a = Lazy::new(3_i64);
/// let sq = lazy_runtime::task::task(
///     lazy_runtime::task::Op::function("square"),
///     (a.clone(),),
///     |(x,): (i64,)| x * x,
/// );
/// let graph = sq.graph();
/// assert_eq!((graph.node_count(), graph.edge_count()), (2, 1));
/// assert!(graph.to_dot().contains("square"));
/// strict(&sq);
/// assert_eq!(sq.graph().nodes()[1].runs, 1);
/// ```
#[derive(Clone, Debug)]
pub struct Graph {
    nodes: Vec<NodeInfo>,
    edges: Vec<(usize, usize)>,
    regions: Vec<Region>,
}

impl Graph {
    /// The graph below all the values in `x` (a `Lazy`, a tuple or a vector of them).
    #[must_use]
    pub fn of<F: Force>(x: &F) -> Graph {
        let mut roots = Nodes::default();
        x.roots(&mut roots);
        Graph::of_nodes(&roots.0)
    }

    pub(crate) fn of_nodes(roots: &[Arc<Node>]) -> Graph {
        // Iterative post-order walk: inputs get their index before the nodes reading them.
        let mut index: HashMap<Key, usize, BuildKeyHasher> = HashMap::default();
        let mut order: Vec<&Arc<Node>> = Vec::new();
        let mut stack: Vec<(&Arc<Node>, bool)> = roots.iter().rev().map(|r| (r, false)).collect();
        let mut seen: HashSet<Key, BuildKeyHasher> = HashSet::default();
        while let Some((node, exit)) = stack.pop() {
            if exit {
                index.insert(node.key, order.len());
                order.push(node);
            } else if seen.insert(node.key) {
                stack.push((node, true));
                stack.extend(
                    node.inputs
                        .as_slice()
                        .iter()
                        .rev()
                        .map(|input| (input, false)),
                );
            }
        }
        let mut edges = Vec::new();
        for (i, node) in order.iter().enumerate() {
            edges.extend(
                node.inputs
                    .as_slice()
                    .iter()
                    .map(|input| (index[&input.key], i)),
            );
        }
        let nodes = order
            .iter()
            .map(|node| {
                let (state, elapsed, fused) = {
                    let st = node.lock();
                    (st.public(), st.elapsed(), st.fused())
                };
                let kernel = node.op.kernel();
                NodeInfo {
                    key: node.key,
                    name: node.name(),
                    is_leaf: node.is_leaf(),
                    state,
                    runs: node.runs(),
                    folds: node.folds(),
                    elapsed,
                    fused,
                    fusion: match kernel {
                        _ if node.is_volatile() || node.has_executor() => Fusion::None,
                        Some(k) if k.op.reduces() => Fusion::Reduces,
                        Some(_) => Fusion::Elementwise,
                        None => Fusion::None,
                    },
                }
            })
            .collect();
        let roots: Vec<usize> = roots.iter().map(|r| index[&r.key]).collect();
        let mut graph = Graph {
            nodes,
            edges,
            regions: Vec::new(),
        };
        graph.find_regions(&roots);
        graph
    }

    /// The nodes, inputs before the nodes that read them.
    #[must_use]
    pub fn nodes(&self) -> &[NodeInfo] {
        &self.nodes
    }

    /// The edges, as `(input, reader)` positions in [`nodes`](Graph::nodes).
    #[must_use]
    pub fn edges(&self) -> &[(usize, usize)] {
        &self.edges
    }

    /// The number of distinct nodes.
    #[must_use]
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// The number of edges (an input read twice counts twice).
    #[must_use]
    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// The number of task nodes (nodes that are not leaf values).
    #[must_use]
    pub fn task_count(&self) -> usize {
        self.nodes.iter().filter(|n| !n.is_leaf).count()
    }

    /// How many times, in total, building a node of this graph returned an existing one.
    #[must_use]
    pub fn folds(&self) -> u64 {
        self.nodes.iter().map(|n| u64::from(n.folds)).sum()
    }

    /// How many nodes have the operation whose short name (see [`NodeInfo::short_name`]) or
    /// full name is `name`.
    #[must_use]
    pub fn count_op(&self, name: &str) -> usize {
        self.nodes
            .iter()
            .filter(|n| n.name == name || n.short_name() == name)
            .count()
    }

    /// Each task's last running time, slowest first.
    #[must_use]
    pub fn timings(&self) -> Vec<(&'static str, Key, Duration)> {
        let mut timings: Vec<_> = self
            .nodes
            .iter()
            .filter_map(|n| n.elapsed.map(|d| (n.name, n.key, d)))
            .collect();
        timings.sort_by_key(|t| std::cmp::Reverse(t.2));
        timings
    }

    /// Graphviz DOT, one box per node labelled with its operation and short key, filled by
    /// state: white pending, gold running, green ready, red failed, blue released, orange
    /// invalidated. Each fused region (see [`regions`](Graph::regions)) is a dashed
    /// cluster around its members, labelled with its size and whether it ran.
    #[must_use]
    pub fn to_dot(&self) -> String {
        let mut out =
            String::from("digraph lazy {\n  rankdir=BT;\n  node [shape=box, style=filled];\n");
        for (i, n) in self.nodes.iter().enumerate() {
            let shape = if n.is_leaf { ", shape=ellipse" } else { "" };
            let _ = writeln!(
                out,
                "  n{i} [label=\"{}\\n{} {}\", fillcolor={}{shape}];",
                escape(&names::clip(&n.label(), 48)),
                n.key.short(),
                n.state,
                colour(n.state)
            );
        }
        for (k, region) in self.regions.iter().enumerate() {
            let _ = write!(
                out,
                "  subgraph cluster_pass{k} {{\n    label=\"{}\";\n    style=dashed;\n   ",
                region_label(region)
            );
            for m in &region.members {
                let _ = write!(out, " n{m};");
            }
            out.push_str("\n  }\n");
        }
        for (from, to) in &self.edges {
            let _ = writeln!(out, "  n{from} -> n{to};");
        }
        out.push_str("}\n");
        out
    }

    /// A dask-style task dictionary: one line per node, `key: (operation, input keys...)`,
    /// with module paths left out of the names, or `key: <type> leaf` for leaf values. A
    /// member of a fused region (see [`regions`](Graph::regions)) other than its head ends
    /// with `# fused into 'head-key'`.
    #[must_use]
    pub fn task_dict(&self) -> String {
        let mut inputs: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        for &(from, to) in &self.edges {
            inputs[to].push(from);
        }
        let region_of = self.region_of();
        let mut out = String::from("{\n");
        for (i, (n, ins)) in self.nodes.iter().zip(&inputs).enumerate() {
            let key = format!("'{}-{}'", n.key_name(), n.key.short());
            if n.is_leaf {
                let _ = writeln!(out, "  {key}: <{} leaf>,", names::compact(n.name));
            } else {
                let args: Vec<String> = ins
                    .iter()
                    .map(|&i| {
                        format!(
                            "'{}-{}'",
                            self.nodes[i].key_name(),
                            self.nodes[i].key.short()
                        )
                    })
                    .collect();
                let _ = write!(
                    out,
                    "  {key}: ({}, {}),",
                    names::compact(n.name),
                    args.join(", ")
                );
                let head = region_of[i].map(|k| self.regions[k].head);
                if let Some(head) = head.filter(|&h| h != i) {
                    let head = &self.nodes[head];
                    let _ = write!(
                        out,
                        "  # fused into '{}-{}'",
                        head.key_name(),
                        head.key.short()
                    );
                }
                out.push('\n');
            }
        }
        out.push('}');
        out
    }

    /// The graph as a petgraph `DiGraph`, for petgraph's algorithms (the prototype's
    /// networkx dump). Node indices match positions in [`nodes`](Graph::nodes).
    #[must_use]
    pub fn to_petgraph(&self) -> petgraph::graph::DiGraph<NodeInfo, ()> {
        let mut g = petgraph::graph::DiGraph::with_capacity(self.nodes.len(), self.edges.len());
        for n in &self.nodes {
            g.add_node(n.clone());
        }
        for &(from, to) in &self.edges {
            g.add_edge(
                petgraph::graph::NodeIndex::new(from),
                petgraph::graph::NodeIndex::new(to),
                (),
            );
        }
        g
    }
}

/// How DOT and the pictures name a fused region.
pub(crate) fn region_label(region: &Region) -> String {
    let operations = region.members.len();
    if region.ran {
        format!("fused pass of {operations} operations (ran)")
    } else {
        format!("fused pass of {operations} operations")
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use crate::inspect::NodeState;
    use crate::task::{Op, task};
    use crate::{Lazy, strict};

    fn diamond() -> Lazy<i64> {
        let base = task(
            Op::function("inspect::base"),
            (Lazy::new(2_i64),),
            |(x,): (i64,)| x + 1,
        );
        let left = task(
            Op::function("inspect::left"),
            (base.clone(),),
            |(x,): (i64,)| x * 2,
        );
        let right = task(Op::function("inspect::right"), (base,), |(x,): (i64,)| {
            x * 3
        });
        task(
            Op::function("inspect::top"),
            (left, right),
            |(a, b): (i64, i64)| a + b,
        )
    }

    #[test]
    fn the_petgraph_view_matches_the_snapshot_and_sorts_topologically() {
        let top = diamond();
        let graph = top.graph();
        assert_eq!(
            (graph.node_count(), graph.edge_count(), graph.task_count()),
            (5, 5, 4)
        );
        let pg = graph.to_petgraph();
        assert_eq!((pg.node_count(), pg.edge_count()), (5, 5));
        let order = petgraph::algo::toposort(&pg, None).expect("acyclic");
        let names: Vec<&str> = order.iter().map(|i| pg[*i].short_name()).collect();
        assert_eq!(
            names.first(),
            Some(&"i64"),
            "the leaf comes first: {names:?}"
        );
        assert_eq!(names.last(), Some(&"top"));
    }

    #[test]
    fn dot_and_task_dictionary_show_states_and_inputs() {
        let top = diamond();
        let before = top.graph();
        assert!(
            before
                .nodes()
                .iter()
                .filter(|n| !n.is_leaf)
                .all(|n| n.state == NodeState::Pending)
        );
        assert_eq!(before.to_dot().matches("fillcolor=white").count(), 4);
        let dict = before.task_dict();
        let top_line = dict
            .lines()
            .find(|l| l.contains("'top-"))
            .expect("a line for top");
        assert!(
            top_line.contains("'left-") && top_line.contains("'right-"),
            "{top_line}"
        );
        assert_eq!(strict(&top), 15);
        let after = top.graph();
        assert_eq!(after.nodes().last().unwrap().state, NodeState::Ready);
        assert!(after.to_dot().contains("fillcolor=palegreen"));
        assert_eq!(
            after.timings().len(),
            4,
            "every task ran once and was timed"
        );
    }
}
