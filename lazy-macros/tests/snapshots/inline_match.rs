// Source:
//
// #[autodask(inline)]
// fn span(pair: (i64, i64), n: i64) -> i64 {
//     let width = match pair {
//         (0, hi) => hi,
//         (lo, hi) => hi - lo,
//     };
//     match n {
//         0 => width,
//         m => width * m,
//     }
// }
//
// Expansion:
fn span(
    pair: impl ::lazy::IntoLazy<(i64, i64)>,
    n: impl ::lazy::IntoLazy<i64>,
) -> ::lazy::Lazy<i64> {
    let __lazy_site = ::lazy::__private::lift::Site::enter("span");
    let __lazy_scope = ::lazy::__private::lift::Scope::module(
        ::core::module_path!(),
        "span",
    );
    let pair: ::lazy::Lazy<(i64, i64)> = ::lazy::IntoLazy::into_lazy(pair);
    let n: ::lazy::Lazy<i64> = ::lazy::IntoLazy::into_lazy(n);
    let width = {
        let __lazy_match = ::core::clone::Clone::clone(&pair);
        let __lazy_arm = ::lazy::__private::lift::apply_in(
            __lazy_scope,
            "match { (0 , _) => 0usize , (_ , _) => 1usize , }",
            (&__lazy_match,),
            |(__lazy_0,)| match __lazy_0 {
                (0, _) => 0usize,
                (_, _) => 1usize,
            },
        );
        ::lazy::__private::select_in(
            __lazy_scope,
            "{ { let hi = __lazy_match_binding ! (__lazy_match ; (0 , hi) => hi) ; hi } } else { { let lo = __lazy_match_binding ! (__lazy_match ; (lo , _) => lo) ; let hi = __lazy_match_binding ! (__lazy_match ; (_ , hi) => hi) ; hi - lo } }",
            ::lazy::__private::lift::eq(&__lazy_arm, ::lazy::Lazy::new(0usize)),
            (),
            (&__lazy_match,),
            move |(), (__lazy_match,)| {
                {
                    let hi = ::lazy::__private::lift::apply_in(
                        __lazy_scope,
                        "match { (0 , hi) => hi }",
                        (&__lazy_match,),
                        |(__lazy_0,)| match ::core::option::Option::Some(__lazy_0) {
                            ::core::option::Option::Some((0, hi)) => hi,
                            _ => {
                                ::core::unreachable!(
                                    "lazy: internal error: a `match` arm built for another value"
                                )
                            }
                        },
                    );
                    ::core::clone::Clone::clone(&hi)
                }
            },
            move |(), (__lazy_match,)| {
                {
                    let lo = ::lazy::__private::lift::apply_in(
                        __lazy_scope,
                        "match { (lo , _) => lo }",
                        (&__lazy_match,),
                        |(__lazy_0,)| match ::core::option::Option::Some(__lazy_0) {
                            ::core::option::Option::Some((lo, _)) => lo,
                            _ => {
                                ::core::unreachable!(
                                    "lazy: internal error: a `match` arm built for another value"
                                )
                            }
                        },
                    );
                    let hi = ::lazy::__private::lift::apply_in(
                        __lazy_scope,
                        "match { (_ , hi) => hi }",
                        (&__lazy_match,),
                        |(__lazy_0,)| match ::core::option::Option::Some(__lazy_0) {
                            ::core::option::Option::Some((_, hi)) => hi,
                            _ => {
                                ::core::unreachable!(
                                    "lazy: internal error: a `match` arm built for another value"
                                )
                            }
                        },
                    );
                    &hi - &lo
                }
            },
        )
    };
    {
        let __lazy_match = ::core::clone::Clone::clone(&n);
        let __lazy_arm = ::lazy::__private::lift::apply_in(
            __lazy_scope,
            "match { 0 => 0usize , _ => 1usize , }",
            (&__lazy_match,),
            |(__lazy_0,)| match __lazy_0 {
                0 => 0usize,
                _ => 1usize,
            },
        );
        ::lazy::__private::select_in(
            __lazy_scope,
            "{ { width } } else { { let m = __lazy_match_binding ! (__lazy_match ; m => m) ; width * m } }",
            ::lazy::__private::lift::eq(&__lazy_arm, ::lazy::Lazy::new(0usize)),
            (),
            (&width, &__lazy_match),
            move |(), (width, _)| { { ::core::clone::Clone::clone(&width) } },
            move |(), (width, __lazy_match)| {
                {
                    let m = ::lazy::__private::lift::apply_in(
                        __lazy_scope,
                        "match { m => m }",
                        (&__lazy_match,),
                        |(__lazy_0,)| match ::core::option::Option::Some(__lazy_0) {
                            ::core::option::Option::Some(m) => m,
                            _ => {
                                ::core::unreachable!(
                                    "lazy: internal error: a `match` arm built for another value"
                                )
                            }
                        },
                    );
                    &width * &m
                }
            },
        )
    }
}
