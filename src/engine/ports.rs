//! Direct MIDI ports, for hosts that strip SysEx from plugin MIDI (Ableton Live, Carla, …): the
//! plugin (or the command line) opens the synth's MIDI input and output itself through midir
//! (ALSA, CoreMIDI, WinMM; JACK with the `jack` feature). Nothing here runs on the audio thread.
//!
//! - Input: the port's callback copies SysEx into the pool and hands it to a capture ring, like
//!   `process()` does on the host route, so the same assembler and take logic files it.
//! - Output: [`send_paced`] runs on a dedicated thread with the same pacing rules as the audio
//!   thread (the [`Planner`]): a message never starts before the previous one has left at the
//!   byte rate, plus the gap, also across jobs (its `free_at`). It checks before every message
//!   that the port still exists, so an unplugged device stops the job with an error instead of
//!   sending into nothing.
//! - JACK: midir hands messages to JACK through a 16 KiB ring that the JACK process callback
//!   empties once per period into the port's buffer; a message that does not fit is cut or
//!   overwritten there without an error. So on JACK the sender also keeps the bytes handed over
//!   in any two periods (plus 1 ms) within [`JACK_FLOW_BUDGET`] ([`FlowWindow`]): at high rates a
//!   message waits for room instead of being corrupted.
//! - A port opened by one instance is refused to another instance in the same process with a
//!   clear message (some platforms open MIDI ports exclusively, and two librarians on one synth
//!   would interleave dumps).

use crate::pacing::{FlowWindow, Pacing, Planner};
use midir::{Ignore, MidiInput, MidiInputConnection, MidiOutput, MidiOutputConnection};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The MIDI API in use.
pub const BACKEND: &str = if cfg!(feature = "jack") {
    "JACK"
} else if cfg!(target_os = "linux") {
    "ALSA"
} else if cfg!(target_os = "macos") {
    "CoreMIDI"
} else {
    "WinMM"
};

/// Largest single message the backend can send. midir's JACK output goes through a 16 KiB
/// ring; larger messages are refused with an error rather than cut.
pub const MAX_SEND_MESSAGE: usize = if cfg!(feature = "jack") {
    16_000
} else {
    1 << 20
};

/// Most bytes handed to midir's JACK output in any two JACK periods: below its 16 KiB ring, so a
/// period's worth of queued messages always fits the ring and the port buffer.
pub const JACK_FLOW_BUDGET: usize = 16_000;
/// Most messages handed to midir's JACK output in any two JACK periods (its ring of message
/// lengths holds 2,048).
pub const JACK_FLOW_MESSAGES: usize = 1_000;

/// Which MIDI route an instance uses, saved with the project.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteSettings {
    /// Use the ports below instead of the host's MIDI.
    pub direct: bool,
    /// Input port name (the synth's MIDI out).
    pub input: Option<String>,
    /// Output port name (the synth's MIDI in).
    pub output: Option<String>,
}

/// Port names currently opened by an instance in this process.
static IN_USE: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// A port held by this process; released on drop.
#[derive(Debug)]
pub struct Claim(String);

impl Claim {
    /// Claims `key` or says who holds it.
    fn take(key: String) -> Result<Claim, String> {
        let mut used = IN_USE.lock().unwrap_or_else(|e| e.into_inner());
        if used.contains(&key) {
            return Err(format!(
                "{} is already used by another SysEx Vault in this host; close it there first",
                key.split_once(' ').map_or(key.as_str(), |(_, name)| name)
            ));
        }
        used.push(key.clone());
        Ok(Claim(key))
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        IN_USE
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|k| k != &self.0);
    }
}

/// Why the MIDI system could not be used, with what to try.
fn backend_error(e: impl std::fmt::Display) -> String {
    if cfg!(feature = "jack") {
        format!("{BACKEND}: {e}. Is a JACK server running? Start one (jackd, QjackCtl) or use a build without the `jack` feature (ALSA)")
    } else if cfg!(target_os = "linux") && !std::path::Path::new("/dev/snd/seq").exists() {
        format!("{BACKEND}: {e}. This machine has no ALSA sequencer (/dev/snd/seq is missing): load it with `sudo modprobe snd-seq` (and add your user to the `audio` group), or use the JACK build (`--features jack`) with a running JACK server")
    } else {
        format!("{BACKEND}: {e}")
    }
}

