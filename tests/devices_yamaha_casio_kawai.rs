//! Device definitions for the Korg volca fm, the Casio CZ-101/1000 and the Kawai K1 and K4
//! (the Yamaha 4-op family is in devices_yamaha_4op.rs): fixtures built byte by byte from the
//! formats in docs/research/yamaha-casio-kawai.md §3–6, with synthetic parameter values and
//! names.

mod fixture;

use fixture::*;
use sysex_vault::devices::{Fields, MessageKind};
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
