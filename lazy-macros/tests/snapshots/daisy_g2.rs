// Source:
//
// #[autodask(inline)]
// fn g2(a: Arr, b: Arr) -> Arr {
//     a + b + 1
// }
//
// Expansion:
fn g2(
    a: impl ::lazy::IntoLazy<Arr>,
    b: impl ::lazy::IntoLazy<Arr>,
) -> ::lazy::Lazy<Arr> {
    let __lazy_site = ::lazy::__private::lift::Site::enter("g2");
    let a: ::lazy::Lazy<Arr> = ::lazy::IntoLazy::into_lazy(a);
    let b: ::lazy::Lazy<Arr> = ::lazy::IntoLazy::into_lazy(b);
    &a + &b + ::lazy::Lazy::new(1)
}
