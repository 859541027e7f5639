//! The command line as a librarian people script, through the real binary: it never loses a
//! library (no silent creation, no overwrite without `--force`, `.sxvl` exports keep entries),
//! edits and inspects libraries, merges and compares, checks checksums, and behaves like other
//! good command lines (`--help` everywhere, `--version`, completions, JSON, exit codes).

mod common;

use common::run_cli;
use std::path::{Path, PathBuf};
use sysex_vault::library::file;
#[cfg(unix)]
use sysex_vault_cli::EXIT_MIDI;
use sysex_vault_cli::{EXIT_DIFFERENT, EXIT_INPUT, EXIT_OUTPUT, EXIT_USAGE};

fn dir(name: &str) -> PathBuf {
    common::temp_dir(&format!("librarian-{name}"))
}

fn voice(name: &[u8; 10]) -> Vec<u8> {
    common::dx7_voice(name)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A library of five named entries (one with a program change, one recalled, one tagged).
fn five(d: &Path) -> PathBuf {
    let lib = d.join("five.sxvl");
    assert_eq!(run_cli(&["init", s(&lib)]).0, 0);
    for (i, name) in [
        b"PIANO 1   ",
        b"BRASS 1   ",
        b"STRINGS 1 ",
        b"BASS 1    ",
        b"PAD 1     ",
    ]
    .into_iter()
    .enumerate()
    {
        let f = d.join(format!("v{i}.syx"));
        std::fs::write(&f, voice(name)).unwrap();
        let (code, out) = run_cli(&["import", s(&lib), s(&f)]);
        assert_eq!(code, 0, "{out}");
    }
    assert_eq!(
        run_cli(&["map-pc", s(&lib), "2", "10", "--channel", "any"]).0,
        0
    );
    assert_eq!(run_cli(&["set-recall", s(&lib), "3"]).0, 0);
    assert_eq!(run_cli(&["tag", s(&lib), "1", "favourite", "keys"]).0, 0);
    lib
}

#[test]
fn a_library_export_keeps_entries_and_nothing_is_overwritten_unasked() {
    let d = dir("export");
    let lib = five(&d);
    let before = std::fs::read(&lib).unwrap();
    // Exporting a library over itself is refused, and the library is untouched.
    let (code, out) = run_cli(&["export", s(&lib), s(&lib)]);
    assert_eq!(code, EXIT_OUTPUT, "{out}");
    assert!(
        out.contains("that is the library being exported; add --force"),
        "{out}"
    );
    assert_eq!(std::fs::read(&lib).unwrap(), before);
    // A .sxvl export keeps entries as entries: names, program changes, recall, tags.
    let copy = d.join("copy.sxvl");
    let (code, out) = run_cli(&["export", s(&lib), s(&copy)]);
    assert_eq!(code, 0, "{out}");
    let (a, b) = (file::load(&lib).unwrap(), file::load(&copy).unwrap());
    assert_eq!(b.entries.len(), 5);
    for (x, y) in a.entries.iter().zip(&b.entries) {
        assert_eq!(
            (
                &x.name,
                &x.messages,
                x.program_change,
                x.recall_on_load,
                &x.tags
            ),
            (
                &y.name,
                &y.messages,
                y.program_change,
                y.recall_on_load,
                &y.tags
            )
        );
    }
    // An existing file of any kind is replaced only with --force.
    let syx = d.join("out.syx");
    std::fs::write(&syx, b"keep me").unwrap();
    let (code, out) = run_cli(&["export", s(&lib), s(&syx), "--entry", "2"]);
    assert_eq!(code, EXIT_OUTPUT, "{out}");
    assert!(
        out.contains("out.syx: exists; add --force to replace it"),
        "{out}"
    );
    assert_eq!(std::fs::read(&syx).unwrap(), b"keep me");
    let (code, out) = run_cli(&["export", s(&lib), s(&syx), "--entry", "2", "--force"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(std::fs::read(&syx).unwrap(), voice(b"BRASS 1   "));
    // Atomic writes leave no temporary files behind.
    assert!(std::fs::read_dir(&d).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .ends_with(".tmp")));
}

#[test]
fn a_library_is_never_created_by_a_typo() {
    let d = dir("create");
    let f = d.join("a.syx");
    std::fs::write(&f, voice(b"PIANO 1   ")).unwrap();
    let typo = d.join("libary.sxvl");
    let (code, out) = run_cli(&["import", s(&typo), s(&f)]);
    assert_eq!(code, EXIT_INPUT, "{out}");
    assert!(out.contains("no such library file (add --create"), "{out}");
    assert!(!typo.exists());
    // A path that is not a library file is never taken for one.
    let not_lib = d.join("something.syx");
    let (code, out) = run_cli(&["import", s(&not_lib), s(&f), "--create"]);
    assert_eq!(code, EXIT_USAGE, "{out}");
    assert!(
        out.contains("not a library file (library files end in .sxvl)"),
        "{out}"
    );
    assert!(!not_lib.exists());
    let (code, out) = run_cli(&["import", s(&typo), s(&f), "--create"]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(file::load(&typo).unwrap().entries.len(), 1);
    let (code, out) = run_cli(&["init", s(&typo)]);
    assert_eq!(code, EXIT_OUTPUT, "{out}");
    assert_eq!(
        file::load(&typo).unwrap().entries.len(),
        1,
        "init never empties a library"
    );
}

#[test]
fn entries_are_edited_inspected_merged_and_tagged() {
    let d = dir("edit");
    let lib = five(&d);
    let names = |p: &Path| -> Vec<String> {
        file::load(p)
            .unwrap()
            .entries
            .into_iter()
            .map(|e| e.name)
            .collect()
    };
    assert_eq!(run_cli(&["rename", s(&lib), "1", "My piano"]).0, 0);
    assert_eq!(run_cli(&["move", s(&lib), "5", "1"]).0, 0);
    assert_eq!(run_cli(&["delete", s(&lib), "2"]).0, 0);
    assert_eq!(
        names(&lib),
        [
            "Yamaha DX7: PAD 1",
            "Yamaha DX7: BRASS 1",
            "Yamaha DX7: STRINGS 1",
            "Yamaha DX7: BASS 1"
        ]
    );
    let (code, out) = run_cli(&["group", s(&lib), "2", "3", "--name", "Horns and strings"]);
    assert_eq!(code, 0, "{out}");
    let grouped = file::load(&lib).unwrap();
    let bank = grouped
        .entries
        .iter()
        .find(|e| e.name == "Horns and strings")
        .unwrap();
    assert_eq!(
        bank.messages,
        vec![voice(b"BRASS 1   "), voice(b"STRINGS 1 ")]
    );
    let n = grouped.position(bank.id).unwrap() + 1;
    assert_eq!(run_cli(&["split", s(&lib), &n.to_string()]).0, 0);
    assert_eq!(file::load(&lib).unwrap().entries.len(), 4);
    assert_eq!(run_cli(&["tag", s(&lib), "1", "live", "favourite"]).0, 0);
    assert_eq!(run_cli(&["tag", s(&lib), "1", "live", "--remove"]).0, 0);
    assert_eq!(file::load(&lib).unwrap().entries[0].tags, ["favourite"]);
    assert_eq!(run_cli(&["favourite", s(&lib), "2"]).0, 0);
    assert_eq!(
        run_cli(&["note", s(&lib), "2", "second verse, more attack"]).0,
        0
    );
    let noted = &file::load(&lib).unwrap().entries[1];
    assert!(noted.favourite);
    assert_eq!(noted.note, "second verse, more attack");
    let (_, out) = run_cli(&["list", s(&lib)]);
    assert!(
        out.contains("favourite, note: second verse, more attack"),
        "{out}"
    );
    assert_eq!(run_cli(&["favourite", s(&lib), "2", "--off"]).0, 0);
    assert_eq!(run_cli(&["note", s(&lib), "2", ""]).0, 0);
    let cleared = &file::load(&lib).unwrap().entries[1];
    assert!(!cleared.favourite && cleared.note.is_empty());
    let pc = [
        "map-pc",
        s(&lib),
        "1",
        "128",
        "--channel",
        "3",
        "--bank-msb",
        "2",
    ];
    assert_eq!(run_cli(&pc).0, 0);
    assert_eq!(
        file::load(&lib).unwrap().entries[0].program_change,
        Some(sysex_vault::library::ProgramMap {
            program: 127,
            channel: Some(2),
            bank_msb: Some(2),
            bank_lsb: None,
            interrupt: false,
        })
    );
    // A channel must be chosen ("any" only when typed).
    assert_eq!(run_cli(&["map-pc", s(&lib), "1", "12"]).0, EXIT_USAGE);
    let pc = ["map-pc", s(&lib), "1", "129", "--channel", "1"];
    assert_eq!(run_cli(&pc).0, EXIT_USAGE);
    assert_eq!(run_cli(&["map-pc", s(&lib), "1", "--clear"]).0, 0);
    assert_eq!(run_cli(&["set-recall", s(&lib), "--none"]).0, 0);
    assert!(file::load(&lib).unwrap().recall_entry().is_none());
    let (code, out) = run_cli(&["rename", s(&lib), "9", "x"]);
    assert_eq!(code, EXIT_INPUT);
    assert!(out.contains("no entry 9: the library has 4"), "{out}");

    // `info LIB --entry N` decodes an entry's messages.
    let (code, out) = run_cli(&["info", s(&lib), "--entry", "1"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("[PAD 1]") && out.contains("checksum ok"),
        "{out}"
    );
    // `list` shows tags and problems point at `info`.
    let (_, out) = run_cli(&["list", s(&lib)]);
    assert!(out.contains("tags: favourite"), "{out}");

    // Importing a library keeps its entries whole; merging skips what is already there.
    let other = d.join("other.sxvl");
    assert_eq!(
        run_cli(&["export", s(&lib), s(&other), "--entry", "1", "--entry", "2"]).0,
        0
    );
    let f = d.join("new.syx");
    std::fs::write(&f, voice(b"ORGAN 1   ")).unwrap();
    assert_eq!(run_cli(&["import", s(&other), s(&f)]).0, 0);
    let (code, out) = run_cli(&["merge", s(&lib), s(&other)]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("merged 1 entries from"), "{out}");
    assert!(out.contains("2 already there, skipped"), "{out}");
    assert_eq!(names(&lib).last().unwrap(), "Yamaha DX7: ORGAN 1");
    let (code, out) = run_cli(&["import", s(&lib), s(&other)]);
    assert_eq!(code, 0, "{out}");
    let merged = file::load(&lib).unwrap();
    assert_eq!(merged.entries.len(), 8);
    assert_eq!(
        merged.entries[5].tags,
        ["favourite"],
        "imported whole, tags kept"
    );
}

#[test]
fn diff_names_the_changed_bytes_and_exits_1_when_different() {
    let d = dir("diff");
    let lib = five(&d);
    let (a, b) = (d.join("a.syx"), d.join("b.syx"));
    let mut changed = voice(b"BRASS 2   ");
    std::fs::write(&a, [voice(b"BRASS 1   "), voice(b"PAD 1     ")].concat()).unwrap();
    changed[20] = 0x33;
    std::fs::write(&b, &changed).unwrap();
    let (code, out) = run_cli(&["diff", s(&a), s(&b)]);
    assert_eq!(code, EXIT_DIFFERENT, "{out}");
    // The DX7 has a parameter map: the changes are named, not numbered.
    assert!(
        out.contains(
            "#1    changed: 2 parameter(s) \"BRASS 1\" → \"BRASS 2\"\n       \
             OP6 Amp Mod Sensitivity 0 → 51 (outside 0..3)\n       \
             Voice Name \"BRASS 1\" → \"BRASS 2\"\n"
        ),
        "{out}"
    );
    assert!(out.contains("#2    only in A \"PAD 1\""), "{out}");
    // A message without a map: the differing bytes.
    let (x, y) = (d.join("x.syx"), d.join("y.syx"));
    std::fs::write(&x, [0xF0, 0x7D, 0x01, 0x02, 0xF7]).unwrap();
    std::fs::write(&y, [0xF0, 0x7D, 0x01, 0x05, 0xF7]).unwrap();
    let (code, out) = run_cli(&["diff", s(&x), s(&y)]);
    assert_eq!(code, EXIT_DIFFERENT, "{out}");
    assert!(out.contains("#1    changed: bytes 3 of 5"), "{out}");
    let (code, out) = run_cli(&["diff", &format!("{}:2", s(&lib)), &format!("{}:2", s(&lib))]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("identical: 1 same"), "{out}");
    let (code, out) = run_cli(&["diff", s(&a), &format!("{}:2", s(&lib)), "--json"]);
    assert_eq!(code, EXIT_DIFFERENT, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["only_in_a"], 1);
    assert_eq!(v["messages"][0]["diff"]["status"], "same");
    let (_, out) = run_cli(&["diff", s(&a), s(&b), "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let p = &v["messages"][0]["params"][0];
    assert_eq!(
        (&p["name"], &p["from"], &p["to"]),
        (
            &serde_json::json!("OP6 Amp Mod Sensitivity"),
            &serde_json::json!("0"),
            &serde_json::json!("51 (outside 0..3)")
        )
    );
}

#[test]
fn info_params_lists_each_parameter_or_says_there_is_no_map() {
    let d = dir("info-params");
    let mut data = vec![0u8; 155];
    data[63 + 16] = 87; // OP3 output level
    data[134] = 21; // algorithm 22
    data[144] = 24; // transpose C3
    data[145..155].copy_from_slice(b"BRASS   1 ");
    let file = d.join("v.syx");
    std::fs::write(
        &file,
        [common::yamaha_dump(0, &data), vec![0xF0, 0x7D, 0x01, 0xF7]].concat(),
    )
    .unwrap();
    let (code, out) = run_cli(&["info", s(&file), "--params"]);
    assert_eq!(code, 0, "{out}");
    for line in [
        "          OP3 Output Level: 87\n",
        "          Algorithm: 22\n",
        "          Transpose: C3\n",
        "          Voice Name: \"BRASS   1\"\n",
        "          (no parameter map for this message)",
    ] {
        assert!(out.contains(line), "{line} in {out}");
    }
    let (_, plain) = run_cli(&["info", s(&file)]);
    assert!(!plain.contains("Output Level"), "{plain}");
    let (code, out) = run_cli(&["info", s(&file), "--params", "--json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let params = v[0]["messages"][0]["params"].as_array().unwrap();
    assert_eq!(params.len(), 146);
    let op3 = params
        .iter()
        .find(|p| p["name"] == "OP3 Output Level")
        .unwrap();
    assert_eq!(
        (&op3["value"], &op3["display"]),
        (&serde_json::json!(87), &serde_json::json!("87"))
    );
    assert!(v[0]["messages"][1]["params"].is_null());
}

#[test]
fn bad_checksums_are_named_and_strict_refuses_them() {
    let d = dir("checksum");
    let mut bad = voice(b"BROKEN    ");
    let n = bad.len();
    bad[n - 2] ^= 0x01;
    let f = d.join("bad.syx");
    std::fs::write(&f, &bad).unwrap();
    let (code, out) = run_cli(&["info", s(&f), "--strict"]);
    assert_eq!(code, EXIT_INPUT, "{out}");
    assert!(
        out.contains("1 message(s) with a bad checksum (--strict)"),
        "{out}"
    );
    assert_eq!(run_cli(&["info", s(&f)]).0, 0);
    let lib = d.join("lib.sxvl");
    assert_eq!(run_cli(&["init", s(&lib)]).0, 0);
    let before = std::fs::read(&lib).unwrap();
    let (code, out) = run_cli(&["import", s(&lib), s(&f), "--strict"]);
    assert_eq!(code, EXIT_INPUT, "{out}");
    assert!(out.contains("nothing was written"), "{out}");
    assert_eq!(std::fs::read(&lib).unwrap(), before);
    let (code, out) = run_cli(&["import", s(&lib), s(&f)]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(
            "warning: bad.syx: message #1 (Yamaha DX7, Single voice (VCED), channel 1): \
             bad checksum (expected 3F, found 3E)"
        ),
        "{out}"
    );
}

#[test]
fn it_behaves_like_a_good_command_line() {
    // --help on every command, --version, completions.
    let (code, out) = run_cli(&["--help"]);
    assert_eq!(code, 0, "{out}");
    for cmd in [
        "init",
        "list",
        "info",
        "import",
        "merge",
        "export",
        "extract",
        "rename",
        "delete",
        "move",
        "split",
        "group",
        "set-recall",
        "map-pc",
        "tag",
        "diff",
        "ports",
        "send",
        "capture",
        "completions",
    ] {
        assert!(out.contains(cmd), "{cmd} missing from --help");
        let (code, help) = run_cli(&[cmd, "--help"]);
        assert_eq!(code, 0, "{cmd} --help: {help}");
        assert!(help.contains("Usage: sysex-vault"), "{cmd}: {help}");
    }
    let (code, out) = run_cli(&["--version"]);
    assert_eq!(
        (code, out.trim()),
        (
            0,
            format!("sysex-vault {}", env!("CARGO_PKG_VERSION")).as_str()
        )
    );
    let (code, out) = run_cli(&["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(out.contains("complete -F _sysex__vault"), "{out}");
    // Wrong command lines are usage errors.
    assert_eq!(run_cli(&["list"]).0, EXIT_USAGE);
    assert_eq!(run_cli(&["frobnicate"]).0, EXIT_USAGE);
    assert_eq!(
        run_cli(&["send", "a.sxvl", "port", "--rate", "0"]).0,
        EXIT_USAGE
    );
    // Without a MIDI system (no JACK server under this name, no ALSA sequencer): 69 and a hint.
    // Not under Wine: its MIDI enumeration starts Wine's desktop process from the child, which
    // keeps the child's output pipe open after it exits (docs/windows.md).
    #[cfg(unix)]
    let out = std::process::Command::new(common::cli_bin::path())
        .arg("ports")
        .env("JACK_DEFAULT_SERVER", "sxv-no-such-server")
        .env("JACK_NO_START_SERVER", "1")
        .output()
        .unwrap();
    #[cfg(unix)]
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(EXIT_MIDI), "{err}");
        assert!(
            err.contains("JACK server") || err.contains("snd-seq"),
            "{err}"
        );
    }
    // JSON for scripts.
    let d = dir("json");
    let lib = five(&d);
    let (code, out) = run_cli(&["list", s(&lib), "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["entries"].as_array().unwrap().len(), 5);
    assert_eq!(v["entries"][0]["tags"][0], "favourite");
    assert_eq!(v["entries"][1]["program_change"], 10);
    assert_eq!(v["entries"][2]["recall_on_load"], true);
    let (code, out) = run_cli(&["info", s(&lib), "--entry", "1", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[0]["messages"][0]["preset_names"][0], "PIANO 1");
}
