#![deny(missing_docs, unused)]
//! Attributes, visibility and doc comments survive the rewrite.

mod shapes {
    use lazy::{autodask, lazy};

    /// The area of a square.
    #[lazy]
    #[must_use]
    pub fn area(side: f64) -> f64 {
        side * side
    }

    /// The perimeter of a square.
    #[autodask(inline)]
    pub(crate) fn perimeter(side: f64) -> f64 {
        side * 4.0
    }

    /// Runs for its effect: never folded.
    #[lazy(impure)]
    pub fn report(side: f64) {
        let _ = side;
    }
}

fn main() {
    let a = shapes::area(2.0);
    let p = shapes::perimeter(2.0);
    let r1 = shapes::report(2.0);
    let r2 = shapes::report(2.0);
    assert_ne!(r1.key(), r2.key(), "impure calls are never folded");
    assert_eq!(lazy::strict((a, p)), (4.0, 8.0));
}
