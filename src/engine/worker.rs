//! The plugin's background thread. It files captured takes into the library, builds send jobs
//! (from the editor, the `Send` trigger, program changes and recall on load), frees finished jobs,
//! and answers flush requests before a state save. It never blocks the audio thread: everything
//! it shares with `process()` is a lock-free ring or an atomic.

use super::capture::{CaptureReader, CaptureShared, Record};
use super::pool::MAX_MESSAGE_LEN;
use super::sender::{SendJob, SendQueue, SendShared, JOB_QUEUE};
use super::store::{now_unix_ms, Level, LibraryStore, WorkerRequest};
use crate::library::{Entry, EntryId, Source, TakeRecorder};
use crate::pacing::{Pacing, PacingChoice};
use crate::sysex::profiles;
use crate::sysex::universal;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the worker looks at the rings when nothing asks it to.
pub const POLL_INTERVAL: Duration = Duration::from_millis(5);

/// Everything the worker shares with the rest of the plugin.
#[derive(Clone)]
pub struct WorkerContext {
    /// The library owner.
    pub store: Arc<LibraryStore>,
    /// Capture state.
    pub capture: Arc<CaptureShared>,
    /// Send progress and triggers.
    pub send: Arc<SendShared>,
    /// The saved pacing choice.
    pub pacing: Arc<RwLock<PacingChoice>>,
}

/// Handle to the running worker; dropping it files what is left and joins the thread.
pub struct Worker {
    handle: Option<JoinHandle<()>>,
    requests: Sender<WorkerRequest>,
    store: Arc<LibraryStore>,
}

impl Worker {
    /// Starts the worker on the worker ends of the capture ring and the send queue.
    pub fn start(ctx: WorkerContext, capture: CaptureReader, queue: SendQueue) -> Worker {
        let (tx, rx) = crossbeam_channel::unbounded();
        ctx.store.connect_worker(Some(tx.clone()));
        let store = ctx.store.clone();
        let mut state = State {
            recorder: TakeRecorder::new(MAX_MESSAGE_LEN, ctx.capture.gap_samples()),
            dropped_seen: ctx.capture.dropped_messages.load(Ordering::Relaxed),
            capture,
            queue,
            outstanding: 0,
            next_job_id: 0,
            ctx,
        };
        let handle = std::thread::Builder::new()
            .name("sysex-vault worker".into())
            .spawn(move || state.run(rx))
            .ok();
        if handle.is_none() {
            store.log(
                Level::Error,
                "Could not start the background thread: capture and send are off".into(),
            );
        }
        Worker {
            handle,
            requests: tx,
            store,
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.store.connect_worker(None);
        let _ = self.requests.send(WorkerRequest::Shutdown);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

struct State {
    ctx: WorkerContext,
    capture: CaptureReader,
    queue: SendQueue,
    recorder: TakeRecorder,
    dropped_seen: u64,
    /// Jobs pushed and not yet returned: kept below the return ring's size.
    outstanding: usize,
    next_job_id: u64,
}

impl State {
    fn run(&mut self, requests: Receiver<WorkerRequest>) {
        loop {
            let request = requests.recv_timeout(POLL_INTERVAL);
            let shutdown = matches!(
                request,
                Ok(WorkerRequest::Shutdown) | Err(RecvTimeoutError::Disconnected)
            );
            // A panic here must not take the host down: log it and keep going.
            let step = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.step(request.ok());
            }));
            if step.is_err() {
                self.ctx.store.log(
                    Level::Error,
                    "Internal error in the background thread; capture and send continue".into(),
                );
            }
            if shutdown {
                self.recorder.stop();
                self.file_finished();
                return;
            }
        }
    }

    fn step(&mut self, request: Option<WorkerRequest>) {
        self.drain_capture();
        self.reclaim();
        self.triggers();
        match request {
            Some(WorkerRequest::Flush(ack)) => {
                let _ = ack.send(());
            }
            Some(WorkerRequest::Send { entries, pacing }) => self.send_entries(&entries, pacing),
            Some(WorkerRequest::RequestDump { profile }) => self.request_dump(&profile),
            Some(WorkerRequest::Cancel) => self.ctx.send.cancel.store(true, Ordering::Relaxed),
            Some(WorkerRequest::Shutdown) | None => {}
        }
    }

    /// Files everything in the capture ring, then closes a take whose idle gap has passed.
    fn drain_capture(&mut self) {
        let shared = self.ctx.capture.clone();
        self.recorder.set_gap_samples(shared.gap_samples());
        while let Some(record) = self.capture.next_record() {
            match record {
                Record::SysEx(at) => {
                    self.account_drops(at);
                    self.recorder.feed(at, &self.capture.buf);
                }
                Record::Stop(at) => {
                    self.account_drops(at);
                    self.recorder.stop();
                }
            }
        }
        let now = shared.audio_clock.load(Ordering::Acquire);
        self.account_drops(now);
        self.recorder.tick(now);
        self.file_finished();
        let (m, b) = self.recorder.in_progress().unwrap_or((0, 0));
        shared.live_messages.store(m as u64, Ordering::Relaxed);
        shared.live_bytes.store(b, Ordering::Relaxed);
    }

