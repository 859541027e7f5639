//! Direct MIDI ports, for hosts that strip SysEx from plugin MIDI (Ableton Live, Carla, …): the
//! plugin (or the command line) opens the synth's MIDI input and output itself through midir
//! (ALSA, CoreMIDI, WinMM; JACK with the `jack` feature, the output as a client of its own).
//! Nothing here runs on the audio thread.
//!
//! - Input: the port's callback copies SysEx into the pool and hands it to a capture ring, like
//!   `process()` does on the host route, so the same assembler and take logic files it.
//! - Output: [`send_paced`] runs on a dedicated thread with the same pacing rules as the audio
//!   thread (the [`Planner`]): a message never starts before the previous one has left at the
//!   byte rate, plus the gap, also across jobs (its `free_at`). It checks before every message
//!   that the port still exists, so an unplugged device stops the job with an error instead of
//!   sending into nothing.
//! - JACK: midir's JACK output hands messages over through a 16 KiB ring it cannot report the
//!   room of; overfilling it cuts messages (or panics in debug builds). So on JACK the output is
//!   a client of our own (`JackOut`): the sender waits for room in its ring, the process
//!   callback moves whole events into the port buffer.
//! - Steady stream: on every backend a message leaves in pieces no larger than the wire carries
//!   in a JACK period (at least [`STEADY_TICK`]), in 3-byte groups, each at the byte rate; the
//!   receiver joins them, and no receiver sees a long silence inside a message.
//! - A port opened by one instance is refused to another instance in the same process with a
//!   clear message (some platforms open MIDI ports exclusively, and two librarians on one synth
//!   would interleave dumps).
//! - JACK: one client of our own per direction. The output client lists the ports, connects and
//!   answers whether the port is still there (no second client is opened and closed beside it);
//!   the input client is deactivated before it closes, and hands each event on in the process
//!   thread with no queue that could drop one. Why, with the jack2 and midir defects behind it:
//!   docs/jack-input-close.md.

#[cfg(not(feature = "jack"))]
use midir::MidiOutputConnection;
#[cfg(not(feature = "jack"))]
use midir::{Ignore, MidiInputConnection};
use midir::{MidiInput, MidiOutput};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use sysex_vault_core::pacing::{Pacing, Planner};

#[cfg(feature = "jack")]
mod jack_io;
#[cfg(feature = "jack")]
pub use jack_io::{open_input, open_output, JackInHandler, JackOut, JackOutHandler};

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

/// Largest piece the backend is handed at once, if it has a limit. On JACK each piece is one MIDI
/// event, which must fit a period's port buffer with others, so a longer message is handed over
/// in pieces of this size (a multiple of 3) and the receiver joins them, as MIDI allows.
pub const MAX_PIECE: Option<usize> = if cfg!(feature = "jack") {
    Some(3_999)
} else {
    None
};

/// The shortest time one piece of a paced message stands for on the wire: a piece is at most
/// what the wire carries in a JACK period, or in this long where that is shorter (so a send on
/// small JACK periods, or a backend without periods, wakes at most about 100 times a second).
pub const STEADY_TICK: Duration = Duration::from_millis(10);

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
    #[cfg(not(feature = "jack"))]
    _connection: MidiInputConnection<()>,
    /// On JACK a client of our own, deactivated before it closes (see the module notes).
    #[cfg(feature = "jack")]
    client: Option<jack::AsyncClient<(), JackInHandler>>,
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
    let found = match how {
        Match::Typed => resolve(kind, port, names)?,
        Match::Exact if names.iter().any(|n| n == port) => port.to_owned(),
        Match::Exact => return Err(missing(kind, port, Ok(names.to_vec()))),
    };
    #[cfg(any(test, feature = "test-hooks"))]
    if SIMULATED_IN_USE
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .contains(&found)
    {
        return Err(in_use(kind, &found));
    }
    Ok(found)
}

/// Ports [`simulate_in_use`] makes fail as a port held by another program fails on WinMM.
#[cfg(any(test, feature = "test-hooks"))]
static SIMULATED_IN_USE: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Test hook (feature `test-hooks`, which only the tests turn on): while `held`, opening `port`
/// fails exactly as a WinMM port held by another program does (Linux and macOS ports are
/// shared, so tests there cannot provoke it).
#[cfg(any(test, feature = "test-hooks"))]
pub fn simulate_in_use(port: &str, held: bool) {
    let mut ports = SIMULATED_IN_USE.lock().unwrap_or_else(|e| e.into_inner());
    ports.retain(|p| p != port);
    if held {
        ports.push(port.to_owned());
    }
}

/// What a musician reads when another program holds the port (WinMM ports have one user).
pub fn in_use(kind: &str, port: &str) -> String {
    format!(
        "MIDI {kind} port \"{port}\" is in use by another program, probably your DAW: turn that \
         port off in the DAW's MIDI preferences (or give the DAW a loopback port such as \
         loopMIDI instead)"
    )
}

