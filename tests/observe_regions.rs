//! Fused regions as the pictures show them: the regions a force would form, and those
//! that ran, in `Graph::regions`, DOT, the task dictionary, the SVG and the report
//! (`docs/observability.md`, `docs/arrays.md`).

#![allow(
    clippy::many_single_char_names,
    reason = "array expressions read as the algebra they are"
)]

mod support;

use std::time::Duration;

use lazy::inspect::NodeState;
use lazy::observe::{Renderer, Report};
use lazy::{Graph, Lazy, autodask, strict};
use ndarray::Array1;

#[autodask(inline)]
fn f(a: Array1<f64>, b: Array1<f64>) -> Array1<f64> {
    a + b
}

/// Daisy's `h`: `f(a, b)` folds into one node, read twice; three operations in all.
#[autodask(inline)]
fn h(a: Array1<f64>, b: Array1<f64>) -> Array1<f64> {
    f(a, b) + (f(a, b) + 1.0)
}

fn data(n: u32, step: f64) -> Array1<f64> {
    Array1::from_iter((0..n).map(|i| f64::from(i) * step))
}

/// The names of a region's members, head last.
fn member_names(graph: &Graph, members: &[usize]) -> Vec<String> {
    members.iter().map(|&m| graph.nodes()[m].label()).collect()
}

#[test]
fn a_region_is_shown_before_the_force_and_as_having_run_after_it() {
    support::within(Duration::from_mins(1), || {
        let top = h(data(1000, 0.5), data(1000, 0.25));
        let before = top.graph();
        assert_eq!(before.task_count(), 3);
        let [region] = before.regions() else {
            panic!("one region: {:?}", before.regions());
        };
        assert!(!region.ran);
        assert_eq!(
            region.members.len(),
            3,
            "{:?}",
            member_names(&before, &region.members)
        );
        assert_eq!(
            region.head,
            before.node_count() - 1,
            "the requested value heads it"
        );
        assert!(!before.nodes().iter().any(|n| n.fused));

        let dot = before.to_dot();
        assert_eq!(dot.matches("subgraph cluster_pass").count(), 1, "{dot}");
        assert!(
            dot.contains("label=\"fused pass of 3 operations\""),
            "{dot}"
        );
        let dict = before.task_dict();
        assert_eq!(dict.matches("# fused into 'add-").count(), 2, "{dict}");
        let head = &before.nodes()[region.head];
        assert!(
            dict.contains(&format!("# fused into 'add-{}'", head.key.short())),
            "members point at the head: {dict}"
        );
        let svg = before.to_svg_with(Renderer::InProcess);
        assert_eq!(svg.matches("data-region=\"1\"").count(), 3, "{svg}");

        let expected = {
            let (a, b) = (data(1000, 0.5), data(1000, 0.25));
            (&a + &b) + (&a + &b + 1.0)
        };
        assert_eq!(strict(&top), expected);

        let after = top.graph();
        let [region] = after.regions() else {
            panic!("one region: {:?}", after.regions());
        };
        assert!(region.ran, "the region ran as one pass");
        assert_eq!(region.members.len(), 3);
        assert_eq!(after.nodes()[region.head].state, NodeState::Ready);
        assert_eq!(after.nodes()[region.head].runs, 1);
        for &m in &region.members[..2] {
            let node = &after.nodes()[m];
            assert!(node.fused, "{} was computed inside the pass", node.label());
            assert_eq!((node.state, node.runs), (NodeState::Pending, 0));
        }
        assert!(
            after
                .to_dot()
                .contains("label=\"fused pass of 3 operations (ran)\"")
        );
    });
}

#[test]
fn a_requested_intermediate_splits_the_region() {
    support::within(Duration::from_mins(1), || {
        let (a, b) = (Lazy::new(data(500, 1.0)), Lazy::new(data(500, 2.0)));
        let s = &a + &b;
        let t = &s * &s;
        let u = &t - &a;
        let v = &u * &b;
        // Asking for `s` and `v`: `s` is materialised on its own (a region of one is no
        // region), and `t`, `u` fuse into `v`'s pass.
        let graph = Graph::of(&(&s, &v));
        let [region] = graph.regions() else {
            panic!("one region: {:?}", graph.regions());
        };
        let names = member_names(&graph, &region.members);
        assert_eq!(names.len(), 3, "{names:?}");
        assert!(
            names[0].starts_with("mul") && names[2].starts_with("mul"),
            "{names:?}"
        );
        assert!(names[1].starts_with("sub"), "{names:?}");
        let (s_value, v_value) = strict((&s, &v));
        let (x, y) = (data(500, 1.0), data(500, 2.0));
        assert_eq!(s_value, &x + &y);
        assert_eq!(v_value, ((&x + &y) * (&x + &y) - &x) * &y);
        let after = Graph::of(&(&s, &v));
        let [ran] = after.regions() else {
            panic!("one region ran: {:?}", after.regions());
        };
        assert!(ran.ran);
        assert_eq!(ran.members, region.members);
    });
}

#[test]
fn the_report_lists_the_fused_passes() {
    support::within(Duration::from_mins(1), || {
        let top = h(data(300, 3.0), data(300, 5.0));
        strict(&top);
        let html = Report::new("regions")
            .renderer(Renderer::InProcess)
            .graph("h", &top.graph())
            .to_html();
        assert_eq!(html.matches("<li class=\"region\">").count(), 1, "{html}");
        assert!(
            html.contains("1: fused pass of 3 operations (ran)"),
            "{html}"
        );
    });
}
