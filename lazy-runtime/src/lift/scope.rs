//! The scope a method call, field access or struct literal of a rewritten body was written
//! in, which decides what its names resolve to and so is part of its operation's identity.

use std::any::type_name;

use crate::lazy::{Lazy, Value};
use crate::task::{Arg, Args, Op, task};

/// Where a method call, field access or struct literal was written, which decides what its
/// names resolve to: the traits in scope (the module's `use`s, `use` items in the body, the
/// bounds on type parameters), the fields visible, the item a path names. Generated code
/// makes one per inlined body, `let __lazy_scope = Scope::module(module_path!(), "f")`,
/// and names it in every such operation, with [`Scope::in_block`] inside a block that
/// declares items.
///
/// Invariant: operations keyed with scopes that [`apply_in`] describes alike resolve their
/// names alike. The macro claims a module scope only for a function that is neither
/// generic nor declares items; `apply_in` checks the rest (that it is a free function, not
/// one in an impl whose bounds the macro cannot see) from the closure's type name, and
/// falls back to the function instance when it cannot tell.
#[derive(Clone, Copy, Debug)]
pub struct Scope {
    /// `module_path!()` where the function is written.
    module: &'static str,
    /// The function's name.
    function: &'static str,
    /// The type name of an item generic like the function (`app::scale::__lazy_instance<f64>`),
    /// naming its instance; empty for a function that is not generic.
    instance: &'static str,
    /// The block of the body whose items are in scope, counting from 1 in source order
    /// over the blocks that declare items; 0 outside all of them.
    block: u32,
    /// Whether the module alone decides, so two functions of one module share the scope.
    module_wide: bool,
}

impl Scope {
    /// The scope of a function that is not generic and declares no items: operations of
    /// two such free functions of one module fold.
    #[must_use]
    pub const fn module(module: &'static str, function: &'static str) -> Scope {
        Scope {
            module,
            function,
            instance: "",
            block: 0,
            module_wide: true,
        }
    }

    /// The scope of one function instance (`instance` names its generic arguments, or is
    /// empty if it has none): its operations fold only with each other.
    #[must_use]
    pub const fn function(
        module: &'static str,
        function: &'static str,
        instance: &'static str,
    ) -> Scope {
        Scope {
            module,
            function,
            instance,
            block: 0,
            module_wide: false,
        }
    }

    /// The name of the function the scope is in.
    pub(super) fn function_name(self) -> &'static str {
        self.function
    }

    /// The scope inside the `block`th block of the body that declares items.
    #[must_use]
    pub const fn in_block(self, block: u32) -> Scope {
        Scope { block, ..self }
    }

    /// The static parts that decide the name of an operation labelled `label`, of type
    /// `signature`, whose closure's type name is `closure`, written in this scope: the
    /// registry's cache key.
    pub(super) fn parts(
        self,
        label: &'static str,
        signature: &'static str,
        closure: &'static str,
    ) -> [usize; 14] {
        [
            label.as_ptr() as usize,
            label.len(),
            signature.as_ptr() as usize,
            signature.len(),
            closure.as_ptr() as usize,
            closure.len(),
            self.module.as_ptr() as usize,
            self.module.len(),
            self.function.as_ptr() as usize,
            self.function.len(),
            self.instance.as_ptr() as usize,
            self.instance.len(),
            self.block as usize,
            usize::from(self.module_wide),
        ]
    }

    /// The scope's part of an operation's name, which must differ wherever names may
    /// resolve differently. `closure` is the type name of the operation's closure: it names
    /// the function the code is in, with every generic argument (the impl's, the
    /// function's, one per `impl IntoLazy` parameter), so it is exact, if finer than needed.
    pub(super) fn describe(self, closure: &'static str) -> String {
        let place = if is_free_function(closure, self.module, self.function) {
            if self.module_wide {
                return self.module.to_owned();
            }
            let path = format!("{}::{}", self.module, self.function);
            match self.instance {
                "" => path.clone(),
                instance => match instance.strip_prefix(&format!("{path}::__lazy_instance")) {
                    Some(arguments) => format!("{path}{arguments}"),
                    None => instance.to_owned(),
                },
            }
        } else {
            closure
                .strip_suffix("::{{closure}}")
                .unwrap_or(closure)
                .to_owned()
        };
        match self.block {
            0 => place,
            block => format!("{place}, block {block}"),
        }
    }
}

/// Whether `closure`, a closure's type name, is that of a closure in the free function
/// `module::function`: `app::norm::{{closure}}`, or `app::norm<&Lazy<f64>>::{{closure}}`
/// with the function's generic arguments. A function in an impl or a trait, or nested in
/// another function, has a longer path. Anything unexpected counts as not free, which only
/// costs folds.
fn is_free_function(closure: &str, module: &str, function: &str) -> bool {
    let Some(rest) = closure
        .strip_prefix(module)
        .and_then(|rest| rest.strip_prefix("::"))
        .and_then(|rest| rest.strip_prefix(function))
    else {
        return false;
    };
    let rest = match rest.strip_prefix('<') {
        Some(arguments) => match after_generic_arguments(arguments) {
            Some(rest) => rest,
            None => return false,
        },
        None => rest,
    };
    rest == "::{{closure}}"
}

