//! State: saving and loading a 10 MiB library, compared with plain zstd of the same bytes.

use criterion::{criterion_group, criterion_main, Criterion};
use sysex_vault::library::{Entry, Library, Source};
use sysex_vault::state;

/// A 10 MiB library: 80 banks of 32 DX7-sized messages with realistic, partly repetitive data.
fn library() -> (Library, Vec<u8>) {
    let mut lib = Library::default();
    let mut raw = Vec::new();
    for bank in 0..80u32 {
        let msgs: Vec<Vec<u8>> = (0..32u32)
            .map(|i| {
                let mut m = vec![0xF0, 0x43, 0x00, 0x09, 0x20, 0x00];
                let mut x = bank * 7919 + i * 104_729;
                m.extend((0..4096).map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    ((x >> 16) % 100) as u8
                }));
                m.extend([0x11, 0xF7]);
                m
            })
            .collect();
        for m in &msgs {
            raw.extend_from_slice(m);
        }
        lib.add(Entry::new(
            sysex_vault::devices::registry(),
            msgs,
            Source::Capture,
            0,
        ));
    }
    (lib, raw)
}

fn state_bench(c: &mut Criterion) {
    let (lib, raw) = library();
    let blob = state::encode(&lib);
    eprintln!(
        "10 MiB library: raw {} bytes, saved {} bytes ({:.1} %), base64 text {} bytes",
        raw.len(),
        blob.len(),
        blob.len() as f64 * 100.0 / raw.len() as f64,
        state::encode_text(&lib).len()
    );
    let mut g = c.benchmark_group("state 10 MiB");
    g.sample_size(10);
    g.bench_function("plain zstd compress+decompress (baseline)", |b| {
        b.iter(|| {
            let z = zstd::bulk::compress(&raw, state::ZSTD_LEVEL).unwrap();
            zstd::bulk::decompress(&z, raw.len()).unwrap().len()
        })
    });
    g.bench_function("library save+load", |b| {
        b.iter(|| state::decode(&state::encode(&lib)).unwrap().entries.len())
    });
    g.bench_function("library save+load as plugin text (base64)", |b| {
        b.iter(|| {
            state::decode_text(&state::encode_text(&lib))
                .unwrap()
                .entries
                .len()
        })
    });
    g.finish();
}

criterion_group!(benches, state_bench);
criterion_main!(benches);
