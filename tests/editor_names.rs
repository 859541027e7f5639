//! The editor's patch-name export, driven headless with egui_kittest: "patch names (.midnam)"
//! and "Export whole library…" write one MIDNAM per synth into the export folder, log what was
//! left out, and never replace a file already there.

mod common;
mod editor_rig;

use editor_rig::*;
use egui_kittest::kittest::Queryable;
use sysex_vault::devices::{Fields, Registry};

/// A DX7 32-voice bank, the first voice named `first`, the rest "INIT VOICE".
fn dx7_bank(first: &[u8; 10]) -> Vec<u8> {
    let mut data = vec![0u8; 4096];
    for i in 0..32 {
        let n: &[u8; 10] = if i == 0 { first } else { b"INIT VOICE" };
        data[i * 128 + 118..i * 128 + 128].copy_from_slice(n);
    }
    common::yamaha_dump(0, &data)
}

/// A Prophet Rev2 program dump (bank 0) named `name`, built with its definition.
fn rev2_program(program: u16, name: &str) -> Vec<u8> {
    let registry = Registry::shipped();
    let def = registry.get("sequential-rev2").unwrap();
    let m = def.message("program").unwrap();
    let len = m.length.0;
    let (from, enc) = def.data_start(m, len).unwrap();
    let mut data = enc.decode(&vec![0; len - from - 1]).unwrap();
    let at = m.name.as_ref().unwrap().offset;
    data[at..at + name.len()].copy_from_slice(name.as_bytes());
    let fields = Fields {
        bank: Some(0),
        program: Some(program),
        ..Default::default()
    };
    def.build(m, &def.default_fields(fields), &data).unwrap()
}

#[test]
fn patch_names_export_one_midnam_per_synth_and_log_what_is_left_out() {
    let (mut h, rig) = rig();
    add(&rig, vec![dx7_bank(b"E.PIANO 1 ")]);
    add(&rig, vec![rev2_program(3, "Warm Pad")]);
    add(&rig, vec![voice(b"LONELY    ")]);
    let dir = common::temp_dir("editor-names");
    h.state_mut().set_export_dir(Some(dir.clone()));
    h.run();
    h.get_by_label("Files").click();
    h.run();
    h.get_by_label("patch names (.midnam)").click();
    h.run();
    h.get_by_label("Export whole library…").click();
    h.run_steps(3);
    let dx7 = dir.join("sysex-vault-library - Yamaha DX7.midnam");
    let rev2 = dir.join("sysex-vault-library - Sequential Prophet Rev2.midnam");
    let dx7_text = std::fs::read_to_string(&dx7).expect("the DX7's file");
    assert!(dx7_text.contains("<Model>Yamaha DX7 (SysEx Vault)</Model>"));
    assert!(dx7_text.contains("Name=\"E.PIANO 1\" ProgramChange=\"0\""));
    assert_eq!(dx7_text.matches("<Patch ").count(), 32);
    let rev2_text = std::fs::read_to_string(&rev2).expect("the Rev2's file");
    assert!(rev2_text.contains("Number=\"4\" Name=\"Warm Pad\" ProgramChange=\"3\""));
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 2);
    let log: Vec<String> = rig
        .handles
        .store
        .log_lines()
        .iter()
        .map(|l| l.text.clone())
        .collect();
    assert!(
        log.iter()
            .any(|l| l.starts_with("Left out of the patch names:")
                && l.contains("“LONELY” is an edit-buffer dump")),
        "{log:?}"
    );
    assert_eq!(
        log.iter().filter(|l| l.starts_with("Exported to ")).count(),
        2,
        "{log:?}"
    );
    // Again: both files exist, neither is replaced, and the log says why.
    std::fs::write(&dx7, "mine").unwrap();
    h.get_by_label("Export whole library…").click();
    h.run_steps(3);
    assert_eq!(std::fs::read_to_string(&dx7).unwrap(), "mine");
    assert_eq!(std::fs::read_to_string(&rev2).unwrap(), rev2_text);
    let failed = rig
        .handles
        .store
        .log_lines()
        .iter()
        .filter(|l| l.text.starts_with("Export failed:"))
        .count();
    assert_eq!(failed, 2);
    let _ = std::fs::remove_dir_all(&dir);
}
