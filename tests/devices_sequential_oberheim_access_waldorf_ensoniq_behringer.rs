//! Device definitions for Sequential (Prophet '08, Prophet Rev2, OB-6, Prophet-6), Oberheim
//! Matrix-1000 and Matrix-6, Access Virus A/B/C, Waldorf Blofeld, Ensoniq ESQ-1 and Behringer
//! DeepMind 12. Every fixture is built byte by byte here from the formats in
//! docs/research/sequential-oberheim-access-waldorf-ensoniq-behringer-moog.md, with synthetic
//! parameter values and names.

mod fixture;

use fixture::*;
use sysex_vault::devices::{group_by_program, Fields, MessageKind, Recognised};
use sysex_vault::sysex::checksum::ChecksumStatus;
use sysex_vault::sysex::SysEx;

/// `len` bytes of synthetic parameter data using all eight bits.
fn params(len: usize, seed: usize) -> Vec<u8> {
    (0..len)
        .map(|i| ((i * 37 + seed * 11 + 5) % 256) as u8)
        .collect()
}

/// The same, seven bits only (for formats that send their data as it is).
fn params7(len: usize, seed: usize) -> Vec<u8> {
    params(len, seed).iter().map(|b| b & 0x7F).collect()
}

/// Writes `bytes` into `data` at `at`.
fn put(data: &mut [u8], at: usize, bytes: &[u8]) {
    data[at..at + bytes.len()].copy_from_slice(bytes);
}

fn recognise(bytes: &[u8]) -> Recognised {
    reg().recognise(&SysEx::new(bytes).unwrap())
}

/// Recognises `bytes` with one definition's message kind only (for a message two definitions
/// share byte for byte).
fn recognise_as(def: &str, message: &str, bytes: &[u8]) -> Recognised {
    let d = reg()
        .get(def)
        .unwrap_or_else(|| panic!("no definition {def}"));
    let m = d
        .message(message)
        .unwrap_or_else(|| panic!("no message {message}"));
    let f = d
        .matches(m, bytes)
        .unwrap_or_else(|| panic!("{def} {message} does not match"));
    d.describe(m, f, bytes)
}

fn bank_program(bank: u8, program: u16) -> Fields {
    Fields {
        bank: Some(bank),
        program: Some(program),
        ..Fields::default()
    }
}

fn program_only(program: u16) -> Fields {
    Fields {
        program: Some(program),
        ..Fields::default()
    }
}

fn bank_only(bank: u8) -> Fields {
    Fields {
        bank: Some(bank),
        ..Fields::default()
    }
}

