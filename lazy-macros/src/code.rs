//! Code fingerprints: a digest of an annotated function's signature and body tokens and its
//! `cache` salt, which the runtime extends with the crate's name and version. Values stored
//! in the disk cache are keyed with the fingerprints of every annotated function they were
//! computed through, so editing one of them misses its stored values (`docs/caching.md`).
//!
//! The digest is of the tokens, not their text: spacing, comments and attributes (doc
//! comments among them) do not change it; any other edit does.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ItemFn;

/// The fingerprint of `item` with `salt`, as 64 hexadecimal digits.
pub(crate) fn of_function(item: &ItemFn, salt: &str) -> String {
    let mut hasher = blake3::Hasher::new_derive_key("lazy-macros function tokens v1");
    hash_tokens(&mut hasher, item.sig.to_token_stream());
    hash_tokens(&mut hasher, item.block.to_token_stream());
    hasher.update(&[0xff]);
    hasher.update(&(salt.len() as u64).to_le_bytes());
    hasher.update(salt.as_bytes());
    hasher.finalize().to_hex().to_string()
}

/// The digest of a closure's tokens, as 16 hexadecimal digits: part of the name of the node
/// it runs in, so that closures written alike fold and closures written differently never
/// do. Like a function's fingerprint, spacing and comments do not change it.
pub(crate) fn of_closure(tokens: TokenStream) -> String {
    let mut hasher = blake3::Hasher::new_derive_key("lazy-macros closure tokens v1");
    hash_tokens(&mut hasher, tokens);
    let mut hex = hasher.finalize().to_hex().to_string();
    hex.truncate(16);
    hex
}

/// Feeds `tokens` to `hasher`, each token tagged with its kind so that no two token
/// sequences feed the same bytes.
fn hash_tokens(hasher: &mut blake3::Hasher, tokens: TokenStream) {
    for token in tokens {
        match token {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => (b'(', b')'),
                    Delimiter::Brace => (b'{', b'}'),
                    Delimiter::Bracket => (b'[', b']'),
                    Delimiter::None => (b'<', b'>'),
                };
                hasher.update(&[b'g', open]);
                hash_tokens(hasher, group.stream());
                hasher.update(&[b'g', close]);
            }
            TokenTree::Ident(ident) => text(hasher, b'i', &ident.to_string()),
            TokenTree::Punct(punct) => {
                let joint = u8::from(punct.spacing() == Spacing::Joint);
                let mut buf = [0; 4];
                text(hasher, b'p', punct.as_char().encode_utf8(&mut buf));
                hasher.update(&[joint]);
            }
            TokenTree::Literal(literal) => text(hasher, b'l', &literal.to_string()),
        }
    }
}

fn text(hasher: &mut blake3::Hasher, kind: u8, text: &str) {
    hasher.update(&[kind]);
    hasher.update(&(text.len() as u64).to_le_bytes());
    hasher.update(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use syn::parse_quote;

    use quote::quote;

    use super::{of_closure, of_function};

    #[test]
    fn closures_written_alike_share_a_digest() {
        let digest = of_closure(quote!(|x| x * 2.0));
        assert_eq!(digest.len(), 16);
        assert_eq!(digest, of_closure(quote!(|x| x * 2.0)));
        assert_ne!(digest, of_closure(quote!(|x| x * 3.0)));
        assert_ne!(digest, of_closure(quote!(move |x| x * 2.0)));
    }

    #[test]
    fn the_body_and_the_salt_change_the_fingerprint_and_docs_and_spacing_do_not() {
        let base: syn::ItemFn = parse_quote! { fn f(x: i64) -> i64 { x + 1 } };
        let respaced: syn::ItemFn = parse_quote! {
            /// Documented now.
            #[inline]
            fn f(x: i64)   ->   i64 {
                x+1
            }
        };
        let edited: syn::ItemFn = parse_quote! { fn f(x: i64) -> i64 { x + 2 } };
        let retyped: syn::ItemFn = parse_quote! { fn f(x: i32) -> i64 { x + 1 } };
        let fp = of_function(&base, "");
        assert_eq!(fp.len(), 64);
        assert_eq!(fp, of_function(&respaced, ""));
        assert_ne!(fp, of_function(&edited, ""));
        assert_ne!(fp, of_function(&retyped, ""));
        assert_ne!(fp, of_function(&base, "v2"));
    }
}
