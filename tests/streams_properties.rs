//! Property tests: every stream transformation agrees with its eager iterator or `Vec`
//! counterpart, whether the stream is read once (unshared cells) or through a second
//! handle (memoized cells), and with a buffer in between.

use lazy::stream::{self, Stream};
use proptest::prelude::*;

fn eager_merge(mut left: Vec<u32>, mut right: Vec<u32>) -> Vec<u32> {
    left.sort_unstable();
    left.dedup();
    right.sort_unstable();
    right.dedup();
    let mut merged: Vec<u32> = left.into_iter().chain(right).collect();
    merged.sort_unstable();
    merged.dedup();
    merged
}

fn ascending(values: &[u32]) -> Stream<u32> {
    let mut values = values.to_vec();
    values.sort_unstable();
    values.dedup();
    stream::from_iter(values)
}

proptest! {
    #[test]
    fn transformations_agree_with_iterators(
        values in proptest::collection::vec(0_u32..1000, 0..60),
        take in 0_usize..70,
        skip in 0_usize..70,
        shared in any::<bool>(),
    ) {
        let source = stream::from_iter(values.clone());
        // A second handle makes every cell shared, so reads take the memoized path.
        let keep = shared.then(|| source.clone());
        let lazy: Vec<u32> = source
            .map(|x| x * 3)
            .filter(|x| x % 2 == 0)
            .skip(skip)
            .take(take)
            .collect();
        let eager: Vec<u32> = values
            .iter()
            .map(|x| x * 3)
            .filter(|x| x % 2 == 0)
            .skip(skip)
            .take(take)
            .collect();
        prop_assert_eq!(lazy, eager);
        if let Some(keep) = keep {
            prop_assert_eq!(keep.collect::<Vec<_>>(), values);
        }
    }

    #[test]
    fn flat_map_and_zip_with_agree_with_iterators(
        values in proptest::collection::vec(0_u32..6, 0..30),
    ) {
        let lazy: Vec<u32> = stream::from_iter(values.clone())
            .flat_map(|&n| stream::repeat(n).take(n as usize))
            .collect();
        let eager: Vec<u32> = values
            .iter()
            .flat_map(|&n| std::iter::repeat_n(n, n as usize))
            .collect();
        prop_assert_eq!(lazy, eager);
        let lazy: Vec<u32> = stream::from_iter(values.clone())
            .zip_with(stream::from(0_u32), |a, b| a + b)
            .collect();
        let eager: Vec<u32> = values.iter().zip(0..).map(|(a, b)| a + b).collect();
        prop_assert_eq!(lazy, eager);
    }

    #[test]
    fn merge_is_the_sorted_union(
        left in proptest::collection::vec(0_u32..100, 0..30),
        right in proptest::collection::vec(0_u32..100, 0..30),
    ) {
        let lazy: Vec<u32> = ascending(&left).merge(ascending(&right)).collect();
        prop_assert_eq!(lazy, eager_merge(left, right));
    }

    #[test]
    fn a_buffer_changes_no_element(
        values in proptest::collection::vec(any::<u16>(), 0..50),
        ahead in 0_usize..8,
    ) {
        let buffered: Vec<u16> = stream::from_iter(values.clone()).buffer(ahead).collect();
        prop_assert_eq!(buffered, values);
    }
}
