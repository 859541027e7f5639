//! Capture: the audio thread hands each incoming SysEx message to the worker thread
//! ([`crate::background::worker`]) through a preallocated single-producer/single-consumer ring of
//! [`Record`]s, and returns. A record holds the message's pool handle ([`VaultSysEx`], a
//! reference-counted slot the host's bytes were already copied into), so capturing copies no
//! bytes and allocates nothing on the audio thread; the worker assembles messages from the
//! handles, groups them into takes, files them into the library, and drops the handles (which
//! frees the slots).
//!
//! What waits for the worker is capped at the ring's byte budget (`capture-buffer-bytes`) and at
//! [`WAITING_PER_CLASS`] messages per pool size class, since each holds a pool slot that
//! pass-through shares; a message that would cross a cap, or that finds the ring full, is
//! dropped and counted (the worker reports the loss on the take open when it next reads the
//! ring), and the message in progress is then abandoned ([`Record::Abort`]), so a dropped
//! fragment never lets the rest assemble into a well-framed but damaged message. In real time
//! the worker drains the ring every 5 ms, so the caps only matter when a host renders far
//! faster than real time. A
//! message the plugin refused before it reached capture (over 1 MiB, pool full) is recorded as
//! [`Record::Lost`], so its take shows it.
//!
//! The ring's memory (4,096 records, 96 KiB) is written once when it is created, off the audio
//! thread, so the audio thread never takes a page fault on its first touch; the pool is
//! pre-faulted the same way ([`super::pool`]).

use super::pool::VaultSysEx;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

/// Default byte budget: room for a 1 MiB message plus three more MiB of bank dump between drains.
pub const DEFAULT_RING_BYTES: u32 = 4 << 20;
/// Smallest budget accepted. A message larger than the budget can never be captured and is
/// counted as lost; the default holds the largest message.
pub const MIN_RING_BYTES: u32 = 64 << 10;
/// Records the ring holds (messages, stops and losses waiting for the worker).
pub const RING_RECORDS: usize = 4096;
/// Most captured messages waiting for the worker in each of the pool's size classes
/// ([`super::pool::CLASSES`]: 1,024 × 512 B, 256 × 8 KiB, 16 × 128 KiB, 4 × 1 MiB). Each holds a
/// slot that pass-through shares, so a capture backlog (a host rendering far faster than real
/// time) leaves short messages half their slots and the scarce large slots a quarter to a half;
/// the 8 KiB class is not capped, so a 256-voice bank delivered in one block is still captured
/// whole.
pub const WAITING_PER_CLASS: [u64; 4] = [512, 256, 12, 2];

/// State shared between the audio thread, the worker and the editor (atomics only).
#[derive(Debug, Default)]
pub struct CaptureShared {
    /// Samples processed so far (the audio clock).
    pub audio_clock: AtomicU64,
    /// Sample rate as `f32` bits.
    pub sample_rate_bits: AtomicU32,
    /// Idle gap that ends a take, in milliseconds.
    pub idle_gap_ms: AtomicU32,
    /// Messages dropped because the ring, its byte budget or the pool was full.
    pub dropped_messages: AtomicU64,
    /// Bytes dropped for the same reasons.
    pub dropped_bytes: AtomicU64,
    /// Whether capture is armed (record on, or always capture, or a conversation listening).
    pub armed: AtomicBool,
    /// A conversation with the synth is listening: capture is on, and what arrives goes to the
    /// conversation instead of becoming a take.
    pub listen: AtomicBool,
    /// Whether the plugin is active (the host calls `process`).
    pub active: AtomicBool,
    /// Whether the direct-port route is in use (then the host's SysEx is not captured).
    pub direct_route: AtomicBool,
    /// Reconnect presses so far: the worker closes and opens the direct ports again on a change
    /// (after another program let go of one). Not saved with the project.
    pub reconnects: AtomicU64,
    /// Messages in the take in progress (0 when none).
    pub live_messages: AtomicU64,
    /// Bytes in the take in progress (0 when none).
    pub live_bytes: AtomicU64,
    /// Takes filed since the plugin was created.
    pub takes_filed: AtomicU64,
}

impl CaptureShared {
    /// The sample rate.
    pub fn sample_rate(&self) -> f32 {
        f32::from_bits(self.sample_rate_bits.load(Ordering::Relaxed))
    }

