//! The command line's transfers that talk with the synth both ways: `get` (ask for a dump and
//! capture the answer, one program after another), and `send --handshake` / `--verify`.

use super::failure::{midi, usage, Failure};
use super::library_io::{load_for_change, load_or_create, save};
use crate::devices::pattern::Pattern;
use crate::devices::{self, Fields};
use crate::library::{Entry, Source};
use crate::pacing::Pacing;
use crate::ports::{self, DirectIn, DirectOut};
use crate::transfer::{self, CaptureRules, Handshake, Link};
use crossbeam_channel::Receiver;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

/// A synth's output and input ports, paced.
pub struct PortLink {
    out: DirectOut,
    _input: DirectIn,
    rx: Receiver<Vec<u8>>,
    pacing: Pacing,
    free_at: Instant,
}

impl PortLink {
    /// Opens both ports.
    pub fn open(out_port: &str, in_port: &str, pacing: Pacing) -> Result<PortLink, Failure> {
        let out = ports::open_output("sysex-vault", out_port, ports::Match::Typed).map_err(midi)?;
        let (tx, rx) = crossbeam_channel::unbounded();
        let input = ports::open_input("sysex-vault", in_port, ports::Match::Typed, move |b| {
            // Only SysEx counts as the synth answering: active sensing, clock, notes and
            // controllers never restart a wait.
            if b.first()
                .is_some_and(|&s| s < 0x80 || s == 0xF0 || s == 0xF7)
            {
                let _ = tx.send(b.to_vec());
            }
        })
        .map_err(midi)?;
        Ok(PortLink {
            out,
            _input: input,
            rx,
            pacing,
            free_at: Instant::now(),
        })
    }

    /// The input port's name.
    pub fn input_name(&self) -> &str {
        &self._input.port
    }
}

impl Link for PortLink {
    fn send(&mut self, message: &[u8]) -> Result<(), String> {
        let msgs = [message.to_vec()];
        ports::send_paced(
            &mut self.out,
            &msgs,
            self.pacing,
            &mut self.free_at,
            || false,
            || false,
            |_, _, _| {},
        )?;
        // The last piece still travels at the wire rate: the synth has it all after that.
        std::thread::sleep(Duration::from_secs_f64(
            self.out.last_piece_seconds(&self.pacing, message.len()),
        ));
        Ok(())
    }

    fn receive(&mut self, timeout: Duration) -> Option<Vec<u8>> {
        self.rx.recv_timeout(timeout).ok()
    }

    fn drain(&mut self) {
        while self.rx.try_recv().is_ok() {}
    }
}

/// What `get` asks for and how long it waits.
pub struct Get<'a> {
    /// The library to add to.
    pub library: &'a Path,
    /// Create it if missing.
    pub create: bool,
    /// Device definition id.
    pub device: &'a str,
    /// Request id.
    pub request: &'a str,
    /// Output and input ports.
    pub ports: (&'a str, &'a str),
    /// Channel, device ID and bank; `program` is set per request.
    pub fields: Fields,
    /// Programs to walk (one request each), or none.
    pub programs: Option<(u16, u16)>,
    /// How to wait.
    pub rules: CaptureRules,
}

/// `sysex-vault get`: one request (or one per program), each answer a new entry.
pub fn get(g: Get<'_>) -> Result<String, Failure> {
    load_or_create(g.library, g.create)?;
    let def = devices::registry()
        .get(g.device)
        .ok_or_else(|| usage(format!("no device definition `{}`", g.device)))?;
    let r = def.request_def(g.request).ok_or_else(|| {
        usage(format!(
            "{} has no request `{}` (requests: {})",
            def.name,
            g.request,
            def.request_ids()
        ))
    })?;
    let programs: Vec<Option<u16>> = match g.programs {
        Some((a, b)) if r.needs_program() => (a..=b).map(Some).collect(),
        Some(_) => return Err(usage(format!("`{}` takes no program number", r.id))),
        None => vec![g.fields.program],
    };
    let mut link = PortLink::open(g.ports.0, g.ports.1, def.pacing)?;
    eprintln!(
        "asking {} on {} for \"{}\"{}, listening on {}",
        def.name,
        g.ports.0,
        r.label,
        match programs.len() {
            1 => String::new(),
            n => format!(" × {n} programs"),
        },
        link.input_name()
    );
    let started = Instant::now();
    let mut got = 0;
    let mut text = String::new();
    let mut failed = None;
    for (i, program) in programs.iter().enumerate() {
        let fields = Fields {
            program: *program,
            ..g.fields
        };
        let request = def
            .request(g.request, fields)
            .map_err(|e| usage(format!("{}: {e}", def.name)))?;
        let label = program.map_or(String::new(), |p| format!("program {p}: "));
        match transfer::request_and_capture(&mut link, &request, g.rules, |m, b| {
            eprintln!("{label}receiving: {m} message(s), {b} bytes");
        }) {
            Ok(messages) => {
                let e = Entry::new(
                    crate::devices::registry(),
                    messages,
                    Source::Capture,
                    crate::library::now_unix_ms(),
                );
                let eta = transfer::eta(started, i + 1, programs.len())
                    .map_or(String::new(), |d| format!(", ETA {:.1} s", d.as_secs_f64()));
                eprintln!(
                    "{label}got \"{}\" ({} message(s)) [{}/{}{eta}]",
                    e.name,
                    e.messages.len(),
                    i + 1,
                    programs.len()
                );
                let _ = writeln!(
                    text,
                    "captured \"{}\": {} message(s), {} bytes",
                    e.name,
                    e.messages.len(),
                    e.byte_len()
                );
                // Saved one by one: an interrupted walk keeps what it got.
                let (lock, mut lib) = load_for_change(g.library, Some(g.create))?;
                lib.add(e);
                save(&lock, &lib)?;
                got += 1;
            }
            Err(why) => {
                failed = Some(format!("{label}{why}"));
                break;
            }
        }
    }
    let lib = load_or_create(g.library, g.create)?;
    let _ = write!(
        text,
        "{} now holds {} entries",
        g.library.display(),
        lib.entries.len()
    );
    match failed {
        Some(why) => Err(Failure {
            code: super::EXIT_MIDI,
            message: format!("{text}\nstopped after {got} of {}: {why}", programs.len()),
        }),
        None => Ok(text),
    }
}

