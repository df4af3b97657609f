//! `#[lazy]` on methods taking `self` by value and on functions naming `Self`: the receiver
//! is an input like any other, and the operation is keyed by the method's path with the
//! impl's generic arguments.

use std::ops::Add;

use lazy::{Fingerprint, FingerprintHasher, lazy, strict};

#[derive(Clone, Debug, PartialEq)]
struct Meters(f64);

impl Fingerprint for Meters {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        self.0.fingerprint(h);
    }
}

impl Meters {
    #[lazy]
    fn new(x: f64) -> Self {
        Self(x)
    }

    #[lazy]
    fn scaled(self, k: f64) -> Meters {
        Meters(self.0 * k)
    }

    #[lazy]
    fn plus(mut self, other: Meters) -> f64 {
        self.0 += other.0;
        self.0
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Wrapper<T>(T);

impl<T: Fingerprint> Fingerprint for Wrapper<T> {
    fn fingerprint(&self, h: &mut FingerprintHasher) {
        self.0.fingerprint(h);
    }
}

impl<T: Add<Output = T> + Clone + Fingerprint + Send + Sync + 'static> Wrapper<T> {
    #[lazy]
    fn doubled(self) -> T {
        self.0.clone() + self.0
    }
}

#[test]
fn methods_taking_self_are_lazy() {
    assert_eq!(strict(Meters(2.0).scaled(1.5)), Meters(3.0));
    assert!((strict(Meters(2.0).plus(Meters(0.5))) - 2.5).abs() < f64::EPSILON);
    assert_eq!(strict(Meters::new(4.0)), Meters(4.0));
    let scaled = Meters(9.0).scaled(2.0);
    assert_eq!(
        scaled.graph().count_op("scaled"),
        1,
        "{}",
        scaled.graph().task_dict()
    );
}

#[test]
fn equal_method_calls_fold_and_impls_differ_by_type() {
    assert_eq!(Meters(7.0).scaled(3.0).key(), Meters(7.0).scaled(3.0).key());
    assert_ne!(Meters(7.0).scaled(3.0).key(), Meters(3.0).scaled(7.0).key());
    let int = Wrapper(21_i64).doubled();
    let float = Wrapper(21.0_f64).doubled();
    assert_ne!(int.graph().nodes()[1].name, float.graph().nodes()[1].name);
    assert_eq!(strict(int), 42);
    assert!((strict(float) - 42.0).abs() < f64::EPSILON);
}
