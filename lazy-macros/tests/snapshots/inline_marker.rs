// Source:
//
// #[autodask(inline)]
// fn k<T: Add<Output = T>>(a: T, b: T) -> T {
//     inline(double)(a) + b
// }
//
// Expansion:
fn k<T: Add<Output = T> + ::lazy::__private::Value>(
    a: impl ::lazy::IntoLazy<T>,
    b: impl ::lazy::IntoLazy<T>,
) -> ::lazy::Lazy<T> {
    let __lazy_site = ::lazy::__private::lift::Site::enter("k");
    let a: ::lazy::Lazy<T> = ::lazy::IntoLazy::into_lazy(a);
    let b: ::lazy::Lazy<T> = ::lazy::IntoLazy::into_lazy(b);
    double(::core::clone::Clone::clone(&a)) + &b
}
