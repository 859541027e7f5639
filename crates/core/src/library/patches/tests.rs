//! Splitting banks (lossless or not), renaming patches inside them, and the search over them.

use super::*;
use crate::devices::test_registry;
use crate::library::{search, Library, Source};

/// Yamaha checksum: the 7-bit two's complement of the sum.
fn twos(bytes: &[u8]) -> u8 {
    let sum: u32 = bytes.iter().map(|&b| u32::from(b)).sum();
    ((128 - sum % 128) % 128) as u8
}

/// A DX7 32-voice bank built byte by byte from the manual's format: header, 32 packed voices
/// of 128 bytes (name at 118-127, every other byte a small valid value), checksum, F7.
fn dx7_bank() -> Vec<u8> {
    let mut m = vec![0xF0, 0x43, 0x00, 0x09, 0x20, 0x00];
    for v in 0..32u8 {
        let mut p = [0u8; 128];
        for (i, b) in p.iter_mut().enumerate().take(118) {
            *b = (i as u8 + v) % 4;
        }
        p[118..128].copy_from_slice(format!("VOICE {v:02}  ").as_bytes());
        m.extend(p);
    }
    m.push(twos(&m[6..]));
    m.push(0xF7);
    m
}

fn bank_entry(bytes: Vec<u8>) -> Entry {
    let mut e = Entry::new(test_registry(), vec![bytes], Source::Capture, 0);
    e.name = "Factory".into();
    e
}

#[test]
fn a_clean_bank_splits_losslessly_into_its_place() {
    let split = split_into_patches(test_registry(), &bank_entry(dx7_bank())).unwrap();
    assert_eq!(split.patches.len(), 32);
    assert!(!split.keep_original && split.warnings.is_empty());
    assert!(split.patches.iter().all(|p| p.note.is_empty()));
    assert_eq!(split.patches[7].name, "Yamaha DX7: VOICE 07");
}

#[test]
fn stray_bits_keep_the_bank_and_note_the_voice() {
    let mut bank = dx7_bank();
    // Voice 5: packed byte 11 holds two 2-bit fields (bits 0-3), byte 110 one of 5 bits (the
    // manual's VMEM chart): set bit 6 of the one and bit 5 of the other.
    let at = 6 + 4 * 128;
    bank[at + 11] |= 0x40;
    bank[at + 110] |= 0x20;
    let n = bank.len();
    bank[n - 2] = twos(&bank[6..n - 2]);
    let e = bank_entry(bank.clone());
    let split = split_into_patches(test_registry(), &e).unwrap();
    assert_eq!(split.patches.len(), 32, "all 32 voices");
    assert!(
        split.keep_original,
        "the bank stays: the voices do not rebuild it"
    );
    let noted: Vec<usize> = (0..32)
        .filter(|&i| !split.patches[i].note.is_empty())
        .collect();
    assert_eq!(noted, vec![4]);
    let note = &split.patches[4].note;
    assert!(
        note.contains("Split from “Factory”, slot 5")
            && note.contains("11 (bits 40)")
            && note.contains("110 (bits 20)"),
        "{note}"
    );
    // Applied to a library: the bank is kept as it is, the voices follow it in slot order.
    let mut lib = Library::default();
    let before = lib.add(bank_entry(dx7_bank()));
    let id = lib.add(e);
    let after = lib.add(bank_entry(dx7_bank()));
    for edit in split.edits(id) {
        lib.apply(test_registry(), edit);
    }
    assert_eq!(lib.entries.len(), 35);
    assert_eq!(lib.entries[0].id, before);
    assert_eq!(
        (lib.entries[1].id, &lib.entries[1].messages[0]),
        (id, &bank)
    );
    assert_eq!(lib.entries[2].name, "Yamaha DX7: VOICE 00");
    assert_eq!(lib.entries[33].name, "Yamaha DX7: VOICE 31");
    assert_eq!(lib.entries[34].id, after);
}

#[test]
fn a_wrong_checksum_splits_with_a_warning_and_keeps_the_bank() {
    let mut bank = dx7_bank();
    let n = bank.len();
    bank[n - 2] ^= 0x01;
    let split = split_into_patches(test_registry(), &bank_entry(bank)).unwrap();
    assert_eq!(split.patches.len(), 32);
    assert!(split.keep_original);
    assert_eq!(split.warnings.len(), 1);
    assert!(
        split.warnings[0].contains("checksum is wrong")
            && split.warnings[0].contains("Fix checksum"),
        "{:?}",
        split.warnings
    );
    assert!(split.patches.iter().all(|p| p.invalid_checksums == 0));
}

