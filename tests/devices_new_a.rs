//! Device definitions added for issue 23 (first half), Korg and Clavia: Korg M1, 03R/W,
//! minilogue xd and prologue; Clavia Nord Lead 2X (the Roland ones are in devices_new_a_roland.rs).
//! Fixtures built byte by byte from the published formats (docs/research/new-synths-a.md), with
//! synthetic parameter values and names.

mod fixture;

use fixture::*;
use sysex_vault::devices::{Fields, MessageKind};

/// A record of `len` bytes starting with `name` (padded with spaces to `name_len`).
fn named(name: &str, name_len: usize, len: usize, seed: usize) -> Vec<u8> {
    let mut r = padded(name, name_len);
    r.extend(bytes8(len - name_len, seed));
    r
}

/// `head`, then `data` packed 7 bytes to 8, then F7.
fn korg(head: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = head.to_vec();
    m.extend(ms_bit_pack(data));
    m.push(0xF7);
    m
}

fn fields(channel: Option<u8>, device: Option<u8>, program: Option<u16>) -> Fields {
    Fields {
        channel,
        device,
        program,
        ..Fields::default()
    }
}

/// `head`, then `data`, then F7.
fn framed(head: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = head.to_vec();
    m.extend(data);
    m.push(0xF7);
    m
}

// ---------------------------------------------------------------------------------------------
// Korg M1

#[test]
fn m1_current_program_and_requests() {
    let name = b"Piano 16' ";
    let program = korg(
        &[0xF0, 0x42, 0x33, 0x19, 0x40],
        &named("Piano 16'", 10, 143, 3),
    );
    assert_eq!(program.len(), 170);
    // Name characters 0-6 at 6-12 and 7-9 at 14-16; 5 and 13 are the MSB bytes.
    assert_eq!(
        (&program[6..13], &program[14..17]),
        (&name[..7], &name[7..])
    );
    let id = ("korg-m1", "program");
    check(
        &program,
        id,
        MessageKind::EditBuffer,
        &["Piano 16'"],
        None,
        None,
    );
    assert_eq!(recognised(&program).channel, Some(3));

    assert_eq!(
        request("korg-m1", "program", channel(3)),
        vec![vec![0xF0, 0x42, 0x33, 0x19, 0x10, 0xF7]]
    );
    // The all-programs request as the M1 implementation prints it: F0 42 3n 19 1C 00 F7.
    let all = vec![0xF0, 0x42, 0x30, 0x19, 0x1C, 0x00, 0xF7];
    assert_eq!(
        request("korg-m1", "programs", channel(0)),
        vec![all.clone()]
    );
    let id = ("korg-m1", "programs-request");
    check(&all, id, MessageKind::Request, &[], None, None);
    assert_eq!(
        request("korg-m1", "programs-card", channel(0)),
        vec![vec![0xF0, 0x42, 0x30, 0x19, 0x1C, 0x01, 0xF7]]
    );
    let combis = vec![0xF0, 0x42, 0x30, 0x19, 0x1D, 0x00, 0xF7];
    assert_eq!(
        request("korg-m1", "combinations", channel(0)),
        vec![combis.clone()]
    );
    let id = ("korg-m1", "combinations-request");
    check(&combis, id, MessageKind::Request, &[], None, None);
}

#[test]
fn m1_all_programs_split_into_100_and_back() {
    let names: Vec<String> = (0..100).map(|k| format!("Prog {k:02}")).collect();
    let programs: Vec<Vec<u8>> = (0..100).map(|k| named(&names[k], 10, 143, k * 5)).collect();
    let bank = korg(&[0xF0, 0x42, 0x31, 0x19, 0x4C, 0x00], &programs.concat());
    assert_eq!(bank.len(), 16350);
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    check(
        &bank,
        ("korg-m1", "programs"),
        MessageKind::Bank,
        &want,
        None,
        None,
    );
    let singles: Vec<Vec<u8>> = programs
        .iter()
        .map(|p| korg(&[0xF0, 0x42, 0x31, 0x19, 0x40], p))
        .collect();
    split_and_build("korg-m1", "programs", &bank, &singles);

    // The card bank (memory byte 01) is named too; combinations are 124-byte records.
    let card = korg(&[0xF0, 0x42, 0x30, 0x19, 0x4C, 0x01], &programs.concat());
    let id = ("korg-m1", "programs-card");
    check(&card, id, MessageKind::Bank, &want, None, None);
    let combi_names: Vec<String> = (0..100).map(|k| format!("Combi{k:03}")).collect();
    let combis: Vec<u8> = (0..100)
        .flat_map(|k| named(&combi_names[k], 10, 124, k))
        .collect();
    let combi_bank = korg(&[0xF0, 0x42, 0x30, 0x19, 0x4D, 0x00], &combis);
    assert_eq!(combi_bank.len(), 14179);
    let want: Vec<&str> = combi_names.iter().map(String::as_str).collect();
    let id = ("korg-m1", "combinations");
    check(&combi_bank, id, MessageKind::Bank, &want, None, None);
}

