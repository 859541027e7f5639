//! `process()` cost through a real CLAP host (clack-host, release build of the plugin), as a
//! fraction of the real-time budget of a 64-frame block at 48 kHz (1.333 ms): idle, capturing
//! 1 MB/s of incoming SysEx, sending at full rate with a 10,000-message job queued, and both.

#[path = "../tests/common/mod.rs"]
mod common;

use clack_host::events::event_types::{MidiSysExEvent, ParamValueEvent};
use clack_host::events::Pckn;
use clack_host::prelude::*;
use common::{decode_state, encode_state, sysex, BenchProcessor, Session};
use criterion::{criterion_group, criterion_main, Criterion};
use std::time::{Duration, Instant};
use sysex_vault::library::{Entry, Library, Source};
use sysex_vault::pacing::{Pacing, PacingChoice};

const FRAMES: u32 = 64;
const SR: f64 = 48_000.0;
/// 1 MB/s at 48 kHz in 64-frame blocks.
const BYTES_PER_BLOCK: usize = 1_333;

struct Setup {
    session: Session,
    send_id: u32,
    rec_id: u32,
    cancel_id: u32,
}

fn setup() -> Setup {
    // 10,000 messages of 1,000 bytes, sent at 1 MB/s with no gap ("full rate").
    let msgs: Vec<Vec<u8>> = (0..10_000).map(|i| sysex(1_000, i as u8)).collect();
    let mut lib = Library::default();
    lib.add(Entry::new(
        sysex_vault::devices::registry(),
        msgs,
        Source::Capture,
        0,
    ));
    let mut s = Session::load();
    let mut state = decode_state(&s.save_state());
    let text = sysex_vault::state::encode_text(&lib);
    state["fields"]["library"] = serde_json::json!(serde_json::to_string(&text).unwrap());
    let full = PacingChoice::Custom(Pacing::whole(1_000_000, 0));
    state["fields"]["pacing"] = serde_json::json!(serde_json::to_string(&full).unwrap());
    assert!(s.load_state(&encode_state(&state)));
    s.activate(SR, FRAMES);
    // Past the settling window after the load, so the Send trigger acts.
    s.settle();
    let send_id = s.param_id("Send");
    let rec_id = s.param_id("Record");
    let cancel_id = s.param_id("Cancel Send");
    Setup {
        session: s,
        send_id,
        rec_id,
        cancel_id,
    }
}

fn param(id: u32, v: f64) -> ParamValueEvent {
    ParamValueEvent::new(0, ClapId::new(id), Pckn::match_all(), v)
}

/// (Re)starts the send job (cancelling a running one) and waits in real time until SysEx comes
/// out.
fn start_sending(b: &mut BenchProcessor, ids: (u32, u32)) {
    let block = |b: &mut BenchProcessor, events: &[ParamValueEvent]| {
        let mut buf = EventBuffer::new();
        for e in events {
            buf.push(e);
        }
        b.block(FRAMES, &buf)
    };
    block(b, &[param(ids.0, 0.0), param(ids.1, 1.0)]);
    block(b, &[param(ids.0, 1.0), param(ids.1, 0.0)]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while block(b, &[]).1 == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(500));
    }
}

/// The send job holds 10 MB; restart it well before it runs dry so every timed block sends.
const RESTART_AFTER_BYTES: usize = 8_000_000;

