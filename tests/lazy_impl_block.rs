//! `#[lazy]` on an impl block: the methods taking `self` are callable on plain values,
//! on `Lazy<Self>` and on `&Lazy<Self>` (through the generated trait `LazyMeters`), and a
//! call on a plain value and on a lazy one is the same node.

use lazy::{Fingerprint, Lazy, lazy, strict};

#[derive(Clone, Debug, PartialEq, Fingerprint)]
struct Meters(f64);

#[lazy]
impl Meters {
    fn new(x: f64) -> Self {
        Self(x)
    }

    fn value(self) -> f64 {
        self.0
    }

    fn scaled(self, k: f64) -> Self {
        Self(self.0 * k)
    }

    fn plus(mut self, other: Meters) -> Meters {
        self.0 += other.0;
        self
    }
}

#[test]
fn methods_chain_on_lazy_receivers() {
    let m: Lazy<Meters> = Meters::new(2.0);
    let chained = m.scaled(3.0).plus(Meters(1.0)).value();
    let eager = 2.0 * 3.0 + 1.0;
    assert!((strict(&chained) - eager).abs() < f64::EPSILON);
    let borrowed: &Lazy<Meters> = &m;
    assert!((strict(borrowed.value()) - 2.0).abs() < f64::EPSILON);
}

#[test]
fn a_plain_and_a_lazy_receiver_are_one_node() {
    let plain = Meters(4.0).scaled(0.5);
    let lazy = Lazy::new(Meters(4.0)).scaled(0.5);
    assert_eq!(plain.key(), lazy.key());
    assert_ne!(plain.key(), Lazy::new(Meters(4.0)).scaled(2.0).key());
    // The leaf, the factor, the product.
    assert_eq!(plain.graph().node_count(), 3);
    assert_eq!(strict(plain), Meters(2.0));
}

mod elsewhere {
    use lazy::{Lazy, strict};

    // Outside the impl's module, the trait is imported like any extension trait.
    use super::{LazyMeters, Meters};

    #[test]
    fn the_trait_is_imported_by_name() {
        let m: Lazy<Meters> = Meters::new(5.0);
        assert!((strict(m.value()) - 5.0).abs() < f64::EPSILON);
    }
}
