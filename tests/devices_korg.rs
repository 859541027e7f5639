//! Device definitions for Korg (DW-8000, MS2000 / microKORG, minilogue, monologue): fixtures
//! built byte by byte from the published formats (docs/research/roland-korg.md), with synthetic
//! parameter values and names.

mod fixture;

use fixture::*;
use sysex_vault::devices::{Fields, MessageKind};

// ---------------------------------------------------------------------------------------------
// Korg DW-8000

#[test]
fn dw8000_sound_dump_requests_and_write() {
    // 51 parameters, each at most 63.
    let mut sound = vec![0xF0, 0x42, 0x39, 0x03, 0x40];
    sound.extend((0..51).map(|i| ((i * 5 + 2) % 64) as u8));
    sound.push(0xF7);
    assert_eq!(sound.len(), 57);
    expect(
        &sound,
        Expect {
            definition: "korg-dw8000",
            message: "sound",
            kind: MessageKind::EditBuffer,
            names: &[],
            program: None,
            checksum: None,
        },
    );
    assert_eq!(recognised(&sound).channel, Some(9));
    // The published example: channel 10, program 57 -> (5 - 1) x 8 + (7 - 1) = 38 = 26h.
    let write = [0xF0, 0x42, 0x39, 0x03, 0x11, 0x26, 0xF7];
    expect(
        &write,
        Expect {
            definition: "korg-dw8000",
            message: "write-request",
            kind: MessageKind::Other,
            names: &[],
            program: Some(38),
            checksum: None,
        },
    );
    expect(
        &[0xF0, 0x42, 0x30, 0x03, 0x10, 0xF7],
        Expect {
            definition: "korg-dw8000",
            message: "save-request",
            kind: MessageKind::Request,
            names: &[],
            program: None,
            checksum: None,
        },
    );
    assert_eq!(
        request("korg-dw8000", "current", channel(9)),
        vec![vec![0xF0, 0x42, 0x39, 0x03, 0x10, 0xF7]]
    );
    assert_eq!(
        request("korg-dw8000", "current", Fields::default()),
        vec![vec![0xF0, 0x42, 0x30, 0x03, 0x10, 0xF7]]
    );
}

// ---------------------------------------------------------------------------------------------
// Korg MS2000 / microKORG

/// An MS2000 program (254 bytes): name 0-11, 12-15 unused, voice mode in bits 4-5 of byte 16,
/// then 8-bit parameter values.
fn ms2000_program(k: usize, name: &str) -> Vec<u8> {
    let mut p = padded(name, 12);
    p.extend([0, 0, 0, 0]);
    p.push(((k % 4) as u8) << 4);
    p.extend(bytes8(254 - 17, k * 13));
    p
}

fn ms2000_message(function: u8, ch: u8, data: &[u8]) -> Vec<u8> {
    let mut m = vec![0xF0, 0x42, 0x30 | ch, 0x58, function];
    m.extend(ms_bit_pack(data));
    m.push(0xF7);
    m
}

#[test]
fn ms2000_current_program() {
    let name = b"Vox Choir 12";
    let m = ms2000_message(0x40, 4, &ms2000_program(3, "Vox Choir 12"));
    assert_eq!(m.len(), 297);
    // Name characters 0-6 at 6-12 and 7-11 at 14-18; 5 and 13 are the (zero) MSB bytes.
    assert_eq!(
        (&m[6..13], &m[14..19], m[5], m[13]),
        (&name[..7], &name[7..], 0, 0)
    );
    expect(
        &m,
        Expect {
            definition: "korg-ms2000",
            message: "current",
            kind: MessageKind::EditBuffer,
            names: &["Vox Choir 12"],
            program: None,
            checksum: None,
        },
    );
    assert_eq!(recognised(&m).channel, Some(4));
}