    /// The idle gap in microseconds (direct-port input runs on the wall clock).
    pub fn gap_micros(&self) -> u64 {
        u64::from(self.idle_gap_ms.load(Ordering::Relaxed).max(1)) * 1000
    }

    /// The idle gap in samples at the current sample rate.
    pub fn gap_samples(&self) -> u64 {
        let ms = self.idle_gap_ms.load(Ordering::Relaxed);
        (f64::from(ms) * f64::from(self.sample_rate().max(1.0)) / 1000.0) as u64
    }
}

/// What the ring carries, each with the time it happened (samples on the host route,
/// microseconds on a direct input port).
#[derive(Debug, PartialEq)]
pub enum Record {
    /// A SysEx message or fragment.
    SysEx(u64, VaultSysEx),
    /// Recording stopped (ends the take).
    Stop(u64),
    /// A message (or fragment) arrived but was refused before capture.
    Lost(u64),
    /// A fragment was dropped here (already counted): abandon the message in progress.
    Abort(u64),
}

/// Bytes, and messages per pool size class, the worker has taken off the ring.
#[derive(Debug, Default)]
struct Taken {
    bytes: AtomicU64,
    messages: [AtomicU64; 4],
}

/// The producing end of the ring (the audio thread, or a direct input port's callback).
pub struct CaptureProducer {
    ring: rtrb::Producer<Record>,
    budget: u64,
    pushed_bytes: u64,
    pushed_messages: [u64; 4],
    /// A dropped message left the one in progress incomplete: an [`Record::Abort`] is due.
    owe_abort: bool,
    /// A [`Record::Stop`] that found the ring full: it is written before any later record, and
    /// nothing is queued until it is, so two takes never merge into one.
    owe_stop: Option<u64>,
    taken: Arc<Taken>,
    shared: Arc<CaptureShared>,
}

impl CaptureProducer {
    /// Queues a message received at `at` (a new reference to its pool slot). Real-time safe:
    /// no copy, no allocation. Returns false (and counts the loss) when the ring, its byte
    /// budget or its [`WAITING_PER_CLASS`] cap is reached.
    pub fn push_sysex(&mut self, at: u64, message: &VaultSysEx) -> bool {
        let len = message.len() as u64;
        if !self.pay_stop() {
            self.count_drop(len);
            self.owe_abort = true;
            return false;
        }
        let class = message.class().unwrap_or(0).min(3);
        let bytes = self.pushed_bytes - self.taken.bytes.load(Ordering::Acquire);
        let waiting =
            self.pushed_messages[class] - self.taken.messages[class].load(Ordering::Acquire);
        let room = if self.owe_abort { 2 } else { 1 };
        if bytes + len > self.budget
            || waiting >= WAITING_PER_CLASS[class]
            || self.ring.slots() < room
        {
            self.count_drop(len);
            self.owe_abort = true;
            return false;
        }
        if self.owe_abort {
            // Cannot fail: room for both was checked, and only this end pushes.
            let _ = self.ring.push(Record::Abort(at));
            self.owe_abort = false;
        }
        self.pushed_bytes += len;
        self.pushed_messages[class] += 1;
        // Cannot fail: checked above, and only this end pushes.
        let _ = self.ring.push(Record::SysEx(at, message.clone()));
        true
    }

    /// Queues bytes received at `at` by copying them into the pool (a direct input port's
    /// callback). Never allocates; a message the pool cannot take is counted as lost.
    pub fn push_bytes(&mut self, at: u64, bytes: &[u8]) -> bool {
        let message = VaultSysEx::store(bytes);
        if message.rejection().is_some() {
            // The take shows it through the `Lost` record (or the drop count if even that
            // finds no room).
            self.push_lost(at);
            return false;
        }
        self.push_sysex(at, &message)
    }

    /// Marks that recording stopped at `at` (ends the take). Real-time safe. When the ring is
    /// full the stop is owed: [`CaptureProducer::retry`] and every later push write it first,
    /// and nothing else is queued before it. Returns whether it is in the ring now.
    pub fn push_stop(&mut self, at: u64) -> bool {
        if !self.pay_stop() {
            // The take already ended at the owed stop.
            return false;
        }
        if self.ring.push(Record::Stop(at)).is_ok() {
            true
        } else {
            self.owe_stop = Some(at);
            false
        }
    }

    /// Writes an owed stop if the ring has room now (call once per block). Real-time safe.
    pub fn retry(&mut self) {
        self.pay_stop();
    }

