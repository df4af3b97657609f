//! The content hash for large leaves, chosen for the whole process: this file's process
//! chooses blake3, which every test here asks for (the choice is fixed once made, and
//! asking again for the same one succeeds). The default, XXH3, is what every other test
//! binary keys with; its pinned digests are in `key/mod.rs`.

use lazy::keys::{ContentHash, content_hash, set_content_hash};
use lazy::{Lazy, strict};
use ndarray::Array1;

fn blake3() {
    set_content_hash(ContentHash::Blake3).expect("nothing in this process chose XXH3");
    assert_eq!(content_hash(), ContentHash::Blake3);
}

#[test]
fn with_blake3_large_content_keys_as_it_did_before_the_choice_existed() {
    blake3();
    // The digest pinned for this 800 KB vector before large content went through XXH3:
    // under blake3, large content enters the key as it is, so old keys (and disk-cache
    // entries made under them) still hold.
    let big: Vec<u64> = (0..100_000).collect();
    assert_eq!(
        Lazy::new(big).key().to_string(),
        "e93afe4b5d1fa50b4c39854ad657f833cbc3fdde724aaacb238ef85ca1aea185"
    );
}

#[test]
fn with_blake3_equal_arrays_fold_and_different_ones_do_not() {
    blake3();
    let len: u32 = 1 << 20;
    let first = Array1::from_iter((0..len).map(f64::from));
    let mut second = first.clone();
    assert_eq!(
        Lazy::new(first.clone()).key(),
        Lazy::new(second.clone()).key()
    );
    second[(1 << 20) - 1] += 1.0;
    let (x, y) = (Lazy::new(first.clone()), Lazy::new(second.clone()));
    assert_ne!(x.key(), y.key());
    assert_eq!(strict(&x), first);
    assert_eq!(strict(&y), second);
}

#[test]
fn once_fixed_the_other_hash_is_refused_and_named() {
    blake3();
    // A large leaf has been keyed (or not, in this test's order): either way, the choice is
    // made and stays.
    let _ = Lazy::new(vec![0u8; 1 << 18]).key();
    assert_eq!(
        set_content_hash(ContentHash::Xxh3),
        Err(ContentHash::Blake3)
    );
    assert_eq!(content_hash(), ContentHash::Blake3);
}
