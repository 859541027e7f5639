//! Transfers that wait for the synth: sending with a handshake (wait for an acknowledge after
//! each message, resend on a "not acknowledged", stop on an error or silence), asking for a dump
//! and capturing the answer, and verifying a send by asking for the patch back.
//!
//! Pure logic over a [`Link`] (an output and an input to one synth): the command line gives it
//! real MIDI ports, the tests a scripted synth. Every wait is bounded by silence, never by the
//! length of a transfer: a timeout restarts on every byte that arrives, so a slow synth in the
//! middle of a long dump is never interrupted or asked again.

use crate::devices::pattern::Pattern;
use crate::devices::{Registry, ReplyRole};
use crate::sysex::{Assembler, AssemblerEvent};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Largest message a transfer assembles from the synth.
const MAX_REPLY: usize = 1 << 20;

/// An output and an input to one synth.
pub trait Link {
    /// Sends one message, paced; returns once it has reached the synth.
    fn send(&mut self, message: &[u8]) -> Result<(), String>;
    /// Waits up to `timeout` for bytes from the synth; `None` when nothing arrived (or the
    /// transfer was cancelled). An empty chunk means bytes were lost on the way.
    fn receive(&mut self, timeout: Duration) -> Option<Vec<u8>>;
    /// Forgets what arrived before now (late answers to an earlier request).
    fn drain(&mut self) {}
    /// Whether the user cancelled.
    fn cancelled(&self) -> bool {
        false
    }
}

/// The error of a cancelled transfer.
pub const CANCELLED: &str = "cancelled";

/// What the synth's replies look like.
#[derive(Clone, Debug, Default)]
pub struct Handshake {
    /// "Go on": the message was taken.
    pub ack: Vec<Pattern>,
    /// "Send that again".
    pub nak: Vec<Pattern>,
    /// "Failed": stop.
    pub error: Vec<Pattern>,
    /// Silence after which a reply is given up (restarts on every byte received).
    pub timeout: Duration,
    /// How many times one message is sent again after a "not acknowledged".
    pub retries: u32,
}

/// How a transfer ended early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stopped {
    /// 0-based index of the message that failed.
    pub index: usize,
    /// What happened, in words.
    pub reason: String,
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "stopped at message {}: {}", self.index + 1, self.reason)
    }
}

/// Complete messages from the synth, assembled from whatever arrives.
struct Incoming {
    assembler: Assembler,
    ready: VecDeque<Vec<u8>>,
    /// Bytes received so far.
    bytes: usize,
    /// Something arrived incomplete or was lost on the way.
    damaged: Option<String>,
}

impl Incoming {
    fn new() -> Incoming {
        Incoming {
            assembler: Assembler::new(MAX_REPLY),
            ready: VecDeque::new(),
            bytes: 0,
            damaged: None,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            self.damaged = Some("bytes from the synth were lost on the way".into());
            return;
        }
        self.bytes += bytes.len();
        let (ready, damaged) = (&mut self.ready, &mut self.damaged);
        self.assembler.push(bytes, |e| match e {
            AssemblerEvent::Message { bytes, .. } => ready.push_back(bytes),
            AssemblerEvent::Unterminated { bytes, .. } => {
                *damaged = Some(format!("a message of {} bytes was cut off", bytes.len()))
            }
            AssemblerEvent::Overflow { len, .. } => {
                *damaged = Some(format!("a {len}-byte message was too long to keep"))
            }
        });
    }

    /// Ends a message still open (the synth went silent in the middle of it).
    fn finish(&mut self) {
        if let Some(AssemblerEvent::Unterminated { bytes, .. }) = self.assembler.flush() {
            self.damaged = Some(format!(
                "the synth stopped in the middle of a message ({} bytes, no F7)",
                bytes.len()
            ));
        }
    }

    /// Waits for the next complete message; the wait restarts on every byte. `None` after
    /// `silence` without a byte.
    fn next(&mut self, link: &mut dyn Link, silence: Duration) -> Option<Vec<u8>> {
        loop {
            if let Some(m) = self.ready.pop_front() {
                return Some(m);
            }
            let bytes = link.receive(silence)?;
            self.feed(&bytes);
        }
    }
}

