//! Device definitions for Roland (Juno-106, Alpha Juno / MKS-50, D-50, JV-1080): fixtures built
//! byte by byte from the published formats (docs/research/roland-korg.md), with synthetic
//! parameter values and names.

mod fixture;

use fixture::*;
use sysex_vault::devices::{group_by_program, Fields, MessageKind};

/// A Roland DT1-style message: header, address, data, checksum over address + data, F7.
fn roland(head: &[u8], address: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = head.to_vec();
    m.extend(address);
    m.extend(data);
    m.push(twos(&m[head.len()..]));
    m.push(0xF7);
    m
}

// ---------------------------------------------------------------------------------------------
// Roland Juno-106

/// A Juno-106 dump (type 30 patch, 31 manual): channel, patch number, the sixteen slider values,
/// two switch bytes.
fn juno_dump(kind: u8, ch: u8, patch: u8, seed: usize) -> Vec<u8> {
    let mut m = vec![0xF0, 0x41, kind, ch, patch];
    m.extend(params(16, seed));
    // Switch byte 1: 8' range (bit 1), pulse on (bit 3), chorus on (bit 5 clear), level I
    // (bit 6).
    m.push(0b0100_1010);
    // Switch byte 2: PWM manual (bit 0), VCA gate (bit 1), HPF 1 (bits 4:3 = 10, inverted).
    m.push(0b0001_0011);
    m.push(0xF7);
    m
}

#[test]
fn juno_106_patch_manual_and_parameter_change() {
    // Patch number 75 (group B) on channel 3.
    let patch = juno_dump(0x30, 2, 75, 10);
    assert_eq!(patch.len(), 24);
    expect(
        &patch,
        Expect {
            definition: "roland-juno-106",
            message: "patch",
            kind: MessageKind::EditBuffer,
            names: &[],
            program: Some(75),
            checksum: None,
        },
    );
    assert_eq!(recognised(&patch).channel, Some(2));
    expect(
        &juno_dump(0x31, 0, 0, 40),
        Expect {
            definition: "roland-juno-106",
            message: "manual",
            kind: MessageKind::EditBuffer,
            names: &[],
            program: None,
            checksum: None,
        },
    );
    expect(
        &[0xF0, 0x41, 0x32, 0x05, 0x0A, 0x40, 0xF7],
        Expect {
            definition: "roland-juno-106",
            message: "parameter",
            kind: MessageKind::Data,
            names: &[],
            program: None,
            checksum: None,
        },
    );
    assert!(reg().get("roland-juno-106").unwrap().requests.is_empty());
}

#[test]
fn juno_106_patch_18_is_not_a_roland_dt1() {
    // Patch 18 puts 12h (the DT1 command) at offset 4; make the last data byte a valid Roland
    // checksum too, so the generic DT1 kind also matches: the Juno's header is more specific.
    let mut patch = juno_dump(0x30, 0, 18, 3);
    let n = patch.len();
    patch[n - 2] = twos(&patch[5..n - 2]);
    let r = recognised(&patch);
    assert_eq!(
        (r.definition.as_str(), r.message.as_deref(), r.program),
        ("roland-juno-106", Some("patch"), Some(18))
    );
}

// ---------------------------------------------------------------------------------------------
// Roland Alpha Juno / MKS-50

/// A name in the Alpha Juno / MKS-50 table (0-25 A-Z, 26-51 a-z, 52-61 0-9, 62 space, 63 '-'),
/// padded with spaces to 10 characters.
fn alpha_juno_name(text: &str) -> Vec<u8> {
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
    assert!(v.len() <= 10);
    v.resize(10, 62);
    v
}

/// One packed tone of a BLD message (32 bytes), from the published record description.
fn alpha_juno_packed_tone(k: usize, name: &str) -> Vec<u8> {
    let mut t = vec![0u8; 32];
    // Bytes 0-2: two 4-bit parameters each.
    for (i, b) in t.iter_mut().take(3).enumerate() {
        *b = ((k + i) % 16) as u8 | (((k + 2 * i + 5) % 16) as u8) << 4;
    }
    // Bytes 3-20: 7-bit parameters; bit 7 carries bits of the switch parameters.
    for (i, b) in t.iter_mut().enumerate().take(21).skip(3) {
        let switch_bit = if (i + k).is_multiple_of(3) { 0x80 } else { 0 };
        *b = ((k * 11 + i * 5) % 128) as u8 | switch_bit;
    }
    // Bytes 21-30: the name in the low 6 bits; bytes 27-30 carry chorus-rate bits on top.
    for (i, c) in alpha_juno_name(name).into_iter().enumerate() {
        let top = if i >= 6 {
            (((k + i) % 4) as u8) << 6
        } else {
            0
        };
        t[21 + i] = c | top;
    }
    // Byte 31 is not described in the notes; it stays 0.
    t
}

