//! Sending: jobs are built off the audio thread ([`SendJob::new`]) and reach `process()` through
//! an SPSC ring; [`SendEngine`] plans which messages start in each block with the pacing
//! [`Planner`], copies them into the SysEx pool (no allocation) and hands them to the plugin,
//! which emits them at their sample offsets, merged in time order with pass-through events.
//! Finished jobs go back through a second ring so their memory is freed off the audio thread.
//!
//! Pacing holds across jobs: the engine remembers when the last message it emitted has fully left
//! plus its gap, and a new job (after the previous one finished, was cancelled or was interrupted
//! by a program change) never starts before that.
//!
//! What the audio thread asks of the worker (the `Send` trigger's slot, a program change) goes
//! through a third ring of [`Request`]s, so two requests in quick succession are both served.

use super::pool::{Rejection, VaultSysEx};
use crate::pacing::{Pacing, Planner};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Jobs that can wait in the queue.
pub const JOB_QUEUE: usize = 64;
/// Most messages that may start in one block; more wait for the next block.
pub const MAX_DUE_PER_BLOCK: usize = 2048;
/// Requests from the audio thread that can wait for the worker.
pub const REQUEST_QUEUE: usize = 256;

/// Something the audio thread asks the worker to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Request {
    /// The `Send` trigger fired for this library slot (1-based, in library order).
    Slot(u32),
    /// This program change arrived (with the bank select last seen on its channel).
    Program(crate::library::ProgramChange),
}

/// One send: the messages and how fast they may go.
#[derive(Debug)]
pub struct SendJob {
    /// Identifier shown in progress.
    pub id: u64,
    /// What is being sent (for the editor and the log).
    pub label: String,
    /// Complete messages in order: SysEx (`F0` to `F7`), or the bank select and program change
    /// of a recall by program change.
    pub messages: Vec<Vec<u8>>,
    /// Pacing for this job.
    pub pacing: Pacing,
    /// Total bytes (computed off the audio thread).
    pub total_bytes: u64,
    /// Seconds the job takes at its pacing, last gap included.
    pub total_seconds: f64,
    /// [`SendShared::cancel`] when the job was queued: a cancel (the generation moving past
    /// it) drops this job, while a job queued after the cancel goes ahead.
    pub cancel_generation: u64,
    next: usize,
    planner: Planner,
    /// Job time at the start of the current block, in samples.
    elapsed: u64,
}

impl SendJob {
    /// A job (allocates; build it off the audio thread).
    pub fn new(id: u64, label: String, messages: Vec<Vec<u8>>, pacing: Pacing) -> SendJob {
        let total_bytes = messages.iter().map(|m| m.len() as u64).sum();
        let total_seconds = pacing.total_seconds(messages.iter().map(Vec::len));
        SendJob {
            id,
            label,
            messages,
            pacing,
            total_bytes,
            total_seconds,
            cancel_generation: 0,
            next: 0,
            planner: Planner::new(pacing),
            elapsed: 0,
        }
    }

    fn done(&self) -> bool {
        self.next >= self.messages.len()
    }
}

