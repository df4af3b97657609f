//! Unit tests of the analysis, on `parse_quote!` input.

use proc_macro2::Span;
use syn::{ItemFn, parse_quote};

use super::*;
use crate::args::Macro;

fn analyse(item: &ItemFn) -> Result<Block, String> {
    let args = Args {
        attr: Macro::Autodask,
        inline: Some(Span::call_site()),
        impure: None,
        spin: None,
    };
    let function = Function::from_syn(&args, item).map_err(|e| e.to_string())?;
    match Lowering::from_function(&args, function)
        .map_err(|e| e.to_string())?
        .kind
    {
        Kind::Inline(block) => Ok(block),
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
            match (c, b) {
                _ => 0,
            }
        }
    );
    let error = analyse(&item).unwrap_err();
    assert!(
        error.starts_with("`match` on lazy values `c` and `b`"),
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
