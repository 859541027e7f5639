//! Backing up a whole rig: the saved rig (synths that do not answer an identity request, each
//! with its port pair, definition and channel), which of a definition's requests a backup
//! sends, asking one synth for all of them over a [`Link`], and the verdict per synth.
//!
//! Pure logic: the command line finds the synths (identity requests on every output, the saved
//! rig for the rest), opens the ports and saves the entries.

use crate::devices::pattern::Token;
use crate::devices::{Definition, Fields, IdentityMatch, MessageKind, Registry, ReplyRole};
use crate::library::{Entry, Source};
use crate::sysex::universal::{identity_request, ALL_CALL};
use crate::sysex::{Assembler, AssemblerEvent};
use crate::transfer::{self, CaptureRules, Link};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The tag every entry of a rig backup carries.
pub const TAG: &str = "rig-backup";

/// One synth of the saved rig.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RigSynth {
    /// The output port that reaches the synth (its name, or a unique part of it).
    pub output: String,
    /// The input port the synth answers on.
    pub input: String,
    /// Device definition id.
    pub device: String,
    /// MIDI channel, 1 to 16.
    pub channel: u8,
    /// SysEx device ID (default: the definition's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<u8>,
    /// Banks to ask for, for requests that take a bank number (default: bank 0).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub banks: Vec<u8>,
}

impl RigSynth {
    /// The fields its requests are filled with.
    pub fn fields(&self) -> Fields {
        Fields {
            channel: Some(self.channel.saturating_sub(1)),
            device: self.device_id,
            program: None,
            bank: None,
            sub: None,
        }
    }
}

/// The saved rig: `rig.toml`, a `[[synth]]` table per synth.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rig {
    /// The synths, in the order they were added.
    #[serde(default, rename = "synth")]
    pub synths: Vec<RigSynth>,
}

impl Rig {
    /// Reads a rig file's text; every synth's channel (1-16) and device ID (0-127) checked.
    pub fn parse(text: &str) -> Result<Rig, String> {
        let rig: Rig = toml::from_str(text).map_err(|e| e.to_string())?;
        for (i, s) in rig.synths.iter().enumerate() {
            if !(1..=16).contains(&s.channel) {
                return Err(format!("synth {}: channel {} (1 to 16)", i + 1, s.channel));
            }
            if s.device_id.is_some_and(|d| d > 0x7F) || s.banks.iter().any(|b| *b > 0x7F) {
                return Err(format!("synth {}: a device ID or bank is over 127", i + 1));
            }
        }
        Ok(rig)
    }

    /// The rig file's text.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// Where the saved rig lives: `$SYSEX_VAULT_RIG` if set, else `rig.toml` beside the user's
/// definition folder (`~/.config/sysex-vault/rig.toml` on Linux).
pub fn rig_file() -> Option<PathBuf> {
    if let Some(f) = std::env::var_os("SYSEX_VAULT_RIG") {
        return Some(PathBuf::from(f));
    }
    crate::devices::user_folder().and_then(|d| d.parent().map(|p| p.join("rig.toml")))
}

/// One request a backup sends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ask {
    /// The request's id in the definition.
    pub request: String,
    /// Its label.
    pub label: String,
    /// What comes back.
    pub kind: MessageKind,
    /// The bank number, for a request that takes one.
    pub bank: Option<u8>,
}

impl Ask {
    /// "All 32 voices" or "Bank (0-7 = A-H) 2".
    pub fn describe(&self) -> String {
        match self.bank {
            Some(b) => format!("{} (bank {b})", self.label),
            None => self.label.clone(),
        }
    }
}

/// What a backup asks one synth for, and what it leaves out and why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// The requests to send, in definition order.
    pub asks: Vec<Ask>,
    /// Requests not sent: (id, why).
    pub skipped: Vec<(String, String)>,
}

