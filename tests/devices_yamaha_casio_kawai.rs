//! Device definitions for the Yamaha 4-op family (TX81Z, DX21, DX27, DX100), the Korg volca fm,
//! the Casio CZ-101/1000 and the Kawai K1 and K4: fixtures built byte by byte from the formats
//! in docs/research/yamaha-casio-kawai.md §2–6, with synthetic parameter values and names.

mod fixture;

use fixture::*;
use sysex_vault::devices::{Fields, MessageKind};
use sysex_vault::sysex::checksum::ChecksumStatus;
use sysex_vault::sysex::SysEx;

fn fields(channel: u8, bank: u8, program: u16) -> Fields {
    Fields {
        channel: Some(channel),
        bank: Some(bank),
        program: Some(program),
        ..Fields::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Yamaha 4-op: VCED 93 bytes (OP4, OP2, OP3, OP1 × 13, voice-wide 52–76, name 77–86, pitch EG
// 87–92), ACED 23 bytes, VMEM 32 × 128 packed bytes.

/// The 93 VCED bytes of synthetic voice `v`.
fn fourop_vced(v: usize, name: &str) -> Vec<u8> {
    let mut d = Vec::with_capacity(93);
    for k in 0..4 {
        let s = v + 3 * k;
        d.extend([
            (s % 32) as u8,             // AR
            ((s + 3) % 32) as u8,       // D1R
            ((s + 5) % 32) as u8,       // D2R
            ((s + 1) % 16) as u8,       // RR
            ((s + 2) % 16) as u8,       // D1L
            ((s * 7) % 100) as u8,      // level scaling
            (s % 4) as u8,              // rate scaling
            ((s + 1) % 8) as u8,        // EG bias sensitivity
            (s % 2) as u8,              // amp-mod enable
            ((s + 2) % 8) as u8,        // key velocity sensitivity
            ((s * 3 + 60) % 100) as u8, // output level
            ((s * 5) % 64) as u8,       // coarse frequency
            (s % 7) as u8,              // detune
        ]);
    }
    d.extend([
        (v % 8) as u8,          // 52 algorithm
        ((v + 1) % 8) as u8,    // 53 feedback
        ((v * 3) % 100) as u8,  // 54 LFO speed
        ((v * 5) % 100) as u8,  // 55 LFO delay
        ((v * 7) % 100) as u8,  // 56 pitch-mod depth
        ((v * 11) % 100) as u8, // 57 amp-mod depth
        (v % 2) as u8,          // 58 LFO sync
        (v % 4) as u8,          // 59 LFO wave
        ((v + 2) % 8) as u8,    // 60 pitch-mod sensitivity
        ((v + 1) % 4) as u8,    // 61 amp-mod sensitivity
        24,                     // 62 transpose
        ((v + 1) % 2) as u8,    // 63 poly/mono
        (v % 13) as u8,         // 64 pitch-bend range
        (v % 2) as u8,          // 65 portamento mode
        ((v * 13) % 100) as u8, // 66 portamento time
        ((v * 17) % 100) as u8, // 67 foot volume
        ((v + 1) % 2) as u8,    // 68 sustain
        (v % 2) as u8,          // 69 portamento on
        ((v / 2) % 2) as u8,    // 70 chorus
        ((v * 19) % 100) as u8, // 71 mod-wheel pitch
        ((v * 23) % 100) as u8, // 72 mod-wheel amplitude
        ((v * 29) % 100) as u8, // 73 breath pitch
        ((v * 31) % 100) as u8, // 74 breath amplitude
        ((v * 37) % 100) as u8, // 75 breath pitch bias
        ((v * 41) % 100) as u8, // 76 breath EG bias
    ]);
    d.extend(padded(name, 10));
    d.extend([99, 99, 99, 50, 50, 50]); // 87–92 pitch EG (DX21)
    assert_eq!(d.len(), 93);
    d
}

/// The 23 ACED bytes of synthetic voice `v`: per operator fixed on/off, fixed range, fine,
/// waveform, EG shift; then reverb rate, foot pitch, foot amplitude.
fn fourop_aced(v: usize) -> Vec<u8> {
    let mut d = Vec::with_capacity(23);
    for k in 0..4 {
        let s = v + k;
        d.extend([
            (s % 2) as u8,
            (s % 8) as u8,
            ((s * 3) % 16) as u8,
            ((s + 1) % 8) as u8,
            (s % 4) as u8,
        ]);
    }
    d.extend([(v % 8) as u8, ((v * 3) % 100) as u8, ((v * 7) % 100) as u8]);
    assert_eq!(d.len(), 23);
    d
}

/// One VMEM voice, packed from VCED and ACED values with the bit map of the notes.
fn fourop_packed(u: &[u8], a: &[u8]) -> Vec<u8> {
    let mut p = vec![0u8; 128];
    for k in 0..4 {
        let (pb, ub) = (10 * k, 13 * k);
        p[pb..pb + 6].copy_from_slice(&u[ub..ub + 6]);
        p[pb + 6] = u[ub + 8] << 6 | u[ub + 7] << 3 | u[ub + 9];
        p[pb + 7] = u[ub + 10];
        p[pb + 8] = u[ub + 11];
        p[pb + 9] = u[ub + 6] << 3 | u[ub + 12];
        let ab = 5 * k;
        p[73 + 2 * k] = a[ab + 4] << 4 | a[ab] << 3 | a[ab + 1];
        p[74 + 2 * k] = a[ab + 3] << 4 | a[ab + 2];
    }
    p[40] = u[52] | u[53] << 3 | u[58] << 6;
    p[41..45].copy_from_slice(&u[54..58]);
    p[45] = u[59] | u[61] << 2 | u[60] << 4;
    p[46] = u[62];
    p[47] = u[64];
    p[48] = u[65] | u[69] << 1 | u[68] << 2 | u[63] << 3 | u[70] << 4;
    p[49] = u[66];
    p[50] = u[67];
    p[51..57].copy_from_slice(&u[71..77]);
    p[57..67].copy_from_slice(&u[77..87]);
    p[67..73].copy_from_slice(&u[87..93]);
    p[81..84].copy_from_slice(&a[20..23]);
    assert!(p.iter().all(|&b| b < 0x80));
    p
}

/// Header, data, Yamaha checksum over `cs_from..` (message offsets), F7.
fn yamaha_message(header: &[u8], data: &[u8], cs_from: usize) -> Vec<u8> {
    let mut m = header.to_vec();
    m.extend(data);
    let cs = twos(&m[cs_from..]);
    m.push(cs);
    m.push(0xF7);
    m
}

fn tx81z_7e(count: u8, signature: &[u8; 10], data: &[u8], channel: u8) -> Vec<u8> {
    let mut header = vec![0xF0, 0x43, channel, 0x7E, 0x00, count];
    header.extend(signature);
    yamaha_message(&header, data, 6)
}

#[test]
fn yamaha_4op_single_voice() {
    let vced = fourop_vced(5, "BRASS 4OP");
    let bytes = yamaha_message(&[0xF0, 0x43, 0x05, 0x03, 0x00, 0x5D], &vced, 6);
    assert_eq!(bytes.len(), 101);
    expect(
        &bytes,
        Expect {
            definition: "yamaha-4op",
            message: "voice",
            kind: MessageKind::EditBuffer,
            names: &["BRASS 4OP"],
            program: None,
            checksum: Some(true),
        },
    );
    let r = reg().recognise(&SysEx::new(&bytes).unwrap());
    assert_eq!(r.channel, Some(5));
    bad_checksum_is_caught_and_fixable(&bytes, 20);
}

#[test]
fn yamaha_4op_tx81z_additional_and_performance_data() {
    let aced = fourop_aced(7);
    let bytes = tx81z_7e(0x21, b"LM  8976AE", &aced, 0x00);
    assert_eq!(bytes.len(), 41);
    expect(
        &bytes,
        Expect {
            definition: "yamaha-4op",
            message: "aced",
            kind: MessageKind::Data,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&bytes, 20);
    // The signature is part of the checksummed data: a checksum over the 23 values alone is wrong.
    let mut data_only = bytes.clone();
    data_only[39] = twos(&aced);
    let r = reg().recognise(&SysEx::new(&data_only).unwrap());
    assert!(
        matches!(r.checksum, ChecksumStatus::Invalid { .. }),
        "{:?}",
        r.checksum
    );

    // PCED: byte count 00 78 = the signature and 110 data bytes.
    let pced: Vec<u8> = (0..110).map(|i| (i * 7 % 100) as u8).collect();
    let bytes = tx81z_7e(0x78, b"LM  8976PE", &pced, 0x03);
    assert_eq!(bytes.len(), 128);
    expect(
        &bytes,
        Expect {
            definition: "yamaha-4op",
            message: "pced",
            kind: MessageKind::EditBuffer,
            names: &[],
            program: None,
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&bytes, 50);
}

#[test]
fn yamaha_4op_bank_is_named_not_split() {
    let names: Vec<String> = (0..32).map(|i| format!("4OP VOX {i:02}")).collect();
    let mut data = Vec::new();
    for (v, name) in names.iter().enumerate() {
        data.extend(fourop_packed(&fourop_vced(v, name), &fourop_aced(v)));
    }
    let bank = yamaha_message(&[0xF0, 0x43, 0x02, 0x04, 0x20, 0x00], &data, 6);
    assert_eq!(bank.len(), 4104);
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    expect(
        &bank,
        Expect {
            definition: "yamaha-4op",
            message: "bank",
            kind: MessageKind::Bank,
            names: &want,
            program: None,
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&bank, 300);
    assert!(
        reg().split_bank(&bank).is_none(),
        "the 4-op packing has no layout yet"
    );
}

#[test]
fn yamaha_4op_requests() {
    assert_eq!(
        request("yamaha-4op", "voice", channel(0)),
        vec![vec![0xF0, 0x43, 0x20, 0x03, 0xF7]]
    );
    assert_eq!(
        request("yamaha-4op", "voice-aced", channel(3)),
        vec![vec![
            0xF0, 0x43, 0x23, 0x7E, 0x4C, 0x4D, 0x20, 0x20, 0x38, 0x39, 0x37, 0x36, 0x41, 0x45,
            0xF7
        ]]
    );
    assert_eq!(
        request("yamaha-4op", "bank", channel(15)),
        vec![vec![0xF0, 0x43, 0x2F, 0x04, 0xF7]]
    );
}

// ---------------------------------------------------------------------------------------------
// Korg volca fm: DX7 messages only.

/// 155 bytes of synthetic DX7 single-voice data (six operators of 21 bytes, voice-wide 126–144,
/// name 145–154).
fn dx7_vced(name: &str) -> Vec<u8> {
    let mut u = Vec::with_capacity(155);
    for k in 0..6u8 {
        u.extend([99, 80 + k, 70, 60, 99, 90 - k, 50, 0, 39, 10 + k, 5]); // rates, levels, scaling
        u.extend([k % 4, (k + 1) % 4, k % 8, k % 4, (k + 2) % 8, 90 - 3 * k]);
        u.extend([k % 2, k + 1, 10 * k, 7]); // mode, coarse, fine, detune
    }
    u.extend([99, 99, 99, 99, 50, 50, 50, 50]); // pitch EG
    u.extend([4, 6, 1, 35, 0, 0, 0, 1, 0, 3, 24]); // algorithm … transpose
    u.extend(padded(name, 10));
    assert_eq!(u.len(), 155);
    u
}

#[test]
fn volca_fm_has_a_guide_and_leaves_its_dx7_messages_to_the_dx7() {
    let d = reg()
        .get("korg-volca-fm")
        .expect("the volca fm definition loads");
    assert!(d.messages.is_empty() && d.requests.is_empty());
    assert!(
        d.guide.contains("offset 161") && d.guide.contains("operator"),
        "{}",
        d.guide
    );
    // A voice prepared for the volca: all six operators on (3F) where the DX7 has its checksum.
    let u = dx7_vced("VOLCA EP");
    assert_ne!(
        twos(&u),
        0x3F,
        "the fixture must not carry a valid DX7 checksum by chance"
    );
    let mut m = vec![0xF0, 0x43, 0x00, 0x00, 0x01, 0x1B];
    m.extend(&u);
    m.push(0x3F);
    m.push(0xF7);
    assert_eq!(m.len(), 163);
    expect(
        &m,
        Expect {
            definition: "yamaha-dx7",
            message: "voice",
            kind: MessageKind::EditBuffer,
            names: &["VOLCA EP"],
            program: None,
            checksum: Some(false),
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Casio CZ-101/1000: 128 tone bytes as 256 nibbles, low nibble first; no name, no checksum.

fn cz_tone() -> Vec<u8> {
    (0..128).map(|i| ((i * 37 + 11) % 256) as u8).collect()
}

#[test]
fn casio_cz_tone_forms() {
    let nibbles = nibbles_low_first(&cz_tone());
    assert_eq!(nibbles.len(), 256);
    // Ready to write to internal 3 (location 22), channel 2.
    let mut write = vec![0xF0, 0x44, 0x00, 0x00, 0x71, 0x20, 0x22];
    write.extend(&nibbles);
    write.push(0xF7);
    assert_eq!(write.len(), 264);
    expect(
        &write,
        Expect {
            definition: "casio-cz",
            message: "tone",
            kind: MessageKind::SinglePreset,
            names: &[],
            program: Some(0x22),
            checksum: None,
        },
    );
    let r = reg().recognise(&SysEx::new(&write).unwrap());
    assert_eq!(r.channel, Some(1));
    assert!(!r.detail.contains("does not decode"), "{}", r.detail);
    // The sound area (60) is the current tone.
    let mut area = write.clone();
    area[6] = 0x60;
    expect(
        &area,
        Expect {
            definition: "casio-cz",
            message: "sound-area",
            kind: MessageKind::EditBuffer,
            names: &[],
            program: None,
            checksum: None,
        },
    );
    // As received after a send request: the CZ's ready header, the tone, F7.
    let mut reply = vec![0xF0, 0x44, 0x00, 0x00, 0x71, 0x30];
    reply.extend(&nibbles);
    reply.push(0xF7);
    assert_eq!(reply.len(), 263);
    expect(
        &reply,
        Expect {
            definition: "casio-cz",
            message: "tone-reply",
            kind: MessageKind::SinglePreset,
            names: &[],
            program: None,
            checksum: None,
        },
    );
    let r = reg().recognise(&SysEx::new(&reply).unwrap());
    assert!(!r.detail.contains("does not decode"), "{}", r.detail);
}

#[test]
fn casio_cz_one_shot_request() {
    let f = Fields {
        channel: Some(1),
        program: Some(0x22),
        ..Fields::default()
    };
    assert_eq!(
        request("casio-cz", "tone", f),
        vec![vec![
            0xF0, 0x44, 0x00, 0x00, 0x71, 0x10, 0x22, 0x71, 0x31, 0xF7
        ]]
    );
}

// ---------------------------------------------------------------------------------------------
// Kawai K1 and K4: F0 40 0n ff 00 id ss pp, each patch followed by (A5 + Σ data) & 7F.

fn kawai_cs(data: &[u8]) -> u8 {
    ((0xA5 + sum(data)) & 0x7F) as u8
}

/// `len` bytes of synthetic patch data: the name, then values below 100.
fn kawai_data(len: usize, name: &str, seed: usize) -> Vec<u8> {
    let mut d = padded(name, 10);
    d.extend((10..len).map(|i| ((i * 13 + seed * 7) % 100) as u8));
    d
}

/// A data entry with its checksum, as it appears in a patch message and in a block.
fn kawai_entry(data: &[u8]) -> Vec<u8> {
    let mut e = data.to_vec();
    e.push(kawai_cs(data));
    e
}

fn kawai_message(head: [u8; 8], entries: &[Vec<u8>]) -> Vec<u8> {
    let mut m = head.to_vec();
    for e in entries {
        m.extend(e);
    }
    m.push(0xF7);
    m
}

#[test]
fn kawai_k1_single_and_multi() {
    let single = kawai_entry(&kawai_data(87, "Fretboard", 1));
    let m = kawai_message([0xF0, 0x40, 0x02, 0x20, 0x00, 0x03, 0x01, 0x25], &[single]);
    assert_eq!(m.len(), 97);
    expect(
        &m,
        Expect {
            definition: "kawai-k1",
            message: "single",
            kind: MessageKind::SinglePreset,
            names: &["Fretboard"],
            program: Some(0x25),
            checksum: Some(true),
        },
    );
    let r = reg().recognise(&SysEx::new(&m).unwrap());
    assert_eq!((r.channel, r.bank), (Some(2), Some(1)), "channel 3, card");
    bad_checksum_is_caught_and_fixable(&m, 30);

    let multi = kawai_entry(&kawai_data(75, "Split Bass", 2));
    let m = kawai_message([0xF0, 0x40, 0x00, 0x20, 0x00, 0x03, 0x00, 0x45], &[multi]);
    assert_eq!(m.len(), 85);
    expect(
        &m,
        Expect {
            definition: "kawai-k1",
            message: "multi",
            kind: MessageKind::SinglePreset,
            names: &["Split Bass"],
            program: Some(0x45),
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&m, 40);
}

/// A K1 or K4 block and the patch messages it splits into: `id` the model ID (03 K1, 04 K4),
/// `bb` the block byte, `first` the first patch's program.
fn kawai_block(
    id: u8,
    ch: u8,
    ss: u8,
    bb: u8,
    first: u8,
    sizes: (usize, usize),
    prefix: &str,
) -> (Vec<u8>, Vec<Vec<u8>>, Vec<String>) {
    let (count, len) = sizes;
    let names: Vec<String> = (0..count).map(|i| format!("{prefix}{i:02}")).collect();
    let entries: Vec<Vec<u8>> = names
        .iter()
        .enumerate()
        .map(|(i, n)| kawai_entry(&kawai_data(len, n, i)))
        .collect();
    let block = kawai_message([0xF0, 0x40, ch, 0x21, 0x00, id, ss, bb], &entries);
    let patches = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let pp = first + i as u8;
            kawai_message(
                [0xF0, 0x40, ch, 0x20, 0x00, id, ss, pp],
                std::slice::from_ref(e),
            )
        })
        .collect();
    (block, patches, names)
}

#[test]
fn kawai_k1_blocks_split_and_build() {
    // Lower bank of singles (a1–d8, block byte 20), internal, channel 1.
    let (block, patches, names) = kawai_block(0x03, 0x00, 0x00, 0x20, 0x20, (32, 87), "Lower ");
    assert_eq!(block.len(), 2825);
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    expect(
        &block,
        Expect {
            definition: "kawai-k1",
            message: "singles",
            kind: MessageKind::Bank,
            names: &want,
            program: Some(0x20),
            checksum: None,
        },
    );
    assert_eq!(patches[31][7], 0x3F, "d8 of the lower bank");
    split_and_build("kawai-k1", "singles", &block, &patches);

    // Upper bank (A1–D8, block byte 00) on the card, channel 16.
    let (block, patches, _) = kawai_block(0x03, 0x0F, 0x01, 0x00, 0x00, (32, 87), "Upper ");
    let r = reg().recognise(&SysEx::new(&block).unwrap());
    assert_eq!((r.program, r.bank, r.channel), (Some(0), Some(1), Some(15)));
    split_and_build("kawai-k1", "singles", &block, &patches);

    // 32 multis (block byte 40): multis 40–5F.
    let (block, patches, names) = kawai_block(0x03, 0x04, 0x00, 0x40, 0x40, (32, 75), "Multi ");
    assert_eq!(block.len(), 2441);
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    expect(
        &block,
        Expect {
            definition: "kawai-k1",
            message: "multis",
            kind: MessageKind::Bank,
            names: &want,
            program: None,
            checksum: None,
        },
    );
    assert_eq!(patches[31][7], 0x5F);
    split_and_build("kawai-k1", "multis", &block, &patches);
}

#[test]
fn kawai_k1_requests() {
    assert_eq!(
        request("kawai-k1", "patch", fields(2, 1, 0x25)),
        vec![vec![0xF0, 0x40, 0x02, 0x00, 0x00, 0x03, 0x01, 0x25, 0xF7]]
    );
    let block = |id: &str| request("kawai-k1", id, fields(0, 0, 0));
    assert_eq!(
        block("singles-upper"),
        vec![vec![0xF0, 0x40, 0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0xF7]]
    );
    assert_eq!(
        block("singles-lower"),
        vec![vec![0xF0, 0x40, 0x00, 0x01, 0x00, 0x03, 0x00, 0x20, 0xF7]]
    );
    assert_eq!(
        block("multis"),
        vec![vec![0xF0, 0x40, 0x00, 0x01, 0x00, 0x03, 0x00, 0x40, 0xF7]]
    );
}

#[test]
fn kawai_k4_single_multi_and_edit_buffer() {
    let single = kawai_entry(&kawai_data(130, "Warm Pad", 3));
    let m = kawai_message(
        [0xF0, 0x40, 0x01, 0x20, 0x00, 0x04, 0x02, 0x0A],
        std::slice::from_ref(&single),
    );
    assert_eq!(m.len(), 140);
    expect(
        &m,
        Expect {
            definition: "kawai-k4",
            message: "single",
            kind: MessageKind::SinglePreset,
            names: &["Warm Pad"],
            program: Some(10),
            checksum: Some(true),
        },
    );
    let r = reg().recognise(&SysEx::new(&m).unwrap());
    assert_eq!((r.channel, r.bank), (Some(1), Some(2)), "channel 2, card");
    bad_checksum_is_caught_and_fixable(&m, 100);

    let edit = kawai_message([0xF0, 0x40, 0x01, 0x23, 0x00, 0x04, 0x00, 0x00], &[single]);
    expect(
        &edit,
        Expect {
            definition: "kawai-k4",
            message: "single-edit",
            kind: MessageKind::EditBuffer,
            names: &["Warm Pad"],
            program: None,
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&edit, 60);

    let multi = kawai_entry(&kawai_data(76, "Layer 2", 4));
    let m = kawai_message(
        [0xF0, 0x40, 0x00, 0x20, 0x00, 0x04, 0x00, 0x7F],
        std::slice::from_ref(&multi),
    );
    assert_eq!(m.len(), 86);
    expect(
        &m,
        Expect {
            definition: "kawai-k4",
            message: "multi",
            kind: MessageKind::SinglePreset,
            names: &["Layer 2"],
            program: Some(0x7F),
            checksum: Some(true),
        },
    );
    bad_checksum_is_caught_and_fixable(&m, 20);

    let edit = kawai_message([0xF0, 0x40, 0x00, 0x23, 0x00, 0x04, 0x00, 0x40], &[multi]);
    expect(
        &edit,
        Expect {
            definition: "kawai-k4",
            message: "multi-edit",
            kind: MessageKind::EditBuffer,
            names: &["Layer 2"],
            program: None,
            checksum: Some(true),
        },
    );
}

#[test]
fn kawai_k4_blocks_split_and_build() {
    let (block, patches, names) = kawai_block(0x04, 0x00, 0x00, 0x00, 0x00, (64, 130), "Single ");
    assert_eq!(block.len(), 8393);
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    expect(
        &block,
        Expect {
            definition: "kawai-k4",
            message: "singles",
            kind: MessageKind::Bank,
            names: &want,
            program: None,
            checksum: None,
        },
    );
    split_and_build("kawai-k4", "singles", &block, &patches);

    // 64 multis from the card (02), channel 10: multis 40–7F.
    let (block, patches, names) = kawai_block(0x04, 0x09, 0x02, 0x40, 0x40, (64, 76), "Multi ");
    assert_eq!(block.len(), 4937);
    assert_eq!(patches[63][7], 0x7F);
    let want: Vec<&str> = names.iter().map(String::as_str).collect();
    expect(
        &block,
        Expect {
            definition: "kawai-k4",
            message: "multis",
            kind: MessageKind::Bank,
            names: &want,
            program: None,
            checksum: None,
        },
    );
    split_and_build("kawai-k4", "multis", &block, &patches);
}

#[test]
fn kawai_k4_requests() {
    assert_eq!(
        request("kawai-k4", "patch", fields(1, 2, 0x4A)),
        vec![vec![0xF0, 0x40, 0x01, 0x00, 0x00, 0x04, 0x02, 0x4A, 0xF7]]
    );
    assert_eq!(
        request("kawai-k4", "singles", fields(0, 0, 0)),
        vec![vec![0xF0, 0x40, 0x00, 0x01, 0x00, 0x04, 0x00, 0x00, 0xF7]]
    );
    assert_eq!(
        request("kawai-k4", "multis", fields(0, 2, 0)),
        vec![vec![0xF0, 0x40, 0x00, 0x01, 0x00, 0x04, 0x02, 0x40, 0xF7]]
    );
}

#[test]
fn a_tx81z_voice_is_one_patch_of_two_messages() {
    // ACED then VCED, as a TX81Z sends a voice: one edit-buffer patch, named by the VCED.
    let mut aced = vec![0xF0, 0x43, 0x00, 0x7E, 0x00, 0x21];
    aced.extend(b"LM  8976AE");
    aced.extend([0u8; 23]);
    aced.push(twos(&aced[6..]));
    aced.push(0xF7);
    let mut vced_data = vec![0u8; 93];
    vced_data[77..87].copy_from_slice(&padded("PIANO 4OP", 10));
    let mut vced = vec![0xF0, 0x43, 0x00, 0x03, 0x00, 0x5D];
    vced.extend(&vced_data);
    vced.push(twos(&vced_data));
    vced.push(0xF7);
    let e = sysex_vault::library::Entry::new(
        sysex_vault::devices::registry(),
        vec![aced, vced],
        sysex_vault::library::Source::Capture,
        0,
    );
    assert_eq!(e.kind, MessageKind::EditBuffer);
    assert_eq!(e.name, "Yamaha TX81Z / DX21 / DX27 / DX100: PIANO 4OP");
}
