//! The host's SysEx input, event by event: counts what arrives, tells a continuation fragment
//! from a message whose host stripped `F0`/`F7` (and frames the latter again), and drops the rest
//! of a message one of whose fragments was refused, so it never reaches anyone as a whole,
//! damaged message. Runs on the audio thread: no allocation.

use super::counters::Counters;
use super::pool::{Rejection, VaultSysEx};
use std::sync::atomic::Ordering;

/// What became of one SysEx event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arrival {
    /// The rest of a damaged message: dropped without a trace.
    Skipped,
    /// Refused (over 1 MiB, or the pool is full) and counted; the rest of its message will be
    /// skipped.
    Refused,
    /// Counted and ready to capture or pass on (framed again if the host stripped `F0`/`F7`).
    Accepted,
}

/// The input's state between events.
#[derive(Debug, Default)]
pub struct SysExInput {
    /// The last event started a message without finishing it, so a data-only event that
    /// follows is its continuation (not a message with stripped framing).
    in_fragment: bool,
    /// A fragment of the message in progress was refused: its remaining fragments are dropped.
    discarding: bool,
}

impl SysExInput {
    /// Takes one SysEx event from the host (see [`Arrival`]); `message` may be replaced by its
    /// framed copy.
    pub fn receive(&mut self, message: &mut VaultSysEx, counters: &Counters) -> Arrival {
        if self.skip_damaged(message) {
            return Arrival::Skipped;
        }
        self.reframe(message);
        if !accept(message, counters) {
            // The rest of a message it was a fragment of (a middle one, or the first) is dropped.
            if std::mem::take(&mut self.in_fragment) || message.opens_unfinished() {
                self.discarding = true;
            }
            return Arrival::Refused;
        }
        Arrival::Accepted
    }

    /// True when `message` belongs to a damaged message (and must be dropped); the damaged
    /// message ends with its `F7` or a new `F0`.
    fn skip_damaged(&mut self, message: &VaultSysEx) -> bool {
        if !self.discarding {
            return false;
        }
        let bytes = message.bytes();
        if bytes.first() == Some(&0xF0) {
            self.discarding = false;
            return false;
        }
        if bytes.last() == Some(&0xF7) {
            self.discarding = false;
        }
        true
    }

    /// Gives a data-only message that does not continue a fragment its framing back (one that
    /// then no longer fits is rejected, and counted by [`accept`]).
    fn reframe(&mut self, message: &mut VaultSysEx) {
        let bytes = message.bytes();
        let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
            return;
        };
        if first != 0xF0 && !self.in_fragment {
            *message = message.reframed();
        } else {
            self.in_fragment = last != 0xF7;
        }
    }
}

/// Counts a SysEx event; true when it may be captured or passed on.
fn accept(message: &VaultSysEx, c: &Counters) -> bool {
    match message.rejection() {
        Some(why) => {
            Counters::add(
                match why {
                    Rejection::TooLong => &c.rejected_too_long,
                    Rejection::PoolFull => &c.rejected_pool_full,
                },
                1,
            );
            c.last_rejected_len
                .store(message.len() as u64, Ordering::Relaxed);
            false
        }
        None => {
            Counters::add(&c.sysex_in, 1);
            Counters::add(&c.sysex_in_bytes, message.len() as u64);
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::pool::{self, MAX_MESSAGE_LEN};

    fn run(input: &mut SysExInput, counters: &Counters, bytes: &[u8]) -> (Arrival, Vec<u8>) {
        let mut m = VaultSysEx::store(bytes);
        let a = input.receive(&mut m, counters);
        (a, m.bytes().to_vec())
    }

    #[test]
    fn stripped_framing_is_restored_but_a_continuation_is_left_alone() {
        pool::init();
        let (mut input, c) = (SysExInput::default(), Counters::default());
        assert_eq!(
            run(&mut input, &c, &[0x43, 0x10, 0x01]),
            (Arrival::Accepted, vec![0xF0, 0x43, 0x10, 0x01, 0xF7])
        );
        assert_eq!(
            run(&mut input, &c, &[0xF0, 0x43, 0x10]),
            (Arrival::Accepted, vec![0xF0, 0x43, 0x10])
        );
        assert_eq!(
            run(&mut input, &c, &[0x01, 0x02]),
            (Arrival::Accepted, vec![0x01, 0x02]),
            "a middle fragment is not framed"
        );
        assert_eq!(
            run(&mut input, &c, &[0x03, 0xF7]),
            (Arrival::Accepted, vec![0x03, 0xF7])
        );
        assert_eq!(c.sysex_in.load(Ordering::Relaxed), 4);
        assert_eq!(c.sysex_in_bytes.load(Ordering::Relaxed), 5 + 3 + 2 + 2);
    }

    #[test]
    fn a_refused_fragment_takes_the_rest_of_its_message_with_it() {
        pool::init();
        let (mut input, c) = (SysExInput::default(), Counters::default());
        assert_eq!(
            run(&mut input, &c, &[0xF0, 0x43, 0x10]).0,
            Arrival::Accepted
        );
        let mut too_long = vec![0x01; MAX_MESSAGE_LEN + 1];
        too_long[0] = 0x02;
        assert_eq!(run(&mut input, &c, &too_long).0, Arrival::Refused);
        assert_eq!(c.rejected_too_long.load(Ordering::Relaxed), 1);
        assert_eq!(
            c.last_rejected_len.load(Ordering::Relaxed),
            (MAX_MESSAGE_LEN + 1) as u64
        );
        assert_eq!(run(&mut input, &c, &[0x05]).0, Arrival::Skipped);
        assert_eq!(run(&mut input, &c, &[0x06, 0xF7]).0, Arrival::Skipped);
        assert_eq!(
            run(&mut input, &c, &[0xF0, 0x7E, 0xF7]),
            (Arrival::Accepted, vec![0xF0, 0x7E, 0xF7]),
            "the next message is whole again"
        );
        // A new F0 also ends the damaged message.
        let mut first = vec![0x01; MAX_MESSAGE_LEN + 1];
        first[0] = 0xF0;
        assert_eq!(run(&mut input, &c, &first).0, Arrival::Refused);
        assert_eq!(run(&mut input, &c, &[0x01]).0, Arrival::Skipped);
        assert_eq!(run(&mut input, &c, &[0xF0, 0xF7]).0, Arrival::Accepted);
        assert_eq!(c.sysex_in.load(Ordering::Relaxed), 3);
    }
}
