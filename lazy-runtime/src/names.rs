//! Names for people: operation and type names as `std::any::type_name` spells them are full
//! paths (an ndarray addition takes some 300 characters); these shorten them for errors,
//! the task dictionary, DOT, the picture of the graph and the profile.
//!
//! - [`compact`] drops every module path: `square<String>` for
//!   `app::square<alloc::string::String>`;
//! - [`readable`] keeps the operation's own path and drops the paths inside its generic
//!   arguments: `app::square<String>`;
//! - both write ndarray's owned arrays and views by their aliases: `Array1<f64>` for
//!   `ArrayBase<OwnedRepr<f64>, Dim<[usize; 1]>, f64>`.

/// `name` without any module path (see the module docs).
pub(crate) fn compact(name: &str) -> String {
    operands(aliases(&strip_paths(name)))
}

/// An operation named by its signature, `add<fn(A, B) -> C>`, by its operands only, as the
/// docs write operators: `add<(A, B)>`.
fn operands(name: String) -> String {
    let Some(open) = name.find("<fn(") else {
        return name;
    };
    let args_at = open + "<fn(".len();
    let Some(close) = matching(&name[args_at..]).map(|c| args_at + c) else {
        return name;
    };
    let Some(args_end) = name[args_at..close].find(") -> ").map(|e| args_at + e) else {
        return name;
    };
    let ret = &name[args_end + ") -> ".len()..close];
    let args = &name[args_at..args_end];
    if args.matches('(').count() != args.matches(')').count() || ret.contains(") -> ") {
        // A function among the operands or the result: leave the signature as it is.
        return name;
    }
    format!("{}<({args})>{}", &name[..open], &name[close + 1..])
}

/// `label` cut to at most `max` characters, with an ellipsis where it was cut.
pub(crate) fn clip(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_owned();
    }
    let mut out: String = label.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `name` with its own path and without the paths of its generic arguments.
pub(crate) fn readable(name: &str) -> String {
    match name.find(['<', '(', '[']) {
        Some(at) => format!("{}{}", &name[..at], compact(&name[at..])),
        None => name.to_owned(),
    }
}

/// Drops every `path::` prefix of every name in `name`.
fn strip_paths(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut segment = String::new();
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            segment.clear();
        } else if c.is_alphanumeric() || c == '_' {
            segment.push(c);
        } else {
            out.push_str(&segment);
            segment.clear();
            out.push(c);
        }
    }
    out.push_str(&segment);
    out
}

/// Rewrites every `ArrayBase<...>` of a path-free name whose storage and dimension have an
/// alias in ndarray.
fn aliases(name: &str) -> String {
    const BASE: &str = "ArrayBase<";
    let mut out = String::with_capacity(name.len());
    let mut rest = name;
    while let Some(at) = rest.find(BASE) {
        let boundary = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric() && c != '_');
        let open = at + BASE.len();
        let Some(close) = matching(&rest[open..]).map(|c| open + c) else {
            break;
        };
        out.push_str(&rest[..at]);
        let args = split_args(&rest[open..close]);
        if let Some(short) = boundary.then(|| alias(&args)).flatten() {
            out.push_str(&short);
        } else {
            out.push_str(BASE);
            out.push_str(&aliases(&rest[open..close]));
            out.push('>');
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The alias of `ArrayBase<args>`, if it has one.
fn alias(args: &[&str]) -> Option<String> {
    let (storage, dim) = (args.first()?, args.get(1)?);
    let (kind, element) = if let Some(e) = inside(storage, "OwnedRepr<") {
        ("Array", e)
    } else if let Some(e) = inside(storage, "ViewRepr<&mut ") {
        ("ArrayViewMut", e)
    } else if let Some(e) = inside(storage, "ViewRepr<&") {
        ("ArrayView", e)
    } else if let Some(e) = inside(storage, "OwnedArcRepr<") {
        ("ArcArray", e)
    } else {
        return None;
    };
    let rank = if let Some(n) = inside(dim, "Dim<[usize; ") {
        n.strip_suffix(']')?.to_owned()
    } else if *dim == "Dim<IxDynImpl>" {
        String::from("D")
    } else {
        return None;
    };
    Some(format!("{kind}{rank}<{}>", aliases(element)))
}

/// What stands between `open` and the last `>` of `s`, if `s` is `open...>`.
fn inside<'a>(s: &'a str, open: &str) -> Option<&'a str> {
    s.strip_prefix(open)?.strip_suffix('>')
}

