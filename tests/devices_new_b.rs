//! Device definitions added for issue 23 (second half): Sequential Pro 3, Take 5 and Prophet-5
//! rev 4; Novation Bass Station II and Peak/Summit; Yamaha DX7II/DX7s supplements and
//! performances, FS1R and reface DX; Waldorf Microwave, Microwave II/XT and Pulse. Fixtures are
//! built byte by byte from the published formats (docs/research/new-synths-b.md), with synthetic
//! parameter values and names.

mod fixture;

use fixture::*;
use sysex_vault::devices::{Fields, MessageKind};

/// Synthetic 7-bit values.
fn bytes7(count: usize, seed: usize) -> Vec<u8> {
    (0..count).map(|i| ((seed + i * 29) % 128) as u8).collect()
}

fn fields(channel: u8, device: u8, bank: u8, program: u16, sub: u8) -> Fields {
    Fields {
        channel: Some(channel),
        device: Some(device),
        bank: Some(bank),
        program: Some(program),
        sub: Some(sub),
    }
}

/// Low 7 bits of the sum (Waldorf).
fn sum7(bytes: &[u8]) -> u8 {
    (sum(bytes) % 128) as u8
}

// ---------------------------------------------------------------------------------------------
// Sequential Pro 3, Take 5, Prophet-5 rev 4

/// A program dump: `F0 01 model 02 bank prog`, the unpacked program MS-bit packed, `F7`; the
/// 20-character name at `name_at` in the unpacked data.
fn sequential_program(
    model: u8,
    bank: u8,
    prog: u8,
    len: usize,
    name_at: usize,
    name: &str,
) -> Vec<u8> {
    let mut data = bytes8(len, usize::from(prog) * 7 + usize::from(bank));
    data[name_at..name_at + 20].copy_from_slice(&padded(name, 20));
    let mut m = vec![0xF0, 0x01, model, 0x02, bank, prog];
    m.extend(ms_bit_pack(&data));
    m.push(0xF7);
    m
}

fn sequential_case(
    def: &str,
    model: u8,
    len: usize,
    total: usize,
    name_at: usize,
    bank: u8,
    prog: u8,
) {
    let m = sequential_program(model, bank, prog, len, name_at, "Glass Harp 7");
    assert_eq!(m.len(), total, "{def}: the published program dump length");
    expect(
        &m,
        Expect {
            definition: def,
            message: "program",
            kind: MessageKind::SinglePreset,
            names: &["Glass Harp 7"],
            program: Some(u16::from(prog)),
            checksum: None,
        },
    );
    assert_eq!(recognised(&m).bank, Some(bank));
    // One byte short is not this synth's program dump.
    let mut short = m.clone();
    short.remove(7);
    assert_ne!(recognised(&short).definition, def);
    let f = Fields {
        bank: Some(bank),
        program: Some(u16::from(prog)),
        ..Fields::default()
    };
    assert_eq!(
        request(def, "program", f),
        vec![vec![0xF0, 0x01, model, 0x05, bank, prog, 0xF7]]
    );
    assert_eq!(
        request(def, "edit-buffer", Fields::default()),
        vec![vec![0xF0, 0x01, model, 0x06, 0xF7]]
    );
}

#[test]
fn sequential_pro_3_take_5_and_prophet_5_program_dumps() {
    // 4102 unpacked bytes are 586 groups of 7, packed into 586 x 8 = 4688; 133 into 19 x 8 = 152.
    sequential_case("sequential-pro-3", 0x31, 4102, 4695, 321, 3, 127);
    sequential_case("sequential-take-5", 0x35, 4102, 4695, 195, 15, 15);
    sequential_case("sequential-prophet-5", 0x32, 133, 159, 65, 4, 39);
}

#[test]
fn a_sequential_model_without_a_definition_stays_unknown() {
    // Model 30h (Prophet X) has no definition: it must not take another model's name.
    let m = sequential_program(0x30, 0, 0, 4102, 321, "Not A Pro 3");
    let r = recognised(&m);
    assert!(
        !r.definition.starts_with("sequential-"),
        "named {}",
        r.definition
    );
}

// ---------------------------------------------------------------------------------------------
// Novation Bass Station II

