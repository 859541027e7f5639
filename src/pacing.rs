//! Pacing: how fast SysEx may leave for a synth. A byte-rate cap (the DIN wire rate by default) and
//! a gap after each message, so slow synths can write their flash. Pure arithmetic, shared by the
//! real-time scheduler, the file writers and the command line.

use serde::{Deserialize, Serialize};

/// MIDI 1.0 over 5-pin DIN: 31,250 baud, 10 bits a byte.
pub const DIN_BYTES_PER_SECOND: u32 = 3_125;

/// Pacing settings for one send job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pacing {
    /// Maximum average byte rate; a message is never started before the previous one has fully
    /// left at this rate. Must be at least 1.
    pub bytes_per_second: u32,
    /// Silence after each message, in milliseconds.
    pub gap_after_message_ms: u32,
}

impl Default for Pacing {
    fn default() -> Self {
        Pacing::DIN
    }
}

impl Pacing {
    /// DIN MIDI wire rate and SysEx Librarian's 150 ms pause: safe for any synth on a cable.
    pub const DIN: Pacing = Pacing {
        bytes_per_second: DIN_BYTES_PER_SECOND,
        gap_after_message_ms: 150,
    };

    /// For synths on a direct USB-MIDI connection, which take bytes much faster than DIN.
    pub const USB_FAST: Pacing = Pacing {
        bytes_per_second: 100_000,
        gap_after_message_ms: 10,
    };

    /// Seconds a message of `len` bytes occupies the wire.
    pub fn wire_seconds(&self, len: usize) -> f64 {
        len as f64 / f64::from(self.bytes_per_second.max(1))
    }

    /// Seconds from the start of a message of `len` bytes to the earliest start of the next one.
    pub fn slot_seconds(&self, len: usize) -> f64 {
        self.wire_seconds(len) + f64::from(self.gap_after_message_ms) / 1000.0
    }

    /// Start time in seconds of each message, the first at 0.
    pub fn start_times(&self, lens: impl IntoIterator<Item = usize>) -> Vec<f64> {
        let mut t = 0.0;
        lens.into_iter()
            .map(|len| {
                let start = t;
                t += self.slot_seconds(len);
                start
            })
            .collect()
    }

    /// Seconds to send messages of these lengths, the last gap included.
    pub fn total_seconds(&self, lens: impl IntoIterator<Item = usize>) -> f64 {
        lens.into_iter().map(|len| self.slot_seconds(len)).sum()
    }
}

/// The pacing the user chose for sends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum PacingChoice {
    /// [`Pacing::DIN`]: safe on any cable (default).
    #[default]
    Din,
    /// [`Pacing::USB_FAST`].
    UsbFast,
    /// The device profile's own pacing.
    Device,
    /// The user's own settings.
    Custom(Pacing),
}

impl PacingChoice {
    /// The pacing for a job whose device profile would use `device`.
    pub fn resolve(self, device: Pacing) -> Pacing {
        match self {
            PacingChoice::Din => Pacing::DIN,
            PacingChoice::UsbFast => Pacing::USB_FAST,
            PacingChoice::Device => device,
            PacingChoice::Custom(p) => p,
        }
    }
}

/// Plans when each message of a send job starts. Allocation-free, for the audio thread.
///
/// Times are seconds since the job started. A message is planned at the previous one's planned
/// start plus its slot ([`Pacing::slot_seconds`]); if a message actually left later than planned
/// (the host refused it, the pool was full), the plan is rebased on when it really left, so the
/// next message still never starts before the previous one has fully left at the configured rate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Planner {
    pacing: Pacing,
    next_s: f64,
}

impl Planner {
    /// A plan whose first message starts at time 0.
    pub fn new(pacing: Pacing) -> Planner {
        Planner {
            pacing,
            next_s: 0.0,
        }
    }

