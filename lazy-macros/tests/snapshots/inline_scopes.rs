// Source:
//
// #[autodask(inline)]
// fn widths<T: Width, const N: usize>(x: T) -> usize {
//     let own = x.width();
//     let other = {
//         use other::Twist;
//         x.twist()
//     };
//     own + other + N
// }
//
// Expansion:
fn widths<T: Width + ::lazy::__private::Value, const N: usize>(
    x: impl ::lazy::IntoLazy<T>,
) -> ::lazy::Lazy<usize> {
    #[allow(unused_imports, reason = "dispatch picks one trait of each pair per use")]
    use ::lazy::__private::lift::{
        ViaContent as _, ViaLazy as _, ViaPlain as _, ViaType as _,
    };
    let __lazy_site = ::lazy::__private::lift::Site::enter("widths");
    #[doc(hidden)]
    fn __lazy_instance<T: ?::core::marker::Sized, const N: usize>() {}
    let __lazy_scope = ::lazy::__private::lift::Scope::function(
        ::core::module_path!(),
        "widths",
        ::core::any::type_name_of_val(&__lazy_instance::<T, N>),
    );
    let x: ::lazy::Lazy<T> = ::lazy::IntoLazy::into_lazy(x);
    let own = ::lazy::__private::lift::apply_in(
        __lazy_scope,
        ".width()",
        (&x,),
        |(__lazy_0,)| __lazy_0.width(),
    );
    let other = {
        use other::Twist;
        ::lazy::__private::lift::apply_in(
            __lazy_scope.in_block(1),
            ".twist()",
            (&x,),
            |(__lazy_0,)| __lazy_0.twist(),
        )
    };
    &own + &other + (&&::lazy::__private::lift::Constant(N)).lift_constant()
}
