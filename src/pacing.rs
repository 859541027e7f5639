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
}
