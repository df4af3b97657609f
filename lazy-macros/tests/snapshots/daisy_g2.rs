fn g2(
    a: impl ::lazy::IntoLazy<Arr>,
    b: impl ::lazy::IntoLazy<Arr>,
) -> ::lazy::Lazy<Arr> {
    let a: ::lazy::Lazy<Arr> = ::lazy::IntoLazy::into_lazy(a);
    let b: ::lazy::Lazy<Arr> = ::lazy::IntoLazy::into_lazy(b);
    ::core::clone::Clone::clone(&a) + ::core::clone::Clone::clone(&b)
        + ::lazy::Lazy::new(1)
}
