//! `tanh` written so that a loop over a slice vectorises: no branches, no calls, no
//! tables, only arithmetic, comparisons and selects. `f64::tanh` calls the C library once
//! per element, which no compiler can vectorise.
//!
//! Both functions compute, for `a = |x|`:
//! - for `a < 0.55`: `tanh a = a + a z P(z)` with `z = a^2` and `P` a polynomial fitted
//!   to `(tanh(a) / a - 1) / z`, so the result is `a` plus a correction of at most a tenth
//!   of it, and rounds like `a` for tiny and subnormal `a`;
//! - from `0.55` (`tanh a >= 0.5`): `tanh a = 1 - 2 / (exp(2a) + 1)`, where the quotient
//!   is at most 0.45 and its error shrinks with it. `exp(2a) = 2^k (1 + p)`, with
//!   `k = round(2a / ln 2)`, `r = 2a - k ln 2` (in two parts, so `r` is exact to the last
//!   bits) and `p = expm1(r)`, a Taylor polynomial on `|r| <= ln 2 / 2`. `2^k` is built
//!   from its bits: `k` is read from the low bits of `2a / ln 2 + 1.5 * 2^52` (`2^23` for
//!   `f32`), the addition that also rounds it;
//!
//! both branches computed for every element and one of them selected, and then the sign
//! of `x`. `a` is clamped at 22 (9.5 for `f32`), past which `tanh` rounds to 1, so `2^k`
//! stays small; the comparison lets NaN through, and NaN gives NaN. So `tanh(±0) = ±0`,
//! `tanh(±inf) = ±1`, and tiny and subnormal `x` give `x`.
//!
//! The slice functions, which the fused pass and the unfused operation use, go by blocks
//! of 64 elements and compute only the small or only the large form for a block whose
//! elements all need it: the same bits as the scalar function, in about half the time.
//!
//! Accuracy: within 2 units in the last place of the exact result over all inputs (the
//! tests sweep dense ranges, special values and random bit patterns against `f64::tanh`,
//! itself within one unit, and `f32` against `f64`). numpy documents its float functions as
//! within a few units in the last place.
//!
//! The results are the same bits on every target: Rust never contracts `a * b + c` into a
//! fused multiply-add, so wider vectors (`-C target-cpu=native`) change the speed only.

/// `1.5 * 2^52`: adding it rounds a float of magnitude below `2^51` to an integer, which
/// the low bits of the sum hold in two's complement.
const ROUND_F64: f64 = 6_755_399_441_055_744.0;
/// `ln 2` with the low 32 bits of its mantissa cleared, so `k * LN2_HI_F64` is exact.
const LN2_HI_F64: f64 = f64::from_bits(0x3fe6_2e42_0000_0000);
/// `ln 2 - LN2_HI_F64`, rounded.
const LN2_LO_F64: f64 = 4.749_325_039_031_672_6e-7;
/// `1 / n!` for `n` from 2 to 13: `expm1(r) = r + r^2 * (1/2! + r/3! + ...)` to within
/// `2^-56` relative for `|r| <= ln 2 / 2`.
const EXPM1_F64: [f64; 12] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40_320.0,
    1.0 / 362_880.0,
    1.0 / 3_628_800.0,
    1.0 / 39_916_800.0,
    1.0 / 479_001_600.0,
    1.0 / 6_227_020_800.0,
];

const ROUND_F32: f32 = 12_582_912.0;
const LN2_HI_F32: f32 = f32::from_bits(0x3f31_7000);
const LN2_LO_F32: f32 = 3.194_618_3e-5;
/// `1 / n!` for `n` from 2 to 8.
const EXPM1_F32: [f32; 7] = [
    1.0 / 2.0,
    1.0 / 6.0,
    1.0 / 24.0,
    1.0 / 120.0,
    1.0 / 720.0,
    1.0 / 5040.0,
    1.0 / 40_320.0,
];

