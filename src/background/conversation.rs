//! Transfers that talk with the synth, inside the plugin: "Get from synth" (a dump request and
//! the answer captured as a named entry, one program after another), and sends that wait for
//! the synth's acknowledge or are verified by asking for the patch back. They run on a thread of
//! their own with the pure logic of [`crate::transfer`]; messages go out as ordinary send jobs
//! (through the host or the direct ports, paced), and while a conversation runs the worker hands
//! every SysEx message that arrives to it instead of recording it as a take.

use crate::audio::sender::SendShared;
use crate::devices::{self, Fields};
use crate::library::{Entry, Source};
use crate::pacing::Pacing;
pub use crate::store::requests::{Conversation, SendCheck};
use crate::store::{Level, LibraryStore, WorkerRequest};
use crate::transfer::{self, CaptureRules, Link, Verdict};
use crossbeam_channel::Receiver;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod rig_backup;

/// A conversation's way to the synth: send jobs out, the worker's incoming messages in. While
/// it runs the worker sends nothing else, so the next job to finish is the conversation's.
struct PluginLink {
    store: Arc<LibraryStore>,
    send: Arc<SendShared>,
    incoming: Receiver<Vec<u8>>,
    pacing: Pacing,
    cancel: Arc<AtomicBool>,
    /// The send cancel generation when the conversation began: a Cancel (the editor's, or the
    /// host's Cancel Send) ends the conversation too.
    generation: u64,
}

impl PluginLink {
    /// Jobs done, cancelled and failed so far.
    fn outcomes(&self) -> (u64, u64, u64) {
        (
            self.send.jobs_done.load(Ordering::Relaxed),
            self.send.jobs_cancelled.load(Ordering::Relaxed),
            self.send.jobs_failed.load(Ordering::Relaxed),
        )
    }

    /// Sleeps `d` in slices, returning early (false) on a cancel.
    fn sleep(&self, d: Duration) -> bool {
        let end = Instant::now() + d;
        while Instant::now() < end {
            if self.cancelled() {
                return false;
            }
            let left = end.saturating_duration_since(Instant::now());
            std::thread::sleep(left.min(Duration::from_millis(10)));
        }
        !self.cancelled()
    }
}

impl Link for PluginLink {
    fn send(&mut self, message: &[u8]) -> Result<(), String> {
        if self.cancelled() {
            return Err(transfer::CANCELLED.into());
        }
        let before = self.outcomes();
        if !self.store.request(WorkerRequest::SendRaw {
            label: "to the synth".into(),
            messages: vec![message.to_vec()],
            pacing: self.pacing,
        }) {
            return Err("the plugin is not active".into());
        }
        let limit = Instant::now()
            + Duration::from_secs_f64(self.pacing.chunked_seconds(message.len()) + 10.0);
        loop {
            let now = self.outcomes();
            if now.0 > before.0 {
                break;
            }
            if now.1 > before.1 || now.2 > before.2 || self.cancelled() {
                return Err(transfer::CANCELLED.into());
            }
            if Instant::now() > limit {
                // Drop the job rather than let it go out later, unasked.
                self.send.cancel.fetch_add(1, Ordering::Relaxed);
                self.generation = self.send.cancel.load(Ordering::Relaxed);
                return Err(
                    "the message did not leave within 10 s (is the host processing?)".into(),
                );
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        // The last piece still travels at the wire rate.
        // Through the host a message leaves whole: its whole wire time (a safe upper bound on
        // the direct ports too).
        let left = self.pacing.last_piece_seconds(message.len(), None);
        if self.sleep(Duration::from_secs_f64(left)) {
            Ok(())
        } else {
            Err(transfer::CANCELLED.into())
        }
    }

    fn receive(&mut self, timeout: Duration) -> Option<Vec<u8>> {
        let end = Instant::now() + timeout;
        // In slices, so a cancel is seen within 10 ms.
        loop {
            if self.cancelled() {
                return None;
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            if let Ok(b) = self
                .incoming
                .recv_timeout(left.min(Duration::from_millis(10)))
            {
                return Some(b);
            }
        }
    }

    fn drain(&mut self) {
        while self.incoming.try_recv().is_ok() {}
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
            || self.send.cancel.load(Ordering::Relaxed) != self.generation
    }
}

/// Runs conversation number `number` to its end (on its own thread), logging what happened;
/// then tells the worker it is over, whatever happened.
pub fn run(
    number: u64,
    c: Conversation,
    store: Arc<LibraryStore>,
    send: Arc<SendShared>,
    incoming: Receiver<Vec<u8>>,
    pacing: impl Fn(Pacing) -> Pacing,
    cancel: Arc<AtomicBool>,
) {
    let generation = send.cancel.load(Ordering::Relaxed);
    let link = PluginLink {
        store: store.clone(),
        send,
        incoming,
        pacing: Pacing::DIN,
        cancel,
        generation,
    };
    let talked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        talk(c, &store, link, pacing)
    }));
    if talked.is_err() {
        store.log(
            Level::Error,
            "Internal error while talking with the synth; stopped".into(),
        );
    }
    store.request(WorkerRequest::ConversationDone(number));
}