fn bass_station_2(command: u8, prog: u8, name: &str) -> Vec<u8> {
    let mut m = vec![0xF0, 0x00, 0x20, 0x29, 0x00, 0x33, 0x00, command, prog];
    m.extend(bytes7(128, usize::from(prog)));
    m.extend(padded(name, 16));
    m.push(0xF7);
    m
}

#[test]
fn bass_station_2_patch_dumps_and_requests() {
    let p = bass_station_2(0x01, 99, "Acid Line 3");
    assert_eq!(p.len(), 154);
    assert_eq!(&p[137..148], b"Acid Line 3");
    expect(
        &p,
        Expect {
            definition: "novation-bass-station-2",
            message: "program",
            kind: MessageKind::SinglePreset,
            names: &["Acid Line 3"],
            program: Some(99),
            checksum: None,
        },
    );
    let e = bass_station_2(0x00, 0x00, "Sub Wobble");
    expect(
        &e,
        Expect {
            definition: "novation-bass-station-2",
            message: "edit-buffer",
            kind: MessageKind::EditBuffer,
            names: &["Sub Wobble"],
            program: None,
            checksum: None,
        },
    );
    assert_eq!(
        request("novation-bass-station-2", "edit-buffer", Fields::default()),
        vec![vec![0xF0, 0x00, 0x20, 0x29, 0x00, 0x33, 0x00, 0x40, 0xF7]]
    );
    assert_eq!(
        request("novation-bass-station-2", "program", fields(0, 0, 0, 42, 0)),
        vec![vec![
            0xF0, 0x00, 0x20, 0x29, 0x00, 0x33, 0x00, 0x41, 42, 0xF7
        ]]
    );
}

// ---------------------------------------------------------------------------------------------
// Novation Peak / Summit

/// `F0 00 20 29`, the synth's 4-byte ID, command, 3 zero bytes, bank, program, 2 zero bytes,
/// the name at 16, data.
fn peak_summit(id: [u8; 4], command: u8, bank: u8, prog: u8, name: &str) -> Vec<u8> {
    let mut m = vec![0xF0, 0x00, 0x20, 0x29];
    m.extend(id);
    m.extend([command, 0, 0, 0, bank, prog, 0, 0]);
    m.extend(padded(name, 16));
    m.extend(bytes7(527 - 33, usize::from(prog)));
    m.push(0xF7);
    assert_eq!(m.len(), 527);
    m
}

#[test]
fn peak_and_summit_patch_dumps_and_request() {
    const PEAK: [u8; 4] = [0x01, 0x10, 0x00, 0x7E];
    const SUMMIT: [u8; 4] = [0x01, 0x11, 0x01, 0x33];
    let cases = [
        (
            PEAK,
            0x00,
            "peak-edit-buffer",
            MessageKind::EditBuffer,
            None,
        ),
        (
            PEAK,
            0x01,
            "peak-program",
            MessageKind::SinglePreset,
            Some(17),
        ),
        (
            SUMMIT,
            0x00,
            "summit-edit-buffer",
            MessageKind::EditBuffer,
            None,
        ),
        (
            SUMMIT,
            0x01,
            "summit-program",
            MessageKind::SinglePreset,
            Some(17),
        ),
    ];
    for (id, command, message, kind, program) in cases {
        let bank = if command == 0 { 0 } else { 2 };
        let prog = if command == 0 { 0 } else { 17 };
        let m = peak_summit(id, command, bank, prog, "Reflections");
        assert_eq!(&m[16..27], b"Reflections");
        expect(
            &m,
            Expect {
                definition: "novation-peak-summit",
                message,
                kind,
                names: &["Reflections"],
                program,
                checksum: None,
            },
        );
    }
    assert_eq!(
        recognised(&peak_summit(PEAK, 0x01, 2, 17, "x")).bank,
        Some(2)
    );
    // Another Novation product with the same layout is not named Peak or Summit.
    let other = peak_summit([0x01, 0x12, 0x00, 0x7E], 0x00, 0, 0, "Not A Peak");
    assert_ne!(recognised(&other).definition, "novation-peak-summit");
    assert_eq!(
        request("novation-peak-summit", "edit-buffer", Fields::default()),
        vec![vec![
            0xF0, 0x00, 0x20, 0x29, 0x01, 0x11, 0x01, 0x33, 0x40, 0, 0, 0, 0, 0, 0xF7
        ]]
    );
}

// ---------------------------------------------------------------------------------------------
// Yamaha DX7II / DX7s

