//! A small CLAP host built on clack-host: it loads the plugin's shared library the way a DAW does,
//! activates it, runs `process` on an audio thread with a 128 KiB stack, and talks to its state
//! and note-port extensions. Tests read like a host session.

#![allow(dead_code)]

pub mod cli_bin;
#[cfg(feature = "jack")]
pub mod direct;
#[cfg(feature = "jack")]
pub mod fake;
#[cfg(feature = "jack")]
pub mod jack;

use clack_extensions::note_ports::{NoteDialects, NotePortInfoBuffer, PluginNotePorts};
use clack_extensions::params::{ParamInfoBuffer, PluginParams};
use clack_extensions::state::PluginState;
use clack_host::events::event_types::{
    MidiEvent, MidiSysExEvent, NoteOffEvent, NoteOnEvent, ParamValueEvent,
};
use clack_host::events::io::{OutputEventBuffer, TryPushError};
use clack_host::events::Pckn;
use clack_host::prelude::*;
use std::ffi::CString;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// Stack size of the audio thread: small, like some hosts' audio threads.
pub const AUDIO_STACK: usize = 128 * 1024;

/// The plugin's CLAP ID.
pub const PLUGIN_ID: &str = "org.sysex-vault.sysex-vault";

/// Environment variable naming a prebuilt plugin library to load instead of building one (the
/// Windows tests under Wine pass the cross-built `sysex_vault.dll`: no cargo runs inside Wine).
pub const PLUGIN_VAR: &str = "SYSEX_VAULT_PLUGIN";

/// Path of the plugin library: [`PLUGIN_VAR`] when set, else built once per test binary with the
/// same cargo, profile and features as the tests (`cargo test` builds the crate as an rlib only;
/// this links the cdylib).
pub fn plugin_library() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            if let Some(path) = std::env::var_os(PLUGIN_VAR) {
                let path = PathBuf::from(path);
                assert!(
                    path.exists(),
                    "{PLUGIN_VAR}={} does not exist",
                    path.display()
                );
                return path;
            }
            let mut cmd = Command::new(env!("CARGO"));
            cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
                .args(["build", "--lib", "--quiet"]);
            if !cfg!(debug_assertions) {
                cmd.arg("--release");
            }
            let features: Vec<&str> = [
                (
                    cfg!(feature = "assert_process_allocs"),
                    "assert_process_allocs",
                ),
                (cfg!(feature = "jack"), "jack"),
            ]
            .into_iter()
            .filter_map(|(on, name)| on.then_some(name))
            .collect();
            if !features.is_empty() {
                cmd.args(["--features", &features.join(",")]);
            }
            let status = cmd.status().expect("run cargo build");
            assert!(status.success(), "building the plugin library failed");
            let exe = std::env::current_exe().expect("test binary path");
            let dir = exe.parent().and_then(|d| d.parent()).expect("target dir");
            let name = if cfg!(target_os = "macos") {
                "libsysex_vault.dylib"
            } else if cfg!(windows) {
                "sysex_vault.dll"
            } else {
                "libsysex_vault.so"
            };
            let path = dir.join(name);
            assert!(
                path.exists(),
                "{} missing after cargo build",
                path.display()
            );
            path
        })
        .clone()
}

/// The plugin library, loaded once and kept loaded for the whole test process, as a DAW keeps
/// it: unloading it while another test's instance still runs would pull code from under it.
pub fn entry() -> &'static PluginEntry {
    static ENTRY: OnceLock<PluginEntry> = OnceLock::new();
    ENTRY.get_or_init(|| {
        let path = plugin_library();
        // SAFETY: we load our own plugin, built by this cargo invocation.
        unsafe { PluginEntry::load(&path) }.expect("load plugin library")
    })
}

pub struct TestHostShared;

impl<'a> SharedHandler<'a> for TestHostShared {
    fn request_restart(&self) {}
    fn request_process(&self) {}
    fn request_callback(&self) {}
}

pub struct TestHost;

impl HostHandlers for TestHost {
    type Shared<'a> = TestHostShared;
    type MainThread<'a> = ();
    type AudioProcessor<'a> = ();
}

/// An event going into the plugin.
#[derive(Clone, Debug)]
pub enum In {
    SysEx(u32, Vec<u8>),
    Midi(u32, [u8; 3]),
    /// A parameter change (CLAP param id, plain value), as host automation sends it.
    Param(u32, u32, f64),
}