#[test]
fn alpha_juno_tone_apr_and_ipr() {
    let mut apr = vec![0xF0, 0x41, 0x35, 0x01, 0x23, 0x20, 0x01];
    apr.extend(params(36, 9));
    apr.extend(alpha_juno_name("Brass 2-b"));
    apr.push(0xF7);
    assert_eq!(apr.len(), 54);
    expect(
        &apr,
        Expect {
            definition: "roland-alpha-juno",
            message: "tone-apr",
            kind: MessageKind::EditBuffer,
            names: &["Brass 2-b"],
            program: None,
            checksum: None,
        },
    );
    assert_eq!(recognised(&apr).channel, Some(1));
    // The captured IPR example: tone parameter 11h set to 0.
    expect(
        &[0xF0, 0x41, 0x36, 0x00, 0x23, 0x20, 0x01, 0x11, 0x00, 0xF7],
        Expect {
            definition: "roland-alpha-juno",
            message: "tone-ipr",
            kind: MessageKind::Data,
            names: &[],
            program: None,
            checksum: None,
        },
    );
    // There is no dump request to send.
    assert!(reg().get("roland-alpha-juno").unwrap().requests.is_empty());
}

#[test]
fn alpha_juno_tone_bulk_dump_names_four_tones() {
    let names = ["Pad 0", "SynBass-9", "Zz Zz Zz", "abcXYZ0129"];
    let tones: Vec<Vec<u8>> = names
        .iter()
        .enumerate()
        .map(|(k, n)| alpha_juno_packed_tone(k, n))
        .collect();
    // Tones 8-11 of the bank: offset 7 is the program number extension (00), 8 the first tone.
    let mut bld = vec![0xF0, 0x41, 0x37, 0x00, 0x23, 0x20, 0x01, 0x00, 8];
    for t in &tones {
        bld.extend(nibbles_low_first(t));
    }
    bld.push(0xF7);
    assert_eq!(bld.len(), 266);
    // Tone k starts at offset 9 + 64k, low nibble first.
    assert_eq!(bld[9 + 64], tones[1][0] & 0x0F);
    assert_eq!(bld[9 + 64 + 1], tones[1][0] >> 4);
    expect(
        &bld,
        Expect {
            definition: "roland-alpha-juno",
            message: "tone-bld",
            kind: MessageKind::Bank,
            names: &names,
            program: Some(8),
            checksum: None,
        },
    );
    assert!(reg().split_bank(&bld).is_none(), "names only, no split");
}

// ---------------------------------------------------------------------------------------------
// Roland D-50

/// A name in the D-50 table (0 space, 1-26 A-Z, 27-52 a-z, 53-61 1-9, 62 0, 63 '-'), padded with
/// spaces.
fn d50_name(text: &str, len: usize) -> Vec<u8> {
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
    assert!(v.len() <= len);
    v.resize(len, 0);
    v
}

const D50_DT1: [u8; 5] = [0xF0, 0x41, 0x00, 0x14, 0x12];

