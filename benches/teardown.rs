//! Issue 20, item 13: how long removing the plugin takes mid-send on a slow direct route: the
//! worker (what the plugin's destructor drops) with both direct ports open on a private JACK
//! server (dummy driver, 1,024-frame periods at 48 kHz), a DIN-paced 20,000-byte message under
//! way and a take in progress. Needs `jackd` and `--features jack`.

use criterion::{criterion_group, criterion_main, Criterion};
use midir::os::unix::{VirtualInput, VirtualOutput};
use midir::{MidiInput, MidiOutput};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use sysex_vault::audio::capture::{self, CaptureShared};
use sysex_vault::audio::sender::{self, SendShared};
use sysex_vault::background::ports::RouteSettings;
use sysex_vault::background::worker::{Worker, WorkerContext};
use sysex_vault::pacing::Pacing;
use sysex_vault::store::{LibraryStore, WorkerRequest};

/// A private JACK server, stopped (SIGTERM, so it removes its shared memory) on drop.
struct Jack(Child);

impl Jack {
    fn start(frames: u32) -> Jack {
        let name = format!("sxv-bench-{}", std::process::id());
        // SAFETY: set before any JACK client of this process exists.
        unsafe { std::env::set_var("JACK_DEFAULT_SERVER", &name) };
        let child = Command::new("jackd")
            .args(["-n", &name, "--no-realtime", "-d", "dummy", "-r", "48000"])
            .args(["-p", &frames.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("jackd (Debian: jackd2) must be installed");
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
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

/// One removal: opens the route, starts the send and a take, and times dropping the worker.
fn remove_mid_send(received: &AtomicUsize, synth: &mut midir::MidiOutputConnection) -> Duration {
    let shared = Arc::new(CaptureShared::default());
    shared.idle_gap_ms.store(60_000, Ordering::Relaxed);
    shared.armed.store(true, Ordering::Relaxed);
    let store = Arc::new(LibraryStore::default());
    let ctx = WorkerContext {
        store: store.clone(),
        capture: shared.clone(),
        send: Arc::new(SendShared::default()),
        pacing: Arc::new(RwLock::new(Default::default())),
        send_check: Arc::new(RwLock::new(Default::default())),
        route: Arc::new(RwLock::new(RouteSettings {
            direct: true,
            input: Some("synth-tx:out".into()),
            output: Some("synth-rx:in".into()),
        })),
    };
    let (_producer, reader) = capture::ring(1 << 20, shared.clone());
    let (_engine, queue) = sender::channel(Arc::new(SendShared::default()));
    let worker = Worker::start(ctx, reader, queue);
    while !store
        .log_lines()
        .iter()
        .any(|l| l.text.contains("Sending to synth-rx:in"))
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(100));
    synth.send(&[0xF0, 0x7D, 1, 2, 3, 0xF7]).unwrap();
    received.store(0, Ordering::Relaxed);
    assert!(store.request(WorkerRequest::SendRaw {
        label: "long".into(),
        messages: vec![[vec![0xF0], vec![0x10; 19_998], vec![0xF7]].concat()],
        pacing: Pacing::DIN,
    }));
    while received.load(Ordering::Relaxed) < 300 || shared.live_bytes.load(Ordering::Relaxed) == 0 {
        std::thread::sleep(Duration::from_millis(2));
    }
    let start = Instant::now();
    drop(worker);
    let took = start.elapsed();
    assert_eq!(store.read(|lib| lib.entries.len()), 1, "the take was filed");
    took
}

fn teardown_bench(c: &mut Criterion) {
    sysex_vault::audio::pool::init();
    let _jack = Jack::start(1024);
    let mut synth = MidiOutput::new("synth-tx")
        .unwrap()
        .create_virtual("out")
        .unwrap();
    let received = Arc::new(AtomicUsize::new(0));
    let sink = received.clone();
    let mut input = MidiInput::new("synth-rx").unwrap();
    input.ignore(midir::Ignore::None);
    let _rx = input
        .create_virtual(
            "in",
            move |_, bytes, _| {
                sink.fetch_add(bytes.len(), Ordering::Relaxed);
            },
            (),
        )
        .unwrap();
    let mut g = c.benchmark_group("teardown");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(1));
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("remove mid-send, DIN, 1024-frame JACK periods", |b| {
        b.iter_custom(|n| (0..n).map(|_| remove_mid_send(&received, &mut synth)).sum())
    });
    g.finish();
}

criterion_group!(benches, teardown_bench);
criterion_main!(benches);
