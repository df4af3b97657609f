//! One self-contained HTML page with everything there is to see of some forces: the
//! pictures of their graphs, the timeline of their tasks, the profile, and the failures.
//! It needs no network and no script: the pictures and the timeline are inline SVG.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use super::html::{STYLE, escape};
use super::picture::Picture;
use super::profile::{bytes, human};
use super::svg::Renderer;
use super::timeline;
use super::trace::Trace;
use crate::error::Error;
use crate::inspect::{Graph, NodeState, colour};

/// An HTML report, built up piece by piece, then written with
/// [`write_html`](Report::write_html).
///
/// # Examples
///
/// ```
/// use lazy_runtime::{Lazy, strict, observe};
/// use lazy_runtime::task::{Op, task};
///
/// let x = task(Op::function("app::double"), (Lazy::new(21_u64),), |(x,): (u64,)| x * 2);
/// let (_, trace) = observe::record(|| strict(&x));
/// let html = observe::Report::new("double")
///     .graph("x", &x.graph())
///     .trace(trace)
///     .to_html();
/// assert!(html.contains("class=\"lazy-node\"") && html.contains("class=\"lazy-bar\""));
/// ```
#[derive(Clone, Debug)]
pub struct Report {
    title: String,
    graphs: Vec<(String, Graph)>,
    trace: Trace,
    failures: Vec<Error>,
    renderer: Renderer,
}

impl Report {
    /// An empty report titled `title`.
    #[must_use]
    pub fn new(title: &str) -> Report {
        Report {
            title: title.to_owned(),
            graphs: Vec::new(),
            trace: Trace::default(),
            failures: Vec::new(),
            renderer: Renderer::InProcess,
        }
    }

    /// Adds a picture of `graph`, captioned `name`.
    #[must_use]
    pub fn graph(mut self, name: &str, graph: &Graph) -> Report {
        self.graphs.push((name.to_owned(), graph.clone()));
        self
    }

    /// Sets the trace the timeline and the profile show.
    #[must_use]
    pub fn trace(mut self, trace: Trace) -> Report {
        self.trace = trace;
        self
    }

    /// Adds a failure to show.
    #[must_use]
    pub fn failure(mut self, error: &Error) -> Report {
        self.failures.push(error.clone());
        self
    }

    /// Lays the pictures out with `renderer` (in-process by default, so that reports are
    /// the same on every machine).
    #[must_use]
    pub fn renderer(mut self, renderer: Renderer) -> Report {
        self.renderer = renderer;
        self
    }

    /// The page.
    #[must_use]
    pub fn to_html(&self) -> String {
        let mut out =
            String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
        let _ = writeln!(
            out,
            "<title>{}</title>\n<style>{STYLE}</style></head><body>",
            escape(&self.title)
        );
        let _ = writeln!(out, "<h1>{}</h1>", escape(&self.title));
        self.summary(&mut out);
        self.pictures(&mut out);
        self.timeline(&mut out);
        self.profile(&mut out);
        self.failures(&mut out);
        out.push_str("</body></html>\n");
        out
    }

    /// Writes the page to `path`.
    ///
    /// # Errors
    ///
    /// If the file cannot be written.
    pub fn write_html(&self, path: impl AsRef<Path>) -> io::Result<()> {
        std::fs::write(path, self.to_html())
    }

    fn summary(&self, out: &mut String) {
        let nodes: usize = self.graphs.iter().map(|(_, g)| g.node_count()).sum();
        let folds: u64 = self.graphs.iter().map(|(_, g)| g.folds()).sum();
        let (start, end) = self.trace.span();
        let busy: std::time::Duration = self.trace.tasks().iter().map(|t| t.duration).sum();
        let _ = writeln!(
            out,
            "<p>{} graph(s), {nodes} nodes, folded {folds} times while built; {} tasks recorded, \
             {} from the first start to the last end, {} of work; {} failure(s).</p>",
            self.graphs.len(),
            self.trace.tasks().len(),
            human(end.saturating_sub(start)),
            human(busy),
            self.failure_count()
        );
    }