// ---------------------------------------------------------------------------------------------
// Korg 03R/W

#[test]
fn korg_03rw_program_bank_and_requests() {
    let current = korg(
        &[0xF0, 0x42, 0x32, 0x30, 0x40],
        &named("AnalogPad", 10, 172, 9),
    );
    assert_eq!(current.len(), 203);
    let id = ("korg-03rw", "program");
    check(
        &current,
        id,
        MessageKind::EditBuffer,
        &["AnalogPad"],
        None,
        None,
    );

    let names: Vec<String> = (0..100).map(|k| format!("W{k:02} Sound")).collect();
    let programs: Vec<Vec<u8>> = (0..100).map(|k| named(&names[k], 10, 172, k * 3)).collect();
    let bank = korg(&[0xF0, 0x42, 0x30, 0x30, 0x4C, 0x00], &programs.concat());
    assert_eq!(bank.len(), 19665);
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    check(
        &bank,
        ("korg-03rw", "programs"),
        MessageKind::Bank,
        &want,
        None,
        None,
    );
    let singles: Vec<Vec<u8>> = programs
        .iter()
        .map(|p| korg(&[0xF0, 0x42, 0x30, 0x30, 0x40], p))
        .collect();
    split_and_build("korg-03rw", "programs", &bank, &singles);

    assert_eq!(
        request("korg-03rw", "program", channel(2)),
        vec![vec![0xF0, 0x42, 0x32, 0x30, 0x10, 0xF7]]
    );
    let all = vec![0xF0, 0x42, 0x30, 0x30, 0x1C, 0x00, 0xF7];
    assert_eq!(
        request("korg-03rw", "programs", channel(0)),
        vec![all.clone()]
    );
    let id = ("korg-03rw", "programs-request");
    check(&all, id, MessageKind::Request, &[], None, None);
}

// ---------------------------------------------------------------------------------------------
// Korg minilogue xd

/// A minilogue xd program record (1024 bytes): "PROG", the name padded with 00, then values.
fn xd_record(name: &str, seed: usize) -> Vec<u8> {
    let mut r = b"PROG".to_vec();
    let mut n = name.as_bytes().to_vec();
    n.resize(12, 0);
    r.extend(n);
    r.extend(bytes8(1024 - 16, seed));
    r
}

#[test]
fn minilogue_xd_current_and_stored_programs() {
    let current = korg(
        &[0xF0, 0x42, 0x30, 0x00, 0x01, 0x51, 0x40],
        &xd_record("1982theme", 1),
    );
    assert_eq!(current.len(), 1179);
    let id = ("korg-minilogue-xd", "current");
    check(
        &current,
        id,
        MessageKind::EditBuffer,
        &["1982theme"],
        None,
        None,
    );
    // Program 300: low 7 bits 2Ch, high bits 02.
    let stored = korg(
        &[0xF0, 0x42, 0x34, 0x00, 0x01, 0x51, 0x4C, 0x2C, 0x02],
        &xd_record("Poly Sweep!", 7),
    );
    assert_eq!(stored.len(), 1181);
    let id = ("korg-minilogue-xd", "program");
    check(
        &stored,
        id,
        MessageKind::SinglePreset,
        &["Poly Sweep!"],
        Some(300),
        None,
    );
    assert_eq!(recognised(&stored).channel, Some(4));
    // A minilogue (2Ch) message of the same length stays the minilogue's.
    let mut other = stored.clone();
    other[5] = 0x2C;
    assert_ne!(recognised(&other).definition, "korg-minilogue-xd");
}

#[test]
fn minilogue_xd_requests_and_identity() {
    assert_eq!(
        request("korg-minilogue-xd", "current", channel(0)),
        vec![vec![0xF0, 0x42, 0x30, 0x00, 0x01, 0x51, 0x10, 0xF7]]
    );
    let program = vec![0xF0, 0x42, 0x31, 0x00, 0x01, 0x51, 0x1C, 0x73, 0x03, 0xF7];
    assert_eq!(
        request(
            "korg-minilogue-xd",
            "program",
            fields(Some(1), None, Some(499))
        ),
        vec![program.clone()]
    );
    let id = ("korg-minilogue-xd", "program-request");
    check(&program, id, MessageKind::Request, &[], Some(499), None);
    let identity = [
        0xF0, 0x7E, 0x00, 0x06, 0x02, 0x42, 0x51, 0x01, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0xF7,
    ];
    let r = recognised(&identity);
    assert_eq!(
        (r.device.as_str(), r.kind),
        ("Korg minilogue xd", MessageKind::Identity)
    );
}

// ---------------------------------------------------------------------------------------------
// Korg prologue