/// An event that came out of the plugin.
#[derive(Clone, Debug, PartialEq)]
pub enum Out {
    SysEx(u32, Vec<u8>),
    Midi(u32, [u8; 3]),
    NoteOn {
        time: u32,
        channel: i16,
        key: i16,
        velocity: f64,
    },
    NoteOff {
        time: u32,
        channel: i16,
        key: i16,
    },
    Other(u32),
}

impl Out {
    pub fn time(&self) -> u32 {
        match self {
            Out::SysEx(t, _) | Out::Midi(t, _) | Out::Other(t) => *t,
            Out::NoteOn { time, .. } | Out::NoteOff { time, .. } => *time,
        }
    }
}

/// One loaded plugin instance and its (optional) active processor.
pub struct Session {
    // Field order matters: the processor and instance go before the library is unloaded.
    processor: Option<StoppedPluginAudioProcessor<TestHost>>,
    instance: PluginInstance<TestHost>,
    pub sample_rate: f64,
    pub max_frames: u32,
    pub steady_time: u64,
    /// What the plugin's last `process` call returned (a host that sleeps quiet plugins acts on
    /// `ContinueIfNotQuiet`).
    pub last_status: Option<ProcessStatus>,
    /// Minor page faults the audio thread took inside the last `process` call.
    pub last_page_faults: u64,
}

impl Session {
    /// Loads the plugin and creates an instance (not yet active).
    pub fn load() -> Session {
        Session::load_from(entry(), PLUGIN_ID)
    }

    /// Creates an instance of plugin `id` from an already loaded library.
    pub fn load_from(entry: &'static PluginEntry, id: &str) -> Session {
        let host_info = HostInfo::new(
            "SysEx Vault test host",
            "SysEx Vault",
            "https://example.invalid",
            "1.0",
        )
        .unwrap();
        let id = CString::new(id).unwrap();
        let instance =
            PluginInstance::<TestHost>::new(|_| TestHostShared, |_| (), entry, &id, &host_info)
                .expect("instantiate plugin");
        Session {
            processor: None,
            instance,
            sample_rate: 48_000.0,
            max_frames: 0,
            steady_time: 0,
            last_status: None,
            last_page_faults: 0,
        }
    }

    /// Loads and activates.
    pub fn start(sample_rate: f64, max_frames: u32) -> Session {
        let mut s = Session::load();
        s.activate(sample_rate, max_frames);
        s
    }

    pub fn activate(&mut self, sample_rate: f64, max_frames: u32) {
        let config = PluginAudioConfiguration {
            sample_rate,
            min_frames_count: 1,
            max_frames_count: max_frames,
        };
        let p = self.instance.activate(|_, _| (), config).expect("activate");
        self.processor = Some(p);
        self.sample_rate = sample_rate;
        self.max_frames = max_frames;
    }

    pub fn deactivate(&mut self) {
        if let Some(p) = self.processor.take() {
            self.instance.deactivate(p);
        }
    }

    /// Runs one block of `frames` stereo frames with `events` on a 128 KiB-stack audio thread.
    /// Returns the output events and the output audio of the left channel.
    pub fn process_audio(
        &mut self,
        frames: u32,
        events: &[In],
        audio_in: f32,
    ) -> (Vec<Out>, Vec<f32>) {
        self.process_limited(frames, events, audio_in, usize::MAX)
    }

    /// Like [`Session::process_audio`], with a host output queue that takes at most `capacity`
    /// events and refuses the rest.
    pub fn process_limited(
        &mut self,
        frames: u32,
        events: &[In],
        audio_in: f32,
        capacity: usize,
    ) -> (Vec<Out>, Vec<f32>) {
        assert!(frames <= self.max_frames, "block larger than activated max");
        let processor = self.processor.take().expect("activate first");
        let steady = self.steady_time;
        let (processor, out, audio, status, faults) = std::thread::scope(|s| {
            std::thread::Builder::new()
                .name("audio".into())
                .stack_size(AUDIO_STACK)
                .spawn_scoped(s, move || {
                    run_block(processor, frames, events, audio_in, steady, capacity)
                })
                .expect("spawn audio thread")
                .join()
                .expect("audio thread panicked")
        });
        self.processor = Some(processor);
        self.steady_time += u64::from(frames);
        self.last_status = Some(status);
        self.last_page_faults = faults;
        (out, audio)
    }

