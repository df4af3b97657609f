//! `#[derive(Fingerprint)]`: equal values fold into one leaf, values differing anywhere do
//! not, and neither do equal fields of two types.

use lazy::{Fingerprint, Lazy, lazy, strict};

#[derive(Clone, Debug, PartialEq, Fingerprint)]
struct Point {
    x: i64,
    y: i64,
}

#[derive(Clone, Debug, PartialEq, Fingerprint)]
struct Pair(i64, i64);

#[derive(Clone, Debug, PartialEq, Fingerprint)]
struct Unit;

#[derive(Clone, Debug, PartialEq, Fingerprint)]
enum Shape {
    Empty,
    Circle(f64),
    Rect { w: u32, h: u32 },
    Named(String, Vec<u8>),
}

#[derive(Clone, Debug, PartialEq, Fingerprint)]
struct Tagged<T> {
    tag: &'static str,
    value: T,
}

fn key<T: lazy::Value + Fingerprint>(value: T) -> lazy::Key {
    Lazy::new(value).key()
}

#[test]
fn equal_values_fold_and_different_ones_do_not() {
    assert_eq!(key(Point { x: 1, y: 2 }), key(Point { x: 1, y: 2 }));
    assert_ne!(
        key(Point { x: 1, y: 2 }),
        key(Point { x: 2, y: 1 }),
        "fields in order"
    );
    assert_ne!(
        key(Point { x: 1, y: 2 }),
        key(Pair(1, 2)),
        "the type's name counts"
    );
    assert_eq!(key(Unit), key(Unit));
    assert_eq!(
        key(Tagged {
            tag: "a",
            value: 3_u8
        }),
        key(Tagged {
            tag: "a",
            value: 3_u8
        })
    );
    assert_ne!(
        key(Tagged {
            tag: "a",
            value: 3_u8
        }),
        key(Tagged {
            tag: "b",
            value: 3_u8
        })
    );
    assert_ne!(
        key(Tagged {
            tag: "a",
            value: 3_u8
        }),
        key(Tagged {
            tag: "a",
            value: 3_u16
        })
    );
}

#[test]
fn enum_variants_and_their_fields_are_told_apart() {
    let shapes = [
        Shape::Empty,
        Shape::Circle(1.0),
        Shape::Circle(2.0),
        Shape::Rect { w: 1, h: 2 },
        Shape::Rect { w: 2, h: 1 },
        Shape::Named("ab".into(), vec![1]),
        Shape::Named("a".into(), vec![b'b', 1]),
    ];
    for (i, a) in shapes.iter().enumerate() {
        for (j, b) in shapes.iter().enumerate() {
            assert_eq!(key(a.clone()) == key(b.clone()), i == j, "{a:?} and {b:?}");
        }
    }
}

#[lazy]
fn area(s: Shape) -> f64 {
    match s {
        Shape::Empty | Shape::Named(..) => 0.0,
        Shape::Circle(r) => r * r * 3.0,
        Shape::Rect { w, h } => f64::from(w * h),
    }
}

#[test]
fn derived_values_are_plain_arguments_of_lazy_functions() {
    let one = area(Shape::Rect { w: 2, h: 3 });
    let two = area(Shape::Rect { w: 2, h: 3 });
    assert_eq!(one.key(), two.key());
    assert!((strict(&one) - 6.0).abs() < f64::EPSILON);
}
