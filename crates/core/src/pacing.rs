//! Pacing: how fast SysEx may leave for a synth. A byte-rate cap (the DIN wire rate by default), a
//! gap after each message, so slow synths can write their flash, and, on the direct MIDI ports,
//! optionally chunks with a pause after each inside a message (for firmware and slow receivers).
//! Pure arithmetic, shared by the real-time scheduler, the file writers and the command line.

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
    /// Send each message in chunks of this many bytes (4–256, rounded down to a multiple of 3 so
    /// USB-MIDI never gets a 1-byte packet), 0 for whole messages. Direct MIDI ports only: through
    /// the host a message always leaves whole.
    #[serde(default)]
    pub chunk_bytes: u32,
    /// Silence after each chunk but the last, in milliseconds.
    #[serde(default)]
    pub chunk_pause_ms: u32,
}

/// Smallest chunk size the user may set.
pub const MIN_CHUNK: u32 = 4;
/// Largest chunk size the user may set.
pub const MAX_CHUNK: u32 = 256;

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
        chunk_bytes: 0,
        chunk_pause_ms: 0,
    };

    /// For synths on a direct USB-MIDI connection, which take bytes much faster than DIN.
    pub const USB_FAST: Pacing = Pacing {
        bytes_per_second: 100_000,
        gap_after_message_ms: 10,
        chunk_bytes: 0,
        chunk_pause_ms: 0,
    };

    /// For firmware and slow receivers on a DIN cable: 255-byte chunks at the wire rate with a
    /// 20 ms pause after each (the Little Phatty librarian sends 64-byte chunks 20 ms apart;
    /// SysEx Librarian caps chunks at 256 bytes), and half a second after each message.
    pub const SLOW: Pacing = Pacing {
        bytes_per_second: DIN_BYTES_PER_SECOND,
        gap_after_message_ms: 500,
        chunk_bytes: 255,
        chunk_pause_ms: 20,
    };

    /// Whole-message pacing with this rate and gap.
    pub const fn whole(bytes_per_second: u32, gap_after_message_ms: u32) -> Pacing {
        Pacing {
            bytes_per_second,
            gap_after_message_ms,
            chunk_bytes: 0,
            chunk_pause_ms: 0,
        }
    }

    /// The chunk size in use: `chunk_bytes` clamped to 4–256 and rounded down to a multiple of
    /// 3; `None` for whole messages.
    pub fn chunk(&self) -> Option<usize> {
        (self.chunk_bytes > 0)
            .then(|| (self.chunk_bytes.clamp(MIN_CHUNK, MAX_CHUNK) / 3 * 3) as usize)
    }

    /// Where a message of `len` bytes is cut: the chunk lengths, in order (one for a whole
    /// message). `limit` is the most the route takes in one piece, if any.
    pub fn chunk_lengths(&self, len: usize, limit: Option<usize>) -> Vec<usize> {
        let size = match (self.chunk(), limit) {
            (Some(c), Some(l)) => c.min(l),
            (Some(c), None) => c,
            (None, Some(l)) if len > l => l,
            _ => return vec![len],
        }
        .max(1);
        let mut out = vec![size; len / size];
        if !len.is_multiple_of(size) {
            out.push(len % size);
        }
        if out.is_empty() {
            out.push(0);
        }
        out
    }

    /// The most bytes the wire carries in `tick_s` seconds at this rate, in whole groups of 3
    /// (a USB-MIDI packet carries 3 SysEx bytes), at least 3: the largest piece a direct port is
    /// handed at once, so a paced message leaves as a steady stream, never as bursts with
    /// silence between them (a receiver that ends a take after a second of silence would cut it).
    pub fn steady_piece(&self, tick_s: f64) -> usize {
        let n = (f64::from(self.bytes_per_second.max(1)) * tick_s.max(0.0)) as usize;
        (n / 3 * 3).max(3)
    }

    /// The pieces a `len`-byte message leaves a direct port in, in order, each with whether a
    /// chunk ends there (the chunk pause follows it): every chunk ([`Pacing::chunk_lengths`] with
    /// the route's `limit`), or the whole message, cut further into pieces of at most `steady`
    /// bytes ([`Pacing::steady_piece`]). Every piece but the message's last is a multiple of 3
    /// when `steady`, the chunk and `limit` are.
    pub fn pieces(&self, len: usize, limit: Option<usize>, steady: usize) -> Vec<(usize, bool)> {
        let steady = steady.max(1);
        let mut out = Vec::with_capacity(len / steady + 1);
        for chunk in self.chunk_lengths(len, limit) {
            let mut left = chunk;
            loop {
                let piece = left.min(steady);
                left -= piece;
                out.push((piece, left == 0));
                if left == 0 {
                    break;
                }
            }
        }
        out
    }

    /// Seconds the last piece of a `len`-byte message (cut at the chunk size or the route's
    /// `limit`; the whole message otherwise) takes on the wire: how long after it was handed
    /// over the synth has all of it.
    pub fn last_piece_seconds(&self, len: usize, limit: Option<usize>) -> f64 {
        let last = self.chunk_lengths(len, limit).last().copied().unwrap_or(0);
        self.wire_seconds(last)
    }

    /// Seconds a message of `len` bytes takes on a direct port: its wire time plus the pauses
    /// between its chunks.
    pub fn chunked_seconds(&self, len: usize) -> f64 {
        let pauses = self.chunk_lengths(len, None).len().saturating_sub(1);
        self.wire_seconds(len) + pauses as f64 * f64::from(self.chunk_pause_ms) / 1000.0
    }

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

    /// Seconds to send messages of these lengths through a direct port, chunk pauses and the
    /// last gap included.
    pub fn direct_total_seconds(&self, lens: impl IntoIterator<Item = usize>) -> f64 {
        let gap = f64::from(self.gap_after_message_ms) / 1000.0;
        lens.into_iter()
            .map(|len| self.chunked_seconds(len) + gap)
            .sum()
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
    /// [`Pacing::SLOW`]: chunked, for firmware and slow receivers (direct ports).
    Slow,
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
            PacingChoice::Slow => Pacing::SLOW,
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
        let gap = f64::from(self.pacing.gap_after_message_ms) / 1000.0;
        self.sent_with_gap(len, actual_s, sample_rate, gap);
    }

    /// Like [`Planner::sent`] with a gap of `gap_s` seconds after these bytes (a chunk's pause
    /// inside a message).
    pub fn sent_with_gap(&mut self, len: usize, actual_s: f64, sample_rate: f64, gap_s: f64) {
        let late = actual_s > self.next_s + 1.0 / sample_rate.max(1.0);
        let start = if late { actual_s } else { self.next_s };
        let wire = self.pacing.wire_seconds(len);
        self.next_s = (start + wire + gap_s).max(actual_s + wire);
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
        let p = Pacing::whole(0, 0);
        assert_eq!(p.wire_seconds(10), 10.0);
    }

    #[test]
    fn chunks_are_multiples_of_three_within_limits() {
        let p = Pacing {
            chunk_bytes: 100,
            chunk_pause_ms: 20,
            ..Pacing::DIN
        };
        assert_eq!(p.chunk(), Some(99));
        assert_eq!(p.chunk_lengths(250, None), vec![99, 99, 52]);
        assert_eq!(p.chunk_lengths(99, None), vec![99]);
        assert_eq!(
            Pacing {
                chunk_bytes: 1,
                ..p
            }
            .chunk(),
            Some(3)
        );
        assert_eq!(
            Pacing {
                chunk_bytes: 1000,
                ..p
            }
            .chunk(),
            Some(255)
        );
        assert_eq!(Pacing::DIN.chunk(), None);
        assert_eq!(Pacing::DIN.chunk_lengths(50_000, None), vec![50_000]);
        // A route limit cuts whole messages too (JACK's queue).
        assert_eq!(Pacing::DIN.chunk_lengths(10, Some(4)), vec![4, 4, 2]);
        assert_eq!(
            p.chunk_lengths(300, Some(45)),
            vec![45; 6].into_iter().chain([30]).collect::<Vec<_>>()
        );
        // Steady pieces: what the wire carries in a tick, in 3-byte groups; chunks are cut
        // further, with the pause only where a chunk ends.
        assert_eq!(Pacing::DIN.steady_piece(1024.0 / 48_000.0), 66);
        assert_eq!(Pacing::DIN.steady_piece(0.0001), 3);
        assert_eq!(Pacing::USB_FAST.steady_piece(0.01), 999);
        let din = Pacing::DIN.pieces(8_000, Some(3_999), 66);
        assert_eq!(din.iter().map(|p| p.0).sum::<usize>(), 8_000);
        assert!(din.iter().all(|&(n, _)| n <= 66));
        assert_eq!(
            din[..din.len() - 1].iter().filter(|p| p.0 % 3 != 0).count(),
            0
        );
        assert_eq!(
            p.pieces(250, None, 45),
            vec![
                (45, false),
                (45, false),
                (9, true),
                (45, false),
                (45, false),
                (9, true),
                (45, false),
                (7, true)
            ]
        );
        assert_eq!(Pacing::DIN.pieces(10, None, 66), vec![(10, true)]);
        // 250 bytes in three chunks: wire time plus two pauses.
        assert!((p.chunked_seconds(250) - (0.08 + 0.04)).abs() < 1e-12);
        assert!((p.direct_total_seconds([250]) - (0.08 + 0.04 + 0.15)).abs() < 1e-12);
    }
}