#[test]
fn ms2000_program_dump_splits_into_128_programs_and_back() {
    let names: Vec<String> = (0..128)
        .map(|k| {
            format!(
                "{}{:02} Tone{}",
                (b'A' + (k / 16) as u8) as char,
                k % 16 + 1,
                k % 7
            )
        })
        .collect();
    let programs: Vec<Vec<u8>> = names
        .iter()
        .enumerate()
        .map(|(k, n)| ms2000_program(k, n))
        .collect();
    let all: Vec<u8> = programs.concat();
    assert_eq!(all.len(), 32512);
    let bank = ms2000_message(0x4C, 0, &all);
    assert_eq!(bank.len(), 37163);
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    expect(
        &bank,
        Expect {
            definition: "korg-ms2000",
            message: "programs",
            kind: MessageKind::Bank,
            names: &want,
            program: None,
            checksum: None,
        },
    );
    let singles: Vec<Vec<u8>> = programs
        .iter()
        .map(|p| ms2000_message(0x40, 0, p))
        .collect();
    split_and_build("korg-ms2000", "programs", &bank, &singles);
}

#[test]
fn ms2000_global_replies_and_requests() {
    let global = ms2000_message(0x51, 0, &bytes8(200, 5));
    assert_eq!(global.len(), 235);
    expect(
        &global,
        Expect {
            definition: "korg-ms2000",
            message: "global",
            kind: MessageKind::Global,
            names: &[],
            program: None,
            checksum: None,
        },
    );
    // All data: the 128 programs (named here), then the global data.
    let mut data = bytes8(32712, 1);
    let names: Vec<String> = (0..128).map(|p| format!("All {p:03}")).collect();
    for (p, name) in names.iter().enumerate() {
        data[p * 254..p * 254 + 12].copy_from_slice(&padded(name, 12));
    }
    let all = ms2000_message(0x50, 0, &data);
    assert_eq!(all.len(), 37392);
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    expect(
        &all,
        Expect {
            definition: "korg-ms2000",
            message: "all-data",
            kind: MessageKind::Bank,
            names: &want,
            program: None,
            checksum: None,
        },
    );
    expect(
        &[0xF0, 0x42, 0x30, 0x58, 0x11, 0x00, 0x05, 0xF7],
        Expect {
            definition: "korg-ms2000",
            message: "write-request",
            kind: MessageKind::Other,
            names: &[],
            program: Some(5),
            checksum: None,
        },
    );
    expect(
        &[0xF0, 0x42, 0x30, 0x58, 0x41, 0x14, 0x00, 0x40, 0x00, 0xF7],
        Expect {
            definition: "korg-ms2000",
            message: "parameter",
            kind: MessageKind::Data,
            names: &[],
            program: None,
            checksum: None,
        },
    );
    for (code, id) in [
        (0x21, "write-completed"),
        (0x22, "write-error"),
        (0x23, "load-completed"),
        (0x24, "load-error"),
        (0x26, "format-error"),
    ] {
        expect(
            &[0xF0, 0x42, 0x30, 0x58, code, 0xF7],
            Expect {
                definition: "korg-ms2000",
                message: id,
                kind: MessageKind::Reply,
                names: &[],
                program: None,
                checksum: None,
            },
        );
    }
    for (code, id, message) in [
        (0x10, "current", "current-request"),
        (0x1C, "programs", "programs-request"),
        (0x0E, "global", "global-request"),
        (0x0F, "all-data", "all-data-request"),
    ] {
        let bytes = vec![0xF0, 0x42, 0x32, 0x58, code, 0xF7];
        assert_eq!(request("korg-ms2000", id, channel(2)), vec![bytes.clone()]);
        expect(
            &bytes,
            Expect {
                definition: "korg-ms2000",
                message,
                kind: MessageKind::Request,
                names: &[],
                program: None,
                checksum: None,
            },
        );
    }
    // Identity reply: Korg, family 58 00, member 01 00 (MS2000).
    let id = [
        0xF0, 0x7E, 0x00, 0x06, 0x02, 0x42, 0x58, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0xF7,
    ];
    let r = recognised(&id);
    assert_eq!(
        (r.device.as_str(), r.kind),
        ("Korg MS2000 / microKORG", MessageKind::Identity)
    );
}