/// Sends `messages` one by one, waiting after each for the synth's reply: on an acknowledge the
/// next goes; on a "not acknowledged" the same one goes again (up to `retries` times); an error
/// reply, or silence for `timeout`, stops with the failing message's index. Messages from the
/// synth that match none of the patterns are ignored. `progress` gets (messages done, total).
pub fn send_with_handshake(
    link: &mut dyn Link,
    messages: &[Vec<u8>],
    hs: &Handshake,
    mut progress: impl FnMut(usize, usize),
) -> Result<(), Stopped> {
    let matches = |ps: &[Pattern], m: &[u8]| ps.iter().any(|p| p.matches(m).is_some());
    for (index, m) in messages.iter().enumerate() {
        let mut naks = 0;
        'resend: loop {
            // Only what answers this message counts: earlier replies are dropped, assembled or
            // not.
            link.drain();
            let mut incoming = Incoming::new();
            link.send(m).map_err(|reason| Stopped { index, reason })?;
            loop {
                let Some(reply) = incoming.next(link, hs.timeout) else {
                    let reason = if link.cancelled() {
                        CANCELLED.to_owned()
                    } else {
                        format!("no reply within {} ms of silence", hs.timeout.as_millis())
                    };
                    return Err(Stopped { index, reason });
                };
                if matches(&hs.ack, &reply) {
                    break 'resend;
                }
                if matches(&hs.error, &reply) {
                    return Err(Stopped {
                        index,
                        reason: format!("the synth answered with an error ({})", hex(&reply)),
                    });
                }
                if matches(&hs.nak, &reply) {
                    naks += 1;
                    if naks > hs.retries {
                        return Err(Stopped {
                            index,
                            reason: format!("not acknowledged {naks} times"),
                        });
                    }
                    continue 'resend;
                }
            }
        }
        progress(index + 1, messages.len());
    }
    Ok(())
}

/// How to wait for a dump after asking for it.
#[derive(Clone, Copy, Debug)]
pub struct CaptureRules {
    /// Silence after the request before asking again.
    pub answer_within: Duration,
    /// Silence that ends the dump (restarts on every byte).
    pub idle: Duration,
    /// How many times the request is sent again after silence.
    pub retries: u32,
}

impl CaptureRules {
    /// What the editor's "Get from synth" uses: ask again after 2 s of silence (never while
    /// bytes arrive), the dump ends after 1 s of silence, at most 2 more requests.
    pub const EDITOR: CaptureRules = CaptureRules {
        answer_within: Duration::from_secs(2),
        idle: Duration::from_secs(1),
        retries: 2,
    };
}

/// Sends a dump request and captures the answer: every complete message until the synth has
/// been silent for `idle`. The request is sent again only after `answer_within` of silence
/// (never while bytes are arriving), up to `retries` times. `progress` gets (messages, bytes)
/// as they arrive.
pub fn request_and_capture(
    link: &mut dyn Link,
    request: &[Vec<u8>],
    rules: CaptureRules,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<Vec<u8>>, String> {
    let mut incoming = Incoming::new();
    let mut attempts = 0;
    let first = loop {
        // Late bytes of an earlier answer are not this one's.
        link.drain();
        for m in request {
            link.send(m)?;
        }
        attempts += 1;
        // Wait for the first byte (not a whole message: a long dump's first message may take
        // longer than `answer_within` and must not be asked for again).
        match link.receive(rules.answer_within) {
            Some(bytes) => break bytes,
            None if link.cancelled() => return Err(CANCELLED.into()),
            None if attempts > rules.retries => {
                return Err(format!(
                    "no answer: the synth stayed silent after {attempts} request(s)"
                ))
            }
            None => {}
        }
    };
    let mut got = Vec::new();
    incoming.feed(&first);
    while let Some(m) = incoming.next(link, rules.idle) {
        // A synth with soft thru echoes the request: that is not its answer.
        if request.contains(&m) {
            continue;
        }
        got.push(m);
        progress(got.len(), incoming.bytes);
    }
    // Cancelled, not idle: a dump cut short is not kept.
    if link.cancelled() {
        return Err(CANCELLED.into());
    }
    incoming.finish();
    if let Some(why) = incoming.damaged {
        return Err(format!("{why}; nothing kept (ask again)"));
    }
    if got.is_empty() {
        return Err(format!(
            "{} byte(s) arrived but no complete SysEx message",
            incoming.bytes
        ));
    }
    Ok(got)
}

/// The first difference between what was sent and what came back, ignoring `volatile` byte
/// ranges (message offsets): `None` when they agree.
pub fn first_difference(sent: &[u8], back: &[u8], volatile: &[(usize, usize)]) -> Option<usize> {
    let skip = |i: usize| volatile.iter().any(|&(a, b)| (a..b).contains(&i));
    (0..sent.len().max(back.len())).find(|&i| !skip(i) && sent.get(i) != back.get(i))
}

/// What verifying one sent message found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The synth's copy matches (volatile bytes aside).
    Verified,
    /// The first differing byte (message offset), what was sent and what came back there.
    Differs {
        /// Message offset.
        at: usize,
        /// The byte sent there, if any.
        sent: Option<u8>,
        /// The byte that came back there, if any.
        back: Option<u8>,
    },
}

