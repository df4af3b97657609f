//! Writing HTML: escaping text, and the page's style.

/// `s` with the characters that mean something in HTML written as entities.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The report's style sheet.
pub(crate) const STYLE: &str = "
body { font-family: sans-serif; margin: 24px; color: #222; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 28px; } h3 { font-size: 15px; }
.picture { overflow: auto; max-height: 720px; border: 1px solid #ddd; padding: 8px; }
.timeline { overflow-x: auto; border: 1px solid #ddd; padding: 8px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 3px 10px; text-align: right; }
th:first-child, td:first-child { text-align: left; font-family: monospace; }
.failure { background: #fdecea; border-left: 4px solid #d9534f; padding: 6px 10px; margin: 6px 0;
  font-family: monospace; white-space: pre-wrap; }
.legend span { display: inline-block; padding: 1px 8px; margin-right: 6px; border: 1px solid #999; }
.none { color: #777; }
";

#[cfg(test)]
mod tests {
    #[test]
    fn markup_is_escaped() {
        assert_eq!(
            super::escape("add<(A, B)> & \"x\""),
            "add&lt;(A, B)&gt; &amp; &quot;x&quot;"
        );
    }
}