fn device(dev: u8) -> Fields {
    Fields {
        device: Some(dev),
        ..Fields::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Sequential: F0 01 <model> 02 bank prog <packed> F7 / F0 01 <model> 03 <packed> F7, no checksum.

/// Unpacked program data of `len` bytes with `name` (space padded to `name_len`) at `at`.
fn sequential_data(len: usize, seed: usize, at: usize, name: &str, name_len: usize) -> Vec<u8> {
    let mut d = params(len, seed);
    put(&mut d, at, &padded(name, name_len));
    d
}

fn sequential_program(model: u8, bank: u8, prog: u8, data: &[u8]) -> Vec<u8> {
    let mut m = vec![0xF0, 0x01, model, 0x02, bank, prog];
    m.extend(ms_bit_pack(data));
    m.push(0xF7);
    m
}

fn sequential_edit_buffer(model: u8, data: &[u8]) -> Vec<u8> {
    let mut m = vec![0xF0, 0x01, model, 0x03];
    m.extend(ms_bit_pack(data));
    m.push(0xF7);
    m
}

/// The three requests every Sequential definition here has.
fn sequential_requests(def: &str, model: u8, bank: u8, prog: u8) {
    assert_eq!(
        request(def, "program", bank_program(bank, u16::from(prog))),
        vec![vec![0xF0, 0x01, model, 0x05, bank, prog, 0xF7]]
    );
    assert_eq!(
        request(def, "edit-buffer", Fields::default()),
        vec![vec![0xF0, 0x01, model, 0x06, 0xF7]]
    );
    assert_eq!(
        request(def, "global", Fields::default()),
        vec![vec![0xF0, 0x01, model, 0x0E, 0xF7]]
    );
}

#[test]
fn prophet_08_program_edit_buffer_global_and_requests() {
    // 384 bytes unpacked (439 packed), name at unpacked 184, 16 characters.
    let data = sequential_data(384, 1, 184, "SYNTH BRASS 08", 16);
    let prog = sequential_program(0x23, 1, 77, &data);
    assert_eq!(prog.len(), 446);
    expect(
        &prog,
        Expect {
            definition: "sequential-prophet-08",
            message: "program",
            kind: MessageKind::SinglePreset,
            names: &["SYNTH BRASS 08"],
            program: Some(77),
            checksum: None,
        },
    );
    assert_eq!(recognise(&prog).bank, Some(1));

    let edit = sequential_edit_buffer(0x23, &data);
    assert_eq!(edit.len(), 444);
    expect(
        &edit,
        Expect {
            definition: "sequential-prophet-08",
            message: "edit-buffer",
            kind: MessageKind::EditBuffer,
            names: &["SYNTH BRASS 08"],
            program: None,
            checksum: None,
        },
    );

    // Global dump per the manual: 19 parameters as 38 nibbles, low nibble first; kept whole.
    let mut global = vec![0xF0, 0x01, 0x23, 0x0F];
    global.extend(nibbles_low_first(&params(19, 3)));
    global.push(0xF7);
    assert_eq!(global.len(), 43);
    expect(
        &global,
        Expect {
            definition: "sequential-prophet-08",
            message: "global",
            kind: MessageKind::Global,
            names: &[],
            program: None,
            checksum: None,
        },
    );

    sequential_requests("sequential-prophet-08", 0x23, 1, 127);
    sequential_requests("sequential-prophet-08", 0x23, 0, 0);
}

#[test]
fn sequential_bank_is_a_run_of_program_dumps_split_by_program() {
    let names = ["FIRST ONE", "SECOND", "THIRD"];
    let run: Vec<Vec<u8>> = names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let data = sequential_data(384, 10 + i, 184, n, 16);
            sequential_program(0x23, 0, i as u8, &data)
        })
        .collect();
    let groups = group_by_program(reg(), &run).expect("every dump has a program number");
    assert_eq!(groups.len(), 3);
    for (i, (group, name)) in groups.iter().zip(names).enumerate() {
        assert_eq!(group.as_slice(), &run[i..=i]);
        let r = recognise(&group[0]);
        assert_eq!((r.bank, r.program), (Some(0), Some(i as u16)));
        assert_eq!(r.preset_names, vec![name.to_owned()]);
    }
}

#[test]
fn rev2_program_edit_buffer_and_requests() {
    // 2046 bytes unpacked (2339 packed); layer A name at 235, layer B name at 1259, 20 each.
    let mut data = sequential_data(2046, 2, 235, "LAYER A SYNTH", 20);
    put(&mut data, 1259, &padded("LAYER B PAD", 20));
    let prog = sequential_program(0x2F, 3, 127, &data);
    assert_eq!(prog.len(), 2346);
    expect(
        &prog,
        Expect {
            definition: "sequential-rev2",
            message: "program",
            kind: MessageKind::SinglePreset,
            names: &["LAYER A SYNTH"],
            program: Some(127),
            checksum: None,
        },
    );
    assert_eq!(recognise(&prog).bank, Some(3));

    let edit = sequential_edit_buffer(0x2F, &data);
    assert_eq!(edit.len(), 2344);
    expect(
        &edit,
        Expect {
            definition: "sequential-rev2",
            message: "edit-buffer",
            kind: MessageKind::EditBuffer,
            names: &["LAYER A SYNTH"],
            program: None,
            checksum: None,
        },
    );

    // Global dump per the manual: 25 parameters as 50 nibbles; kept whole.
    let mut global = vec![0xF0, 0x01, 0x2F, 0x0F];
    global.extend(nibbles_low_first(&params(25, 4)));
    global.push(0xF7);
    assert_eq!(global.len(), 55);
    assert_eq!(recognise(&global).kind, MessageKind::Global);

    sequential_requests("sequential-rev2", 0x2F, 7, 5);
}