    /// Whether a stop still waits for room in the ring.
    pub fn owes_stop(&self) -> bool {
        self.owe_stop.is_some()
    }

    /// Writes the owed stop, if any; false while it still finds no room.
    fn pay_stop(&mut self) -> bool {
        let Some(at) = self.owe_stop else {
            return true;
        };
        if self.ring.push(Record::Stop(at)).is_ok() {
            self.owe_stop = None;
            true
        } else {
            false
        }
    }

    /// Marks that a SysEx message (or fragment) arriving at `at` was refused before it could be
    /// captured. Real-time safe; when even this record has no room, the loss is counted as a
    /// dropped message instead, so it is reported either way.
    pub fn push_lost(&mut self, at: u64) -> bool {
        if self.pay_stop() && self.ring.push(Record::Lost(at)).is_ok() {
            true
        } else {
            self.count_drop(0);
            false
        }
    }

    fn count_drop(&self, bytes: u64) {
        self.shared.dropped_messages.fetch_add(1, Ordering::Relaxed);
        self.shared
            .dropped_bytes
            .fetch_add(bytes, Ordering::Relaxed);
    }
}

/// The worker's end of the ring.
pub struct CaptureReader {
    ring: rtrb::Consumer<Record>,
    taken: Arc<Taken>,
}

/// Creates a capture ring whose records hold at most `budget_bytes` of messages (allocates and
/// writes the ring's memory once: call off the audio thread).
pub fn ring(budget_bytes: u32, shared: Arc<CaptureShared>) -> (CaptureProducer, CaptureReader) {
    let (mut producer, consumer) = rtrb::RingBuffer::new(RING_RECORDS);
    // Touch the whole buffer now, without committing anything, so its pages are resident before
    // the audio thread writes to them.
    if let Ok(mut chunk) = producer.write_chunk_uninit(RING_RECORDS) {
        let (a, b) = chunk.as_mut_slices();
        for part in [a, b] {
            // SAFETY: zeroing `MaybeUninit` slots is always valid; nothing is committed, so no
            // zeroed slot is ever read or dropped as a `Record`.
            unsafe { std::ptr::write_bytes(part.as_mut_ptr(), 0, part.len()) };
        }
    }
    let taken = Arc::new(Taken::default());
    (
        CaptureProducer {
            ring: producer,
            budget: u64::from(budget_bytes.max(MIN_RING_BYTES)),
            pushed_bytes: 0,
            pushed_messages: [0; 4],
            owe_abort: false,
            owe_stop: None,
            taken: taken.clone(),
            shared,
        },
        CaptureReader {
            ring: consumer,
            taken,
        },
    )
}

