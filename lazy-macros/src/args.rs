//! The whole argument grammar of both attributes, as one [`Args`] value.
//!
//! ```text
//! #[lazy]            #[lazy(impure)]       #[lazy(spin)]      #[lazy(no_memo)]
//! #[autodask]        #[autodask(inline)]   #[autodask(no_memo)]
//! #[lazy(cache)]     #[lazy(cache(auto))]  #[lazy(cache(salt = "v2"))]   #[autodask(cache)]
//! ```
//!
//! Unknown keys and duplicates are errors; a misspelt key gets a suggestion.

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;

use crate::error::{bail, suggest};

/// Which attribute is being expanded; errors name it as the user wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Macro {
    Lazy,
    Autodask,
}

impl Macro {
    /// The attribute as written, for error messages: `#[lazy]`.
    pub(crate) fn attr(self) -> &'static str {
        match self {
            Macro::Lazy => "#[lazy]",
            Macro::Autodask => "#[autodask]",
        }
    }

    /// The arguments this attribute accepts.
    fn accepted(self) -> &'static [&'static str] {
        match self {
            Macro::Lazy => &["impure", "spin", "no_memo", "cache"],
            Macro::Autodask => &["inline", "no_memo", "cache"],
        }
    }
}

/// The parsed arguments of one attribute.
#[derive(Debug)]
pub(crate) struct Args {
    pub(crate) attr: Macro,
    /// `#[autodask(inline)]`: splice the body into callers' graphs.
    pub(crate) inline: Option<Span>,
    /// `#[lazy(impure)]`: every call is a fresh node, never folded.
    pub(crate) impure: Option<Span>,
    /// `#[lazy(spin)]`: the function polls, and receives a `&Spin` handle first.
    pub(crate) spin: Option<Span>,
    /// `no_memo`: released values are not kept in the memo store.
    pub(crate) no_memo: Option<Span>,
    /// `cache`: values are stored in the program's disk cache.
    pub(crate) cache: Option<Cache>,
}

/// `cache`, `cache(auto)`, `cache(salt = "…")`, `cache(auto, salt = "…")`.
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    pub(crate) span: Span,
    /// Store a value only when computing it took longer than reading it back would.
    pub(crate) auto: bool,
    /// Part of the code fingerprint: changing it misses the function's stored values.
    pub(crate) salt: String,
}

impl Args {
    pub(crate) fn parse(attr: Macro, tokens: TokenStream) -> syn::Result<Args> {
        let mut args = Args {
            attr,
            inline: None,
            impure: None,
            spin: None,
            no_memo: None,
            cache: None,
        };
        syn::meta::parser(|meta| args.parse_one(&meta)).parse2(tokens)?;
        if let Some(cache) = &args.cache {
            let conflict = if args.inline.is_some() {
                Some(
                    "`cache` cannot be combined with `inline`: an inlined function has no node of its own to store; mark the functions it calls, or drop `inline`",
                )
            } else if args.impure.is_some() {
                Some(
                    "`cache` cannot be combined with `impure`: an impure call may give another value in the next run, so its values are never stored",
                )
            } else if args.spin.is_some() {
                Some(
                    "`cache` cannot be combined with `spin`: a spin task waits on the world outside the graph, so its values are never stored",
                )
            } else {
                None
            };
            if let Some(message) = conflict {
                return Err(syn::Error::new(cache.span, message));
            }
        }
        if let Some(span) = args.no_memo {
            if args.inline.is_some() {
                return Err(syn::Error::new(
                    span,
                    "`no_memo` has no effect with `inline`: an inlined function has no node of its own, so there is no value to keep",
                ));
            }
            if args.impure.is_some() {
                return Err(syn::Error::new(
                    span,
                    "`no_memo` has no effect with `impure`: an impure call is never reused, so its value is never kept",
                ));
            }
        }
        Ok(args)
    }

    /// Whether the body is rewritten into graph-building code.
    pub(crate) fn is_inline(&self) -> bool {
        self.inline.is_some()
    }

    /// The attribute as the user wrote it, arguments included, for error messages.
    pub(crate) fn attr_as_written(&self) -> &'static str {
        match (self.attr, self.inline.is_some(), self.impure.is_some()) {
            (Macro::Autodask, true, _) => "#[autodask(inline)]",
            (Macro::Lazy, _, true) => "#[lazy(impure)]",
            (Macro::Lazy, _, false) if self.spin.is_some() => "#[lazy(spin)]",
            (attr, ..) => attr.attr(),
        }
    }

    fn parse_one(&mut self, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        let attr = self.attr.attr();
        let accepted = self.attr.accepted();
        let Some(ident) = meta.path.get_ident() else {
            bail!(
                meta.path,
                "unknown argument to {attr}; expected {}",
                list(accepted)
            );
        };
        let name = ident.to_string();
        if name == "cache" {
            return self.parse_cache(ident, meta);
        }
        if name == "persist" {
            bail!(
                ident,
                "to store values on disk, write {}; `persist` is the name of `Lazy::persist`, which pins one value in memory",
                attr.replace(']', "(cache)]")
            );
        }
        let slot = match (self.attr, name.as_str()) {
            (Macro::Autodask, "inline") => &mut self.inline,
            (Macro::Lazy, "impure") => &mut self.impure,
            (Macro::Lazy, "spin") => &mut self.spin,
            (_, "no_memo") => &mut self.no_memo,
            _ => match suggest(&name, accepted) {
                Some(close) => bail!(
                    ident,
                    "unknown argument `{name}` to {attr}; did you mean `{close}`?"
                ),
                None => bail!(
                    ident,
                    "unknown argument `{name}` to {attr}; expected {}",
                    list(accepted)
                ),
            },
        };
        if slot.is_some() {
            bail!(ident, "duplicate argument `{name}` to {attr}");
        }
        if meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren) {
            bail!(
                ident,
                "`{name}` takes no value: write {}",
                attr.replace(']', &format!("({name})]"))
            );
        }
        *slot = Some(ident.span());
        Ok(())
    }
}