    /// A plan whose first message starts at `start_s` seconds (the time the previous job's last
    /// message needs to leave, plus its gap).
    pub fn starting_at(pacing: Pacing, start_s: f64) -> Planner {
        Planner {
            pacing,
            next_s: start_s.max(0.0),
        }
    }

    /// Planned start of the next message, in seconds.
    pub fn next_start(&self) -> f64 {
        self.next_s
    }

    /// The pacing in use.
    pub fn pacing(&self) -> Pacing {
        self.pacing
    }

    /// Samples from `now_samples` (job time, at `sample_rate`) to the next planned start,
    /// rounded up so a message never starts early; 0 when it is already due.
    pub fn samples_until_next(&self, now_samples: u64, sample_rate: f64) -> u64 {
        let due = (self.next_s * sample_rate - 1e-6).ceil();
        (due - now_samples as f64).max(0.0) as u64
    }

    /// Records that a message of `len` bytes left at `actual_s` seconds. The next start is the
    /// plan's (so rounding to samples never accumulates), but never before this message has
    /// fully left at the byte rate (only the gap may shrink, by less than a sample).
    pub fn sent(&mut self, len: usize, actual_s: f64, sample_rate: f64) {
        let late = actual_s > self.next_s + 1.0 / sample_rate.max(1.0);
        let start = if late { actual_s } else { self.next_s };
        self.next_s =
            (start + self.pacing.slot_seconds(len)).max(actual_s + self.pacing.wire_seconds(len));
    }
}

/// A bound on what is handed to a driver queue that is emptied once per period (midir's JACK
/// output: a 16 KiB ring of bytes and a ring of 2,048 message lengths, read by the JACK process
/// callback, which writes every queued message into that period's port buffer). Keeping what is
/// handed over in any `window` (two periods and a margin) within `budget` bytes and
/// `max_messages` messages means the queue never holds more than it can take at once, so a
/// message is never cut or overwritten there. Times are seconds on any monotonic clock.
#[derive(Clone, Debug, PartialEq)]
pub struct FlowWindow {
    window_s: f64,
    budget: usize,
    max_messages: usize,
    recent: std::collections::VecDeque<(f64, usize)>,
}

impl FlowWindow {
    /// A window of `window_s` seconds holding at most `budget` bytes in `max_messages` messages.
    pub fn new(window_s: f64, budget: usize, max_messages: usize) -> FlowWindow {
        FlowWindow {
            window_s: window_s.max(0.0),
            budget: budget.max(1),
            max_messages: max_messages.max(1),
            recent: std::collections::VecDeque::new(),
        }
    }

    /// Changes the window length (the driver's period changed).
    pub fn set_window(&mut self, window_s: f64) {
        self.window_s = window_s.max(0.0);
    }

    /// The earliest time at or after `now_s` at which `len` more bytes fit in the window. A
    /// message larger than the budget fits only in an empty window.
    pub fn earliest(&self, now_s: f64, len: usize) -> f64 {
        let live = |(t, _): &&(f64, usize)| *t + self.window_s > now_s;
        let mut bytes: usize = self.recent.iter().filter(live).map(|(_, n)| n).sum();
        let mut count = self.recent.iter().filter(live).count();
        let mut at = now_s;
        for (t, n) in self.recent.iter().filter(live) {
            if count == 0 || (bytes + len <= self.budget && count < self.max_messages) {
                break;
            }
            at = at.max(t + self.window_s);
            bytes -= n;
            count -= 1;
        }
        at
    }

    /// Records `len` bytes handed over at `at_s`.
    pub fn sent(&mut self, at_s: f64, len: usize) {
        while self
            .recent
            .front()
            .is_some_and(|(t, _)| t + self.window_s <= at_s)
        {
            self.recent.pop_front();
        }
        self.recent.push_back((at_s, len));
    }

