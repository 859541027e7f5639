//! A private JACK server with the dummy driver for tests that need real MIDI ports (the build
//! machines have no sound hardware and no ALSA sequencer).

use midir::os::unix::VirtualInput;
use midir::{MidiInput, MidiInputConnection, MidiOutput};
use std::process::{Child, Command};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Messages received by a [`receiver`], with their arrival times.
pub type Arrivals = Arc<Mutex<Vec<(Instant, Vec<u8>)>>>;

/// A JACK client with a virtual MIDI input port `client:port` that records what arrives.
pub fn receiver(client: &str, port: &str) -> (MidiInputConnection<()>, Arrivals) {
    let received: Arrivals = Arc::default();
    let sink = received.clone();
    let mut input = MidiInput::new(client).unwrap();
    input.ignore(midir::Ignore::None);
    let conn = input
        .create_virtual(
            port,
            move |_, bytes, _| sink.lock().unwrap().push((Instant::now(), bytes.to_vec())),
            (),
        )
        .unwrap();
    (conn, received)
}

/// Average byte rate of paced arrivals over their wire time (the gaps after each message taken
/// out), and that wire time in seconds. Arrivals are the pieces a message leaves in (one for a
/// short message); each piece starting with `F0` starts a message. The last piece's bytes are
/// not counted: its end is not observed.
pub fn arrival_rate(arrivals: &[(Instant, Vec<u8>)], gap_s: f64) -> (f64, f64) {
    let n = arrivals.len();
    let messages = arrivals
        .iter()
        .filter(|(_, m)| m.first() == Some(&0xF0))
        .count();
    let span = arrivals[n - 1]
        .0
        .duration_since(arrivals[0].0)
        .as_secs_f64();
    let wire = span - messages.saturating_sub(1) as f64 * gap_s;
    let bytes: usize = arrivals[..n - 1].iter().map(|(_, m)| m.len()).sum();
    (bytes as f64 / wire, wire)
}

/// Where jackd's output goes: the file named by `SXV_JACKD_LOG` (appended), else nowhere.
fn log() -> std::process::Stdio {
    std::env::var_os("SXV_JACKD_LOG")
        .and_then(|p| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .ok()
        })
        .map_or_else(std::process::Stdio::null, std::process::Stdio::from)
}

/// A private JACK server with the dummy driver, stopped on drop.
pub struct Jack(Child);

impl Jack {
    /// The server name children must use (`JACK_DEFAULT_SERVER`).
    pub fn name() -> String {
        format!("sxv-test-{}", std::process::id())
    }

    /// Starts the server (64-frame periods at 48 kHz) and points every JACK client of this
    /// process (and its children) at it.
    pub fn start() -> Jack {
        Jack::start_with_period(64)
    }

    /// Like [`Jack::start`], with `frames`-frame periods.
    pub fn start_with_period(frames: u32) -> Jack {
        let name = Jack::name();
        // SAFETY: set before any JACK client exists; every later client in this process (the
        // plugin's included) connects to this server.
        unsafe { std::env::set_var("JACK_DEFAULT_SERVER", &name) };
        let child = Command::new("jackd")
            .args([
                "-n",
                &name,
                "--no-realtime",
                "-d",
                "dummy",
                "-r",
                "48000",
                "-p",
                &frames.to_string(),
            ])
            .stdout(log())
            .stderr(log())
            .spawn()
            .expect("jackd (Debian: jackd2) must be installed for the direct-port test");
        let deadline = Instant::now() + Duration::from_secs(10);
        while MidiOutput::new("probe").is_err() {
            assert!(Instant::now() < deadline, "JACK server did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        Jack(child)
    }
}

impl Drop for Jack {
    fn drop(&mut self) {
        // SIGTERM lets jackd remove its shared memory; SIGKILL would leave it behind and block
        // the next server on this machine.
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A saved plugin state holding `lib` on the direct route through `input` and `output`, with a
/// 300 ms take gap, plus `extra` overrides (see [`super::state_with`]).
pub fn direct_state(
    lib: &sysex_vault::library::Library,
    input: &str,
    output: &str,
    extra: &[(&str, serde_json::Value)],
) -> Vec<u8> {
    let route = serde_json::json!({ "direct": true, "input": input, "output": output });
    let mut all = vec![
        ("fields/midi-route", serde_json::json!(route.to_string())),
        ("fields/idle-gap-ms", serde_json::json!("300")),
    ];
    all.extend(extra.iter().cloned());
    super::state_with(lib, &all)
}

/// The `sysex-vault` binary, pointed at this process's JACK server.
pub fn cli() -> std::process::Command {
    let mut c = Command::new(super::cli_bin::path());
    c.env("JACK_DEFAULT_SERVER", Jack::name());
    c
}

/// A plugin instance on the direct route through `input`/`output` with `lib` and `pacing`,
/// active at 48 kHz with 512-frame blocks, past the settling window.
pub fn direct_session(
    lib: &sysex_vault::library::Library,
    input: &str,
    output: &str,
    pacing: sysex_vault::pacing::PacingChoice,
) -> super::Session {
    let mut s = super::Session::load();
    let pacing = serde_json::json!(serde_json::to_string(&pacing).unwrap());
    assert!(s.load_state(&direct_state(
        lib,
        input,
        output,
        &[("fields/pacing", pacing)]
    )));
    s.activate(48_000.0, 512);
    s.settle();
    s
}

/// Runs blocks about in real time until `done` or `seconds` pass.
pub fn run_until(
    s: &mut super::Session,
    seconds: f64,
    first: &[super::In],
    done: impl Fn() -> bool,
) {
    let end = Instant::now() + Duration::from_secs_f64(seconds);
    let mut events = first.to_vec();
    while Instant::now() < end && !done() {
        s.process(512, &events);
        events.clear();
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The bytes that arrived, joined into whole SysEx messages (a chunked or long message arrives
/// as several JACK events).
pub fn joined(arrivals: &Arrivals) -> Vec<Vec<u8>> {
    let bytes: Vec<u8> = arrivals
        .lock()
        .unwrap()
        .iter()
        .flat_map(|(_, m)| m.clone())
        .collect();
    sysex_vault::sysex::bank::split(&bytes)
}