/// The position of the `>` that closes a generic list whose `<` came just before `s`.
fn matching(s: &str) -> Option<usize> {
    let mut depth = 0_usize;
    for (i, c) in s.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            '>' if s[..i].ends_with('-') => {}
            '>' if depth == 0 => return Some(i),
            '>' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// A generic argument list split at its top-level commas, each argument trimmed.
fn split_args(list: &str) -> Vec<&str> {
    let mut args = Vec::new();
    let (mut depth, mut from) = (0_usize, 0);
    for (i, c) in list.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' if list[..i].ends_with('-') => {}
            '>' | ')' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                args.push(list[from..i].trim());
                from = i + 1;
            }
            _ => {}
        }
    }
    args.push(list[from..].trim());
    args
}

#[cfg(test)]
mod tests {
    use super::{compact, readable};

    const ADD: &str = "add<(ndarray::ArrayBase<ndarray::data_repr::OwnedRepr<i64>, \
        ndarray::dimension::dim::Dim<[usize; 1]>, i64>, \
        ndarray::ArrayBase<ndarray::data_repr::OwnedRepr<i64>, \
        ndarray::dimension::dim::Dim<[usize; 1]>, i64>)>";

    #[test]
    fn an_ndarray_addition_reads_as_the_docs_write_it() {
        assert_eq!(compact(ADD), "add<(Array1<i64>, Array1<i64>)>");
        assert!(ADD.len() > 200 && compact(ADD).len() < 40);
    }

    #[test]
    fn views_dynamic_ranks_and_unknown_storage() {
        assert_eq!(
            compact("ndarray::ArrayBase<ndarray::ViewRepr<&f64>, ndarray::Dim<[usize; 2]>, f64>"),
            "ArrayView2<f64>"
        );
        assert_eq!(
            compact("ArrayBase<OwnedRepr<u8>, Dim<IxDynImpl>>"),
            "ArrayD<u8>"
        );
        assert_eq!(
            compact("ArrayBase<CowRepr<u8>, Dim<[usize; 1]>>"),
            "ArrayBase<CowRepr<u8>, Dim<[usize; 1]>>"
        );
        assert_eq!(compact("MyArrayBase<u8>"), "MyArrayBase<u8>");
    }

    #[test]
    fn operators_are_named_by_their_operands() {
        let add = "add<fn(ndarray::ArrayBase<ndarray::data_repr::OwnedRepr<i64>, \
            ndarray::dimension::dim::Dim<[usize; 1]>, i64>, i64) -> \
            ndarray::ArrayBase<ndarray::data_repr::OwnedRepr<i64>, \
            ndarray::dimension::dim::Dim<[usize; 1]>, i64>>";
        assert_eq!(compact(add), "add<(Array1<i64>, i64)>");
        assert_eq!(compact("sqrt<fn(f64) -> f64>"), "sqrt<(f64)>");
        assert_eq!(
            compact("apply<fn(Vec<u8>) -> fn(u8) -> u8>"),
            "apply<fn(Vec<u8>) -> fn(u8) -> u8>"
        );
        assert_eq!(
            compact("map<fn(fn(u8) -> u8, Vec<u8>) -> Vec<u8>>"),
            "map<fn(fn(u8) -> u8, Vec<u8>) -> Vec<u8>>"
        );
        assert_eq!(super::clip("abcdef", 4), "abc…");
        assert_eq!(super::clip("abc", 4), "abc");
    }

    #[test]
    fn readable_names_keep_the_function_path() {
        assert_eq!(
            readable("app::square<alloc::string::String>"),
            "app::square<String>"
        );
        assert_eq!(readable("soak::checked"), "soak::checked");
        assert_eq!(
            readable("mul<fn(i64, i64) -> core::option::Option<i64>>"),
            "mul<(i64, i64)>"
        );
        assert_eq!(
            compact("app::square<alloc::string::String>"),
            "square<String>"
        );
    }
}