/// A prologue program record (336 bytes): "PROG", the name padded with 00, then values.
fn prologue_record(name: &str, seed: usize) -> Vec<u8> {
    let mut r = b"PROG".to_vec();
    let mut n = name.as_bytes().to_vec();
    n.resize(12, 0);
    r.extend(n);
    r.extend(bytes8(336 - 16, seed));
    r
}

#[test]
fn prologue_programs_and_requests() {
    let current = korg(
        &[0xF0, 0x42, 0x30, 0x00, 0x01, 0x4B, 0x40],
        &prologue_record("Mono Lead", 2),
    );
    assert_eq!(current.len(), 392);
    let id = ("korg-prologue", "current");
    check(
        &current,
        id,
        MessageKind::EditBuffer,
        &["Mono Lead"],
        None,
        None,
    );
    // Program 499 (the last): low 7 bits 73h, high bits 03.
    let stored = korg(
        &[0xF0, 0x42, 0x30, 0x00, 0x01, 0x4B, 0x4C, 0x73, 0x03],
        &prologue_record("Strings 16", 9),
    );
    assert_eq!(stored.len(), 394);
    let id = ("korg-prologue", "program");
    check(
        &stored,
        id,
        MessageKind::SinglePreset,
        &["Strings 16"],
        Some(499),
        None,
    );
    assert_eq!(
        request("korg-prologue", "current", channel(0)),
        vec![vec![0xF0, 0x42, 0x30, 0x00, 0x01, 0x4B, 0x10, 0xF7]]
    );
    let program = vec![0xF0, 0x42, 0x3F, 0x00, 0x01, 0x4B, 0x1C, 0x05, 0x01, 0xF7];
    assert_eq!(
        request(
            "korg-prologue",
            "program",
            fields(Some(15), None, Some(133))
        ),
        vec![program.clone()]
    );
    let id = ("korg-prologue", "program-request");
    check(&program, id, MessageKind::Request, &[], Some(133), None);
}

// ---------------------------------------------------------------------------------------------
// Korg: a series ID without a definition stays unknown

#[test]
fn korg_series_without_a_definition_stays_unknown() {
    // Wavestation (28h) program dump: no definition, so no model is named.
    let mut m = vec![0xF0, 0x42, 0x30, 0x28, 0x40];
    m.extend(params(852, 1));
    m.push(0xF7);
    let r = recognised(&m);
    assert!(
        r.definition != "korg-m1" && r.definition != "korg-03rw",
        "{}",
        r.detail
    );
    assert!(r.preset_names.is_empty(), "{}", r.detail);
}

// ---------------------------------------------------------------------------------------------
// Clavia Nord Lead 2X

/// A Nord Lead patch: 66 parameter bytes (signed), each sent as two nibbles, low first.
fn nord_patch(head: &[u8], seed: usize) -> Vec<u8> {
    let values: Vec<u8> = (0..66).map(|i| ((seed + i * 29) % 256) as u8).collect();
    framed(head, &nibbles_low_first(&values))
}

#[test]
fn nord_lead_2x_patches_and_requests() {
    // Edit buffer of slot C on global channel 16.
    let slot = nord_patch(&[0xF0, 0x33, 0x0F, 0x04, 0x00, 0x02], 3);
    assert_eq!(slot.len(), 139);
    let id = ("clavia-nord-lead-2x", "edit-buffer");
    check(&slot, id, MessageKind::EditBuffer, &[], None, None);
    assert_eq!(recognised(&slot).channel, Some(15));
    // Program 42 of bank 2 (type 03).
    let stored = nord_patch(&[0xF0, 0x33, 0x00, 0x04, 0x03, 42], 8);
    let id = ("clavia-nord-lead-2x", "program");
    check(&stored, id, MessageKind::SinglePreset, &[], Some(42), None);
    // Requests as the 2X manual gives them: type 14 (0E) for a slot, 15-24 for banks 0-9.
    let slot_b = vec![0xF0, 0x33, 0x05, 0x04, 0x0E, 0x01, 0xF7];
    assert_eq!(
        request("clavia-nord-lead-2x", "slot-b", channel(5)),
        vec![slot_b.clone()]
    );
    let id = ("clavia-nord-lead-2x", "request");
    check(&slot_b, id, MessageKind::Request, &[], None, None);
    let fields = Fields {
        channel: Some(0),
        bank: Some(0x0F),
        program: Some(98),
        ..Fields::default()
    };
    assert_eq!(
        request("clavia-nord-lead-2x", "program", fields),
        vec![vec![0xF0, 0x33, 0x00, 0x04, 0x0F, 98, 0xF7]]
    );
    // A performance dump (708 data bytes) is not taken for a patch.
    let mut perf = vec![0xF0, 0x33, 0x00, 0x04, 0x1F, 0x05];
    perf.extend(params(708, 1).iter().map(|b| b & 0x0F));
    perf.push(0xF7);
    assert_ne!(recognised(&perf).message.as_deref(), Some("program"));
}
