//! Expansion snapshots: each case is expanded, pretty-printed with prettyplease and compared
//! with `tests/snapshots/<case>.rs`. Refresh with `UPDATE_EXPECT=1 cargo test -p lazy-macros`
//! and review the diff as code.
//!
//! Compiled into the library's unit tests (see `src/lib.rs`), so it calls the `proc_macro2`
//! entry point directly; no `cargo expand` and no nightly toolchain needed.

use expect_test::{ExpectFile, expect_file};
use proc_macro2::TokenStream;
use quote::quote;

use crate::args::Macro;

/// Expands `item` and compares it with the snapshot, which carries the source as a
/// comment above the expansion.
fn check(attr: Macro, args: TokenStream, item: TokenStream, expected: &ExpectFile) {
    let source = source_comment(attr, &args, &item);
    let tokens = crate::entry::expand(attr, args, item);
    let file: syn::File = syn::parse2(tokens).expect("the expansion is a valid file");
    expected.assert_eq(&format!("{source}\n{}", prettyplease::unparse(&file)));
}

/// `// Source:` and the annotated item, pretty-printed, each line a comment.
fn source_comment(attr: Macro, args: &TokenStream, item: &TokenStream) -> String {
    let name = match attr {
        Macro::Lazy => quote!(lazy),
        Macro::Autodask => quote!(autodask),
    };
    let attribute = if args.is_empty() {
        quote!(#[#name])
    } else {
        quote!(#[#name(#args)])
    };
    let file: syn::File =
        syn::parse2(quote!(#attribute #item)).expect("the source is a valid file");
    let mut comment = String::from("// Source:\n//\n");
    for line in prettyplease::unparse(&file).lines() {
        comment.push_str(if line.is_empty() { "//" } else { "// " });
        comment.push_str(line);
        comment.push('\n');
    }
    comment.push_str("//\n// Expansion:");
    comment
}

#[test]
fn lazy_mul() {
    check(
        Macro::Lazy,
        quote!(),
        quote! {
            /// Multiplies, lazily.
            pub fn mul(x: i64, y: i64) -> i64 { x * y }
        },
        &expect_file!["snapshots/lazy_mul.rs"],
    );
}

#[test]
fn lazy_cache() {
    check(
        Macro::Lazy,
        quote!(cache(auto, salt = "v2")),
        quote! {
            /// Loads, once per program version.
            pub fn load(n: u64) -> Vec<f64> { (0..n).map(|i| i as f64).collect() }
        },
        &expect_file!["snapshots/lazy_cache.rs"],
    );
}

#[test]
fn lazy_generic() {
    check(
        Macro::Lazy,
        quote!(),
        quote! {
            fn square<T: ::core::ops::Mul<Output = T> + Copy>(x: T) -> T { x * x }
        },
        &expect_file!["snapshots/lazy_generic.rs"],
    );
}

#[test]
fn lazy_impure() {
    check(
        Macro::Lazy,
        quote!(impure),
        quote! {
            fn log(message: String) { eprintln!("{message}") }
        },
        &expect_file!["snapshots/lazy_impure.rs"],
    );
}

#[test]
fn lazy_spin() {
    check(
        Macro::Lazy,
        quote!(spin),
        quote! {
            fn receive(t: &lazy::Spin, id: u32) -> u32 {
                for () in t.spin() { if ready(id) { break } }
                id
            }
        },
        &expect_file!["snapshots/lazy_spin.rs"],
    );
}

#[test]
fn lazy_patterns() {
    check(
        Macro::Lazy,
        quote!(),
        quote! {
            fn area((w, h): (f64, f64), mut scale: f64) -> f64 { scale *= 2.0; w * h * scale }
        },
        &expect_file!["snapshots/lazy_patterns.rs"],
    );
}

#[test]
fn lazy_method() {
    check(
        Macro::Lazy,
        quote!(),
        quote! {
            fn scaled<const N: usize>(mut self, k: f64) -> Self { self.0 *= k * N as f64; self }
        },
        &expect_file!["snapshots/lazy_method.rs"],
    );
}

#[test]
fn autodask_opaque() {
    check(
        Macro::Autodask,
        quote!(),
        quote! {
            fn total(xs: Vec<i64>) -> i64 {
                let mut sum = 0;
                for x in xs { sum += x; }
                sum
            }
        },
        &expect_file!["snapshots/autodask_opaque.rs"],
    );
}

#[test]
fn daisy_f() {
    check(
        Macro::Autodask,
        quote!(inline),
        quote! { fn f(a: Arr, b: Arr) -> Arr { a + b } },
        &expect_file!["snapshots/daisy_f.rs"],
    );
}

#[test]
fn daisy_g() {
    check(
        Macro::Autodask,
        quote!(inline),
        quote! { fn g(a: Arr, b: Arr) -> Arr { f(f(a, b), f(a, b)) } },
        &expect_file!["snapshots/daisy_g.rs"],
    );
}

#[test]
fn daisy_g2() {
    check(
        Macro::Autodask,
        quote!(inline),
        quote! { fn g2(a: Arr, b: Arr) -> Arr { a + b + 1 } },
        &expect_file!["snapshots/daisy_g2.rs"],
    );
}

#[test]
fn daisy_h() {
    check(
        Macro::Autodask,
        quote!(inline),
        quote! { fn h(a: Arr, b: Arr) -> Arr { f(a, b) + g2(a, b) } },
        &expect_file!["snapshots/daisy_h.rs"],
    );
}

#[test]
fn inline_rewrite_rules() {
    check(
        Macro::Autodask,
        quote!(inline),
        quote! {
            fn shapes(p: Point, xs: Vec<f64>, n: usize, flag: bool) -> (f64, Point) {
                let d = (p.x * p.x + p.y * p.y).sqrt();
                let first = xs[0] as f64;
                let q = Point { x: -p.x, y: d };
                let picked = if flag && n > 2 { first } else { d / 2.0 };
                let mut total = picked;
                total += vec![1.0, 2.0][n % 2];
                let pair = [total, picked];
                (pair[1] - norm(q), Point { x: total, ..q })
            }
        },
        &expect_file!["snapshots/inline_rewrite_rules.rs"],
    );
}

/// A generic function's methods are keyed with its instance, and a block that declares
/// items with that block too (`docs/semantics.md`, "Operation identity").
#[test]
fn inline_scopes() {
    check(
        Macro::Autodask,
        quote!(inline),
        quote! {
            fn widths<T: Width, const N: usize>(x: T) -> usize {
                let own = x.width();
                let other = {
                    use other::Twist;
                    x.twist()
                };
                own + other + N
            }
        },
        &expect_file!["snapshots/inline_scopes.rs"],
    );
}

#[test]
fn inline_match() {
    check(
        Macro::Autodask,
        quote!(inline),
        quote! {
            fn span(pair: (i64, i64), n: i64) -> i64 {
                let width = match pair { (0, hi) => hi, (lo, hi) => hi - lo };
                match n { 0 => width, m => width * m }
            }
        },
        &expect_file!["snapshots/inline_match.rs"],
    );
}

#[test]
fn inline_marker_enters_generic_functions() {
    check(
        Macro::Autodask,
        quote!(inline),
        quote! { fn k<T: Add<Output = T>>(a: T, b: T) -> T { inline(double)(a) + b } },
        &expect_file!["snapshots/inline_marker.rs"],
    );
}

#[test]
fn error_emits_a_lazy_stand_in() {
    check(
        Macro::Autodask,
        quote!(inlne),
        quote! { fn f(a: i64) -> i64 { a } },
        &expect_file!["snapshots/error_stand_in.rs"],
    );
}

#[test]
fn inline_borrowing_chain() {
    check(
        Macro::Autodask,
        quote!(inline),
        quote! {
            fn total(xs: Vec<i64>, s: String) -> usize {
                xs.iter().count() + s.trim().len()
            }
        },
        &expect_file!["snapshots/inline_borrowing_chain.rs"],
    );
}

#[test]
fn inline_closure() {
    check(
        Macro::Autodask,
        quote!(inline),
        quote! {
            fn shifted(xs: Vec<i64>, k: i64) -> Vec<i64> {
                let limit = k * 2;
                xs.iter().map(|x| x + k).filter(|&y| y < limit).collect()
            }
        },
        &expect_file!["snapshots/inline_closure.rs"],
    );
}

/// `examples/daisy-expanded.rs`: the daisy functions as `cargo expand` would show them, as a
/// runnable example, so the showcase expansion is compiled and cannot go stale.
#[test]
fn daisy_expanded_example() {
    let functions = [
        quote! { fn f(a: Arr, b: Arr) -> Arr { a + b } },
        quote! { fn g(a: Arr, b: Arr) -> Arr { f(f(a, b), f(a, b)) } },
        quote! { fn g2(a: Arr, b: Arr) -> Arr { a + b + 1 } },
        quote! { fn h(a: Arr, b: Arr) -> Arr { f(a, b) + g2(a, b) } },
    ];
    let expanded: TokenStream = functions
        .into_iter()
        .map(|item| crate::entry::expand(Macro::Autodask, quote!(inline), item))
        .collect();
    // `rustfmt::skip`: `cargo fmt` formats examples, and must not rewrite prettyplease's
    // output under the snapshot.
    let file: syn::File = syn::parse2(quote! {
        fn main() {
            daisy::main();
        }

        #[rustfmt::skip]
        mod daisy {
            use ndarray::Array1;

            type Arr = Array1<i64>;

            #expanded

            pub(super) fn main() {
                let arr: Arr = Array1::from_iter(0..1_000_000);
                let result = g(arr.clone(), arr.clone());
                let graph = result.graph();
                println!("g: {} nodes, {} additions", graph.node_count(), graph.count_op("add"));
                assert_eq!(::lazy::strict(result), (&arr + &arr) * 2);
                println!("h: {} additions", h(arr.clone(), arr).graph().count_op("add"));
            }
        }
    })
    .expect("the expansion is a valid file");
    let header = "\
//! `examples/daisy.rs`'s four functions as `#[autodask(inline)]` expands them: what
//! `cargo expand --example daisy` shows, pretty-printed with prettyplease. Generated by
//! `lazy-macros/tests/expand.rs` (refresh with `UPDATE_EXPECT=1 cargo test -p lazy-macros`);
//! `docs/expand.md` walks through it. Run with `cargo run --example daisy-expanded`.

";
    let text = format!("{header}{}", prettyplease::unparse(&file));
    expect_file!["../../examples/daisy-expanded.rs"].assert_eq(&text);
}