    /// When everything handed over so far has had a full window to leave the queue.
    pub fn drained_at(&self) -> f64 {
        self.recent.back().map_or(0.0, |(t, _)| t + self.window_s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planner_follows_start_times_and_rebases_when_late() {
        let p = Pacing::DIN;
        let mut plan = Planner::new(p);
        let starts = p.start_times([100, 200, 300]);
        let sr = 48_000.0;
        for (i, len) in [100, 200].into_iter().enumerate() {
            assert!((plan.next_start() - starts[i]).abs() < 1e-12);
            let at = plan.samples_until_next(0, sr);
            plan.sent(len, at as f64 / sr, sr);
        }
        assert!((plan.next_start() - starts[2]).abs() < 1e-12);
        // Sent 10 ms late: the next start moves by 10 ms too.
        plan.sent(300, starts[2] + 0.010, sr);
        assert!((plan.next_start() - (starts[2] + 0.010 + p.slot_seconds(300))).abs() < 1e-12);
    }

    #[test]
    fn never_early() {
        let plan = Planner {
            pacing: Pacing::DIN,
            next_s: 0.1,
        };
        // 0.1 s at 44.1 kHz is 4410 samples exactly.
        assert_eq!(plan.samples_until_next(0, 44_100.0), 4410);
        assert_eq!(plan.samples_until_next(4000, 44_100.0), 410);
        assert_eq!(plan.samples_until_next(5000, 44_100.0), 0);
    }

    #[test]
    fn din_dx7_bank_takes_the_wire_time_plus_gap() {
        let p = Pacing::DIN;
        assert!((p.wire_seconds(4104) - 1.31328).abs() < 1e-9);
        let starts = p.start_times([4104, 4104]);
        assert_eq!(starts[0], 0.0);
        assert!((starts[1] - 1.46328).abs() < 1e-9);
    }

    #[test]
    fn zero_rate_is_treated_as_one_byte_per_second() {
        let p = Pacing {
            bytes_per_second: 0,
            gap_after_message_ms: 0,
        };
        assert_eq!(p.wire_seconds(10), 10.0);
    }

    #[test]
    fn flow_window_never_holds_more_than_its_budget() {
        let mut w = FlowWindow::new(0.05, 16_000, 1_000);
        assert_eq!(w.earliest(0.0, 8_000), 0.0);
        w.sent(0.0, 8_000);
        assert_eq!(w.earliest(0.001, 8_000), 0.001, "two of 8,000 fit");
        w.sent(0.001, 8_000);
        // A third has to wait until the first has had its window.
        assert!((w.earliest(0.002, 8_000) - 0.05).abs() < 1e-12);
        // A message over the budget waits for an empty window.
        assert!((w.earliest(0.002, 20_000) - 0.051).abs() < 1e-12);
        assert!((w.drained_at() - 0.051).abs() < 1e-12);
        // The message count is bounded too.
        let mut w = FlowWindow::new(0.05, 16_000, 2);
        w.sent(0.0, 3);
        w.sent(0.0, 3);
        assert!((w.earliest(0.01, 3) - 0.05).abs() < 1e-12);
    }

    proptest::proptest! {
        #[test]
        fn flow_window_sums_stay_within_budget(lens in proptest::collection::vec(1usize..20_000, 1..60)) {
            let (window, budget) = (0.01, 16_000);
            let mut w = FlowWindow::new(window, budget, 8);
            let mut now = 0.0;
            let mut sent: Vec<(f64, usize)> = vec![];
            for len in lens {
                now = w.earliest(now, len);
                w.sent(now, len);
                sent.push((now, len));
                now += 0.0003;
            }
            for (i, (t, len)) in sent.iter().enumerate() {
                let earlier = sent[..i].iter().filter(|(s, _)| s + window > *t);
                let inside: usize = earlier.clone().map(|(_, n)| n).sum();
                let count = earlier.count();
                proptest::prop_assert!(inside == 0 || inside + len <= budget, "{inside} + {len}");
                proptest::prop_assert!(count < 8, "{count} messages in the window");
            }
        }
    }
}