/// The requests of `def` a rig backup sends: every bank, global and other stored-data request
/// (a request that takes a bank number once per bank of `banks`, bank 0 when empty). Edit-buffer
/// requests (nothing stored), one-program-at-a-time requests (the bank requests cover them, or
/// `get --programs` walks them) and requests that need a selector are skipped, each with why.
pub fn plan(def: &Definition, banks: &[u8]) -> Plan {
    let mut out = Plan::default();
    let has_bank = def.requests.iter().any(|r| r.kind == MessageKind::Bank);
    let banks = if banks.is_empty() { &[0][..] } else { banks };
    for r in &def.requests {
        let has = |t| r.messages.iter().any(|p| p.has(t));
        let why = if r.kind == MessageKind::EditBuffer {
            Some("the edit buffer, not stored on the synth".to_owned())
        } else if r.needs_program() && has_bank {
            Some("one program at a time: the bank requests cover it".to_owned())
        } else if r.needs_program() {
            Some(format!(
                "one program at a time: `sysex-vault get … {} --programs N-M` walks them",
                r.id
            ))
        } else if has(Token::Sub) {
            Some("needs a selector".to_owned())
        } else {
            None
        };
        if let Some(why) = why {
            out.skipped.push((r.id.clone(), why));
            continue;
        }
        let bank_list: Vec<Option<u8>> = if has(Token::Bank) {
            banks.iter().copied().map(Some).collect()
        } else {
            vec![None]
        };
        for bank in bank_list {
            out.asks.push(Ask {
                request: r.id.clone(),
                label: r.label.clone(),
                kind: r.kind,
                bank,
            });
        }
    }
    out
}

/// What one request brought.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The dump.
    Got(Vec<Vec<u8>>),
    /// Nothing came back after every retry.
    Silent(String),
    /// The synth answered with an error or "not acknowledged", or the answer was damaged.
    Refused(String),
}

/// One synth's backup: each request with what it brought.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SynthBackup {
    /// The requests sent and their answers, in order.
    pub answers: Vec<(Ask, Answer)>,
}

/// A synth's verdict, as the per-synth line says it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Some or all requests answered.
    Got {
        /// Answered.
        got: usize,
        /// Sent.
        of: usize,
    },
    /// No request answered, and nothing came back at all.
    Silent,
    /// No request answered, and the synth refused at least one (the first reason).
    Refused(String),
}

impl SynthBackup {
    /// The verdict.
    pub fn verdict(&self) -> Verdict {
        let got = self
            .answers
            .iter()
            .filter(|(_, a)| matches!(a, Answer::Got(_)))
            .count();
        if got > 0 || self.answers.is_empty() {
            return Verdict::Got {
                got,
                of: self.answers.len(),
            };
        }
        match self.answers.iter().find_map(|(_, a)| match a {
            Answer::Refused(why) => Some(why.clone()),
            _ => None,
        }) {
            Some(why) => Verdict::Refused(why),
            None => Verdict::Silent,
        }
    }

    /// Whether every request was answered.
    pub fn complete(&self) -> bool {
        self.verdict()
            == Verdict::Got {
                got: self.answers.len(),
                of: self.answers.len(),
            }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verdict::Got { got, of } => write!(f, "got {got} of {of}"),
            Verdict::Silent => write!(f, "silent"),
            Verdict::Refused(why) => write!(f, "refused ({why})"),
        }
    }
}

/// Asks one synth for everything in `plan`, one request after another (each waits as
/// [`transfer::request_and_capture`] does: a request is repeated only after silence). An answer
/// made only of the definitions' error or "not acknowledged" replies is a refusal. `progress`
/// gets each ask before it is sent.
pub fn back_up(
    link: &mut dyn Link,
    registry: &Registry,
    def: &Definition,
    fields: Fields,
    plan: &Plan,
    rules: CaptureRules,
    mut progress: impl FnMut(&Ask),
) -> SynthBackup {
    let mut out = SynthBackup::default();
    for ask in &plan.asks {
        progress(ask);
        let answer = match def.request(
            &ask.request,
            Fields {
                bank: ask.bank,
                ..fields
            },
        ) {
            Err(e) => Answer::Refused(format!("{}: {e}", ask.request)),
            Ok(request) => match transfer::request_and_capture(link, &request, rules, |_, _| {}) {
                Ok(messages) if messages.iter().all(|m| is_refusal(registry, m)) => {
                    Answer::Refused(format!(
                        "{} answered with {}",
                        ask.describe(),
                        hex(&messages[0])
                    ))
                }
                Ok(messages) => Answer::Got(messages),
                Err(why) if why.starts_with("no answer") => Answer::Silent(why),
                Err(why) if why == transfer::CANCELLED => {
                    out.answers.push((ask.clone(), Answer::Silent(why)));
                    break;
                }
                Err(why) => Answer::Refused(format!("{}: {why}", ask.describe())),
            },
        };
        out.answers.push((ask.clone(), answer));
    }
    out
}

