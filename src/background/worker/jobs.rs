//! Send jobs: entries, parts of entries, recalls, program-change mappings, dump requests and a
//! conversation's messages become paced jobs for the audio thread's sender or the direct route.

use super::{State, NEXT_CONVERSATION};
use crate::audio::pool::MAX_MESSAGE_LEN;
use crate::audio::sender::{SendJob, JOB_QUEUE};
use crate::devices::{self, Fields};
use crate::library::{Entry, EntryId};
use crate::pacing::Pacing;
use crate::store::Level;
use crate::sysex::{universal, U7};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

impl State {
    pub(super) fn send_entries(&mut self, ids: &[EntryId], pacing: Option<Pacing>) {
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
    pub(super) fn program_change(&mut self, pc: crate::library::ProgramChange) {
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
    pub(super) fn recall(&mut self, id: EntryId) {
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
    pub(super) fn converse(&mut self, c: crate::background::conversation::Conversation) {
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
                crate::background::conversation::run(
                    number,
                    c,
                    store,
                    send,
                    rx,
                    |d| choice.resolve(d),
                    flag,
                )
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

    pub(super) fn send_part(&mut self, id: EntryId, from: usize, to: usize) {
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

    pub(super) fn request_dump(&mut self, definition: &str, request: &str, fields: Fields) {
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
    pub(super) fn new_job(
        &mut self,
        label: String,
        messages: Vec<Vec<u8>>,
        pacing: Pacing,
    ) -> SendJob {
        self.next_job_id += 1;
        let mut job = SendJob::new(self.next_job_id, label, messages, pacing);
        job.cancel_generation = self.ctx.send.cancel.load(Ordering::Relaxed);
        job
    }

    pub(super) fn queue_job(&mut self, label: String, messages: Vec<Vec<u8>>, pacing: Pacing) {
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
    pub(super) fn queued_bulk(&mut self) {
        if !self.recalling_by_program {
            self.bulk_until = self.next_job_id;
        }
    }

    /// Counts a job refused before it was queued, so a conversation waiting for it stops.
    pub(super) fn refused(&self) {
        self.ctx.send.jobs_failed.fetch_add(1, Ordering::Relaxed);
    }
}
