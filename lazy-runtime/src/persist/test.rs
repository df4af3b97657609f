//! Unit tests of the disk cache: round trips, damage of every kind, type changes, eviction.

use std::fs::{self, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::object;
use super::record::Record;
use super::{DiskCache, ENTRY_OVERHEAD, Options, Persist, Postcard};

/// A fresh directory for one test, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "lazy-persist-unit-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn key(n: u8) -> [u8; 32] {
    [n; 32]
}

fn big(n: usize) -> Vec<f64> {
    (0..u32::try_from(n).unwrap())
        .map(|i| f64::from(i) * 0.5)
        .collect()
}

/// The object file of the entry under `key`.
fn object_path(cache: &DiskCache, key: &[u8; 32]) -> PathBuf {
    let raw = cache.inner.index.get(key).unwrap().unwrap();
    let record = Record::decode(&raw).unwrap();
    object::path(&cache.inner.objects, key, &record.checksum)
}

#[test]
fn inline_and_object_values_round_trip() {
    let dir = TempDir::new();
    let cache = DiskCache::open(&dir.0).unwrap();
    cache.put_value(&key(1), &"small".to_string()).unwrap();
    cache.put_value(&key(2), &big(10_000)).unwrap();
    assert_eq!(
        cache.get_value::<String>(&key(1)).unwrap().as_deref(),
        Some("small")
    );
    assert_eq!(
        cache.get_value::<Vec<f64>>(&key(2)).unwrap(),
        Some(big(10_000))
    );
    assert_eq!(cache.get_value::<Vec<f64>>(&key(3)).unwrap(), None);
    let stats = cache.stats().unwrap();
    assert_eq!(
        (stats.entries, stats.inline_entries, stats.object_entries),
        (2, 1, 1)
    );
    assert_eq!((stats.hits, stats.misses), (2, 1));
    assert!(object_path(&cache, &key(2)).exists());
}

#[test]
fn values_survive_reopening() {
    let dir = TempDir::new();
    DiskCache::open(&dir.0)
        .unwrap()
        .put_value(&key(1), &big(5_000))
        .unwrap();
    let cache = DiskCache::open(&dir.0).unwrap();
    assert_eq!(
        cache.get_value::<Vec<f64>>(&key(1)).unwrap(),
        Some(big(5_000))
    );
}

#[test]
fn a_changed_type_or_codec_misses() {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Old(u32);
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct New(u32);
    impl Persist for Old {
        type Codec = Postcard;
    }
    impl Persist for New {
        type Codec = Postcard;
    }
    let dir = TempDir::new();
    let cache = DiskCache::open(&dir.0).unwrap();
    cache.put_value(&key(1), &Old(5)).unwrap();
    assert_eq!(cache.get_value::<New>(&key(1)).unwrap(), None);
    assert_eq!(cache.get_value::<u32>(&key(1)).unwrap(), None);
    assert_eq!(cache.get_value::<Old>(&key(1)).unwrap(), Some(Old(5)));
    cache.put_value(&key(2), &vec![1_i64, 2]).unwrap();
    assert_eq!(cache.get_with::<Vec<i64>, Postcard>(&key(2)).unwrap(), None);
    assert_eq!(cache.get_value::<Vec<u64>>(&key(2)).unwrap(), None);
    assert_eq!(cache.events().total(), 0, "a type change is not damage");
}

#[test]
fn a_corrupt_object_is_a_removed_miss() {
    let dir = TempDir::new();
    let cache = DiskCache::open(&dir.0).unwrap();
    cache.put_value(&key(1), &big(10_000)).unwrap();
    let path = object_path(&cache, &key(1));
    let mut file = OpenOptions::new().write(true).open(&path).unwrap();
    file.seek(SeekFrom::Start(1000)).unwrap();
    file.write_all(&[0xff; 8]).unwrap();
    drop(file);
    assert_eq!(cache.get_value::<Vec<f64>>(&key(1)).unwrap(), None);
    assert!(!path.exists());
    assert!(!cache.contains(&key(1)).unwrap());
    assert_eq!(cache.events().corrupt, 1);
    assert_eq!(cache.stats().unwrap().budgeted_bytes, 0);
}

#[test]
fn a_truncated_object_or_damaged_header_is_a_removed_miss() {
    let dir = TempDir::new();
    let cache = DiskCache::open(&dir.0).unwrap();
    cache.put_value(&key(1), &big(10_000)).unwrap();
    cache.put_value(&key(2), &big(10_001)).unwrap();
    let path = object_path(&cache, &key(1));
    let len = fs::metadata(&path).unwrap().len();
    OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(len - 1)
        .unwrap();
    let header = object_path(&cache, &key(2));
    let mut file = OpenOptions::new().write(true).open(&header).unwrap();
    file.seek(SeekFrom::Start(9)).unwrap();
    file.write_all(&[0x55]).unwrap();
    drop(file);
    assert_eq!(cache.get_value::<Vec<f64>>(&key(1)).unwrap(), None);
    assert_eq!(cache.get_value::<Vec<f64>>(&key(2)).unwrap(), None);
    assert_eq!(cache.events().truncated, 2);
    assert!(!path.exists() && !header.exists());
}