fn talk(
    c: Conversation,
    store: &Arc<LibraryStore>,
    mut link: PluginLink,
    pacing: impl Fn(Pacing) -> Pacing,
) {
    let reg = devices::registry();
    match c {
        Conversation::Get {
            definition,
            request,
            fields,
            programs,
            rules,
        } => {
            let Some(def) = reg.get(&definition) else {
                store.log(
                    Level::Error,
                    format!("Get: no device definition `{definition}`"),
                );
                return;
            };
            link.pacing = pacing(def.pacing);
            let list: Vec<Option<u16>> = match programs {
                Some((a, b)) => (a..=b).map(Some).collect(),
                None => vec![fields.program],
            };
            get(store, &mut link, def, &request, fields, &list, rules);
        }
        Conversation::BackupRig {
            ports,
            identity_wait,
            rules,
        } => rig_backup::run(store, &mut link, ports, identity_wait, rules, &pacing),
        Conversation::Send {
            entries,
            verify,
            plain,
            backup,
            timeout,
            retries,
        } => {
            let (messages, device) = store.read(|l| {
                let picked: Vec<&Entry> = entries.iter().filter_map(|id| l.get(*id)).collect();
                let device = picked
                    .first()
                    .and_then(|e| reg.get(&e.profile))
                    .map_or(Pacing::DIN, |d| d.pacing);
                let messages: Vec<Vec<u8>> =
                    picked.iter().flat_map(|e| e.messages.clone()).collect();
                (messages, device)
            });
            link.pacing = pacing(device);
            let check = match (plain, verify) {
                (true, _) => SendCheck::None,
                (false, true) => SendCheck::Verify,
                (false, false) => SendCheck::Acknowledge,
            };
            if !back_up(store, &mut link, reg, &messages, backup, (&entries, check)) {
                return;
            }
            if plain {
                send_plainly(store, &mut link, &messages);
                return;
            }
            let rules = CaptureRules {
                answer_within: timeout,
                idle: timeout.min(Duration::from_secs(1)),
                retries,
            };
            send_checked(store, &mut link, reg, &messages, verify, rules);
        }
    }
}

/// Asks the synth with `def`'s request `request` once for each program of `list` and keeps each
/// answer as an entry, logging progress; stops at the first failure.
fn get(
    store: &Arc<LibraryStore>,
    link: &mut PluginLink,
    def: &devices::Definition,
    request: &str,
    fields: Fields,
    list: &[Option<u16>],
    rules: CaptureRules,
) {
    let started = Instant::now();
    for (i, program) in list.iter().enumerate() {
        let f = Fields {
            program: *program,
            ..fields
        };
        let what = program.map_or(String::new(), |p| format!(" program {p}"));
        let bytes = match def.request(request, f) {
            Ok(b) => b,
            Err(e) => {
                store.log(Level::Error, format!("Get from {}: {e}", def.name));
                break;
            }
        };
        store.note(
            Level::Info,
            format!(
                "Getting{what} from {} ({}/{})…",
                def.name,
                i + 1,
                list.len()
            ),
        );
        match transfer::request_and_capture(link, &bytes, rules, |_, _| {}) {
            Ok(messages) => {
                let e = Entry::new(
                    crate::devices::registry(),
                    messages,
                    Source::Capture,
                    crate::library::now_unix_ms(),
                );
                let name = e.name.clone();
                store.add(e);
                let eta = transfer::eta(started, i + 1, list.len())
                    .filter(|_| i + 1 < list.len())
                    .map_or(String::new(), |d| format!(", ETA {:.0} s", d.as_secs_f64()));
                store.log(
                    Level::Info,
                    format!("Got \"{name}\" ({}/{}{eta})", i + 1, list.len()),
                );
            }
            Err(e) => {
                store.log(Level::Error, format!("Get{what} from {}: {e}", def.name));
                break;
            }
        }
    }
}