#[test]
fn a_patch_inside_a_bank_is_renamed_with_its_checksum() {
    let bank = dx7_bank();
    let e = bank_entry(bank.clone());
    let renamed = rename_patch(test_registry(), &e, 2, "Brass 1").unwrap();
    let new = &renamed[0];
    let at = 6 + 2 * 128 + 118;
    assert_eq!(&new[at..at + 10], b"Brass 1   ");
    let changed: Vec<usize> = (0..bank.len()).filter(|&i| bank[i] != new[i]).collect();
    assert!(
        changed
            .iter()
            .all(|&i| (at..at + 10).contains(&i) || i == bank.len() - 2),
        "only the name and the checksum change: {changed:?}"
    );
    assert!(
        test_registry().fix_checksum(new).is_none(),
        "the checksum holds"
    );
    let mut e2 = e.clone();
    e2.set_messages(test_registry(), renamed);
    assert_eq!(patch_names(test_registry(), &e2)[2], "Brass 1");
    let long = rename_patch(test_registry(), &e, 0, "Much too long").unwrap_err();
    assert!(
        long.contains("13 characters") && long.contains("holds 10"),
        "{long}"
    );
    let odd = rename_patch(test_registry(), &e, 0, "Piano é").unwrap_err();
    assert!(odd.contains("cannot hold “é”"), "{odd}");
    let past = rename_patch(test_registry(), &e, 32, "X").unwrap_err();
    assert!(past.contains("holds 32 named patches"), "{past}");
    let mut damaged = bank;
    let n = damaged.len();
    damaged[n - 2] ^= 1;
    let err = rename_patch(test_registry(), &bank_entry(damaged), 0, "X").unwrap_err();
    assert!(err.contains("checksum is wrong"), "{err}");
}

#[test]
fn the_search_finds_patch_names_inside_banks() {
    let e = bank_entry(dx7_bank());
    let hay = search::haystack(test_registry(), &e);
    assert!(search::matches(&hay, "voice 17"));
    assert!(search::matches(&hay, "FACTORY"));
    assert!(!search::matches(&hay, "brass"));
    assert_eq!(
        search::matching_patches(test_registry(), &e, "voice 1"),
        (10..20)
            .map(|i| (i, format!("VOICE {i:02}")))
            .collect::<Vec<_>>()
    );
}

/// A 4-op VMEM bank built byte by byte from the published packing: voice `v` has algorithm
/// `v % 8` (byte 40 bits 2-0), operator 4's waveform `v % 8` (byte 74 bits 6-4, TX81Z ACED) and
/// its name at 57-66.
fn fourop_bank() -> Vec<u8> {
    let mut m = vec![0xF0, 0x43, 0x00, 0x04, 0x20, 0x00];
    for v in 0..32u8 {
        let mut p = [0u8; 128];
        p[40] = v % 8;
        p[74] = (v % 8) << 4;
        p[57..67].copy_from_slice(format!("TX VOX {v:02} ").as_bytes());
        m.extend(p);
    }
    m.push(twos(&m[6..]));
    m.push(0xF7);
    m
}

#[test]
fn tx81z_voices_are_aced_and_vced_pairs_that_build_the_bank_back() {
    let bank = fourop_bank();
    let split = split_into_patches(test_registry(), &bank_entry(bank.clone())).unwrap();
    assert_eq!(split.patches.len(), 32);
    assert!(!split.keep_original, "{:?}", split.warnings);
    let voice = &split.patches[5];
    assert_eq!(voice.messages.len(), 2, "ACED then VCED");
    assert_eq!(voice.messages[0].len(), 41);
    assert_eq!(
        voice.messages[0][16 + 3],
        5,
        "operator 4's waveform, ACED byte 3"
    );
    assert_eq!(voice.messages[1][6 + 52], 5, "the algorithm, VCED byte 52");
    assert_eq!(voice.kind, crate::devices::MessageKind::EditBuffer);
    assert_eq!(patch_names(test_registry(), voice), ["TX VOX 05"]);
    let picked: Vec<&Entry> = split.patches.iter().collect();
    let rebuilt = build_bank(test_registry(), &picked).unwrap();
    assert_eq!(rebuilt.messages, vec![bank], "byte for byte");
    // A voice of the pair is renamed in its VCED; the ACED stays.
    let renamed = rename_patch(test_registry(), voice, 0, "HORN").unwrap();
    assert_eq!(renamed[0], voice.messages[0]);
    assert_eq!(&renamed[1][6 + 77..6 + 87], b"HORN      ");
}
