//! The editor, driven headless with egui_kittest the way a musician uses it: record a dump, see
//! it, rename it, delete and undo, send it with progress and cancel, and import files (a bad one
//! lands in the log).

mod editor_rig;
mod fixture;

use editor_rig::*;
use egui_kittest::kittest::{NodeT, Queryable};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use sysex_vault::library::edit::Edit;
use sysex_vault::library::{Entry, Source};
use sysex_vault::store::WorkerRequest;

#[test]
fn record_flow_shows_the_take_and_then_the_entry() {
    let (mut h, rig) = rig();
    h.run();
    h.get_by_label("Record").click();
    h.run();
    h.get_by_label("Start recording").click();
    h.run();
    assert!(rig.record.load(Ordering::Relaxed), "Record parameter armed");
    h.get_by_label("Stop recording");
    rig.handles
        .capture
        .live_messages
        .store(3, Ordering::Relaxed);
    rig.handles.capture.live_bytes.store(489, Ordering::Relaxed);
    h.run_steps(2);
    h.get_by_label("Take in progress: 3 message(s), 489 B");
    // The worker files the take.
    rig.handles.capture.live_bytes.store(0, Ordering::Relaxed);
    add(&rig, vec![voice(b"STRINGS 1 ")]);
    h.run_steps(2);
    h.get_by_label("Yamaha DX7: STRINGS 1");
    h.get_by_label("Stop recording").click();
    h.run();
    assert!(!rig.record.load(Ordering::Relaxed), "disarmed");
}

#[test]
fn details_show_the_decoded_header_and_hex() {
    let (mut h, rig) = rig();
    add(&rig, vec![voice(b"E.PIANO 1 ")]);
    h.run();
    h.get_by_label("Yamaha DX7: E.PIANO 1").click();
    h.run();
    h.get_by_label("Single voice (VCED), channel 1");
    h.get_by_label("valid");
    h.get_by_label_contains("000000  F0 43 00 00 01 1B");
}

#[test]
fn rename_delete_and_undo() {
    let (mut h, rig) = rig();
    let id = add(&rig, vec![vec![0xF0, 0x04, 0x01, 0xF7]]);
    h.run();
    h.get_by_label("Moog (model unknown) other").click();
    h.run();
    h.get_by_label("Rename").click();
    h.run();
    // The name field opens focused; replace its text.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_all(
        egui_kittest::kittest::By::new()
            .role(egui::accesskit::Role::TextInput)
            .value("Moog (model unknown) other"),
    )
    .next()
    .expect("name field")
    .type_text("Fat bass");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(
        rig.handles.store.read(|l| l.get(id).unwrap().name.clone()),
        "Fat bass"
    );
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Fat bass")
        .click();
    h.run();
    h.get_by_label("Delete").click();
    h.run();
    assert!(rig.handles.store.read(|l| l.entries.is_empty()));
    assert!(h.query_by_label("Fat bass").is_none());
    h.get_by_label("Undo").click();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::Button, "Fat bass");
    assert_eq!(rig.handles.store.read(|l| l.entries[0].id), id);
}

#[test]
fn send_with_progress_and_cancel() {
    let (mut h, rig) = rig();
    let id = add(&rig, (0..10).map(|i| vec![0xF0, 0x43, i, 0xF7]).collect());
    h.run();
    h.get_by_label("Yamaha other, 10 messages").click();
    h.run();
    h.get_by_label("Send").click();
    h.run();
    h.get_by_label("Send selected (1)").click();
    h.run();
    match rig.requests.try_recv() {
        Ok(WorkerRequest::Send {
            entries,
            pacing: None,
        }) => assert_eq!(entries, vec![id]),
        _ => panic!("no send request"),
    }
    // The audio thread reports progress; the status line says it in words.
    h.get_by_label("Idle");
    let p = &rig.handles.send;
    p.start_job(1, 10, 40, 1.6);
    p.progress(3, 12, 0.5);
    h.run_steps(2);
    h.get_by_label_contains("3 / 10 messages, 12 B / 40 B, ETA 1.1 s");
    h.get_by_label("Sending 3/10");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(matches!(rig.requests.try_recv(), Ok(WorkerRequest::Cancel)));
}

#[derive(Debug)]
struct Dropped(std::path::PathBuf, Vec<u8>);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &std::path::Path {
        &self.0
    }
    fn bytes(&self) -> Result<Vec<u8>, String> {
        Ok(self.1.clone())
    }
}