/// Asks the synth for the memory `messages` overwrite (what `rule` covers) and keeps the answer
/// as an entry before anything is sent. Returns whether the send may go on: false when the synth
/// did not answer (the musician is asked, with `send` to offer again) or the conversation was
/// cancelled.
fn back_up(
    store: &Arc<LibraryStore>,
    link: &mut PluginLink,
    reg: &devices::Registry,
    messages: &[Vec<u8>],
    rule: crate::backup::BackupRule,
    send: (&[crate::library::EntryId], SendCheck),
) -> bool {
    let plan = crate::backup::plan(reg, messages, rule);
    for what in &plan.unasked {
        store.log(
            Level::Warning,
            format!("No backup of the {what}: its definition has no request for it"),
        );
    }
    if plan.overwrites.is_empty() {
        return true;
    }
    let list: Vec<String> = plan
        .overwrites
        .iter()
        .map(|o| format!("{} {}", o.synth, o.what))
        .collect();
    store.note(
        Level::Info,
        format!("Backing up what the send overwrites: {}…", list.join(", ")),
    );
    match crate::backup::take(link, &plan, CaptureRules::EDITOR) {
        Ok(kept) => {
            let now = crate::library::now_unix_ms();
            let mut e = Entry::new(reg, kept, Source::Capture, now);
            e.name = crate::backup::entry_name(now);
            e.tags.push(crate::backup::TAG.into());
            let name = e.name.clone();
            store.add(e);
            store.log(
                Level::Info,
                format!("Kept \"{name}\": send it (or Put back on the Send tab) to undo this send"),
            );
            true
        }
        Err(_) if link.cancelled() => false,
        Err(e) => {
            store.log(
                Level::Warning,
                format!("Not sent: no backup ({e}). The editor asks whether to send anyway"),
            );
            store.ask(Some(crate::store::requests::OverwriteQuestion {
                entries: send.0.to_vec(),
                check: send.1,
                why: e,
            }));
            false
        }
    }
}

/// Sends `messages` one after another, paced, with nothing expected back.
fn send_plainly(store: &Arc<LibraryStore>, link: &mut PluginLink, messages: &[Vec<u8>]) {
    for m in messages {
        if let Err(e) = link.send(m) {
            store.log(Level::Error, format!("Send stopped: {e}"));
            return;
        }
    }
    store.log(Level::Info, format!("Sent {} message(s)", messages.len()));
}

/// Sends `messages` waiting for the synth's acknowledges, or verifying each by asking for it
/// back; a synth its definition cannot check with is sent to plainly, with a warning.
fn send_checked(
    store: &Arc<LibraryStore>,
    link: &mut PluginLink,
    reg: &devices::Registry,
    messages: &[Vec<u8>],
    verify: bool,
    rules: CaptureRules,
) {
    let (timeout, retries) = (rules.answer_within, rules.retries);
    // A synth its definition cannot check with is still sent to, plainly, with a
    // warning: an automated Send never silently sends nothing.
    let checkable = |m: &Vec<u8>| {
        reg.identify(m).is_some_and(|(d, md, f)| {
            d.requests
                .iter()
                .any(|r| r.kind == md.kind && (!r.needs_program() || f.program.is_some()))
        })
    };
    let hs = messages
        .first()
        .and_then(|m| transfer::definition_handshake(reg, m, timeout, retries));
    let plain = if verify {
        !messages.iter().all(checkable)
    } else {
        hs.is_none()
    };
    if plain {
        store.log(
            Level::Warning,
            format!(
                "The synth's definition has no {}: sent without checking",
                if verify {
                    "request to ask for it back"
                } else {
                    "acknowledge to wait for"
                }
            ),
        );
        for m in messages {
            if let Err(e) = link.send(m) {
                store.log(Level::Error, format!("Send stopped: {e}"));
                return;
            }
        }
        return;
    }
    if verify {
        for (i, m) in messages.iter().enumerate() {
            match transfer::verify(link, reg, m, rules) {
                Ok(Verdict::Verified) => {
                    store.log(Level::Info, format!("Message {}: sent and verified", i + 1))
                }
                Ok(Verdict::Differs { at, .. }) => store.log(
                    Level::Error,
                    format!("Message {}: the synth's copy differs at byte {at}", i + 1),
                ),
                Err(e) => {
                    store.log(Level::Error, format!("Message {}: {e}", i + 1));
                    break;
                }
            }
        }
    } else if let Some(hs) = hs {
        match transfer::send_with_handshake(link, messages, &hs, |_, _| {}) {
            Ok(()) => store.log(
                Level::Info,
                format!("Sent {} message(s), each acknowledged", messages.len()),
            ),
            Err(e) => store.log(Level::Error, format!("Send {e}")),
        }
    }
}
