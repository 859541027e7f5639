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

#[cfg(test)]
mod tests {
    use super::*;

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