/// OB-6 and Prophet-6 share the frame: 1024 bytes unpacked, name at 107, 20 characters.
fn ob6_family(def: &str, model: u8, name: &str) {
    let data = sequential_data(1024, usize::from(model), 107, name, 20);
    let prog = sequential_program(model, 9, 99, &data);
    assert_eq!(prog.len(), 1178);
    expect(
        &prog,
        Expect {
            definition: def,
            message: "program",
            kind: MessageKind::SinglePreset,
            names: &[name],
            program: Some(99),
            checksum: None,
        },
    );
    assert_eq!(recognise(&prog).bank, Some(9));
    // The edit-buffer dump's length is only derived: the definition does not claim it.
    let edit = sequential_edit_buffer(model, &data);
    assert_ne!(recognise(&edit).definition, def);
    sequential_requests(def, model, 4, 42);
}

#[test]
fn ob6_program_and_requests() {
    ob6_family("sequential-ob6", 0x2E, "OB SYNTHETIC SIX");
}

#[test]
fn prophet_6_program_and_requests() {
    ob6_family("sequential-prophet-6", 0x2D, "P6 SYNTHETIC BRASS");
}

// ---------------------------------------------------------------------------------------------
// Oberheim Matrix: 134 bytes as 268 nibbles (low first) + sum of the 134 bytes & 7F + F7.

/// A name in the Matrix 6-bit code: each character's low six bits (A-Z become 01-1A).
fn oberheim_name(text: &str) -> Vec<u8> {
    padded(text, 8).iter().map(|c| c & 0x3F).collect()
}

fn matrix_patch(name: &[u8], seed: usize) -> Vec<u8> {
    let mut p = name.to_vec();
    p.extend(params(126, seed));
    assert_eq!(p.len(), 134);
    p
}

fn matrix_message(head: &[u8], patch: &[u8]) -> Vec<u8> {
    let mut m = head.to_vec();
    m.extend(nibbles_low_first(patch));
    m.push((sum(patch) & 0x7F) as u8);
    m.push(0xF7);
    m
}

/// The single-patch message both Matrix definitions describe (it is the same on both synths).
fn matrix_single_is_read_alike(def: &str) {
    let patch = matrix_patch(&oberheim_name("OBX-PAD7"), 5);
    let single = matrix_message(&[0xF0, 0x10, 0x06, 0x01, 42], &patch);
    assert_eq!(single.len(), 275);
    let r = recognise_as(def, "single", &single);
    assert_eq!(r.kind, MessageKind::SinglePreset);
    assert_eq!(r.preset_names, vec!["OBX-PAD7".to_owned()]);
    assert_eq!(r.program, Some(42));
    assert_eq!(r.checksum, ChecksumStatus::Valid);
    // A checksum over the nibbles instead of the decoded bytes would differ.
    assert_ne!(sum(&single[5..273]) & 0x7F, sum(&patch) & 0x7F);
}