/// `(tanh(a) / a - 1) / a^2` as a polynomial in `z = a^2`, fitted to Chebyshev nodes on
/// `0 <= a <= 0.55`: its error, within `10^-17`, is far below a unit of the result.
const TANH_F64: [f64; 11] = [
    -0.333_333_333_333_333_3,
    0.133_333_333_333_327_14,
    -0.053_968_253_967_434_016,
    0.021_869_488_493_666_944,
    -0.008_863_234_397_814_355,
    0.003_592_110_378_689_024,
    -0.001_455_661_830_100_716,
    0.000_588_936_052_007_405_7,
    -0.000_234_634_741_088_723_7,
    0.000_085_113_136_855_776_72,
    -0.000_020_602_765_376_366_34,
];

/// The same for `f32`, within `4 * 10^-10`.
const TANH_F32: [f32; 6] = [
    -0.333_333_34,
    0.133_333_24,
    -0.053_964_7,
    0.021_818_45,
    -0.008_526_333,
    0.002_526_390_6,
];

/// `c[0] + z * (c[1] + z * (...))`.
#[inline]
fn horner<T: Copy + std::ops::Mul<Output = T> + std::ops::Add<Output = T>>(z: T, c: &[T]) -> T {
    let (&last, rest) = c.split_last().expect("coefficients");
    rest.iter().rev().fold(last, |acc, &c| acc * z + c)
}