fn scenario(name: &str, c: &mut Criterion, capture: bool, send: bool) {
    let Setup {
        mut session,
        send_id,
        rec_id,
        cancel_id,
    } = setup();
    let ids = (send_id, cancel_id);
    let mut b = session.start_bench();
    let mut arm = EventBuffer::new();
    arm.push(&param(rec_id, if capture { 1.0 } else { 0.0 }));
    b.block(FRAMES, &arm);
    let message = sysex(BYTES_PER_BLOCK, 7);
    let mut input = EventBuffer::new();
    if capture {
        // SAFETY: `message` outlives every process call below.
        input.push(&unsafe { MidiSysExEvent::new(5, 0, &message) });
    }
    let mut sent = 0usize;
    let mut blocks_since_drain = 0u32;
    let mut timed_blocks = |b: &mut BenchProcessor, n: u64| {
        let mut total = Duration::ZERO;
        let mut out_bytes = 0;
        for _ in 0..n {
            if send && (sent == 0 || sent > RESTART_AFTER_BYTES) {
                start_sending(b, ids);
                sent = 1;
            }
            let t = Instant::now();
            let (_, bytes) = b.block(FRAMES, &input);
            total += t.elapsed();
            sent += bytes;
            out_bytes += bytes;
            // A host runs at its audio clock, so the background thread (which polls every 5 ms,
            // about 4 blocks) takes captured messages off the ring between blocks; this loop
            // runs thousands of times faster. Give it that time, untimed, every 100 blocks, or
            // the backlog would fill the pool and measure a state no host produces.
            if capture {
                blocks_since_drain += 1;
                if blocks_since_drain >= 100 {
                    blocks_since_drain = 0;
                    std::thread::sleep(Duration::from_millis(6));
                }
            }
        }
        (total, out_bytes)
    };
    // Our own measurement, printed as a budget fraction; criterion's follows.
    let blocks = 20_000u64;
    let (elapsed, out_bytes) = timed_blocks(&mut b, blocks);
    let per_block = elapsed.as_secs_f64() / blocks as f64;
    let budget = f64::from(FRAMES) / SR;
    eprintln!(
        "{name}: {:.2} µs per 64-frame block = {:.3} % of the real-time budget; {:.0} SysEx bytes/s out",
        per_block * 1e6,
        per_block / budget * 100.0,
        out_bytes as f64 / (blocks as f64 * budget)
    );
    c.bench_function(name, |bench| {
        bench.iter_custom(|n| timed_blocks(&mut b, n).0)
    });
    session.end_bench(b);
}

/// The baseline plugin (`examples/baseline_passthrough.rs`), built the same way and loaded once.
fn baseline() -> &'static PluginEntry {
    static ENTRY: std::sync::OnceLock<PluginEntry> = std::sync::OnceLock::new();
    ENTRY.get_or_init(|| {
        let status = std::process::Command::new(env!("CARGO"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args([
                "build",
                "--quiet",
                "--release",
                "--example",
                "baseline_passthrough",
            ])
            .status()
            .expect("cargo build");
        assert!(status.success());
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target/release/examples/libbaseline_passthrough.so");
        // SAFETY: our own benchmark plugin, just built.
        unsafe { PluginEntry::load(&path) }.expect("load baseline")
    })
}

fn baseline_idle(c: &mut Criterion) {
    let mut s = Session::load_from(baseline(), "org.sysex-vault.baseline");
    s.activate(SR, FRAMES);
    let mut b = s.start_bench();
    let empty = EventBuffer::new();
    let blocks = 20_000u32;
    let start = Instant::now();
    for _ in 0..blocks {
        b.block(FRAMES, &empty);
    }
    let per_block = start.elapsed().as_secs_f64() / f64::from(blocks);
    eprintln!(
        "baseline pass-through plugin idle: {:.2} µs per 64-frame block = {:.3} % of the real-time budget",
        per_block * 1e6,
        per_block / (f64::from(FRAMES) / SR) * 100.0
    );
    c.bench_function("baseline pass-through plugin idle", |bench| {
        bench.iter(|| b.block(FRAMES, &empty))
    });
    s.end_bench(b);
}

fn process(c: &mut Criterion) {
    baseline_idle(c);
    scenario("process idle (pass-through on)", c, false, false);
    scenario("process capturing 1 MB/s in", c, true, false);
    scenario(
        "process sending at full rate, 10k-message job",
        c,
        false,
        true,
    );
    scenario(
        "process capturing 1 MB/s and sending at full rate",
        c,
        true,
        true,
    );
}

criterion_group!(benches, process);
criterion_main!(benches);