/// The fields a synth found by its identity reply is asked with: the reply's device ID, and
/// that byte as the MIDI channel too when it is 0-15 (a synth answers on its SysEx channel:
/// Korg's global channel, Ensoniq's base channel).
pub fn fields_from_reply(reply: &crate::sysex::universal::IdentityReply) -> Fields {
    let id = reply.device_id.get();
    Fields {
        channel: (id < 16).then_some(id),
        device: Some(id),
        ..Fields::default()
    }
}

/// Sends the universal identity request (to every device) and gathers the identity replies that
/// come back within `wait` (the whole wait: several synths may answer), each once, in order.
pub fn identify_on<'r>(
    link: &mut dyn Link,
    registry: &'r Registry,
    wait: Duration,
) -> Result<Vec<IdentityMatch<'r>>, String> {
    link.drain();
    link.send(&identity_request(ALL_CALL))?;
    let deadline = Instant::now() + wait;
    let mut assembler = Assembler::new(4096);
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let mut out = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || link.cancelled() {
            break;
        }
        let Some(bytes) = link.receive(left) else {
            continue;
        };
        for e in assembler.push_collect(&bytes) {
            let AssemblerEvent::Message { bytes: m, .. } = e else {
                continue;
            };
            if seen.contains(&m) {
                continue;
            }
            if let Some(found) = registry.match_identity_reply(&m) {
                seen.push(m);
                out.push(found);
            }
        }
    }
    Ok(out)
}

/// The entries a backup keeps: one per answered request, tagged [`TAG`], `collection` and the
/// synth's name, with a note saying which synth, port and request it came from.
pub fn entries(
    registry: &Registry,
    def: &Definition,
    port: &str,
    collection: &str,
    backup: &SynthBackup,
    now_unix_ms: u64,
) -> Vec<Entry> {
    let mut out = Vec::new();
    for (ask, answer) in &backup.answers {
        if let Answer::Got(messages) = answer {
            let mut e = Entry::new(registry, messages.clone(), Source::Capture, now_unix_ms);
            e.tags = vec![TAG.to_owned(), collection.to_owned(), def.name.clone()];
            e.note = format!(
                "{collection}: {} on {port}, \"{}\"",
                def.name,
                ask.describe()
            );
            out.push(e);
        }
    }
    out
}

/// The indented lines under a synth's verdict: each request skipped and each one not
/// answered, with why.
pub fn details(plan: &Plan, backup: &SynthBackup) -> String {
    let mut out = String::new();
    for (id, why) in &plan.skipped {
        out.push_str(&format!("\n    skipped `{id}`: {why}"));
    }
    for (ask, answer) in &backup.answers {
        if let Answer::Silent(why) | Answer::Refused(why) = answer {
            out.push_str(&format!("\n    \"{}\": {why}", ask.describe()));
        }
    }
    out
}

/// Whether `m` is a handshake error or "not acknowledged" reply some definition names.
fn is_refusal(registry: &Registry, m: &[u8]) -> bool {
    registry.identify(m).is_some_and(|(_, md, _)| {
        md.kind == MessageKind::Reply && matches!(md.reply, Some(ReplyRole::Error | ReplyRole::Nak))
    })
}

fn hex(m: &[u8]) -> String {
    let shown: Vec<String> = m.iter().take(12).map(|b| format!("{b:02X}")).collect();
    let more = if m.len() > 12 { " …" } else { "" };
    format!("{}{more}", shown.join(" "))
}

/// The name (and tag) of the collection a backup made at `unix_ms`: "Rig backup 2026-12-06
/// 14:03 UTC".
pub fn collection_name(unix_ms: u64) -> String {
    let secs = unix_ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_date(days as i64);
    format!(
        "Rig backup {y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests;
