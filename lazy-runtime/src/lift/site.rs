//! The inlined function whose body is building nodes on this thread, for messages that
//! should name the user's function rather than an operator's type (a shape mismatch).
//!
//! Generated code enters a [`Site`] at the top of every `#[autodask(inline)]` body; the guard
//! restores the outer function's site when the body returns, so an inlined call inside
//! another names the innermost function. A lazy conditional's branch, built at force time,
//! enters its function's site then (`select.rs`). The site names nodes only in messages:
//! it never enters a key, so operations of two functions still fold.

use std::cell::Cell;

thread_local! {
    static CURRENT: Cell<Option<&'static str>> = const { Cell::new(None) };
}

/// While alive, nodes built on this thread were written in `function`'s body.
#[must_use = "the site lasts as long as the guard"]
#[derive(Debug)]
pub struct Site {
    outer: Option<&'static str>,
}

impl Site {
    /// Enters the body of the inlined function named `function`.
    pub fn enter(function: &'static str) -> Site {
        Site {
            outer: CURRENT.with(|c| c.replace(Some(function))),
        }
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.outer));
    }
}

/// The function whose body is building nodes now, if an inlined one is.
pub(crate) fn current() -> Option<&'static str> {
    CURRENT.with(Cell::get)
}

#[cfg(test)]
mod tests {
    use super::{Site, current};

    #[test]
    fn sites_nest_and_restore() {
        assert_eq!(current(), None);
        let outer = Site::enter("h");
        {
            let _inner = Site::enter("f");
            assert_eq!(current(), Some("f"));
        }
        assert_eq!(current(), Some("h"));
        drop(outer);
        assert_eq!(current(), None);
    }
}
