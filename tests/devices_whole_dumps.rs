//! Whole-synth dumps and names inside banks, built byte by byte from the published formats:
//! a Roland D-50 bulk dump and MT-32 timbre memory (names read by address across DT1 messages),
//! the Kawai K4 all-data dump, the Matrix-1000 master parameters, the MKS-50 patch and chord
//! bulk dumps and the Korg MS2000 all-data dump.

mod fixture;

#[allow(clippy::duplicate_mod)]
#[path = "common/cli_bin.rs"]
mod cli_bin;

use fixture::*;
use sysex_vault::devices::MessageKind;
use sysex_vault::library::{Entry, Source};

/// A Roland DT1: head (F0 41 dev model 12), address, data, checksum over address and data, F7.
fn dt1(head: &[u8], address: u32, data: &[u8]) -> Vec<u8> {
    let a = [
        (address >> 14) as u8 & 0x7F,
        (address >> 7) as u8 & 0x7F,
        address as u8 & 0x7F,
    ];
    let mut m = head.to_vec();
    m.extend(a);
    m.extend(data);
    let mut covered = a.to_vec();
    covered.extend(data);
    m.push(twos(&covered));
    m.push(0xF7);
    m
}

/// `memory` from `start` as DT1 messages of `slice` bytes each.
fn dt1_stream(head: &[u8], start: u32, memory: &[u8], slice: usize) -> Vec<Vec<u8>> {
    memory
        .chunks(slice)
        .enumerate()
        .map(|(i, chunk)| dt1(head, start + (i * slice) as u32, chunk))
        .collect()
}

