//! Unit tests of the analysis, on `parse_quote!` input.

use proc_macro2::Span;
use syn::{ItemFn, parse_quote};

use super::*;
use crate::args::Macro;

fn inline() -> Args {
    Args {
        attr: Macro::Autodask,
        inline: Some(Span::call_site()),
        impure: None,
        spin: None,
        no_memo: None,
        cache: None,
    }
}

fn analyse(item: &ItemFn) -> Result<Block, String> {
    let args = inline();
    let function = Function::from_syn(&args, item).map_err(|e| e.to_string())?;
    match Lowering::from_function(&args, function)
        .map_err(|e| e.to_string())?
        .kind
    {
        Kind::Inline { body, .. } => Ok(body),
        Kind::Task { .. } => Err("not inlined".to_owned()),
    }
}

#[test]
fn strictness_errors_name_the_values_involved() {
    let item = parse_quote!(
        fn f(xs: Vec<i64>, n: i64) -> i64 {
            let m = n;
            for x in xs {}
            m
        }
    );
    let error = analyse(&item).unwrap_err();
    assert!(
        error.starts_with("`for` loop over lazy argument `xs` cannot be deferred"),
        "{error}"
    );
    let item = parse_quote!(
        fn f(a: i64, b: i64) -> i64 {
            let c = a;
            while (c, b) != (0, 0) {}
            c
        }
    );
    let error = analyse(&item).unwrap_err();
    assert!(
        error.starts_with("`while` loop on lazy values `c` and `b`"),
        "{error}"
    );
}

#[test]
fn lets_shadow_and_scopes_end_with_their_block() {
    let item = parse_quote!(
        fn f(a: i64) -> i64 {
            let b = {
                let a = 2;
                a
            };
            a + b
        }
    );
    let block = analyse(&item).unwrap();
    let StepKind::Binary { lhs, rhs, .. } = &block.tail.kind else {
        panic!("{:?}", block.tail)
    };
    assert!(matches!(&lhs.kind, StepKind::Local(a) if a == "a"));
    assert!(matches!(&rhs.kind, StepKind::Local(b) if b == "b"));
}

#[test]
fn constant_subexpressions_are_one_leaf() {
    let item = parse_quote!(
        fn f(a: i64) -> i64 {
            a + (40 + 2) * -1
        }
    );
    let block = analyse(&item).unwrap();
    let StepKind::Binary { rhs, .. } = &block.tail.kind else {
        panic!("{:?}", block.tail)
    };
    assert!(matches!(rhs.kind, StepKind::Leaf(_)), "{rhs:?}");
}

#[test]
fn inline_marker_and_plain_calls_are_told_apart() {
    let item = parse_quote!(
        fn f(a: i64) -> i64 {
            inline(double)(a) + g(a)
        }
    );
    let block = analyse(&item).unwrap();
    let StepKind::Binary { lhs, rhs, .. } = &block.tail.kind else {
        panic!("{:?}", block.tail)
    };
    assert!(matches!(lhs.kind, StepKind::InlineCall { .. }), "{lhs:?}");
    assert!(matches!(rhs.kind, StepKind::Call { .. }), "{rhs:?}");
}

#[test]
fn discarded_statements_are_rejected() {
    let item = parse_quote!(
        fn f(a: i64) -> i64 {
            g(a);
            a
        }
    );
    assert!(analyse(&item).unwrap_err().contains("value is discarded"));
}