/// A failed connect in words: midir keeps WinMM's reason only in its message text.
pub fn connect_failure(kind: &str, port: &str, error: midir::ConnectErrorKind) -> String {
    match error {
        midir::ConnectErrorKind::Other(m) if m.contains("MMSYSERR_ALLOCATED") => in_use(kind, port),
        midir::ConnectErrorKind::InvalidPort => format!(
            "MIDI {kind} port \"{port}\" went away while it was being opened: is the device \
             still plugged in?"
        ),
        midir::ConnectErrorKind::Other(m) => {
            format!("MIDI {kind} port \"{port}\" could not be opened ({m})")
        }
    }
}

/// Opens input port `port` and calls `on_bytes` with every message (SysEx included) on midir's
/// thread.
#[cfg(not(feature = "jack"))]
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
        .map_err(|e| connect_failure("input", &port, e.kind()))?;
    Ok(DirectIn {
        _connection: connection,
        _claim: claim,
        port,
    })
}

/// An open output port.
pub struct DirectOut {
    /// The backend connection (midir; on JACK a client of our own, `JackOut`).
    #[cfg(not(feature = "jack"))]
    connection: MidiOutputConnection,
    #[cfg(feature = "jack")]
    connection: JackOut,
    /// A second client kept open to check cheaply that the port still exists (on JACK the
    /// connection's own client answers).
    #[cfg(not(feature = "jack"))]
    lister: MidiOutput,
    /// Set when the owner closes: every wait here gives up at once (see [`DirectOut::stop_on`]).
    stop: Arc<AtomicBool>,
    _claim: Claim,
    /// The port's name.
    pub port: String,
}

