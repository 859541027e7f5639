//! The take recorder: turns captured bytes (with their time in samples) into takes. A take starts
//! with the first byte and ends after an idle gap with no bytes (default 1,000 ms, SysEx
//! Librarian's receive time-out, re-armed on every byte so a slow dump is never cut) or when
//! recording stops. A message cut off by the gap or the stop is kept as unterminated. Only SysEx
//! bytes open or extend a take: notes, controllers and clock arriving on the same port (a
//! synth's own MIDI out, on the direct route or the command line) never do.

use super::entry::{Entry, Source};
use crate::sysex::assembler::{Assembler, AssemblerEvent};

/// Default idle gap that ends a take, in milliseconds.
pub const DEFAULT_IDLE_GAP_MS: u32 = 1_000;

/// A finished take.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Take {
    /// Complete messages in arrival order.
    pub messages: Vec<Vec<u8>>,
    /// Messages without `F7`.
    pub unterminated: Vec<Vec<u8>>,
    /// Messages lost before assembly (capture buffer full) or over the size limit.
    pub lost_messages: u64,
    /// Sample time of the first byte.
    pub start_sample: u64,
    /// Sample time of the last byte.
    pub end_sample: u64,
}

impl Take {
    /// The take as a library entry recognised with `registry`, created at `created_unix_ms`,
    /// keeping its unterminated messages and its loss count.
    pub fn into_entry(self, registry: &crate::devices::Registry, created_unix_ms: u64) -> Entry {
        let mut entry = Entry::new(registry, self.messages, Source::Capture, created_unix_ms);
        entry.unterminated = self.unterminated;
        entry.lost_messages = self.lost_messages;
        entry
    }
}

impl Take {
    /// Bytes of the complete messages.
    pub fn byte_len(&self) -> usize {
        self.messages.iter().map(Vec::len).sum()
    }
}

/// Groups captured bytes into takes.
#[derive(Debug)]
pub struct TakeRecorder {
    assembler: Assembler,
    current: Option<Take>,
    gap_samples: u64,
    finished: Vec<Take>,
}

impl TakeRecorder {
    /// A recorder that keeps messages up to `max_message_len` bytes and ends a take after
    /// `gap_samples` samples without bytes.
    pub fn new(max_message_len: usize, gap_samples: u64) -> TakeRecorder {
        TakeRecorder {
            assembler: Assembler::new(max_message_len),
            current: None,
            gap_samples: gap_samples.max(1),
            finished: Vec::new(),
        }
    }

    /// Changes the idle gap.
    pub fn set_gap_samples(&mut self, gap_samples: u64) {
        self.gap_samples = gap_samples.max(1);
    }

    /// Feeds bytes that arrived at sample time `at`. Bytes that carry no SysEx (a note, a
    /// controller) neither open a take nor keep one open; a status byte inside a message still
    /// ends that message as unterminated.
    pub fn feed(&mut self, at: u64, bytes: &[u8]) {
        let Some(&first) = bytes.first() else {
            return;
        };
        let continues = self.assembler.in_message() && (first < 0x80 || first == 0xF7);
        if continues || bytes.contains(&0xF0) {
            self.touch(at);
        } else {
            self.tick(at);
        }
        let mut events = Vec::new();
        self.assembler.push(bytes, |e| events.push(e));
        for e in events {
            self.file(e);
        }
    }

    /// Records messages lost before they reached the recorder.
    pub fn lost(&mut self, at: u64, messages: u64) {
        if messages == 0 {
            return;
        }
        self.touch(at).lost_messages += messages;
    }

    /// A SysEx message (or a fragment of one) that arrived at `at` but was refused before it
    /// reached the recorder (over the size limit, no room). It is counted on the take, and a
    /// message it was part of is dropped whole: its remaining fragments are not assembled into
    /// a well-framed but damaged message.
    pub fn lost_fragment(&mut self, at: u64) {
        self.touch(at).lost_messages += 1;
        self.assembler.abort();
    }

    /// Abandons the message in progress because one of its fragments was dropped (the loss is
    /// counted elsewhere): what follows of it is not assembled.
    pub fn abort_message(&mut self) {
        self.assembler.abort();
    }

