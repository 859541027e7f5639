//! Banks through the real `sysex-vault` binary: a bank that cannot be split losslessly (stray
//! bits in a voice, a wrong checksum) is kept with its 32 voices after it, a note or warning
//! saying why; a 4-op bank split as the model that made it; a patch inside a bank renamed in
//! its bytes; and `list --search` finding patch names inside banks.

mod common;
mod fixture;

use std::path::{Path, PathBuf};
use std::process::Command;
use sysex_vault::library::file;
use sysex_vault_cli::EXIT_INPUT;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(common::cli_bin::path())
        .args(args)
        .env("SYSEX_VAULT_DEVICES", "/nonexistent")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// A library holding `bank` as its only entry.
fn library_with(name: &str, bank: &[u8]) -> (PathBuf, PathBuf) {
    let d = common::temp_dir(&format!("banks-{name}"));
    let lib = d.join("lib.sxvl");
    let syx = d.join("bank.syx");
    std::fs::write(&syx, bank).unwrap();
    assert_eq!(run(&["import", s(&lib), s(&syx), "--create"]).0, 0);
    (d, lib)
}

/// The DX7 fixture bank with its checksum made right again after an edit.
fn resum(bank: &mut [u8]) {
    let n = bank.len();
    bank[n - 2] = fixture::twos(&bank[6..n - 2]);
}

#[test]
fn a_voice_with_stray_bits_keeps_the_bank_and_notes_the_voice() {
    let mut bank = fixture::dx7_small_bank();
    // Voice 9, packed byte 111 holds a 3-bit and a 1-bit field (bits 0-3): set bit 5.
    bank[6 + 8 * 128 + 111] |= 0x20;
    resum(&mut bank);
    let (_d, lib) = library_with("stray", &bank);
    let (code, out) = run(&["split", s(&lib), "1"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("into 32 patches") && out.contains("it is kept"),
        "{out}"
    );
    assert!(out.contains("1 patch(es) dropped bits"), "{out}");
    let l = file::load(&lib).unwrap();
    assert_eq!(l.entries.len(), 33, "the bank and its 32 voices");
    assert_eq!(l.entries[0].messages, vec![bank], "the bank as it was");
    assert_eq!(l.entries[9].name, "Yamaha DX7: VOICE 08");
    assert!(
        l.entries[9].note.contains("slot 9") && l.entries[9].note.contains("111 (bits 20)"),
        "{}",
        l.entries[9].note
    );
    assert!(l.entries.iter().filter(|e| !e.note.is_empty()).count() == 1);
}

#[test]
fn a_wrong_checksum_splits_with_a_warning_and_can_be_fixed() {
    let mut bank = fixture::dx7_small_bank();
    let n = bank.len();
    bank[n - 2] ^= 0x01;
    let (_d, lib) = library_with("checksum", &bank);
    let (code, out) = run(&["split", s(&lib), "1"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning: the 32-voice bulk dump (VMEM)'s checksum is wrong")
            && out.contains("Fix checksum"),
        "{out}"
    );
    let l = file::load(&lib).unwrap();
    assert_eq!(l.entries.len(), 33);
    assert_eq!(
        l.entries[0].invalid_checksums, 1,
        "the bank is kept as it came"
    );
    assert!(l.entries[1..].iter().all(|e| e.invalid_checksums == 0));
    let (code, out) = run(&["fix-checksum", s(&lib), "1"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        file::load(&lib).unwrap().entries[0].messages,
        vec![fixture::dx7_small_bank()]
    );
}

#[test]
fn a_patch_inside_a_bank_is_renamed_and_found_by_the_search() {
    let (_d, lib) = library_with("rename", &fixture::dx7_small_bank());
    let (code, out) = run(&["rename-patch", s(&lib), "1", "3", "Brass 1"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("patch 3 \"VOICE 02\" is now \"Brass 1\""),
        "{out}"
    );
    let bank = &file::load(&lib).unwrap().entries[0];
    assert_eq!(bank.invalid_checksums, 0, "the checksum is corrected");
    let at = 6 + 2 * 128 + 118;
    assert_eq!(&bank.messages[0][at..at + 10], b"Brass 1   ");
    let (code, out) = run(&["list", s(&lib), "--search", "brass"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("patches 3 \"Brass 1\"") && out.contains("1 of 1 entries hold \"brass\""),
        "{out}"
    );
    let (_, out) = run(&["list", s(&lib), "--search", "strings"]);
    assert!(out.contains("0 of 1 entries"), "{out}");
    let (code, out) = run(&["rename-patch", s(&lib), "1", "3", "Far too long a name"]);
    assert_eq!(code, EXIT_INPUT, "{out}");
    assert!(out.contains("a Yamaha DX7 name holds 10"), "{out}");
    let (code, out) = run(&["rename-patch", s(&lib), "1", "33", "X"]);
    assert_eq!(code, EXIT_INPUT, "{out}");
}

/// A 4-op VMEM bank: 32 voices with only their names and the algorithm set (packed byte 40),
/// built byte by byte; no TX81Z additional data (packed bytes 73-83 zero).
fn fourop_bank() -> Vec<u8> {
    let mut data = Vec::new();
    for v in 0..32u8 {
        let mut p = [0u8; 128];
        p[40] = v % 8;
        p[57..67].copy_from_slice(format!("4OP {v:02}    ").as_bytes());
        data.extend(p);
    }
    let mut m = vec![0xF0, 0x43, 0x00, 0x04, 0x20, 0x00];
    m.extend(&data);
    m.push(fixture::twos(&data));
    m.push(0xF7);
    m
}

#[test]
fn a_4op_bank_splits_as_the_common_voice_or_as_the_model_named() {
    let (_d, lib) = library_with("4op", &fourop_bank());
    let (code, out) = run(&["split", s(&lib), "1"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("into 32 patches") && out.contains("cannot be told from its bytes"),
        "{out}"
    );
    let l = file::load(&lib).unwrap();
    assert_eq!(l.entries.len(), 32, "lossless: the voices replace the bank");
    assert!(l.entries.iter().all(|e| e.messages[0].len() == 101));
    let (_d, lib) = library_with("dx100", &fourop_bank());
    let (code, out) = run(&["split", s(&lib), "1", "--model", "dx100"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("into 24 patches") && out.contains("slots 25-32 are not split"),
        "{out}"
    );
    let l = file::load(&lib).unwrap();
    assert_eq!(l.entries.len(), 25, "the bank kept, 24 voices after it");
    let (code, out) = run(&["split", s(&lib), "1", "--model", "DX7"]);
    assert_eq!(code, EXIT_INPUT, "{out}");
    assert!(out.contains("TX81Z, DX21, DX27, DX100"), "{out}");
}