// ---------------------------------------------------------------------------------------------
// Korg minilogue and monologue

/// A minilogue / monologue program record (448 bytes): "PROG", the name (12 characters padded
/// with 00), then 8-bit values.
fn logue_record(name: &str, seed: usize) -> Vec<u8> {
    let mut r = b"PROG".to_vec();
    let mut n = name.as_bytes().to_vec();
    assert!(n.len() <= 12);
    n.resize(12, 0);
    r.extend(n);
    r.extend(bytes8(448 - 16, seed));
    r
}

fn logue_message(head: &[u8], record: &[u8]) -> Vec<u8> {
    let mut m = head.to_vec();
    m.extend(ms_bit_pack(record));
    m.push(0xF7);
    m
}

#[test]
fn minilogue_current_and_stored_programs() {
    let name = b"Bright Lead!";
    let current = logue_message(
        &[0xF0, 0x42, 0x30, 0x00, 0x01, 0x2C, 0x40],
        &logue_record("Bright Lead!", 3),
    );
    assert_eq!(current.len(), 520);
    // Name characters 0-2 at 12-14, 3-9 at 16-22, 10-11 at 24-25.
    assert_eq!(
        (&current[12..15], &current[16..23], &current[24..26]),
        (&name[..3], &name[3..10], &name[10..])
    );
    expect(
        &current,
        Expect {
            definition: "korg-minilogue",
            message: "current",
            kind: MessageKind::EditBuffer,
            names: &["Bright Lead!"],
            program: None,
            checksum: None,
        },
    );
    // Program 150: low 7 bits 16h, high bits 01.
    let stored = logue_message(
        &[0xF0, 0x42, 0x31, 0x00, 0x01, 0x2C, 0x4C, 0x16, 0x01],
        &logue_record("Sub Bass", 40),
    );
    assert_eq!(stored.len(), 522);
    expect(
        &stored,
        Expect {
            definition: "korg-minilogue",
            message: "program",
            kind: MessageKind::SinglePreset,
            names: &["Sub Bass"],
            program: Some(150),
            checksum: None,
        },
    );
    assert_eq!(recognised(&stored).channel, Some(1));
}

#[test]
fn minilogue_requests() {
    assert_eq!(
        request("korg-minilogue", "current", channel(0)),
        vec![vec![0xF0, 0x42, 0x30, 0x00, 0x01, 0x2C, 0x10, 0xF7]]
    );
    let fields = Fields {
        channel: Some(2),
        program: Some(150),
        ..Fields::default()
    };
    let program = vec![0xF0, 0x42, 0x32, 0x00, 0x01, 0x2C, 0x1C, 0x16, 0x01, 0xF7];
    assert_eq!(
        request("korg-minilogue", "program", fields),
        vec![program.clone()]
    );
    expect(
        &program,
        Expect {
            definition: "korg-minilogue",
            message: "program-request",
            kind: MessageKind::Request,
            names: &[],
            program: Some(150),
            checksum: None,
        },
    );
    expect(
        &[0xF0, 0x42, 0x30, 0x00, 0x01, 0x2C, 0x10, 0xF7],
        Expect {
            definition: "korg-minilogue",
            message: "current-request",
            kind: MessageKind::Request,
            names: &[],
            program: None,
            checksum: None,
        },
    );
}

#[test]
fn monologue_current_program() {
    let current = logue_message(
        &[0xF0, 0x42, 0x35, 0x00, 0x01, 0x44, 0x40],
        &logue_record("Acid Line", 17),
    );
    assert_eq!(current.len(), 520);
    expect(
        &current,
        Expect {
            definition: "korg-monologue",
            message: "current",
            kind: MessageKind::EditBuffer,
            names: &["Acid Line"],
            program: None,
            checksum: None,
        },
    );
    assert_eq!(recognised(&current).channel, Some(5));
    // No request: the monologue's is not confirmed (only inferred from the minilogue's).
    assert!(reg().get("korg-monologue").unwrap().requests.is_empty());
}
