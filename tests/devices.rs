//! Device definitions: fixtures built byte by byte from the published formats for the ported
//! definitions (Yamaha DX7, Roland LA family and generic DT1/RQ1, Moog), and user-folder loading.

mod fixture;

use fixture::*;
use sysex_vault::devices::{MessageKind, Registry, SHIPPED};
use sysex_vault::sysex::SysEx;

/// Voice `v` of a synthetic DX7 bank, as the 128 packed bytes of a VMEM slot and the 155 bytes
/// of the matching single voice (VCED), both written from the manual's parameter tables.
fn dx7_voice_pair(v: usize, name: &str) -> (Vec<u8>, Vec<u8>) {
    let mut p = vec![0u8; 128];
    let mut u = vec![0u8; 155];
    for k in 0..6 {
        let (pb, ub) = (k * 17, k * 21);
        for i in 0..11 {
            let x = ((v * 3 + k * 5 + i * 7) % 100) as u8;
            p[pb + i] = x;
            u[ub + i] = x;
        }
        let lc = ((v + k) % 4) as u8;
        let rc = ((v + 2 * k) % 4) as u8;
        let rs = ((v + k) % 8) as u8;
        let ams = (k % 4) as u8;
        let kvs = (v % 8) as u8;
        let ol = ((50 + v + k) % 100) as u8;
        let mode = ((v + k) % 2) as u8;
        let coarse = ((v * 3 + k) % 32) as u8;
        let fine = ((v + k * 7) % 100) as u8;
        let det = ((v + k) % 15) as u8;
        p[pb + 11] = lc | rc << 2;
        p[pb + 12] = rs | det << 3;
        p[pb + 13] = ams | kvs << 2;
        p[pb + 14] = ol;
        p[pb + 15] = mode | coarse << 1;
        p[pb + 16] = fine;
        u[ub + 11] = lc;
        u[ub + 12] = rc;
        u[ub + 13] = rs;
        u[ub + 14] = ams;
        u[ub + 15] = kvs;
        u[ub + 16] = ol;
        u[ub + 17] = mode;
        u[ub + 18] = coarse;
        u[ub + 19] = fine;
        u[ub + 20] = det;
    }
    for i in 0..8 {
        let x = ((v + i * 11) % 100) as u8;
        p[102 + i] = x;
        u[126 + i] = x;
    }
    let (alg, fb, sync) = ((v % 32) as u8, (v % 8) as u8, (v % 2) as u8);
    p[110] = alg;
    p[111] = fb | sync << 3;
    u[134] = alg;
    u[135] = fb;
    u[136] = sync;
    for i in 0..4 {
        let x = ((v * 2 + i * 13) % 100) as u8;
        p[112 + i] = x;
        u[137 + i] = x;
    }
    let (lsync, wave, pms) = (((v + 1) % 2) as u8, (v % 6) as u8, (v % 8) as u8);
    p[116] = lsync | wave << 1 | pms << 4;
    u[141] = lsync;
    u[142] = wave;
    u[143] = pms;
    p[117] = 24;
    u[144] = 24;
    let n = padded(name, 10);
    p[118..128].copy_from_slice(&n);
    u[145..155].copy_from_slice(&n);
    (p, u)
}

fn dx7_single(channel: u8, u: &[u8]) -> Vec<u8> {
    let mut m = vec![0xF0, 0x43, channel, 0x00, 0x01, 0x1B];
    m.extend(u);
    m.push(twos(u));
    m.push(0xF7);
    m
}

fn dx7_bank(channel: u8, names: &[String]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut data = Vec::new();
    let mut singles = Vec::new();
    for (v, name) in names.iter().enumerate() {
        let (p, u) = dx7_voice_pair(v, name);
        data.extend(p);
        singles.push(dx7_single(channel, &u));
    }
    let mut m = vec![0xF0, 0x43, channel, 0x09, 0x20, 0x00];
    m.extend(&data);
    m.push(twos(&data));
    m.push(0xF7);
    (m, singles)
}

#[test]
fn dx7_single_voice() {
    let (_, u) = dx7_voice_pair(3, "E.PIANO 1");
    let bytes = dx7_single(2, &u);
    assert_eq!(bytes.len(), 163);
    expect(
        &bytes,
        Expect {
            definition: "yamaha-dx7",
            message: "voice",
            kind: MessageKind::EditBuffer,
            names: &["E.PIANO 1"],
            program: None,
            checksum: Some(true),
        },
    );
    let r = reg().recognise(&SysEx::new(&bytes).unwrap());
    assert_eq!(r.channel, Some(2));
    bad_checksum_is_caught_and_fixable(&bytes, 10);
}

