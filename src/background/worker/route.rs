//! The direct route: opening and closing the synth's ports when the saved route changes, and
//! filing what the direct input captured (the host route's capture is in the worker itself).

use super::direct_send::direct_sender;
use super::{account_drops, for_conversation, State, DIRECT_RING_BYTES};
use crate::audio::capture::{self, CaptureReader, CaptureShared, Record};
use crate::audio::pool::MAX_MESSAGE_LEN;
use crate::audio::sender::SendJob;
use crate::background::ports::{self, DirectIn};
use crate::library::TakeRecorder;
use crate::store::Level;
use crossbeam_channel::Sender;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;

/// The direct-port route while it is in use.
pub(super) struct Direct {
    /// The input port (closed first on shutdown, so nothing arrives after the last read), its
    /// ring and its take recorder.
    pub(super) input: Option<(Option<DirectIn>, CaptureReader, TakeRecorder)>,
    /// The sender thread's job queue (dropped when the route closes) and the thread.
    pub(super) output: Option<(Option<Sender<SendJob>>, JoinHandle<()>)>,
    /// Set when the route closes (route change, plugin removed): the sender thread stops before
    /// its next piece (ending a cut message with F7), gives up its waits for the port and drops
    /// its queue, so closing never waits for a send or a slow route.
    pub(super) closing: Arc<AtomicBool>,
    /// Microsecond clock of the direct input (ring times are microseconds since this).
    pub(super) clock: std::time::Instant,
    /// The direct input ring's own drop counters (its losses belong to its takes, not the host
    /// route's), and how many drops its takes already show.
    pub(super) drops: Arc<CaptureShared>,
    pub(super) drops_seen: u64,
}

impl Direct {
    /// Tells the sender thread to stop now (its queue closes too), without waiting for it: it
    /// stops and closes its port while the rest of the route closes.
    pub(super) fn begin_close(&mut self) {
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

impl State {
    /// Opens or closes direct ports when the saved route changed.
    pub(super) fn apply_route(&mut self) {
        let wanted = self
            .ctx
            .route
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let reconnects = self.ctx.capture.reconnects.load(Ordering::Relaxed);
        if wanted == self.applied_route && reconnects == self.applied_reconnects {
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
        self.applied_reconnects = reconnects;
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
    pub(super) fn drain_direct(&mut self) {
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
}
