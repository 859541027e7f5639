//! The `sysex-vault` command line as a user runs it: import, list, info, export, and the exit
//! codes and messages of its failures.

mod common;

use common::run_cli;
use std::path::PathBuf;
use sysex_vault_cli::{EXIT_INPUT, EXIT_USAGE};

fn dir(name: &str) -> PathBuf {
    common::temp_dir(&format!("cli-{name}"))
}

fn voice(name: &[u8; 10]) -> Vec<u8> {
    common::dx7_voice(name)
}

#[test]
fn import_list_info_export_round_trip() {
    let d = dir("roundtrip");
    let syx = d.join("piano.syx");
    let mut bytes = vec![0x00, 0x00];
    bytes.extend(voice(b"E.PIANO 1 "));
    std::fs::write(&syx, &bytes).unwrap();
    std::fs::write(d.join("gs.txt"), "F0 41 10 42 12 40 00 7F 00 41 F7\n").unwrap();
    let lib = d.join("my.sxvl");
    let (code, out) = run_cli(&[
        "import",
        lib.to_str().unwrap(),
        syx.to_str().unwrap(),
        d.join("gs.txt").to_str().unwrap(),
        "--create",
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning: piano.syx: skipped 2 byte(s) outside any SysEx at offset 0"),
        "{out}"
    );
    assert!(out.contains("now holds 2 entries"), "{out}");

    let (code, out) = run_cli(&["list", lib.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("Yamaha DX7: E.PIANO 1"), "{out}");
    assert!(out.contains("2 entries, 174 bytes"), "{out}");

    let (code, out) = run_cli(&["info", syx.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        out.contains(
            "Yamaha; Yamaha DX7 (yamaha-dx7): edit buffer Single voice (VCED), channel 1; \
             checksum ok [E.PIANO 1]"
        ),
        "{out}"
    );

    let out_syx = d.join("out.syx");
    let (code, out) = run_cli(&[
        "export",
        lib.to_str().unwrap(),
        out_syx.to_str().unwrap(),
        "--entry",
        "1",
    ]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(std::fs::read(&out_syx).unwrap(), voice(b"E.PIANO 1 "));
}

#[test]
fn failures_say_what_and_where() {
    let d = dir("fail");
    let (code, out) = run_cli(&[]);
    assert_eq!(code, EXIT_USAGE);
    assert!(out.contains("Usage: sysex-vault"), "{out}");
    let bad = d.join("bad.txt");
    std::fs::write(&bad, "F0 43 ZZ F7").unwrap();
    let (code, out) = run_cli(&["info", bad.to_str().unwrap()]);
    assert_eq!(code, EXIT_INPUT);
    assert!(
        out.contains("bad.txt: line 1, column 7: 'Z' is not a hex digit"),
        "{out}"
    );
    let (code, out) = run_cli(&["list", d.join("missing.sxvl").to_str().unwrap()]);
    assert_eq!(code, EXIT_INPUT);
    assert!(out.contains("missing.sxvl: no such library file"), "{out}");
    let lib = d.join("lib.sxvl");
    std::fs::write(&lib, b"garbage").unwrap();
    let (code, out) = run_cli(&[
        "export",
        lib.to_str().unwrap(),
        d.join("x.syx").to_str().unwrap(),
    ]);
    assert_eq!(code, EXIT_INPUT);
    assert!(
        out.contains("lib.sxvl: saved data is not a SysEx Vault library"),
        "{out}"
    );
}
