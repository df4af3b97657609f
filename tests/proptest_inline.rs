//! Random expression trees, built through `#[autodask(inline)]` functions, give exactly the
//! eager result, and their graph has one node per distinct subexpression: folding finds
//! every shared subtree and never merges two different ones. Some operations run closures,
//! which fold when they are written alike, in two functions too, and never otherwise.

use std::collections::HashMap;

use lazy::{Lazy, autodask, strict};
use proptest::prelude::*;

// One inlined function per operation; a tree node is a call, so every graph node below
// comes from a rewritten body.
#[autodask(inline)]
fn add(a: i64, b: i64) -> i64 {
    a.wrapping_add(b)
}

#[autodask(inline)]
fn mul(a: i64, b: i64) -> i64 {
    a.wrapping_mul(b)
}

#[autodask(inline)]
fn xor(a: i64, b: i64) -> i64 {
    a ^ b
}

/// A plain function given a closure: a call node over `a` and what the closure captures.
fn apply_to(a: i64, f: impl Fn(i64) -> i64) -> i64 {
    f(a)
}

/// A method given a closure.
trait Pipe: Sized {
    fn pipe(self, f: impl FnOnce(Self) -> Self) -> Self;
}

impl Pipe for i64 {
    fn pipe(self, f: impl FnOnce(i64) -> i64) -> i64 {
        f(self)
    }
}

#[autodask(inline)]
fn shift(a: i64, c: i64) -> i64 {
    apply_to(a, |v| v.wrapping_add(c))
}

#[autodask(inline)]
fn scale(a: i64, c: i64) -> i64 {
    a.pipe(|v| v.wrapping_mul(c))
}

/// The same body as `scale`: its nodes are `scale`'s.
#[autodask(inline)]
fn scale_again(a: i64, c: i64) -> i64 {
    a.pipe(|v| v.wrapping_mul(c))
}

/// `scale`'s closure with the captured value on the other side: a different closure.
#[autodask(inline)]
fn scale_flipped(a: i64, c: i64) -> i64 {
    a.pipe(|v| c.wrapping_mul(v))
}

#[autodask(inline)]
fn fadd(a: f64, b: f64) -> f64 {
    a + b
}

#[autodask(inline)]
fn fmul(a: f64, b: f64) -> f64 {
    a * b
}

#[autodask(inline)]
fn fneg(a: f64) -> f64 {
    -a
}

#[derive(Clone, Debug)]
enum Tree<T> {
    Leaf(T),
    /// Operation index into the test's table, and its operands.
    Op(usize, Vec<Tree<T>>),
}

/// A tree over a few small leaf values, so subtrees repeat and folding has work to do.
fn tree<T: Clone + std::fmt::Debug + 'static>(
    leaf: impl Strategy<Value = T> + 'static,
    arities: &'static [usize],
) -> impl Strategy<Value = Tree<T>> {
    leaf.prop_map(Tree::Leaf)
        .prop_recursive(6, 64, 2, move |inner| {
            (0..arities.len()).prop_flat_map(move |op| {
                prop::collection::vec(inner.clone(), arities[op])
                    .prop_map(move |kids| Tree::Op(op, kids))
            })
        })
}

/// The number of distinct subexpressions: leaves by value, operations by operator and
/// operands (hash-consing, as the runtime does it).
/// Operations that run the same code share an entry of `same_as`, the first of them.
fn distinct<T, K: std::hash::Hash + Eq>(
    tree: &Tree<T>,
    key: &impl Fn(&T) -> K,
    same_as: &[usize],
    seen: &mut HashMap<(Option<K>, usize, Vec<usize>), usize>,
) -> usize {
    let id = match tree {
        Tree::Leaf(v) => (Some(key(v)), 0, Vec::new()),
        Tree::Op(op, kids) => (
            None,
            same_as.get(*op).copied().unwrap_or(*op) + 1,
            kids.iter()
                .map(|k| distinct(k, key, same_as, seen))
                .collect(),
        ),
    };
    let next = seen.len();
    *seen.entry(id).or_insert(next)
}

fn count_distinct<T, K: std::hash::Hash + Eq>(tree: &Tree<T>, key: impl Fn(&T) -> K) -> usize {
    count_distinct_as(tree, key, &[])
}