    /// A copy of the take in progress as it stands, with the bytes of a message still arriving
    /// kept as unterminated (what a save made now must contain); `None` when no take is open.
    pub fn snapshot(&self) -> Option<Take> {
        let mut take = self.current.clone()?;
        let pending = self.assembler.pending_bytes();
        if !pending.is_empty() {
            take.unterminated.push(pending.to_vec());
        }
        Some(take)
    }

    /// Activity at sample `at`: ends the take in progress if the gap has passed (judged on
    /// sample time, however late the worker reads the bytes), then returns the take that `at`
    /// belongs to, starting one if needed.
    fn touch(&mut self, at: u64) -> &mut Take {
        self.tick(at);
        let take = self.current.get_or_insert_with(|| Take {
            start_sample: at,
            ..Take::default()
        });
        take.end_sample = at;
        take
    }

    /// Ends the take in progress if `now` is at least one idle gap after its last byte.
    pub fn tick(&mut self, now: u64) {
        if let Some(take) = &self.current {
            if now.saturating_sub(take.end_sample) >= self.gap_samples {
                self.close();
            }
        }
    }

    /// Ends the take in progress (recording stopped).
    pub fn stop(&mut self) {
        self.close();
    }

    /// Takes that have finished since the last call.
    pub fn drain_finished(&mut self) -> Vec<Take> {
        std::mem::take(&mut self.finished)
    }

    /// `(messages, bytes)` of the take in progress, including a message still arriving.
    pub fn in_progress(&self) -> Option<(usize, u64)> {
        self.current.as_ref().map(|t| {
            (
                t.messages.len(),
                t.byte_len() as u64 + self.assembler.pending_len(),
            )
        })
    }

    fn close(&mut self) {
        if let Some(e) = self.assembler.flush() {
            self.file(e);
        }
        if let Some(take) = self.current.take() {
            self.finished.push(take);
        }
    }

