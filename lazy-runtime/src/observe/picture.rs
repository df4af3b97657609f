//! What a picture of the graph shows, before it is laid out: one box per node, or, for a
//! graph of more than [`SUMMARY_ABOVE`] nodes, one box per function with how many nodes
//! it has in each state (dask's request for large graphs); boxes coloured by state, with
//! how often building returned an existing node (folds) and which fused pass a node is in.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::inspect::{Graph, NodeState, colour, region_label};
use crate::names;

/// Graphs with more nodes than this are drawn by function.
pub const SUMMARY_ABOVE: usize = 200;

/// The longest label line, in characters.
const LINE: usize = 44;

/// One box of a picture.
pub(crate) struct Item {
    pub(crate) label: String,
    /// The state it is coloured by.
    pub(crate) state: NodeState,
    pub(crate) leaf: bool,
    /// How many nodes it stands for.
    pub(crate) nodes: usize,
    /// The fused region (a position in [`Picture::regions`]) the node is in, if any.
    pub(crate) region: Option<usize>,
}

impl Item {
    pub(crate) fn fill(&self) -> &'static str {
        colour(self.state)
    }
}

/// The boxes and the edges between them (positions in `items`, each edge once).
pub(crate) struct Picture {
    pub(crate) items: Vec<Item>,
    pub(crate) edges: Vec<(usize, usize)>,
    /// Whether boxes stand for functions rather than nodes.
    pub(crate) summary: bool,
    /// The labels of the fused regions boxes are in (none in a summary).
    pub(crate) regions: Vec<String>,
}

impl Picture {
    /// What a box stands for, for captions.
    pub(crate) fn caption(&self) -> &'static str {
        if self.summary {
            "one box per function (the graph is large)"
        } else {
            "one box per node"
        }
    }
}

impl Picture {
    /// The picture of `graph`: by node, or by function when it is large.
    pub(crate) fn of(graph: &Graph) -> Picture {
        if graph.node_count() > SUMMARY_ABOVE {
            Picture::summary(graph)
        } else {
            Picture::nodes(graph)
        }
    }

    /// One box per node; the members of a fused region say which pass they are in.
    pub(crate) fn nodes(graph: &Graph) -> Picture {
        let region_of = graph.region_of();
        let items = graph
            .nodes()
            .iter()
            .zip(&region_of)
            .map(|(n, &region)| {
                let mut label = format!(
                    "{}\n{} {}",
                    names::clip(&n.label(), LINE),
                    n.key.short(),
                    n.state
                );
                if n.folds > 0 {
                    let _ = write!(label, ", folded {}×", n.folds);
                }
                if let Some(k) = region {
                    let _ = write!(label, "\nfused pass {}", k + 1);
                }
                Item {
                    label,
                    state: n.state,
                    leaf: n.is_leaf,
                    nodes: 1,
                    region,
                }
            })
            .collect();
        let mut edges = graph.edges().to_vec();
        edges.sort_unstable();
        edges.dedup();
        let regions = graph
            .regions()
            .iter()
            .enumerate()
            .map(|(k, r)| format!("{}: {}", k + 1, region_label(r)))
            .collect();
        Picture {
            items,
            edges,
            summary: false,
            regions,
        }
    }

    /// One box per function (leaves by type), with its nodes counted by state.
    pub(crate) fn summary(graph: &Graph) -> Picture {
        let region_of = graph.region_of();
        let mut group_of = Vec::with_capacity(graph.node_count());
        let mut groups: Vec<(String, bool, Vec<NodeState>, u64, usize)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for (n, region) in graph.nodes().iter().zip(&region_of) {
            let label = n.label();
            let at = *index.entry(label.clone()).or_insert_with(|| {
                groups.push((label, n.is_leaf, Vec::new(), 0, 0));
                groups.len() - 1
            });
            groups[at].2.push(n.state);
            groups[at].3 += u64::from(n.folds);
            groups[at].4 += usize::from(region.is_some());
            group_of.push(at);
        }
        let items = groups
            .into_iter()
            .map(|(label, leaf, states, folds, fused)| {
                let mut text = format!("{}\n{} nodes", names::clip(&label, LINE), states.len());
                for state in ORDER {
                    let count = states.iter().filter(|s| **s == state).count();
                    if count > 0 {
                        let _ = write!(text, ", {count} {state}");
                    }
                }
                if folds > 0 {
                    let _ = write!(text, "\nfolded {folds}×");
                }
                if fused > 0 {
                    let _ = write!(text, "\n{fused} in fused passes");
                }
                Item {
                    label: text,
                    state: dominant(&states),
                    leaf,
                    nodes: states.len(),
                    region: None,
                }
            })
            .collect();
        let mut edges: Vec<(usize, usize)> = graph
            .edges()
            .iter()
            .map(|&(from, to)| (group_of[from], group_of[to]))
            .filter(|(from, to)| from != to)
            .collect();
        edges.sort_unstable();
        edges.dedup();
        Picture {
            items,
            edges,
            summary: true,
            regions: Vec::new(),
        }
    }
}

/// States in the order a group is coloured by: the first one any of its nodes is in.
const ORDER: [NodeState; 6] = [
    NodeState::Failed,
    NodeState::Running,
    NodeState::Invalidated,
    NodeState::Pending,
    NodeState::Released,
    NodeState::Ready,
];

fn dominant(states: &[NodeState]) -> NodeState {
    ORDER
        .into_iter()
        .find(|s| states.contains(s))
        .unwrap_or(NodeState::Pending)
}