#[test]
fn a_missing_object_is_a_removed_miss() {
    let dir = TempDir::new();
    let cache = DiskCache::open(&dir.0).unwrap();
    cache.put_value(&key(1), &big(10_000)).unwrap();
    fs::remove_file(object_path(&cache, &key(1))).unwrap();
    assert_eq!(cache.get_value::<Vec<f64>>(&key(1)).unwrap(), None);
    assert_eq!(cache.events().missing, 1);
    assert!(!cache.contains(&key(1)).unwrap());
}

#[test]
fn damaged_index_records_and_inline_values_are_removed_misses() {
    let dir = TempDir::new();
    let cache = DiskCache::open(&dir.0).unwrap();
    cache.put_value(&key(1), &"one".to_string()).unwrap();
    cache.put_value(&key(2), &"two".to_string()).unwrap();
    cache.put_value(&key(3), &7_u64).unwrap();
    let index = &cache.inner.index;
    index.overwrite(&key(1), b"garbage").unwrap();
    let mut flipped = index.get(&key(2)).unwrap().unwrap();
    *flipped.last_mut().unwrap() ^= 1;
    index.overwrite(&key(2), &flipped).unwrap();
    // A value its codec rejects: the checksum is right, the bytes are not a `u64`.
    let mut raw = Record::decode(&index.get(&key(3)).unwrap().unwrap()).unwrap();
    raw.place = super::record::Place::Inline(vec![0xff; 11]);
    raw.len = 11;
    raw.checksum = super::record::checksum([&[0xff_u8; 11][..]]);
    index.overwrite(&key(3), &raw.encode()).unwrap();
    assert_eq!(cache.get_value::<String>(&key(1)).unwrap(), None);
    assert_eq!(cache.get_value::<String>(&key(2)).unwrap(), None);
    assert_eq!(cache.get_value::<u64>(&key(3)).unwrap(), None);
    let events = cache.events();
    assert_eq!(
        (events.bad_records, events.corrupt, events.undecodable),
        (1, 1, 1)
    );
    assert_eq!(cache.stats().unwrap().entries, 0);
}

#[test]
fn verify_removes_every_damaged_entry_and_keeps_the_rest() {
    let dir = TempDir::new();
    let cache = DiskCache::open(&dir.0).unwrap();
    for n in 0..4 {
        cache
            .put_value(&key(n), &big(5_000 + usize::from(n)))
            .unwrap();
    }
    cache.put_value(&key(9), &"fine".to_string()).unwrap();
    fs::remove_file(object_path(&cache, &key(0))).unwrap();
    let path = object_path(&cache, &key(1));
    OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(100)
        .unwrap();
    cache.inner.index.overwrite(&key(2), b"bad").unwrap();
    let report = cache.verify().unwrap();
    assert_eq!((report.checked, report.ok), (5, 2));
    let removed = report.removed;
    assert_eq!(
        (removed.missing, removed.truncated, removed.bad_records),
        (1, 1, 1)
    );
    assert_eq!(
        cache.get_value::<Vec<f64>>(&key(3)).unwrap(),
        Some(big(5_003))
    );
    let stats = cache.stats().unwrap();
    assert_eq!(stats.entries, 2);
    assert_eq!(stats.budgeted_bytes, stats.value_bytes + 2 * ENTRY_OVERHEAD);
}

#[test]
fn eviction_keeps_the_budget_and_drops_the_least_recently_used() {
    let dir = TempDir::new();
    // Each value is 8 KiB plus overhead; ten fit, the eleventh triggers an eviction.
    let value_cost = 8 * 1024 + ENTRY_OVERHEAD;
    let options = Options {
        budget_bytes: 10 * value_cost,
        inline_max_bytes: 1024,
        touch_batch: 1,
        ..Options::default()
    };
    let cache = DiskCache::open_with(&dir.0, options).unwrap();
    for n in 0..10 {
        cache.put_value(&key(n), &big(1024)).unwrap();
        // Distinct access times: milliseconds apart.
        std::thread::sleep(Duration::from_millis(3));
    }
    // Reading the two oldest makes them the most recently used.
    for n in [0, 1] {
        assert!(cache.get_value::<Vec<f64>>(&key(n)).unwrap().is_some());
        std::thread::sleep(Duration::from_millis(3));
    }
    cache.put_value(&key(10), &big(1024)).unwrap();
    let stats = cache.stats().unwrap();
    assert!(stats.budgeted_bytes <= stats.budget_bytes);
    // Nine tenths of the budget holds nine values: two were evicted, 2 and 3.
    assert_eq!(stats.entries, 9);
    for n in [2, 3] {
        assert!(!cache.contains(&key(n)).unwrap(), "{n} should be evicted");
    }
    for n in [0, 1, 4, 10] {
        assert!(cache.contains(&key(n)).unwrap(), "{n} should be kept");
    }
    assert_eq!(object::list(&cache.inner.objects).unwrap().len(), 9);
}

