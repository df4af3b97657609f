//! Which names in scope are lazy, and the strictness errors that name them.

use proc_macro2::{Ident, TokenStream, TokenTree};

use crate::error::err;

/// The advice every strictness error ends with.
pub(super) const INSTEAD: &str =
    "use #[autodask] without `inline`, or #[lazy], to run the body on concrete values";

/// Where a lazy name came from, for error messages.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    Argument,
    Binding,
}

/// The walk's state: the lazy names in scope, and the items the body declares.
pub(super) struct Analyser {
    /// Lazy names in scope, innermost block last.
    scopes: Vec<Vec<(String, Origin)>>,
    /// The branches of lazy `if`s being analysed, innermost last: each the number of
    /// scopes outside it, and the names bound there that it uses, in order of first use.
    branches: Vec<(usize, Vec<Ident>)>,
    /// How many blocks seen so far declare items.
    pub(super) item_blocks: u32,
    /// The names of the items declared so far that have a path of their own.
    pub(super) item_names: Vec<Ident>,
}

impl Analyser {
    /// An analyser with one scope, for the parameters.
    pub(super) fn new() -> Analyser {
        Analyser {
            scopes: vec![Vec::new()],
            branches: Vec::new(),
            item_blocks: 0,
            item_names: Vec::new(),
        }
    }

    pub(super) fn bind(&mut self, ident: &Ident, origin: Origin) {
        let scope = self
            .scopes
            .last_mut()
            .expect("bug in #[autodask]: no scope to bind in");
        scope.push((ident.to_string(), origin));
    }

    pub(super) fn lookup(&self, name: &str) -> Option<Origin> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|scope| scope.iter().rev())
            .find(|(n, _)| n == name)
            .map(|(_, o)| *o)
    }

    /// The index of the scope that binds `name`, innermost first.
    fn scope_of(&self, name: &str) -> Option<usize> {
        self.scopes
            .iter()
            .rposition(|scope| scope.iter().any(|(n, _)| n == name))
    }

    /// Records a use of the lazy local `ident`: every branch being analysed that it is
    /// bound outside of captures it.
    pub(super) fn use_local(&mut self, ident: &Ident) {
        let Some(bound_in) = self.scope_of(&ident.to_string()) else {
            return;
        };
        for (outside, captured) in &mut self.branches {
            if bound_in < *outside && !captured.iter().any(|c| c == ident) {
                captured.push(ident.clone());
            }
        }
    }

    /// Starts a branch of a lazy `if`: names bound before this are captured.
    pub(super) fn open_branch(&mut self) {
        self.branches.push((self.scopes.len(), Vec::new()));
    }

    /// Ends the branch opened last: the names it captured, in order of first use.
    pub(super) fn close_branch(&mut self) -> Vec<Ident> {
        self.branches
            .pop()
            .map(|(_, captured)| captured)
            .expect("bug in #[autodask]: a branch closed twice")
    }

    /// Whether `ident` is bound outside the innermost `if` branch being analysed: assigning
    /// to it there would change it only when that branch is taken.
    pub(super) fn bound_outside_branch(&self, ident: &Ident) -> bool {
        match (self.branches.last(), self.scope_of(&ident.to_string())) {
            (Some(&(outside, _)), Some(bound_in)) => bound_in < outside,
            _ => false,
        }
    }

    /// Whether `ident` names a lazy value here.
    pub(super) fn is_lazy(&self, ident: &Ident) -> bool {
        self.lookup(&ident.to_string()).is_some()
    }

    /// Opens a block's scope; its bindings end with [`Analyser::close_scope`].
    pub(super) fn open_scope(&mut self) {
        self.scopes.push(Vec::new());
    }

    pub(super) fn close_scope(&mut self) {
        self.scopes.pop();
    }

    /// "lazy argument `a`", "lazy values `a` and `b`": the lazy names `tokens` mentions.
    pub(super) fn involved(&self, tokens: TokenStream) -> Option<String> {
        let mut names: Vec<(String, Origin)> = Vec::new();
        self.collect(tokens, &mut names);
        let (first, rest) = names.split_first()?;
        let all_arguments = names.iter().all(|(_, o)| *o == Origin::Argument);
        let noun = if all_arguments { "argument" } else { "value" };
        let listed: Vec<String> = names.iter().map(|(n, _)| format!("`{n}`")).collect();
        Some(if rest.is_empty() {
            format!("lazy {noun} `{}`", first.0)
        } else {
            format!("lazy {noun}s {}", listed.join(" and "))
        })
    }

    fn collect(&self, tokens: TokenStream, names: &mut Vec<(String, Origin)>) {
        for tree in tokens {
            match tree {
                TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    if let Some(origin) = self.lookup(&name)
                        && !names.iter().any(|(n, _)| *n == name)
                    {
                        names.push((name, origin));
                    }
                }
                TokenTree::Group(group) => self.collect(group.stream(), names),
                _ => {}
            }
        }
    }

    /// A strictness error: `what` (naming the lazy values in `inspected`) cannot be deferred.
    pub(super) fn strict(
        &self,
        node: &dyn quote::ToTokens,
        what: &str,
        preposition: &str,
        inspected: TokenStream,
        why: &str,
    ) -> syn::Error {
        let what = match self.involved(inspected) {
            Some(names) => format!("{what} {preposition} {names}"),
            None => what.to_owned(),
        };
        err!(
            node.to_token_stream(),
            "{what} cannot be deferred by #[autodask(inline)]: {why}; {INSTEAD}"
        )
    }
}

/// The names a format string captures, `{name}` or `{name:?}`, in a string literal's text.
pub(super) fn format_names(literal: &str) -> Vec<String> {
    if !literal.starts_with('"') {
        return Vec::new();
    }
    let mut names = Vec::new();
    let mut rest = literal;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(escaped) = rest.strip_prefix('{') {
            rest = escaped;
            continue;
        }
        let end = rest.find(['}', ':']).unwrap_or(rest.len());
        let name = &rest[..end];
        let is_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_');
        if is_name {
            names.push(name.to_owned());
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::format_names;

    #[test]
    fn format_strings_name_their_captures() {
        assert_eq!(format_names(r#""{k} and {n:?}, {{x}} {0} {}""#), ["k", "n"]);
        assert!(format_names("'{'").is_empty());
    }
}