impl Args {
    /// `cache`, with its optional list: `auto` and `salt = "…"`.
    fn parse_cache(&mut self, ident: &syn::Ident, meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
        let attr = self.attr.attr();
        if self.cache.is_some() {
            bail!(ident, "duplicate argument `cache` to {attr}");
        }
        let mut cache = Cache {
            span: ident.span(),
            auto: false,
            salt: String::new(),
        };
        if meta.input.peek(syn::Token![=]) {
            bail!(
                ident,
                "`cache` takes a list, not a value: write `cache`, `cache(auto)` or `cache(salt = \"v2\")`"
            );
        }
        if meta.input.peek(syn::token::Paren) {
            let (mut auto, mut salt) = (false, false);
            meta.parse_nested_meta(|inner| {
                if inner.path.is_ident("auto") {
                    if auto {
                        bail!(inner.path, "duplicate `auto` in `cache(…)`");
                    }
                    auto = true;
                    cache.auto = true;
                    Ok(())
                } else if inner.path.is_ident("salt") {
                    if salt {
                        bail!(inner.path, "duplicate `salt` in `cache(…)`");
                    }
                    salt = true;
                    let value: syn::LitStr = inner.value()?.parse().map_err(|e| {
                        syn::Error::new(e.span(), "the salt is a string: `salt = \"v2\"`")
                    })?;
                    cache.salt = value.value();
                    Ok(())
                } else {
                    bail!(
                        inner.path,
                        "unknown argument to `cache(…)`; expected `auto` or `salt = \"…\"`"
                    )
                }
            })?;
        }
        self.cache = Some(cache);
        Ok(())
    }
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`".
fn list(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn parse(attr: Macro, tokens: TokenStream) -> Result<Args, String> {
        Args::parse(attr, tokens).map_err(|e| e.to_string())
    }

    #[test]
    fn accepts_inline_and_impure() {
        assert!(
            parse(Macro::Autodask, quote!(inline))
                .unwrap()
                .inline
                .is_some()
        );
        assert!(parse(Macro::Lazy, quote!(impure)).unwrap().impure.is_some());
        assert!(parse(Macro::Lazy, quote!(spin)).unwrap().spin.is_some());
        let plain = parse(Macro::Autodask, quote!()).unwrap();
        assert!(plain.inline.is_none() && plain.impure.is_none());
    }

    #[test]
    fn misspelt_argument_is_an_error_with_a_suggestion() {
        assert_eq!(
            parse(Macro::Autodask, quote!(inlne)).unwrap_err(),
            "unknown argument `inlne` to #[autodask]; did you mean `inline`?"
        );
        assert_eq!(
            parse(Macro::Lazy, quote!(inline)).unwrap_err(),
            "unknown argument `inline` to #[lazy]; expected `impure`, `spin`, `no_memo` or `cache`"
        );
    }

    #[test]
    fn cache_takes_auto_and_a_salt() {
        let plain = parse(Macro::Lazy, quote!(cache)).unwrap().cache.unwrap();
        assert!(!plain.auto && plain.salt.is_empty());
        let full = parse(Macro::Autodask, quote!(cache(auto, salt = "v2")))
            .unwrap()
            .cache
            .unwrap();
        assert!(full.auto);
        assert_eq!(full.salt, "v2");
        assert_eq!(
            parse(Macro::Lazy, quote!(cache(salt = 2))).unwrap_err(),
            "the salt is a string: `salt = \"v2\"`"
        );
        assert_eq!(
            parse(Macro::Lazy, quote!(cache(fast))).unwrap_err(),
            "unknown argument to `cache(…)`; expected `auto` or `salt = \"…\"`"
        );
        assert!(
            parse(Macro::Lazy, quote!(persist))
                .unwrap_err()
                .starts_with("to store values on disk, write #[lazy(cache)]")
        );
        assert!(
            parse(Macro::Lazy, quote!(impure, cache))
                .unwrap_err()
                .starts_with("`cache` cannot be combined with `impure`")
        );
        assert!(
            parse(Macro::Autodask, quote!(inline, cache))
                .unwrap_err()
                .starts_with("`cache` cannot be combined with `inline`")
        );
    }

    #[test]
    fn duplicates_and_values_are_errors() {
        assert_eq!(
            parse(Macro::Autodask, quote!(inline, inline)).unwrap_err(),
            "duplicate argument `inline` to #[autodask]"
        );
        assert_eq!(
            parse(Macro::Autodask, quote!(inline = true)).unwrap_err(),
            "`inline` takes no value: write #[autodask(inline)]"
        );
    }
}