/// Opens output port `port`.
#[cfg(not(feature = "jack"))]
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
        .map_err(|e| connect_failure("output", &port, e.kind()))?;
    let lister = MidiOutput::new(&format!("{client} monitor")).map_err(backend_error)?;
    Ok(DirectOut {
        connection,
        lister,
        stop: Arc::default(),
        _claim: claim,
        port,
    })
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
        #[cfg(not(feature = "jack"))]
        {
            let l = &self.lister;
            l.ports()
                .iter()
                .any(|p| l.port_name(p).is_ok_and(|n| n == self.port))
        }
        #[cfg(feature = "jack")]
        {
            self.connection
                .client
                .as_client()
                .port_by_name(&self.port)
                .is_some()
        }
    }

    /// Makes every wait of this port (for room, for the queue to drain) give up promptly once
    /// `flag` is set: the plugin closing must not wait for a slow route.
    pub fn stop_on(&mut self, flag: Arc<AtomicBool>) {
        self.stop = flag;
    }

    // Only the JACK output waits in this module; ALSA and the others hand bytes over at once.
    #[cfg_attr(not(feature = "jack"), allow(dead_code))]
    fn stopping(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    /// How long one piece of a paced message may stand for on the wire: a JACK period, at
    /// least [`STEADY_TICK`].
    pub fn tick(&self) -> Duration {
        #[cfg(feature = "jack")]
        {
            self.connection.periods(1).max(STEADY_TICK)
        }
        #[cfg(not(feature = "jack"))]
        {
            STEADY_TICK
        }
    }

    /// The pieces a `len`-byte message leaves in with `pacing` ([`Pacing::pieces`]): no piece
    /// larger than the wire carries in a [`DirectOut::tick`], the backend takes at once, or
    /// the chunk size.
    pub fn pieces(&self, pacing: &Pacing, len: usize) -> Vec<(usize, bool)> {
        let steady = pacing.steady_piece(self.tick().as_secs_f64());
        pacing.pieces(len, self.max_piece(), steady)
    }

    /// Seconds the last piece of a `len`-byte message takes on the wire after it was handed
    /// over: when the synth has all of it.
    pub fn last_piece_seconds(&self, pacing: &Pacing, len: usize) -> f64 {
        let last = self.pieces(pacing, len).last().map_or(0, |p| p.0);
        pacing.wire_seconds(last)
    }

    /// The largest piece the backend takes at once: [`MAX_PIECE`], or less where the JACK
    /// server's port buffer is smaller (measured by the process callback).
    pub fn max_piece(&self) -> Option<usize> {
        #[cfg(feature = "jack")]
        {
            let measured = self.connection.max_event.load(Ordering::Relaxed);
            if measured > 0 {
                return MAX_PIECE.map(|m| m.min(measured / 3 * 3).max(3));
            }
        }
        MAX_PIECE
    }

    /// Waits until `len` more bytes fit in the backend's queue (at once on backends without a
    /// bounded queue). Fails if the queue does not move for two seconds (the server stopped), or
    /// at once when the port is closing ([`DirectOut::stop_on`]).
    pub fn wait_for_room(&mut self, len: usize) -> Result<(), String> {
        #[cfg(feature = "jack")]
        {
            let start = Instant::now();
            while !self.connection.has_room(len) {
                if self.stopping() {
                    return Err(format!("{BACKEND}: the port is closing"));
                }
                if start.elapsed() > Duration::from_secs(2) {
                    return Err(format!(
                        "{BACKEND} took nothing for 2 s: the server stopped or hangs"
                    ));
                }
                std::thread::sleep(Duration::from_micros(500));
            }
        }
        let _ = len;
        Ok(())
    }

    /// Waits until everything handed over has left the backend's queue (closing the port
    /// earlier could drop it); at most a second, or a period once the port is closing
    /// ([`DirectOut::stop_on`]: the queue then holds at most a piece and an `F7`, which the next
    /// period moves into the port, and deactivating the client waits for that period to end).
    pub fn wait_drained(&mut self) {
        #[cfg(feature = "jack")]
        {
            let start = Instant::now();
            let closing_limit = self.connection.periods(1) + Duration::from_millis(5);
            while !self.connection.drained() {
                let limit = if self.stopping() {
                    closing_limit
                } else {
                    Duration::from_secs(1)
                };
                if start.elapsed() > limit {
                    break;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            // The last events are in the port buffer now: let the server hand them on (the
            // receivers run later in the cycle) before the client goes away. Closing, the
            // client's deactivation waits for the cycle to end instead.
            if !self.stopping() {
                std::thread::sleep(self.connection.periods(3) + Duration::from_millis(2));
            }
        }
    }

    /// Sends bytes now: a whole message, or a piece of one (call [`DirectOut::wait_for_room`] first
    /// on a bounded backend). Pieces longer than [`MAX_PIECE`] are refused.
    pub fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        if let Some(max) = MAX_PIECE.filter(|max| bytes.len() > *max) {
            return Err(format!(
                "{} bytes at once is more than {BACKEND} takes ({max})",
                bytes.len()
            ));
        }
        self.connection
            .send(bytes)
            .map_err(|e| format!("{}: {e}", self.port))
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
    /// A message cut by the cancel: its index and the bytes that had left (then `F7`).
    pub cut: Option<(usize, usize)>,
}

/// Sends messages with pacing on the calling (non-real-time) thread. `free_at` is the earliest
/// moment the first message may start (the previous job's last message plus its wire time and
/// gap); on return, also after an error or a cancel, it is that moment for the next message, so
/// pacing holds across jobs. Every message leaves as a steady stream of pieces at the byte rate,
/// none larger than the wire carries in about a period ([`DirectOut::pieces`]), so a receiver
/// never sees a burst followed by a long silence; with chunking ([`Pacing::chunk`]) a pause
/// follows each chunk. When `cancelled()` turns true
/// it stops before the next message; when `cut()` does (the plugin closing, the user's
/// Cancel) it also stops inside a long message before its next chunk, ending that message with
/// `F7` ([`SendReport::cut`]). Stops with an error (what was sent so far in the message) if the
/// port disappears or refuses bytes. `progress` is called after each message and each piece
/// inside one with (whole messages sent, bytes sent, seconds elapsed).
pub fn send_paced(
    out: &mut DirectOut,
    messages: &[Vec<u8>],
    pacing: Pacing,
    free_at: &mut Instant,
    cancelled: impl Fn() -> bool,
    cut: impl Fn() -> bool,
    mut progress: impl FnMut(usize, u64, f64),
) -> Result<SendReport, String> {
    let mut plan = Planner::new(pacing);
    let start = Instant::now().max(*free_at);
    let gap = f64::from(pacing.gap_after_message_ms) / 1000.0;
    let pause = f64::from(pacing.chunk_pause_ms) / 1000.0;
    let mut report = SendReport {
        messages: 0,
        bytes: 0,
        starts: Vec::with_capacity(messages.len()),
        cancelled: false,
        cut: None,
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
        let pieces = out.pieces(&pacing, m.len());
        let mut offset = 0;
        let mut checked = Instant::now();
        let mut first_at = None;
        for (k, &(len, ends_chunk)) in pieces.iter().enumerate() {
            // A cancel during the wait stops before the message's first piece: only bytes
            // already handed to the port are in flight. On JACK, bytes also wait for room.
            let due = start + Duration::from_secs_f64(plan.next_start());
            if k == 0 && !wait_until(due, &cancelled, true) {
                report.cancelled = true;
                return Ok(report);
            }
            // Inside a message a cancel (or the plugin closing) stops it too: the message is
            // ended with F7 so the synth sees it cut, never a half message run into the next.
            // Pieces inside a message need no spin to start on time to the tenth of a
            // millisecond: a plain sleep keeps a long send from busying a core.
            if k > 0 && !wait_until(due, &cut, false) {
                if m.first() == Some(&0xF0) {
                    let _ = out.wait_for_room(1);
                    let _ = out.send(&[0xF7]);
                }
                report.cancelled = true;
                report.cut = Some((report.messages, offset));
                return Ok(report);
            }
            // A device unplugged in the middle of a long message is noticed within a second.
            if k > 0 && checked.elapsed() > Duration::from_secs(1) {
                checked = Instant::now();
                if !out.present() {
                    return Err(format!(
                        "{} disappeared in the middle of message {} (after {offset} of its {} bytes)",
                        out.port,
                        report.messages + 1,
                        m.len()
                    ));
                }
            }
            let stopped = |e: String| {
                format!(
                    "{e}: message {} of {} stopped after {offset} of its {} bytes",
                    report.messages + 1,
                    messages.len(),
                    m.len()
                )
            };
            out.wait_for_room(len).map_err(stopped)?;
            let at = start.elapsed().as_secs_f64();
            first_at.get_or_insert(at);
            out.send(&m[offset..offset + len]).map_err(stopped)?;
            offset += len;
            // A start more than 1 ms late (a busy machine, a full queue) moves the rest of the
            // plan with it.
            let after = if k + 1 == pieces.len() {
                gap
            } else if ends_chunk {
                pause
            } else {
                0.0
            };
            plan.sent_with_gap(len, at, 1000.0, after);
            *free_at = start + Duration::from_secs_f64(plan.next_start());
            // Inside a long message (a firmware file in one message) progress moves too.
            if k + 1 < pieces.len() {
                progress(
                    report.messages,
                    report.bytes + offset as u64,
                    start.elapsed().as_secs_f64(),
                );
            }
        }
        let at = first_at.unwrap_or(0.0);
        report.messages += 1;
        report.bytes += m.len() as u64;
        report.starts.push(at);
        progress(report.messages, report.bytes, start.elapsed().as_secs_f64());
    }
    Ok(report)
}

/// Sleeps until `deadline` (in slices of at most 10 ms, so a cancel is seen promptly), finishing
/// with a 3 ms spin when `spin`, so starts land within about 0.1 ms. Returns false if
/// `cancelled` became true.
fn wait_until(deadline: Instant, cancelled: &impl Fn() -> bool, spin: bool) -> bool {
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
        if !spin {
            std::thread::sleep(left.min(Duration::from_millis(10)));
        } else if left > Duration::from_millis(4) {
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
    fn a_port_held_by_another_program_is_said_in_words() {
        // The errors midir 0.11's WinMM backend returns when midiInOpen / midiOutOpen answer
        // MMSYSERR_ALLOCATED (src/backend/winmm/mod.rs).
        for (kind, midir_says) in [
            (
                "input",
                "could not create Windows MM MIDI input port (MMSYSERR_ALLOCATED)",
            ),
            (
                "output",
                "could not create Windows MM MIDI output port (MMSYSERR_ALLOCATED)",
            ),
        ] {
            let e = midir::ConnectError::other(midir_says, ());
            let said = connect_failure(kind, "2- UM-ONE", e.kind());
            assert!(
                said.starts_with(&format!(
                    "MIDI {kind} port \"2- UM-ONE\" is in use by another program, probably your DAW: turn that port off in the DAW's MIDI preferences"
                )),
                "{said}"
            );
            assert!(!said.contains("MMSYSERR"), "no raw code: {said}");
        }
        let other = midir::ConnectError::other("could not start Windows MM MIDI input port", ());
        let said = connect_failure("input", "UM-ONE", other.kind());
        assert!(
            said.contains("could not be opened") && !said.contains("in use"),
            "{said}"
        );
        let gone = midir::ConnectError::new(midir::ConnectErrorKind::InvalidPort, ());
        assert!(connect_failure("output", "UM-ONE", gone.kind()).contains("went away"));
    }

    #[test]
    fn a_simulated_held_port_fails_to_open_until_released() {
        let names = ["Held Port 9".to_owned()];
        simulate_in_use("Held Port 9", true);
        let e = find_port("output", "held port", Match::Typed, &names).unwrap_err();
        assert_eq!(e, in_use("output", "Held Port 9"));
        simulate_in_use("Held Port 9", false);
        assert_eq!(
            find_port("output", "Held Port 9", Match::Exact, &names).unwrap(),
            "Held Port 9"
        );
    }

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
            let reached = wait_until(
                start + Duration::from_secs(5),
                &|| flag.load(Ordering::Relaxed),
                true,
            );
            assert!(!reached);
        });
        assert!(start.elapsed() < Duration::from_secs(1));
        assert!(wait_until(
            Instant::now() + Duration::from_millis(5),
            &|| false,
            false
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