    fn account_drops(&mut self, at: u64) {
        let dropped = self.ctx.capture.dropped_messages.load(Ordering::Relaxed);
        if dropped > self.dropped_seen {
            self.recorder.lost(at, dropped - self.dropped_seen);
            self.dropped_seen = dropped;
        }
    }

    fn file_finished(&mut self) {
        for take in self.recorder.drain_finished() {
            let mut entry = Entry::new(take.messages, Source::Capture, now_unix_ms());
            entry.unterminated = take.unterminated;
            entry.lost_messages = take.lost_messages;
            self.ctx.store.add(entry);
            self.ctx.capture.takes_filed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Frees finished jobs (here, not on the audio thread).
    fn reclaim(&mut self) {
        while let Ok(job) = self.queue.spent.pop() {
            self.outstanding = self.outstanding.saturating_sub(1);
            drop(job);
        }
    }

    /// Reacts to what the audio thread asked for, and to a pending recall.
    fn triggers(&mut self) {
        let send = self.ctx.send.clone();
        let slot = send.slot_request.swap(0, Ordering::AcqRel);
        if slot > 0 {
            let id = self
                .ctx
                .store
                .read(|l| l.entries.get(slot as usize - 1).map(|e| e.id));
            match id {
                Some(id) => self.send_entries(&[id], None),
                None => self
                    .ctx
                    .store
                    .log(Level::Warning, format!("Send: slot {slot} is empty")),
            }
        }
        let program = send.program_request.swap(0, Ordering::AcqRel);
        if program > 0 {
            let pc = (program - 1) as u8;
            let id = self.ctx.store.read(|l| {
                l.entries
                    .iter()
                    .find(|e| e.program_change == Some(pc))
                    .map(|e| e.id)
            });
            if let Some(id) = id {
                // Like SysEx Librarian: a new program change interrupts older sends.
                send.cancel_below
                    .store(self.next_job_id + 1, Ordering::Relaxed);
                self.send_entries(&[id], None);
            }
        }
        if self.ctx.capture.active.load(Ordering::Acquire)
            && self.ctx.store.recall_pending.swap(false, Ordering::AcqRel)
        {
            let recall = self
                .ctx
                .store
                .read(|l| l.recall_entry().map(|e| (e.id, e.name.clone())));
            if let Some((id, name)) = recall {
                if self.ctx.capture.armed.load(Ordering::Relaxed) {
                    self.ctx.store.log(
                        Level::Warning,
                        format!("Recall of \"{name}\" skipped: recording is armed"),
                    );
                } else {
                    self.ctx
                        .store
                        .log(Level::Info, format!("Recalling \"{name}\""));
                    self.send_entries(&[id], None);
                }
            }
        }
    }

    fn send_entries(&mut self, ids: &[EntryId], pacing: Option<Pacing>) {
        let choice = *self.ctx.pacing.read().unwrap_or_else(|e| e.into_inner());
        let built = self.ctx.store.read(|lib| {
            let entries: Vec<&Entry> = ids.iter().filter_map(|id| lib.get(*id)).collect();
            let first = entries.first()?;
            let device = profiles::by_id(&first.profile).map_or(Pacing::DIN, |p| p.pacing());
            let label = match entries.as_slice() {
                [one] => one.name.clone(),
                many => format!("{} entries", many.len()),
            };
            let messages: Vec<Vec<u8>> = entries.iter().flat_map(|e| e.messages.clone()).collect();
            Some((
                label,
                messages,
                pacing.unwrap_or_else(|| choice.resolve(device)),
            ))
        });
        match built {
            Some((label, messages, pacing)) if !messages.is_empty() => {
                self.queue_job(label, messages, pacing)
            }
            _ => self.ctx.store.log(Level::Warning, "Nothing to send".into()),
        }
    }

    fn request_dump(&mut self, profile: &str) {
        let device_id = universal::ALL_CALL;
        let request = profiles::by_id(profile)
            .and_then(|p| p.dump_request(device_id).map(|r| (p.name(), r, p.pacing())))
            .unwrap_or((
                "Identity",
                universal::identity_request(device_id),
                Pacing::DIN,
            ));
        let (name, bytes, pacing) = request;
        self.queue_job(format!("{name} dump request"), vec![bytes], pacing);
    }

    fn queue_job(&mut self, label: String, messages: Vec<Vec<u8>>, pacing: Pacing) {
        self.reclaim();
        if self.outstanding >= JOB_QUEUE {
            self.ctx.store.log(
                Level::Error,
                format!("Send queue full: \"{label}\" not queued"),
            );
            return;
        }
        self.next_job_id += 1;
        let job = Box::new(SendJob::new(
            self.next_job_id,
            label.clone(),
            messages,
            pacing,
        ));
        let summary = format!(
            "Sending \"{label}\": {} message(s), {} bytes, about {:.1} s at {} B/s with {} ms gaps",
            job.messages.len(),
            job.total_bytes,
            job.total_seconds,
            pacing.bytes_per_second,
            pacing.gap_after_message_ms
        );
        match self.queue.jobs.push(job) {
            Ok(()) => {
                self.outstanding += 1;
                self.ctx.store.log(Level::Info, summary);
            }
            Err(_) => self.ctx.store.log(
                Level::Error,
                format!("Send queue full: \"{label}\" not queued"),
            ),
        }
    }
}
