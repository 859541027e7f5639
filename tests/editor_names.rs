//! The editor's patch-name export, driven headless with egui_kittest: "patch names (.midnam)"
//! and "Export whole library…" write one MIDNAM per synth into the export folder, log what was
//! left out, and never replace a file already there.

mod common;
mod editor_rig;

use common::{dx7_bank_named, rev2_program};
use editor_rig::*;
use egui_kittest::kittest::Queryable;

#[test]
fn patch_names_export_one_midnam_per_synth_and_log_what_is_left_out() {
    let (mut h, rig) = rig();
    add(&rig, vec![dx7_bank_named(&[b"E.PIANO 1 "])]);
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
