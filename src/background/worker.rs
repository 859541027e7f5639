//! The plugin's background thread. It files captured takes into the library, builds send jobs
//! (from the editor, the `Send` trigger, program changes and recall on load), frees finished jobs,
//! and answers flush requests before a state save. It never blocks the audio thread: everything
//! it shares with `process()` is a lock-free ring or an atomic.

use super::ports::RouteSettings;
use crate::audio::capture::{CaptureReader, CaptureShared, Record};
use crate::audio::pool::MAX_MESSAGE_LEN;
use crate::audio::sender::{Request, SendQueue, SendShared};
use crate::devices;
use crate::library::{Take, TakeRecorder};
use crate::pacing::PacingChoice;
use crate::store::{entry_from_take, Level, LibraryStore, WorkerRequest};
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

mod direct_send;
mod firmware;
mod jobs;
mod route;

pub use firmware::HOST_ROUTE_REFUSED as FIRMWARE_HOST_ROUTE_REFUSED;
use route::Direct;

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
    /// Whether the Send trigger waits for acknowledges or verifies.
    pub send_check: Arc<RwLock<super::conversation::SendCheck>>,
    /// The saved MIDI route (host or direct ports).
    pub route: Arc<RwLock<RouteSettings>>,
}

/// Capture ring size for a direct input port.
const DIRECT_RING_BYTES: u32 = 4 << 20;

/// Handle to the running worker; dropping it files what is left and joins the thread, which
/// ends promptly (every wait of the worker, its direct sender and a conversation is
/// interruptible): removing the plugin mid-send on a slow route takes tens of milliseconds.
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
            direct: None,
            applied_route: RouteSettings::default(),
            applied_reconnects: 0,
            recorder: TakeRecorder::new(MAX_MESSAGE_LEN, ctx.capture.gap_samples()),
            dropped_seen: ctx.capture.dropped_messages.load(Ordering::Relaxed),
            capture,
            queue,
            outstanding: 0,
            next_job_id: 0,
            bulk_until: 0,
            recalling_by_program: false,
            conversation: None,
            conversation_thread: None,
            ctx,
        };
        let handle = std::thread::Builder::new()
            .name("sysex-vault worker".into())
            .spawn(move || {
                // Load the device definitions here, off the audio thread, and say which of the
                // user's files were skipped.
                for e in devices::registry().errors() {
                    state
                        .ctx
                        .store
                        .note(Level::Warning, format!("Device definition skipped: {e}"));
                }
                state.run(rx)
            })
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
        let _ = self.requests.send(WorkerRequest::Shutdown);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        // The worker disconnected itself once its takes were filed (a save made meanwhile
        // waited for it); this covers a worker that never started.
        self.store.connect_worker(None);
    }
}

struct State {
    ctx: WorkerContext,
    direct: Option<Direct>,
    applied_route: RouteSettings,
    /// [`CaptureShared::reconnects`] when the route was last applied.
    applied_reconnects: u64,
    capture: CaptureReader,
    queue: SendQueue,
    recorder: TakeRecorder,
    dropped_seen: u64,
    /// Jobs pushed and not yet returned: kept below the return ring's size.
    outstanding: usize,
    next_job_id: u64,
    /// The id of the last job queued that is not a program-change recall (a bank restore, a
    /// user's send): a mapped program change waits for it unless told to interrupt.
    bulk_until: u64,
    /// Set while a program change's recall is being queued.
    recalling_by_program: bool,
    /// While a conversation runs: where incoming SysEx goes instead of the take recorder, its
    /// cancel flag and its number.
    conversation: Option<(crossbeam_channel::Sender<Vec<u8>>, Arc<AtomicBool>, u64)>,
    /// The running conversation's thread, joined when the worker stops.
    conversation_thread: Option<JoinHandle<()>>,
}

/// Numbers of conversations, unique in the process (a late "done" from a worker that was
/// replaced never ends another's conversation).
static NEXT_CONVERSATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// What the synth sent, for the conversation: SysEx bytes (a direct port also delivers notes
/// and controllers, which are not an answer), or an empty chunk for bytes lost on the way.
fn for_conversation(bytes: &[u8]) -> bool {
    bytes
        .first()
        .is_some_and(|&b| b < 0x80 || b == 0xF0 || b == 0xF7)
}

