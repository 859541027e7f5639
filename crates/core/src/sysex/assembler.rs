//! Turns a raw MIDI byte stream into SysEx messages, the way a MIDI input sees it.
//!
//! Rules: real-time bytes (`F8`..=`FF`) inside a SysEx are skipped and not stored; any other status
//! byte inside a SysEx ends it as an *unterminated* message, which is kept and flagged; bytes
//! outside any SysEx are ignored and counted. The result never depends on how the stream was cut
//! into fragments. Memory is bounded by [`Assembler::max_message_len`]: a longer message is
//! discarded and reported as [`AssemblerEvent::Overflow`].

use super::message::{SYSEX_END, SYSEX_START};

/// What the assembler found in the stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssemblerEvent {
    /// A complete message, `F0` to `F7`.
    Message {
        /// The message bytes, framing included.
        bytes: Vec<u8>,
        /// Stream offset of its `F0`.
        offset: u64,
    },
    /// A message that was cut off before its `F7`: by another status byte, or by
    /// [`Assembler::flush`] (end of stream or an idle time-out). The bytes start with `F0` and have
    /// no `F7`.
    Unterminated {
        /// The bytes received, starting with `F0`.
        bytes: Vec<u8>,
        /// Stream offset of its `F0`.
        offset: u64,
        /// The status byte that interrupted it, or `None` when flushed.
        interrupted_by: Option<u8>,
    },
    /// A message longer than the limit; its bytes were not kept.
    Overflow {
        /// Stream offset of its `F0`.
        offset: u64,
        /// How many bytes it had (framing included) when it ended.
        len: u64,
        /// Whether it ended with `F7` (false when interrupted or flushed).
        terminated: bool,
    },
}

/// Running counts of what the assembler has seen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AssemblerStats {
    /// Complete messages emitted.
    pub messages: u64,
    /// Unterminated messages emitted.
    pub unterminated: u64,
    /// Messages discarded for exceeding the size limit.
    pub overflowed: u64,
    /// Real-time bytes skipped inside a SysEx.
    pub realtime_skipped: u64,
    /// Bytes that were outside any SysEx and ignored.
    pub outside_bytes: u64,
}

/// Incremental SysEx stream assembler with a bounded message size.
#[derive(Debug)]
pub struct Assembler {
    max_message_len: usize,
    buf: Vec<u8>,
    /// `Some(offset)` while inside a SysEx that started at `offset`.
    start: Option<u64>,
    /// Length so far of a message that already exceeded the limit.
    overflow_len: Option<u64>,
    position: u64,
    stats: AssemblerStats,
}

impl Assembler {
    /// An assembler that keeps messages of at most `max_message_len` bytes (framing included).
    pub fn new(max_message_len: usize) -> Assembler {
        Assembler {
            max_message_len: max_message_len.max(2),
            buf: Vec::new(),
            start: None,
            overflow_len: None,
            position: 0,
            stats: AssemblerStats::default(),
        }
    }

    /// The configured size limit.
    pub fn max_message_len(&self) -> usize {
        self.max_message_len
    }

    /// Counts so far.
    pub fn stats(&self) -> AssemblerStats {
        self.stats
    }

    /// Whether a message is in progress.
    pub fn in_message(&self) -> bool {
        self.start.is_some()
    }

    /// Bytes of the message in progress (0 when none).
    pub fn pending_len(&self) -> u64 {
        self.overflow_len.unwrap_or(self.buf.len() as u64)
    }

    /// Total bytes consumed so far.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Feeds a fragment of the stream; every finished message is passed to `emit`.
    pub fn push(&mut self, bytes: &[u8], mut emit: impl FnMut(AssemblerEvent)) {
        for &byte in bytes {
            self.push_byte(byte, &mut emit);
            self.position += 1;
        }
    }

    /// Feeds a fragment and collects what it finished.
    pub fn push_collect(&mut self, bytes: &[u8]) -> Vec<AssemblerEvent> {
        let mut out = Vec::new();
        self.push(bytes, |e| out.push(e));
        out
    }

    /// Ends a message in progress (end of stream or idle time-out) as unterminated.
    pub fn flush(&mut self) -> Option<AssemblerEvent> {
        self.finish_unterminated(None)
    }

    /// Throws away the message in progress because part of it never arrived (a fragment was
    /// refused upstream). Returns its length so far, or `None` when no message was in progress.
    /// The bytes that still follow are outside any message and ignored, so the rest of a damaged
    /// message is never assembled into a well-framed but wrong one.
    pub fn abort(&mut self) -> Option<u64> {
        self.start.take()?;
        let len = self.pending_len();
        self.buf.clear();
        self.overflow_len = None;
        Some(len)
    }

    /// A copy of the bytes of the message in progress (empty when none, or when it is over the
    /// size limit and its bytes are no longer kept).
    pub fn pending_bytes(&self) -> &[u8] {
        if self.start.is_some() && self.overflow_len.is_none() {
            &self.buf
        } else {
            &[]
        }
    }

