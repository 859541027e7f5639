//! Parser throughput: `.syx`, the stream assembler, hex text and Standard MIDI Files, each
//! compared with a `memchr` scan for `F7` over the same bytes (the cheapest possible pass); and
//! the device definitions: recognising a message against every shipped definition.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sysex_vault::devices::Registry;
use sysex_vault::files::{hex, smf, syx};
use sysex_vault::pacing::Pacing;
use sysex_vault::sysex::{Assembler, SysEx};

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

/// Recognition against all shipped definitions: a DX7 bank (named, 32 names, checksum over
/// 4 KiB), a message no definition knows (every header tried), and splitting the bank.
fn definitions(c: &mut Criterion) {
    let reg = Registry::shipped();
    let (msgs, _) = blob();
    let bank = &msgs[0];
    let mut bank = bank.clone();
    let sum: u32 = bank[6..4102].iter().map(|&b| u32::from(b)).sum();
    bank[4102] = ((128 - sum % 128) % 128) as u8;
    let unknown = [0xF0, 0x7D, 0x01, 0x02, 0x03, 0xF7];
    let mut g = c.benchmark_group("definitions");
    g.bench_function("recognise DX7 bank", |b| {
        b.iter(|| reg.recognise(&SysEx::new(std::hint::black_box(&bank)).unwrap()))
    });
    g.bench_function("recognise unknown message", |b| {
        b.iter(|| reg.recognise(&SysEx::new(std::hint::black_box(&unknown)).unwrap()))
    });
    g.bench_function("split DX7 bank into 32 voices", |b| {
        b.iter(|| reg.split_bank(std::hint::black_box(&bank)))
    });
    g.bench_function("load shipped definitions", |b| b.iter(Registry::shipped));
    g.finish();
}

criterion_group!(benches, parsers, definitions);
criterion_main!(benches);