    /// Runs one block and returns the output events.
    pub fn process(&mut self, frames: u32, events: &[In]) -> Vec<Out> {
        self.process_audio(frames, events, 0.25).0
    }

    /// Saves the plugin state as a host would into its project file.
    pub fn save_state(&mut self) -> Vec<u8> {
        let handle = self.instance.plugin_handle();
        let state: PluginState = handle.get_extension().expect("state extension");
        let mut out = Vec::new();
        state.save(&handle, &mut out).expect("save state");
        out
    }

    /// Loads a saved state; returns whether the plugin accepted it.
    pub fn load_state(&mut self, bytes: &[u8]) -> bool {
        let handle = self.instance.plugin_handle();
        let state: PluginState = handle.get_extension().expect("state extension");
        state.load(&handle, &mut &bytes[..]).is_ok()
    }

    /// The CLAP id of the parameter with this display name.
    pub fn param_id(&mut self, name: &str) -> u32 {
        let handle = self.instance.plugin_handle();
        let params: PluginParams = handle.get_extension().expect("params extension");
        for i in 0..params.count(&handle) {
            let mut buf = ParamInfoBuffer::new();
            if let Some(info) = params.get_info(&handle, i, &mut buf) {
                if info.name == name.as_bytes() {
                    return info.id.get();
                }
            }
        }
        panic!("no parameter named {name}");
    }

    /// Runs one block and then waits about as long as the block lasts (at most 2 ms), as a host
    /// running at its audio clock would give background threads time between blocks.
    pub fn process_realtime(&mut self, frames: u32, events: &[In]) -> Vec<Out> {
        let out = self.process(frames, events);
        let block = std::time::Duration::from_secs_f64(f64::from(frames) / self.sample_rate);
        std::thread::sleep(block.min(std::time::Duration::from_millis(2)));
        out
    }

    /// Runs silent blocks past the plugin's settling window after activation or a state load
    /// (`sysex_vault::audio::settle`), in which a real host replays restored values and triggers do not
    /// fire; what a user clicks comes after it.
    pub fn settle(&mut self) {
        self.idle(sysex_vault::audio::settle::SETTLE_SECONDS + 0.05);
        for _ in 0..sysex_vault::audio::settle::SETTLE_BLOCKS {
            self.process(self.max_frames.min(64), &[]);
        }
    }

    /// Runs silent blocks covering `seconds` of audio.
    pub fn idle(&mut self, seconds: f64) {
        let frames = self.max_frames;
        let blocks = (seconds * self.sample_rate / f64::from(frames)).ceil() as usize;
        for _ in 0..blocks {
            self.process(frames, &[]);
        }
    }

    /// The library in the saved state.
    pub fn saved_library(&mut self) -> sysex_vault::library::Library {
        let state = decode_state(&self.save_state());
        let field = state["fields"]["library"].as_str().expect("library field");
        let text: String = serde_json::from_str(field).expect("field is a JSON string");
        sysex_vault::state::decode_text(&text).expect("library decodes")
    }

    /// `(supported, preferred)` dialects of the first input and output note ports.
    pub fn note_port_dialects(&mut self) -> [(NoteDialects, NoteDialects); 2] {
        let handle = self.instance.plugin_handle();
        let ports: PluginNotePorts = handle.get_extension().expect("note ports extension");
        let mut out = [(NoteDialects::empty(), NoteDialects::empty()); 2];
        for (i, is_input) in [true, false].into_iter().enumerate() {
            assert_eq!(ports.count(&handle, is_input), 1);
            let mut buf = NotePortInfoBuffer::new();
            let info = ports
                .get(&handle, 0, is_input, &mut buf)
                .expect("port info");
            out[i] = (
                info.supported_dialects,
                info.preferred_dialect
                    .map(NoteDialects::from)
                    .unwrap_or(NoteDialects::empty()),
            );
        }
        out
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.deactivate();
    }
}

/// The host's output queue: copies events as a CLAP host must during `try_push`, refuses them
/// past `capacity` (a full host queue), and remembers SysEx pointers to re-read later.
struct HostOutput {
    events: Vec<Out>,
    pointers: Vec<(usize, *const u8, usize)>,
    capacity: usize,
}