/// Progress and controls shared with the editor and the worker (atomics only).
#[derive(Debug, Default)]
pub struct SendShared {
    /// Id of the job being sent (0 when idle).
    pub job_id: AtomicU64,
    /// Messages in the current job.
    pub total_messages: AtomicU64,
    /// Bytes in the current job.
    pub total_bytes: AtomicU64,
    /// Messages of the current job the host accepted.
    pub sent_messages: AtomicU64,
    /// Bytes of the current job the host accepted.
    pub sent_bytes: AtomicU64,
    /// Seconds (as `f64` bits) the current job needs in all, from its pacing.
    pub total_seconds_bits: AtomicU64,
    /// Seconds (as `f64` bits) of job time elapsed.
    pub elapsed_seconds_bits: AtomicU64,
    /// Cancel generation: every cancel request adds one; each sender (this engine, the direct-port
    /// sender) stops after the message in flight and drops every job queued before the cancel
    /// (whose [`SendJob::cancel_generation`] is older).
    pub cancel: AtomicU64,
    /// Jobs with an id below this are cancelled (the worker's way to interrupt older sends
    /// without touching the one it queues next).
    pub cancel_below: AtomicU64,
    /// Requests from the audio thread lost because the request ring was full.
    pub requests_dropped: AtomicU64,
    /// Requests from the audio thread not yet served by the worker (queued as a job or
    /// refused): the host must keep calling `process` meanwhile.
    pub requests_waiting: AtomicU64,
    /// Messages skipped because they were too long for the host route (never expected: the
    /// worker refuses such jobs before queuing them).
    pub skipped_too_long: AtomicU64,
    /// Output events the host refused and that were retried in a later block.
    pub retries: AtomicU64,
    /// Messages that waited a block because the pool was full.
    pub pool_waits: AtomicU64,
    /// Jobs finished (all sent) since the plugin was created.
    pub jobs_done: AtomicU64,
    /// The highest job id that is over (sent, cancelled or failed). Each route runs its jobs in
    /// id order, so every job up to it is over: the worker tells from it whether a send it
    /// queued (a bank restore) is still under way.
    pub finished_through: AtomicU64,
    /// Jobs cancelled since the plugin was created.
    pub jobs_cancelled: AtomicU64,
    /// Direct-route jobs that stopped on an error since the plugin was created.
    pub jobs_failed: AtomicU64,
    /// Finished jobs that could not be handed back for freeing and were kept (never expected:
    /// the worker keeps fewer jobs outstanding than the return ring holds).
    pub jobs_unreturned: AtomicU64,
}

impl SendShared {
    /// Publishes the start of a job (called by whichever sender runs it).
    pub fn start_job(&self, id: u64, messages: u64, bytes: u64, seconds: f64) {
        self.job_id.store(id, Ordering::Relaxed);
        self.total_messages.store(messages, Ordering::Relaxed);
        self.total_bytes.store(bytes, Ordering::Relaxed);
        self.total_seconds_bits
            .store(seconds.to_bits(), Ordering::Relaxed);
        self.progress(0, 0, 0.0);
    }

    /// Publishes a job's progress.
    pub fn progress(&self, messages: u64, bytes: u64, elapsed_seconds: f64) {
        self.sent_messages.store(messages, Ordering::Relaxed);
        self.sent_bytes.store(bytes, Ordering::Relaxed);
        self.elapsed_seconds_bits
            .store(elapsed_seconds.to_bits(), Ordering::Relaxed);
    }

    /// Records that job `id` is over (sent, cancelled or failed).
    pub fn finished(&self, id: u64) {
        self.finished_through.fetch_max(id, Ordering::AcqRel);
    }

    /// Seconds left in the current job (ETA), 0 when idle.
    pub fn eta_seconds(&self) -> f64 {
        let total = f64::from_bits(self.total_seconds_bits.load(Ordering::Relaxed));
        let elapsed = f64::from_bits(self.elapsed_seconds_bits.load(Ordering::Relaxed));
        if self.job_id.load(Ordering::Relaxed) == 0 {
            0.0
        } else {
            (total - elapsed).max(0.0)
        }
    }
}

/// A message that starts in the current block.
#[derive(Debug)]
pub struct Due {
    /// Sample offset in the block.
    pub offset: u32,
    /// The message, in the pool.
    pub message: VaultSysEx,
    index: usize,
    planner_before: Planner,
}

/// The audio thread's side of sending.
pub struct SendEngine {
    jobs: rtrb::Consumer<Box<SendJob>>,
    spent: rtrb::Producer<Box<SendJob>>,
    current: Option<Box<SendJob>>,
    /// A finished job waiting for room in the spent ring.
    parked: Option<Box<SendJob>>,
    due: Vec<Due>,
    refused_at: Option<usize>,
    sample_rate: f64,
    /// Engine time in seconds at the start of the current block (only advances while the host
    /// runs `process`).
    now_s: f64,
    /// Earliest engine time the next message may start: the last emitted message's wire time
    /// plus its gap, whichever job it belonged to.
    free_at_s: f64,
    requests: rtrb::Producer<Request>,
    shared: Arc<SendShared>,
}