macro_rules! tanh {
    ($(#[$doc:meta])* $name:ident, $slice:ident, $in_place:ident, $small:ident, $large:ident,
     $t:ty,
     round: $round:expr, bias: $bias:expr, mantissa: $mantissa:expr, log2e: $log2e:expr,
     ln2: ($hi:expr, $lo:expr), expm1: $poly:expr, tanh: $tanh_poly:expr,
     clamp: $clamp:expr) => {
        $(#[$doc])*
        #[must_use]
        #[inline]
        pub fn $name(x: $t) -> $t {
            let a = x.abs();
            let a = if a > $clamp { $clamp } else { a };
            let t = if a < 0.55 { $small(a) } else { $large(a) };
            t.copysign(x)
        }

        /// `out[i] = tanh(xs[i])`, block by block (see [`BLOCK`]).
        pub(crate) fn $slice(xs: &[$t], out: &mut [$t]) {
            for (out, xs) in out.chunks_mut(BLOCK).zip(xs.chunks(BLOCK)) {
                match range(xs.iter().map(|x| x.abs() < 0.55)) {
                    Range::Small => {
                        for (o, &x) in out.iter_mut().zip(xs) {
                            *o = $small(x.abs()).copysign(x);
                        }
                    }
                    Range::Large => {
                        for (o, &x) in out.iter_mut().zip(xs) {
                            let a = x.abs();
                            *o = $large(if a > $clamp { $clamp } else { a }).copysign(x);
                        }
                    }
                    Range::Mixed => {
                        for (o, &x) in out.iter_mut().zip(xs) {
                            *o = $name(x);
                        }
                    }
                }
            }
        }

        /// `x = tanh(x)` for every element of `xs`, block by block.
        pub(crate) fn $in_place(xs: &mut [$t]) {
            for xs in xs.chunks_mut(BLOCK) {
                match range(xs.iter().map(|x| x.abs() < 0.55)) {
                    Range::Small => xs.iter_mut().for_each(|x| *x = $small(x.abs()).copysign(*x)),
                    Range::Large => xs.iter_mut().for_each(|x| {
                        let a = x.abs();
                        *x = $large(if a > $clamp { $clamp } else { a }).copysign(*x);
                    }),
                    Range::Mixed => xs.iter_mut().for_each(|x| *x = $name(*x)),
                }
            }
        }

        /// `tanh a` for `0 <= a < 0.55`: an odd polynomial, `a + a z P(z)` with `z = a^2`.
        #[inline(always)]
        fn $small(a: $t) -> $t {
            let z = a * a;
            a + a * (z * horner(z, &$tanh_poly))
        }

        /// `tanh a` for `0.55 <= a <= clamp`, and NaN for NaN:
        /// `1 - 2 / (exp(2a) + 1)`, with `exp(2a) = 2^k (1 + p)`.
        #[inline(always)]
        fn $large(a: $t) -> $t {
            let y = 2.0 * a;
            let shifted = y * $log2e + $round;
            let k = shifted - $round;
            let scale = <$t>::from_bits(shifted.to_bits().wrapping_add($bias) << $mantissa);
            let r = (y - k * $hi) - k * $lo;
            let p = r + (r * r) * horner(r, &$poly);
            1.0 - 2.0 / ((scale + 1.0) + scale * p)
        }
    };
}

/// Elements per block of the slice functions: each block takes the small form alone when
/// all its elements are small, which is a third of the work of computing both forms.
/// Per element, every path gives the bits of the scalar function.
const BLOCK: usize = 64;

/// Which forms of `tanh` a block needs.
enum Range {
    Small,
    Large,
    Mixed,
}

/// The forms a block needs, from whether each element is small (NaN is not). Counted
/// without an early exit, so the loop vectorises.
fn range(small: impl Iterator<Item = bool>) -> Range {
    let (mut all, mut any, mut n) = (true, false, 0_usize);
    for s in small {
        all &= s;
        any |= s;
        n += 1;
    }
    match (all, any) {
        _ if n == 0 => Range::Mixed,
        (true, _) => Range::Small,
        (false, false) => Range::Large,
        (false, true) => Range::Mixed,
    }
}

tanh! {
    /// `x.tanh()`, vectorisable and within 2 units in the last place (see the module docs).
    tanh_f64, tanh_slice_f64, tanh_in_place_f64, small_f64, large_f64, f64,
    round: ROUND_F64, bias: 1023, mantissa: 52, log2e: std::f64::consts::LOG2_E,
    ln2: (LN2_HI_F64, LN2_LO_F64), expm1: EXPM1_F64, tanh: TANH_F64, clamp: 22.0
}

tanh! {
    /// `x.tanh()` for `f32`, vectorisable and within 2 units in the last place.
    tanh_f32, tanh_slice_f32, tanh_in_place_f32, small_f32, large_f32, f32,
    round: ROUND_F32, bias: 127, mantissa: 23, log2e: std::f32::consts::LOG2_E,
    ln2: (LN2_HI_F32, LN2_LO_F32), expm1: EXPM1_F32, tanh: TANH_F32, clamp: 9.5
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::cast_possible_wrap,
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        reason = "test data and distances between bit patterns"
    )]

    use super::{tanh_f32, tanh_f64};

    /// The bound tested: units in the last place from the reference.
    const MAX_ULPS: u64 = 2;

    /// `f32`s in the order of their values, as integers, so the distance of two finite
    /// floats is the number of floats between them.
    fn order32(x: f32) -> i64 {
        let bits = i64::from(x.to_bits() as i32);
        if bits < 0 {
            i64::from(i32::MIN) - bits
        } else {
            bits
        }
    }

    /// A simple 64-bit generator, for random bit patterns.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    fn special64() -> Vec<f64> {
        let mut xs = vec![
            0.0,
            f64::INFINITY,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::from_bits(1),
            f64::from_bits(0x000f_ffff_ffff_ffff),
            f64::EPSILON,
        ];
        // Around the thresholds: the tiny cut, the change of form, the clamp.
        for edge in [1.0_f64 / 268_435_456.0, 0.55, 22.0, 19.06, 0.5, 1.0, 2.0] {
            xs.extend((0..128).map(|i| f64::from_bits(edge.to_bits() - 64 + i)));
        }
        xs.iter().flat_map(|&x| [x, -x]).collect()
    }

    /// A double-double number: `hi + lo`, with `|lo|` at most half a unit of `hi`.
    #[derive(Clone, Copy)]
    struct Dd(f64, f64);

    impl Dd {
        fn sum(a: f64, b: f64) -> Dd {
            let s = a + b;
            let v = s - a;
            Dd(s, (a - (s - v)) + (b - v))
        }

        fn add(self, o: Dd) -> Dd {
            let Dd(s, e) = Dd::sum(self.0, o.0);
            let Dd(s, e2) = Dd::sum(s, e + self.1 + o.1);
            Dd(s, e2)
        }

        fn mul(self, o: Dd) -> Dd {
            let p = self.0 * o.0;
            let e = self.0.mul_add(o.0, -p) + (self.0 * o.1 + self.1 * o.0);
            Dd::sum(p, e)
        }

        fn div(self, o: Dd) -> Dd {
            let q1 = self.0 / o.0;
            let r = self.add(o.mul(Dd(-q1, 0.0)));
            let q2 = r.0 / o.0;
            let r = r.add(o.mul(Dd(-q2, 0.0)));
            Dd(q1, 0.0).add(Dd(q2, 0.0)).add(Dd(r.0 / o.0, 0.0))
        }
    }

    /// `exp(y) - 1` by its Taylor series, for `|y| <= 2`, to about 100 bits.
    fn expm1_dd(y: Dd) -> Dd {
        let (mut term, mut total) = (y, y);
        for n in 2..60 {
            term = term.mul(y).div(Dd(f64::from(n), 0.0));
            total = total.add(term);
        }
        total
    }

    /// `tanh(a)` for finite `a >= 0`, to about 100 bits: the reference.
    fn tanh_dd(a: f64) -> Dd {
        if a > 40.0 {
            return Dd(1.0, 0.0);
        }
        let twice = Dd(2.0 * a, 0.0);
        let m = if a < 1.0 {
            expm1_dd(twice)
        } else {
            const LN2: Dd = Dd(std::f64::consts::LN_2, 2.319_046_813_846_299_6e-17);
            let power = (twice.0 / LN2.0).round();
            let rest = twice.add(LN2.mul(Dd(-power, 0.0)));
            let scale = 2_f64.powi(power as i32);
            let exp = expm1_dd(rest).add(Dd(1.0, 0.0));
            Dd(exp.0 * scale, exp.1 * scale).add(Dd(-1.0, 0.0))
        };
        m.div(m.add(Dd(2.0, 0.0)))
    }

    /// The largest error of `tanh_f64` over `xs`, in units in the last place of the
    /// exact result; NaN checked apart.
    fn worst64(xs: impl IntoIterator<Item = f64>) -> f64 {
        let mut worst: f64 = 0.0;
        for x in xs {
            let ours = tanh_f64(x);
            if x.is_nan() {
                assert!(ours.is_nan(), "tanh({x:?}) = {ours:?}");
                continue;
            }
            let a = x.abs().min(f64::MAX);
            let exact = tanh_dd(a);
            let unit = f64::from_bits(exact.0.to_bits() + 1) - exact.0;
            let ulps = (((ours.abs() - exact.0) - exact.1) / unit).abs();
            assert!(
                ulps <= MAX_ULPS as f64 && ours.is_sign_negative() == x.is_sign_negative(),
                "tanh({x:?}) = {ours:?}, exact {:?} + {:?}: {ulps} ulps",
                exact.0,
                exact.1
            );
            worst = worst.max(ulps);
        }
        worst
    }

    fn worst32(xs: impl IntoIterator<Item = f32>) -> u64 {
        let mut worst = 0;
        for x in xs {
            let (ours, exact) = (tanh_f32(x), f64::from(x).tanh() as f32);
            if x.is_nan() {
                assert!(ours.is_nan(), "tanh({x:?}) = {ours:?}");
                continue;
            }
            let ulps = order32(ours).abs_diff(order32(exact));
            assert!(
                ulps <= MAX_ULPS,
                "tanh({x:?}) = {ours:?}, f64 {exact:?}: {ulps} ulps"
            );
            worst = worst.max(ulps);
        }
        worst
    }

    #[test]
    fn f64_tanh_is_within_two_ulps_of_the_exact_result() {
        let dense = (-200_000..=200_000).map(|i| f64::from(i) * 1e-4);
        let mut state = 0x9e37_79b9_7f4a_7c15;
        let random: Vec<f64> = (0..200_000)
            .map(|_| f64::from_bits(xorshift(&mut state)))
            .collect();
        // Random values of every magnitude in the interesting range, 2^-30 to 2^5.
        let scaled: Vec<f64> = (0..200_000)
            .map(|_| {
                let bits = xorshift(&mut state);
                let exponent = 993 + (bits >> 58) % 36;
                f64::from_bits((bits & 0x800f_ffff_ffff_ffff) | (exponent << 52))
            })
            .collect();
        let worst = worst64(dense.chain(random).chain(scaled).chain(special64()));
        println!("f64 tanh: at most {worst:.3} ulps from the exact result");
    }

    #[test]
    fn f32_tanh_is_within_two_ulps_of_the_rounded_f64() {
        let dense = (-1_000_000..=1_000_000).map(|i| i as f32 * 1e-5);
        let strided = (0..=u32::MAX).step_by(4099).map(f32::from_bits);
        let special = [1.0 / 8192.0, 0.55, 9.5, 9.0, f32::MIN_POSITIVE, f32::MAX]
            .into_iter()
            .flat_map(|edge: f32| (0..64).map(move |i| f32::from_bits(edge.to_bits() - 32 + i)))
            .chain([
                0.0,
                f32::INFINITY,
                f32::from_bits(1),
                f32::from_bits(0x007f_ffff),
            ])
            .flat_map(|x| [x, -x]);
        let worst = worst32(dense.chain(strided).chain(special));
        println!("f32 tanh: at most {worst} ulps from the rounded f64");
    }

    #[test]
    fn special_values_are_exact() {
        for (x, expected) in [
            (0.0, 0.0),
            (-0.0, -0.0),
            (f64::INFINITY, 1.0),
            (f64::NEG_INFINITY, -1.0),
            (30.0, 1.0),
            (-1e300, -1.0),
        ] {
            assert_eq!(tanh_f64(x).to_bits(), f64::to_bits(expected), "tanh({x})");
            let (x, expected) = (x as f32, expected as f32);
            assert_eq!(tanh_f32(x).to_bits(), expected.to_bits(), "tanh({x})");
        }
        assert!(tanh_f64(f64::NAN).is_nan() && tanh_f64(-f64::NAN).is_nan());
        assert!(tanh_f32(f32::NAN).is_nan());
        // Tiny and subnormal x: tanh(x) rounds to x.
        for bits in [
            1,
            2,
            0x000f_ffff_ffff_ffff,
            0x0010_0000_0000_0000,
            0x3e2f_ffff_ffff_ffff,
        ] {
            let x = f64::from_bits(bits);
            assert_eq!(tanh_f64(x).to_bits(), x.to_bits());
            assert_eq!(tanh_f64(-x).to_bits(), (-x).to_bits());
        }
        for bits in [1, 0x007f_ffff, 0x0080_0000, 0x38ff_ffff] {
            let x = f32::from_bits(bits);
            assert_eq!(tanh_f32(-x).to_bits(), (-x).to_bits());
        }
    }

    #[test]
    fn tanh_is_odd() {
        let mut state = 7;
        for _ in 0..100_000 {
            let x = f64::from_bits(xorshift(&mut state));
            if !x.is_nan() {
                assert_eq!(tanh_f64(-x).to_bits(), (-tanh_f64(x)).to_bits());
            }
        }
    }

    #[test]
    fn slices_in_blocks_have_the_scalar_bits() {
        use super::{tanh_in_place_f32, tanh_in_place_f64, tanh_slice_f32, tanh_slice_f64};
        let mut state = 11;
        // Blocks all small, all large, mixed, with NaNs, and a short last block.
        let mut xs: Vec<f64> = (0..1000).map(|i| f64::from(i) * 5e-4).collect();
        xs.extend((0..1000).map(|i| 0.55 + f64::from(i) * 0.03));
        xs.extend((0..1000).map(|_| f64::from_bits(xorshift(&mut state)) % 3.0));
        xs.extend([f64::NAN, -0.0, 0.55, -0.55, f64::INFINITY]);
        let expected: Vec<u64> = xs.iter().map(|&x| tanh_f64(x).to_bits()).collect();
        let mut out = vec![0.0; xs.len()];
        tanh_slice_f64(&xs, &mut out);
        assert_eq!(
            out.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
            expected
        );
        tanh_in_place_f64(&mut xs);
        assert_eq!(xs.iter().map(|x| x.to_bits()).collect::<Vec<_>>(), expected);
        let mut ys: Vec<f32> = (0..3000).map(|i| (i as f32 - 1000.0) * 1e-3).collect();
        ys.push(f32::NAN);
        let expected: Vec<u32> = ys.iter().map(|&y| tanh_f32(y).to_bits()).collect();
        let mut out = vec![0.0; ys.len()];
        tanh_slice_f32(&ys, &mut out);
        assert_eq!(
            out.iter().map(|y| y.to_bits()).collect::<Vec<_>>(),
            expected
        );
        tanh_in_place_f32(&mut ys);
        assert_eq!(ys.iter().map(|y| y.to_bits()).collect::<Vec<_>>(), expected);
    }
}