    fn pictures(&self, out: &mut String) {
        out.push_str("<h2>Graphs</h2>\n<p class=\"legend\">");
        for state in [
            NodeState::Pending,
            NodeState::Running,
            NodeState::Ready,
            NodeState::Failed,
            NodeState::Released,
            NodeState::Invalidated,
        ] {
            let _ = write!(
                out,
                "<span style=\"background:{}\">{state}</span>",
                colour(state)
            );
        }
        out.push_str("</p>\n");
        if self.graphs.is_empty() {
            out.push_str("<p class=\"none\">No graph.</p>\n");
        }
        for (name, graph) in &self.graphs {
            let picture = Picture::of(graph);
            let svg = graph.to_svg_with(self.renderer);
            let svg = svg.find("<svg").map_or(svg.as_str(), |at| &svg[at..]);
            let _ = writeln!(
                out,
                "<h3>{}</h3>\n<p>{} nodes, {} edges, {} tasks; {}.</p>\n<div class=\"picture\">{svg}</div>",
                escape(name),
                graph.node_count(),
                graph.edge_count(),
                graph.task_count(),
                picture.caption()
            );
            if !picture.regions.is_empty() {
                out.push_str("<p>Fused passes (members drawn with a thick border):</p>\n<ul>\n");
                for label in &picture.regions {
                    let _ = writeln!(out, "<li class=\"region\">{}</li>", escape(label));
                }
                out.push_str("</ul>\n");
            }
        }
    }

    fn timeline(&self, out: &mut String) {
        out.push_str("<h2>Timeline</h2>\n");
        match timeline::svg(&self.trace) {
            Some(svg) => {
                out.push_str("<p>One row per worker thread; hover over a bar for its task.</p>\n");
                let _ = writeln!(out, "<div class=\"timeline\">{svg}</div>");
            }
            None => out.push_str(
                "<p class=\"none\">Nothing recorded (turn the recorder on with \
                 <code>observe::set_recording</code> or <code>LAZY_RECORD=1</code>).</p>\n",
            ),
        }
    }

    fn profile(&self, out: &mut String) {
        out.push_str("<h2>Profile</h2>\n");
        let profile = self.trace.profile();
        if profile.functions().is_empty() {
            out.push_str("<p class=\"none\">No tasks recorded.</p>\n");
            return;
        }
        out.push_str(
            "<table class=\"lazy-profile\"><tr><th>function</th><th>calls</th><th>failed</th>\
             <th>total</th><th>mean</th><th>max</th><th>bytes</th></tr>\n",
        );
        for f in profile.functions() {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&f.name),
                f.calls,
                f.failures,
                human(f.total),
                human(f.mean()),
                human(f.max),
                bytes(f.bytes)
            );
        }
        out.push_str("</table>\n");
    }

    fn failed_nodes(&self) -> impl Iterator<Item = (&str, String, String)> {
        self.graphs.iter().flat_map(|(name, g)| {
            g.nodes()
                .iter()
                .filter(|n| n.state == NodeState::Failed)
                .map(move |n| (name.as_str(), n.label(), n.key.short()))
        })
    }

    fn failure_count(&self) -> usize {
        self.failures.len() + self.failed_nodes().count()
    }

    fn failures(&self, out: &mut String) {
        out.push_str("<h2>Failures</h2>\n");
        if self.failure_count() == 0 {
            out.push_str("<p class=\"none\">None.</p>\n");
            return;
        }
        for error in &self.failures {
            let _ = writeln!(
                out,
                "<div class=\"failure\">{}</div>",
                escape(&error.to_string())
            );
        }
        for (graph, label, key) in self.failed_nodes() {
            let _ = writeln!(
                out,
                "<div class=\"failure\">in {}: task `{}` ({key}) failed</div>",
                escape(graph),
                escape(&label)
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Report;
    use crate::observe::record;
    use crate::task::{Op, task};
    use crate::{Lazy, try_strict};

    #[test]
    fn the_page_holds_the_pictures_the_bars_the_profile_and_the_failures() {
        let base = task(
            Op::function("report::tests::base"),
            (Lazy::new(4_i64),),
            |(x,): (i64,)| x + 1,
        );
        let bad = task(
            Op::function("report::tests::bad"),
            (base.clone(),),
            |(x,): (i64,)| -> i64 { panic!("report::tests::bad got {x}") },
        );
        let (error, trace) = record(|| try_strict(&bad).unwrap_err());
        let html = Report::new("a <test> report")
            .graph("bad", &bad.graph())
            .trace(trace)
            .failure(&error)
            .to_html();
        assert!(
            html.starts_with("<!DOCTYPE html>")
                && html.contains("<title>a &lt;test&gt; report</title>")
        );
        assert_eq!(html.matches("class=\"lazy-node\"").count(), 3, "{html}");
        assert!(html.matches("class=\"lazy-bar\"").count() >= 2, "{html}");
        assert!(
            html.contains("<td>report::tests::base</td><td>1</td><td>0</td>"),
            "{html}"
        );
        assert!(html.contains("report::tests::bad got 5"), "{html}");
        assert!(
            html.contains("in bad: task `bad` ("),
            "the failed node: {html}"
        );
        assert!(!html.contains("<script") && !html.contains("src=\"http"));
    }
}
