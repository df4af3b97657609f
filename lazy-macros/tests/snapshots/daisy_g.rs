// Source:
//
// #[autodask(inline)]
// fn g(a: Arr, b: Arr) -> Arr {
//     f(f(a, b), f(a, b))
// }
//
// Expansion:
fn g(a: impl ::lazy::IntoLazy<Arr>, b: impl ::lazy::IntoLazy<Arr>) -> ::lazy::Lazy<Arr> {
    #[allow(unused_imports, reason = "dispatch picks one trait of each pair per use")]
    use ::lazy::__private::lift::{
        ViaContent as _, ViaLazy as _, ViaPlain as _, ViaType as _,
    };
    let __lazy_site = ::lazy::__private::lift::Site::enter("g");
    let a: ::lazy::Lazy<Arr> = ::lazy::IntoLazy::into_lazy(a);
    let b: ::lazy::Lazy<Arr> = ::lazy::IntoLazy::into_lazy(b);
    (&&::lazy::__private::lift::Callee(f))
        .lazy_call((
            &(&&::lazy::__private::lift::Callee(f)).lazy_call((&a, &b)),
            &(&&::lazy::__private::lift::Callee(f)).lazy_call((&a, &b)),
        ))
}
