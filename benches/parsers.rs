//! Parser throughput: `.syx`, the stream assembler, hex text and Standard MIDI Files, each
//! compared with a `memchr` scan for `F7` over the same bytes (the cheapest possible pass).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sysex_vault::files::{hex, smf, syx};
use sysex_vault::pacing::Pacing;
use sysex_vault::sysex::Assembler;

/// 1 MiB of DX7-sized messages.
fn blob() -> (Vec<Vec<u8>>, Vec<u8>) {
    let msgs: Vec<Vec<u8>> = (0..256)
        .map(|i| {
            let mut m = vec![0xF0, 0x43, 0x00, 0x09, 0x20, 0x00];
            m.extend((0..4096u32).map(|j| ((j * 13 + i) % 128) as u8));
            m.extend([0x11, 0xF7]);
            m
        })
        .collect();
    let blob = syx::write(&msgs);
    (msgs, blob)
}

fn parsers(c: &mut Criterion) {
    let (msgs, blob) = blob();
    let hex_text = hex::write(&msgs);
    let mid = smf::write(&msgs, &Pacing::DIN);
    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Bytes(blob.len() as u64));
    g.bench_function("memchr F7 scan (baseline)", |b| {
        b.iter(|| memchr::memchr_iter(0xF7, std::hint::black_box(&blob)).count())
    });
    g.bench_function("assembler", |b| {
        b.iter(|| {
            let mut a = Assembler::new(1 << 20);
            let mut n = 0;
            a.push(std::hint::black_box(&blob), |_| n += 1);
            n
        })
    });
    g.bench_function("syx read", |b| {
        b.iter(|| {
            syx::read(std::hint::black_box(&blob))
                .unwrap()
                .messages
                .len()
        })
    });
    g.throughput(Throughput::Bytes(mid.len() as u64));
    g.bench_function("smf read", |b| {
        b.iter(|| smf::read(std::hint::black_box(&mid)).unwrap().len())
    });
    g.throughput(Throughput::Bytes(hex_text.len() as u64));
    g.bench_function("hex read", |b| {
        b.iter(|| hex::read(std::hint::black_box(&hex_text)).unwrap().len())
    });
    g.finish();
}

criterion_group!(benches, parsers);
criterion_main!(benches);