/// `info --json` of the messages written as one file: the first source.
fn info(name: &str, messages: &[Vec<u8>]) -> serde_json::Value {
    let dir = std::env::temp_dir().join(format!("sxv-whole-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, messages.concat()).unwrap();
    let out = std::process::Command::new(cli_bin::path())
        .args(["info", file.to_str().unwrap(), "--json"])
        .env("SYSEX_VAULT_DEVICES", dir.join("no-user-definitions"))
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v[0].clone()
}

/// The names `info --json` read across messages with `label`.
fn info_names(source: &serde_json::Value, label: &str) -> Vec<String> {
    source["stream_names"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["label"] == label)
        .map(|n| n["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The D-50 table: 0 space, 1-26 A-Z, 27-52 a-z, 53-61 1-9, 62 0, 63 '-' (owner's manual).
fn d50_text(text: &str, len: usize) -> Vec<u8> {
    let mut v: Vec<u8> = text
        .bytes()
        .map(|c| match c {
            b'A'..=b'Z' => c - b'A' + 1,
            b'a'..=b'z' => c - b'a' + 27,
            b'1'..=b'9' => c - b'1' + 53,
            b'0' => 62,
            b'-' => 63,
            _ => 0,
        })
        .collect();
    v.resize(len, 0);
    v
}

#[test]
fn d50_bulk_dump_names_patches_and_tones_across_messages() {
    // Internal memory from 02 00 00: 64 patches of seven 64-byte blocks (upper partials 1 and
    // 2, upper common, lower partials 1 and 2, lower common, patch); a common starts with its
    // 10-character tone name, the patch block with its 18-character patch name.
    let mut memory = Vec::new();
    for p in 0..64 {
        let mut patch = vec![0x11u8; 448];
        patch[128..138].copy_from_slice(&d50_text(&format!("Up {p}"), 10));
        patch[320..330].copy_from_slice(&d50_text(&format!("Low {p}"), 10));
        patch[384..402].copy_from_slice(&d50_text(&format!("Patch-{p} of 64"), 18));
        memory.extend(patch);
    }
    // 200-byte slices: the first patch name (bytes 384-401) starts in one message, ends in the
    // next.
    let messages = dt1_stream(&[0xF0, 0x41, 0x00, 0x14, 0x12], 2 << 14, &memory, 200);
    assert_eq!(messages.len(), 144);
    let patches: Vec<String> = (0..64).map(|p| format!("Patch-{p} of 64")).collect();
    let names = reg().stream_names(&messages);
    let of = |label: &str| -> Vec<String> {
        names
            .iter()
            .filter(|n| n.label == label)
            .map(|n| n.name.clone())
            .collect()
    };
    assert_eq!(of("Patch"), patches);
    assert_eq!(of("Upper tone")[63], "Up 63");
    assert_eq!(of("Lower tone")[0], "Low 0");
    assert!(names.iter().all(|n| n.definition == "roland-d50"));
    assert!(names.iter().all(|n| n.patch == (n.label == "Patch")));

    let entry = Entry::new(reg(), messages.clone(), Source::Capture, 0);
    assert_eq!(entry.kind, MessageKind::Bank);
    assert_eq!(
        entry.name,
        "Roland D-50 / D-550 bank, 64 presets (Patch-0 of 64…)"
    );
    let source = info("d50-bulk.syx", &messages);
    assert_eq!(info_names(&source, "Patch"), patches);
    assert_eq!(info_names(&source, "Upper tone").len(), 64);

    // Without the message that holds the end of patch 1's name (bytes 400-599), patch 1 has
    // no name: nothing is guessed.
    let mut partial = messages.clone();
    partial.remove(2);
    let names = reg().stream_names(&partial);
    let first = names.iter().find(|n| n.label == "Patch").unwrap();
    assert_eq!((first.number, first.name.as_str()), (2, "Patch-1 of 64"));
}

#[test]
fn mt32_timbre_memory_names_across_messages() {
    // Timbre memory from 08 00 00: timbre n at 08 (2n) 00; a timbre is 14 common bytes (the
    // 10-character ASCII name first) and 4 partials of 58 bytes: 246 bytes, each in a DT1.
    let head = [0xF0, 0x41, 0x10, 0x16, 0x12];
    let timbre = |name: &str| {
        let mut t = padded(name, 10);
        t.extend([0x00, 0x00, 0x0F, 0x00]);
        t.extend(vec![0x32; 4 * 58]);
        assert_eq!(t.len(), 246);
        t
    };
    let mut messages: Vec<Vec<u8>> = (0..64u32)
        .map(|n| dt1(&head, (8 << 14) + n * 256, &timbre(&format!("Timbre {n}"))))
        .collect();
    // Timbre 64 sent in two messages, cut inside its name.
    let last = timbre("Split Name");
    messages[63] = dt1(&head, (8 << 14) + 63 * 256, &last[..4]);
    messages.push(dt1(&head, (8 << 14) + 63 * 256 + 4, &last[4..]));
    // A patch memory DT1 (05 00 00, 8-byte patches) carries no name.
    messages.push(dt1(&head, 5 << 14, &[0, 10, 24, 50, 12, 0, 1, 0]));
    let mut want: Vec<String> = (0..63).map(|n| format!("Timbre {n}")).collect();
    want.push("Split Name".into());
    let names: Vec<String> = reg()
        .stream_names(&messages)
        .into_iter()
        .inspect(|n| {
            assert_eq!(
                (n.definition.as_str(), n.label.as_str()),
                ("roland-la", "Timbre")
            )
        })
        .map(|n| n.name)
        .collect();
    assert_eq!(names, want);
    let source = info("mt32-timbres.syx", &messages);
    assert_eq!(info_names(&source, "Timbre"), want);
    let entry = Entry::new(reg(), messages, Source::Capture, 0);
    assert_eq!(
        entry.name,
        "Roland MT-32 / D-10 / D-110 family bank, 64 presets (Timbre 0…)"
    );
}

#[test]
fn kawai_k4_all_data_dump_names_its_singles() {
    // Function 22: 64 singles (130 bytes + checksum), 64 multis (76 + checksum), the drum (682)
    // and 32 effects (35): 15123 bytes with the 8-byte header and F7.
    let mut m = vec![0xF0, 0x40, 0x00, 0x22, 0x00, 0x04, 0x00, 0x00];
    let mut names = Vec::new();
    for s in 0..64 {
        let name = format!("Single {s:02}");
        let mut single = padded(&name, 10);
        single.extend(vec![(s % 50) as u8; 120]);
        single.push(((0xA5 + sum(&single)) & 0x7F) as u8);
        m.extend(single);
        names.push(name);
    }
    for k in 0..64 {
        let mut multi = padded(&format!("Multi {k:02}"), 10);
        multi.extend(vec![3; 66]);
        multi.push(((0xA5 + sum(&multi)) & 0x7F) as u8);
        m.extend(multi);
    }
    m.extend(vec![0x01; 682 + 32 * 35]);
    m.push(0xF7);
    assert_eq!(m.len(), 15123);
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    expect(
        &m,
        Expect {
            definition: "kawai-k4",
            message: "all-data",
            kind: MessageKind::Bank,
            names: &want,
            program: None,
            checksum: None,
        },
    );
    // The card area (02) is the same message.
    m[6] = 0x02;
    assert_eq!(reg().identify(&m).unwrap().1.id, "all-data");
}

#[test]
fn matrix_1000_master_parameters() {
    // Type 03, then 03 for the Matrix-1000: 172 bytes as nibbles, low first, then the 7-bit sum
    // of the 172 bytes, F7: 351 bytes.
    let master: Vec<u8> = (0..172).map(|i| (i * 7 % 128) as u8).collect();
    let mut m = vec![0xF0, 0x10, 0x06, 0x03, 0x03];
    m.extend(nibbles_low_first(&master));
    m.push((sum(&master) & 0x7F) as u8);
    m.push(0xF7);
    assert_eq!(m.len(), 351);
    expect(
        &m,
        Expect {
            definition: "oberheim-matrix-1000",
            message: "master",
            kind: MessageKind::Global,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&m, 40);
}

/// The Alpha Juno / MKS-50 6-bit table: A-Z 0-25, a-z 26-51, 0-9 52-61, space 62, '-' 63.
fn juno_text(text: &str) -> Vec<u8> {
    let mut v: Vec<u8> = text
        .bytes()
        .map(|c| match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 63,
            _ => 62,
        })
        .collect();
    v.resize(10, 62);
    v
}

#[test]
fn mks50_patch_and_chord_bulk_dumps() {
    // Patch BLD (level 30): 4 packed patches of 32 bytes as 256 nibbles, low first; the name is
    // packed bytes 11-20. Byte 8: first patch number of the block.
    let mut packed = Vec::new();
    let names = ["PolySynth1", "Jazz Gtr", "Low-String", "Brass 4"];
    for (k, name) in names.iter().enumerate() {
        let mut p = vec![
            k as u8, 0x10, 0x71, 0x14, 0x20, 0x00, 0x7F, 0x00, 0x40, 0x00, 0x60,
        ];
        p.extend(juno_text(name));
        p.resize(32, 0);
        packed.extend(p);
    }
    let mut m = vec![0xF0, 0x41, 0x37, 0x02, 0x23, 0x30, 0x01, 0x00, 0x08];
    m.extend(nibbles_low_first(&packed));
    m.push(0xF7);
    assert_eq!(m.len(), 266);
    expect(
        &m,
        Expect {
            definition: "roland-alpha-juno",
            message: "patch-bld",
            kind: MessageKind::Bank,
            names: &names,
            program: Some(8),
            checksum: None,
        },
    );
    // Chord memory BLD (level 40), 202 bytes.
    let mut c = vec![0xF0, 0x41, 0x37, 0x02, 0x23, 0x40, 0x01];
    c.extend((0..194).map(|i| (i % 16) as u8));
    c.push(0xF7);
    expect(
        &c,
        Expect {
            definition: "roland-alpha-juno",
            message: "chord-bld",
            kind: MessageKind::Data,
            names: &[],
            program: None,
            checksum: None,
        },
    );
}

#[test]
fn ms2000_all_data_dump_names_its_programs() {
    // Korg's NOTE 4: programs A01-H16 of 254 bytes, then 200 bytes of global data, packed 7 to 8.
    let mut data = Vec::new();
    let mut names = Vec::new();
    for p in 0..128 {
        let name = format!("Prog {p:03}");
        let mut program = padded(&name, 12);
        program.extend(vec![(p % 100) as u8; 242]);
        data.extend(program);
        names.push(name);
    }
    data.extend(vec![0x05; 200]);
    let mut m = vec![0xF0, 0x42, 0x30, 0x58, 0x50];
    m.extend(ms_bit_pack(&data));
    m.push(0xF7);
    assert_eq!(m.len(), 37392);
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    expect(
        &m,
        Expect {
            definition: "korg-ms2000",
            message: "all-data",
            kind: MessageKind::Bank,
            names: &want,
            program: None,
            checksum: None,
        },
    );
    // Named, not split: the global data would be left behind.
    assert!(reg().split_bank(&m).is_none());
}

#[test]
fn matrix_1000_bank_dump_is_one_synths_bank() {
    // A bank request's answer: the 100 patches of the bank, dummy split patches (type 02, only
    // the header is relied on) and the master parameters.
    let mut messages = Vec::new();
    for p in 0..100u8 {
        let mut patch: Vec<u8> = b"BNK2: 00".iter().map(|&c| c & 0x3F).collect();
        patch[6] = b'0' + p / 10;
        patch[7] = b'0' + p % 10;
        patch.extend((0..126).map(|i| ((i + usize::from(p)) % 64) as u8));
        let mut m = vec![0xF0, 0x10, 0x06, 0x01, p];
        m.extend(nibbles_low_first(&patch));
        m.push((sum(&patch) & 0x7F) as u8);
        m.push(0xF7);
        messages.push(m);
    }
    for s in 0..80u8 {
        let mut split = vec![0xF0, 0x10, 0x06, 0x02, s];
        split.extend([0u8; 37]);
        split.push(0xF7);
        messages.push(split);
    }
    let master = vec![0x01u8; 172];
    let mut m = vec![0xF0, 0x10, 0x06, 0x03, 0x03];
    m.extend(nibbles_low_first(&master));
    m.push((sum(&master) & 0x7F) as u8);
    m.push(0xF7);
    messages.push(m);
    for m in &messages[100..] {
        let r = reg().recognise(&sysex_vault::sysex::SysEx::new(m).unwrap());
        assert_eq!(r.definition, "oberheim-matrix-1000", "{}", r.detail);
    }
    let entry = Entry::new(reg(), messages, Source::Capture, 0);
    assert_eq!(entry.profile, "oberheim-matrix-1000");
    assert_eq!(entry.kind, MessageKind::Bank);
    assert_eq!(
        entry.name,
        "Oberheim Matrix-1000 bank, 100 presets (BNK2: 00…)"
    );
    assert_eq!(entry.invalid_checksums, 0);
}
