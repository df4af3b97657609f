//! Each rewrite rule of `#[autodask(inline)]`, checked against the eager function: the same
//! body is compiled twice, once rewritten and once as plain Rust, and both run on the same
//! inputs. Graph shapes are asserted where a rule promises one (a `let` used twice is one
//! node, a method call folds across functions, a lazy `if` runs only the taken branch).

#![allow(
    clippy::float_cmp,
    reason = "lazy and eager run the same float operations in the same order: results are bit-identical"
)]

use std::sync::atomic::{AtomicUsize, Ordering};

use lazy::{Lazy, autodask, strict};

/// Defines `$lazy` with `#[autodask(inline)]` and `$eager` as plain Rust, from one body.
macro_rules! both {
    ($(fn $lazy:ident / $eager:ident ($($p:ident: $t:ty),*) -> $r:ty $body:block)*) => {$(
        #[autodask(inline)]
        fn $lazy($($p: $t),*) -> $r $body

        #[allow(clippy::all, clippy::pedantic, reason = "the eager twin of a test body")]
        fn $eager($($p: $t),*) -> $r $body
    )*};
}

#[derive(Clone, Debug, PartialEq)]
struct Point {
    x: f64,
    y: f64,
}

#[allow(
    clippy::needless_pass_by_value,
    reason = "deferred plain callees take their inputs by value"
)]
fn norm(p: Point) -> f64 {
    p.x.hypot(p.y)
}

fn plain_double(x: i64) -> i64 {
    x * 2
}

fn twice<T: std::ops::Add<Output = T> + Clone>(x: T) -> T {
    x.clone() + x
}