/// The other side: where jobs are queued and spent ones come back to be freed.
pub struct SendQueue {
    /// Queue jobs here.
    pub jobs: rtrb::Producer<Box<SendJob>>,
    /// Finished jobs come back here; drop them off the audio thread.
    pub spent: rtrb::Consumer<Box<SendJob>>,
    /// What the audio thread asked for, in order.
    pub requests: rtrb::Consumer<Request>,
}

/// Creates the engine and its queue (allocates: call off the audio thread).
pub fn channel(shared: Arc<SendShared>) -> (SendEngine, SendQueue) {
    let (jobs_tx, jobs_rx) = rtrb::RingBuffer::new(JOB_QUEUE);
    let (spent_tx, spent_rx) = rtrb::RingBuffer::new(JOB_QUEUE + 2);
    let (requests_tx, requests_rx) = rtrb::RingBuffer::new(REQUEST_QUEUE);
    (
        SendEngine {
            jobs: jobs_rx,
            spent: spent_tx,
            current: None,
            parked: None,
            due: Vec::with_capacity(MAX_DUE_PER_BLOCK),
            refused_at: None,
            sample_rate: 48_000.0,
            now_s: 0.0,
            free_at_s: 0.0,
            requests: requests_tx,
            shared,
        },
        SendQueue {
            jobs: jobs_tx,
            spent: spent_rx,
            requests: requests_rx,
        },
    )
}

impl SendEngine {
    /// Sets the sample rate, converting the current job's clock so its schedule stays the same in
    /// seconds. Not real-time: call from `activate`.
    pub fn set_sample_rate(&mut self, sample_rate: f64) {
        if let Some(job) = self.current.as_mut() {
            job.elapsed = (job.elapsed as f64 * sample_rate / self.sample_rate).round() as u64;
        }
        self.sample_rate = sample_rate;
    }

    /// Whether a job is being sent or waiting, or a request has not been taken by the worker
    /// yet: the host must keep calling `process` until it is done.
    pub fn busy(&self) -> bool {
        self.current.is_some()
            || self.jobs.slots() > 0
            || self.shared.requests_waiting.load(Ordering::Acquire) > 0
    }

    /// Asks the worker for a send. Real-time safe; a request that finds the ring full is
    /// counted in [`SendShared::requests_dropped`] (the worker logs it).
    pub fn request(&mut self, request: Request) -> bool {
        // Counted before the push, so the worker never counts it down first.
        self.shared.requests_waiting.fetch_add(1, Ordering::AcqRel);
        let pushed = self.requests.push(request).is_ok();
        if !pushed {
            self.shared.requests_waiting.fetch_sub(1, Ordering::AcqRel);
            self.shared.requests_dropped.fetch_add(1, Ordering::Relaxed);
        }
        pushed
    }

    /// Plans the block: after this, [`SendEngine::due`] lists the messages that start in it.
    pub fn begin_block(&mut self, frames: u32) {
        self.due.clear();
        self.refused_at = None;
        self.flush_parked();
        let generation = self.shared.cancel.load(Ordering::Relaxed);
        let below = self.shared.cancel_below.load(Ordering::Relaxed);
        self.cancel_where(|j| j.cancel_generation < generation || j.id < below);
        if self.current.is_none() {
            self.current = self.jobs.pop().ok();
            if let Some(job) = self.current.as_mut() {
                // The previous job's last message (finished, cancelled or interrupted) has its
                // wire time and gap before this job's first message.
                let wait = (self.free_at_s - self.now_s).max(0.0);
                job.planner = Planner::starting_at(job.pacing, wait);
                self.shared.start_job(
                    job.id,
                    job.messages.len() as u64,
                    job.total_bytes,
                    job.total_seconds,
                );
            }
        }
        let sr = self.sample_rate;
        let Some(job) = self.current.as_mut() else {
            return;
        };
        while !job.done() && self.due.len() < self.due.capacity() {
            let wait = job.planner.samples_until_next(job.elapsed, sr);
            if wait >= u64::from(frames) {
                break;
            }
            let message = VaultSysEx::store(&job.messages[job.next]);
            if message.rejection() == Some(Rejection::TooLong) {
                // Can never be sent on this route: skip it (counted) rather than stall the queue.
                self.shared.skipped_too_long.fetch_add(1, Ordering::Relaxed);
                job.next += 1;
                continue;
            }
            if message.rejection().is_some() {
                // Pool full this block: try again in the next one.
                self.shared.pool_waits.fetch_add(1, Ordering::Relaxed);
                break;
            }
            let planner_before = job.planner;
            let actual = (job.elapsed + wait) as f64 / sr;
            job.planner.sent(message.len(), actual, sr);
            self.due.push(Due {
                offset: wait as u32,
                message,
                index: job.next,
                planner_before,
            });
            job.next += 1;
        }
    }