    fn file(&mut self, event: AssemblerEvent) {
        let Some(take) = self.current.as_mut() else {
            return;
        };
        match event {
            AssemblerEvent::Message { bytes, .. } => take.messages.push(bytes),
            AssemblerEvent::Unterminated { bytes, .. } => take.unterminated.push(bytes),
            AssemblerEvent::Overflow { .. } => take.lost_messages += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_gap_splits_takes() {
        let mut r = TakeRecorder::new(1024, 48_000);
        r.feed(0, &[0xF0, 0x01, 0xF7]);
        r.feed(40_000, &[0xF0, 0x02]);
        r.feed(80_000, &[0x03, 0xF7]);
        r.tick(127_999);
        assert!(r.drain_finished().is_empty());
        assert_eq!(r.in_progress(), Some((2, 7)));
        r.tick(128_000);
        let takes = r.drain_finished();
        assert_eq!(takes.len(), 1);
        assert_eq!(
            takes[0].messages,
            vec![vec![0xF0, 0x01, 0xF7], vec![0xF0, 0x02, 0x03, 0xF7]]
        );
        assert_eq!((takes[0].start_sample, takes[0].end_sample), (0, 80_000));
        r.feed(200_000, &[0xF0, 0x05, 0xF7]);
        r.stop();
        assert_eq!(r.drain_finished()[0].messages.len(), 1);
    }

    #[test]
    fn gap_is_judged_on_sample_time_even_without_ticks() {
        let mut r = TakeRecorder::new(1024, 100);
        r.feed(0, &[0xF0, 0x01, 0xF7]);
        r.feed(500, &[0xF0, 0x02, 0xF7]);
        r.stop();
        assert_eq!(r.drain_finished().len(), 2);
    }

    #[test]
    fn partial_message_at_the_gap_is_kept_unterminated() {
        let mut r = TakeRecorder::new(1024, 10);
        r.feed(0, &[0xF0, 0x41, 0x10]);
        r.lost(1, 2);
        r.tick(100);
        let t = &r.drain_finished()[0];
        assert!(t.messages.is_empty());
        assert_eq!(t.unterminated, vec![vec![0xF0, 0x41, 0x10]]);
        assert_eq!(t.lost_messages, 2);
    }

    #[test]
    fn notes_and_controllers_neither_open_nor_extend_a_take() {
        let mut r = TakeRecorder::new(1024, 100);
        r.feed(0, &[0x90, 0x40, 0x7F]);
        r.feed(10, &[0xB0, 0x07, 0x64]);
        r.tick(1_000);
        assert!(r.drain_finished().is_empty(), "no empty take from notes");
        assert_eq!(r.in_progress(), None);
        // A CC stream between two dumps does not merge them.
        r.feed(2_000, &[0xF0, 0x01, 0xF7]);
        for t in (2_050..2_400).step_by(50) {
            r.feed(t, &[0xB0, 0x01, 0x10]);
        }
        r.feed(2_400, &[0xF0, 0x02, 0xF7]);
        r.stop();
        let takes = r.drain_finished();
        assert_eq!(takes.len(), 2);
        assert_eq!(takes[0].messages, vec![vec![0xF0, 0x01, 0xF7]]);
        assert_eq!(takes[1].messages, vec![vec![0xF0, 0x02, 0xF7]]);
    }

    #[test]
    fn continuation_fragments_extend_the_take_and_a_note_cuts_the_message() {
        let mut r = TakeRecorder::new(1024, 100);
        r.feed(0, &[0xF0, 0x41]);
        r.feed(90, &[0x10, 0x20]);
        r.feed(180, &[0x30, 0xF7]);
        r.feed(200, &[0xF0, 0x42]);
        r.feed(210, &[0x90, 0x40, 0x7F]);
        r.stop();
        let t = r.drain_finished().remove(0);
        assert_eq!(t.messages, vec![vec![0xF0, 0x41, 0x10, 0x20, 0x30, 0xF7]]);
        assert_eq!(t.unterminated, vec![vec![0xF0, 0x42]]);
    }

    #[test]
    fn a_refused_middle_fragment_drops_the_whole_message_and_is_counted() {
        let mut r = TakeRecorder::new(1024, 100);
        r.feed(0, &[0xF0, 0x01, 0xF7]);
        r.feed(1, &[0xF0, 0x43, 0x00]);
        r.lost_fragment(2);
        r.feed(3, &[0x33, 0x44, 0xF7]);
        r.feed(4, &[0xF0, 0x02, 0xF7]);
        r.stop();
        let t = r.drain_finished().remove(0);
        assert_eq!(
            t.messages,
            vec![vec![0xF0, 0x01, 0xF7], vec![0xF0, 0x02, 0xF7]]
        );
        assert!(t.unterminated.is_empty());
        assert_eq!(t.lost_messages, 1);
    }

    #[test]
    fn snapshot_holds_every_byte_so_far_without_closing_the_take() {
        let mut r = TakeRecorder::new(1024, 100);
        assert_eq!(r.snapshot(), None);
        r.feed(0, &[0xF0, 0x01, 0xF7, 0xF0, 0x02]);
        let snap = r.snapshot().unwrap();
        assert_eq!(snap.messages, vec![vec![0xF0, 0x01, 0xF7]]);
        assert_eq!(snap.unterminated, vec![vec![0xF0, 0x02]]);
        r.feed(10, &[0x03, 0xF7]);
        r.stop();
        let t = r.drain_finished().remove(0);
        assert_eq!(
            t.messages,
            vec![vec![0xF0, 0x01, 0xF7], vec![0xF0, 0x02, 0x03, 0xF7]]
        );
    }

    #[test]
    fn over_limit_message_is_counted_as_lost() {
        let mut r = TakeRecorder::new(4, 10);
        r.feed(0, &[0xF0, 1, 2, 3, 4, 5, 0xF7, 0xF0, 0x7E, 0xF7]);
        r.stop();
        let t = &r.drain_finished()[0];
        assert_eq!(t.lost_messages, 1);
        assert_eq!(t.messages, vec![vec![0xF0, 0x7E, 0xF7]]);
    }
}