#[test]
fn matrix_1000_single_patch_edit_buffer_and_bank_control() {
    matrix_single_is_read_alike("oberheim-matrix-1000");
    // Through the registry: the Matrix-1000 definition names it (a tie goes to the first file).
    let patch = matrix_patch(&oberheim_name("STRINGS"), 6);
    let single = matrix_message(&[0xF0, 0x10, 0x06, 0x01, 99], &patch);
    let r = recognise(&single);
    assert_eq!(r.definition, "oberheim-matrix-1000");
    assert_eq!(r.message.as_deref(), Some("single"));
    assert_eq!(r.preset_names, vec!["STRINGS".to_owned()]);
    assert_eq!(r.program, Some(99));
    assert_eq!(r.checksum, ChecksumStatus::Valid);
    // Flip the low bit of a nibble (it stays a nibble): the decoded sum changes.
    bad_checksum_is_caught_and_fixable(&single, 5 + 2 * 20);

    // The Matrix-1000 fills its names with plain ASCII "BNKx: yy"; the 6-bit table reads it.
    let patch = matrix_patch(b"BNK0: 17", 7);
    let edit = matrix_message(&[0xF0, 0x10, 0x06, 0x0D, 0x00], &patch);
    assert_eq!(edit.len(), 275);
    expect(
        &edit,
        Expect {
            definition: "oberheim-matrix-1000",
            message: "edit-buffer",
            kind: MessageKind::EditBuffer,
            names: &["BNK0: 17"],
            program: None,
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&edit, 5 + 2 * 60 + 1);

    // Set bank 1 (and lock it), then store the edit buffer to program 5 of bank 1.
    let set_bank = [0xF0, 0x10, 0x06, 0x0A, 0x01, 0xF7];
    expect(
        &set_bank,
        Expect {
            definition: "oberheim-matrix-1000",
            message: "set-bank",
            kind: MessageKind::Other,
            names: &[],
            program: None,
            checksum: None,
        },
    );
    assert_eq!(recognise(&set_bank).bank, Some(1));
    let store = [0xF0, 0x10, 0x06, 0x0E, 0x05, 0x01, 0x00, 0xF7];
    let r = recognise(&store);
    assert_eq!(r.message.as_deref(), Some("store-edit-buffer"));
    assert_eq!((r.program, r.bank), (Some(5), Some(1)));
    let unlock = [0xF0, 0x10, 0x06, 0x0C, 0xF7];
    assert_eq!(recognise(&unlock).message.as_deref(), Some("unlock-bank"));
}

#[test]
fn matrix_1000_requests() {
    let def = "oberheim-matrix-1000";
    assert_eq!(
        request(def, "single", program_only(42)),
        vec![vec![0xF0, 0x10, 0x06, 0x04, 0x01, 0x2A, 0xF7]]
    );
    assert_eq!(
        request(def, "edit-buffer", Fields::default()),
        vec![vec![0xF0, 0x10, 0x06, 0x04, 0x04, 0x00, 0xF7]]
    );
    assert_eq!(
        request(def, "bank", Fields::default()),
        vec![vec![0xF0, 0x10, 0x06, 0x04, 0x00, 0x00, 0xF7]]
    );
    assert_eq!(
        request(def, "master", Fields::default()),
        vec![vec![0xF0, 0x10, 0x06, 0x04, 0x03, 0x00, 0xF7]]
    );
}

#[test]
fn matrix_6_single_patch_master_and_requests() {
    matrix_single_is_read_alike("oberheim-matrix-6");
    // Master parameters from a Matrix-6: version 02, 236 bytes as 472 nibbles, 479 in all.
    let master = matrix_message(&[0xF0, 0x10, 0x06, 0x03, 0x02], &params(236, 8));
    assert_eq!(master.len(), 479);
    expect(
        &master,
        Expect {
            definition: "oberheim-matrix-6",
            message: "master",
            kind: MessageKind::Global,
            names: &[],
            program: None,
            checksum: None,
        },
    );
    // Each request starts with quick patch edit (F0 10 06 05 F7).
    let def = "oberheim-matrix-6";
    let quick = vec![0xF0, 0x10, 0x06, 0x05, 0xF7];
    assert_eq!(
        request(def, "single", program_only(7)),
        vec![
            quick.clone(),
            vec![0xF0, 0x10, 0x06, 0x04, 0x01, 0x07, 0xF7]
        ]
    );
    assert_eq!(
        request(def, "bank", Fields::default()),
        vec![
            quick.clone(),
            vec![0xF0, 0x10, 0x06, 0x04, 0x00, 0x00, 0xF7]
        ]
    );
    assert_eq!(
        request(def, "master", Fields::default()),
        vec![
            quick.clone(),
            vec![0xF0, 0x10, 0x06, 0x04, 0x03, 0x00, 0xF7]
        ]
    );
    assert_eq!(recognise(&quick).message.as_deref(), Some("quick-edit"));
}

// ---------------------------------------------------------------------------------------------
// Access Virus A/B/C: F0 00 20 33 01 dev 10 bank prog <256> cs F7, cs = sum of offsets 5..264.

fn virus_single(dev: u8, bank: u8, prog: u8, data: &[u8]) -> Vec<u8> {
    let mut m = vec![0xF0, 0x00, 0x20, 0x33, 0x01, dev, 0x10, bank, prog];
    m.extend(data);
    m.push((sum(&m[5..]) & 0x7F) as u8);
    m.push(0xF7);
    m
}

fn virus_data(name: &str, seed: usize) -> Vec<u8> {
    let mut d = params7(256, seed);
    d[0] = 0x06; // sound version byte
    put(&mut d, 240, &padded(name, 10));
    d
}

#[test]
fn virus_single_and_edit_buffer() {
    let prog = virus_single(0x10, 2, 100, &virus_data("SYNTH LD 1", 1));
    assert_eq!(prog.len(), 267);
    expect(
        &prog,
        Expect {
            definition: "access-virus",
            message: "single",
            kind: MessageKind::SinglePreset,
            names: &["SYNTH LD 1"],
            program: Some(100),
            checksum: Some(true),
        },
    );
    let r = recognise(&prog);
    assert_eq!((r.bank, r.device_id), (Some(2), Some(0x10)));
    bad_checksum_is_caught_and_fixable(&prog, 9 + 20);
    // The device ID is inside the checksum.
    bad_checksum_is_caught_and_fixable(&prog, 5);

    let edit = virus_single(0x03, 0x00, 0x40, &virus_data("- Edit -", 2));
    expect(
        &edit,
        Expect {
            definition: "access-virus",
            message: "edit-buffer",
            kind: MessageKind::EditBuffer,
            names: &["- Edit -"],
            program: None,
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&edit, 200);

    // A bank answer is 128 single dumps: split by program number.
    let run: Vec<Vec<u8>> = (0..3)
        .map(|p: u8| {
            let data = virus_data(&format!("BANK A {p:03}"), 3 + usize::from(p));
            virus_single(0x10, 1, p, &data)
        })
        .collect();
    let groups = group_by_program(reg(), &run).unwrap();
    assert_eq!(groups.len(), 3);
    assert_eq!(recognise(&groups[2][0]).program, Some(2));
}

#[test]
fn virus_requests() {
    let def = "access-virus";
    assert_eq!(
        request(def, "single", bank_program(2, 100)),
        vec![vec![
            0xF0, 0x00, 0x20, 0x33, 0x01, 0x10, 0x30, 0x02, 0x64, 0xF7
        ]]
    );
    let to_unit_3 = Fields {
        device: Some(3),
        ..bank_program(1, 0)
    };
    assert_eq!(
        request(def, "single", to_unit_3),
        vec![vec![
            0xF0, 0x00, 0x20, 0x33, 0x01, 0x03, 0x30, 0x01, 0x00, 0xF7
        ]]
    );
    assert_eq!(
        request(def, "single-bank", bank_only(1)),
        vec![vec![0xF0, 0x00, 0x20, 0x33, 0x01, 0x10, 0x32, 0x01, 0xF7]]
    );
    assert_eq!(
        request(def, "edit-buffer", Fields::default()),
        vec![vec![
            0xF0, 0x00, 0x20, 0x33, 0x01, 0x10, 0x30, 0x00, 0x40, 0xF7
        ]]
    );
}

// ---------------------------------------------------------------------------------------------
// Waldorf Blofeld: F0 3E 13 dev 10 BB NN <383> cs F7, cs = sum of the 383 data bytes & 7F.

fn blofeld_sound(dev: u8, bank: u8, prog: u8, data: &[u8]) -> Vec<u8> {
    let mut m = vec![0xF0, 0x3E, 0x13, dev, 0x10, bank, prog];
    m.extend(data);
    m.push((sum(data) & 0x7F) as u8);
    m.push(0xF7);
    m
}

fn blofeld_data(name: &str, seed: usize) -> Vec<u8> {
    let mut d = params7(383, seed);
    put(&mut d, 363, &padded(name, 16));
    d[379] = 3; // category
    put(&mut d, 380, &[0, 0, 0]);
    d
}

#[test]
fn blofeld_sound_edit_buffer_and_checksum() {
    let data = blofeld_data("SYNTH BELL  WMF", 1);
    let sound = blofeld_sound(0x7F, 7, 127, &data);
    assert_eq!(sound.len(), 392);
    assert_ne!(
        sound[390], 0x7F,
        "the fixture's checksum must not be the always-valid 7F"
    );
    expect(
        &sound,
        Expect {
            definition: "waldorf-blofeld",
            message: "sound",
            kind: MessageKind::SinglePreset,
            names: &["SYNTH BELL  WMF"],
            program: Some(127),
            checksum: Some(true),
        },
    );
    let r = recognise(&sound);
    assert_eq!((r.bank, r.device_id), (Some(7), Some(0x7F)));
    bad_checksum_is_caught_and_fixable(&sound, 7 + 10);

    // Readdressed to the edit buffer (7F 00): the checksum does not cover BB/NN.
    let mut edit = sound.clone();
    edit[5] = 0x7F;
    edit[6] = 0x00;
    expect(
        &edit,
        Expect {
            definition: "waldorf-blofeld",
            message: "edit-buffer",
            kind: MessageKind::EditBuffer,
            names: &["SYNTH BELL  WMF"],
            program: None,
            checksum: Some(true),
        },
    );
    // 7F is always a valid checksum.
    let mut any = sound.clone();
    any[390] = 0x7F;
    assert_eq!(recognise(&any).checksum, ChecksumStatus::Valid);
}

#[test]
fn blofeld_requests() {
    let def = "waldorf-blofeld";
    assert_eq!(
        request(def, "sound", bank_program(1, 2)),
        vec![vec![0xF0, 0x3E, 0x13, 0x7F, 0x00, 0x01, 0x02, 0xF7]]
    );
    assert_eq!(
        request(def, "edit-buffer", device(0x05)),
        vec![vec![0xF0, 0x3E, 0x13, 0x05, 0x00, 0x7F, 0x00, 0xF7]]
    );
    assert_eq!(
        request(def, "edit-buffer", Fields::default()),
        vec![vec![0xF0, 0x3E, 0x13, 0x7F, 0x00, 0x7F, 0x00, 0xF7]]
    );
}

// ---------------------------------------------------------------------------------------------
// Ensoniq ESQ-1: 102-byte programs as 204 nibbles, low first; no checksum.

fn esq_program_data(name: &str, seed: usize) -> Vec<u8> {
    let mut d = padded(name, 6);
    d.extend(params(96, seed));
    d
}

fn esq_single(channel: u8, data: &[u8]) -> Vec<u8> {
    let mut m = vec![0xF0, 0x0F, 0x02, channel, 0x01];
    m.extend(nibbles_low_first(data));
    m.push(0xF7);
    m
}

fn esq_all(channel: u8, programs: &[Vec<u8>]) -> Vec<u8> {
    let mut m = vec![0xF0, 0x0F, 0x02, channel, 0x02];
    for p in programs {
        m.extend(nibbles_low_first(p));
    }
    m.push(0xF7);
    m
}

#[test]
fn esq1_single_program() {
    let single = esq_single(2, &esq_program_data("SYNTH1", 1));
    assert_eq!(single.len(), 210);
    expect(
        &single,
        Expect {
            definition: "ensoniq-esq1",
            message: "program",
            kind: MessageKind::EditBuffer,
            names: &["SYNTH1"],
            program: None,
            checksum: None,
        },
    );
    assert_eq!(recognise(&single).channel, Some(2));
}

#[test]
fn esq1_all_programs_names_split_and_build() {
    let names: Vec<String> = (0..40).map(|i| format!("PRG {i:02}")).collect();
    let programs: Vec<Vec<u8>> = names
        .iter()
        .enumerate()
        .map(|(i, n)| esq_program_data(n, i))
        .collect();
    let bank = esq_all(5, &programs);
    assert_eq!(bank.len(), 8166);
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    expect(
        &bank,
        Expect {
            definition: "ensoniq-esq1",
            message: "all-programs",
            kind: MessageKind::Bank,
            names: &want,
            program: None,
            checksum: None,
        },
    );
    let singles: Vec<Vec<u8>> = programs.iter().map(|p| esq_single(5, p)).collect();
    split_and_build("ensoniq-esq1", "all-programs", &bank, &singles);
}

#[test]
fn esq1_requests_and_identity() {
    assert_eq!(
        request("ensoniq-esq1", "program", channel(2)),
        vec![vec![0xF0, 0x0F, 0x02, 0x02, 0x09, 0xF7]]
    );
    assert_eq!(
        request("ensoniq-esq1", "all-programs", Fields::default()),
        vec![vec![0xF0, 0x0F, 0x02, 0x00, 0x0A, 0xF7]]
    );
    // Identity reply: Ensoniq 0F, family 02 00, member 01 00 (ESQ-1), four version bytes.
    let id = [
        0xF0, 0x7E, 0x00, 0x06, 0x02, 0x0F, 0x02, 0x00, 0x01, 0x00, 0x03, 0x05, 0x00, 0x00, 0xF7,
    ];
    let r = recognise(&id);
    assert_eq!(
        (r.definition.as_str(), r.kind),
        ("ensoniq-esq1", MessageKind::Identity)
    );
}

// ---------------------------------------------------------------------------------------------
// Behringer DeepMind 12: F0 00 20 32 20 dev 02 ver bank prog <packed> F7, no checksum.

fn deepmind_program(dev: u8, version: u8, bank: u8, prog: u8, data: &[u8]) -> Vec<u8> {
    let mut m = vec![0xF0, 0x00, 0x20, 0x32, 0x20, dev, 0x02, version, bank, prog];
    m.extend(ms_bit_pack(data));
    m.push(0xF7);
    m
}

fn deepmind_data(len: usize, name: &str, seed: usize) -> Vec<u8> {
    let mut d = params(len, seed);
    put(&mut d, 223, &padded(name, 16));
    d
}

#[test]
fn deepmind_program_dumps_of_every_accepted_length() {
    // Version 7 files: 245 bytes in 35 full groups (280 packed), 291 in all.
    let v7 = deepmind_program(0x00, 0x07, 7, 5, &deepmind_data(245, "POLY BRASS 12", 1));
    assert_eq!(v7.len(), 291);
    expect(
        &v7,
        Expect {
            definition: "behringer-deepmind-12",
            message: "program",
            kind: MessageKind::SinglePreset,
            names: &["POLY BRASS 12"],
            program: Some(5),
            checksum: None,
        },
    );
    let r = recognise(&v7);
    assert_eq!((r.bank, r.device_id), (Some(7), Some(0)));
    // The manual's 242 bytes, short last group (277 packed) and the manual's 278 packed bytes.
    for (len, total) in [(242, 288), (243, 289), (244, 290)] {
        let m = deepmind_program(
            0x03,
            0x06,
            0,
            127,
            &deepmind_data(len, "MANUAL LENGTH", len),
        );
        assert_eq!(m.len(), total);
        let r = recognise(&m);
        assert_eq!(r.definition, "behringer-deepmind-12", "{total} bytes");
        assert_eq!(r.preset_names, vec!["MANUAL LENGTH".to_owned()]);
        assert_eq!(r.program, Some(127));
    }
    // Outside 288..=291: not a DeepMind program dump.
    for len in [241, 246] {
        let m = deepmind_program(0x00, 0x07, 0, 0, &deepmind_data(len, "TOO SHORT/LONG", 9));
        assert_ne!(
            recognise(&m).definition,
            "behringer-deepmind-12",
            "{} bytes",
            m.len()
        );
    }
}

#[test]
fn deepmind_requests_and_identity() {
    let def = "behringer-deepmind-12";
    assert_eq!(
        request(def, "program", bank_program(7, 5)),
        vec![vec![
            0xF0, 0x00, 0x20, 0x32, 0x20, 0x00, 0x01, 0x07, 0x05, 0xF7
        ]]
    );
    assert_eq!(
        request(def, "edit-buffer", device(0x03)),
        vec![vec![0xF0, 0x00, 0x20, 0x32, 0x20, 0x03, 0x03, 0xF7]]
    );
    assert_eq!(
        request(def, "bank", bank_only(2)),
        vec![vec![
            0xF0, 0x00, 0x20, 0x32, 0x20, 0x00, 0x09, 0x02, 0x00, 0x7F, 0xF7
        ]]
    );
    // Identity reply: Behringer 00 20 32, then 20 00, a model word and four version bytes.
    let id = [
        0xF0, 0x7E, 0x00, 0x06, 0x02, 0x00, 0x20, 0x32, 0x20, 0x00, 0x01, 0x00, 0x01, 0x02, 0x00,
        0x00, 0xF7,
    ];
    let r = recognise(&id);
    assert_eq!(
        (r.definition.as_str(), r.kind),
        ("behringer-deepmind-12", MessageKind::Identity)
    );
}