#[test]
fn dropped_files_are_imported_and_bad_ones_logged() {
    let (mut h, rig) = rig();
    h.run();
    h.input_mut()
        .dropped_files
        .push(Arc::new(Dropped("/tmp/junk.syx".into(), b"hello".to_vec())));
    h.input_mut().dropped_files.push(Arc::new(Dropped(
        "/tmp/pad.syx".into(),
        voice(b"WARM PAD  "),
    )));
    h.run();
    assert_eq!(rig.handles.store.read(|l| l.entries.len()), 1);
    h.get_by_label("Yamaha DX7: WARM PAD");
    h.get_by_label("Log").click();
    h.run();
    h.get_by_label_contains("Import refused: junk.syx: no complete SysEx message in 5 bytes");
}

/// The host loads another state (a host undo, a preset, a project revert) after an import: the
/// editor's undo history belonged to the old library, so Undo must change nothing in the new
/// one (before: it deleted the loaded library's entry that had the imported entry's id).
#[test]
fn undo_after_a_state_load_never_reaches_into_the_loaded_library() {
    let (mut h, rig) = rig();
    h.run();
    h.input_mut().dropped_files.push(Arc::new(Dropped(
        "/tmp/pad.syx".into(),
        voice(b"WARM PAD  "),
    )));
    h.run();
    assert_eq!(rig.handles.store.read(|l| l.entries.len()), 1);
    // Another project state, whose entry #1 is a different sound.
    let mut other = sysex_vault::library::Library::default();
    other.add(Entry::new(
        sysex_vault::devices::registry(),
        vec![voice(b"BRASS 1   ")],
        Source::Capture,
        0,
    ));
    other.add(Entry::new(
        sysex_vault::devices::registry(),
        vec![voice(b"BELLS     ")],
        Source::Capture,
        0,
    ));
    let loaded = other.clone();
    let text = sysex_vault::state::encode_text(&other);
    rig.handles
        .store
        .load_text(&sysex_vault::store::StateText(text));
    h.run();
    h.get_by_label("Undo").click();
    h.run();
    assert_eq!(
        rig.handles.store.read(|l| l.clone()),
        loaded,
        "Undo changed the library that was just loaded"
    );
}

#[test]
fn direct_route_is_chosen_in_the_record_tab() {
    let (mut h, rig) = rig();
    h.run();
    h.get_by_label("Record").click();
    h.run();
    h.get_by_label_contains("Direct ports (").click();
    h.run();
    assert!(rig.handles.route.read().unwrap().direct);
    // Without a MIDI system the port lists say why; with one they offer the ports.
    assert!(h.query_by_label("Refresh ports").is_some());
    h.get_by_label("Through the host").click();
    h.run();
    assert!(!rig.handles.route.read().unwrap().direct);
}

#[test]
fn a_bank_splits_into_patches_builds_back_and_checksums_are_fixed_on_request() {
    let (mut h, rig) = rig();
    let bank = fixture::dx7_small_bank();
    let id = add(&rig, vec![bank.clone()]);
    // What the user said about the bank is kept on its patches.
    rig.handles.store.edit(Edit::SetFavourite(id, true));
    rig.handles
        .store
        .edit(Edit::SetNote(id, "factory bank".into()));
    h.run();
    h.get_by_label("Yamaha DX7 bank, 32 presets (VOICE 00…)")
        .click();
    h.run();
    h.get_by_label("Split into patches").click();
    h.run();
    let names: Vec<String> = rig
        .handles
        .store
        .read(|l| l.entries.iter().map(|e| e.name.clone()).collect());
    assert_eq!(names.len(), 32);
    assert_eq!(names[0], "Yamaha DX7: VOICE 00");
    assert_eq!(names[31], "Yamaha DX7: VOICE 31");
    assert!(rig.handles.store.read(|l| l
        .entries
        .iter()
        .all(|e| e.favourite && e.note == "factory bank")));
    h.get_by_label("Select all").click();
    h.run();
    h.get_by_label("32 selected");
    h.get_by_label("Build bank").click();
    h.run();
    let rebuilt = rig.handles.store.read(|l| {
        l.entries
            .iter()
            .find(|e| e.messages.len() == 1 && e.messages[0].len() == 4104)
            .map(|e| e.messages[0].clone())
    });
    assert!(
        rebuilt.as_ref() == Some(&bank),
        "bank → 32 voices → bank is byte-identical; log: {:?}",
        rig.handles.store.log_lines()
    );

    // A voice with a damaged checksum is kept as it came until the user asks for a fix.
    let (mut h, rig) = self::rig();
    let mut bad = voice(b"BROKEN    ");
    bad[161] ^= 0x01;
    let id = add(&rig, vec![bad.clone()]);
    h.run();
    h.get_by_label("Yamaha DX7: BROKEN").click();
    h.run();
    h.get_by_label("Fix checksum").click();
    h.run();
    let fixed = rig.handles.store.read(|l| l.get(id).unwrap().clone());
    assert_eq!(fixed.invalid_checksums, 0);
    assert_eq!(fixed.messages[0][161], bad[161] ^ 0x01);
    h.get_by_label("Undo").click();
    h.run();
    assert_eq!(
        rig.handles
            .store
            .read(|l| l.get(id).unwrap().messages.clone()),
        vec![bad]
    );
}