#[test]
fn blocks_that_declare_items_are_numbered_in_source_order() {
    let item = parse_quote!(
        fn f(a: i64) -> i64 {
            let b = {
                use m::Twist;
                a.twist()
            };
            let c = { a + 1 };
            let d = {
                const K: i64 = 2;
                a * K
            };
            b + c + d
        }
    );
    let block = analyse(&item).unwrap();
    assert_eq!(block.items, None);
    let numbers: Vec<Option<u32>> = block
        .stmts
        .iter()
        .map(|stmt| match stmt {
            Stmt::Let { init, .. } => match &init.kind {
                StepKind::Block(inner) => inner.items,
                other => panic!("{other:?}"),
            },
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(numbers, [Some(1), None, Some(2)]);
}

#[test]
fn only_plain_functions_without_items_are_keyed_by_module() {
    let scope = |item: &ItemFn| {
        let function = Function::from_syn(&inline(), item).unwrap();
        match Lowering::from_function(&inline(), function).unwrap().kind {
            Kind::Inline { names, .. } => names,
            Kind::Task { .. } => panic!("not inlined"),
        }
    };
    assert_eq!(
        scope(&parse_quote!(
            fn f(a: i64) -> i64 {
                a.abs()
            }
        )),
        NameScope::Module
    );
    assert_eq!(
        scope(&parse_quote!(
            fn f<T: Tr>(a: T) -> i64 {
                a.m()
            }
        )),
        NameScope::Function
    );
    assert_eq!(
        scope(&parse_quote!(
            fn f(a: i64) -> i64
            where
                i64: Tr,
            {
                a.m()
            }
        )),
        NameScope::Function
    );
    assert_eq!(
        scope(&parse_quote!(
            fn f(a: i64) -> i64 {
                {
                    use m::Tr;
                    a.m()
                }
            }
        )),
        NameScope::Function
    );
}

#[test]
fn an_item_name_used_twice_is_rejected() {
    let item = parse_quote!(
        fn f(a: i64) -> i64 {
            let b = {
                struct S;
                a
            };
            let c = {
                struct S;
                a
            };
            b + c
        }
    );
    let error = analyse(&item).unwrap_err();
    assert!(error.starts_with("`S` is declared twice"), "{error}");
    let uses = parse_quote!(
        fn f(a: i64) -> i64 {
            let b = {
                use m::Tr;
                a.m()
            };
            let c = {
                use m::Tr;
                a.m()
            };
            b + c
        }
    );
    assert!(analyse(&uses).is_ok(), "a `use` adds no path of its own");
}

/// The captures of the closure given to the body's final method call.
fn closure_captures(item: &ItemFn) -> Result<Vec<String>, String> {
    let block = analyse(item)?;
    let StepKind::Method { calls, .. } = &block.tail.kind else {
        panic!("{:?}", block.tail)
    };
    let closure = calls
        .iter()
        .flat_map(|call| &call.args)
        .find_map(|arg| match arg {
            Arg::Closure(closure) => Some(closure),
            Arg::Value(_) => None,
        })
        .expect("a closure argument");
    Ok(closure.captures.iter().map(ToString::to_string).collect())
}

#[test]
fn a_closure_captures_the_lazy_names_it_uses_and_not_its_own() {
    let item = parse_quote!(
        fn f(xs: Vec<i64>, k: i64, n: i64, unit: String) -> Vec<String> {
            let m = n;
            xs.iter()
                .map(|x| {
                    let n = x + k;
                    let y = [1].iter().map(|k| k + n).sum::<i64>();
                    format!("{y}{unit}{}", m)
                })
                .collect()
        }
    );
    assert_eq!(closure_captures(&item).unwrap(), ["k", "unit", "m"]);
}

#[test]
fn a_closure_that_changes_a_capture_is_rejected_and_one_that_changes_its_own_local_is_not() {
    let item = parse_quote!(
        fn f(xs: Vec<i64>, k: i64) -> Vec<i64> {
            xs.iter()
                .map(|x| {
                    k.0 = 1;
                    x + k
                })
                .collect()
        }
    );
    let error = closure_captures(&item).unwrap_err();
    assert!(error.contains("cannot change `k`"), "{error}");
    let item = parse_quote!(
        fn f(xs: Vec<i64>, k: i64) -> Vec<i64> {
            xs.iter()
                .map(|x| {
                    let mut k = *x;
                    k += 1;
                    k
                })
                .collect()
        }
    );
    assert!(closure_captures(&item).unwrap().is_empty());
}

#[test]
fn names_in_a_macro_that_cannot_be_variables_are_not_captures() {
    let item = parse_quote!(
        fn f(ps: Vec<P>, k: i64, n: i64, m: i64) -> Vec<String> {
            ps.iter()
                .map(|p| format!("{}{}{}", p.k, n!(), m::X))
                .collect()
        }
    );
    assert!(closure_captures(&item).unwrap().is_empty());
}