impl OutputEventBuffer for HostOutput {
    fn try_push(&mut self, event: &UnknownEvent) -> Result<(), TryPushError> {
        if self.events.len() >= self.capacity {
            return Err(TryPushError::new());
        }
        if let Some(ev) = event.as_event::<MidiSysExEvent>() {
            self.pointers.push((
                self.events.len(),
                ev.buffer_ptr(),
                ev.buffer_size() as usize,
            ));
        }
        self.events.push(convert(event));
        Ok(())
    }
}

/// Minor page faults of the calling thread so far (Linux; 0 elsewhere).
pub fn thread_page_faults() -> u64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getrusage writes into the zeroed struct we pass.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut usage) } == 0 {
            return usage.ru_minflt as u64;
        }
    }
    0
}

type BlockResult = (
    StoppedPluginAudioProcessor<TestHost>,
    Vec<Out>,
    Vec<f32>,
    ProcessStatus,
    u64,
);

fn run_block(
    processor: StoppedPluginAudioProcessor<TestHost>,
    frames: u32,
    events: &[In],
    audio_in: f32,
    steady: u64,
    capacity: usize,
) -> BlockResult {
    let mut processor = processor.start_processing().expect("start processing");
    let mut input_buffer = EventBuffer::with_capacity(events.len());
    for e in events {
        match e {
            In::SysEx(t, bytes) => {
                // SAFETY: `bytes` outlives the process call below.
                let ev = unsafe { MidiSysExEvent::new(*t, 0, bytes) };
                input_buffer.push(&ev);
            }
            In::Midi(t, data) => input_buffer.push(&MidiEvent::new(*t, 0, *data)),
            In::Param(t, id, value) => input_buffer.push(&ParamValueEvent::new(
                *t,
                ClapId::new(*id),
                Pckn::match_all(),
                *value,
            )),
        }
    }
    let mut output_buffer = HostOutput {
        events: Vec::new(),
        pointers: Vec::new(),
        capacity,
    };
    let n = frames as usize;
    let mut in_l = vec![audio_in; n];
    let mut in_r = vec![audio_in; n];
    let mut out_l = vec![0.0f32; n];
    let mut out_r = vec![0.0f32; n];
    let mut in_ports = AudioPorts::with_capacity(2, 1);
    let mut out_ports = AudioPorts::with_capacity(2, 1);
    let input_audio = in_ports.with_input_buffers([AudioPortBuffer {
        latency: 0,
        channels: AudioPortBufferType::f32_input_only(
            [&mut in_l, &mut in_r]
                .into_iter()
                .map(|b| InputChannel::variable(b.as_mut_slice())),
        ),
    }]);
    let mut output_audio = out_ports.with_output_buffers([AudioPortBuffer {
        latency: 0,
        channels: AudioPortBufferType::f32_output_only(
            [&mut out_l, &mut out_r]
                .into_iter()
                .map(|b| b.as_mut_slice()),
        ),
    }]);
    // The host's own buffers are allocated and touched above; only faults inside the plugin's
    // `process` are counted.
    output_buffer.events.reserve(events.len() + 64);
    output_buffer.pointers.reserve(events.len() + 64);
    let faults_before = thread_page_faults();
    let status = processor
        .process(
            &input_audio,
            &mut output_audio,
            &input_buffer.as_input(),
            &mut OutputEvents::from_buffer(&mut output_buffer),
            Some(steady),
            None,
        )
        .expect("process");
    let faults = thread_page_faults() - faults_before;
    // Like a JUCE-based host, read the SysEx pointers again after `process` returned: the
    // plugin promises the bytes stay valid until its next block.
    for (i, ptr, len) in &output_buffer.pointers {
        // SAFETY: the plugin keeps these bytes alive until its next process call.
        let late = unsafe { std::slice::from_raw_parts(*ptr, *len) };
        assert_eq!(
            Out::SysEx(output_buffer.events[*i].time(), late.to_vec()),
            output_buffer.events[*i]
        );
    }
    (
        processor.stop_processing(),
        output_buffer.events,
        out_l,
        status,
        faults,
    )
}

fn convert(e: &UnknownEvent) -> Out {
    let time = e.header().time();
    if let Some(ev) = e.as_event::<MidiSysExEvent>() {
        // SAFETY: called inside `try_push`, while the plugin's buffer is valid.
        return Out::SysEx(time, unsafe { ev.data() }.to_vec());
    }
    if let Some(ev) = e.as_event::<MidiEvent>() {
        return Out::Midi(time, ev.data());
    }
    if let Some(ev) = e.as_event::<NoteOnEvent>() {
        let p = ev.pckn();
        return Out::NoteOn {
            time,
            channel: p.raw_channel(),
            key: p.raw_key(),
            velocity: ev.velocity(),
        };
    }
    if let Some(ev) = e.as_event::<NoteOffEvent>() {
        let p = ev.pckn();
        return Out::NoteOff {
            time,
            channel: p.raw_channel(),
            key: p.raw_key(),
        };
    }
    Out::Other(time)
}

