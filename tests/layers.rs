//! The crates' files import in one direction only: no file uses another that uses it back,
//! directly or round a circle (`docs/architecture.md`, "The runtime's layers").
//!
//! Each source file is a module; a file uses another when it names an item of it through a
//! path (`crate::graph::Node`, `super::run`, `plan::Plan` in a folder's `mod.rs`), in a
//! `use` or anywhere in its code. Items re-exported through a folder's `mod.rs` (or
//! `lib.rs`) count as uses of the file that defines them, and a folder's `pub use` of its
//! own files is its facade, not a use. Unit tests (`#[cfg(test)]` modules) are exempt:
//! they build graphs from above.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

/// A module path inside a crate: `["graph", "node"]`; the crate root is empty.
type Module = Vec<String>;

/// One source file as a module.
struct File {
    /// Whether the file is a folder's `mod.rs` or the crate's `lib.rs`: its children are
    /// the folder's files.
    folder: bool,
    /// Paths it names, from its own place (`super::run::Claim`), and whether each is a
    /// `pub use` re-export.
    paths: Vec<(Vec<String>, bool)>,
}

fn modules(src: &Path) -> BTreeMap<Module, File> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("a source folder") {
            let path = entry.expect("a folder entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let (module, folder) = module_of(src, &path);
                let text = fs::read_to_string(&path).expect("a source file");
                let syntax = syn::parse_file(&text)
                    .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
                let mut paths = Paths::default();
                paths.visit_file(&syntax);
                out.insert(
                    module,
                    File {
                        folder,
                        paths: paths.found,
                    },
                );
            }
        }
    }
    // A unit-test file (`#[cfg(test)] mod test;`) is exempt, like an inline test module.
    let tests: BTreeSet<Module> = out
        .keys()
        .filter(|m| m.last().is_some_and(|l| l == "test" || l == "tests"))
        .cloned()
        .collect();
    out.retain(|m, _| !tests.contains(m));
    out
}

fn module_of(src: &Path, file: &Path) -> (Module, bool) {
    let rel: PathBuf = file
        .strip_prefix(src)
        .expect("under src")
        .with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let folder = matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    );
    if folder {
        parts.pop();
    }
    (parts, folder)
}

/// Collects the paths a file names, outside its `#[cfg(test)]` items.
#[derive(Default)]
struct Paths {
    found: Vec<(Vec<String>, bool)>,
}

fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.parse_args::<syn::Path>()
                .is_ok_and(|p| p.is_ident("test"))
    })
}

impl Paths {
    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree, public: bool) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree, public);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut path = prefix.clone();
                if n.ident != "self" {
                    path.push(n.ident.to_string());
                }
                self.found.push((path, public));
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix.clone();
                path.push(r.ident.to_string());
                self.found.push((path, public));
            }
            syn::UseTree::Glob(_) => self.found.push((prefix.clone(), public)),
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.use_tree(prefix, tree, public);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let attrs = match item {
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Impl(i) => &i.attrs,
            syn::Item::Use(u) => &u.attrs,
            _ => return syn::visit::visit_item(self, item),
        };
        if !is_test_only(attrs) {
            syn::visit::visit_item(self, item);
        }
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        let public = matches!(item.vis, syn::Visibility::Public(_))
            || matches!(item.vis, syn::Visibility::Restricted(_));
        self.use_tree(&mut Vec::new(), &item.tree, public);
    }

    /// `pub(super)` names no item.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_path(&mut self, path: &'ast syn::Path) {
        let segments = path.segments.iter().map(|s| s.ident.to_string()).collect();
        self.found.push((segments, false));
        syn::visit::visit_path(self, path);
    }
}

/// The module a path names an item of, from `from`, following re-exports; `None` for paths
/// outside the crate (`std::sync`, a local variable).
fn resolve(
    files: &BTreeMap<Module, File>,
    reexports: &BTreeMap<(Module, String), Vec<String>>,
    from: &Module,
    path: &[String],
) -> Option<Module> {
    let file = &files[from];
    let (mut base, rest): (Module, &[String]) = match path.first().map(String::as_str)? {
        "crate" => (Vec::new(), &path[1..]),
        "self" => (from.clone(), &path[1..]),
        "super" => {
            let mut base = from.clone();
            base.pop();
            let mut rest = &path[1..];
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
            (base, rest)
        }
        // A folder's own files, named from its `mod.rs` without `self::`.
        first if file.folder && path.len() > 1 && files.contains_key(&child(from, first)) => {
            (from.clone(), path)
        }
        _ => return None,
    };
    let mut rest = rest.to_vec();
    for _ in 0..8 {
        // The longest module prefix of the path; then a re-exported name in it leads on.
        while let Some(first) = rest.first() {
            let next = child(&base, first);
            if !files.contains_key(&next) {
                break;
            }
            base = next;
            rest.remove(0);
        }
        match rest
            .first()
            .and_then(|name| reexports.get(&(base.clone(), name.clone())))
        {
            Some(target) => {
                let mut target = target.clone();
                target.extend(rest.drain(1..));
                base = Vec::new();
                rest = target;
            }
            None => return Some(base),
        }
    }
    Some(base)
}

fn child(module: &Module, name: &str) -> Module {
    let mut m = module.clone();
    m.push(name.to_owned());
    m
}