both! {
    fn arithmetic / arithmetic_eager(a: i64, b: i64) -> i64 { (a + b) * (a - b) / 3 % 7 }
    fn bitwise / bitwise_eager(a: u32, b: u32) -> u32 { (a & b) | (a ^ b) << 2 >> 1 }
    fn compare / compare_eager(a: i64, b: i64) -> (bool, bool, bool, bool, bool, bool) {
        (a < b, a <= b, a > b, a >= b, a == b, a != b)
    }
    fn logic / logic_eager(a: i64, b: i64) -> bool { a > 0 && b > 0 || a == b }
    fn unary / unary_eager(a: i64, flag: bool) -> (i64, bool, i64) { (-a, !flag, !a) }
    fn literals / literals_eager(x: f64) -> (f64, i64, &'static str, char) { (x * 2.5, 40 + 2, "daisy", 'x') }
    fn bindings / bindings_eager(a: i64, b: i64) -> i64 { let s = a + b; s * s }
    fn reassign / reassign_eager(a: i64) -> i64 { let mut t = a; t += 3; t *= a; t = t - 1; t }
    fn methods / methods_eager(x: f64, y: f64) -> f64 { x.sqrt() + y.abs().powi(2) + x.max(y) }
    fn free_calls / free_calls_eager(a: i64, b: i64) -> i64 { plain_double(a) + i64::pow(b, 2) + i64::max(a, b) }
    fn generic_calls / generic_calls_eager(a: i64) -> i64 { twice(a) }
    fn tuples / tuples_eager(a: i64, b: f64) -> (i64, (f64, i64)) { let t = (a, (b, a)); (t.0 + 1, t.1) }
    fn arrays / arrays_eager(a: i64, b: i64) -> [i64; 3] { let xs = [a, b, a + b]; [xs[2], xs[0], xs[1]] }
    fn repeats / repeats_eager(a: i64) -> ([i64; 4], Vec<i64>) { ([a; 4], vec![a * 2; 3]) }
    fn vectors / vectors_eager(a: i64, b: i64, i: usize) -> i64 { let v = vec![a, b, a * b]; v[i % 3] + v.len() as i64 }
    fn structs / structs_eager(x: f64, y: f64) -> (f64, Point) {
        let p = Point { x, y: y + 1.0 };
        let q = Point { y: 0.5, ..p.clone() };
        (norm(p) + q.x, q)
    }
    fn blocks / blocks_eager(a: i64) -> i64 { let b = { let c = a * 3; c + 1 }; b * 2 }
    fn conditional / conditional_eager(a: i64, b: i64) -> i64 {
        if a > b { a - b } else if a == b { 0 } else { b - a }
    }
    fn casts / casts_eager(a: i64) -> (f64, u8) { (a as f64 / 2.0, a as u8) }
}

#[test]
fn operators_match_the_eager_function() {
    for (a, b) in [(7, 3), (-4, 9), (0, 0), (12, 12)] {
        assert_eq!(strict(arithmetic(a, b)), arithmetic_eager(a, b));
        assert_eq!(strict(compare(a, b)), compare_eager(a, b));
        assert_eq!(strict(logic(a, b)), logic_eager(a, b));
        assert_eq!(strict(unary(a, a > b)), unary_eager(a, a > b));
        assert_eq!(strict(bindings(a, b)), bindings_eager(a, b));
        assert_eq!(strict(reassign(a)), reassign_eager(a));
        assert_eq!(strict(free_calls(a, b)), free_calls_eager(a, b));
        assert_eq!(strict(generic_calls(a)), generic_calls_eager(a));
        assert_eq!(strict(arrays(a, b)), arrays_eager(a, b));
        assert_eq!(strict(repeats(a)), repeats_eager(a));
        assert_eq!(strict(blocks(a)), blocks_eager(a));
        assert_eq!(strict(conditional(a, b)), conditional_eager(a, b));
        assert_eq!(strict(casts(a)), casts_eager(a));
        let i = usize::try_from(a.unsigned_abs()).unwrap();
        assert_eq!(strict(vectors(a, b, i)), vectors_eager(a, b, i));
    }
    assert_eq!(
        strict(bitwise(0b1011, 0b0110)),
        bitwise_eager(0b1011, 0b0110)
    );
    assert_eq!(strict(literals(2.0)), literals_eager(2.0));
    assert_eq!(strict(methods(2.0, -3.0)), methods_eager(2.0, -3.0));
    assert_eq!(strict(tuples(5, 0.25)), tuples_eager(5, 0.25));
    assert_eq!(strict(structs(3.0, 3.0)), structs_eager(3.0, 3.0));
}

#[test]
fn a_bound_value_used_twice_is_one_node() {
    let result = bindings(3, 4);
    let graph = result.graph();
    assert_eq!(graph.count_op("add"), 1, "{}", graph.task_dict());
    assert_eq!(graph.count_op("mul"), 1, "{}", graph.task_dict());
    assert_eq!(strict(&result), 49);
    assert!(
        result
            .graph()
            .nodes()
            .iter()
            .all(|n| n.is_leaf || n.runs == 1)
    );
}

#[autodask(inline)]
fn root_plus_one(x: f64) -> f64 {
    x.sqrt() + 0.125
}

#[autodask(inline)]
fn root_times_two(x: f64) -> f64 {
    x.sqrt() * 1.75
}

#[autodask(inline)]
fn both_roots(x: f64) -> f64 {
    root_plus_one(x) + root_times_two(x)
}

#[test]
fn method_calls_fold_across_functions() {
    let result = both_roots(16.0);
    let graph = result.graph();
    assert_eq!(graph.count_op(".sqrt()"), 1, "{}", graph.task_dict());
    // Fold counts are per node and global: the constants are unusual so that no test
    // running in parallel folds into this graph's leaves.
    assert_eq!(graph.folds(), 1, "{}", graph.task_dict());
    assert!((strict(&result) - 11.125).abs() < 1e-12);
}

static PLAIN_RUNS: AtomicUsize = AtomicUsize::new(0);

fn counted(x: i64) -> i64 {
    PLAIN_RUNS.fetch_add(1, Ordering::SeqCst);
    x + 100
}

#[autodask(inline)]
fn counted_twice(a: i64) -> i64 {
    counted(a) * counted(a)
}

#[test]
fn plain_calls_are_deferred_and_fold() {
    let before = PLAIN_RUNS.load(Ordering::SeqCst);
    let result = counted_twice(1);
    assert_eq!(
        PLAIN_RUNS.load(Ordering::SeqCst),
        before,
        "building the graph ran nothing"
    );
    let graph = result.graph();
    assert_eq!(graph.count_op("counted"), 1, "{}", graph.task_dict());
    assert_eq!(strict(&result), 101 * 101);
    assert_eq!(PLAIN_RUNS.load(Ordering::SeqCst), before + 1);
}

#[test]
fn generic_plain_calls_are_keyed_with_their_type_arguments() {
    let graph = generic_calls(4).graph();
    let names: Vec<_> = graph.nodes().iter().map(|n| n.name).collect();
    assert!(names.iter().any(|n| n.ends_with("twice<i64>")), "{names:?}");
}

#[autodask(inline)]
fn entered(a: i64, b: i64) -> i64 {
    inline(twice)(a) + b
}

#[test]
fn inline_marker_enters_a_generic_plain_function() {
    let result = entered(5, 1);
    let graph = result.graph();
    assert_eq!(graph.count_op("twice"), 0, "{}", graph.task_dict());
    assert_eq!(graph.count_op("add"), 2, "{}", graph.task_dict());
    assert_eq!(strict(&result), 11);
}

fn must_not_run(x: i64) -> i64 {
    panic!("the branch not taken ran on {x}")
}

#[autodask(inline)]
fn guarded(a: i64) -> i64 {
    if a >= 0 { a * 2 } else { must_not_run(a) }
}

#[test]
fn lazy_if_builds_and_runs_only_the_taken_branch() {
    let result = guarded(21);
    let before = result.graph();
    // `a`, `0`, `a >= 0` and the conditional; neither branch before the condition is known.
    assert_eq!(before.nodes().len(), 4, "{}", before.task_dict());
    assert_eq!(strict(&result), 42);
    // The branch is not an input of the conditional (it is built when the conditional
    // runs), and the one not taken is never built, so never run.
    let graph = result.graph();
    assert!(
        graph
            .nodes()
            .iter()
            .all(|n| n.short_name() != "must_not_run"),
        "{}",
        graph.task_dict()
    );
}

#[autodask]
fn total(xs: Vec<i64>) -> i64 {
    let mut sum = 0;
    for x in xs {
        sum += x;
    }
    sum
}

#[autodask(inline)]
fn total_plus_one(xs: Vec<i64>) -> i64 {
    total(xs) + 1
}

#[test]
fn autodask_without_inline_is_one_opaque_node() {
    let result = total_plus_one(vec![1, 2, 3]);
    let graph = result.graph();
    assert_eq!(graph.count_op("total"), 1, "{}", graph.task_dict());
    assert_eq!(graph.task_count(), 2, "{}", graph.task_dict());
    assert_eq!(strict(&result), 7);
}

#[test]
fn lazy_and_plain_arguments_mix() {
    let a = Lazy::new(7_i64);
    assert_eq!(strict(arithmetic(&a, 3)), arithmetic_eager(7, 3));
    assert_eq!(strict(arithmetic(a.clone(), a)), arithmetic_eager(7, 7));
}

#[autodask(inline)]
fn roots(xs: ndarray::Array1<f64>) -> (ndarray::Array1<f64>, f64) {
    (xs.mapv(f64::sqrt), std::f64::consts::PI * 2.0 + xs.sum())
}

#[autodask(inline)]
fn roots_again(xs: ndarray::Array1<f64>) -> ndarray::Array1<f64> {
    xs.mapv(f64::sqrt) * 2.0
}

#[test]
fn function_paths_and_constants_are_leaves() {
    let xs = Lazy::new(ndarray::Array1::from(vec![4.0, 9.0]));
    let (root, sum) = strict(roots(&xs));
    assert_eq!(root, ndarray::Array1::from(vec![2.0, 3.0]));
    assert!((sum - (std::f64::consts::TAU + 13.0)).abs() < 1e-12);
    let both = lazy::graph(&(roots(&xs), roots_again(&xs)));
    assert_eq!(both.count_op(".mapv()"), 1, "{}", both.task_dict());
}

#[lazy::lazy]
fn cubed<T: std::ops::Mul<Output = T> + Copy>(x: T) -> T {
    x * x * x
}

#[autodask(inline)]
fn cubes_plus(a: i64, b: f64) -> (i64, f64) {
    (cubed(a) + 1, cubed(b) * 2.0)
}

#[test]
fn inlined_bodies_compose_with_generic_lazy_functions() {
    let result = cubes_plus(3, 0.5);
    let graph = result.graph();
    assert_eq!(graph.count_op("cubed"), 2, "{}", graph.task_dict());
    assert_eq!(strict(result), (28, 0.25));
}
