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
