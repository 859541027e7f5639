//! `.syx` files: SysEx messages stored back to back. Reading is tolerant: junk between messages,
//! unterminated messages and over-long messages are reported with their offsets, not fatal.

use crate::sysex::assembler::{Assembler, AssemblerEvent};
use std::fmt;

/// Largest single message read from a file (16 MiB); larger ones are reported as issues.
pub const MAX_FILE_MESSAGE: usize = 16 << 20;

/// Something in a `.syx` file that is not a complete message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyxIssue {
    /// Bytes outside any message (between, before or after messages).
    Skipped {
        /// File offset of the first skipped byte.
        offset: u64,
        /// How many bytes in a row were skipped.
        len: u64,
    },
    /// A message with no `F7`: its bytes are in [`SyxRead::unterminated`].
    Unterminated {
        /// File offset of its `F0`.
        offset: u64,
        /// Its length.
        len: u64,
    },
    /// A message over [`MAX_FILE_MESSAGE`]; its bytes were not kept.
    TooLong {
        /// File offset of its `F0`.
        offset: u64,
        /// Its length.
        len: u64,
    },
}

impl fmt::Display for SyxIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyxIssue::Skipped { offset, len } => {
                write!(
                    f,
                    "skipped {len} byte(s) outside any SysEx at offset {offset}"
                )
            }
            SyxIssue::Unterminated { offset, len } => {
                write!(f, "message at offset {offset} ({len} bytes) has no F7")
            }
            SyxIssue::TooLong { offset, len } => write!(
                f,
                "message at offset {offset} is {len} bytes, over the {MAX_FILE_MESSAGE}-byte limit"
            ),
        }
    }
}

/// Why a `.syx` file could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyxError {
    /// The file holds no complete SysEx message.
    NoMessages {
        /// The file's size.
        len: u64,
        /// What was found instead.
        issues: Vec<SyxIssue>,
    },
}

impl fmt::Display for SyxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SyxError::NoMessages { len, issues } => {
                write!(f, "no complete SysEx message in {len} bytes")?;
                if let Some(first) = issues.first() {
                    write!(f, " ({first})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for SyxError {}

/// What a `.syx` file held.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyxRead {
    /// Complete messages, in file order.
    pub messages: Vec<Vec<u8>>,
    /// Unterminated messages (no `F7`), kept so nothing is lost.
    pub unterminated: Vec<Vec<u8>>,
    /// Everything that was not a complete message, in file order.
    pub issues: Vec<SyxIssue>,
}

/// Reads a `.syx` file.
pub fn read(bytes: &[u8]) -> Result<SyxRead, SyxError> {
    read_with_limit(bytes, MAX_FILE_MESSAGE)
}

/// Reads a `.syx` file, keeping messages of at most `max_message` bytes.
pub fn read_with_limit(bytes: &[u8], max_message: usize) -> Result<SyxRead, SyxError> {
    let mut assembler = Assembler::new(max_message);
    let mut out = SyxRead::default();
    let mut skipped_from: Option<u64> = None;
    let mut outside = 0;
    for (i, &b) in bytes.iter().enumerate() {
        assembler.push(std::slice::from_ref(&b), |e| collect(&mut out, e));
        let now = assembler.stats().outside_bytes + assembler.stats().realtime_skipped;
        if now != outside {
            outside = now;
            skipped_from.get_or_insert(i as u64);
        } else if let Some(start) = skipped_from.take() {
            out.issues.push(SyxIssue::Skipped {
                offset: start,
                len: i as u64 - start,
            });
        }
    }
    if let Some(start) = skipped_from {
        out.issues.push(SyxIssue::Skipped {
            offset: start,
            len: bytes.len() as u64 - start,
        });
    }
    if let Some(e) = assembler.flush() {
        collect(&mut out, e);
    }
    out.issues.sort_by_key(|i| match i {
        SyxIssue::Skipped { offset, .. }
        | SyxIssue::Unterminated { offset, .. }
        | SyxIssue::TooLong { offset, .. } => *offset,
    });
    if out.messages.is_empty() {
        return Err(SyxError::NoMessages {
            len: bytes.len() as u64,
            issues: out.issues,
        });
    }
    Ok(out)
}

fn collect(out: &mut SyxRead, event: AssemblerEvent) {
    match event {
        AssemblerEvent::Message { bytes, .. } => out.messages.push(bytes),
        AssemblerEvent::Unterminated { bytes, offset, .. } => {
            out.issues.push(SyxIssue::Unterminated {
                offset,
                len: bytes.len() as u64,
            });
            out.unterminated.push(bytes);
        }
        AssemblerEvent::Overflow { offset, len, .. } => {
            out.issues.push(SyxIssue::TooLong { offset, len })
        }
    }
}

/// Writes messages as a `.syx` file.
pub fn write<T: AsRef<[u8]>>(messages: &[T]) -> Vec<u8> {
    crate::sysex::bank::join(messages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn junk_is_reported_with_offsets() {
        let bytes = [0x00, 0x01, 0xF0, 0x43, 0xF7, 0x55, 0xF0, 0x41, 0x10];
        let r = read(&bytes).unwrap();
        assert_eq!(r.messages, vec![vec![0xF0, 0x43, 0xF7]]);
        assert_eq!(
            r.issues,
            vec![
                SyxIssue::Skipped { offset: 0, len: 2 },
                SyxIssue::Skipped { offset: 5, len: 1 },
                SyxIssue::Unterminated { offset: 6, len: 3 },
            ]
        );
        assert_eq!(r.unterminated, vec![vec![0xF0, 0x41, 0x10]]);
    }

    #[test]
    fn empty_file_is_an_error() {
        let err = read(b"hello").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no complete SysEx message in 5 bytes (skipped 5 byte(s) outside any SysEx at offset 0)"
        );
    }

    #[test]
    fn too_long_is_reported() {
        let mut bytes = vec![0xF0];
        bytes.extend([1u8; 10]);
        bytes.push(0xF7);
        bytes.extend([0xF0, 0x7D, 0xF7]);
        let r = read_with_limit(&bytes, 8).unwrap();
        assert_eq!(r.issues, vec![SyxIssue::TooLong { offset: 0, len: 12 }]);
        assert_eq!(r.messages.len(), 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100_000))]
        #[test]
        fn write_then_read_is_identity(msgs in proptest::collection::vec(
            proptest::collection::vec(0u8..0x80, 0..16).prop_map(|b| {
                let mut m = vec![0xF0];
                m.extend(b);
                m.push(0xF7);
                m
            }), 1..6)) {
            prop_assert_eq!(read(&write(&msgs)).unwrap().messages, msgs);
        }

        #[test]
        fn read_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Ok(r) = read_with_limit(&bytes, 16) {
                let kept: usize = r.messages.iter().chain(&r.unterminated).map(Vec::len).sum();
                prop_assert!(kept <= bytes.len());
            }
        }
    }
}
