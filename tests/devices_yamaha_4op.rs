//! Device definition for the Yamaha 4-op family (TX81Z, DX21, DX27, DX100): fixtures built
//! byte by byte from the formats in docs/research/yamaha-casio-kawai.md §2, with synthetic
//! parameter values and names; the 32-voice bank split into voices (TX81Z: ACED + VCED pairs;
//! DX27/DX100: 24 voices) and built back.

mod fixture;

use fixture::*;
use sysex_vault::devices::MessageKind;
use sysex_vault::sysex::checksum::ChecksumStatus;
use sysex_vault::sysex::SysEx;

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

/// A VMEM bank of 32 synthetic voices on `channel`, with ACED values (a TX81Z bank) or zeros
/// in their place (as a DX21 sends), and the single-voice messages each slot should give.
fn fourop_bank(channel: u8, tx81z: bool) -> (Vec<u8>, Vec<Vec<Vec<u8>>>) {
    let mut data = Vec::new();
    let mut voices = Vec::new();
    for v in 0..32 {
        let vced = fourop_vced(v, &format!("4OP VOX {v:02}"));
        let aced = if tx81z { fourop_aced(v) } else { vec![0; 23] };
        data.extend(fourop_packed(&vced, &aced));
        let single = yamaha_message(&[0xF0, 0x43, channel, 0x03, 0x00, 0x5D], &vced, 6);
        voices.push(if tx81z {
            vec![tx81z_7e(0x21, b"LM  8976AE", &aced, channel), single]
        } else {
            vec![single]
        });
    }
    let bank = yamaha_message(&[0xF0, 0x43, channel, 0x04, 0x20, 0x00], &data, 6);
    assert_eq!(bank.len(), 4104);
    (bank, voices)
}

#[test]
fn yamaha_4op_bank_is_named_and_checked() {
    let (bank, _) = fourop_bank(2, true);
    let want: Vec<String> = (0..32).map(|v| format!("4OP VOX {v:02}")).collect();
    let want: Vec<&str> = want.iter().map(String::as_str).collect();
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
}

#[test]
fn a_tx81z_bank_splits_into_aced_and_vced_pairs_and_builds_back() {
    let (bank, voices) = fourop_bank(2, true);
    let split = reg().split_bank(&bank).unwrap().unwrap();
    assert_eq!(split.patches.len(), 32);
    for (i, (got, want)) in split.patches.iter().zip(&voices).enumerate() {
        assert_eq!(&got.messages, want, "voice {}", i + 1);
        assert_eq!(got.dropped, None);
    }
    assert!(split.lossless);
    assert!(
        split.warnings[0].contains("ACED") && split.warnings[0].contains("TX81Z"),
        "{:?}",
        split.warnings
    );
    split_and_build("yamaha-4op", "bank", &bank, &voices.concat());
}

#[test]
fn a_bank_whose_model_cannot_be_told_splits_as_the_common_voice_and_says_so() {
    let (bank, voices) = fourop_bank(0, false);
    let split = reg().split_bank(&bank).unwrap().unwrap();
    assert_eq!(split.patches.len(), 32);
    assert_eq!(split.messages(), voices.concat(), "VCED only");
    assert!(split.lossless);
    assert!(
        split.warnings[0].contains("cannot be told") && split.warnings[0].contains("DX100"),
        "{:?}",
        split.warnings
    );
    split_and_build("yamaha-4op", "bank", &bank, &voices.concat());
    // Named as a TX81Z bank, every voice takes its (zero) ACED.
    let split = reg().split_bank_as(&bank, Some("tx81z")).unwrap().unwrap();
    assert_eq!(split.patches[0].messages.len(), 2);
    assert!(split.lossless && split.warnings.is_empty());
    let err = reg()
        .split_bank_as(&bank, Some("DX7"))
        .unwrap()
        .unwrap_err();
    assert!(err.contains("TX81Z, DX21, DX27, DX100"), "{err}");
}

#[test]
fn a_dx100_bank_gives_24_voices_and_reports_the_unused_slots() {
    let (bank, voices) = fourop_bank(0, false);
    let split = reg().split_bank_as(&bank, Some("DX100")).unwrap().unwrap();
    assert_eq!(split.patches.len(), 24);
    assert_eq!(split.messages(), voices[..24].concat());
    assert!(!split.lossless, "slots 25-32 stay in the bank only");
    assert!(
        split
            .warnings
            .iter()
            .any(|w| w.contains("slots 25-32 are not split") && w.contains("DX100")),
        "{:?}",
        split.warnings
    );
    // A TX81Z bank split as a DX27 voice drops the additional data, and says where.
    let (tx, _) = fourop_bank(0, true);
    let split = reg().split_bank_as(&tx, Some("dx27")).unwrap().unwrap();
    assert_eq!(split.patches.len(), 24);
    let dropped = split.patches[1].dropped.as_deref().unwrap_or_default();
    assert!(dropped.contains("slot bytes 73"), "{dropped}");
}

#[test]
fn bytes_past_the_tx81z_voice_are_reported_as_dropped() {
    let (bank, _) = fourop_bank(0, true);
    let mut data = bank[6..4102].to_vec();
    data[5 * 128 + 100] = 0x11; // voice 6, packed byte 100 (a DX11/V50 addition)
    let bank = yamaha_message(&[0xF0, 0x43, 0x00, 0x04, 0x20, 0x00], &data, 6);
    let split = reg().split_bank(&bank).unwrap().unwrap();
    assert_eq!(split.patches.len(), 32);
    assert!(!split.lossless);
    let noted: Vec<usize> = (0..32)
        .filter(|&i| split.patches[i].dropped.is_some())
        .collect();
    assert_eq!(noted, vec![5]);
    let d = split.patches[5].dropped.as_deref().unwrap();
    assert!(d.contains("100 (bits 11)"), "{d}");
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
