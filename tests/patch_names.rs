//! Patch names for a DAW through the real paths: `sysex-vault export LIB out.midnam` /
//! `out.reabank` (one file per synth, never over an existing file without `--force`), and Ardour 7
//! headless (`ardour7-lua`) loading the exported MIDNAM from its patch-file folders.

mod common;

use common::{dx7_bank_named as dx7_bank, rev2_program, run_cli};
use std::path::{Path, PathBuf};
use sysex_vault_cli::EXIT_OUTPUT;

/// A library (in a fresh folder) made by `sysex-vault import` of these `.syx` files.
fn library(name: &str, files: &[(&str, Vec<u8>)]) -> (PathBuf, PathBuf) {
    let d = common::temp_dir(&format!("names-{name}"));
    let lib = d.join("lib.sxvl");
    let mut args = vec!["import".to_owned(), lib.display().to_string()];
    for (file, bytes) in files {
        let p = d.join(file);
        std::fs::write(&p, bytes).unwrap();
        args.push(p.display().to_string());
    }
    args.push("--create".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out) = run_cli(&args);
    assert_eq!(code, 0, "{out}");
    (d, lib)
}

/// (ProgramChange, Name) of each patch and the Model of a MIDNAM file.
fn midnam_patches(path: &Path) -> (String, Vec<(u8, String)>) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse_with_options(
        &text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap();
    let model = doc
        .descendants()
        .find(|n| n.has_tag_name("Model"))
        .and_then(|n| n.text())
        .unwrap()
        .to_owned();
    let patches = doc
        .descendants()
        .filter(|n| n.has_tag_name("Patch"))
        .map(|n| {
            (
                n.attribute("ProgramChange").unwrap().parse().unwrap(),
                n.attribute("Name").unwrap().to_owned(),
            )
        })
        .collect();
    (model, patches)
}

