//! What travels between processes: frames with a small fixed header and a payload of
//! bytes. Values are encoded by `codec.rs`; the header says what the bytes are.

use timely::bytes::arc::Bytes;
use timely::communication::Bytesable;

/// What a frame carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// The start of a force: the payload is the digest of its plan, `task` its task count.
    Hello,
    /// A task's value: `task` is its number in the plan, `codec` the value's codec.
    Value,
    /// A task failed on its owner: the payload is the error's text; the force ends.
    Failed,
    /// The sender ended the force for a reason of its own (the payload says which).
    Abort,
    /// The sender is alive (sent when it has sent nothing else for a while).
    Heartbeat,
    /// The sender's program has finished; it takes part in no more forces.
    Goodbye,
    /// Bytes that are not a frame (a peer of another version).
    Malformed,
}

impl Kind {
    fn tag(self) -> u8 {
        match self {
            Kind::Hello => 1,
            Kind::Value => 2,
            Kind::Failed => 3,
            Kind::Abort => 4,
            Kind::Heartbeat => 5,
            Kind::Goodbye => 6,
            Kind::Malformed => 0,
        }
    }

    fn from_tag(tag: u8) -> Kind {
        match tag {
            1 => Kind::Hello,
            2 => Kind::Value,
            3 => Kind::Failed,
            4 => Kind::Abort,
            5 => Kind::Heartbeat,
            6 => Kind::Goodbye,
            _ => Kind::Malformed,
        }
    }
}

/// One message between two processes. Header, little-endian: kind (1 byte), sender (4),
/// force (8), task (4), codec (8); then the payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Frame {
    pub(super) kind: Kind,
    pub(super) from: u32,
    /// The sender's force number: forces are numbered alike on every process.
    pub(super) force: u64,
    pub(super) task: u32,
    pub(super) codec: u64,
    pub(super) payload: Vec<u8>,
}

const HEADER: usize = 1 + 4 + 8 + 4 + 8;

impl Frame {
    /// A frame without task, codec or payload.
    pub(super) fn signal(kind: Kind, from: usize, force: u64) -> Frame {
        Frame {
            kind,
            from: u32::try_from(from).expect("fewer than 2^32 processes"),
            force,
            task: 0,
            codec: 0,
            payload: Vec::new(),
        }
    }

    /// The payload as text (an error's message).
    pub(super) fn text(&self) -> String {
        String::from_utf8_lossy(&self.payload).into_owned()
    }
}

impl Bytesable for Frame {
    fn from_bytes(bytes: Bytes) -> Frame {
        let bytes: &[u8] = &bytes;
        if bytes.len() < HEADER {
            return Frame {
                kind: Kind::Malformed,
                ..Frame::signal(Kind::Malformed, 0, 0)
            };
        }
        let field = |at: usize, len: usize| {
            let mut word = [0u8; 8];
            word[..len].copy_from_slice(&bytes[at..at + len]);
            u64::from_le_bytes(word)
        };
        Frame {
            kind: Kind::from_tag(bytes[0]),
            from: u32::try_from(field(1, 4)).unwrap_or(u32::MAX),
            force: field(5, 8),
            task: u32::try_from(field(13, 4)).unwrap_or(u32::MAX),
            codec: field(17, 8),
            payload: bytes[HEADER..].to_vec(),
        }
    }

    fn length_in_bytes(&self) -> usize {
        HEADER + self.payload.len()
    }

    fn into_bytes<W: std::io::Write>(&self, writer: &mut W) {
        let mut header = [0u8; HEADER];
        header[0] = self.kind.tag();
        header[1..5].copy_from_slice(&self.from.to_le_bytes());
        header[5..13].copy_from_slice(&self.force.to_le_bytes());
        header[13..17].copy_from_slice(&self.task.to_le_bytes());
        header[17..25].copy_from_slice(&self.codec.to_le_bytes());
        // timely hands a writer into its own buffer, sized by `length_in_bytes`: writing
        // into it cannot fail.
        writer
            .write_all(&header)
            .and_then(|()| writer.write_all(&self.payload))
            .expect("lazy cluster: writing a frame into timely's buffer");
    }
}

#[cfg(test)]
mod tests {
    use timely::bytes::arc::BytesMut;
    use timely::communication::Bytesable;

    use super::{Frame, Kind};

    #[test]
    fn a_frame_reads_back_as_written() {
        let frame = Frame {
            kind: Kind::Value,
            from: 2,
            force: 7,
            task: 41,
            codec: u64::MAX - 3,
            payload: vec![1, 2, 3],
        };
        let mut bytes = Vec::new();
        frame.into_bytes(&mut bytes);
        assert_eq!(bytes.len(), frame.length_in_bytes());
        let read = Frame::from_bytes(BytesMut::from(bytes).freeze());
        assert_eq!(read, frame);
        let short = Frame::from_bytes(BytesMut::from(vec![2_u8; 3]).freeze());
        assert_eq!(short.kind, Kind::Malformed);
    }
}
