// Source:
//
// #[autodask(inline)]
// fn f(a: Arr, b: Arr) -> Arr {
//     a + b
// }
//
// Expansion:
fn f(a: impl ::lazy::IntoLazy<Arr>, b: impl ::lazy::IntoLazy<Arr>) -> ::lazy::Lazy<Arr> {
    let __lazy_site = ::lazy::__private::lift::Site::enter("f");
    let a: ::lazy::Lazy<Arr> = ::lazy::IntoLazy::into_lazy(a);
    let b: ::lazy::Lazy<Arr> = ::lazy::IntoLazy::into_lazy(b);
    &a + &b
}
