//! Capture: the audio thread copies incoming SysEx bytes and their sample time into a
//! preallocated single-producer/single-consumer ring ([`CaptureProducer`], no allocation, lock or
//! syscall) and returns; a worker thread ([`CaptureWorker`]) drains the ring, assembles messages,
//! groups them into takes and files them into the library.
//!
//! Ring records: `tag: u8, len: u32 LE, sample: u64 LE, bytes[len]`, written in one commit so the
//! worker always sees whole records. A record that does not fit is dropped and counted; the
//! worker reports the loss on the take it belongs to.

use super::store::{LibraryStore, WorkerRequest};
use crate::engine::pool::MAX_MESSAGE_LEN;
use crate::library::{Entry, Source, TakeRecorder};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Default ring size: room for a 1 MiB message plus three more MiB of bank dump between drains.
pub const DEFAULT_RING_BYTES: u32 = 4 << 20;
/// Smallest ring accepted. A message larger than the ring (minus a 13-byte record header) can
/// never be captured and is counted as lost; the default ring holds the largest message.
pub const MIN_RING_BYTES: u32 = 64 << 10;
/// How often the worker drains the ring when nothing asks it to.
pub const DRAIN_INTERVAL: Duration = Duration::from_millis(10);

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

/// The worker thread that files captured takes into the library.
pub struct CaptureWorker {
    handle: Option<JoinHandle<()>>,
    requests: crossbeam_channel::Sender<WorkerRequest>,
    store: Arc<LibraryStore>,
}

impl CaptureWorker {
    /// Creates a ring of `ring_bytes` and starts the worker; returns the audio thread's end and
    /// the worker. Allocates: call from `activate`, never from `process`.
    pub fn start(
        ring_bytes: u32,
        shared: Arc<CaptureShared>,
        store: Arc<LibraryStore>,
    ) -> (CaptureProducer, CaptureWorker) {
        let (producer, consumer) = rtrb::RingBuffer::new(ring_bytes.max(MIN_RING_BYTES) as usize);
        let (tx, rx) = crossbeam_channel::unbounded();
        store.connect_worker(Some(tx.clone()));
        let worker_shared = shared.clone();
        let worker_store = store.clone();
        let handle = std::thread::Builder::new()
            .name("sysex-vault capture".into())
            .spawn(move || run(consumer, rx, worker_shared, worker_store))
            .ok();
        let producer = CaptureProducer { producer, shared };
        (
            producer,
            CaptureWorker {
                handle,
                requests: tx,
                store,
            },
        )
    }
}

impl Drop for CaptureWorker {
    fn drop(&mut self) {
        self.store.connect_worker(None);
        let _ = self.requests.send(WorkerRequest::Shutdown);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

struct Worker {
    consumer: rtrb::Consumer<u8>,
    shared: Arc<CaptureShared>,
    store: Arc<LibraryStore>,
    recorder: TakeRecorder,
    dropped_seen: u64,
    buf: Vec<u8>,
}

fn run(
    consumer: rtrb::Consumer<u8>,
    requests: Receiver<WorkerRequest>,
    shared: Arc<CaptureShared>,
    store: Arc<LibraryStore>,
) {
    let mut w = Worker {
        recorder: TakeRecorder::new(MAX_MESSAGE_LEN, shared.gap_samples()),
        dropped_seen: shared.dropped_messages.load(Ordering::Relaxed),
        consumer,
        shared,
        store,
        buf: Vec::new(),
    };
    loop {
        let request = requests.recv_timeout(DRAIN_INTERVAL);
        // A panic while filing must not take the plugin down: log it and keep capturing.
        let filed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| w.drain()));
        if filed.is_err() {
            w.store.log(
                super::store::Level::Error,
                "Internal error while filing a capture; capture continues".into(),
            );
        }
        match request {
            Ok(WorkerRequest::Flush(ack)) => {
                let _ = ack.send(());
            }
            Ok(WorkerRequest::Shutdown) | Err(RecvTimeoutError::Disconnected) => {
                w.recorder.stop();
                w.file_finished();
                return;
            }
            Err(RecvTimeoutError::Timeout) => {}
        }
    }
}

impl Worker {
    /// Files everything in the ring, then closes a take whose idle gap has passed.
    fn drain(&mut self) {
        self.recorder.set_gap_samples(self.shared.gap_samples());
        while let Some((tag, at)) = self.next_record() {
            self.account_drops(at);
            match tag {
                TAG_SYSEX => self.recorder.feed(at, &self.buf),
                _ => self.recorder.stop(),
            }
        }
        let now = self.shared.audio_clock.load(Ordering::Acquire);
        self.account_drops(now);
        self.recorder.tick(now);
        self.file_finished();
        let (m, b) = self.recorder.in_progress().unwrap_or((0, 0));
        self.shared.live_messages.store(m as u64, Ordering::Relaxed);
        self.shared.live_bytes.store(b, Ordering::Relaxed);
    }

    fn account_drops(&mut self, at: u64) {
        let dropped = self.shared.dropped_messages.load(Ordering::Relaxed);
        if dropped > self.dropped_seen {
            self.recorder.lost(at, dropped - self.dropped_seen);
            self.dropped_seen = dropped;
        }
    }

    /// Reads one whole record into `buf`; returns its tag and sample time.
    fn next_record(&mut self) -> Option<(u8, u64)> {
        if self.consumer.slots() < HEADER {
            return None;
        }
        let header = self.consumer.read_chunk(HEADER).ok()?;
        let (a, b) = header.as_slices();
        let mut h = [0u8; HEADER];
        h[..a.len()].copy_from_slice(a);
        h[a.len()..].copy_from_slice(b);
        header.commit_all();
        let tag = h[0];
        let len = u32::from_le_bytes([h[1], h[2], h[3], h[4]]) as usize;
        let mut at = [0u8; 8];
        at.copy_from_slice(&h[5..13]);
        self.buf.clear();
        if len > 0 {
            // The producer commits whole records, so the body is already there.
            let body = self.consumer.read_chunk(len).ok()?;
            let (a, b) = body.as_slices();
            self.buf.extend_from_slice(a);
            self.buf.extend_from_slice(b);
            body.commit_all();
        }
        Some((tag, u64::from_le_bytes(at)))
    }

    fn file_finished(&mut self) {
        for take in self.recorder.drain_finished() {
            let mut entry = Entry::new(take.messages, Source::Capture, super::store::now_unix_ms());
            entry.unterminated = take.unterminated;
            entry.lost_messages = take.lost_messages;
            self.store.add(entry);
            self.shared.takes_filed.fetch_add(1, Ordering::Relaxed);
        }
    }
}
