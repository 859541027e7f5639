//! Engine benchmarks without a host: how long a 1 MiB bank delivered in one block takes to be
//! assembled into the library's take (capture ring + background thread), against a `memcpy` of
//! the same bytes; and the pacing accuracy of a 1 MiB send driven block by block.

use criterion::{criterion_group, criterion_main, Criterion};
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use sysex_vault::audio::capture::{self, CaptureShared};
use sysex_vault::audio::pool;
use sysex_vault::audio::sender::{self, SendJob, SendShared};
use sysex_vault::background::worker::{Worker, WorkerContext};
use sysex_vault::pacing::Pacing;
use sysex_vault::store::LibraryStore;

/// 256 DX7-sized messages: 1,050,624 bytes.
fn bank() -> Vec<Vec<u8>> {
    (0..256u32)
        .map(|i| {
            let mut m = vec![0xF0, 0x43, 0x00, 0x09, 0x20, 0x00];
            m.extend((0..4096u32).map(|j| ((j + i) % 128) as u8));
            m.extend([0x11, 0xF7]);
            m
        })
        .collect()
}

/// Pushes the bank as one block's worth of ring records and waits until the background thread
/// has assembled every byte into the take in progress.
fn capture_once(bank: &[Vec<u8>]) -> Duration {
    pool::init();
    let shared = Arc::new(CaptureShared::default());
    shared
        .sample_rate_bits
        .store(48_000f32.to_bits(), Ordering::Relaxed);
    shared.idle_gap_ms.store(1000, Ordering::Relaxed);
    let (mut producer, reader) = capture::ring(4 << 20, shared.clone());
    let (_engine, queue) = sender::channel(Arc::new(SendShared::default()));
    let ctx = WorkerContext {
        store: Arc::new(LibraryStore::default()),
        capture: shared.clone(),
        send: Arc::new(SendShared::default()),
        pacing: Arc::new(RwLock::new(Default::default())),
        send_check: Arc::new(RwLock::new(Default::default())),
        route: Arc::new(RwLock::new(Default::default())),
    };
    let worker = Worker::start(ctx, reader, queue);
    let total: usize = bank.iter().map(Vec::len).sum();
    // As the host hands them over: already in the pool (nice-plug copies each event there).
    let handles: Vec<pool::VaultSysEx> = bank.iter().map(|m| pool::VaultSysEx::store(m)).collect();
    let start = Instant::now();
    for m in &handles {
        assert!(producer.push_sysex(0, m));
    }
    while shared.live_bytes.load(Ordering::Relaxed) as usize != total {
        std::hint::spin_loop();
    }
    let elapsed = start.elapsed();
    drop(worker);
    drop(handles);
    elapsed
}

fn capture_bench(c: &mut Criterion) {
    let bank = bank();
    let flat: Vec<u8> = bank.concat();
    let mut g = c.benchmark_group("capture 1 MiB bank in one block");
    g.sample_size(20);
    g.bench_function("memcpy of the same bytes (baseline)", |b| {
        let mut dst = vec![0u8; flat.len()];
        b.iter(|| dst.copy_from_slice(std::hint::black_box(&flat)))
    });
    g.bench_function("ring + assembly until in the take", |b| {
        b.iter_custom(|n| (0..n).map(|_| capture_once(&bank)).sum())
    });
    g.finish();
}

/// Drives a 1 MiB DIN-paced send through the audio-thread engine in 512-frame blocks at 48 kHz.
/// Returns (achieved average rate / configured, max start error in samples, starts).
fn simulate_send(bank: &[Vec<u8>]) -> (f64, f64) {
    pool::init();
    let shared = Arc::new(SendShared::default());
    let (mut engine, mut queue) = sender::channel(shared.clone());
    engine.set_sample_rate(48_000.0);
    let pacing = Pacing::DIN;
    assert!(queue
        .jobs
        .push(Box::new(SendJob::new(
            1,
            "bank".into(),
            bank.to_vec(),
            pacing
        )))
        .is_ok());
    let mut starts = Vec::with_capacity(bank.len());
    let mut clock = 0u64;
    while shared.jobs_done.load(Ordering::Relaxed) == 0 {
        engine.begin_block(512);
        starts.extend(engine.due().iter().map(|d| clock + u64::from(d.offset)));
        engine.end_block(512);
        clock += 512;
    }
    let plan = pacing.start_times(bank.iter().map(Vec::len));
    let max_err = starts
        .iter()
        .zip(&plan)
        .map(|(s, p)| (*s as f64 - p * 48_000.0).abs())
        .fold(0.0, f64::max);
    let n = starts.len();
    let wire = (starts[n - 1] - starts[0]) as f64 / 48_000.0 - (n - 1) as f64 * 0.150;
    let bytes: usize = bank[..n - 1].iter().map(Vec::len).sum();
    (
        bytes as f64 / wire / f64::from(pacing.bytes_per_second),
        max_err,
    )
}

fn pacing_bench(c: &mut Criterion) {
    let bank = bank();
    let (ratio, max_err) = simulate_send(&bank);
    eprintln!(
        "pacing over a 1 MiB send (256 × 4,104 B at 3,125 B/s, 150 ms gaps, 512-frame blocks): achieved/configured = {ratio:.6}, max start error = {max_err:.3} samples"
    );
    let mut g = c.benchmark_group("pacing 1 MiB send");
    g.sample_size(10);
    g.bench_function("simulate 373 s of audio in 512-frame blocks", |b| {
        b.iter(|| simulate_send(&bank))
    });
    g.finish();
}

criterion_group!(benches, capture_bench, pacing_bench);
criterion_main!(benches);
