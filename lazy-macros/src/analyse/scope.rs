//! What decides the names an operation resolves: the module, the function's generics, and
//! the items the body declares.
//!
//! A method call's code depends on which traits are in scope and on the bounds of type
//! parameters; a field access on which fields are visible; a struct literal's path on what
//! it names. Their nodes are keyed with the scope they were written in, and this module
//! says how fine that scope must be: the module, or the function instance and the block
//! whose items are in scope. It also rejects the one case no key could tell apart: two
//! items of one name in one body, which share a path (`f::helper`) and a type name.

use syn::Item;

use super::lowering::NameScope;
use super::names::Analyser;
use crate::error::bail;
use crate::model::Function;

impl Analyser {
    /// The number of `block` among the body's blocks that declare items, if it declares any.
    pub(super) fn number_item_block(&mut self, block: &syn::Block) -> Option<u32> {
        let declares = block
            .stmts
            .iter()
            .any(|stmt| matches!(stmt, syn::Stmt::Item(_)));
        declares.then(|| {
            self.item_blocks += 1;
            self.item_blocks
        })
    }

    /// Rejects an item whose name an earlier item of the body already has: both would have
    /// one path, so their types and functions would share type names, and keys with them.
    pub(super) fn check_item(&mut self, item: &Item) -> syn::Result<()> {
        let Some(ident) = path_name(item) else {
            return Ok(());
        };
        if self.item_names.contains(ident) {
            bail!(
                ident,
                "`{ident}` is declared twice in this #[autodask(inline)] body: both would have the same path, so their operations could not be told apart; rename one"
            );
        }
        self.item_names.push(ident.clone());
        Ok(())
    }
}

/// The name of an item that has a path of its own, which type names show
/// (`app::f::helper`, `<i64 as app::f::Local>::m`): functions, types, traits and modules.
/// `use`, `impl`, `const`, `static`, type aliases and macros add no such path.
fn path_name(item: &Item) -> Option<&syn::Ident> {
    match item {
        Item::Fn(item) => Some(&item.sig.ident),
        Item::Struct(item) => Some(&item.ident),
        Item::Enum(item) => Some(&item.ident),
        Item::Union(item) => Some(&item.ident),
        Item::Trait(item) => Some(&item.ident),
        Item::TraitAlias(item) => Some(&item.ident),
        Item::Mod(item) => Some(&item.ident),
        _ => None,
    }
}

/// The scope of the body outside its item-declaring blocks: the module, unless generics or
/// items take part in what the body's names mean.
pub(super) fn body_scope(function: &Function<'_>, analyser: &Analyser) -> NameScope {
    let generics = &function.item.sig.generics;
    if generics.params.is_empty() && generics.where_clause.is_none() && analyser.item_blocks == 0 {
        NameScope::Module
    } else {
        NameScope::Function
    }
}