/// The replies a handshake waits for: the user's patterns, else the definition's reply
/// messages (ack, nak, error) of the first message's synth.
pub fn handshake_for(
    first: Option<&[u8]>,
    ack: &[String],
    nak: &[String],
    error: &[String],
    timeout_ms: u64,
    retries: u32,
) -> Result<Handshake, Failure> {
    let parse = |list: &[String]| -> Result<Vec<Pattern>, Failure> {
        list.iter()
            .map(|p| Pattern::parse(p).map_err(|e| usage(format!("`{p}`: {e}"))))
            .collect()
    };
    let timeout = Duration::from_millis(timeout_ms);
    if ack.is_empty() {
        return first
            .and_then(|m| transfer::definition_handshake(devices::registry(), m, timeout, retries))
            .ok_or_else(|| {
                usage(
                    "--handshake: the synth's definition names no acknowledge; give --ack PATTERN"
                        .into(),
                )
            });
    }
    Ok(Handshake {
        ack: parse(ack)?,
        nak: parse(nak)?,
        error: parse(error)?,
        timeout,
        retries,
    })
}

/// Asks the synth for every location `plan` overwrites and keeps the answer as one entry in
/// `library` (saved) before anything is sent; a silent synth stops the send.
pub fn back_up(
    library: &Path,
    plan: &crate::backup::Plan,
    ports: (&str, &str),
    pacing: Pacing,
    rules: CaptureRules,
) -> Result<(), Failure> {
    let mut link = PortLink::open(ports.0, ports.1, pacing)?;
    eprintln!(
        "backing up what this send overwrites: asking {} for {}",
        ports.0,
        plan.overwrites
            .iter()
            .map(|o| format!("the {} {}", o.synth, o.what))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let kept = crate::backup::take(&mut link, plan, rules).map_err(|e| Failure {
        code: super::EXIT_MIDI,
        message: format!(
            "no backup ({e}); nothing was sent. Check --in, or send with --no-backup to overwrite without one"
        ),
    })?;
    drop(link);
    let (lock, mut lib) = load_for_change(library, None)?;
    let now = crate::library::now_unix_ms();
    let mut e = Entry::new(devices::registry(), kept, Source::Capture, now);
    e.name = crate::backup::entry_name(now);
    e.tags.push(crate::backup::TAG.into());
    let name = e.name.clone();
    lib.add(e);
    let n = lib.entries.len();
    save(&lock, &lib)?;
    eprintln!("kept \"{name}\" as entry {n}: send it to put the synth back");
    Ok(())
}

/// Sends with a handshake.
pub fn send_handshake(
    messages: &[Vec<u8>],
    ports: (&str, &str),
    pacing: Pacing,
    hs: &Handshake,
) -> Result<String, Failure> {
    let mut link = PortLink::open(ports.0, ports.1, pacing)?;
    let total = messages.len();
    transfer::send_with_handshake(&mut link, messages, hs, |d, n| {
        eprintln!("sending: {d}/{n} messages acknowledged");
    })
    .map_err(|e| Failure {
        code: super::EXIT_MIDI,
        message: format!("{}: {e}", ports.0),
    })?;
    Ok(format!(
        "sent {total} message(s) to {}, each acknowledged",
        ports.0
    ))
}

/// Sends each message, asks the synth for it back and compares (ignoring the bytes the
/// definition marks volatile). Exit 1 (`EXIT_DIFFERENT`) when one differs.
pub fn send_verify(
    messages: &[Vec<u8>],
    ports: (&str, &str),
    pacing: Pacing,
    rules: CaptureRules,
) -> Result<super::Output, Failure> {
    let mut link = PortLink::open(ports.0, ports.1, pacing)?;
    let mut text = String::new();
    let mut differ = false;
    for (i, m) in messages.iter().enumerate() {
        let n = i + 1;
        match transfer::verify(&mut link, devices::registry(), m, rules) {
            Ok(transfer::Verdict::Verified) => {
                let _ = writeln!(text, "message {n}: sent and verified");
            }
            Ok(transfer::Verdict::Differs { at, sent, back }) => {
                differ = true;
                let show = |b: Option<u8>| b.map_or("nothing".into(), |b| format!("{b:02X}"));
                let _ = writeln!(
                    text,
                    "message {n}: DIFFERS at byte {at} (sent {}, got {})",
                    show(sent),
                    show(back)
                );
            }
            Err(e) => {
                return Err(Failure {
                    code: super::EXIT_MIDI,
                    message: format!("{}message {n}: {e}", text),
                })
            }
        }
    }
    Ok(super::Output {
        text: text.trim_end().to_owned(),
        code: if differ { super::EXIT_DIFFERENT } else { 0 },
    })
}