    /// Messages that start in this block, in time order.
    pub fn due(&self) -> &[Due] {
        &self.due
    }

    /// Records that the host refused due message `i`: it and everything after it are retried in
    /// the next block.
    pub fn refused(&mut self, i: usize) {
        if self.refused_at.is_none() {
            self.refused_at = Some(i);
            self.shared.retries.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Holds due message `i` and everything after it for the next block without counting a
    /// refusal (a passed-through message is open).
    pub fn defer(&mut self, i: usize) {
        if self.refused_at.is_none() {
            self.refused_at = Some(i);
        }
    }

    /// Whether due message `i` may still be emitted (nothing before it was refused).
    pub fn may_emit(&self, i: usize) -> bool {
        self.refused_at.is_none_or(|r| i < r)
    }

    /// Ends the block: rewinds refused messages, advances job time, publishes progress.
    pub fn end_block(&mut self, frames: u32) {
        let accepted = self.refused_at.unwrap_or(self.due.len());
        let (mut msgs, mut bytes) = (0u64, 0u64);
        for d in &self.due[..accepted] {
            msgs += 1;
            bytes += d.message.len() as u64;
        }
        if let (Some(last), Some(job)) = (accepted.checked_sub(1), self.current.as_ref()) {
            let d = &self.due[last];
            let started = self.now_s + f64::from(d.offset) / self.sample_rate;
            self.free_at_s = started + job.pacing.slot_seconds(d.message.len());
        }
        if let (Some(r), Some(job)) = (self.refused_at, self.current.as_mut()) {
            let d = &self.due[r];
            job.next = d.index;
            job.planner = d.planner_before;
        }
        // Handles only lose a reference here; the pool memory is never freed.
        self.due.clear();
        self.shared.sent_messages.fetch_add(msgs, Ordering::Relaxed);
        self.shared.sent_bytes.fetch_add(bytes, Ordering::Relaxed);
        let sr = self.sample_rate;
        self.now_s += f64::from(frames) / sr;
        if let Some(job) = self.current.as_mut() {
            job.elapsed += u64::from(frames);
            self.shared
                .elapsed_seconds_bits
                .store((job.elapsed as f64 / sr).to_bits(), Ordering::Relaxed);
            if job.done() {
                self.shared.jobs_done.fetch_add(1, Ordering::Relaxed);
                self.retire();
            }
        }
    }

    /// Cancels the current and queued jobs that `stale` says were cancelled (queued before a
    /// cancel, or older than a program-change interrupt; both grow in queue order, so the
    /// stale queued jobs are at the front).
    fn cancel_where(&mut self, stale: impl Fn(&SendJob) -> bool) {
        if self.current.as_deref().is_some_and(&stale) {
            self.shared.jobs_cancelled.fetch_add(1, Ordering::Relaxed);
            self.retire();
        }
        while self.jobs.peek().is_ok_and(|j| stale(j)) {
            if let Ok(job) = self.jobs.pop() {
                self.shared.jobs_cancelled.fetch_add(1, Ordering::Relaxed);
                self.shared.finished(job.id);
                self.park(job);
            }
        }
    }

    fn retire(&mut self) {
        self.shared.job_id.store(0, Ordering::Relaxed);
        if let Some(job) = self.current.take() {
            self.shared.finished(job.id);
            self.park(job);
        }
    }

    /// Hands a finished job back for freeing; keeps it if the return ring is full.
    fn park(&mut self, job: Box<SendJob>) {
        self.flush_parked();
        if let Err(rtrb::PushError::Full(job)) = self.spent.push(job) {
            if self.parked.is_none() {
                self.parked = Some(job);
            } else {
                // Both full: never free on the audio thread. Keep the memory (counted) rather
                // than block; the worker's outstanding-job limit makes this unreachable.
                self.shared.jobs_unreturned.fetch_add(1, Ordering::Relaxed);
                std::mem::forget(job);
            }
        }
    }

    fn flush_parked(&mut self) {
        if let Some(job) = self.parked.take() {
            if let Err(rtrb::PushError::Full(job)) = self.spent.push(job) {
                self.parked = Some(job);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pc(program: u8) -> crate::library::ProgramChange {
        crate::library::ProgramChange {
            channel: 0,
            program,
            bank_msb: None,
            bank_lsb: None,
        }
    }

    fn engine() -> (SendEngine, SendQueue, Arc<SendShared>) {
        super::super::pool::init();
        let shared = Arc::new(SendShared::default());
        let (e, q) = channel(shared.clone());
        (e, q, shared)
    }

    fn job(n: usize, len: usize) -> Box<SendJob> {
        let msgs = (0..n)
            .map(|i| [vec![0xF0], vec![i as u8 & 0x7F; len - 2], vec![0xF7]].concat())
            .collect();
        Box::new(SendJob::new(1, "test".into(), msgs, Pacing::DIN))
    }

    #[test]
    fn first_message_at_zero_then_paced() {
        let (mut e, mut q, shared) = engine();
        q.jobs.push(job(3, 100)).unwrap();
        e.set_sample_rate(48_000.0);
        e.begin_block(512);
        assert_eq!(e.due().len(), 1);
        assert_eq!(e.due()[0].offset, 0);
        e.end_block(512);
        // 100 bytes at 3125 B/s + 150 ms = 182 ms = 8736 samples.
        let mut starts = vec![0];
        let mut clock = 512;
        while shared.jobs_done.load(Ordering::Relaxed) == 0 {
            e.begin_block(512);
            starts.extend(e.due().iter().map(|d| clock + u64::from(d.offset)));
            e.end_block(512);
            clock += 512;
        }
        assert_eq!(starts, vec![0, 8736, 17472]);
        assert_eq!(shared.sent_messages.load(Ordering::Relaxed), 3);
        assert!(q.spent.pop().is_ok(), "finished job came back");
    }

    /// Starts of every message emitted over `blocks` blocks of 64 frames, queuing `later` (as
    /// job 2) once the first message has gone out, and cancelling after it when `cancel`.
    fn starts_across_jobs(first: Box<SendJob>, later: Box<SendJob>, cancel: bool) -> Vec<u64> {
        let (mut e, mut q, shared) = engine();
        e.set_sample_rate(48_000.0);
        q.jobs.push(first).unwrap();
        let mut later = Some(later);
        let mut starts = vec![];
        let mut cancelled = !cancel;
        for block in 0..400u64 {
            e.begin_block(64);
            starts.extend(e.due().iter().map(|d| block * 64 + u64::from(d.offset)));
            e.end_block(64);
            if starts.is_empty() {
                continue;
            }
            if !cancelled {
                // Cancel, and queue the next job one block later (a cancel drops queued jobs).
                shared.cancel.fetch_add(1, Ordering::Relaxed);
                cancelled = true;
            } else if let Some(mut job) = later.take() {
                job.cancel_generation = shared.cancel.load(Ordering::Relaxed);
                q.jobs.push(job).unwrap();
            }
        }
        starts
    }

    #[test]
    fn the_next_job_waits_for_the_previous_jobs_wire_time_and_gap() {
        // 163 bytes at 3,125 B/s = 52.16 ms, plus 150 ms = 202.16 ms = 9,703.7 samples.
        let starts = starts_across_jobs(job(1, 163), job(1, 163), false);
        assert_eq!(starts, vec![0, 9_704]);
    }

    #[test]
    fn a_job_after_a_cancel_still_waits_for_the_message_in_flight() {
        let starts = starts_across_jobs(job(3, 163), job(1, 100), true);
        assert_eq!(starts, vec![0, 9_704], "cancelled after the first message");
    }

    #[test]
    fn a_message_too_long_for_the_route_is_skipped_not_retried_forever() {
        let (mut e, mut q, shared) = engine();
        let big = [
            vec![0xF0],
            vec![0; super::super::pool::MAX_MESSAGE_LEN],
            vec![0xF7],
        ]
        .concat();
        let msgs = vec![big, vec![0xF0, 0x01, 0xF7]];
        q.jobs
            .push(Box::new(SendJob::new(
                1,
                "big".into(),
                msgs,
                Pacing::USB_FAST,
            )))
            .unwrap();
        e.begin_block(64);
        assert_eq!(e.due().len(), 1);
        assert_eq!(e.due()[0].message.bytes(), &[0xF0, 0x01, 0xF7]);
        e.end_block(64);
        assert_eq!(shared.skipped_too_long.load(Ordering::Relaxed), 1);
        assert!(!e.busy());
    }

    #[test]
    fn requests_queue_in_order_and_a_full_ring_is_counted() {
        let (mut e, mut q, shared) = engine();
        assert!(e.request(Request::Slot(1)));
        assert!(e.request(Request::Slot(2)));
        assert!(
            e.busy(),
            "a request not yet taken keeps the host processing"
        );
        assert_eq!(q.requests.pop(), Ok(Request::Slot(1)));
        assert_eq!(q.requests.pop(), Ok(Request::Slot(2)));
        assert!(e.busy(), "taken but not yet queued as a job");
        shared.requests_waiting.fetch_sub(2, Ordering::AcqRel);
        assert!(!e.busy());
        for _ in 0..REQUEST_QUEUE {
            assert!(e.request(Request::Program(pc(3))));
        }
        assert!(!e.request(Request::Program(pc(4))));
        assert_eq!(shared.requests_dropped.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn refused_message_is_retried_next_block_and_plan_rebased() {
        let (mut e, mut q, shared) = engine();
        q.jobs.push(job(2, 10)).unwrap();
        e.begin_block(64);
        e.refused(0);
        e.end_block(64);
        assert_eq!(shared.sent_messages.load(Ordering::Relaxed), 0);
        e.begin_block(64);
        assert_eq!(e.due().len(), 1);
        assert_eq!(e.due()[0].offset, 0);
        e.end_block(64);
        assert_eq!(shared.sent_messages.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn a_job_queued_after_a_cancel_is_sent() {
        let (mut e, mut q, shared) = engine();
        shared.cancel.fetch_add(1, Ordering::Relaxed);
        let mut j = job(1, 10);
        j.cancel_generation = 1;
        q.jobs.push(j).unwrap();
        e.begin_block(64);
        assert_eq!(e.due().len(), 1, "not dropped by the earlier cancel");
        e.end_block(64);
    }

    #[test]
    fn cancel_drops_current_and_queued_jobs() {
        let (mut e, mut q, shared) = engine();
        q.jobs.push(job(5, 10)).unwrap();
        q.jobs.push(job(5, 10)).unwrap();
        e.begin_block(64);
        e.end_block(64);
        shared.cancel.fetch_add(1, Ordering::Relaxed);
        e.begin_block(64);
        assert!(e.due().is_empty());
        e.end_block(64);
        assert!(!e.busy());
        assert_eq!(shared.jobs_cancelled.load(Ordering::Relaxed), 2);
        assert_eq!(q.spent.slots(), 2);
    }
}