#[test]
fn dx7_bank_names_split_and_build() {
    let names: Vec<String> = (0..32).map(|i| format!("VOICE {i:02}")).collect();
    let (bank, singles) = dx7_bank(0, &names);
    assert_eq!(bank.len(), 4104);
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    expect(
        &bank,
        Expect {
            definition: "yamaha-dx7",
            message: "bank",
            kind: MessageKind::Bank,
            names: &want,
            program: None,
            checksum: Some(true),
        },
    );
    split_and_build("yamaha-dx7", "bank", &bank, &singles);
    bad_checksum_is_caught_and_fixable(&bank, 200);
    // A bank file with 10 00 in the byte count is the same bank.
    let mut ten = bank.clone();
    ten[4] = 0x10;
    let r = reg().recognise(&SysEx::new(&ten).unwrap());
    assert_eq!(r.message.as_deref(), Some("bank-10"));
    assert_eq!(r.preset_names.len(), 32);
}

#[test]
fn dx7_requests_use_the_chosen_channel() {
    // Before: the DX7 request went out on channel 16 (F0 43 2F 09 F7).
    assert_eq!(
        request("yamaha-dx7", "bank", channel(0)),
        vec![vec![0xF0, 0x43, 0x20, 0x09, 0xF7]]
    );
    assert_eq!(
        request("yamaha-dx7", "voice", channel(4)),
        vec![vec![0xF0, 0x43, 0x24, 0x00, 0xF7]]
    );
    let d = reg().get("yamaha-dx7").unwrap();
    assert_eq!(
        d.request("bank", Default::default()).unwrap(),
        vec![vec![0xF0, 0x43, 0x20, 0x09, 0xF7]],
        "channel 1 by default"
    );
}

