//! The picture of a graph as SVG: laid out in-process (the `layout-rs` crate, a Graphviz-
//! style layered layout), or by the system's Graphviz `dot` when asked and installed,
//! falling back to the in-process layout when it is not.
//!
//! Every box is an SVG group of class `lazy-node` with a `data-state` attribute, whichever
//! renders it, so that pages and tests can find them.

use std::fmt::Write as _;
use std::io::Write as _;
use std::process::{Command, Stdio};

use layout::backends::svg::SVGWriter;
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;
use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
use layout::topo::layout::VisualGraph;

use super::picture::Picture;
use crate::inspect::Graph;

/// Which program lays out a picture of the graph.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Renderer {
    /// Graphviz `dot` if it is installed, else in-process.
    #[default]
    Auto,
    /// In-process, always.
    InProcess,
    /// Graphviz `dot`; in-process if it cannot be run.
    Graphviz,
}

impl Graph {
    /// The graph as an SVG picture, laid out in-process: a box per node filled by its
    /// state (the colours of [`to_dot`](Graph::to_dot)), labelled with its short name, key
    /// and state, and how often it was folded; an arrow from each input to its readers.
    /// A graph of more than [`SUMMARY_ABOVE`](super::SUMMARY_ABOVE) nodes is drawn by
    /// function: one box per function, with its node count per state.
    ///
    /// # Examples
    ///
    /// ```
    /// use lazy_runtime::Lazy;
    /// use lazy_runtime::task::{Op, task};
    ///
    /// let x = task(Op::function("app::double"), (Lazy::new(21_u64),), |(x,): (u64,)| x * 2);
    /// let svg = x.graph().to_svg();
    /// assert_eq!(svg.matches("class=\"lazy-node\"").count(), 2);
    /// ```
    #[must_use]
    pub fn to_svg(&self) -> String {
        in_process(&Picture::of(self))
    }

    /// Like [`to_svg`](Graph::to_svg), laid out by `renderer`.
    #[must_use]
    pub fn to_svg_with(&self, renderer: Renderer) -> String {
        let picture = Picture::of(self);
        match renderer {
            Renderer::InProcess => in_process(&picture),
            Renderer::Auto | Renderer::Graphviz => {
                graphviz(&picture).unwrap_or_else(|| in_process(&picture))
            }
        }
    }
}