#[test]
fn d50_temporary_patch_block_names_the_patch() {
    // The patch block: name 0-17, key mode 18, parameters up to 36, the rest of the 64 unused.
    let mut block = d50_name("Warm Pad 2000-X", 18);
    block.push(2);
    block.extend(params(18, 21));
    block.resize(64, 0);
    let m = roland(&D50_DT1, &[0x00, 0x03, 0x00], &block);
    assert_eq!(m.len(), 74);
    expect(
        &m,
        Expect {
            definition: "roland-d50",
            message: "temporary-patch",
            kind: MessageKind::EditBuffer,
            names: &["Warm Pad 2000-X"],
            program: None,
            checksum: Some(true),
        },
    );
    assert!(recognised(&m).detail.ends_with("address 00 03 00"));
    bad_checksum_is_caught_and_fixable(&m, 30);

    // The upper common block is plain data.
    let common = roland(&D50_DT1, &[0x00, 0x01, 0x00], &params(64, 5));
    expect(
        &common,
        Expect {
            definition: "roland-d50",
            message: "dt1",
            kind: MessageKind::Data,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&common, 12);
}

#[test]
fn d50_requests_and_handshake() {
    // The manual's examples: RQ1 of the upper common (3F), WSD and RQD of patch 1-1 (3B).
    let rq1 = roland(
        &[0xF0, 0x41, 0x00, 0x14, 0x11],
        &[0x00, 0x01, 0x00],
        &[0x00, 0x00, 0x40],
    );
    assert_eq!(rq1[11], 0x3F);
    expect(
        &rq1,
        Expect {
            definition: "roland-d50",
            message: "rq1",
            kind: MessageKind::Request,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
    let wsd = roland(
        &[0xF0, 0x41, 0x00, 0x14, 0x40],
        &[0x02, 0x00, 0x00],
        &[0x00, 0x03, 0x40],
    );
    assert_eq!(wsd[11], 0x3B);
    expect(
        &wsd,
        Expect {
            definition: "roland-d50",
            message: "wsd",
            kind: MessageKind::Other,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
    let mut rqd = wsd;
    rqd[4] = 0x41;
    expect(
        &rqd,
        Expect {
            definition: "roland-d50",
            message: "rqd",
            kind: MessageKind::Request,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
    let dat = roland(
        &[0xF0, 0x41, 0x00, 0x14, 0x42],
        &[0x02, 0x00, 0x00],
        &params(256, 1),
    );
    expect(
        &dat,
        Expect {
            definition: "roland-d50",
            message: "dat",
            kind: MessageKind::Data,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
    for (op, id, kind) in [
        (0x43, "ack", MessageKind::Reply),
        (0x45, "eod", MessageKind::Other),
        (0x4E, "err", MessageKind::Reply),
        (0x4F, "rjc", MessageKind::Reply),
    ] {
        expect(
            &[0xF0, 0x41, 0x00, 0x14, op, 0xF7],
            Expect {
                definition: "roland-d50",
                message: id,
                kind,
                names: &[],
                program: None,
                checksum: None,
            },
        );
    }
    assert_eq!(
        request("roland-d50", "temporary", channel(0)),
        vec![vec![
            0xF0, 0x41, 0x00, 0x14, 0x11, 0x00, 0x00, 0x00, 0x00, 0x03, 0x40, 0x3D, 0xF7
        ]]
    );
    assert_eq!(
        request("roland-d50", "temporary", channel(3)),
        vec![vec![
            0xF0, 0x41, 0x03, 0x14, 0x11, 0x00, 0x00, 0x00, 0x00, 0x03, 0x40, 0x3D, 0xF7
        ]]
    );
    assert_eq!(
        request("roland-d50", "internal-patches", channel(0)),
        vec![vec![
            0xF0, 0x41, 0x00, 0x14, 0x11, 0x02, 0x00, 0x00, 0x01, 0x60, 0x00, 0x1D, 0xF7
        ]]
    );
}

// ---------------------------------------------------------------------------------------------
// Roland JV-1080

/// A JV-1080 patch as five DT1 messages at `area` (03 00 temporary, 11 pp user): the common block
/// (72 bytes, name first) and four tone blocks (129 bytes each).
fn jv_patch(dev: u8, area: [u8; 2], name: &str, seed: usize) -> Vec<Vec<u8>> {
    let head = [0xF0, 0x41, dev, 0x6A, 0x12];
    let mut common = padded(name, 12);
    common.extend(params(60, seed));
    let mut out = vec![roland(&head, &[area[0], area[1], 0x00, 0x00], &common)];
    for (t, block) in [0x10, 0x12, 0x14, 0x16].into_iter().enumerate() {
        let tone = params(129, seed + 3 * t + 1);
        out.push(roland(&head, &[area[0], area[1], block, 0x00], &tone));
    }
    out
}

#[test]
fn jv1080_temporary_patch() {
    let patch = jv_patch(0x10, [0x03, 0x00], "Velo Strings", 4);
    assert_eq!(patch[0].len(), 83);
    expect(
        &patch[0],
        Expect {
            definition: "roland-jv1080",
            message: "temporary-common",
            kind: MessageKind::EditBuffer,
            names: &["Velo Strings"],
            program: None,
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&patch[0], 30);
    for (t, m) in patch[1..].iter().enumerate() {
        assert_eq!(m.len(), 140);
        let id = format!("temporary-tone-{}", t + 1);
        expect(
            m,
            Expect {
                definition: "roland-jv1080",
                message: &id,
                kind: MessageKind::Data,
                names: &[],
                program: None,
                checksum: Some(true),
            },
        );
    }
    bad_checksum_is_caught_and_fixable(&patch[3], 100);
}

#[test]
fn jv1080_user_patches_carry_their_program_and_group() {
    let fourth = jv_patch(0x10, [0x11, 4], "Pad 5", 8);
    let fifth = jv_patch(0x10, [0x11, 5], "Lead 6", 30);
    expect(
        &fourth[0],
        Expect {
            definition: "roland-jv1080",
            message: "user-common",
            kind: MessageKind::SinglePreset,
            names: &["Pad 5"],
            program: Some(4),
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&fourth[0], 20);
    expect(
        &fifth[2],
        Expect {
            definition: "roland-jv1080",
            message: "user-tone-2",
            kind: MessageKind::Data,
            names: &[],
            program: Some(5),
            checksum: Some(true),
        },
    );
    let all: Vec<Vec<u8>> = fourth.iter().chain(&fifth).cloned().collect();
    let groups = group_by_program(reg(), &all).expect("every message has a program");
    assert_eq!(groups, vec![fourth, fifth]);

    // Other addresses (system common) are plain DT1 data.
    let system = roland(
        &[0xF0, 0x41, 0x10, 0x6A, 0x12],
        &[0, 0, 0, 0],
        &params(40, 2),
    );
    expect(
        &system,
        Expect {
            definition: "roland-jv1080",
            message: "dt1",
            kind: MessageKind::Data,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
    assert!(recognised(&system).detail.ends_with("address 00 00 00 00"));
    // The RQ1 for the temporary common, as the notes derive it (checksum 35).
    let rq1 = roland(
        &[0xF0, 0x41, 0x10, 0x6A, 0x11],
        &[3, 0, 0, 0],
        &[0, 0, 0, 0x48],
    );
    assert_eq!(rq1[13], 0x35);
    expect(
        &rq1,
        Expect {
            definition: "roland-jv1080",
            message: "rq1",
            kind: MessageKind::Request,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
}

#[test]
fn jv1080_requests() {
    assert_eq!(
        request("roland-jv1080", "temporary-patch", Fields::default()),
        vec![
            vec![0xF0, 0x41, 0x10, 0x6A, 0x11, 0x03, 0, 0, 0, 0, 0, 0, 0x48, 0x35, 0xF7],
            vec![0xF0, 0x41, 0x10, 0x6A, 0x11, 0x03, 0, 0x10, 0, 0, 0, 1, 1, 0x6B, 0xF7],
            vec![0xF0, 0x41, 0x10, 0x6A, 0x11, 0x03, 0, 0x12, 0, 0, 0, 1, 1, 0x69, 0xF7],
            vec![0xF0, 0x41, 0x10, 0x6A, 0x11, 0x03, 0, 0x14, 0, 0, 0, 1, 1, 0x67, 0xF7],
            vec![0xF0, 0x41, 0x10, 0x6A, 0x11, 0x03, 0, 0x16, 0, 0, 0, 1, 1, 0x65, 0xF7],
        ]
    );
    let user_5 = Fields {
        program: Some(4),
        ..Fields::default()
    };
    assert_eq!(
        request("roland-jv1080", "user-patch", user_5),
        vec![
            vec![0xF0, 0x41, 0x10, 0x6A, 0x11, 0x11, 4, 0, 0, 0, 0, 0, 0x48, 0x23, 0xF7],
            vec![0xF0, 0x41, 0x10, 0x6A, 0x11, 0x11, 4, 0x10, 0, 0, 0, 1, 1, 0x59, 0xF7],
            vec![0xF0, 0x41, 0x10, 0x6A, 0x11, 0x11, 4, 0x12, 0, 0, 0, 1, 1, 0x57, 0xF7],
            vec![0xF0, 0x41, 0x10, 0x6A, 0x11, 0x11, 4, 0x14, 0, 0, 0, 1, 1, 0x55, 0xF7],
            vec![0xF0, 0x41, 0x10, 0x6A, 0x11, 0x11, 4, 0x16, 0, 0, 0, 1, 1, 0x53, 0xF7],
        ]
    );
    // Device 11h, user patch 128.
    let last = Fields {
        device: Some(0x11),
        program: Some(127),
        ..Fields::default()
    };
    let r = request("roland-jv1080", "user-patch", last);
    assert_eq!(
        r[0],
        vec![0xF0, 0x41, 0x11, 0x6A, 0x11, 0x11, 0x7F, 0, 0, 0, 0, 0, 0x48, 0x28, 0xF7]
    );
    assert_eq!(
        r[1],
        vec![0xF0, 0x41, 0x11, 0x6A, 0x11, 0x11, 0x7F, 0x10, 0, 0, 0, 1, 1, 0x5E, 0xF7]
    );
}