fn count_distinct_as<T, K: std::hash::Hash + Eq>(
    tree: &Tree<T>,
    key: impl Fn(&T) -> K,
    same_as: &[usize],
) -> usize {
    let mut seen = HashMap::new();
    distinct(tree, &key, same_as, &mut seen);
    seen.len()
}

fn lazy_int(tree: &Tree<i64>) -> Lazy<i64> {
    match tree {
        Tree::Leaf(v) => Lazy::new(*v),
        Tree::Op(op, kids) => {
            let (a, b) = (lazy_int(&kids[0]), lazy_int(&kids[1]));
            [add, mul, xor][*op](a, b)
        }
    }
}

fn eager_int(tree: &Tree<i64>) -> i64 {
    match tree {
        Tree::Leaf(v) => *v,
        Tree::Op(op, kids) => {
            let (a, b) = (eager_int(&kids[0]), eager_int(&kids[1]));
            [i64::wrapping_add, i64::wrapping_mul, |a: i64, b: i64| a ^ b][*op](a, b)
        }
    }
}

/// The closure operations after the three of `lazy_int`: `shift`, `scale`, `scale_again`
/// (the same code as `scale`) and `scale_flipped`.
const CLOSURE_OPS_SAME_AS: [usize; 7] = [0, 1, 2, 3, 4, 4, 6];

fn lazy_with_closures(tree: &Tree<i64>) -> Lazy<i64> {
    match tree {
        Tree::Leaf(v) => Lazy::new(*v),
        Tree::Op(op, kids) => {
            let (a, b) = (lazy_with_closures(&kids[0]), lazy_with_closures(&kids[1]));
            [add, mul, xor, shift, scale, scale_again, scale_flipped][*op](a, b)
        }
    }
}

fn eager_with_closures(tree: &Tree<i64>) -> i64 {
    match tree {
        Tree::Leaf(v) => *v,
        Tree::Op(op, kids) => {
            let (a, b) = (eager_with_closures(&kids[0]), eager_with_closures(&kids[1]));
            match op {
                0 | 3 => a.wrapping_add(b),
                1 | 4 | 5 | 6 => a.wrapping_mul(b),
                _ => a ^ b,
            }
        }
    }
}

fn lazy_float(tree: &Tree<f64>) -> Lazy<f64> {
    match tree {
        Tree::Leaf(v) => Lazy::new(*v),
        Tree::Op(0, kids) => fadd(lazy_float(&kids[0]), lazy_float(&kids[1])),
        Tree::Op(1, kids) => fmul(lazy_float(&kids[0]), lazy_float(&kids[1])),
        Tree::Op(_, kids) => fneg(lazy_float(&kids[0])),
    }
}

fn eager_float(tree: &Tree<f64>) -> f64 {
    match tree {
        Tree::Leaf(v) => *v,
        Tree::Op(0, kids) => eager_float(&kids[0]) + eager_float(&kids[1]),
        Tree::Op(1, kids) => eager_float(&kids[0]) * eager_float(&kids[1]),
        Tree::Op(_, kids) => -eager_float(&kids[0]),
    }
}

proptest! {
    #[test]
    fn integer_trees_equal_eager_and_fold_every_shared_subtree(tree in tree(-3_i64..4, &[2, 2, 2])) {
        let result = lazy_int(&tree);
        prop_assert_eq!(result.graph().node_count(), count_distinct(&tree, |v| *v));
        prop_assert_eq!(strict(&result), eager_int(&tree));
    }

    #[test]
    fn trees_with_closures_fold_exactly_the_closures_written_alike(tree in tree(-3_i64..4, &[2; 7])) {
        let result = lazy_with_closures(&tree);
        prop_assert_eq!(
            result.graph().node_count(),
            count_distinct_as(&tree, |v| *v, &CLOSURE_OPS_SAME_AS)
        );
        prop_assert_eq!(strict(&result), eager_with_closures(&tree));
    }

    #[test]
    fn float_trees_equal_eager_bit_for_bit(tree in tree(prop::sample::select(vec![0.5_f64, -1.0, 2.0, 0.1]), &[2, 2, 1])) {
        let result = lazy_float(&tree);
        prop_assert_eq!(result.graph().node_count(), count_distinct(&tree, |v: &f64| v.to_bits()));
        prop_assert_eq!(strict(&result).to_bits(), eager_float(&tree).to_bits());
    }
}