#[test]
fn dump_requests_come_from_the_chosen_synth_definition() {
    let (mut h, rig) = rig();
    h.run();
    h.get_by_label("Send").click();
    h.run();
    h.get_by_label("Synth").click();
    h.run();
    // The list is longer than the popup: pick the entry as a screen reader would.
    h.get_by_label("Yamaha DX7").click_accesskit();
    h.run();
    h.key_press(egui::Key::Escape);
    h.run();
    h.get_by_label("Ask for").click();
    h.run();
    h.get_by_label("All 32 voices (TX7, TX816, Dexed; not a DX7 Mk I)")
        .click();
    h.run();
    h.get_by_label("Request dump").click();
    h.run();
    loop {
        match rig.requests.try_recv() {
            Ok(WorkerRequest::RequestDump {
                definition,
                request,
                fields,
            }) => {
                assert_eq!(
                    (definition.as_str(), request.as_str()),
                    ("yamaha-dx7", "bank")
                );
                assert_eq!(fields.channel, Some(0), "channel 1 unless changed");
                let bytes = sysex_vault::devices::registry()
                    .get(&definition)
                    .unwrap()
                    .request(&request, fields)
                    .unwrap();
                assert_eq!(bytes, vec![vec![0xF0, 0x43, 0x20, 0x09, 0xF7]]);
                break;
            }
            Ok(_) => continue,
            Err(e) => panic!("no dump request: {e:?}"),
        }
    }
}

#[test]
fn a_synth_without_a_dump_request_shows_how_to_start_the_dump() {
    let (mut h, _rig) = rig();
    h.run();
    h.get_by_label("Send").click();
    h.run();
    h.get_by_label("Synth").click();
    h.run();
    h.get_by_label("Moog Little Phatty").click_accesskit();
    h.run();
    h.get_by_label_contains("open the SYSEX menu and choose the single-preset dump");

    assert!(
        h.get_by_label("Request dump")
            .accesskit_node()
            .is_disabled(),
        "no request to send"
    );
}

#[test]
fn one_message_or_the_rest_of_an_entry_can_be_sent() {
    let (mut h, rig) = rig();
    let id = add(&rig, (0..20).map(|i| vec![0xF0, 0x43, i, 0xF7]).collect());
    h.run();
    h.get_by_label("Yamaha other, 20 messages").click();
    h.run();
    // Messages are counted from 1, as people count them.
    h.get_by_label("Message 1 of 20");
    h.get_by_label("Send this message").click();
    h.run();
    h.get_by_label("Send from here").click();
    h.run();
    let got: Vec<_> = rig
        .requests
        .try_iter()
        .filter_map(|r| match r {
            WorkerRequest::SendPart { entry, from, to } => Some((entry, from, to)),
            _ => None,
        })
        .collect();
    assert_eq!(got, vec![(id, 0, 1), (id, 0, 20)]);
}

