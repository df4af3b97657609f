// Source:
//
// #[autodask(inline)]
// fn h(a: Arr, b: Arr) -> Arr {
//     f(a, b) + g2(a, b)
// }
//
// Expansion:
fn h(a: impl ::lazy::IntoLazy<Arr>, b: impl ::lazy::IntoLazy<Arr>) -> ::lazy::Lazy<Arr> {
    #[allow(unused_imports, reason = "dispatch picks one trait of each pair per use")]
    use ::lazy::__private::lift::{
        ViaContent as _, ViaLazy as _, ViaPlain as _, ViaType as _,
    };
    let __lazy_site = ::lazy::__private::lift::Site::enter("h");
    let a: ::lazy::Lazy<Arr> = ::lazy::IntoLazy::into_lazy(a);
    let b: ::lazy::Lazy<Arr> = ::lazy::IntoLazy::into_lazy(b);
    (&&::lazy::__private::lift::Callee(f)).lazy_call((&a, &b))
        + (&&::lazy::__private::lift::Callee(g2)).lazy_call((&a, &b))
}