/// What follows the `>` closing a generic argument list whose `<` has been read; `->` in
/// function types is not a bracket.
fn after_generic_arguments(text: &str) -> Option<&str> {
    let mut depth = 1_usize;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match c {
            '-' if chars.peek().is_some_and(|&(_, next)| next == '>') => {
                chars.next();
            }
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth == 0 {
                    return Some(&text[at + 1..]);
                }
            }
            _ => {}
        }
    }
    None
}

/// A method call, field access or struct literal: `f` applied to the values of `args`,
/// keyed by `label`, the input and output types, and the [`Scope`] it was written in.
#[must_use]
pub fn apply_in<A, R, F>(scope: Scope, label: &'static str, args: A, f: F) -> Lazy<R>
where
    A: Args,
    A::Values: 'static,
    R: Value,
    F: Fn(A::Values) -> R + Send + Sync + 'static,
{
    let names = (type_name::<fn(A::Values) -> R>(), type_name::<F>());
    scoped(scope, label, names, args, f)
}

/// A field read, `base.x`: the node [`apply_in`] builds for `(base,)` and
/// `|(value,)| read(value)`, in one line of generated code. `read`'s type names the
/// function it is written in, as the closure passed to `apply_in` would.
#[must_use]
pub fn field<B, R, F>(scope: Scope, label: &'static str, base: B, read: F) -> Lazy<R>
where
    B: Arg,
    R: Value,
    F: Fn(B::Value) -> R + Send + Sync + 'static,
{
    let names = (type_name::<fn((B::Value,)) -> R>(), type_name::<F>());
    scoped(scope, label, names, (base,), move |(value,)| read(value))
}

/// The node of an operation written in `scope`, whose signature and closure type names are
/// `signature` and `closure`.
fn scoped<A, R, F>(
    scope: Scope,
    label: &'static str,
    (signature, closure): (&'static str, &'static str),
    args: A,
    f: F,
) -> Lazy<R>
where
    A: Args,
    A::Values: 'static,
    R: Value,
    F: Fn(A::Values) -> R + Send + Sync + 'static,
{
    let op = Op::scoped(scope.parts(label, signature, closure), || {
        format!("{label}<{signature}> in {}", scope.describe(closure))
    });
    // ndarray's element-wise float methods (`.sqrt()` on an owned array) fuse. An inherent
    // method is what such a call resolves to unless a trait in scope has a by-value method
    // of the same name for owned arrays (see `docs/arrays.md`).
    #[cfg(feature = "ndarray")]
    if let Some(&kernel) = op
        .elementwise(|| crate::elementwise::describe_method::<A::Values, R>(label))
        .filter(|kernel| crate::elementwise::has_own_function(**kernel))
    {
        // `.tanh()` is the runtime's own, fused or not, so both give the same bits.
        return task(op, args, move |values| {
            crate::elementwise::apply_own(kernel, values).unwrap_or_else(&f)
        });
    }
    task(op, args, f)
}

#[cfg(test)]
mod tests {
    use super::{Scope, is_free_function};

    #[test]
    fn free_functions_are_told_from_functions_in_impls() {
        let free = |closure| is_free_function(closure, "app::geo", "norm");
        assert!(free("app::geo::norm::{{closure}}"));
        assert!(free("app::geo::norm<&lazy::Lazy<f64>>::{{closure}}"));
        assert!(free("app::geo::norm<fn(i64) -> i64, u8>::{{closure}}"));
        assert!(!free("app::geo::Point::norm::{{closure}}"));
        assert!(!free("app::geo::norm<u8>::norm<i64>::{{closure}}"));
        assert!(!free(
            "<app::geo::Point as app::geo::Norm>::norm::{{closure}}"
        ));
        assert!(!free("app::geo::outer::norm::{{closure}}"));
        assert!(!free("app::geo::norm<u8::{{closure}}"));
        assert!(!free("app::geo::normal::{{closure}}"));
    }

    #[test]
    fn scopes_print_apart_where_names_may_resolve_apart() {
        let closure = "app::geo::norm<i64>::{{closure}}";
        let module = Scope::module("app::geo", "norm");
        assert_eq!(module.describe(closure), "app::geo");
        assert_eq!(
            module.describe("app::geo::Point::norm::{{closure}}"),
            "app::geo::Point::norm",
            "a function in an impl falls back to its own instance"
        );
        let plain = Scope::function("app::geo", "norm", "");
        assert_eq!(plain.describe(closure), "app::geo::norm");
        assert_eq!(
            plain.in_block(2).describe(closure),
            "app::geo::norm, block 2"
        );
        let generic = Scope::function("app::geo", "norm", "app::geo::norm::__lazy_instance<f64>");
        assert_eq!(generic.describe(closure), "app::geo::norm<f64>");
    }
}