/// Sends `message`, asks the synth for it back with its device definition's request for that
/// kind of message (same channel, device ID, bank and program) and compares the patch data,
/// ignoring the ranges the definition marks volatile (the copy may come back addressed
/// differently, e.g. from the edit buffer).
pub fn verify(
    link: &mut dyn Link,
    registry: &Registry,
    message: &[u8],
    rules: CaptureRules,
) -> Result<Verdict, String> {
    let (def, md, fields) = registry
        .identify(message)
        .ok_or("no device definition knows it, so it cannot be asked for back")?;
    let r = def
        .requests
        .iter()
        .find(|r| r.kind == md.kind && (!r.needs_program() || fields.program.is_some()))
        .ok_or_else(|| {
            format!(
                "{} has no request for a {} ({})",
                def.name,
                md.kind.label(),
                md.label
            )
        })?;
    let request = def.request(&r.id, fields).map_err(|e| e.to_string())?;
    link.send(message)?;
    let back = request_and_capture(link, &request, rules, |_, _| {})
        .map_err(|e| format!("sent, but not verified: {e}"))?;
    // The copy is the last message of the kind: an echo of the patch itself (soft thru) can
    // still arrive after the request went out, but always before the synth's answer to it.
    let copy = back
        .iter()
        .rev()
        .find(|b| {
            registry
                .identify(b)
                .is_some_and(|(d, bm, _)| d.id == def.id && bm.kind == md.kind)
        })
        .or(back.last())
        .ok_or("nothing came back")?;
    let same = registry
        .identify(copy)
        .filter(|(d, bm, _)| {
            d.id == def.id && (bm.kind == md.kind || (bm.kind.is_patch() && md.kind.is_patch()))
        })
        .and_then(|(_, bm, _)| Some((def.decoded(md, message)?, def.decoded(bm, copy)?)));
    let at = match same {
        Some((a, b)) => first_difference(&a, &b, &md.volatile).map(|i| {
            let (start, enc) = def
                .data_start(md, message.len())
                .unwrap_or((0, Default::default()));
            start + enc.encoded_offset(i)
        }),
        None => first_difference(message, copy, &[]),
    };
    Ok(match at {
        None => Verdict::Verified,
        Some(at) => Verdict::Differs {
            at,
            sent: message.get(at).copied(),
            back: copy.get(at).copied(),
        },
    })
}

