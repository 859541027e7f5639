//! Capture: the audio thread copies incoming SysEx bytes and their sample time into a
//! preallocated single-producer/single-consumer ring ([`CaptureProducer`], no allocation, lock or
//! syscall) and returns; the worker thread ([`super::worker`]) drains the ring, assembles messages,
//! groups them into takes and files them into the library.
//!
//! Ring records: `tag: u8, len: u32 LE, sample: u64 LE, bytes[len]`, written in one commit so the
//! worker always sees whole records. A record that does not fit is dropped and counted; the
//! worker reports the loss on the take it belongs to.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;

/// Default ring size: room for a 1 MiB message plus three more MiB of bank dump between drains.
pub const DEFAULT_RING_BYTES: u32 = 4 << 20;
/// Smallest ring accepted. A message larger than the ring (minus a 13-byte record header) can
/// never be captured and is counted as lost; the default ring holds the largest message.
pub const MIN_RING_BYTES: u32 = 64 << 10;

const TAG_SYSEX: u8 = 1;
const TAG_STOP: u8 = 2;
const HEADER: usize = 1 + 4 + 8;

/// State shared between the audio thread, the worker and the editor (atomics only).
#[derive(Debug, Default)]
pub struct CaptureShared {
    /// Samples processed so far (the audio clock).
    pub audio_clock: AtomicU64,
    /// Sample rate as `f32` bits.
    pub sample_rate_bits: AtomicU32,
    /// Idle gap that ends a take, in milliseconds.
    pub idle_gap_ms: AtomicU32,
    /// Messages dropped because the ring was full.
    pub dropped_messages: AtomicU64,
    /// Bytes dropped because the ring was full.
    pub dropped_bytes: AtomicU64,
    /// Whether capture is armed (record on, or always capture).
    pub armed: AtomicBool,
    /// Whether the plugin is active (the host calls `process`).
    pub active: AtomicBool,
    /// Whether the direct-port route is in use (then the host's SysEx is not captured).
    pub direct_route: AtomicBool,
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

/// The audio thread's end of the ring.
pub struct CaptureProducer {
    producer: rtrb::Producer<u8>,
    shared: Arc<CaptureShared>,
}

impl CaptureProducer {
    /// Queues SysEx bytes received at sample `at`. Real-time safe. Returns false (and counts the
    /// loss) when the ring has no room.
    pub fn push_sysex(&mut self, at: u64, bytes: &[u8]) -> bool {
        if self.push(TAG_SYSEX, at, bytes) {
            true
        } else {
            self.shared.dropped_messages.fetch_add(1, Ordering::Relaxed);
            self.shared
                .dropped_bytes
                .fetch_add(bytes.len() as u64, Ordering::Relaxed);
            false
        }
    }

    /// Marks that recording stopped at sample `at` (ends the take). Real-time safe.
    pub fn push_stop(&mut self, at: u64) -> bool {
        self.push(TAG_STOP, at, &[])
    }

    fn push(&mut self, tag: u8, at: u64, bytes: &[u8]) -> bool {
        let total = HEADER + bytes.len();
        let Ok(mut chunk) = self.producer.write_chunk_uninit(total) else {
            return false;
        };
        let mut header = [0u8; HEADER];
        header[0] = tag;
        header[1..5].copy_from_slice(&(bytes.len() as u32).to_le_bytes());
        header[5..].copy_from_slice(&at.to_le_bytes());
        let (first, second) = chunk.as_mut_slices();
        let mut offset = 0;
        for part in [&header[..], bytes] {
            copy_into(first, second, offset, part);
            offset += part.len();
        }
        // SAFETY: all `total` slots were written above (the chunk is exactly `total` long).
        unsafe { chunk.commit_all() };
        true
    }
}

/// Copies `src` into the logical slice `first ++ second` starting at `offset` (bounds are the
/// caller's: `offset + src.len()` fits).
fn copy_into(
    first: &mut [std::mem::MaybeUninit<u8>],
    second: &mut [std::mem::MaybeUninit<u8>],
    offset: usize,
    src: &[u8],
) {
    let split = first.len().saturating_sub(offset).min(src.len());
    let (a, b) = src.split_at(split);
    if !a.is_empty() {
        write_slice(&mut first[offset..offset + a.len()], a);
    }
    if !b.is_empty() {
        let start = offset + a.len() - first.len();
        write_slice(&mut second[start..start + b.len()], b);
    }
}

fn write_slice(dst: &mut [std::mem::MaybeUninit<u8>], src: &[u8]) {
    for (d, s) in dst.iter_mut().zip(src) {
        d.write(*s);
    }
}

/// The worker's end of the ring: yields whole records.
pub struct CaptureReader {
    consumer: rtrb::Consumer<u8>,
    /// Bytes of the last record read.
    pub buf: Vec<u8>,
}

/// What a ring record says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Record {
    /// SysEx bytes (in [`CaptureReader::buf`]) received at this sample.
    SysEx(u64),
    /// Recording stopped at this sample.
    Stop(u64),
}

/// Creates a capture ring of `ring_bytes` (allocates: call off the audio thread).
pub fn ring(ring_bytes: u32, shared: Arc<CaptureShared>) -> (CaptureProducer, CaptureReader) {
    let (producer, consumer) = rtrb::RingBuffer::new(ring_bytes.max(MIN_RING_BYTES) as usize);
    (
        CaptureProducer { producer, shared },
        CaptureReader {
            consumer,
            buf: Vec::new(),
        },
    )
}

impl CaptureReader {
    /// Reads the next whole record, if any.
    pub fn next_record(&mut self) -> Option<Record> {
        if self.consumer.slots() < HEADER {
            return None;
        }
        let header = self.consumer.read_chunk(HEADER).ok()?;
        let (a, b) = header.as_slices();
        let mut h = [0u8; HEADER];
        h[..a.len()].copy_from_slice(a);
        h[a.len()..].copy_from_slice(b);
        header.commit_all();
        let len = u32::from_le_bytes([h[1], h[2], h[3], h[4]]) as usize;
        let mut at = [0u8; 8];
        at.copy_from_slice(&h[5..13]);
        let at = u64::from_le_bytes(at);
        self.buf.clear();
        if len > 0 {
            // The producer commits whole records, so the body is already there.
            let body = self.consumer.read_chunk(len).ok()?;
            let (a, b) = body.as_slices();
            self.buf.extend_from_slice(a);
            self.buf.extend_from_slice(b);
            body.commit_all();
        }
        Some(if h[0] == TAG_SYSEX {
            Record::SysEx(at)
        } else {
            Record::Stop(at)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_wrap_around_the_ring_intact() {
        let shared = Arc::new(CaptureShared::default());
        let (mut p, mut r) = ring(MIN_RING_BYTES, shared.clone());
        let msg: Vec<u8> = (0..40_000u32).map(|i| (i % 128) as u8).collect();
        for round in 0..5u64 {
            assert!(p.push_sysex(round, &msg));
            assert!(p.push_stop(round + 1));
            assert_eq!(r.next_record(), Some(Record::SysEx(round)));
            assert_eq!(r.buf, msg);
            assert_eq!(r.next_record(), Some(Record::Stop(round + 1)));
        }
        assert!(!p.push_sysex(0, &vec![0; MIN_RING_BYTES as usize]));
        assert_eq!(shared.dropped_messages.load(Ordering::Relaxed), 1);
        assert_eq!(r.next_record(), None);
    }
}
