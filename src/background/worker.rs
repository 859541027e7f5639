//! The plugin's background thread. It files captured takes into the library, builds send jobs
//! (from the editor, the `Send` trigger, program changes and recall on load), frees finished jobs,
//! and answers flush requests before a state save. It never blocks the audio thread: everything
//! it shares with `process()` is a lock-free ring or an atomic.

use super::ports::{self, DirectIn, RouteSettings};
use crate::audio::capture::{self, CaptureReader, CaptureShared, Record};
use crate::audio::pool::MAX_MESSAGE_LEN;
use crate::audio::sender::{Request, SendJob, SendQueue, SendShared, JOB_QUEUE};
use crate::devices::{self, Fields};
use crate::library::{Entry, EntryId, Take, TakeRecorder};
use crate::pacing::{Pacing, PacingChoice};
use crate::store::{entry_from_take, Level, LibraryStore, WorkerRequest};
use crate::sysex::universal;
use crate::sysex::U7;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

mod direct_send;
use direct_send::direct_sender;

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

/// The direct-port route while it is in use.
struct Direct {
    /// The input port (closed first on shutdown, so nothing arrives after the last read), its
    /// ring and its take recorder.
    input: Option<(Option<DirectIn>, CaptureReader, TakeRecorder)>,
    /// The sender thread's job queue (dropped when the route closes) and the thread.
    output: Option<(Option<Sender<SendJob>>, JoinHandle<()>)>,
    /// Set when the route closes (route change, plugin removed): the sender thread stops before
    /// its next piece (ending a cut message with F7), gives up its waits for the port and drops
    /// its queue, so closing never waits for a send or a slow route.
    closing: Arc<AtomicBool>,
    /// Microsecond clock of the direct input (ring times are microseconds since this).
    clock: std::time::Instant,
    /// The direct input ring's own drop counters (its losses belong to its takes, not the host
    /// route's), and how many drops its takes already show.
    drops: Arc<CaptureShared>,
    drops_seen: u64,
}

impl Direct {
    /// Tells the sender thread to stop now (its queue closes too), without waiting for it: it
    /// stops and closes its port while the rest of the route closes.
    fn begin_close(&mut self) {
        self.closing.store(true, Ordering::Release);
        if let Some((jobs, _)) = self.output.as_mut() {
            *jobs = None;
        }
    }
}