#[test]
fn a_value_larger_than_the_budget_is_not_stored() {
    let dir = TempDir::new();
    let options = Options {
        budget_bytes: 4096,
        ..Options::default()
    };
    let cache = DiskCache::open_with(&dir.0, options).unwrap();
    assert!(!cache.put_value(&key(1), &big(1024)).unwrap());
    assert!(cache.put_value(&key(2), &big(16)).unwrap());
    assert_eq!(cache.stats().unwrap().entries, 1);
}

#[test]
fn gc_evicts_to_a_smaller_budget_and_removes_stray_files() {
    let dir = TempDir::new();
    let cache = DiskCache::open(&dir.0).unwrap();
    for n in 0..4 {
        cache.put_value(&key(n), &big(4096)).unwrap();
    }
    let stray = cache.inner.objects.join("00").join(".tmp-crashed");
    fs::create_dir_all(stray.parent().unwrap()).unwrap();
    fs::write(&stray, b"half a value").unwrap();
    let small = DiskCache::open_with(
        &dir.0,
        Options {
            budget_bytes: 2 * (32 * 1024 + ENTRY_OVERHEAD),
            orphan_grace: Duration::ZERO,
            ..Options::default()
        },
    )
    .unwrap();
    let report = small.gc().unwrap();
    assert_eq!(report.evicted, 2);
    assert_eq!(report.stray_files, 1);
    assert!(!stray.exists());
    assert_eq!(small.stats().unwrap().entries, 2);
    assert_eq!(cache.clear().unwrap(), 2);
    assert_eq!(cache.stats().unwrap().entries, 0);
    assert!(object::list(&cache.inner.objects).unwrap().is_empty());
}

#[test]
fn replacing_a_value_removes_its_old_object() {
    let dir = TempDir::new();
    let cache = DiskCache::open(&dir.0).unwrap();
    cache.put_value(&key(1), &big(4096)).unwrap();
    let old = object_path(&cache, &key(1));
    cache.put_value(&key(1), &big(4097)).unwrap();
    assert!(!old.exists());
    assert_eq!(
        cache.get_value::<Vec<f64>>(&key(1)).unwrap(),
        Some(big(4097))
    );
    assert_eq!(object::list(&cache.inner.objects).unwrap().len(), 1);
}

#[test]
fn large_values_read_in_pieces_round_trip_and_are_checked() {
    let dir = TempDir::new();
    let cache = DiskCache::open(&dir.0).unwrap();
    // 12 MB: read on several threads, with a last piece shorter than the others.
    let values = big(1_500_001);
    cache.put_value(&key(1), &values).unwrap();
    cache.put_value(&key(2), &values).unwrap();
    assert_eq!(cache.get_value::<Vec<f64>>(&key(1)).unwrap(), Some(values));
    let path = object_path(&cache, &key(2));
    let mut file = OpenOptions::new().write(true).open(&path).unwrap();
    file.seek(SeekFrom::Start(9_000_000)).unwrap();
    file.write_all(&[0xAA]).unwrap();
    drop(file);
    assert_eq!(cache.get_value::<Vec<f64>>(&key(2)).unwrap(), None);
    assert_eq!(cache.events().corrupt, 1);
    assert!(!path.exists());
}

#[cfg(feature = "ndarray")]
#[test]
fn arrays_round_trip_in_standard_order_and_check_their_shape() {
    use ndarray::{Array, Array0, Array2, Array3, IxDyn};

    let dir = TempDir::new();
    let cache = DiskCache::open(&dir.0).unwrap();
    let grid = Array2::from_shape_fn((300, 70), |(i, j)| {
        f64::from(u32::try_from(i * 1000 + j).unwrap())
    });
    let transposed = grid.t().to_owned();
    let cube = Array3::from_shape_fn((4, 5, 6), |(i, j, k)| {
        i32::try_from(i * 100 + j * 10 + k).unwrap()
    });
    cache.put_value(&key(1), &grid).unwrap();
    cache.put_value(&key(2), &transposed).unwrap();
    cache.put_value(&key(3), &cube).unwrap();
    cache
        .put_value(&key(4), &Array0::from_elem((), 2.5_f32))
        .unwrap();
    cache.put_value(&key(5), &cube.clone().into_dyn()).unwrap();
    assert_eq!(cache.get_value::<Array2<f64>>(&key(1)).unwrap(), Some(grid));
    assert_eq!(
        cache.get_value::<Array2<f64>>(&key(2)).unwrap(),
        Some(transposed)
    );
    assert_eq!(
        cache.get_value::<Array3<i32>>(&key(3)).unwrap().as_ref(),
        Some(&cube)
    );
    assert_eq!(
        cache.get_value::<Array0<f32>>(&key(4)).unwrap(),
        Some(Array0::from_elem((), 2.5))
    );
    assert_eq!(
        cache.get_value::<Array<i32, IxDyn>>(&key(5)).unwrap(),
        Some(cube.into_dyn())
    );
    // Another dimension is another type: a miss, and the entry stays.
    assert_eq!(cache.get_value::<Array3<f64>>(&key(1)).unwrap(), None);
    assert_eq!(cache.stats().unwrap().entries, 5);
}
