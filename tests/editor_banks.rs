//! The editor's work on the patches inside banks, driven headless with egui_kittest: a bank
//! that cannot be split losslessly is kept with its voices after it (the log says why, Undo
//! takes the split back), a bank with a wrong checksum splits with a warning, the search finds
//! a voice's name inside a bank, and a voice inside a bank is renamed in its bytes.

mod editor_rig;
mod fixture;

use editor_rig::*;
use egui_kittest::kittest::{NodeT, Queryable};

const BANK: &str = "Yamaha DX7 bank, 32 presets (VOICE 00…)";

/// The fixture bank with a stray bit in voice 4 (packed byte 15 holds 6 bits: set bit 6), its
/// checksum right.
fn stray_bank() -> Vec<u8> {
    let mut bank = fixture::dx7_small_bank();
    bank[6 + 3 * 128 + 15] |= 0x40;
    let n = bank.len();
    bank[n - 2] = fixture::twos(&bank[6..n - 2]);
    bank
}

fn log_has(rig: &Rig, text: &str) -> bool {
    rig.handles
        .store
        .log_lines()
        .iter()
        .any(|l| format!("{l:?}").contains(text))
}

#[test]
fn a_bank_with_stray_bits_is_kept_with_its_voices_after_it() {
    let (mut h, rig) = rig();
    let bank = stray_bank();
    add(&rig, vec![bank.clone()]);
    h.run();
    h.get_by_label(BANK).click();
    h.run();
    h.get_by_label("Split into patches").click();
    h.run();
    let entries = rig.handles.store.read(|l| l.entries.clone());
    assert_eq!(entries.len(), 33, "the bank and its 32 voices");
    assert_eq!(entries[0].messages, vec![bank]);
    assert_eq!(entries[4].name, "Yamaha DX7: VOICE 03");
    assert!(entries[4].note.contains("slot 4"), "{}", entries[4].note);
    assert!(log_has(&rig, "dropped bits"));
    assert!(log_has(&rig, "the bank is kept"));
    h.get_by_label("Undo").click();
    h.run();
    assert_eq!(
        rig.handles.store.read(|l| l.entries.len()),
        1,
        "one Undo takes the whole split back"
    );
}

#[test]
fn a_bank_with_a_wrong_checksum_splits_with_a_warning() {
    let (mut h, rig) = rig();
    let mut bank = fixture::dx7_small_bank();
    let n = bank.len();
    bank[n - 2] ^= 0x01;
    add(&rig, vec![bank]);
    h.run();
    h.get_by_label(BANK).click();
    h.run();
    h.get_by_label("Split into patches").click();
    h.run();
    assert_eq!(rig.handles.store.read(|l| l.entries.len()), 33);
    assert!(log_has(&rig, "checksum is wrong"));
    // The kept bank's checksum is fixed on request.
    h.get_by_label(&format!("Select {BANK}")).click();
    h.run();
    h.get_by_label("Fix checksum").click();
    h.run();
    assert_eq!(
        rig.handles.store.read(|l| l.entries[0].messages.clone()),
        vec![fixture::dx7_small_bank()]
    );
}

#[test]
fn the_search_finds_a_voice_inside_a_bank_and_the_voice_is_renamed() {
    let (mut h, rig) = rig();
    let id = add(&rig, vec![fixture::dx7_small_bank()]);
    add(&rig, vec![voice(b"PIANO     ")]);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run();
    h.get_all(egui_kittest::kittest::By::new().role(egui::accesskit::Role::TextInput))
        .find(|n| n.is_focused())
        .expect("search focused")
        .type_text("voice 17");
    h.run();
    assert_eq!(listed(&h), [BANK]);
    h.get_by_label(BANK).click();
    h.run();
    pick(&mut h, "Patch", "18 VOICE 17");
    // The field holds the old name: select it all and type over it.
    let field = || egui_kittest::kittest::By::new().role(egui::accesskit::Role::TextInput);
    h.get_all(field())
        .find(|n| n.accesskit_node().label().as_deref() == Some("New name"))
        .expect("the new name field")
        .click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_all(field())
        .find(|n| n.is_focused())
        .expect("the field has the keyboard")
        .type_text("Strings");
    h.run();
    let before = rig
        .handles
        .store
        .read(|l| l.get(id).unwrap().messages[0].clone());
    h.get_by_label("Rename patch").click();
    h.run();
    let after = rig.handles.store.read(|l| l.get(id).unwrap().clone());
    let at = 6 + 17 * 128 + 118;
    assert_eq!(
        &after.messages[0][at..at + 10],
        b"Strings   ",
        "log: {:?}",
        rig.handles.store.log_lines()
    );
    assert_eq!(after.invalid_checksums, 0);
    assert_ne!(after.messages[0], before);
    h.get_by_label("Undo").click();
    h.run();
    assert_eq!(
        rig.handles
            .store
            .read(|l| l.get(id).unwrap().messages[0].clone()),
        before
    );
}

#[test]
fn a_4op_bank_splits_as_the_model_chosen() {
    let (mut h, rig) = rig();
    // 32 voices built byte by byte: the algorithm in packed byte 40, the name at 57-66.
    let mut data = Vec::new();
    for v in 0..32u8 {
        let mut p = [0u8; 128];
        p[40] = v % 8;
        p[57..67].copy_from_slice(format!("4OP {v:02}    ").as_bytes());
        data.extend(p);
    }
    let mut bank = vec![0xF0, 0x43, 0x00, 0x04, 0x20, 0x00];
    bank.extend(&data);
    bank.push(fixture::twos(&data));
    bank.push(0xF7);
    add(&rig, vec![bank.clone()]);
    h.run();
    h.get_by_label("Yamaha TX81Z / DX21 / DX27 / DX100 bank, 32 presets (4OP 00…)")
        .click();
    h.run();
    pick(&mut h, "split as", "DX100");
    h.get_by_label("Split into patches").click();
    h.run();
    let entries = rig.handles.store.read(|l| l.entries.clone());
    assert_eq!(entries.len(), 25, "the bank kept, 24 voices after it");
    assert_eq!(entries[0].messages, vec![bank]);
    assert_eq!(
        entries[24].name,
        "Yamaha TX81Z / DX21 / DX27 / DX100: 4OP 23"
    );
    assert!(log_has(&rig, "slots 25-32 are not split"));
}
