//! `docs/rewrite.md` lists every compile error the macros emit with its trybuild case: a
//! case added under `tests/ui/` without a line there fails here.

use std::fs;
use std::path::Path;

#[test]
fn every_ui_case_is_listed_in_the_rewrite_doc() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = fs::read_to_string(root.join("docs/rewrite.md")).expect("docs/rewrite.md");
    let mut cases = 0;
    let mut missing = Vec::new();
    for group in fs::read_dir(root.join("tests/ui")).expect("tests/ui") {
        let group = group.expect("an entry").path();
        let group_name = group.file_name().unwrap().to_string_lossy().into_owned();
        for case in fs::read_dir(&group).expect("a group of cases") {
            let case = case.expect("an entry").path();
            if case.extension().is_some_and(|e| e == "rs") {
                cases += 1;
                let stem = case.file_stem().unwrap().to_string_lossy().into_owned();
                let entry = format!("| `{group_name}/{stem}` |");
                if !doc.contains(&entry) {
                    missing.push(entry);
                }
            }
        }
    }
    assert!(cases > 50, "the cases were found ({cases})");
    assert!(
        missing.is_empty(),
        "docs/rewrite.md does not list these cases:\n{}",
        missing.join("\n")
    );
}
