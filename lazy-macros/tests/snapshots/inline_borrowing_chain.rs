// Source:
//
// #[autodask(inline)]
// fn total(xs: Vec<i64>, s: String) -> usize {
//     xs.iter().count() + s.trim().len()
// }
//
// Expansion:
fn total(
    xs: impl ::lazy::IntoLazy<Vec<i64>>,
    s: impl ::lazy::IntoLazy<String>,
) -> ::lazy::Lazy<usize> {
    let __lazy_site = ::lazy::__private::lift::Site::enter("total");
    let __lazy_scope = ::lazy::__private::lift::Scope::module(
        ::core::module_path!(),
        "total",
    );
    let xs: ::lazy::Lazy<Vec<i64>> = ::lazy::IntoLazy::into_lazy(xs);
    let s: ::lazy::Lazy<String> = ::lazy::IntoLazy::into_lazy(s);
    ::lazy::__private::lift::apply_in(
        __lazy_scope,
        ".iter().count()",
        (&xs,),
        |(__lazy_0,)| __lazy_0.iter().count(),
    )
        + ::lazy::__private::lift::apply_in(
            __lazy_scope,
            ".trim().len()",
            (&s,),
            |(__lazy_0,)| __lazy_0.trim().len(),
        )
}