#[test]
fn export_writes_midnam_and_reabank_and_never_overwrites_unasked() {
    let (d, lib) = library(
        "one",
        &[
            ("bank.syx", dx7_bank(&[b"E.PIANO 1 ", b"BASS & <1>"])),
            ("voice.syx", common::dx7_voice(b"LONELY    ")),
        ],
    );
    let lib = lib.to_str().unwrap();
    let out = d.join("dx7.midnam");
    let (code, text) = run_cli(&["export", lib, out.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(&format!(
            "wrote 32 patch name(s) for Yamaha DX7 to {}",
            out.display()
        )),
        "{text}"
    );
    assert!(
        text.contains("left out: ") && text.contains("“LONELY” is an edit-buffer dump"),
        "{text}"
    );
    let (model, patches) = midnam_patches(&out);
    assert_eq!(model, "Yamaha DX7 (SysEx Vault)");
    assert_eq!(patches.len(), 32);
    assert_eq!(patches[0], (0, "E.PIANO 1".into()));
    assert_eq!(patches[1], (1, "BASS & <1>".into()));
    assert_eq!(patches[31], (31, "INIT VOICE".into()));

    // An existing file stays as it is without --force.
    std::fs::write(&out, "mine").unwrap();
    let (code, text) = run_cli(&["export", lib, out.to_str().unwrap()]);
    assert_eq!(code, EXIT_OUTPUT, "{text}");
    assert!(text.contains("exists; add --force to replace it"), "{text}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
    let (code, text) = run_cli(&["export", lib, out.to_str().unwrap(), "--force"]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(midnam_patches(&out).1.len(), 32);

    let rb = d.join("dx7.reabank");
    let (code, text) = run_cli(&["export", lib, rb.to_str().unwrap(), "--entry", "1"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        !text.contains("left out"),
        "only the bank was chosen: {text}"
    );
    let reabank = std::fs::read_to_string(&rb).unwrap();
    let lines: Vec<&str> = reabank.lines().filter(|l| !l.starts_with("//")).collect();
    assert_eq!(lines[0], "Bank 0 0 Yamaha DX7");
    assert_eq!(lines[1..3], ["0 E.PIANO 1", "1 BASS & <1>"]);
    assert_eq!(lines.len(), 33);

    // Nothing a program change selects: an error, and no file.
    let none = d.join("none.midnam");
    let (code, text) = run_cli(&["export", lib, none.to_str().unwrap(), "--entry", "2"]);
    assert_eq!(code, sysex_vault_cli::EXIT_INPUT, "{text}");
    assert!(text.contains("no program number"), "{text}");
    assert!(!none.exists());
}

#[test]
fn several_synths_make_one_file_each_all_checked_before_any_is_written() {
    let (d, lib) = library(
        "several",
        &[
            ("bank.syx", dx7_bank(&[b"E.PIANO 1 "])),
            ("rev2.syx", rev2_program(7, "Warm Pad")),
        ],
    );
    let lib = lib.to_str().unwrap();
    let out = d.join("studio.midnam");
    let dx7 = d.join("studio - Yamaha DX7.midnam");
    let rev2 = d.join("studio - Sequential Prophet Rev2.midnam");
    // One of the two exists: neither is written.
    std::fs::write(&rev2, "mine").unwrap();
    let (code, text) = run_cli(&["export", lib, out.to_str().unwrap()]);
    assert_eq!(code, EXIT_OUTPUT, "{text}");
    assert!(!dx7.exists(), "nothing written when one target exists");
    assert_eq!(std::fs::read_to_string(&rev2).unwrap(), "mine");
    std::fs::remove_file(&rev2).unwrap();
    let (code, text) = run_cli(&["export", lib, out.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    assert!(
        !out.exists(),
        "several synths: one file each, none named OUT"
    );
    assert_eq!(midnam_patches(&dx7).0, "Yamaha DX7 (SysEx Vault)");
    assert_eq!(
        midnam_patches(&rev2),
        (
            "Sequential Prophet Rev2 (SysEx Vault)".into(),
            vec![(7, "Warm Pad".into())]
        )
    );
}

/// Ardour 7 headless loads the exported MIDNAM: `ardour7-lua` (which prints Ardour's warnings
/// and errors) starts with the file in its user patch-file folder
/// (`$XDG_CONFIG_HOME/ardour7/patchfiles`) and a copy in `ARDOUR_MIDI_PATCH_PATH`. Ardour's Lua
/// bindings expose no MIDNAM model list, so the proof is Ardour's own log: it warns
/// "Duplicate MIDI device `MODEL' in `FILE' ignored" for the second copy only after it parsed
/// the document and registered MODEL from the first; and Ardour reports a patch whose
/// `ProgramChange` is not a number, naming the file, so a clean log says it read ours. Two
/// controls show both reports fire: a document without `<Author>` (refused: an error and no
/// duplicate warning) and one with a bad `ProgramChange`.
#[cfg(target_os = "linux")]
#[test]
fn ardour_7_loads_the_exported_midnam() {
    let lua = std::env::var("ARDOUR_LUA").unwrap_or_else(|_| "ardour7-lua".into());
    let found = std::process::Command::new("sh")
        .args(["-c", &format!("command -v {lua}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "Ardour 7 is required in CI"
        );
        eprintln!("skipped: {lua} not found");
        return;
    }
    let (d, lib) = library("ardour", &[("bank.syx", dx7_bank(&[b"E.PIANO 1 "]))]);
    let config = d.join("config");
    let user_dir = config.join("ardour7/patchfiles");
    let extra = d.join("extra");
    std::fs::create_dir_all(&user_dir).unwrap();
    std::fs::create_dir_all(&extra).unwrap();
    let exported = user_dir.join("SysEx Vault DX7.midnam");
    let (code, text) = run_cli(&["export", lib.to_str().unwrap(), exported.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    let copy = extra.join("copy.midnam");
    std::fs::copy(&exported, &copy).unwrap();
    // The control: the same document renamed, without its author.
    let broken = std::fs::read_to_string(&exported)
        .unwrap()
        .replace("<Author>SysEx Vault</Author>", "")
        .replace("(SysEx Vault)", "(control)");
    std::fs::write(user_dir.join("control.midnam"), &broken).unwrap();
    std::fs::write(extra.join("control.midnam"), &broken).unwrap();
    // A second control: a patch whose program change is not a number, which Ardour reports
    // while it reads the patches, naming the file.
    let bad_number = std::fs::read_to_string(&exported)
        .unwrap()
        .replacen("ProgramChange=\"0\"", "ProgramChange=\"first\"", 1)
        .replace("(SysEx Vault)", "(control 2)");
    let bad_file = user_dir.join("control2.midnam");
    std::fs::write(&bad_file, &bad_number).unwrap();
    let script = d.join("wait.lua");
    // The patch files load on a thread Ardour starts at init; the script gives it time.
    std::fs::write(&script, "sleep (4)\nprint (\"RESULT done\")\n").unwrap();
    let out = std::process::Command::new("timeout")
        .args(["-k", "5", "60", &lua])
        .arg(&script)
        .current_dir(&d)
        .env("HOME", d.join("home"))
        .env("XDG_CONFIG_HOME", &config)
        .env("XDG_CACHE_HOME", d.join("cache"))
        .env("XDG_DATA_HOME", d.join("data"))
        .env("ARDOUR_MIDI_PATCH_PATH", &extra)
        .output()
        .unwrap();
    let log =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let _ = std::fs::remove_dir_all(&d);
    assert!(log.contains("RESULT done"), "{log}");
    let loaded = format!(
        "Duplicate MIDI device `Yamaha DX7 (SysEx Vault)' in `{}' ignored",
        copy.display()
    );
    assert_eq!(log.matches(&loaded).count(), 1, "{log}");
    assert!(
        !log.contains("Duplicate MIDI device `Yamaha DX7 (control)'"),
        "{log}"
    );
    assert_eq!(
        log.matches("No author information in MIDNAM file").count(),
        2,
        "{log}"
    );
    // Ardour read every patch's ProgramChange: the control's bad one is reported, ours are not.
    let bad = format!("{}: Bad number `first'", bad_file.display());
    assert_eq!(log.matches(&bad).count(), 1, "{log}");
    let errors: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("[ERROR]"))
        .filter(|l| !l.contains("No author information") && !l.contains(&bad))
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{log}");
}