/// The handshake a synth's device definition describes (its `reply` messages), if it names an
/// acknowledge.
pub fn definition_handshake(
    registry: &Registry,
    first: &[u8],
    timeout: Duration,
    retries: u32,
) -> Option<Handshake> {
    let (def, _, _) = registry.identify(first)?;
    let mut hs = Handshake {
        timeout,
        retries,
        ..Handshake::default()
    };
    for m in &def.messages {
        match m.reply {
            Some(ReplyRole::Ack) => hs.ack.push(m.header.clone()),
            Some(ReplyRole::Nak) => hs.nak.push(m.header.clone()),
            Some(ReplyRole::Error) => hs.error.push(m.header.clone()),
            None => {}
        }
    }
    (!hs.ack.is_empty()).then_some(hs)
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(12)
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A clock for ETAs: seconds per item so far times the items left.
pub fn eta(started: Instant, done: usize, total: usize) -> Option<Duration> {
    (done > 0).then(|| {
        started
            .elapsed()
            .mul_f64((total - done) as f64 / done as f64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the scripted synth answers to the n-th message it gets (`None`: a silence).
    type Answer = Box<dyn FnMut(&[u8], usize) -> Vec<Option<Vec<u8>>>>;

    /// A scripted synth.
    struct Script {
        sent: Vec<Vec<u8>>,
        pending: VecDeque<Option<Vec<u8>>>,
        answer: Answer,
        cancel: bool,
    }

    impl Link for Script {
        fn send(&mut self, m: &[u8]) -> Result<(), String> {
            self.sent.push(m.to_vec());
            let n = self.sent.len();
            let replies = (self.answer)(m, n);
            self.pending.extend(replies);
            Ok(())
        }
        fn receive(&mut self, _: Duration) -> Option<Vec<u8>> {
            // `None` in the script is a silence.
            self.pending.pop_front().flatten()
        }
        fn cancelled(&self) -> bool {
            self.cancel
        }
    }

    fn script(answer: impl FnMut(&[u8], usize) -> Vec<Option<Vec<u8>>> + 'static) -> Script {
        Script {
            sent: Vec::new(),
            pending: VecDeque::new(),
            answer: Box::new(answer),
            cancel: false,
        }
    }

    fn hs() -> Handshake {
        Handshake {
            ack: vec![Pattern::parse("F0 41 43").unwrap()],
            nak: vec![Pattern::parse("F0 41 4E").unwrap()],
            error: vec![Pattern::parse("F0 41 4F").unwrap()],
            timeout: Duration::from_millis(10),
            retries: 1,
        }
    }

    const ACK: [u8; 4] = [0xF0, 0x41, 0x43, 0xF7];
    const NAK: [u8; 4] = [0xF0, 0x41, 0x4E, 0xF7];

    #[test]
    fn acks_naks_errors_and_silence() {
        let msgs = vec![
            vec![0xF0, 1, 0xF7],
            vec![0xF0, 2, 0xF7],
            vec![0xF0, 3, 0xF7],
        ];
        // NAK once on the second message, ACK otherwise, with noise in between.
        let mut s = script(|_, n| match n {
            2 => vec![Some(vec![0xF0, 0x7E, 0xF7]), Some(NAK.to_vec())],
            _ => vec![Some(ACK[..2].to_vec()), Some(ACK[2..].to_vec())],
        });
        let mut done = Vec::new();
        send_with_handshake(&mut s, &msgs, &hs(), |d, _| done.push(d)).unwrap();
        assert_eq!(s.sent.len(), 4, "the second message went twice");
        assert_eq!(s.sent[1], s.sent[2]);
        assert_eq!(done, [1, 2, 3]);
        // NAK twice: retries exhausted.
        let mut s = script(|_, n| {
            if n >= 2 {
                vec![Some(NAK.to_vec())]
            } else {
                vec![Some(ACK.to_vec())]
            }
        });
        let e = send_with_handshake(&mut s, &msgs, &hs(), |_, _| {}).unwrap_err();
        assert_eq!(
            (e.index, e.reason.as_str()),
            (1, "not acknowledged 2 times")
        );
        // An error reply and silence stop with the index.
        let mut s = script(|_, _| vec![Some(vec![0xF0, 0x41, 0x4F, 0xF7])]);
        let e = send_with_handshake(&mut s, &msgs, &hs(), |_, _| {}).unwrap_err();
        assert_eq!(e.index, 0);
        assert!(e.reason.contains("error (F0 41 4F F7)"), "{e}");
        let mut s = script(|_, n| {
            if n == 3 {
                vec![None]
            } else {
                vec![Some(ACK.to_vec())]
            }
        });
        let e = send_with_handshake(&mut s, &msgs, &hs(), |_, _| {}).unwrap_err();
        assert_eq!(
            e.to_string(),
            "stopped at message 3: no reply within 10 ms of silence"
        );
    }

    #[test]
    fn capture_retries_on_silence_only() {
        let rules = CaptureRules {
            answer_within: Duration::from_millis(5),
            idle: Duration::from_millis(5),
            retries: 2,
        };
        // Silent to the first request; the second gets a dump in slow pieces, then silence.
        let mut s = script(|_, n| {
            if n == 1 {
                vec![None]
            } else {
                vec![
                    Some(vec![0xF0, 0x10]),
                    Some(vec![0x11, 0xF7, 0xF0]),
                    Some(vec![0x12, 0xF7]),
                    None,
                ]
            }
        });
        let got = request_and_capture(&mut s, &[vec![0xF0, 0x01, 0xF7]], rules, |_, _| {}).unwrap();
        assert_eq!(
            got,
            vec![vec![0xF0, 0x10, 0x11, 0xF7], vec![0xF0, 0x12, 0xF7]]
        );
        assert_eq!(s.sent.len(), 2, "asked again once, after silence");
        // Never an answer.
        let mut s = script(|_, _| vec![None]);
        let e =
            request_and_capture(&mut s, &[vec![0xF0, 0x01, 0xF7]], rules, |_, _| {}).unwrap_err();
        assert!(e.contains("silent after 3 request(s)"), "{e}");
    }

    #[test]
    fn cut_lost_or_cancelled_answers_are_never_kept() {
        let rules = CaptureRules {
            answer_within: Duration::from_millis(5),
            idle: Duration::from_millis(5),
            retries: 0,
        };
        let req = [vec![0xF0, 0x01, 0xF7]];
        for (answer, cancel, says) in [
            (vec![0xF0, 0x10, 0x11], true, CANCELLED),
            (
                vec![0xF0, 0x10, 0xF7, 0xF0, 0x12],
                false,
                "stopped in the middle of a message",
            ),
            (vec![], false, "lost on the way"),
        ] {
            let mut s =
                script(move |_, _| vec![Some(vec![0xF0, 0x20, 0xF7]), Some(answer.clone()), None]);
            s.cancel = cancel;
            let e = request_and_capture(&mut s, &req, rules, |_, _| {}).unwrap_err();
            assert!(e.contains(says), "{e}");
        }
    }

    #[test]
    fn differences_skip_volatile_ranges() {
        assert_eq!(first_difference(&[1, 2, 3], &[1, 2, 3], &[]), None);
        assert_eq!(first_difference(&[1, 2, 3], &[1, 9, 3], &[]), Some(1));
        assert_eq!(first_difference(&[1, 2, 3], &[1, 9, 3], &[(1, 2)]), None);
        assert_eq!(first_difference(&[1, 2, 3], &[1, 2], &[]), Some(2));
    }

    #[test]
    fn verify_compares_patch_data_and_skips_volatile_bytes() {
        // A synth whose program dump carries a version byte (decoded offset 0) it may change.
        let def = "id = \"t\"\nname = \"T\"\nmaker = \"T\"\nsources = [\"test\"]\n\
            [[message]]\nid = \"p\"\nlabel = \"P\"\nkind = \"program\"\n\
            header = \"F0 7D 10 prog\"\nlength = 9\ndata = { from = 4, to = -1 }\n\
            volatile = [[0, 1]]\n\
            [[request]]\nid = \"p\"\nlabel = \"P\"\nkind = \"program\"\n\
            bytes = \"F0 7D 20 prog F7\"\n";
        let reg = Registry::from_texts(vec![("t.toml".into(), def.into())], []);
        assert!(reg.errors().is_empty(), "{:?}", reg.errors());
        let sent = vec![0xF0, 0x7D, 0x10, 5, 1, 2, 3, 4, 0xF7];
        let rules = CaptureRules {
            answer_within: Duration::from_millis(5),
            idle: Duration::from_millis(5),
            retries: 0,
        };
        for (back, want) in [
            (
                vec![0xF0, 0x7D, 0x10, 5, 9, 2, 3, 4, 0xF7],
                Verdict::Verified,
            ),
            (
                vec![0xF0, 0x7D, 0x10, 5, 1, 2, 7, 4, 0xF7],
                Verdict::Differs {
                    at: 6,
                    sent: Some(3),
                    back: Some(7),
                },
            ),
        ] {
            let mut s = script(move |m, _| {
                if m == [0xF0, 0x7D, 0x20, 5, 0xF7] {
                    vec![Some(back.clone()), None]
                } else {
                    Vec::new()
                }
            });
            assert_eq!(verify(&mut s, &reg, &sent, rules).unwrap(), want);
            assert_eq!(s.sent[0], sent, "the patch goes first, then the request");
        }
        // Soft thru: the request and the patch come back as echoes before the synth's own,
        // different copy. The copy is what counts, never the echo of what was sent.
        let copy = vec![0xF0, 0x7D, 0x10, 5, 1, 2, 7, 4, 0xF7];
        let (echo, request) = (sent.clone(), vec![0xF0, 0x7D, 0x20, 5, 0xF7]);
        let mut s = script(move |m, _| {
            if m == request {
                vec![
                    Some(request.clone()),
                    Some(echo.clone()),
                    Some(copy.clone()),
                    None,
                ]
            } else {
                Vec::new()
            }
        });
        assert!(matches!(
            verify(&mut s, &reg, &sent, rules).unwrap(),
            Verdict::Differs { at: 6, .. }
        ));
    }

    #[test]
    fn an_echoed_request_is_not_the_answer() {
        let rules = CaptureRules {
            answer_within: Duration::from_millis(5),
            idle: Duration::from_millis(5),
            retries: 0,
        };
        let req = vec![0xF0, 0x01, 0xF7];
        let echo = req.clone();
        let mut s =
            script(move |_, _| vec![Some(echo.clone()), Some(vec![0xF0, 0x10, 0xF7]), None]);
        let got = request_and_capture(&mut s, &[req], rules, |_, _| {}).unwrap();
        assert_eq!(got, vec![vec![0xF0, 0x10, 0xF7]]);
    }
}