/// The port meant by `wanted` among `available`: the exact name, or else the only one that
/// contains `wanted`, ignoring case. No match, or several, is an error that lists the candidates.
pub fn resolve(kind: &str, wanted: &str, available: &[String]) -> Result<String, String> {
    if let Some(exact) = available.iter().find(|p| *p == wanted) {
        return Ok(exact.clone());
    }
    let needle = wanted.to_lowercase();
    let matches: Vec<&String> = available
        .iter()
        .filter(|p| p.to_lowercase().contains(&needle))
        .collect();
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(missing(kind, wanted, Ok(available.to_vec()))),
        many => Err(format!(
            "MIDI {kind} port \"{wanted}\" is ambiguous: it matches {}; give more of the name",
            many.iter()
                .map(|p| format!("\"{p}\""))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Input port names.
pub fn input_ports() -> Result<Vec<String>, String> {
    let m = MidiInput::new("SysEx Vault port list").map_err(backend_error)?;
    Ok(m.ports()
        .iter()
        .filter_map(|p| m.port_name(p).ok())
        .collect())
}

/// Output port names.
pub fn output_ports() -> Result<Vec<String>, String> {
    let m = MidiOutput::new("SysEx Vault port list").map_err(backend_error)?;
    Ok(m.ports()
        .iter()
        .filter_map(|p| m.port_name(p).ok())
        .collect())
}

/// An open input port; closes when dropped.
pub struct DirectIn {
    _connection: MidiInputConnection<()>,
    _claim: Claim,
    /// The port's name.
    pub port: String,
}

/// How a port name is matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Match {
    /// The exact name only: a port saved with a project, which must never be swapped for a
    /// similar one (a second interface of the same model).
    Exact,
    /// The exact name, or a unique part of it in any case ([`resolve`]): what a person types.
    Typed,
}

fn find_port(kind: &str, port: &str, how: Match, names: &[String]) -> Result<String, String> {
    match how {
        Match::Typed => resolve(kind, port, names),
        Match::Exact if names.iter().any(|n| n == port) => Ok(port.to_owned()),
        Match::Exact => Err(missing(kind, port, Ok(names.to_vec()))),
    }
}

/// Opens input port `port` and calls `on_bytes` with every message (SysEx included) on midir's
/// thread.
pub fn open_input(
    client: &str,
    port: &str,
    how: Match,
    mut on_bytes: impl FnMut(&[u8]) + Send + 'static,
) -> Result<DirectIn, String> {
    let mut m = MidiInput::new(client).map_err(backend_error)?;
    m.ignore(Ignore::None);
    let names: Vec<String> = m
        .ports()
        .iter()
        .filter_map(|p| m.port_name(p).ok())
        .collect();
    let port = find_port("input", port, how, &names)?;
    let claim = Claim::take(format!("in {port}"))?;
    let found = m
        .ports()
        .into_iter()
        .find(|p| m.port_name(p).is_ok_and(|n| n == port))
        .ok_or_else(|| missing("input", &port, input_ports()))?;
    let connection = m
        .connect(&found, "in", move |_, bytes, _| on_bytes(bytes), ())
        .map_err(|e| format!("{port}: {e}"))?;
    Ok(DirectIn {
        _connection: connection,
        _claim: claim,
        port,
    })
}

/// An open output port.
pub struct DirectOut {
    connection: MidiOutputConnection,
    /// A second client kept open to check cheaply that the port still exists.
    lister: MidiOutput,
    /// What was handed to the backend recently (JACK: bounded per period).
    flow: Option<FlowWindow>,
    /// Clock of `flow`.
    opened: Instant,
    /// JACK: a client kept open to read the current period.
    #[cfg(feature = "jack")]
    jack: Option<jack::Client>,
    _claim: Claim,
    /// The port's name.
    pub port: String,
}

/// Opens output port `port`.
pub fn open_output(client: &str, port: &str, how: Match) -> Result<DirectOut, String> {
    let m = MidiOutput::new(client).map_err(backend_error)?;
    let names: Vec<String> = m
        .ports()
        .iter()
        .filter_map(|p| m.port_name(p).ok())
        .collect();
    let port = find_port("output", port, how, &names)?;
    let claim = Claim::take(format!("out {port}"))?;
    let found = m
        .ports()
        .into_iter()
        .find(|p| m.port_name(p).is_ok_and(|n| n == port))
        .ok_or_else(|| missing("output", &port, output_ports()))?;
    let connection = m
        .connect(&found, "out")
        .map_err(|e| format!("{port}: {e}"))?;
    let lister = MidiOutput::new(&format!("{client} monitor")).map_err(backend_error)?;
    let mut out = DirectOut {
        connection,
        lister,
        flow: None,
        opened: Instant::now(),
        #[cfg(feature = "jack")]
        jack: jack::Client::new(
            &format!("{client} period"),
            jack::ClientOptions::NO_START_SERVER,
        )
        .ok()
        .map(|(c, _)| c),
        _claim: claim,
        port,
    };
    out.flow = out
        .flow_window()
        .map(|w| FlowWindow::new(w, JACK_FLOW_BUDGET, JACK_FLOW_MESSAGES));
    Ok(out)
}

fn missing(kind: &str, port: &str, available: Result<Vec<String>, String>) -> String {
    let available = available.map_or_else(
        |e| e,
        |p| {
            if p.is_empty() {
                "none".into()
            } else {
                p.join(", ")
            }
        },
    );
    format!("MIDI {kind} port \"{port}\" is not available (connected now: {available})")
}

impl DirectOut {
    /// Whether the port is still there (false after the device was unplugged).
    pub fn present(&self) -> bool {
        let l = &self.lister;
        l.ports()
            .iter()
            .any(|p| l.port_name(p).is_ok_and(|n| n == self.port))
    }

    /// JACK: two periods plus 1 ms, the longest a message can wait in midir's queue before the
    /// process callback takes it. `None` on backends without such a queue.
    fn flow_window(&self) -> Option<f64> {
        #[cfg(feature = "jack")]
        {
            // Without a client to ask, assume JACK's longest period.
            let (frames, rate) = self
                .jack
                .as_ref()
                .map_or((8192, 44_100), |c| (c.buffer_size(), c.sample_rate()));
            Some(2.0 * f64::from(frames) / f64::from(rate.max(1)) + 0.001)
        }
        #[cfg(not(feature = "jack"))]
        None
    }

    /// The earliest moment a message of `len` bytes can be handed to the backend without
    /// overfilling its queue (now, on backends without a bounded queue).
    pub fn ready_at(&mut self, len: usize) -> Instant {
        let window = self.flow_window();
        let Some(flow) = self.flow.as_mut() else {
            return Instant::now();
        };
        if let Some(w) = window {
            flow.set_window(w);
        }
        let now = self.opened.elapsed().as_secs_f64();
        self.opened + Duration::from_secs_f64(flow.earliest(now, len))
    }

    /// When everything sent so far has surely left the backend's queue (closing the port
    /// earlier could drop it).
    pub fn drained_at(&self) -> Instant {
        let at = self.flow.as_ref().map_or(0.0, FlowWindow::drained_at);
        (self.opened + Duration::from_secs_f64(at)).max(Instant::now())
    }

    /// Sends one message now (call [`DirectOut::ready_at`] first on a bounded backend).
    pub fn send(&mut self, message: &[u8]) -> Result<(), String> {
        if message.len() > MAX_SEND_MESSAGE {
            return Err(format!(
                "a {}-byte message is larger than {BACKEND} can send in one piece ({MAX_SEND_MESSAGE} bytes)",
                message.len()
            ));
        }
        self.connection
            .send(message)
            .map_err(|e| format!("{}: {e}", self.port))?;
        if let Some(flow) = self.flow.as_mut() {
            flow.sent(self.opened.elapsed().as_secs_f64(), message.len());
        }
        Ok(())
    }
}

/// What a paced send did.
#[derive(Clone, Debug, PartialEq)]
pub struct SendReport {
    /// Messages sent.
    pub messages: usize,
    /// Bytes sent.
    pub bytes: u64,
    /// When each message left, seconds after the first.
    pub starts: Vec<f64>,
    /// Whether it stopped early because of a cancel.
    pub cancelled: bool,
}

/// Sends messages with pacing on the calling (non-real-time) thread. `free_at` is the earliest
/// moment the first message may start (the previous job's last message plus its wire time and
/// gap); on return, also after an error or a cancel, it is that moment for the next message, so
/// pacing holds across jobs. Stops after the message in flight
/// when `cancelled()` turns true; stops with an error (what was sent so far in the message) if
/// the port disappears or refuses a message. `progress` is called after each message with
/// (messages sent, bytes sent, seconds elapsed).
pub fn send_paced(
    out: &mut DirectOut,
    messages: &[Vec<u8>],
    pacing: Pacing,
    free_at: &mut Instant,
    cancelled: impl Fn() -> bool,
    mut progress: impl FnMut(usize, u64, f64),
) -> Result<SendReport, String> {
    if let Some(big) = messages.iter().find(|m| m.len() > MAX_SEND_MESSAGE) {
        return Err(format!(
            "nothing sent: a {}-byte message is larger than {BACKEND} can send in one piece ({MAX_SEND_MESSAGE} bytes)",
            big.len()
        ));
    }
    let mut plan = Planner::new(pacing);
    let start = Instant::now().max(*free_at);
    let mut report = SendReport {
        messages: 0,
        bytes: 0,
        starts: Vec::with_capacity(messages.len()),
        cancelled: false,
    };
    for m in messages {
        if cancelled() {
            report.cancelled = true;
            break;
        }
        // Checked in the gap before the message, so the check never delays its start.
        if !out.present() {
            return Err(format!(
                "{} disappeared after {} of {} messages; the rest was not sent",
                out.port,
                report.messages,
                messages.len()
            ));
        }
        // A cancel during the wait stops before this message: only a message already handed to
        // the port counts as in flight. On JACK, the message also waits for room in the queue.
        let planned = start + Duration::from_secs_f64(plan.next_start());
        if !wait_until(planned.max(out.ready_at(m.len())), &cancelled) {
            report.cancelled = true;
            break;
        }
        let at = start.elapsed().as_secs_f64();
        out.send(m).map_err(|e| {
            format!(
                "{e}: message {} of {} not sent",
                report.messages + 1,
                messages.len()
            )
        })?;
        // A start more than 1 ms late (a busy machine, a full queue) moves the rest of the plan
        // with it.
        plan.sent(m.len(), at, 1000.0);
        *free_at = start + Duration::from_secs_f64(plan.next_start());
        report.messages += 1;
        report.bytes += m.len() as u64;
        report.starts.push(at);
        progress(report.messages, report.bytes, at);
    }
    Ok(report)
}

/// Sleeps until `deadline` (in slices of at most 10 ms, so a cancel is seen promptly), finishing
/// with a 3 ms spin so starts land within about 0.1 ms. Returns false if `cancelled` became true.
fn wait_until(deadline: Instant, cancelled: &impl Fn() -> bool) -> bool {
    loop {
        if cancelled() {
            return false;
        }
        let now = Instant::now();
        if now >= deadline {
            return true;
        }
        // Sleep until 3 ms before the start, then spin: a wake-up up to 3 ms late (a busy
        // machine) still starts the message on time.
        let left = deadline - now;
        if left > Duration::from_millis(4) {
            std::thread::sleep((left - Duration::from_millis(3)).min(Duration::from_millis(10)));
        } else {
            std::thread::yield_now();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    #[test]
    fn a_port_is_claimed_once_per_process() {
        let a = Claim::take("out test:port".into()).unwrap();
        let err = Claim::take("out test:port".into()).unwrap_err();
        assert_eq!(
            err,
            "test:port is already used by another SysEx Vault in this host; close it there first"
        );
        drop(a);
        assert!(Claim::take("out test:port".into()).is_ok());
    }

    #[test]
    fn waiting_stops_promptly_on_cancel() {
        let flag = std::sync::atomic::AtomicBool::new(false);
        let start = Instant::now();
        std::thread::scope(|s| {
            s.spawn(|| {
                std::thread::sleep(Duration::from_millis(30));
                flag.store(true, Ordering::Relaxed);
            });
            let reached = wait_until(start + Duration::from_secs(5), &|| {
                flag.load(Ordering::Relaxed)
            });
            assert!(!reached);
        });
        assert!(start.elapsed() < Duration::from_secs(1));
        assert!(wait_until(
            Instant::now() + Duration::from_millis(5),
            &|| false
        ));
    }

    #[test]
    fn ports_match_exactly_or_by_a_unique_case_insensitive_part() {
        let ports: Vec<String> = ["Moog Little Phatty:out", "Blofeld:out 1", "Blofeld:out 2"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            resolve("input", "Blofeld:out 1", &ports).unwrap(),
            "Blofeld:out 1"
        );
        assert_eq!(
            resolve("input", "phatty", &ports).unwrap(),
            "Moog Little Phatty:out"
        );
        assert_eq!(
            resolve("input", "blofeld", &ports).unwrap_err(),
            "MIDI input port \"blofeld\" is ambiguous: it matches \"Blofeld:out 1\", \"Blofeld:out 2\"; give more of the name"
        );
        assert!(resolve("input", "dx7", &ports)
            .unwrap_err()
            .starts_with("MIDI input port \"dx7\" is not available (connected now: Moog"));
    }

    #[test]
    fn missing_port_names_the_available_ones() {
        let msg = missing("input", "Moog", Ok(vec!["A".into(), "B".into()]));
        assert_eq!(
            msg,
            "MIDI input port \"Moog\" is not available (connected now: A, B)"
        );
    }
}
