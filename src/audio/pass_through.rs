//! Pass-through of SysEx to the host's output, keeping messages whole: the rest of a message the
//! host refused a fragment of is dropped, and one whose start went out is ended with `F7`
//! (counted in [`Counters::pass_through_cut`]). While a passed-through message is open, nothing
//! else may be sent, so a sent message never lands between its fragments. Runs on the audio
//! thread: no allocation.

use super::counters::Counters;
use super::pool::VaultSysEx;

/// Where passed-through SysEx goes: the host's output event queue.
pub trait Outlet {
    /// Hands `message` to the host at `timing`; false when the host refused it.
    fn send(&mut self, timing: u32, message: VaultSysEx) -> bool;
}

/// The pass-through's state between events.
#[derive(Debug, Default)]
pub struct PassThrough {
    /// A message whose start went out and whose `F7` has not, with the audio clock of its last
    /// fragment.
    open: Option<u64>,
    /// The rest of a message that was cut is dropped, up to its `F7` or the next `F0`.
    discarding: bool,
    /// The `F7` that ends a cut message is still to go out (the host refused it).
    owes_end: bool,
}

impl PassThrough {
    /// Whether a passed-through message is open or owes its end: sending must wait.
    pub fn is_open(&self) -> bool {
        self.open.is_some() || self.owes_end
    }

    /// Passes a SysEx message or fragment on, arriving at audio clock `at` (`timing` in the
    /// block).
    pub fn pass(
        &mut self,
        out: &mut impl Outlet,
        counters: &Counters,
        (at, timing): (u64, u32),
        message: VaultSysEx,
    ) {
        let bytes = message.bytes();
        let (starts, ends) = (bytes.first() == Some(&0xF0), bytes.last() == Some(&0xF7));
        if self.discarding {
            if !starts {
                self.discarding = !ends;
                return;
            }
            self.discarding = false;
        }
        if starts {
            // The host starts a new message without ending the one before: end that one first.
            self.cut(out, counters, timing);
        }
        if self.owes_end && !self.end_cut_message(out, counters, timing) {
            // The host takes nothing now: this message could not go out whole either.
            Counters::add(&counters.host_refused, 1);
            self.discarding = !ends;
            return;
        }
        if out.send(timing, message) {
            self.open = (!ends).then_some(at);
        } else {
            Counters::add(&counters.host_refused, 1);
            self.discarding = !ends;
            // Its start went out (this was a continuation): end it so the synth sees a cut
            // message, never one joined from the fragments around the refused one.
            self.cut(out, counters, timing);
        }
    }

    /// Ends the passed-through message whose start went out, if one is open: its rest will not
    /// follow (refused, dropped, or the host began another message).
    pub fn cut(&mut self, out: &mut impl Outlet, counters: &Counters, timing: u32) {
        if self.open.take().is_some() {
            self.owes_end = true;
            self.end_cut_message(out, counters, timing);
        }
    }

    /// Ends a message the host has left open for longer than `gap` samples before audio clock
    /// `now`, so that sending can go on (its late fragments are dropped), and retries an owed
    /// `F7`.
    pub fn end_abandoned(
        &mut self,
        out: &mut impl Outlet,
        counters: &Counters,
        now: u64,
        gap: u64,
    ) {
        if self.owes_end {
            self.end_cut_message(out, counters, 0);
            return;
        }
        let Some(last) = self.open else {
            return;
        };
        if now.saturating_sub(last) > gap {
            self.open = None;
            self.discarding = true;
            self.owes_end = true;
            self.end_cut_message(out, counters, 0);
        }
    }

    /// Sends the `F7` that ends a cut message; false when it could not go out (tried again
    /// before the next event).
    fn end_cut_message(&mut self, out: &mut impl Outlet, counters: &Counters, timing: u32) -> bool {
        let end = VaultSysEx::store(&[0xF7]);
        let sent = end.rejection().is_none() && out.send(timing, end);
        if sent {
            self.owes_end = false;
            Counters::add(&counters.pass_through_cut, 1);
        }
        sent
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::pool;
    use std::sync::atomic::Ordering;

    /// A host that takes or refuses each event as told, and records what it took.
    #[derive(Default)]
    struct Host {
        took: Vec<Vec<u8>>,
        refuse_next: usize,
    }

    impl Outlet for Host {
        fn send(&mut self, _timing: u32, message: VaultSysEx) -> bool {
            if self.refuse_next > 0 {
                self.refuse_next -= 1;
                return false;
            }
            self.took.push(message.bytes().to_vec());
            true
        }
    }

    fn pass(p: &mut PassThrough, h: &mut Host, c: &Counters, at: u64, bytes: &[u8]) {
        p.pass(h, c, (at, 0), VaultSysEx::store(bytes));
    }

    #[test]
    fn fragments_pass_whole_and_a_refused_middle_cuts_the_message_cleanly() {
        pool::init();
        let (mut p, mut h, c) = (PassThrough::default(), Host::default(), Counters::default());
        pass(&mut p, &mut h, &c, 0, &[0xF0, 0x01]);
        assert!(p.is_open());
        pass(&mut p, &mut h, &c, 1, &[0x02, 0xF7]);
        assert!(!p.is_open());
        pass(&mut p, &mut h, &c, 2, &[0xF0, 0x03]);
        h.refuse_next = 1;
        pass(&mut p, &mut h, &c, 3, &[0x04]);
        pass(&mut p, &mut h, &c, 4, &[0x05, 0xF7]);
        pass(&mut p, &mut h, &c, 5, &[0xF0, 0x06, 0xF7]);
        assert_eq!(
            h.took,
            [
                vec![0xF0, 0x01],
                vec![0x02, 0xF7],
                vec![0xF0, 0x03],
                vec![0xF7],
                vec![0xF0, 0x06, 0xF7]
            ],
            "the cut message ends with F7, its rest is dropped, the next is whole"
        );
        assert_eq!(c.host_refused.load(Ordering::Relaxed), 1);
        assert_eq!(c.pass_through_cut.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn a_new_start_ends_the_open_message_and_an_owed_end_is_retried() {
        pool::init();
        let (mut p, mut h, c) = (PassThrough::default(), Host::default(), Counters::default());
        pass(&mut p, &mut h, &c, 0, &[0xF0, 0x01]);
        pass(&mut p, &mut h, &c, 1, &[0xF0, 0x02, 0xF7]);
        assert_eq!(
            h.took,
            [vec![0xF0, 0x01], vec![0xF7], vec![0xF0, 0x02, 0xF7]]
        );
        // Left open too long: ended; the F7 is refused once and retried on the next call.
        pass(&mut p, &mut h, &c, 10, &[0xF0, 0x03]);
        p.end_abandoned(&mut h, &c, 20, 100);
        assert!(p.is_open(), "within the gap it stays open");
        h.refuse_next = 1;
        p.end_abandoned(&mut h, &c, 200, 100);
        assert!(p.is_open(), "the F7 is owed");
        p.end_abandoned(&mut h, &c, 201, 100);
        assert!(!p.is_open());
        pass(&mut p, &mut h, &c, 202, &[0x04, 0xF7]);
        assert_eq!(
            h.took.last().unwrap(),
            &vec![0xF7],
            "the late fragment is dropped"
        );
        assert_eq!(c.pass_through_cut.load(Ordering::Relaxed), 2);
    }
}