impl State {
    fn run(&mut self, requests: Receiver<WorkerRequest>) {
        loop {
            let request = requests.recv_timeout(POLL_INTERVAL);
            let shutdown = matches!(
                request,
                Ok(WorkerRequest::Shutdown) | Err(RecvTimeoutError::Disconnected)
            );
            // A flush is answered even if this step fails, so a save never waits in vain.
            let (request, flush) = match request {
                Ok(WorkerRequest::Flush(ack)) => (None, Some(ack)),
                other => (other.ok(), None),
            };
            // A panic here must not take the host down: log it and keep going.
            let step = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.step(request);
            }));
            if step.is_err() {
                self.ctx.store.log(
                    Level::Error,
                    "Internal error in the background thread; capture and send continue".into(),
                );
            }
            if let Some(ack) = flush {
                let _ = ack.send((self.open_takes(), self.ctx.store.generation()));
            }
            // The standalone app's library file follows every change (at most once a poll).
            self.ctx.store.save_file();
            if shutdown {
                self.shut_down(&requests);
                return;
            }
        }
    }

    /// Ends the worker promptly: the direct sender starts stopping at once (in parallel), the
    /// conversation ends, the direct input closes, everything received is filed, then the
    /// worker disconnects (a save made until then waited for the filing), answers what was
    /// still asked of it and joins the sender.
    fn shut_down(&mut self, requests: &Receiver<WorkerRequest>) {
        if let Some(d) = self.direct.as_mut() {
            d.begin_close();
        }
        self.end_conversation();
        // Its waits are in short slices and it was told to stop: it ends at once.
        if let Some(t) = self.conversation_thread.take() {
            let _ = t.join();
        }
        if let Some((port, _, _)) = self.direct.as_mut().and_then(|d| d.input.as_mut()) {
            *port = None;
        }
        self.drain_capture();
        self.drain_direct();
        self.recorder.stop();
        self.file_finished();
        if let Some((_, _, r)) = self.direct.as_mut().and_then(|d| d.input.as_mut()) {
            r.stop();
            let takes = r.drain_finished();
            self.file_takes(takes);
        }
        self.ctx.store.save_file();
        self.ctx.store.connect_worker(None);
        for request in requests.try_iter() {
            match request {
                WorkerRequest::Flush(ack) => {
                    let _ = ack.send((Vec::new(), self.ctx.store.generation()));
                }
                WorkerRequest::Shutdown | WorkerRequest::ConversationDone(_) => {}
                _ => self
                    .ctx
                    .store
                    .log(Level::Warning, "Not done: the plugin was closing".into()),
            }
        }
        self.direct = None;
    }

    fn step(&mut self, request: Option<WorkerRequest>) {
        self.apply_route();
        self.drain_capture();
        self.drain_direct();
        self.reclaim();
        self.triggers();
        match request {
            Some(WorkerRequest::Send { entries, pacing }) => self.send_entries(&entries, pacing),
            Some(WorkerRequest::SendPart { entry, from, to }) => self.send_part(entry, from, to),
            Some(WorkerRequest::RequestDump {
                definition,
                request,
                fields,
            }) => self.request_dump(&definition, &request, fields),
            Some(WorkerRequest::Cancel) => {
                self.ctx.send.cancel.fetch_add(1, Ordering::Relaxed);
                self.cancel_conversation();
            }
            Some(WorkerRequest::SendRaw {
                label,
                messages,
                pacing,
            }) => self.queue_job(label, messages, pacing),
            Some(WorkerRequest::SendFirmware { label, messages }) => {
                self.send_firmware(label, messages)
            }
            Some(WorkerRequest::Converse(c)) => self.converse(c),
            Some(WorkerRequest::ConversationDone(n)) => {
                if self.conversation.as_ref().is_some_and(|c| c.2 == n) {
                    self.end_conversation();
                }
            }
            // A flush is answered by `run` after the step; a shutdown ends it there.
            Some(WorkerRequest::Flush(_) | WorkerRequest::Shutdown) | None => {}
        }
    }

    /// Copies of the takes in progress (host route and direct input), every byte received so far.
    fn open_takes(&self) -> Vec<Take> {
        let direct = self
            .direct
            .as_ref()
            .and_then(|d| d.input.as_ref())
            .and_then(|(_, _, r)| r.snapshot());
        self.recorder.snapshot().into_iter().chain(direct).collect()
    }

    /// Files everything in the capture ring, then closes a take whose idle gap has passed.
    fn drain_capture(&mut self) {
        let shared = self.ctx.capture.clone();
        self.recorder.set_gap_samples(shared.gap_samples());
        let dropped_before = shared.dropped_messages.load(Ordering::Relaxed);
        while let Some(record) = self.capture.next_record() {
            match record {
                Record::SysEx(at, message) => {
                    self.account_drops(at);
                    if self.conversation.is_some() {
                        self.tell_conversation(message.bytes());
                    } else {
                        self.recorder.feed(at, message.bytes());
                    }
                }
                Record::Stop(at) => {
                    self.account_drops(at);
                    self.recorder.stop();
                }
                Record::Lost(at) | Record::Abort(at) if self.conversation.is_some() => {
                    self.account_drops(at);
                    self.tell_conversation(&[]);
                }
                Record::Lost(at) => {
                    self.account_drops(at);
                    self.recorder.lost_fragment(at);
                }
                Record::Abort(at) => {
                    self.account_drops(at);
                    self.recorder.abort_message();
                }
            }
        }
        // A message the ring had no room for is part of the answer too: the conversation must
        // not take what arrived for all of it.
        if self.conversation.is_some()
            && shared.dropped_messages.load(Ordering::Relaxed) > dropped_before
        {
            self.tell_conversation(&[]);
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
        account_drops(
            &self.ctx.capture,
            &mut self.dropped_seen,
            &mut self.recorder,
            at,
        );
    }

    fn file_finished(&mut self) {
        let takes = self.recorder.drain_finished();
        self.file_takes(takes);
    }

    fn file_takes(&mut self, takes: Vec<Take>) {
        for take in takes {
            self.ctx.store.add(entry_from_take(take));
            self.ctx.capture.takes_filed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Hands what the synth sent to the running conversation (an empty chunk: bytes lost). A
    /// conversation whose thread is gone is ended, so capture goes back to takes.
    fn tell_conversation(&mut self, bytes: &[u8]) {
        let gone = self
            .conversation
            .as_ref()
            .is_some_and(|(tx, _, _)| tx.send(bytes.to_vec()).is_err());
        if gone {
            self.end_conversation();
        }
    }

    /// Stops the running conversation (it ends at its next wait).
    fn cancel_conversation(&mut self) {
        if let Some((_, cancel, _)) = &self.conversation {
            cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Forgets the conversation: capture is armed by the Record parameter alone again.
    fn end_conversation(&mut self) {
        if let Some((_, cancel, _)) = self.conversation.take() {
            cancel.store(true, Ordering::Relaxed);
        }
        self.ctx.capture.listen.store(false, Ordering::Relaxed);
    }

    /// True (after saying so in the log) while a conversation runs: other sends would be
    /// taken for its messages by the synth, and their answers for its answers.
    fn busy_talking(&self) -> bool {
        if self.conversation.is_some() {
            self.ctx.store.log(
                Level::Warning,
                "Not sent: talking with the synth (Get, acknowledge or verify); wait for it or cancel"
                    .into(),
            );
        }
        self.conversation.is_some()
    }

    /// Frees finished jobs (here, not on the audio thread).
    fn reclaim(&mut self) {
        while let Ok(job) = self.queue.spent.pop() {
            self.outstanding = self.outstanding.saturating_sub(1);
            drop(job);
        }
    }

    /// Reacts to what the audio thread asked for (in order), and to a pending recall.
    fn triggers(&mut self) {
        let send = self.ctx.send.clone();
        while let Ok(request) = self.queue.requests.pop() {
            // Counted down once the request is queued as a job (or refused): until then the
            // audio thread keeps the host from sleeping.
            let _served = Served(&send);
            match request {
                Request::Slot(slot) => {
                    let id = self
                        .ctx
                        .store
                        .read(|l| l.entries.get(slot as usize - 1).map(|e| e.id));
                    let check = *self
                        .ctx
                        .send_check
                        .read()
                        .unwrap_or_else(|e| e.into_inner());
                    let stored = id.and_then(|id| {
                        self.ctx
                            .store
                            .read(|l| l.get(id).map(|e| e.stored_at.is_some()))
                    });
                    match (id, check.conversation(id.into_iter().collect())) {
                        // A recall by program change has nothing to check.
                        (Some(_), Some(c)) if stored == Some(false) => self.converse(c),
                        (Some(id), _) => self.recall(id),
                        (None, _) => self
                            .ctx
                            .store
                            .log(Level::Warning, format!("Send: slot {slot} is empty")),
                    }
                }
                Request::Program(pc) => self.program_change(pc),
            }
        }
        let dropped = send.requests_dropped.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            self.ctx.store.log(
                Level::Error,
                format!("{dropped} send request(s) from the host arrived faster than they could be queued and were not served"),
            );
        }
        // The flag is cleared only once the recall is queued, so the audio thread keeps the host
        // from sleeping until then.
        if self.ctx.capture.active.load(Ordering::Acquire)
            && self
                .ctx
                .store
                .signals
                .recall_pending
                .load(Ordering::Acquire)
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
                    self.recall(id);
                }
            }
            self.ctx
                .store
                .signals
                .recall_pending
                .store(false, Ordering::Release);
        }
    }
}

/// Shows messages a capture ring dropped (counted in `shared`, `seen` of them already shown) on
/// the take open at `at`.
pub(super) fn account_drops(
    shared: &CaptureShared,
    seen: &mut u64,
    recorder: &mut TakeRecorder,
    at: u64,
) {
    let dropped = shared.dropped_messages.load(Ordering::Relaxed);
    if dropped > *seen {
        recorder.lost(at, dropped - *seen);
        *seen = dropped;
    }
}

/// Marks a request from the audio thread as served when dropped.
struct Served<'a>(&'a SendShared);

impl Drop for Served<'_> {
    fn drop(&mut self) {
        self.0.requests_waiting.fetch_sub(1, Ordering::AcqRel);
    }
}