impl Drop for Direct {
    fn drop(&mut self) {
        self.begin_close();
        self.input = None;
        if let Some((_, handle)) = self.output.take() {
            let _ = handle.join();
        }
    }
}

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

    /// Opens or closes direct ports when the saved route changed.
    fn apply_route(&mut self) {
        let wanted = self
            .ctx
            .route
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if wanted == self.applied_route {
            return;
        }
        // A conversation cannot follow the synth to other ports.
        self.cancel_conversation();
        // Stop a direct send after the message in flight, then close the old ports.
        if self.direct.as_ref().is_some_and(|d| d.output.is_some()) {
            self.ctx.send.cancel.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(mut old) = self.direct.take() {
            if let Some((_, _, r)) = old.input.as_mut() {
                r.stop();
                let takes = r.drain_finished();
                self.file_takes(takes);
            }
        }
        self.applied_route = wanted.clone();
        self.ctx
            .capture
            .direct_route
            .store(wanted.direct, Ordering::Release);
        if !wanted.direct {
            self.ctx
                .store
                .note(Level::Info, "MIDI route: through the host".into());
            return;
        }
        let mut direct = Direct {
            input: None,
            output: None,
            closing: Arc::new(AtomicBool::new(false)),
            clock: std::time::Instant::now(),
            drops: Arc::new(CaptureShared::default()),
            drops_seen: 0,
        };
        if let Some(name) = &wanted.input {
            let (mut producer, reader) = capture::ring(DIRECT_RING_BYTES, direct.drops.clone());
            let (capture, clock) = (self.ctx.capture.clone(), direct.clock);
            let opened =
                ports::open_input("SysEx Vault", name, ports::Match::Exact, move |bytes| {
                    if (capture.armed.load(Ordering::Relaxed)
                        || capture.listen.load(Ordering::Relaxed))
                        && bytes.first().is_some_and(|b| *b < 0xF8)
                    {
                        producer.push_bytes(clock.elapsed().as_micros() as u64, bytes);
                    }
                });
            match opened {
                Ok(port) => {
                    let gap = self.ctx.capture.gap_micros();
                    let recorder = TakeRecorder::new(MAX_MESSAGE_LEN, gap);
                    direct.input = Some((Some(port), reader, recorder));
                    self.ctx.store.note(
                        Level::Info,
                        format!("Capturing from {name} ({})", ports::BACKEND),
                    );
                }
                Err(e) => self.ctx.store.log(
                    Level::Error,
                    format!("Direct input: {e}; then press Reconnect"),
                ),
            }
        }
        if let Some(name) = &wanted.output {
            match ports::open_output("SysEx Vault", name, ports::Match::Exact) {
                Ok(mut out) => {
                    out.stop_on(direct.closing.clone());
                    let (tx, rx) = crossbeam_channel::unbounded::<SendJob>();
                    let (send, store) = (self.ctx.send.clone(), self.ctx.store.clone());
                    let closing = direct.closing.clone();
                    let handle = std::thread::Builder::new()
                        .name("sysex-vault direct send".into())
                        .spawn(move || direct_sender(out, rx, send, store, closing));
                    match handle {
                        Ok(h) => {
                            direct.output = Some((Some(tx), h));
                            self.ctx.store.note(
                                Level::Info,
                                format!("Sending to {name} ({})", ports::BACKEND),
                            );
                        }
                        Err(e) => self
                            .ctx
                            .store
                            .log(Level::Error, format!("Direct output thread: {e}")),
                    }
                }
                Err(e) => self.ctx.store.log(
                    Level::Error,
                    format!("Direct output: {e}; then press Reconnect"),
                ),
            }
        }
        self.direct = Some(direct);
    }

    /// Files what the direct input port captured.
    fn drain_direct(&mut self) {
        let gap = self.ctx.capture.gap_micros();
        let Some(direct) = self.direct.as_mut() else {
            return;
        };
        let now = direct.clock.elapsed().as_micros() as u64;
        let Some((_, reader, recorder)) = direct.input.as_mut() else {
            return;
        };
        recorder.set_gap_samples(gap);
        let mut heard: Vec<Vec<u8>> = Vec::new();
        while let Some(record) = reader.next_record() {
            if let Record::SysEx(at, _) | Record::Lost(at) | Record::Abort(at) = record {
                account_drops(&direct.drops, &mut direct.drops_seen, recorder, at);
            }
            match record {
                Record::SysEx(_, message) if self.conversation.is_some() => {
                    if for_conversation(message.bytes()) {
                        heard.push(message.bytes().to_vec());
                    }
                }
                Record::Lost(_) | Record::Abort(_) if self.conversation.is_some() => {
                    heard.push(Vec::new());
                }
                Record::SysEx(at, message) => recorder.feed(at, message.bytes()),
                Record::Stop(_) => recorder.stop(),
                Record::Lost(at) => recorder.lost_fragment(at),
                Record::Abort(_) => recorder.abort_message(),
            }
        }
        recorder.tick(now);
        let (m, b) = recorder.in_progress().unwrap_or((0, 0));
        if b > 0 {
            self.ctx
                .capture
                .live_messages
                .store(m as u64, Ordering::Relaxed);
            self.ctx.capture.live_bytes.store(b, Ordering::Relaxed);
        }
        let takes = recorder.drain_finished();
        self.file_takes(takes);
        for h in heard {
            self.tell_conversation(&h);
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
            && self.ctx.store.recall_pending.load(Ordering::Acquire)
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
                .recall_pending
                .store(false, Ordering::Release);
        }
    }

    fn send_entries(&mut self, ids: &[EntryId], pacing: Option<Pacing>) {
        if self.busy_talking() {
            return;
        }
        let choice = *self.ctx.pacing.read().unwrap_or_else(|e| e.into_inner());
        let built = self.ctx.store.read(|lib| {
            let entries: Vec<&Entry> = ids.iter().filter_map(|id| lib.get(*id)).collect();
            let first = entries.first()?;
            let device = devices::registry()
                .get(&first.profile)
                .map_or(Pacing::DIN, |d| d.pacing);
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

    /// A program change arrived: recalls the entry mapped to it (its channel and bank select
    /// included). An unmapped one changes nothing. A mapped one replaces earlier program-change
    /// recalls still going out when no other send is in progress; while one is (a bank
    /// restore), it queues behind it, unless its mapping says to interrupt (then everything
    /// older is cancelled).
    fn program_change(&mut self, pc: crate::library::ProgramChange) {
        let mapped = self.ctx.store.read(|l| {
            l.entries.iter().find_map(|e| {
                e.program_change
                    .filter(|m| m.matches(&pc))
                    .map(|m| (e.id, e.name.clone(), m))
            })
        });
        let Some((id, name, map)) = mapped else {
            return;
        };
        if self.busy_talking() {
            return;
        }
        let send = &self.ctx.send;
        let bulk_under_way = self.bulk_until > send.finished_through.load(Ordering::Acquire);
        if map.interrupt || !bulk_under_way {
            send.cancel_below
                .store(self.next_job_id + 1, Ordering::Relaxed);
        } else {
            self.ctx.store.log(
                Level::Info,
                format!(
                    "\"{name}\" ({}) waits for the send in progress",
                    map.describe()
                ),
            );
        }
        self.recalling_by_program = true;
        self.recall(id);
        self.recalling_by_program = false;
    }

    /// Recalls an entry: by bank select and program change where the user said the synth
    /// keeps it (instant, whatever the dump's size), else by sending its dump.
    fn recall(&mut self, id: EntryId) {
        let stored = self.ctx.store.read(|l| {
            l.get(id)
                .and_then(|e| e.stored_at.map(|at| (at, e.name.clone())))
        });
        let Some((at, name)) = stored else {
            return self.send_entries(&[id], None);
        };
        if self.busy_talking() {
            return;
        }
        let choice = *self.ctx.pacing.read().unwrap_or_else(|e| e.into_inner());
        let rate = choice.resolve(Pacing::DIN).bytes_per_second;
        self.queue_job(
            format!("{name} ({})", at.describe()),
            at.messages(),
            Pacing::whole(rate, 0),
        );
    }

    /// Starts a conversation on a thread of its own; one at a time.
    fn converse(&mut self, c: super::conversation::Conversation) {
        if self.conversation.is_some() {
            self.ctx.store.log(
                Level::Warning,
                "Already talking with the synth: wait for it to finish, or cancel".into(),
            );
            return;
        }
        self.reclaim();
        if self.outstanding > 0 || self.ctx.send.job_id.load(Ordering::Relaxed) != 0 {
            self.ctx.store.log(
                Level::Warning,
                "Not started: a send is still under way; talk with the synth when it is done"
                    .into(),
            );
            return;
        }
        let (tx, rx) = crossbeam_channel::unbounded();
        let cancel = Arc::new(AtomicBool::new(false));
        let number = NEXT_CONVERSATION.fetch_add(1, Ordering::Relaxed);
        self.ctx.capture.listen.store(true, Ordering::Relaxed);
        let (store, send) = (self.ctx.store.clone(), self.ctx.send.clone());
        let choice = *self.ctx.pacing.read().unwrap_or_else(|e| e.into_inner());
        let flag = cancel.clone();
        let started = std::thread::Builder::new()
            .name("sysex-vault conversation".into())
            .spawn(move || {
                super::conversation::run(number, c, store, send, rx, |d| choice.resolve(d), flag)
            });
        match started {
            Ok(handle) => {
                self.conversation = Some((tx, cancel, number));
                self.conversation_thread = Some(handle);
            }
            Err(e) => {
                self.ctx.capture.listen.store(false, Ordering::Relaxed);
                self.ctx.store.log(
                    Level::Error,
                    format!("Could not start talking with the synth: {e}"),
                );
            }
        }
    }

    fn send_part(&mut self, id: EntryId, from: usize, to: usize) {
        if self.busy_talking() {
            return;
        }
        let choice = *self.ctx.pacing.read().unwrap_or_else(|e| e.into_inner());
        let built = self.ctx.store.read(|lib| {
            let e = lib.get(id)?;
            let part = e.messages.get(from..to.min(e.messages.len()))?;
            let device = devices::registry()
                .get(&e.profile)
                .map_or(Pacing::DIN, |d| d.pacing);
            let label = if to - from == 1 {
                format!("{}, message {}", e.name, from + 1)
            } else {
                format!("{}, messages {}-{}", e.name, from + 1, to)
            };
            Some((label, part.to_vec(), choice.resolve(device)))
        });
        match built {
            Some((label, messages, pacing)) if !messages.is_empty() => {
                self.queue_job(label, messages, pacing)
            }
            _ => self.ctx.store.log(Level::Warning, "Nothing to send".into()),
        }
    }

    fn request_dump(&mut self, definition: &str, request: &str, fields: Fields) {
        if self.busy_talking() {
            return;
        }
        let Some(d) = devices::registry().get(definition) else {
            let device = fields
                .device
                .and_then(U7::new)
                .unwrap_or(universal::ALL_CALL);
            let bytes = universal::identity_request(device);
            self.queue_job("Identity request".into(), vec![bytes], Pacing::DIN);
            return;
        };
        match d.request(request, fields) {
            Ok(messages) => {
                let label = d.request_def(request).map_or(request, |r| r.label.as_str());
                self.queue_job(format!("{} request: {label}", d.name), messages, d.pacing)
            }
            Err(e) => self
                .ctx
                .store
                .log(Level::Error, format!("{} request not sent: {e}", d.name)),
        }
    }

    /// A job with the next id, stamped with the cancel generation it is queued under.
    fn new_job(&mut self, label: String, messages: Vec<Vec<u8>>, pacing: Pacing) -> SendJob {
        self.next_job_id += 1;
        let mut job = SendJob::new(self.next_job_id, label, messages, pacing);
        job.cancel_generation = self.ctx.send.cancel.load(Ordering::Relaxed);
        job
    }

    fn queue_job(&mut self, label: String, messages: Vec<Vec<u8>>, pacing: Pacing) {
        if self.applied_route.direct {
            let job = self.new_job(label.clone(), messages, pacing);
            let jobs = self.direct.as_ref().and_then(|d| d.output.as_ref());
            match jobs.and_then(|(tx, _)| tx.as_ref()) {
                Some(tx) if tx.send(job).is_ok() => {
                    self.queued_bulk();
                    self.ctx.store.log(
                        Level::Info,
                        format!("Sending \"{label}\" through the direct port"),
                    )
                }
                _ => {
                    self.refused();
                    self.ctx.store.log(
                        Level::Error,
                        format!("\"{label}\" not sent: the direct route has no open output port (choose one in the Record tab)"),
                    )
                }
            }
            return;
        }
        if let Some(big) = messages.iter().find(|m| m.len() > MAX_MESSAGE_LEN) {
            self.refused();
            self.ctx.store.log(
                Level::Error,
                format!(
                    "\"{label}\" not sent: a {}-byte message is over the {MAX_MESSAGE_LEN}-byte limit of SysEx through the host; send it through the direct MIDI ports (Record tab) instead",
                    big.len()
                ),
            );
            return;
        }
        self.reclaim();
        if self.outstanding >= JOB_QUEUE {
            self.refused();
            self.ctx.store.log(
                Level::Error,
                format!("Send queue full: \"{label}\" not queued"),
            );
            return;
        }
        let job = Box::new(self.new_job(label.clone(), messages, pacing));
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
                self.queued_bulk();
                self.ctx.store.log(Level::Info, summary);
            }
            Err(_) => {
                self.refused();
                self.ctx.store.log(
                    Level::Error,
                    format!("Send queue full: \"{label}\" not queued"),
                )
            }
        }
    }

    /// The job just queued (the last id handed out) is a bulk send unless a program change
    /// queued it.
    fn queued_bulk(&mut self) {
        if !self.recalling_by_program {
            self.bulk_until = self.next_job_id;
        }
    }

    /// Counts a job refused before it was queued, so a conversation waiting for it stops.
    fn refused(&self) {
        self.ctx.send.jobs_failed.fetch_add(1, Ordering::Relaxed);
    }
}

/// Shows messages a capture ring dropped (counted in `shared`, `seen` of them already shown) on
/// the take open at `at`.
fn account_drops(shared: &CaptureShared, seen: &mut u64, recorder: &mut TakeRecorder, at: u64) {
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