#[test]
fn roland_model_16_has_three_byte_addresses() {
    // D-110 style DT1: F0 41 10 16 12, address 03 00 00, data 2D 01 02, checksum, F7.
    let mut m = vec![
        0xF0, 0x41, 0x10, 0x16, 0x12, 0x03, 0x00, 0x00, 0x2D, 0x01, 0x02,
    ];
    m.push(twos(&m[5..]));
    m.push(0xF7);
    expect(
        &m,
        Expect {
            definition: "roland-la",
            message: "dt1",
            kind: MessageKind::Data,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
    let r = reg().recognise(&SysEx::new(&m).unwrap());
    assert_eq!(r.device, "Roland MT-32 / D-10 / D-110 family");
    assert!(r.detail.ends_with("address 03 00 00"), "{}", r.detail);
    assert!(r.detail.contains("device ID 10"), "{}", r.detail);
    bad_checksum_is_caught_and_fixable(&m, 8);
}

#[test]
fn roland_without_a_definition_is_found_by_checksum() {
    // The GS reset every GS manual prints (model 42, one-byte model ID).
    let gs = [
        0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7,
    ];
    expect(
        &gs,
        Expect {
            definition: "roland-dt1",
            message: "dt1-1",
            kind: MessageKind::Data,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
    // RD-700NX: three-byte model ID 00 00 50, four-byte address.
    let mut m = vec![
        0xF0, 0x41, 0x10, 0x00, 0x00, 0x50, 0x12, 0x10, 0x00, 0x00, 0x00, 0x41, 0x42,
    ];
    m.push(twos(&m[7..]));
    m.push(0xF7);
    let r = reg().recognise(&SysEx::new(&m).unwrap());
    assert_eq!(r.message.as_deref(), Some("dt1-3"));
    // A Roland message whose checksum fits no model-ID length is named by maker only.
    let mut bad = gs;
    bad[9] = 0x40;
    let r = reg().recognise(&SysEx::new(&bad).unwrap());
    assert_eq!(
        (r.definition.as_str(), r.device.as_str()),
        ("generic", "Roland")
    );
}

/// Writes a Little Phatty name (13 characters, space-padded) as phatty-editor lays it out: an
/// index into ` A-Z 0-9 a-z` (7 bits); character 2k takes bit 0 of byte 3k (its bit 6) and bits
/// 0-5 of byte 3k+1, character 2k+1 bits 0-1 of byte 3k+2 (its bits 4-5) and bits 2-5 of byte
/// 3k+3 (its bits 0-3). Other bits keep their values.
fn phatty_name(bytes: &mut [u8], name: &str) {
    let alphabet = " ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz";
    let text = format!("{name:<13}");
    for (i, c) in text.chars().enumerate() {
        let x = alphabet.find(c).unwrap() as u8;
        let k = 3 * (i / 2);
        if i % 2 == 0 {
            bytes[k] = (bytes[k] & !0x01) | (x >> 6);
            bytes[k + 1] = (bytes[k + 1] & !0x3F) | (x & 0x3F);
        } else {
            bytes[k + 2] = (bytes[k + 2] & !0x03) | (x >> 4);
            bytes[k + 3] = (bytes[k + 3] & !0x3C) | ((x & 0x0F) << 2);
        }
    }
}

#[test]
fn moog_is_moog_unless_a_model_matches() {
    // Minimoog Voyager (F0 04 01): Moog, model unknown here.
    expect(
        &[0xF0, 0x04, 0x01, 0x00, 0x03, 0x10, 0xF7],
        Expect {
            definition: "moog",
            message: "any",
            kind: MessageKind::Other,
            names: &[],
            program: None,
            checksum: None,
        },
    );
    // Little Phatty single preset 42: F0 04 05 05 03 2A + 186 data bytes + F7 = 193 bytes,
    // its 13-character name packed from byte 23.
    let mut lp = vec![0xF0, 0x04, 0x05, 0x05, 0x03, 42];
    lp.extend((0..186).map(|i| (i * 5 % 128) as u8));
    lp.push(0xF7);
    assert_eq!(lp.len(), 193);
    phatty_name(&mut lp[23..43], "FAT Bass 42");
    expect(
        &lp,
        Expect {
            definition: "moog-little-phatty",
            message: "preset",
            kind: MessageKind::SinglePreset,
            names: &["FAT Bass 42"],
            program: Some(42),
            checksum: None,
        },
    );
    // Its identity reply names it.
    let id = [
        0xF0, 0x7E, 0x7F, 0x06, 0x02, 0x04, 0x00, 0x05, 0x00, 0x01, 0x01, 0x02, 0x00, 0x00, 0xF7,
    ];
    let r = reg().recognise(&SysEx::new(&id).unwrap());
    assert_eq!(r.device, "Moog Little Phatty");
    assert_eq!(r.kind, MessageKind::Identity);
    let guide = &reg().get("moog-little-phatty").unwrap().guide;
    assert!(
        guide.contains("SYSEX menu") && guide.contains("needs no menu"),
        "{guide}"
    );
}

#[test]
fn user_folder_overrides_and_bad_files_stay_local() {
    let dir = std::env::temp_dir().join(format!("sxv-devices-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let shipped = SHIPPED
        .iter()
        .find(|(f, _)| *f == "yamaha-dx7.toml")
        .unwrap()
        .1;
    std::fs::write(
        dir.join("my-dx7.toml"),
        shipped.replace("name = \"Yamaha DX7\"", "name = \"My DX7 (modded)\""),
    )
    .unwrap();
    std::fs::write(
        dir.join("broken.toml"),
        "id = \"broken\"\nname = \"B\"\nmaker = \"B\"\nsources = [\"x\"]\n\n[[message]]\nid = \"m\"\nlabel = \"M\"\nkind = \"program\"\nheader = \"F0 7X\"\n",
    )
    .unwrap();
    let r = Registry::load(Some(&dir));
    assert_eq!(
        r.all().len(),
        SHIPPED.len(),
        "every shipped definition still loads"
    );
    assert_eq!(r.get("yamaha-dx7").unwrap().name, "My DX7 (modded)");
    let (_, u) = dx7_voice_pair(0, "MINE");
    let rec = r.recognise(&SysEx::new(&dx7_single(0, &u)).unwrap());
    assert_eq!(rec.device, "My DX7 (modded)");
    let errors: Vec<String> = r.errors().iter().map(|e| e.to_string()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].ends_with("broken.toml:10:10: `7X` is not a hex byte"),
        "{}",
        errors[0]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_shipped_definition_can_be_replaced_from_the_user_folder() {
    let dir = std::env::temp_dir().join(format!("sxv-devices-all-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in SHIPPED {
        let mine = text.replacen("\nname = \"", "\nname = \"Mine: ", 1);
        assert_ne!(&mine, text, "{file} has a top-level name");
        std::fs::write(dir.join(file), mine).unwrap();
    }
    let r = Registry::load(Some(&dir));
    assert!(r.errors().is_empty(), "{:?}", r.errors());
    assert_eq!(r.all().len(), SHIPPED.len());
    for d in r.all() {
        assert!(d.name.starts_with("Mine: "), "{} still shipped", d.id);
        assert!(!d.file.starts_with("built-in/"), "{}", d.file);
        assert!(!d.sources.is_empty(), "{} cites no source", d.id);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_hostile_or_broken_user_file_is_refused_not_obeyed() {
    let head = "id = \"x\"\nname = \"X\"\nmaker = \"X\"\nsources = [\"s\"]\n";
    for (text, says) in [
        // A bad message before a bank whose slots point past it (used to index out of range).
        (
            "[[message]]\nid = \"bad\"\nlabel = \"B\"\nkind = \"other\"\nheader = \"F0 zz\"\n\
             [[message]]\nid = \"bank\"\nlabel = \"K\"\nkind = \"bank\"\nheader = \"F0 01\"\n\
             data = { from = 2, to = -1 }\nslots = { patch = \"p\", count = 2, stride = 1 }\n\
             [[message]]\nid = \"p\"\nlabel = \"P\"\nkind = \"program\"\nheader = \"F0 02\"\n\
             data = { from = 2, to = -1 }\n",
            "`zz` is not a hex byte",
        ),
        // Counts and offsets that would hang or exhaust memory.
        (
            "[[message]]\nid = \"bank\"\nlabel = \"K\"\nkind = \"bank\"\nheader = \"F0 01\"\n\
             data = { from = 2, to = -1 }\nslots = { count = 9000000000000000000, stride = 1, \
             name = { offset = 0, length = 1 } }\n",
            "slot counts to 16384",
        ),
        (
            "[[message]]\nid = \"m\"\nlabel = \"M\"\nkind = \"program\"\nheader = \"F0 01\"\n\
             data = { from = 2, to = -1 }\nname = { offset = 99999999999, length = 4 }\n",
            "offsets and sizes go up to",
        ),
        ("device_id = 200\n", "device_id is 0 to 127"),
        (
            "[[request]]\nid = \"r\"\nlabel = \"R\"\nkind = \"program\"\nbytes = \"F0 01 cs 02 F7\"\n\
             checksum = { rule = \"sum\", from = 3 }\n",
            "after its `cs`",
        ),
        (
            "[[request]]\nid = \"r\"\nlabel = \"R\"\nkind = \"program\"\nbytes = \"F0 01 prog_hi F7\"\n",
            "`prog_hi` needs a `prog`",
        ),
    ] {
        let r = Registry::from_texts(vec![("mine.toml".into(), format!("{head}{text}"))], []);
        assert!(r.all().is_empty(), "{text}");
        let all: Vec<String> = r.errors().iter().map(|e| e.to_string()).collect();
        assert!(all.iter().any(|e| e.contains(says)), "{says}: {all:?}");
    }
}

#[test]
fn damaged_banks_split_with_a_warning_and_banks_are_built_only_in_slot_order() {
    let names: Vec<String> = (0..32).map(|i| format!("V{i}")).collect();
    let (mut bank, singles) = dx7_bank(0, &names);
    bank[300] ^= 1;
    let split = reg().split_bank(&bank).unwrap().unwrap();
    assert_eq!(split.patches.len(), 32);
    assert!(!split.lossless, "the bank's own bytes do not come back");
    assert!(
        split.warnings[0].contains("checksum is wrong"),
        "{:?}",
        split.warnings
    );
    // A patch with a bad checksum is not built into a bank either.
    let mut patches = singles.clone();
    patches[3][20] ^= 1;
    let err = reg()
        .get("yamaha-dx7")
        .unwrap()
        .build_bank("bank", &patches)
        .unwrap_err();
    assert!(err.contains("patch 4's checksum is wrong"), "{err}");
    // Kawai K1 singles block: patches must be programs 0-31 (or 32-63) in order.
    let single = |p: u8| {
        let mut m = vec![0xF0, 0x40, 0x00, 0x20, 0x00, 0x03, 0x00, p];
        let data = padded(&format!("P{p}"), 87);
        m.extend(&data);
        m.push(((0xA5 + sum(&data)) & 0x7F) as u8);
        m.push(0xF7);
        m
    };
    let k1 = reg().get("kawai-k1").unwrap();
    let ordered: Vec<Vec<u8>> = (0..32).map(single).collect();
    assert!(k1.build_bank("singles", &ordered).is_ok());
    let shifted: Vec<Vec<u8>> = (16..48).map(single).collect();
    let err = k1.build_bank("singles", &shifted).unwrap_err();
    assert!(err.contains("multiple of 32"), "{err}");
    let mut swapped = ordered.clone();
    swapped.swap(1, 2);
    let err = k1.build_bank("singles", &swapped).unwrap_err();
    assert!(
        err.contains("patch 2 is program 2, slot 2 of the bank needs program 1"),
        "{err}"
    );
}

#[test]
fn the_shipped_list_in_the_docs_names_every_definition() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/devices-shipped.md"
    ))
    .unwrap();
    for d in Registry::shipped().all() {
        assert!(
            doc.contains(&format!("(`{}`)", d.id)),
            "docs/devices-shipped.md lacks {}",
            d.id
        );
        for s in &d.sources {
            assert!(
                doc.contains(s.as_str()),
                "docs/devices-shipped.md lacks a source of {}",
                d.id
            );
        }
    }
}
