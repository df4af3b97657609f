// Source:
//
// #[autodask(inline)]
// fn shapes(p: Point, xs: Vec<f64>, n: usize, flag: bool) -> (f64, Point) {
//     let d = (p.x * p.x + p.y * p.y).sqrt();
//     let first = xs[0] as f64;
//     let q = Point { x: -p.x, y: d };
//     let picked = if flag && n > 2 { first } else { d / 2.0 };
//     let mut total = picked;
//     total += vec![1.0, 2.0][n % 2];
//     let pair = [total, picked];
//     (pair[1] - norm(q), Point { x: total, ..q })
// }
//
// Expansion:
fn shapes(
    p: impl ::lazy::IntoLazy<Point>,
    xs: impl ::lazy::IntoLazy<Vec<f64>>,
    n: impl ::lazy::IntoLazy<usize>,
    flag: impl ::lazy::IntoLazy<bool>,
) -> ::lazy::Lazy<(f64, Point)> {
    #[allow(unused_imports, reason = "dispatch picks one trait of each pair per use")]
    use ::lazy::__private::lift::{
        ViaContent as _, ViaLazy as _, ViaPlain as _, ViaType as _,
    };
    let __lazy_site = ::lazy::__private::lift::Site::enter("shapes");
    let __lazy_scope = ::lazy::__private::lift::Scope::module(
        ::core::module_path!(),
        "shapes",
    );
    let p: ::lazy::Lazy<Point> = ::lazy::IntoLazy::into_lazy(p);
    let xs: ::lazy::Lazy<Vec<f64>> = ::lazy::IntoLazy::into_lazy(xs);
    let n: ::lazy::Lazy<usize> = ::lazy::IntoLazy::into_lazy(n);
    let flag: ::lazy::Lazy<bool> = ::lazy::IntoLazy::into_lazy(flag);
    let d = ::lazy::__private::lift::apply_in(
        __lazy_scope,
        ".sqrt()",
        (
            (::lazy::__private::lift::field(__lazy_scope, ".x", &p, |value| value.x)
                * ::lazy::__private::lift::field(__lazy_scope, ".x", &p, |value| value.x)
                + ::lazy::__private::lift::field(__lazy_scope, ".y", &p, |value| value.y)
                    * ::lazy::__private::lift::field(
                        __lazy_scope,
                        ".y",
                        &p,
                        |value| value.y,
                    )),
        ),
        |(__lazy_0,)| __lazy_0.sqrt(),
    );
    let first = ::lazy::__private::lift::cast(
        "as f64",
        ::lazy::__private::lift::index(&xs, ::lazy::Lazy::new(0)),
        |value| value as f64,
    );
    let q = ::lazy::__private::lift::apply_in(
        __lazy_scope,
        "Point { x, y }",
        (-::lazy::__private::lift::field(__lazy_scope, ".x", &p, |value| value.x), &d),
        |(__lazy_0, __lazy_1)| Point { x: __lazy_0, y: __lazy_1 },
    );
    let picked = ::lazy::__private::select_in(
        __lazy_scope,
        "{ first } else { d / 2.0 }",
        ::lazy::__private::lift::and(
            &flag,
            ::lazy::__private::lift::gt(&n, ::lazy::Lazy::new(2)),
        ),
        (),
        (&first, &d),
        move |(), (first, _)| { ::core::clone::Clone::clone(&first) },
        move |(), (_, d)| { &d / ::lazy::Lazy::new(2.0) },
    );
    let mut total = ::core::clone::Clone::clone(&picked);
    total = &total
        + ::lazy::__private::lift::index(
            ::lazy::__private::lift::vec((
                ::lazy::Lazy::new(1.0),
                ::lazy::Lazy::new(2.0),
            )),
            &n % ::lazy::Lazy::new(2),
        );
    let pair = ::lazy::__private::lift::array((&total, &picked));
    ::lazy::__private::lift::tuple((
        ::lazy::__private::lift::index(&pair, ::lazy::Lazy::new(1))
            - (&&::lazy::__private::lift::Callee(norm)).lazy_call((&q,)),
        ::lazy::__private::lift::apply_in(
            __lazy_scope,
            "Point { x, .. }",
            (&total, &q),
            |(__lazy_0, __lazy_1)| Point { x: __lazy_0, ..__lazy_1 },
        ),
    ))
}
