// Source:
//
// #[autodask(inline)]
// fn shifted(xs: Vec<i64>, k: i64) -> Vec<i64> {
//     let limit = k * 2;
//     xs.iter().map(|x| x + k).filter(|&y| y < limit).collect()
// }
//
// Expansion:
fn shifted(
    xs: impl ::lazy::IntoLazy<Vec<i64>>,
    k: impl ::lazy::IntoLazy<i64>,
) -> ::lazy::Lazy<Vec<i64>> {
    let __lazy_site = ::lazy::__private::lift::Site::enter("shifted");
    let __lazy_scope = ::lazy::__private::lift::Scope::module(
        ::core::module_path!(),
        "shifted",
    );
    let xs: ::lazy::Lazy<Vec<i64>> = ::lazy::IntoLazy::into_lazy(xs);
    let k: ::lazy::Lazy<i64> = ::lazy::IntoLazy::into_lazy(k);
    let limit = &k * ::lazy::Lazy::new(2);
    ::lazy::__private::lift::apply_in(
        __lazy_scope,
        ".iter().map(|x| x + k #81486a4d544ab53d).filter(|&y| y < limit #4a22a4eeaec21fa5).collect()",
        (&xs, &k, &limit),
        |(__lazy_0, k, limit)| {
            __lazy_0.iter().map(|x| x + k).filter(|&y| y < limit).collect()
        },
    )
}