/// A SysEx message of `len` bytes with a recognisable pattern.
pub fn sysex(len: usize, seed: u8) -> Vec<u8> {
    assert!(len >= 2);
    let mut m = vec![0xF0];
    m.extend((0..len - 2).map(|i| ((i as u32 * 31 + u32::from(seed)) % 128) as u8));
    m.push(0xF7);
    m
}

/// Decodes a nice-plug CLAP state: an 8-byte little-endian length, then zstd-compressed JSON.
pub fn decode_state(bytes: &[u8]) -> serde_json::Value {
    let (len, body) = bytes.split_at(8);
    assert_eq!(
        u64::from_le_bytes(len.try_into().unwrap()) as usize,
        body.len()
    );
    let json = zstd::decode_all(body).expect("state is zstd");
    serde_json::from_slice(&json).expect("state is JSON")
}

/// The inverse of [`decode_state`].
pub fn encode_state(v: &serde_json::Value) -> Vec<u8> {
    let body = zstd::encode_all(serde_json::to_vec(v).unwrap().as_slice(), 3).unwrap();
    let mut out = (body.len() as u64).to_le_bytes().to_vec();
    out.extend(body);
    out
}

/// A processor started once and driven on the calling thread, for benchmarks: no thread spawn,
/// no start/stop per block, output only counted (not copied).
pub struct BenchProcessor {
    processor: StartedPluginAudioProcessor<TestHost>,
    audio: [Vec<f32>; 4],
    steady: u64,
}

/// Counts output events and SysEx bytes; keeps copies of SysEx when `keep` is set.
struct CountingOutput<'a> {
    events: usize,
    sysex_bytes: usize,
    keep: Option<&'a mut Vec<Vec<u8>>>,
}

impl OutputEventBuffer for CountingOutput<'_> {
    fn try_push(&mut self, event: &UnknownEvent) -> Result<(), TryPushError> {
        self.events += 1;
        if let Some(ev) = event.as_event::<MidiSysExEvent>() {
            self.sysex_bytes += ev.buffer_size() as usize;
            if let Some(keep) = self.keep.as_mut() {
                // SAFETY: called inside `try_push`, while the plugin's buffer is valid.
                keep.push(unsafe { ev.data() }.to_vec());
            }
        }
        Ok(())
    }
}

impl Session {
    /// Starts processing on the calling thread for benchmarks; give it back with
    /// [`Session::end_bench`].
    pub fn start_bench(&mut self) -> BenchProcessor {
        let p = self.processor.take().expect("activate first");
        let n = self.max_frames as usize;
        BenchProcessor {
            processor: p.start_processing().expect("start processing"),
            audio: [vec![0.1; n], vec![0.1; n], vec![0.0; n], vec![0.0; n]],
            steady: self.steady_time,
        }
    }

    /// Stops a benchmark processor and keeps the session usable.
    pub fn end_bench(&mut self, b: BenchProcessor) {
        self.steady_time = b.steady;
        self.processor = Some(b.processor.stop_processing());
    }
}

impl BenchProcessor {
    /// Processes one block of `frames` with `input`; returns (output events, SysEx bytes out).
    pub fn block(&mut self, frames: u32, input: &EventBuffer) -> (usize, usize) {
        self.block_keep(frames, input, None)
    }