#[test]
fn get_from_synth_and_checked_sends_start_conversations() {
    use sysex_vault::background::conversation::Conversation;
    let (mut h, rig) = rig();
    let id = add(&rig, vec![voice(b"CHECK ME  ")]);
    h.run();
    h.get_by_label("Yamaha DX7: CHECK ME").click();
    h.run();
    h.get_by_label("Send").click();
    h.run();
    h.get_by_label("Verify").click();
    h.run();
    h.get_by_label("Send selected (1)").click();
    h.run();
    h.get_by_label("Synth").click();
    h.run();
    h.get_by_label("Waldorf Blofeld").click_accesskit();
    h.run();
    h.get_by_label("to").click();
    h.run();
    h.get_by_label("Get from synth").click();
    h.run();
    let conversations: Vec<Conversation> = rig
        .requests
        .try_iter()
        .filter_map(|r| match r {
            WorkerRequest::Converse(c) => Some(c),
            _ => None,
        })
        .collect();
    assert_eq!(conversations.len(), 2, "{conversations:?}");
    assert!(
        matches!(&conversations[0], Conversation::Send { entries, verify: true, .. } if entries == &vec![id]),
        "{:?}",
        conversations[0]
    );
    match &conversations[1] {
        Conversation::Get {
            definition,
            request,
            fields,
            programs,
            ..
        } => {
            assert_eq!(
                (definition.as_str(), request.as_str()),
                ("waldorf-blofeld", "sound")
            );
            assert_eq!(
                fields.device,
                Some(0x7F),
                "the Blofeld's broadcast ID by default"
            );
            assert_eq!(*programs, Some((0, 0)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_library_keeps_a_usable_width_whatever_is_selected() {
    let (mut h, rig) = rig();
    // A DX7 bank (32 names), a voice, 20 Roland DT1 messages, a 100-message bank.
    add(&rig, vec![fixture::dx7_small_bank()]);
    add(&rig, vec![voice(b"E.PIANO 1 ")]);
    let dt1: Vec<Vec<u8>> = (0..20u8)
        .map(|i| {
            let mut m = vec![0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x01, i, 0x7F];
            m.push(fixture::twos(&m[5..]));
            m.push(0xF7);
            m
        })
        .collect();
    add(&rig, dt1);
    add(
        &rig,
        (0..100u8).map(|i| vec![0xF0, 0x7D, i, 0xF7]).collect(),
    );
    h.run();
    let names: Vec<String> = rig
        .handles
        .store
        .read(|l| l.entries.iter().map(|e| e.name.clone()).collect());
    for name in &names {
        h.get_by_label(name).click();
        h.run();
        h.run();
        // The side panel starts at or right of the middle; the list keeps the rest.
        let side = h.get_by_label("Details").rect();
        assert!(
            side.min.x >= 1100.0 * 0.5 - 16.0,
            "{name}: side panel from x = {}",
            side.min.x
        );
        // The name shows in the list and as the details' heading: the list's is on the left.
        let row = h
            .get_all_by_label(name)
            .map(|n| n.rect())
            .min_by(|a, b| a.min.x.total_cmp(&b.min.x))
            .unwrap();
        assert!(
            row.width() >= 120.0,
            "{name}: name column {} px",
            row.width()
        );
    }
    // Counted from 1: the 20 DT1 messages read "Message 1 of 20".
    h.get_all_by_label(&names[2]).next().unwrap().click();
    h.run();
    h.get_by_label("Message 1 of 20");
}

#[test]
fn the_keyboard_moves_sends_renames_deletes_and_searches() {
    let (mut h, rig) = rig();
    let a = add(&rig, vec![voice(b"ALPHA     ")]);
    let b = add(&rig, vec![voice(b"BRAVO     ")]);
    add(&rig, vec![voice(b"CHARLIE   ")]);
    h.run();
    h.get_by_label("Yamaha DX7: ALPHA").click();
    h.run();
    // Arrow down: the next entry is selected and shown.
    h.key_press(egui::Key::ArrowDown);
    h.run();
    assert!(
        h.get_all_by_label("Yamaha DX7: BRAVO").count() == 2,
        "listed and shown"
    );
    // Enter sends the selection.
    while rig.requests.try_recv().is_ok() {}
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(
        rig.requests
            .try_iter()
            .any(|r| matches!(r, WorkerRequest::Send { entries, .. } if entries == vec![b])),
        "Enter sends the selected entry"
    );
    // Delete removes it; Undo brings it back.
    h.key_press(egui::Key::Delete);
    h.run();
    assert!(rig.handles.store.read(|l| l.get(b).is_none()));
    h.get_by_label("Undo").click();
    h.run();
    assert!(rig.handles.store.read(|l| l.get(b).is_some()));
    // Ctrl+R opens the name field of the selected entry.
    h.get_by_label("Yamaha DX7: ALPHA").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::R);
    h.run();
    h.get_all(
        egui_kittest::kittest::By::new()
            .role(egui::accesskit::Role::TextInput)
            .value("Yamaha DX7: ALPHA"),
    )
    .next()
    .expect("rename field");
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(
        rig.handles.store.read(|l| l.get(a).map(|e| e.name.clone())),
        Some("Yamaha DX7: ALPHA".into()),
        "Escape keeps the name"
    );
    // Ctrl+R again, a new name and Enter: renamed, and the keys are the list's again at once.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::R);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_all(egui_kittest::kittest::By::new().role(egui::accesskit::Role::TextInput))
        .find(|n| n.is_focused())
        .expect("rename field focused")
        .type_text("KEYED");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(
        rig.handles.store.read(|l| l.get(a).map(|e| e.name.clone())),
        Some("KEYED".into())
    );
    h.key_press(egui::Key::Delete);
    h.run();
    assert!(
        rig.handles.store.read(|l| l.get(a).is_none()),
        "after a rename with Enter, Delete deletes the entry (the field gave the keyboard back)"
    );
    h.get_by_label("Undo").click();
    h.run();
    // Ctrl+F focuses the search; typing filters the list.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run();
    let filter = h
        .get_all(egui_kittest::kittest::By::new().role(egui::accesskit::Role::TextInput))
        .find(|n| n.is_focused())
        .expect("Ctrl+F focuses the search field");
    filter.type_text("charl");
    h.run();
    assert!(
        h.query_by_label("Yamaha DX7: BRAVO").is_none(),
        "filtered out"
    );
    h.get_by_label("Yamaha DX7: CHARLIE");
}
