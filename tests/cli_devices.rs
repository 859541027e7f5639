//! The device definitions through the real `sysex-vault` binary: listing and checking
//! definitions (a broken file names its line and column and never hides the others), a user
//! definition replacing a shipped one, dump requests, a DX7 bank split into voices and built back
//! byte for byte, checksums corrected only when asked, and program changes mapped from the
//! patch's own number.

mod common;
mod fixture;

use std::path::{Path, PathBuf};
use std::process::Command;
use sysex_vault::library::file;
use sysex_vault_cli::{EXIT_INPUT, EXIT_USAGE};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs the binary with `folder` as the user's definition folder.
fn run_with(folder: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(common::cli_bin::path())
        .args(args)
        .env("SYSEX_VAULT_DEVICES", folder)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

fn dir(name: &str) -> PathBuf {
    common::temp_dir(&format!("devices-{name}"))
}

#[test]
fn definitions_are_listed_checked_and_overridden() {
    let d = dir("list");
    let mine = d.join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    let (code, out) = run_with(&mine, &["devices"]);
    assert_eq!(code, 0, "{out}");
    let count: usize = out.split_whitespace().next().unwrap().parse().unwrap();
    assert!(count >= 20, "{out}");
    assert!(!out.contains("error:"), "{out}");
    assert!(
        out.contains("yamaha-dx7") && out.contains("Moog Little Phatty"),
        "{out}"
    );

    let (code, out) = run_with(&mine, &["devices", "moog-little-phatty"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("SYSEX menu"), "{out}");
    assert!(
        out.contains("sources:") && out.contains("left out"),
        "{out}"
    );
    // A message with a parameter map says how many parameters it names.
    let (_, out) = run_with(&mine, &["devices", "yamaha-dx7"]);
    assert!(
        out.contains("  voice          edit buffer  Single voice (VCED) (146 parameters)\n"),
        "{out}"
    );

    // A user definition replaces the shipped one; a broken file is reported and skipped.
    let shipped = sysex_vault::devices::SHIPPED
        .iter()
        .find(|(f, _)| *f == "yamaha-dx7.toml")
        .unwrap()
        .1;
    std::fs::write(
        mine.join("dx7.toml"),
        shipped.replace("name = \"Yamaha DX7\"", "name = \"Studio DX7\""),
    )
    .unwrap();
    std::fs::write(mine.join("typo.toml"), "id = \"typo\"\nname = 3\n").unwrap();
    let (code, out) = run_with(&mine, &["devices"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Studio DX7  [yours]"), "{out}");
    assert!(out.contains("typo.toml:2:8:"), "{out}");
    let syx = d.join("v.syx");
    std::fs::write(&syx, common::dx7_voice(b"E.PIANO 1 ")).unwrap();
    let (code, out) = run_with(&mine, &["info", s(&syx)]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Studio DX7 (yamaha-dx7)"), "{out}");

    let (code, out) = run_with(&mine, &["devices", "--check", s(&mine.join("typo.toml"))]);
    assert_eq!(code, EXIT_INPUT, "{out}");
    assert!(out.contains("typo.toml:2:8:"), "{out}");
    let (code, out) = run_with(&mine, &["devices", "--check", s(&mine.join("dx7.toml"))]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok (Studio DX7"), "{out}");
}

#[test]
fn requests_are_built_from_the_definition() {
    let d = dir("request");
    let (code, out) = run_with(
        &d,
        &["request", "yamaha-dx7", "bank", "--print", "--channel", "3"],
    );
    assert_eq!((code, out.trim()), (0, "F0 43 22 09 F7"));
    let (code, out) = run_with(&d, &["request", "yamaha-dx7", "patch", "--print"]);
    assert_eq!(code, EXIT_USAGE, "{out}");
    assert!(out.contains("requests: voice, bank"), "{out}");
    let (code, out) = run_with(&d, &["request", "no-such-synth", "bank", "--print"]);
    assert_eq!(code, EXIT_USAGE, "{out}");
}

#[test]
fn a_bank_splits_into_voices_and_builds_back() {
    let d = dir("split");
    let lib = d.join("lib.sxvl");
    let bank = fixture::dx7_small_bank();
    let syx = d.join("bank.syx");
    std::fs::write(&syx, &bank).unwrap();
    assert_eq!(run_with(&d, &["import", s(&lib), s(&syx), "--create"]).0, 0);
    let (code, out) = run_with(&d, &["split", s(&lib), "1"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("into 32 patches (\"Yamaha DX7: VOICE 00\""),
        "{out}"
    );
    let l = file::load(&lib).unwrap();
    assert_eq!(l.entries.len(), 32);
    assert!(l.entries.iter().all(|e| e.messages[0].len() == 163));
    assert_eq!(l.entries[31].name, "Yamaha DX7: VOICE 31");
    let all: Vec<String> = (1..=32).map(|n| n.to_string()).collect();
    let mut args = vec!["build-bank", s(&lib)];
    args.extend(all.iter().map(String::as_str));
    args.extend(["--name", "Rebuilt"]);
    let (code, out) = run_with(&d, &args);
    assert_eq!(code, 0, "{out}");
    let l = file::load(&lib).unwrap();
    let rebuilt = l.entries.iter().find(|e| e.name == "Rebuilt").unwrap();
    assert_eq!(rebuilt.messages, vec![bank.clone()], "byte-identical bank");
    // 31 voices are not a bank.
    let mut args = vec!["build-bank", s(&lib)];
    args.extend(all[..31].iter().map(String::as_str));
    let (code, out) = run_with(&d, &args);
    assert_eq!(code, EXIT_INPUT, "{out}");
    assert!(out.contains("holds 32 patches, not 31"), "{out}");
    // One voice is not splittable.
    let (code, out) = run_with(&d, &["split", s(&lib), "1"]);
    assert_eq!(code, EXIT_INPUT, "{out}");
}

#[test]
fn checksums_are_fixed_only_when_asked_and_pc_comes_from_the_patch() {
    let d = dir("fix");
    let lib = d.join("lib.sxvl");
    let mut bad = common::dx7_voice(b"BROKEN    ");
    let good = bad.clone();
    bad[20] ^= 0x01;
    let syx = d.join("bad.syx");
    std::fs::write(&syx, &bad).unwrap();
    assert_eq!(run_with(&d, &["import", s(&lib), s(&syx), "--create"]).0, 0);
    assert_eq!(
        file::load(&lib).unwrap().entries[0].messages[0],
        bad,
        "kept as it came"
    );
    let (code, out) = run_with(&d, &["fix-checksum", s(&lib), "1"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("corrected 1 checksum(s)"), "{out}");
    let e = &file::load(&lib).unwrap().entries[0];
    assert_eq!(e.invalid_checksums, 0);
    assert_eq!(e.messages[0][..161], bad[..161], "data untouched");
    assert_ne!(e.messages[0], good, "the data byte stays as received");
    let (code, out) = run_with(&d, &["fix-checksum", s(&lib), "1"]);
    assert_eq!(code, 0);
    assert!(out.contains("no known checksum is wrong"), "{out}");

    // A Little Phatty preset stored at 42: its program change is 43.
    let mut lp = vec![0xF0, 0x04, 0x05, 0x05, 0x03, 42];
    lp.extend(std::iter::repeat_n(0x11, 186));
    lp.push(0xF7);
    let f = d.join("lp.syx");
    std::fs::write(&f, &lp).unwrap();
    assert_eq!(run_with(&d, &["import", s(&lib), s(&f)]).0, 0);
    let (code, out) = run_with(
        &d,
        &["map-pc", s(&lib), "2", "--from-patch", "--channel", "1"],
    );
    assert_eq!(
        (code, out.trim()),
        (0, "program 43 on channel 1 sends entry 2")
    );
    assert_eq!(
        file::load(&lib).unwrap().entries[1]
            .program_change
            .map(|m| (m.program, m.channel)),
        Some((42, Some(0)))
    );
    let (code, out) = run_with(
        &d,
        &["map-pc", s(&lib), "1", "--from-patch", "--channel", "1"],
    );
    assert_eq!(code, EXIT_INPUT, "{out}");
    assert!(out.contains("carry no program number"), "{out}");

    // Recall the Little Phatty preset by program change where it is stored (program 43).
    let (code, out) = run_with(&d, &["recall-by-pc", s(&lib), "2", "--from-patch"]);
    assert_eq!(
        (code, out.trim()),
        (0, "entry 2 is recalled by program 43 on channel 1")
    );
    let at = file::load(&lib).unwrap().entries[1].stored_at.unwrap();
    assert_eq!(at.messages(), vec![vec![0xC0, 42]]);
    let (code, out) = run_with(
        &d,
        &[
            "recall-by-pc",
            s(&lib),
            "2",
            "--program",
            "5",
            "--channel",
            "3",
            "--bank-msb",
            "1",
        ],
    );
    assert_eq!(
        (code, out.trim()),
        (
            0,
            "entry 2 is recalled by program 5 (bank 1/-) on channel 3"
        )
    );
    let (code, out) = run_with(&d, &["list", s(&lib)]);
    assert!(
        code == 0 && out.contains("recalled by program 5 (bank 1/-) on channel 3"),
        "{out}"
    );
    let (code, _) = run_with(&d, &["recall-by-pc", s(&lib), "2", "--dump"]);
    assert_eq!(code, 0);
    assert!(file::load(&lib).unwrap().entries[1].stored_at.is_none());
}
