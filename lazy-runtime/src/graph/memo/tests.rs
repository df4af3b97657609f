//! The store on its own: budget, eviction order, pins. The store is process-wide, so
//! each test uses keys of its own and looks only at them.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{Memo, Offer, lookup, offer, parse_bytes, pin, set_budget, unpin};
use crate::key::Key;

/// The tests change the budget: one at a time.
static BUDGET_TURN: Mutex<()> = Mutex::new(());

fn offer_value(key: Key, bytes: usize, nanos: u64) {
    offer(
        Offer {
            key,
            value: Arc::new(vec![0_u8; bytes]),
            elapsed: Some(Duration::from_nanos(nanos)),
            changed_at: 1,
            verified_at: 1,
            policy: Memo::Auto,
        },
        false,
    );
}

#[test]
fn budgets_parse_with_units() {
    assert_eq!(parse_bytes("123"), Some(123));
    assert_eq!(parse_bytes("64K"), Some(64 << 10));
    assert_eq!(parse_bytes(" 256m "), Some(256 << 20));
    assert_eq!(parse_bytes("2G"), Some(2 << 30));
    assert_eq!(parse_bytes("lots"), None);
    assert_eq!(parse_bytes(""), None);
}

#[test]
fn cheap_per_byte_values_are_evicted_first() {
    let _turn = BUDGET_TURN.lock().unwrap();
    // 8 shards of 64 KiB: keys in one shard (same top bits) compete.
    set_budget(8 * (64 << 10));
    let key = |i: u8| {
        let mut k = [0_u8; 32];
        k[0] = i;
        k[1] = 0xa5;
        Key(k)
    };
    // Two 20 KB values fit a shard three at a time; an expensive one and two cheap ones.
    offer_value(key(1), 20_000, 10_000_000);
    offer_value(key(2), 20_000, 2_000);
    offer_value(key(3), 20_000, 3_000);
    offer_value(key(4), 20_000, 5_000_000);
    assert!(lookup(&key(1)).is_some(), "the expensive value stays");
    assert!(
        lookup(&key(4)).is_some(),
        "the newest expensive value stays"
    );
    assert!(
        lookup(&key(2)).is_none(),
        "the cheapest per byte went first"
    );
    set_budget(super::DEFAULT_BUDGET);
}

#[test]
fn runs_cheaper_than_a_microsecond_are_not_kept_by_default() {
    let key = Key([0x77; 32]);
    offer_value(key, 8, 100);
    assert!(lookup(&key).is_none());
    offer_value(key, 8, 5_000);
    assert!(lookup(&key).is_some());
}

#[test]
fn pinned_values_outlive_the_budget_until_unpinned() {
    let _turn = BUDGET_TURN.lock().unwrap();
    let key = Key([0x33; 32]);
    pin(key, Arc::new(vec![1_u8; 1000]), 1, 1);
    set_budget(0);
    assert!(lookup(&key).is_some(), "a pin ignores the budget");
    assert!(unpin(&key));
    assert!(lookup(&key).is_none(), "unpinned, it no longer fits");
    set_budget(super::DEFAULT_BUDGET);
}
