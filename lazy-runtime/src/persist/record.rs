//! An index entry: where a value is, how long it is, its checksum and its type tag.
//!
//! Layout (all integers little-endian): format version (1 byte, [`FORMAT`]), place (1 byte:
//! 0 inline, 1 object file), length of the value (8), blake3 of the value (32), type tag
//! (16), then the value itself when inline. Anything else is a damaged record.

use super::codec::TypeTag;

/// The record format's version; a record of another version is unreadable.
const FORMAT: u8 = 1;
/// Bytes before an inline value.
pub(super) const HEADER: usize = 58;

/// Bytes each entry counts against the budget on top of its value: its index record and
/// file-system overhead, roughly.
pub const ENTRY_OVERHEAD: u64 = 128;

/// Where an entry's value is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Place {
    /// In the record itself.
    Inline(Vec<u8>),
    /// In the object file named by the key and checksum.
    Object,
}

/// A decoded index entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Record {
    pub(super) len: u64,
    pub(super) checksum: [u8; 32],
    pub(super) tag: TypeTag,
    pub(super) place: Place,
}

impl Record {
    pub(super) fn encode(&self) -> Vec<u8> {
        let inline: &[u8] = match &self.place {
            Place::Inline(bytes) => bytes,
            Place::Object => &[],
        };
        let mut out = Vec::with_capacity(HEADER + inline.len());
        out.push(FORMAT);
        out.push(u8::from(matches!(self.place, Place::Object)));
        out.extend_from_slice(&self.len.to_le_bytes());
        out.extend_from_slice(&self.checksum);
        out.extend_from_slice(self.tag.as_bytes());
        out.extend_from_slice(inline);
        out
    }

    /// The record `bytes` hold, or `None` when they are not a record of this format.
    pub(super) fn decode(bytes: &[u8]) -> Option<Record> {
        if bytes.len() < HEADER || bytes[0] != FORMAT {
            return None;
        }
        let len = u64::from_le_bytes(bytes[2..10].try_into().ok()?);
        let checksum: [u8; 32] = bytes[10..42].try_into().ok()?;
        let tag = TypeTag(bytes[42..58].try_into().ok()?);
        let rest = &bytes[HEADER..];
        let place = match bytes[1] {
            0 if rest.len() as u64 == len => Place::Inline(rest.to_vec()),
            1 if rest.is_empty() => Place::Object,
            _ => return None,
        };
        Some(Record {
            len,
            checksum,
            tag,
            place,
        })
    }

    /// The bytes the entry counts against the budget.
    pub(super) fn cost(&self) -> u64 {
        self.len + ENTRY_OVERHEAD
    }
}

/// The checksum of a value stored in parts.
pub(super) fn checksum<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        // Past a few megabytes, hashing on several threads pays for itself.
        if part.len() >= 1 << 22 {
            hasher.update_rayon(part);
        } else {
            hasher.update(part);
        }
    }
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::{Place, Record, checksum};
    use crate::persist::codec::TypeTag;

    #[test]
    fn records_round_trip_and_reject_damage() {
        let tag = TypeTag::named("T", "c", 1);
        let inline = Record {
            len: 3,
            checksum: checksum([&b"abc"[..]]),
            tag,
            place: Place::Inline(b"abc".to_vec()),
        };
        let object = Record {
            len: 1 << 40,
            place: Place::Object,
            ..inline.clone()
        };
        for record in [&inline, &object] {
            let bytes = record.encode();
            assert_eq!(Record::decode(&bytes).as_ref(), Some(record));
            for cut in 0..bytes.len() {
                assert_eq!(Record::decode(&bytes[..cut]), None, "cut at {cut}");
            }
        }
        let mut bad = inline.encode();
        bad[0] = 9;
        assert_eq!(Record::decode(&bad), None);
        let mut bad = inline.encode();
        bad[1] = 2;
        assert_eq!(Record::decode(&bad), None);
        let mut long = inline.encode();
        long.push(0);
        assert_eq!(Record::decode(&long), None);
    }
}