impl CaptureReader {
    /// The next record, if any. Dropping a [`Record::SysEx`] frees its pool slot.
    pub fn next_record(&mut self) -> Option<Record> {
        let record = self.ring.pop().ok()?;
        if let Record::SysEx(_, message) = &record {
            self.taken
                .bytes
                .fetch_add(message.len() as u64, Ordering::Release);
            let class = message.class().unwrap_or(0).min(3);
            self.taken.messages[class].fetch_add(1, Ordering::Release);
        }
        Some(record)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(len: usize, seed: u8) -> VaultSysEx {
        super::super::pool::init();
        let mut bytes = vec![seed & 0x7F; len];
        bytes[0] = 0xF0;
        bytes[len - 1] = 0xF7;
        VaultSysEx::store(&bytes)
    }

    #[test]
    fn records_keep_their_order_and_the_byte_budget_holds() {
        let shared = Arc::new(CaptureShared::default());
        let (mut p, mut r) = ring(MIN_RING_BYTES, shared.clone());
        let m = message(40_000, 1);
        for round in 0..5u64 {
            assert!(p.push_sysex(round, &m));
            assert!(p.push_stop(round + 1));
            assert_eq!(
                r.next_record(),
                Some(Record::SysEx(round, message(40_000, 1)))
            );
            assert_eq!(r.next_record(), Some(Record::Stop(round + 1)));
        }
        assert!(p.push_lost(9));
        assert_eq!(r.next_record(), Some(Record::Lost(9)));
        // Two 40,000-byte messages waiting would exceed the 64 KiB budget.
        assert!(p.push_sysex(10, &m));
        assert!(!p.push_sysex(11, &m));
        assert_eq!(shared.dropped_messages.load(Ordering::Relaxed), 1);
        assert_eq!(shared.dropped_bytes.load(Ordering::Relaxed), 40_000);
        assert!(matches!(r.next_record(), Some(Record::SysEx(10, _))));
        assert!(p.push_sysex(12, &m), "room again once the worker took it");
        // The drop left the message in progress incomplete: it is abandoned first.
        assert_eq!(r.next_record(), Some(Record::Abort(12)));
        assert_eq!(
            r.next_record().map(|r| matches!(r, Record::SysEx(12, _))),
            Some(true)
        );
        assert_eq!(r.next_record(), None);
    }

    #[test]
    fn a_stop_that_finds_the_ring_full_still_ends_the_take() {
        // Before: the stop was simply dropped, and the next take's messages joined the first.
        let shared = Arc::new(CaptureShared::default());
        let (mut p, mut r) = ring(DEFAULT_RING_BYTES, shared.clone());
        let m = message(10, 2);
        let mut filled = 0u64;
        while p.push_lost(filled) {
            filled += 1;
        }
        assert!(!p.push_stop(1_000), "the ring is full");
        assert!(p.owes_stop());
        // Still no room: nothing of the next take may overtake the stop.
        assert!(!p.push_sysex(1_001, &m));
        for _ in 0..3 {
            assert!(matches!(r.next_record(), Some(Record::Lost(_))));
        }
        p.retry();
        assert!(!p.owes_stop());
        assert!(p.push_sysex(1_002, &m));
        let rest: Vec<Record> = std::iter::from_fn(|| r.next_record()).collect();
        let stop = rest.iter().position(|r| *r == Record::Stop(1_000));
        let next = rest
            .iter()
            .position(|r| matches!(r, Record::SysEx(1_002, _)));
        assert!(
            matches!((stop, next), (Some(s), Some(n)) if s < n),
            "the next take's message came before the stop"
        );
    }

    #[test]
    fn a_capture_backlog_is_bounded_and_counted() {
        let shared = Arc::new(CaptureShared::default());
        let (mut p, mut r) = ring(DEFAULT_RING_BYTES, shared.clone());
        let m = message(10, 2);
        for i in 0..WAITING_PER_CLASS[0] {
            assert!(p.push_sysex(i, &m));
        }
        assert!(!p.push_sysex(0, &m), "backlog full");
        assert_eq!(shared.dropped_messages.load(Ordering::Relaxed), 1);
        assert!(r.next_record().is_some());
        assert!(p.push_sysex(0, &m), "one taken, one more fits");
        // The drop left the message in progress incomplete: an abort comes before the next one.
        let mut records = vec![];
        while let Some(rec) = r.next_record() {
            records.push(rec);
        }
        let abort = records.iter().position(|r| matches!(r, Record::Abort(_)));
        assert_eq!(abort, Some(records.len() - 2), "{records:?}");
        // Stops and losses fill the rest of the ring; then even a loss is only counted.
        while p.push_stop(0) {}
        assert!(!p.push_lost(0));
        assert_eq!(shared.dropped_messages.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn large_messages_leave_pool_slots_for_pass_through() {
        let shared = Arc::new(CaptureShared::default());
        let (mut p, _r) = ring(64 << 20, shared.clone());
        // Three 1 MiB messages waiting: only two may hold 1 MiB slots.
        let held: Vec<VaultSysEx> = (0..3).map(|i| message(600_000, i)).collect();
        assert!(held.iter().all(|m| m.class() == Some(3)));
        assert!(p.push_sysex(0, &held[0]));
        assert!(p.push_sysex(1, &held[1]));
        assert!(!p.push_sysex(2, &held[2]));
    }

    #[test]
    fn bytes_from_a_port_are_copied_and_oversized_ones_reported_lost() {
        super::super::pool::init();
        let shared = Arc::new(CaptureShared::default());
        let (mut p, mut r) = ring(DEFAULT_RING_BYTES, shared.clone());
        assert!(p.push_bytes(5, &[0xF0, 0x01, 0xF7]));
        match r.next_record() {
            Some(Record::SysEx(5, m)) => assert_eq!(m.bytes(), &[0xF0, 0x01, 0xF7]),
            other => panic!("{other:?}"),
        }
        assert!(!p.push_bytes(6, &vec![0; super::super::pool::MAX_MESSAGE_LEN + 1]));
        assert_eq!(r.next_record(), Some(Record::Lost(6)));
        assert_eq!(
            shared.dropped_messages.load(Ordering::Relaxed),
            0,
            "counted once, on the take"
        );
    }
}
