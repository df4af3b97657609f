//! Error helpers: every user mistake is a spanned `syn::Error`, raised with `bail!` and
//! turned into `compile_error!` once, at the entry point.

/// Returns early with a `syn::Error` spanned on `$node` (anything `ToTokens`).
macro_rules! bail {
    ($node:expr, $($fmt:tt)+) => {
        return ::core::result::Result::Err($crate::error::err!($node, $($fmt)+))
    };
}

/// Builds a `syn::Error` spanned on `$node` (anything `ToTokens`).
macro_rules! err {
    ($node:expr, $($fmt:tt)+) => {
        ::syn::Error::new_spanned(&$node, ::std::format!($($fmt)+))
    };
}

pub(crate) use {bail, err};

/// The accepted word closest to `word`, if it is close enough to be a likely misspelling.
pub(crate) fn suggest<'a>(word: &str, accepted: &[&'a str]) -> Option<&'a str> {
    accepted
        .iter()
        .map(|candidate| (edit_distance(word, candidate), *candidate))
        .filter(|(distance, candidate)| *distance <= candidate.len().div_ceil(3).max(1))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance, counting characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_arguments_get_a_suggestion() {
        assert_eq!(suggest("inlne", &["inline"]), Some("inline"));
        assert_eq!(suggest("inpure", &["impure"]), Some("impure"));
        assert_eq!(suggest("parallel", &["inline"]), None);
    }
}