/// `pub use` items: (module, name) -> the crate-absolute path it re-exports.
fn reexports(files: &BTreeMap<Module, File>) -> BTreeMap<(Module, String), Vec<String>> {
    let mut out = BTreeMap::new();
    for (module, file) in files {
        for (path, public) in &file.paths {
            if !public || path.len() < 2 {
                continue;
            }
            let absolute = match path[0].as_str() {
                "crate" => path[1..].to_vec(),
                "self" => [module.clone(), path[1..].to_vec()].concat(),
                "super" => {
                    let mut base = module.clone();
                    base.pop();
                    [base, path[1..].to_vec()].concat()
                }
                first if file.folder && files.contains_key(&child(module, first)) => {
                    [module.clone(), path.clone()].concat()
                }
                _ => continue,
            };
            let name = path.last().expect("two segments").clone();
            out.insert((module.clone(), name), absolute);
        }
    }
    out
}

/// Which files each file uses.
fn uses(files: &BTreeMap<Module, File>) -> BTreeMap<Module, BTreeMap<Module, String>> {
    let reexports = reexports(files);
    let mut out = BTreeMap::new();
    for (module, file) in files {
        let mut used = BTreeMap::new();
        for (path, public) in &file.paths {
            let Some(target) = resolve(files, &reexports, module, path) else {
                continue;
            };
            // A folder's re-export of its own files is its facade.
            let facade = *public && file.folder && target.starts_with(module);
            if target != *module && !facade {
                used.entry(target).or_insert_with(|| path.join("::"));
            }
        }
        out.insert(module.clone(), used);
    }
    out
}

/// The circles among `uses`: strongly connected components of more than one file.
fn circles(uses: &BTreeMap<Module, BTreeMap<Module, String>>) -> Vec<Vec<Module>> {
    // Kosaraju: finish order on the graph, then components on the reversed one.
    let mut order = Vec::new();
    let mut seen = BTreeSet::new();
    for start in uses.keys() {
        if !seen.insert(start.clone()) {
            continue;
        }
        let mut stack = vec![(
            start.clone(),
            uses[start].keys().cloned().collect::<Vec<_>>(),
        )];
        while let Some((node, next)) = stack.last_mut() {
            match next.pop() {
                Some(n) if uses.contains_key(&n) && seen.insert(n.clone()) => {
                    let out = uses[&n].keys().cloned().collect();
                    stack.push((n, out));
                }
                Some(_) => {}
                None => {
                    order.push(node.clone());
                    stack.pop();
                }
            }
        }
    }
    let mut reversed: BTreeMap<&Module, Vec<&Module>> = BTreeMap::new();
    for (from, to) in uses {
        for t in to.keys() {
            reversed.entry(t).or_default().push(from);
        }
    }
    let mut assigned = BTreeSet::new();
    let mut out = Vec::new();
    for root in order.iter().rev() {
        if !assigned.insert(root) {
            continue;
        }
        let mut component = vec![root.clone()];
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            for &m in reversed.get(n).into_iter().flatten() {
                if assigned.insert(m) {
                    component.push(m.clone());
                    stack.push(m);
                }
            }
        }
        if component.len() > 1 {
            out.push(component);
        }
    }
    out
}

fn describe(uses: &BTreeMap<Module, BTreeMap<Module, String>>, circle: &[Module]) -> String {
    let name = |m: &Module| {
        if m.is_empty() {
            "lib".to_owned()
        } else {
            m.join("::")
        }
    };
    let mut out = String::new();
    for from in circle {
        for (to, via) in &uses[from] {
            if circle.contains(to) {
                let _ = write!(out, "\n  {} uses {} (`{via}`)", name(from), name(to));
            }
        }
    }
    out
}

fn check(krate: &str) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(krate)
        .join("src");
    let files = modules(&src);
    assert!(
        files.len() > 1,
        "no source files found in {}",
        src.display()
    );
    let uses = uses(&files);
    let found = circles(&uses);
    let report: Vec<String> = found.iter().map(|c| describe(&uses, c)).collect();
    assert!(
        found.is_empty(),
        "import circles in {krate}:{}",
        report.join("\n")
    );
}

#[test]
fn the_runtime_has_no_import_circle() {
    check("lazy-runtime");
}

#[test]
fn the_macros_have_no_import_circle() {
    check("lazy-macros");
}

#[test]
fn a_circle_is_found_and_named() {
    // The checker itself, on a made-up crate: `a` uses `b::f`, `b` uses `super::a::g`
    // through the folder's re-export, `c` is used by both and uses neither.
    let file = |folder, paths: &[(&str, bool)]| File {
        folder,
        paths: paths
            .iter()
            .map(|(p, public)| (p.split("::").map(str::to_owned).collect(), *public))
            .collect(),
    };
    let m = |s: &str| -> Module { s.split("::").map(str::to_owned).collect() };
    let mut files = BTreeMap::new();
    files.insert(
        Vec::new(),
        file(true, &[("a::g", true), ("d", false), ("d::e", false)]),
    );
    files.insert(
        m("a"),
        file(false, &[("crate::b::f", false), ("super::c::h", false)]),
    );
    files.insert(
        m("b"),
        file(false, &[("crate::g", false), ("crate::c", false)]),
    );
    files.insert(m("c"), file(false, &[("std::sync::Arc", false)]));
    files.insert(m("d"), file(true, &[("e::x", true)]));
    files.insert(m("d::e"), file(false, &[("super::y", false)]));
    let uses = uses(&files);
    assert_eq!(
        uses[&m("b")].keys().cloned().collect::<Vec<_>>(),
        [m("a"), m("c")],
        "`crate::g` is `a::g` re-exported"
    );
    assert!(
        !uses[&m("d")].contains_key(&m("d::e")),
        "a folder's re-export of its own file is its facade"
    );
    let found = circles(&uses);
    assert_eq!(found.len(), 1, "{found:?}");
    let mut circle = found[0].clone();
    circle.sort();
    assert_eq!(circle, [m("a"), m("b")]);
    assert!(describe(&uses, &circle).contains("a uses b (`crate::b::f`)"));
}
