//! The validated SysEx message type and its 7-bit building blocks.

use std::fmt;

/// Start of a System Exclusive message.
pub const SYSEX_START: u8 = 0xF0;
/// End of a System Exclusive message (EOX).
pub const SYSEX_END: u8 = 0xF7;

/// A 7-bit MIDI data byte (0..=127). Invalid values cannot be constructed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct U7(u8);

impl U7 {
    /// The largest data byte, 127.
    pub const MAX: U7 = U7(0x7F);

    /// `Some` if `byte` is a data byte (below 0x80).
    pub const fn new(byte: u8) -> Option<U7> {
        if byte < 0x80 {
            Some(U7(byte))
        } else {
            None
        }
    }

    /// Keeps the low seven bits of `byte`.
    pub const fn from_masked(byte: u8) -> U7 {
        U7(byte & 0x7F)
    }

    /// The byte's value.
    pub const fn get(self) -> u8 {
        self.0
    }
}

/// A SysEx manufacturer ID: one byte, or `00` followed by two bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ManufacturerId {
    /// A one-byte ID (`01`..=`7F`; `7D`, `7E` and `7F` are the non-commercial and universal IDs).
    One(U7),
    /// A three-byte ID, `00 hi lo`.
    Three(U7, U7),
}

impl ManufacturerId {
    /// Reads the ID at the start of `data` (the bytes after `F0`); returns the ID and its length.
    pub fn parse(data: &[u8]) -> Option<(ManufacturerId, usize)> {
        match data {
            [0, hi, lo, ..] => Some((ManufacturerId::Three(U7::new(*hi)?, U7::new(*lo)?), 3)),
            [0, ..] => None,
            [id, ..] => Some((ManufacturerId::One(U7::new(*id)?), 1)),
            [] => None,
        }
    }

    /// The ID's bytes as they appear on the wire.
    pub fn to_bytes(self) -> Vec<u8> {
        match self {
            ManufacturerId::One(id) => vec![id.get()],
            ManufacturerId::Three(hi, lo) => vec![0, hi.get(), lo.get()],
        }
    }
}

impl fmt::Display for ManufacturerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ManufacturerId::One(id) => write!(f, "{:02X}", id.get()),
            ManufacturerId::Three(hi, lo) => write!(f, "00 {:02X} {:02X}", hi.get(), lo.get()),
        }
    }
}

/// Why a byte sequence is not a well-formed SysEx message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SysExError {
    /// Fewer than the two framing bytes.
    TooShort {
        /// The length that was given.
        len: usize,
    },
    /// The first byte is not `F0`.
    MissingStart {
        /// The byte found at offset 0.
        found: u8,
    },
    /// The last byte is not `F7`.
    MissingEnd {
        /// The byte found at the last offset.
        found: u8,
    },
    /// A byte between the framing bytes is not a data byte.
    NonDataByte {
        /// Its offset from the start of the message.
        offset: usize,
        /// The byte.
        byte: u8,
    },
}

impl fmt::Display for SysExError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SysExError::TooShort { len } => write!(f, "{len} bytes is too short for SysEx"),
            SysExError::MissingStart { found } => {
                write!(f, "SysEx must start with F0, found {found:02X} at offset 0")
            }
            SysExError::MissingEnd { found } => {
                write!(
                    f,
                    "SysEx must end with F7, found {found:02X} at the last offset"
                )
            }
            SysExError::NonDataByte { offset, byte } => {
                write!(
                    f,
                    "byte {byte:02X} at offset {offset} is not a 7-bit data byte"
                )
            }
        }
    }
}

impl std::error::Error for SysExError {}

/// A well-formed SysEx message (`F0`, data bytes, `F7`) borrowed from a larger buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SysEx<'a> {
    bytes: &'a [u8],
}

impl<'a> SysEx<'a> {
    /// Validates `bytes` as one complete message.
    pub fn new(bytes: &'a [u8]) -> Result<SysEx<'a>, SysExError> {
        if bytes.len() < 2 {
            return Err(SysExError::TooShort { len: bytes.len() });
        }
        if bytes[0] != SYSEX_START {
            return Err(SysExError::MissingStart { found: bytes[0] });
        }
        let last = bytes[bytes.len() - 1];
        if last != SYSEX_END {
            return Err(SysExError::MissingEnd { found: last });
        }
        if let Some(pos) = bytes[1..bytes.len() - 1].iter().position(|&b| b >= 0x80) {
            return Err(SysExError::NonDataByte {
                offset: pos + 1,
                byte: bytes[pos + 1],
            });
        }
        Ok(SysEx { bytes })
    }

    /// The whole message, `F0` to `F7`.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The message length in bytes, framing included.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Always false: a message holds at least `F0 F7`.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The data bytes between `F0` and `F7`.
    pub fn data(&self) -> &'a [u8] {
        &self.bytes[1..self.bytes.len() - 1]
    }

    /// The manufacturer ID, if the message is long enough to hold one.
    pub fn manufacturer(&self) -> Option<ManufacturerId> {
        ManufacturerId::parse(self.data()).map(|(id, _)| id)
    }

    /// The data bytes after the manufacturer ID (empty when there is no ID).
    pub fn body(&self) -> &'a [u8] {
        match ManufacturerId::parse(self.data()) {
            Some((_, len)) => &self.data()[len..],
            None => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_request_is_valid() {
        let msg = SysEx::new(&[0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]).unwrap();
        assert_eq!(
            msg.manufacturer(),
            Some(ManufacturerId::One(U7::new(0x7E).unwrap()))
        );
        assert_eq!(msg.body(), &[0x7F, 0x06, 0x01]);
        assert_eq!(msg.len(), 6);
    }

    #[test]
    fn errors_name_the_offset() {
        assert_eq!(SysEx::new(&[0xF0]), Err(SysExError::TooShort { len: 1 }));
        assert_eq!(
            SysEx::new(&[0x90, 0xF7]),
            Err(SysExError::MissingStart { found: 0x90 })
        );
        assert_eq!(
            SysEx::new(&[0xF0, 0x01]),
            Err(SysExError::MissingEnd { found: 0x01 })
        );
        assert_eq!(
            SysEx::new(&[0xF0, 0x43, 0x90, 0xF7]),
            Err(SysExError::NonDataByte {
                offset: 2,
                byte: 0x90
            })
        );
    }

    #[test]
    fn three_byte_manufacturer() {
        let msg = SysEx::new(&[0xF0, 0x00, 0x20, 0x33, 0x01, 0xF7]).unwrap();
        let id = msg.manufacturer().unwrap();
        assert_eq!(id.to_string(), "00 20 33");
        assert_eq!(msg.body(), &[0x01]);
        let mut built = vec![SYSEX_START];
        built.extend(id.to_bytes());
        built.extend([1, SYSEX_END]);
        assert_eq!(built, msg.as_bytes());
    }

    #[test]
    fn u7_rejects_status_bytes() {
        assert!(U7::new(0x80).is_none());
        assert_eq!(U7::from_masked(0xFF).get(), 0x7F);
    }
}