    fn push_byte(&mut self, byte: u8, emit: &mut impl FnMut(AssemblerEvent)) {
        match byte {
            SYSEX_START => {
                if let Some(event) = self.finish_unterminated(Some(byte)) {
                    emit(event);
                }
                self.start = Some(self.position);
                self.buf.clear();
                self.overflow_len = None;
                self.append(byte);
            }
            0xF8..=0xFF => {
                if self.start.is_some() {
                    self.stats.realtime_skipped += 1;
                } else {
                    self.stats.outside_bytes += 1;
                }
            }
            SYSEX_END if self.start.is_some() => {
                self.append(byte);
                let offset = self.start.take().unwrap_or_default();
                let event = match self.overflow_len.take() {
                    Some(len) => {
                        self.stats.overflowed += 1;
                        AssemblerEvent::Overflow {
                            offset,
                            len,
                            terminated: true,
                        }
                    }
                    None => {
                        self.stats.messages += 1;
                        AssemblerEvent::Message {
                            bytes: std::mem::take(&mut self.buf),
                            offset,
                        }
                    }
                };
                emit(event);
            }
            0x80..=0xFF => {
                if let Some(event) = self.finish_unterminated(Some(byte)) {
                    emit(event);
                }
                self.stats.outside_bytes += 1;
            }
            _ if self.start.is_some() => self.append(byte),
            _ => self.stats.outside_bytes += 1,
        }
    }

    fn append(&mut self, byte: u8) {
        if let Some(len) = self.overflow_len.as_mut() {
            *len += 1;
        } else if self.buf.len() < self.max_message_len {
            self.buf.push(byte);
        } else {
            self.overflow_len = Some(self.buf.len() as u64 + 1);
            self.buf = Vec::new();
        }
    }

    fn finish_unterminated(&mut self, interrupted_by: Option<u8>) -> Option<AssemblerEvent> {
        let offset = self.start.take()?;
        if let Some(len) = self.overflow_len.take() {
            self.stats.overflowed += 1;
            return Some(AssemblerEvent::Overflow {
                offset,
                len,
                terminated: false,
            });
        }
        self.stats.unterminated += 1;
        Some(AssemblerEvent::Unterminated {
            bytes: std::mem::take(&mut self.buf),
            offset,
            interrupted_by,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn all(bytes: &[u8], max: usize) -> (Vec<AssemblerEvent>, AssemblerStats) {
        let mut a = Assembler::new(max);
        let mut out = a.push_collect(bytes);
        out.extend(a.flush());
        (out, a.stats())
    }

    #[test]
    fn realtime_inside_is_skipped() {
        let (events, stats) = all(&[0xF0, 0x43, 0xF8, 0x10, 0xFE, 0xF7], 64);
        assert_eq!(
            events,
            vec![AssemblerEvent::Message {
                bytes: vec![0xF0, 0x43, 0x10, 0xF7],
                offset: 0
            }]
        );
        assert_eq!(stats.realtime_skipped, 2);
    }

    #[test]
    fn status_byte_ends_as_unterminated() {
        let (events, stats) = all(&[0x01, 0xF0, 0x41, 0x10, 0x90, 0x40, 0x7F], 64);
        assert_eq!(
            events,
            vec![AssemblerEvent::Unterminated {
                bytes: vec![0xF0, 0x41, 0x10],
                offset: 1,
                interrupted_by: Some(0x90)
            }]
        );
        assert_eq!(stats.outside_bytes, 4);
    }

    #[test]
    fn overflow_is_reported_and_next_message_passes() {
        let mut stream = vec![0xF0];
        stream.extend([0x11; 20]);
        stream.push(0xF7);
        stream.extend([0xF0, 0x7E, 0xF7]);
        let (events, stats) = all(&stream, 8);
        assert_eq!(
            events[0],
            AssemblerEvent::Overflow {
                offset: 0,
                len: 22,
                terminated: true
            }
        );
        assert!(
            matches!(&events[1], AssemblerEvent::Message { bytes, .. } if bytes == &[0xF0, 0x7E, 0xF7])
        );
        assert_eq!(stats.overflowed, 1);
    }

    #[test]
    fn flush_keeps_partial_message() {
        let (events, _) = all(&[0xF0, 0x04, 0x01], 64);
        assert!(
            matches!(&events[0], AssemblerEvent::Unterminated { interrupted_by: None, bytes, .. } if bytes.len() == 3)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn fragmentation_does_not_matter(
            stream in proptest::collection::vec(prop_oneof![
                Just(0xF0u8), Just(0xF7u8), Just(0xF8u8), Just(0x90u8), 0u8..0x80, any::<u8>()
            ], 0..400),
            cuts in proptest::collection::vec(0usize..400, 0..20),
            max in 2usize..64,
        ) {
            let whole = all(&stream, max);
            let mut a = Assembler::new(max);
            let mut out = Vec::new();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(stream.len())).collect();
            cuts.sort_unstable();
            let mut prev = 0;
            for c in cuts.into_iter().chain([stream.len()]) {
                out.extend(a.push_collect(&stream[prev..c]));
                prev = c;
            }
            out.extend(a.flush());
            prop_assert_eq!(whole, (out, a.stats()));
        }

        #[test]
        fn never_panics_and_stays_bounded(stream in proptest::collection::vec(any::<u8>(), 0..256), max in 2usize..32) {
            let mut a = Assembler::new(max);
            for e in a.push_collect(&stream) {
                if let AssemblerEvent::Message { bytes, .. } | AssemblerEvent::Unterminated { bytes, .. } = e {
                    prop_assert!(bytes.len() <= max);
                }
            }
        }
    }
}