/// A DX7II message: `F0 43 0n format`, byte count, data, two's-complement checksum of the byte
/// count's data, `F7`.
fn yamaha_block(ch: u8, format: u8, data: &[u8]) -> Vec<u8> {
    let n = data.len();
    let mut m = vec![0xF0, 0x43, ch, format, (n >> 7) as u8, (n & 0x7F) as u8];
    m.extend(data);
    m.push(twos(data));
    m.push(0xF7);
    m
}

/// A universal bulk dump: the byte count covers the 10-character tag and the data, and so does
/// the checksum.
fn dx7ii_universal(ch: u8, tag: &str, data: &[u8]) -> Vec<u8> {
    let mut body = tag.as_bytes().to_vec();
    assert_eq!(body.len(), 10);
    body.extend(data);
    yamaha_block(ch, 0x7E, &body)
}

/// A 51-byte DX7II performance: 31 parameter bytes, then the 20-character name.
fn dx7ii_performance(k: usize, name: &str) -> Vec<u8> {
    let mut p = bytes7(31, k).iter().map(|b| b % 8).collect::<Vec<u8>>();
    p.extend(padded(name, 20));
    p
}

#[test]
fn dx7ii_supplements_are_checked_and_named_by_their_own_definition() {
    let aced = yamaha_block(0x02, 0x05, &bytes7(49, 3));
    assert_eq!((aced.len(), aced[4], aced[5]), (57, 0x00, 0x31));
    expect(
        &aced,
        Expect {
            definition: "yamaha-dx7ii",
            message: "aced",
            kind: MessageKind::EditBuffer,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
    assert_eq!(recognised(&aced).channel, Some(2));
    bad_checksum_is_caught_and_fixable(&aced, 20);

    let amem = yamaha_block(0x00, 0x06, &bytes7(32 * 35, 5));
    assert_eq!((amem.len(), amem[4], amem[5]), (1128, 0x08, 0x60));
    expect(
        &amem,
        Expect {
            definition: "yamaha-dx7ii",
            message: "amem",
            kind: MessageKind::Bank,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&amem, 700);

    // The voice itself is the DX7's: a DX7II voice bank stays a yamaha-dx7 message.
    let vmem = dx7_small_bank();
    assert_eq!(recognised(&vmem).definition, "yamaha-dx7");
}

#[test]
fn dx7ii_performances_and_system_setup() {
    let pced = dx7ii_universal(0x00, "LM  8973PE", &dx7ii_performance(0, "Strings & Brass"));
    assert_eq!((pced.len(), pced[4], pced[5]), (69, 0x00, 0x3D));
    expect(
        &pced,
        Expect {
            definition: "yamaha-dx7ii",
            message: "performance",
            kind: MessageKind::EditBuffer,
            names: &["Strings & Brass"],
            program: None,
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&pced, 30);

    let names: Vec<String> = (0..32).map(|k| format!("PERFORMANCE {k:02}")).collect();
    let all: Vec<u8> = names
        .iter()
        .enumerate()
        .flat_map(|(k, n)| dx7ii_performance(k, n))
        .collect();
    let pmem = dx7ii_universal(0x05, "LM  8973PM", &all);
    assert_eq!((pmem.len(), pmem[4], pmem[5]), (1650, 0x0C, 0x6A));
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    expect(
        &pmem,
        Expect {
            definition: "yamaha-dx7ii",
            message: "performances",
            kind: MessageKind::Bank,
            names: &name_refs,
            program: None,
            checksum: Some(true),
        },
    );
    assert_eq!(recognised(&pmem).channel, Some(5));
    bad_checksum_is_caught_and_fixable(&pmem, 100);

    let system = dx7ii_universal(0x00, "LM  8973S ", &bytes7(85, 1));
    assert_eq!((system.len(), system[4], system[5]), (103, 0x00, 0x5F));
    expect(
        &system,
        Expect {
            definition: "yamaha-dx7ii",
            message: "system",
            kind: MessageKind::Global,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );

    // Other universal tags (micro tuning, a TX802 performance bank) are not the DX7II's.
    let tuning = dx7ii_universal(0x00, "LM  MCRYE ", &bytes7(256, 2));
    assert_ne!(recognised(&tuning).definition, "yamaha-dx7ii");
    let tx802 = dx7ii_universal(0x00, "LM  8952PM", &all);
    assert_ne!(recognised(&tx802).definition, "yamaha-dx7ii");
}

#[test]
fn dx7ii_requests() {
    let tag = |t: &str| t.bytes().collect::<Vec<u8>>();
    let universal = |t: &str| {
        let mut m = vec![0xF0, 0x43, 0x23, 0x7E];
        m.extend(tag(t));
        m.push(0xF7);
        vec![m]
    };
    let r = |id| request("yamaha-dx7ii", id, channel(3));
    assert_eq!(r("aced"), vec![vec![0xF0, 0x43, 0x23, 0x05, 0xF7]]);
    assert_eq!(r("amem"), vec![vec![0xF0, 0x43, 0x23, 0x06, 0xF7]]);
    assert_eq!(r("performance"), universal("LM  8973PE"));
    assert_eq!(r("performances"), universal("LM  8973PM"));
    assert_eq!(r("system"), universal("LM  8973S "));
}

// ---------------------------------------------------------------------------------------------
// Yamaha FS1R

/// `F0 43 0n 5E`, byte count, address, data, checksum over byte count, address and data, `F7`.
fn fs1r(ch: u8, address: [u8; 3], data: &[u8]) -> Vec<u8> {
    let n = data.len();
    let mut body = vec![(n >> 7) as u8, (n & 0x7F) as u8];
    body.extend(address);
    body.extend(data);
    let mut m = vec![0xF0, 0x43, ch, 0x5E];
    m.extend(&body);
    m.push(twos(&body));
    m.push(0xF7);
    m
}

fn fs1r_data(len: usize, name_len: usize, name: &str, seed: usize) -> Vec<u8> {
    let mut d = padded(name, name_len);
    d.extend(bytes7(len - name_len, seed));
    d
}

/// A fixture and what it must be recognised as: message, kind, name, program.
type Fs1rCase = (
    Vec<u8>,
    &'static str,
    MessageKind,
    &'static str,
    Option<u16>,
);

#[test]
fn fs1r_performances_and_voices() {
    let perf = fs1r_data(400, 12, "Zap Hook", 1);
    let voice = fs1r_data(608, 10, "Reso Bass", 2);
    let cases: [Fs1rCase; 5] = [
        (
            fs1r(0, [0x11, 0x00, 0x7F], &perf),
            "performance",
            MessageKind::SinglePreset,
            "Zap Hook",
            Some(127),
        ),
        (
            fs1r(0, [0x10, 0x00, 0x00], &perf),
            "performance-edit",
            MessageKind::EditBuffer,
            "Zap Hook",
            None,
        ),
        (
            fs1r(0, [0x51, 0x00, 0x05], &voice),
            "voice",
            MessageKind::SinglePreset,
            "Reso Bass",
            Some(5),
        ),
        // Internal voice 0 is a voice, not a part's edit buffer.
        (
            fs1r(0, [0x51, 0x00, 0x00], &voice),
            "voice",
            MessageKind::SinglePreset,
            "Reso Bass",
            Some(0),
        ),
        (
            fs1r(0, [0x41, 0x00, 0x00], &voice),
            "voice-edit",
            MessageKind::EditBuffer,
            "Reso Bass",
            None,
        ),
    ];
    for (m, message, kind, name, program) in &cases {
        expect(
            m,
            Expect {
                definition: "yamaha-fs1r",
                message,
                kind: *kind,
                names: &[name],
                program: *program,
                checksum: Some(true),
            },
        );
    }
    assert_eq!((cases[0].0.len(), cases[2].0.len()), (411, 619));
    bad_checksum_is_caught_and_fixable(&cases[0].0, 50);
    bad_checksum_is_caught_and_fixable(&cases[2].0, 300);
    // The checksum covers the address: the same data at another address has another checksum.
    assert_ne!(
        cases[2].0[cases[2].0.len() - 2],
        cases[3].0[cases[3].0.len() - 2]
    );

    let r = |id, f| request("yamaha-fs1r", id, f);
    assert_eq!(
        r("performance-edit", channel(1)),
        vec![vec![0xF0, 0x43, 0x21, 0x5E, 0x10, 0x00, 0x00, 0xF7]]
    );
    assert_eq!(
        r("performance", fields(1, 0, 0, 12, 0)),
        vec![vec![0xF0, 0x43, 0x21, 0x5E, 0x11, 0x00, 12, 0xF7]]
    );
    assert_eq!(
        r("voice", fields(0, 0, 0, 100, 0)),
        vec![vec![0xF0, 0x43, 0x20, 0x5E, 0x51, 0x00, 100, 0xF7]]
    );
    assert_eq!(
        r("voice-edit", fields(0, 0, 0, 0, 0x43)),
        vec![vec![0xF0, 0x43, 0x20, 0x5E, 0x43, 0x00, 0x00, 0xF7]]
    );
}

// ---------------------------------------------------------------------------------------------
// Yamaha reface DX

/// `F0 43 0n 7F 1C`, byte count (address + data + checksum), model 05, address, data, checksum
/// over model, address and data, `F7`.
fn reface_dx(ch: u8, address: [u8; 3], data: &[u8]) -> Vec<u8> {
    let n = data.len() + 4;
    let mut body = vec![0x05];
    body.extend(address);
    body.extend(data);
    let mut m = vec![0xF0, 0x43, ch, 0x7F, 0x1C, (n >> 7) as u8, (n & 0x7F) as u8];
    m.extend(&body);
    m.push(twos(&body));
    m.push(0xF7);
    m
}

#[test]
fn reface_dx_voice_is_seven_messages_with_the_name_in_the_common_one() {
    let mut common = padded("E.Piano 2", 10);
    common.extend(bytes7(28, 4));
    let mut voice = vec![reface_dx(0, [0x0E, 0x0F, 0x00], &[])];
    voice.push(reface_dx(0, [0x30, 0x00, 0x00], &common));
    for op in 0..4u8 {
        voice.push(reface_dx(0, [0x31, op, 0x00], &bytes7(28, usize::from(op))));
    }
    voice.push(reface_dx(0, [0x0F, 0x0F, 0x00], &[]));
    let lengths: Vec<usize> = voice.iter().map(Vec::len).collect();
    assert_eq!(lengths, [13, 51, 41, 41, 41, 41, 13]);
    let expected = [
        ("bulk-header", MessageKind::Other, vec![]),
        ("common", MessageKind::EditBuffer, vec!["E.Piano 2"]),
        ("operator", MessageKind::Data, vec![]),
        ("operator", MessageKind::Data, vec![]),
        ("operator", MessageKind::Data, vec![]),
        ("operator", MessageKind::Data, vec![]),
        ("bulk-footer", MessageKind::Other, vec![]),
    ];
    for (m, (message, kind, names)) in voice.iter().zip(expected) {
        expect(
            m,
            Expect {
                definition: "yamaha-reface-dx",
                message,
                kind,
                names: &names,
                program: None,
                checksum: Some(true),
            },
        );
    }
    bad_checksum_is_caught_and_fixable(&voice[1], 15);
    bad_checksum_is_caught_and_fixable(&voice[3], 20);
    assert_eq!(
        request("yamaha-reface-dx", "voice", channel(0)),
        vec![vec![
            0xF0, 0x43, 0x20, 0x7F, 0x1C, 0x05, 0x0E, 0x0F, 0x00, 0xF7
        ]]
    );
}

// ---------------------------------------------------------------------------------------------
// Waldorf Microwave, Microwave II/XT, Pulse

/// A Microwave (I) program: 148 parameter bytes, the 16-character name, 16 more bytes.
fn microwave_program(k: usize, name: &str) -> Vec<u8> {
    let mut p = bytes7(148, k);
    p.extend(padded(name, 16));
    p.extend(bytes7(16, k + 1));
    p
}

/// `F0 3E 00 dev id`, data, sum of the data, `F7`.
fn microwave(dev: u8, id: u8, data: &[u8]) -> Vec<u8> {
    let mut m = vec![0xF0, 0x3E, 0x00, dev, id];
    m.extend(data);
    m.push(sum7(data));
    m.push(0xF7);
    m
}

#[test]
fn microwave_sound_and_bank_dumps() {
    let sound = microwave(0x00, 0x42, &microwave_program(0, "Real Bd"));
    assert_eq!(sound.len(), 187);
    expect(
        &sound,
        Expect {
            definition: "waldorf-microwave",
            message: "sound",
            kind: MessageKind::EditBuffer,
            names: &["Real Bd"],
            program: None,
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&sound, 40);
    let names: Vec<String> = (0..64).map(|k| format!("Sound {k:02}")).collect();
    let all: Vec<u8> = names
        .iter()
        .enumerate()
        .flat_map(|(k, n)| microwave_program(k, n))
        .collect();
    let bank = microwave(0x03, 0x50, &all);
    assert_eq!(bank.len(), 11527);
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    expect(
        &bank,
        Expect {
            definition: "waldorf-microwave",
            message: "sounds",
            kind: MessageKind::Bank,
            names: &name_refs,
            program: None,
            checksum: Some(true),
        },
    );
    assert_eq!(recognised(&bank).device_id, Some(3));
    let dev = |d| Fields {
        device: Some(d),
        ..Fields::default()
    };
    assert_eq!(
        request("waldorf-microwave", "sound", Fields::default()),
        vec![vec![0xF0, 0x3E, 0x00, 0x00, 0x02, 0x00, 0xF7]]
    );
    assert_eq!(
        request("waldorf-microwave", "sounds", dev(5)),
        vec![vec![0xF0, 0x3E, 0x00, 0x05, 0x10, 0x00, 0xF7]]
    );
}

/// `F0 3E 0E dev 10 bank prog`, 256 sound bytes (name at 240), sum of the sound bytes, `F7`.
fn microwave_xt(dev: u8, bank: u8, prog: u8, name: &str) -> Vec<u8> {
    let mut data = bytes7(240, usize::from(prog));
    data.extend(padded(name, 16));
    let mut m = vec![0xF0, 0x3E, 0x0E, dev, 0x10, bank, prog];
    m.extend(&data);
    m.push(sum7(&data));
    m.push(0xF7);
    m
}

#[test]
fn microwave_xt_sound_dumps_and_requests() {
    let sound = microwave_xt(0x00, 1, 100, "Init Sound V1.1");
    assert_eq!(sound.len(), 265);
    expect(
        &sound,
        Expect {
            definition: "waldorf-microwave-xt",
            message: "sound",
            kind: MessageKind::SinglePreset,
            names: &["Init Sound V1.1"],
            program: Some(100),
            checksum: Some(true),
        },
    );
    assert_eq!(recognised(&sound).bank, Some(1));
    bad_checksum_is_caught_and_fixable(&sound, 100);
    // The checksum leaves out bank and program: the edit-buffer copy keeps it.
    let edit = microwave_xt(0x00, 0x20, 0x00, "Init Sound V1.1");
    assert_eq!(edit[263], microwave_xt(0, 0, 0, "Init Sound V1.1")[263]);
    expect(
        &edit,
        Expect {
            definition: "waldorf-microwave-xt",
            message: "edit-buffer",
            kind: MessageKind::EditBuffer,
            names: &["Init Sound V1.1"],
            program: None,
            checksum: Some(true),
        },
    );
    // 7F is always accepted as a checksum.
    let mut any = sound.clone();
    any[263] = 0x7F;
    assert_eq!(
        recognised(&any).checksum,
        sysex_vault::sysex::checksum::ChecksumStatus::Valid
    );
    // The request's checksum is the sum of bank and program.
    assert_eq!(
        request("waldorf-microwave-xt", "sound", fields(0, 2, 1, 100, 0)),
        vec![vec![0xF0, 0x3E, 0x0E, 0x02, 0x00, 1, 100, 101, 0xF7]]
    );
    assert_eq!(
        request("waldorf-microwave-xt", "edit-buffer", Fields::default()),
        vec![vec![0xF0, 0x3E, 0x0E, 0x00, 0x00, 0x20, 0x00, 0x20, 0xF7]]
    );
}

#[test]
fn pulse_program_dumps_and_request() {
    for (command, message) in [(0x00, "program"), (0x01, "bulk-program")] {
        let mut m = vec![0xF0, 0x3E, 0x0B, 0x21, command, 12];
        m.extend(bytes7(70, 9));
        m.push(0xF7);
        assert_eq!(m.len(), 77);
        expect(
            &m,
            Expect {
                definition: "waldorf-pulse",
                message,
                kind: MessageKind::SinglePreset,
                names: &[],
                program: Some(12),
                checksum: None,
            },
        );
        assert_eq!(recognised(&m).device_id, Some(0x21));
    }
    assert_eq!(
        request("waldorf-pulse", "program", fields(0, 0x7F, 0, 39, 0)),
        vec![vec![0xF0, 0x3E, 0x0B, 0x7F, 0x40, 39, 0xF7]]
    );
}