/// Whether Graphviz `dot` can be run.
#[must_use]
pub fn graphviz_installed() -> bool {
    Command::new("dot")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn in_process(picture: &Picture) -> String {
    let mut vg = VisualGraph::new(Orientation::TopToBottom);
    let handles: Vec<_> = picture
        .items
        .iter()
        .map(|item| {
            let lines = item.label.lines().count().max(1);
            let widest = item
                .label
                .lines()
                .map(|l| l.chars().count())
                .max()
                .unwrap_or(1);
            let size = Point::new(
                f64::from(u32::try_from(widest).unwrap_or(200)) * 7.5 + 24.0,
                f64::from(u32::try_from(lines).unwrap_or(4)) * 16.0 + 16.0,
            );
            // A fused region's members have a thick border of the region's colour.
            let (line, width) = item.region.map_or(("black", 1), |k| {
                (REGION_COLOURS[k % REGION_COLOURS.len()], 4)
            });
            let look = StyleAttr::new(
                Color::fast(line),
                width,
                Some(Color::fast(item.fill())),
                if item.leaf { 14 } else { 3 },
                13,
            );
            let mut properties = format!(
                "class=\"lazy-node\" data-state=\"{}\" data-nodes=\"{}\"",
                item.state, item.nodes
            );
            if let Some(k) = item.region {
                let _ = write!(properties, " data-region=\"{}\"", k + 1);
            }
            let shape = ShapeKind::new_box(&item.label);
            vg.add_node(Element::create_with_properties(
                shape,
                look,
                Orientation::LeftToRight,
                size,
                properties,
            ))
        })
        .collect();
    for &(from, to) in &picture.edges {
        vg.add_edge(Arrow::simple(""), handles[from], handles[to]);
    }
    let mut svg = SVGWriter::new();
    if !picture.items.is_empty() {
        vg.do_it(false, false, false, &mut svg);
    }
    svg.finalize()
}

/// The picture laid out by Graphviz `dot`, if it can be run and succeeds.
fn graphviz(picture: &Picture) -> Option<String> {
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let dot = to_dot(picture);
    child.stdin.take()?.write_all(dot.as_bytes()).ok()?;
    let output = child.wait_with_output().ok()?;
    if !output.status.success() {
        return None;
    }
    let svg = String::from_utf8(output.stdout).ok()?;
    // Graphviz writes each box as `<g id="nodeN" class="node lazy&#45;node ...">`;
    // `data-state` has no DOT attribute, so the state goes into the class list too.
    Some(svg)
}

fn to_dot(picture: &Picture) -> String {
    let mut out = String::from(
        "digraph lazy {\n  node [shape=box, style=\"filled,rounded\", fontsize=11, fontname=\"sans-serif\"];\n",
    );
    for (i, item) in picture.items.iter().enumerate() {
        let label = item
            .label
            .replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n");
        let _ = writeln!(
            out,
            "  n{i} [label=\"{label}\", fillcolor={}, class=\"lazy-node state-{}\"{}];",
            item.fill(),
            item.state,
            if item.leaf { ", shape=ellipse" } else { "" }
        );
    }
    for (k, label) in picture.regions.iter().enumerate() {
        let _ = write!(
            out,
            "  subgraph cluster_pass{k} {{\n    label=\"{label}\";\n    style=dashed;\n    color={};\n   ",
            REGION_COLOURS[k % REGION_COLOURS.len()]
        );
        for (i, item) in picture.items.iter().enumerate() {
            if item.region == Some(k) {
                let _ = write!(out, " n{i};");
            }
        }
        out.push_str("\n  }\n");
    }
    for (from, to) in &picture.edges {
        let _ = writeln!(out, "  n{from} -> n{to};");
    }
    out.push_str("}\n");
    out
}

/// The border colours of fused regions, in turn.
const REGION_COLOURS: [&str; 4] = ["purple", "darkorange", "teal", "crimson"];

#[cfg(test)]
mod tests {
    use super::Renderer;
    use crate::Lazy;
    use crate::task::{Op, task};

    fn chain(n: usize, name: &'static str) -> Lazy<u64> {
        (0..n).fold(Lazy::new(n as u64), |x, _| {
            task(Op::function(name), (x,), |(x,): (u64,)| x + 1)
        })
    }

    #[test]
    fn a_small_graph_has_one_box_per_node_coloured_by_state() {
        let top = chain(5, "svg::tests::step");
        let svg = top.graph().to_svg_with(Renderer::InProcess);
        assert!(svg.contains("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("class=\"lazy-node\"").count(), 6, "{svg}");
        assert_eq!(svg.matches("data-state=\"pending\"").count(), 5);
        assert_eq!(svg.matches("data-state=\"ready\"").count(), 1, "the leaf");
        assert_eq!(crate::strict(&top), 10);
        let svg = top.graph().to_svg();
        // The leaf and the top are kept; the steps between were released once read.
        assert_eq!(svg.matches("data-state=\"ready\"").count(), 2, "{svg}");
        assert_eq!(svg.matches("data-state=\"released\"").count(), 4, "{svg}");
        assert!(svg.contains("step"), "labelled with the function's name");
    }

    #[test]
    fn a_large_graph_is_drawn_by_function() {
        let a = chain(150, "svg::tests::left");
        let b = chain(150, "svg::tests::right");
        let both = task(
            Op::function("svg::tests::join"),
            (a, b),
            |(a, b): (u64, u64)| a + b,
        );
        let graph = both.graph();
        assert!(graph.node_count() > super::super::SUMMARY_ABOVE);
        let svg = graph.to_svg();
        // Two leaves of one type (u64), left, right and join.
        assert_eq!(svg.matches("class=\"lazy-node\"").count(), 4, "{svg}");
        assert!(svg.contains("data-nodes=\"150\""), "{svg}");
        assert!(svg.contains("150 nodes, 150 pending"), "{svg}");
    }

    #[test]
    fn graphviz_draws_the_same_boxes_when_installed() {
        if !super::graphviz_installed() {
            println!("skipped: Graphviz `dot` is not installed");
            return;
        }
        let top = chain(3, "svg::tests::viz");
        let svg = top.graph().to_svg_with(Renderer::Graphviz);
        // Graphviz writes the hyphen of `lazy-node` as an entity.
        assert_eq!(
            svg.matches("class=\"node lazy&#45;node").count(),
            4,
            "{svg}"
        );
    }
}