    /// Like [`BenchProcessor::block`], appending copies of the SysEx output to `keep`.
    pub fn block_keep(
        &mut self,
        frames: u32,
        input: &EventBuffer,
        keep: Option<&mut Vec<Vec<u8>>>,
    ) -> (usize, usize) {
        let n = frames as usize;
        let [in_l, in_r, out_l, out_r] = &mut self.audio;
        let mut in_ports = AudioPorts::with_capacity(2, 1);
        let mut out_ports = AudioPorts::with_capacity(2, 1);
        let input_audio = in_ports.with_input_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_input_only(
                [&mut in_l[..n], &mut in_r[..n]]
                    .into_iter()
                    .map(InputChannel::variable),
            ),
        }]);
        let mut output_audio = out_ports.with_output_buffers([AudioPortBuffer {
            latency: 0,
            channels: AudioPortBufferType::f32_output_only(
                [&mut out_l[..n], &mut out_r[..n]].into_iter(),
            ),
        }]);
        let mut out = CountingOutput {
            events: 0,
            sysex_bytes: 0,
            keep,
        };
        self.processor
            .process(
                &input_audio,
                &mut output_audio,
                &input.as_input(),
                &mut OutputEvents::from_buffer(&mut out),
                Some(self.steady),
                None,
            )
            .expect("process");
        self.steady += u64::from(frames);
        (out.events, out.sysex_bytes)
    }
}

/// Runs the `sysex-vault` command line; returns its exit code and stdout + stderr.
pub fn run_cli(args: &[&str]) -> (i32, String) {
    let out = Command::new(cli_bin::path()).args(args).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// A saved plugin state holding `lib`, with `extra` overrides at `"fields/pacing"`-style paths.
pub fn state_with(
    lib: &sysex_vault::library::Library,
    extra: &[(&str, serde_json::Value)],
) -> Vec<u8> {
    let mut s = Session::load();
    let mut state = decode_state(&s.save_state());
    let text = sysex_vault::state::encode_text(lib);
    state["fields"]["library"] = serde_json::json!(serde_json::to_string(&text).unwrap());
    for (path, value) in extra {
        let mut target = &mut state;
        for key in path.split('/') {
            target = &mut target[key];
        }
        *target = value.clone();
    }
    encode_state(&state)
}

/// A fresh, empty temporary folder for test `name` of this process.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sxv-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A DX7 single-voice dump named `name`, the other parameters zero.
pub fn dx7_voice(name: &[u8; 10]) -> Vec<u8> {
    let mut data = vec![0u8; 155];
    data[145..155].copy_from_slice(name);
    yamaha_dump(0, &data)
}

/// A Yamaha bulk dump built byte by byte from the DX7 manual's format: `F0 43 0n`, format 00 for
/// 155 bytes (a voice) or 09 for 4,096 (32 voices), the byte count, the data, the checksum (the
/// 7-bit two's complement of the data's sum), `F7`.
pub fn yamaha_dump(channel: u8, data: &[u8]) -> Vec<u8> {
    let format = if data.len() == 4096 { 0x09 } else { 0x00 };
    let mut m = vec![0xF0, 0x43, channel, format];
    m.push((data.len() >> 7) as u8);
    m.push((data.len() & 0x7F) as u8);
    m.extend(data);
    let sum: u32 = data.iter().map(|&b| u32::from(b)).sum();
    m.push(((128 - sum % 128) % 128) as u8);
    m.push(0xF7);
    m
}

/// A library holding these entries, in order.
pub fn library_of(entries: Vec<sysex_vault::library::Entry>) -> sysex_vault::library::Library {
    let mut lib = sysex_vault::library::Library::default();
    for e in entries {
        lib.add(e);
    }
    lib
}

/// A DX7 32-voice bank: the first voices named `names`, the rest "INIT VOICE".
pub fn dx7_bank_named(names: &[&[u8; 10]]) -> Vec<u8> {
    let mut data = vec![0u8; 4096];
    for i in 0..32 {
        let n: &[u8; 10] = names.get(i).copied().unwrap_or(b"INIT VOICE");
        data[i * 128 + 118..i * 128 + 128].copy_from_slice(n);
    }
    yamaha_dump(0, &data)
}

/// A Prophet Rev2 program dump at `program` of bank 0, named `name`, built with its definition.
pub fn rev2_program(program: u16, name: &str) -> Vec<u8> {
    let registry = sysex_vault::devices::Registry::shipped();
    let def = registry.get("sequential-rev2").unwrap();
    let m = def.message("program").unwrap();
    let len = m.length.0;
    let (from, enc) = def.data_start(m, len).unwrap();
    let mut data = enc.decode(&vec![0; len - from - 1]).unwrap();
    let at = m.name.as_ref().unwrap().offset;
    data[at..at + name.len()].copy_from_slice(name.as_bytes());
    let fields = sysex_vault::devices::Fields {
        bank: Some(0),
        program: Some(program),
        ..Default::default()
    };
    def.build(m, &def.default_fields(fields), &data).unwrap()
}
