//! The editor, driven headless with egui_kittest the way a musician uses it: record a dump, see
//! it, rename it, delete and undo, send it with progress and cancel, and import files (a bad one
//! lands in the log).

mod fixture;

use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use sysex_vault::editor::{Handles, HostParams, VaultUi};
use sysex_vault::library::edit::Edit;
use sysex_vault::library::{Entry, Source};
use sysex_vault::store::WorkerRequest;

/// The host's Record parameter, as the editor sees it.
struct FakeHost(Arc<AtomicBool>);

impl HostParams for FakeHost {
    fn record(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
    fn set_record(&self, on: bool) {
        self.0.store(on, Ordering::Relaxed);
    }
}

struct Rig {
    handles: Handles,
    record: Arc<AtomicBool>,
    requests: crossbeam_channel::Receiver<WorkerRequest>,
}

fn rig() -> (Harness<'static, VaultUi>, Rig) {
    rig_sized(1100.0, 720.0)
}

fn rig_sized(width: f32, height: f32) -> (Harness<'static, VaultUi>, Rig) {
    let handles = Handles::detached();
    let (tx, requests) = crossbeam_channel::unbounded();
    handles.store.connect_worker(Some(tx));
    let record = Arc::new(AtomicBool::new(false));
    let ui = VaultUi::new(handles.clone(), Box::new(FakeHost(record.clone())));
    let harness = Harness::builder()
        .with_size(egui::vec2(width, height))
        .build_ui_state(|ui, app: &mut VaultUi| app.ui(ui), ui);
    (
        harness,
        Rig {
            handles,
            record,
            requests,
        },
    )
}

/// A DX7 single voice built byte by byte (header, 155 data bytes, checksum, F7).
fn voice(name: &[u8; 10]) -> Vec<u8> {
    let mut data = vec![0u8; 155];
    data[145..155].copy_from_slice(name);
    let sum: u32 = data.iter().map(|&b| u32::from(b)).sum();
    let mut m = vec![0xF0, 0x43, 0x00, 0x00, 0x01, 0x1B];
    m.extend(&data);
    m.push(((128 - sum % 128) % 128) as u8);
    m.push(0xF7);
    m
}

fn add(rig: &Rig, messages: Vec<Vec<u8>>) -> u64 {
    rig.handles.store.add(Entry::new(
        sysex_vault::devices::registry(),
        messages,
        Source::Capture,
        0,
    ))
}

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
    // F2 opens the name field of the selected entry.
    h.get_by_label("Yamaha DX7: ALPHA").click();
    h.run();
    h.key_press(egui::Key::F2);
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

/// The entries shown in the list, top to bottom (by their selection boxes).
fn listed(h: &Harness<'static, VaultUi>) -> Vec<String> {
    let mut rows: Vec<(f64, String)> = h
        .get_all(egui_kittest::kittest::By::new().role(egui::accesskit::Role::CheckBox))
        .filter_map(|n| {
            let label = n.accesskit_node().label()?;
            let name = label.strip_prefix("Select ")?.to_owned();
            Some((n.accesskit_node().bounding_box()?.y0, name))
        })
        .collect();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    rows.into_iter().map(|r| r.1).collect()
}

/// Chooses `item` in the combo box labelled `combo`, and closes its list.
fn pick(h: &mut Harness<'static, VaultUi>, combo: &str, item: &str) {
    h.get_by_label(combo).click();
    h.run();
    // The list's item, not a table cell that reads the same.
    h.get_all_by_label(item)
        .find(|n| n.accesskit_node().role() != egui::accesskit::Role::Label)
        .unwrap_or_else(|| panic!("no {item} in {combo}"))
        .click_accesskit();
    h.run();
    h.key_press(egui::Key::Escape);
    h.run();
}

/// Types into the text field labelled `label`.
fn type_into(h: &mut Harness<'static, VaultUi>, label: &str, text: &str) {
    use egui::accesskit::Role;
    let field = |h: &Harness<'static, VaultUi>| {
        h.get_all(egui_kittest::kittest::By::new().label(label))
            .find(|n| {
                matches!(
                    n.accesskit_node().role(),
                    Role::TextInput | Role::MultilineTextInput
                )
            })
            .unwrap_or_else(|| panic!("no {label} field"))
            .accesskit_node()
            .id()
    };
    let id = field(h);
    h.get_all(egui_kittest::kittest::By::new().label(label))
        .find(|n| n.accesskit_node().id() == id)
        .unwrap()
        .click();
    h.run();
    h.get_all(egui_kittest::kittest::By::new().label(label))
        .find(|n| n.accesskit_node().id() == id)
        .unwrap()
        .type_text(text);
    h.run();
}

#[test]
fn an_empty_library_opens_the_guided_backup_which_records_and_shows_the_entry() {
    let (mut h, rig) = rig();
    h.run();
    h.get_by_label("Back up your synth");
    pick(&mut h, "Your synth", "Moog Little Phatty");
    // The definition's own words: where the dump starts on this synth.
    h.get_by_label_contains("open the SYSEX menu");
    assert!(
        h.query_by_label("Get from synth").is_none(),
        "the Little Phatty answers no request"
    );
    h.get_by_label("Start recording").click();
    h.run();
    assert!(rig.record.load(Ordering::Relaxed), "Record armed");
    h.get_by_label("Recording: waiting for the synth…");
    rig.handles
        .capture
        .live_messages
        .store(2, Ordering::Relaxed);
    rig.handles.capture.live_bytes.store(700, Ordering::Relaxed);
    h.run_steps(2);
    h.get_by_label("Arriving: 2 message(s), 700 B");
    // The worker files the take: the guide names what arrived.
    rig.handles.capture.live_bytes.store(0, Ordering::Relaxed);
    let id = add(&rig, vec![vec![0xF0, 0x04, 0x05, 0x00, 0x01, 0x02, 0xF7]]);
    let name = rig.handles.store.read(|l| l.get(id).unwrap().name.clone());
    h.run_steps(2);
    h.get_by_label(&format!("Got: {name} (1 message(s))"));
    h.get_by_label("Show it in the library").click();
    h.run();
    assert!(!rig.record.load(Ordering::Relaxed), "recording stopped");
    assert_eq!(listed(&h), [name]);
    assert!(h.query_by_label("Back up your synth").is_none());
    // The same guide from the "Back up…" button, and a request where the synth answers one.
    h.get_by_label("Back up…").click();
    h.run();
    pick(&mut h, "Your synth", "Waldorf Blofeld");
    h.get_by_label("Get from synth").click();
    h.run();
    let asked = rig.requests.try_iter().any(|r| {
        matches!(r, WorkerRequest::Converse(sysex_vault::background::conversation::Conversation::Get { ref definition, .. }) if definition == "waldorf-blofeld")
    });
    assert!(asked, "Get from synth asks the Blofeld");
}

#[test]
fn an_import_closes_the_guide_it_opened_by_itself() {
    let (mut h, rig) = rig();
    h.run();
    h.get_by_label("Back up your synth");
    add(&rig, vec![voice(b"IMPORTED  ")]);
    h.run_steps(2);
    assert_eq!(listed(&h), ["Yamaha DX7: IMPORTED"]);
}

#[test]
fn favourites_tags_and_notes_are_kept_filtered_and_searched() {
    let (mut h, rig) = rig();
    let a = add(&rig, vec![voice(b"ALPHA     ")]);
    let b = add(&rig, vec![voice(b"BRAVO     ")]);
    add(
        &rig,
        vec![vec![
            0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7,
        ]],
    );
    h.run();
    h.get_by_label("Yamaha DX7: BRAVO").click();
    h.run();
    h.get_by_label("☆ Favourite").click();
    h.run();
    type_into(&mut h, "Tags", "pads, live 2026");
    type_into(&mut h, "Note", "second verse, slow attack");
    // Leaving the note field keeps it.
    h.get_by_label("Yamaha DX7: ALPHA").click();
    h.run();
    let (fav, tags, note) = rig.handles.store.read(|l| {
        let e = l.get(b).unwrap();
        (e.favourite, e.tags.clone(), e.note.clone())
    });
    assert!(fav);
    assert_eq!(tags, ["pads", "live 2026"]);
    assert_eq!(note, "second verse, slow attack");
    // Saved with the project (and in .sxvl files: the same encoding).
    let saved = sysex_vault::state::decode(&sysex_vault::state::encode(
        &rig.handles.store.read(|l| l.clone()),
    ))
    .unwrap();
    assert_eq!(saved.get(b).unwrap().note, "second verse, slow attack");
    // The star in the list toggles too, and can be undone.
    h.get_by_label("Favourite Yamaha DX7: ALPHA").click();
    h.run();
    assert!(rig.handles.store.read(|l| l.get(a).unwrap().favourite));
    h.get_by_label("Undo").click();
    h.run();
    assert!(!rig.handles.store.read(|l| l.get(a).unwrap().favourite));
    assert_eq!(listed(&h).len(), 3);
    h.get_by_label("★ Favourites").click();
    h.run();
    assert_eq!(listed(&h), ["Yamaha DX7: BRAVO"]);
    h.get_by_label("★ Favourites").click();
    h.run();
    // Tag filter.
    pick(&mut h, "tag", "live 2026");
    assert_eq!(listed(&h), ["Yamaha DX7: BRAVO"]);
    pick(&mut h, "tag", "All tags");
    assert_eq!(listed(&h).len(), 3);
    // Kind filter.
    pick(&mut h, "kind", "edit buffer");
    assert_eq!(listed(&h), ["Yamaha DX7: ALPHA", "Yamaha DX7: BRAVO"]);
    pick(&mut h, "kind", "All kinds");
    pick(&mut h, "device", "Roland (DT1/RQ1)");
    assert_eq!(listed(&h).len(), 1);
    assert!(listed(&h)[0].starts_with("Roland"));
    pick(&mut h, "device", "All devices");
    assert_eq!(listed(&h).len(), 3);
    // The search finds notes and tags, not only names.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run();
    h.get_all(egui_kittest::kittest::By::new().role(egui::accesskit::Role::TextInput))
        .find(|n| n.is_focused())
        .expect("search focused")
        .type_text("slow attack");
    h.run();
    assert_eq!(listed(&h), ["Yamaha DX7: BRAVO"]);
}

#[test]
fn every_column_sorts_both_ways() {
    // Wide enough to show every column without scrolling sideways.
    let (mut h, rig) = rig_sized(1700.0, 720.0);
    let small = Entry::new(
        sysex_vault::devices::registry(),
        vec![vec![0xF0, 0x43, 0x01, 0xF7]],
        Source::Capture,
        3_000,
    );
    let mut big = Entry::new(
        sysex_vault::devices::registry(),
        vec![voice(b"ZULU      ")],
        Source::Capture,
        1_000,
    );
    big.tags = vec!["a-tag".into()];
    let mut mid = Entry::new(
        sysex_vault::devices::registry(),
        vec![vec![0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7]; 2],
        Source::Capture,
        2_000,
    );
    mid.favourite = true;
    mid.note = "zzz".into();
    for e in [small, big, mid] {
        rig.handles.store.add(e);
    }
    h.run();
    let names = listed(&h);
    let (small, big, mid) = (names[0].clone(), names[1].clone(), names[2].clone());
    let field = |f: fn(&Entry) -> String| {
        let mut by: Vec<(String, String)> = rig
            .handles
            .store
            .read(|l| l.entries.iter().map(|e| (f(e), e.name.clone())).collect());
        by.sort_by(|a, b| a.0.cmp(&b.0));
        by.into_iter().map(|x| x.1).collect::<Vec<_>>()
    };
    // Text columns: names without regard to case, devices and kinds as written.
    for (header, ascending) in [
        ("Name", field(|e| e.name.to_lowercase())),
        ("Device", field(|e| e.device.clone())),
        ("Kind", field(|e| e.kind.label().to_owned())),
    ] {
        h.get_by_label(header).click();
        h.run();
        assert_eq!(listed(&h), ascending, "{header}");
        h.get_by_label(&format!("{header} ⏶")).click();
        h.run();
        let mut descending = ascending.clone();
        descending.reverse();
        assert_eq!(listed(&h), descending, "{header}, reversed");
    }
    assert_ne!(
        field(|e| e.kind.label().to_owned()),
        names,
        "the kinds reorder the list"
    );
    for (header, ascending) in [
        ("Size", [&small, &mid, &big]),
        ("Captured", [&big, &mid, &small]),
        ("Msgs", [&small, &big, &mid]),
        ("★", [&mid, &small, &big]),
        ("Tags", [&small, &mid, &big]),
        ("Notes", [&small, &big, &mid]),
    ] {
        h.get_by_label(header).click();
        h.run();
        assert_eq!(listed(&h), ascending.map(String::clone), "{header}");
        h.get_by_label(&format!("{header} ⏶")).click();
        h.run();
        let mut descending = ascending.map(String::clone);
        descending.reverse();
        assert_eq!(listed(&h), descending, "{header}, reversed");
    }
    h.get_by_label("#").click();
    h.run();
    assert_eq!(listed(&h), [&small, &big, &mid].map(String::clone));
    h.get_by_label("# ⏶").click();
    h.run();
    assert_eq!(listed(&h), [mid, big, small]);
}

#[test]
fn compare_shows_what_differs_between_two_entries() {
    let (mut h, rig) = rig();
    let mut other = voice(b"BRASS 2   ");
    other[6 + 3] = 0x33; // a parameter changed
                         // Checksum of the changed voice.
    let sum: u32 = other[6..161].iter().map(|&b| u32::from(b)).sum();
    other[161] = ((128 - sum % 128) % 128) as u8;
    add(&rig, vec![voice(b"BRASS 1   ")]);
    add(&rig, vec![other]);
    h.run();
    h.get_by_label("Compare").click();
    h.run();
    h.get_by_label_contains("Tick two entries");
    h.get_by_label("Select Yamaha DX7: BRASS 1").click();
    h.get_by_label("Select Yamaha DX7: BRASS 2").click();
    h.run();
    h.get_by_label("1 of 1 message(s) differ (3 byte(s) in messages on both sides)");
    h.get_by_label("1. 3 byte(s) differ");
    h.get_by_label("BRASS 1");
    h.get_by_label("BRASS 2");
    // Which bytes of the decoded voice differ: parameter 3 and the name's last character.
    h.get_by_label("decoded bytes 3, 151 of 155 differ");
    // Side by side, the row holding offset 9.
    h.get_by_label_contains("000008  00 00 00 00 00 00 00 00  | 00 33");
}

#[test]
fn one_message_of_an_entry_is_deleted_with_undo_and_exported_alone() {
    let (mut h, rig) = rig();
    let messages: Vec<Vec<u8>> = (0..3).map(|i| vec![0xF0, 0x43, 0x10 + i, 0xF7]).collect();
    let id = add(&rig, messages.clone());
    h.run();
    h.get_by_label("Yamaha other, 3 messages").click();
    h.run();
    h.get_by_label_contains("2. ").click();
    h.run();
    h.get_by_label("Message 2 of 3");
    let dir = std::env::temp_dir().join(format!("sxv-export-one-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    h.state_mut().set_export_dir(Some(dir.clone()));
    h.get_by_label("Export this message…").click();
    h.run_steps(3);
    let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    assert_eq!(files.len(), 1, "one file");
    assert_eq!(std::fs::read(files[0].path()).unwrap(), messages[1]);
    // The same export again never replaces the file: it fails with the reason in the log.
    h.get_by_label("Export this message…").click();
    h.run_steps(3);
    assert_eq!(std::fs::read(files[0].path()).unwrap(), messages[1]);
    assert!(rig
        .handles
        .store
        .log_lines()
        .iter()
        .any(|l| l.text.starts_with("Export failed:")));
    h.get_by_label("Delete this message").click();
    h.run();
    let now = rig
        .handles
        .store
        .read(|l| l.get(id).unwrap().messages.clone());
    assert_eq!(now, [messages[0].clone(), messages[2].clone()]);
    h.get_by_label("Undo").click();
    h.run();
    let back = rig
        .handles
        .store
        .read(|l| l.get(id).unwrap().messages.clone());
    assert_eq!(back, messages);
}

#[test]
fn the_scratchpad_sends_or_keeps_typed_hex_and_refuses_bad_input() {
    let (mut h, rig) = rig();
    add(&rig, vec![voice(b"ANY       ")]);
    h.run();
    h.get_by_label("Send").click();
    h.run();
    type_into(
        &mut h,
        "Scratchpad: type or paste SysEx in hex",
        "F0 7E 7F 06 01 G7",
    );
    h.get_by_label_contains("'G' is not a hex digit");

    assert!(h.get_by_label("Send typed").accesskit_node().is_disabled());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_all(egui_kittest::kittest::By::new().role(egui::accesskit::Role::MultilineTextInput))
        .find(|n| n.is_focused())
        .expect("the scratchpad keeps the focus")
        .type_text("F0 7E 7F 06 01 F7");
    h.run();
    h.get_by_label("1 message(s), 6 B");
    h.get_by_label("Send typed").click();
    h.run();
    let sent: Vec<Vec<Vec<u8>>> = rig
        .requests
        .try_iter()
        .filter_map(|r| match r {
            WorkerRequest::SendRaw { messages, .. } => Some(messages),
            _ => None,
        })
        .collect();
    assert_eq!(sent, [vec![vec![0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]]]);
    h.get_by_label("Keep typed").click();
    h.run();
    assert_eq!(
        rig.handles.store.read(|l| l.entries[1].messages.clone()),
        [vec![0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]]
    );
}

#[test]
fn ten_thousand_entries_lay_out_only_the_visible_rows() {
    let (mut h, rig) = rig();
    rig.handles.store.write(|l| {
        for i in 0..10_000u32 {
            let b = i.to_le_bytes();
            l.add(Entry::new(
                sysex_vault::devices::registry(),
                vec![vec![0xF0, 0x7D, b[0] & 0x7F, b[1] & 0x7F, 0xF7]],
                Source::Capture,
                u64::from(i),
            ));
        }
    });
    h.run();
    let rows = listed(&h).len();
    assert!(rows > 10 && rows < 80, "{rows} rows laid out");
    h.get_by_label("10000 entries, 48.8 KiB");
}

#[test]
fn typed_tags_and_notes_are_kept_at_once_and_enter_in_a_field_never_sends() {
    let (mut h, rig) = rig();
    let id = add(&rig, vec![voice(b"ALPHA     ")]);
    h.run();
    h.get_by_label("Yamaha DX7: ALPHA").click();
    h.run();
    // Enter commits the tags field: it must not also send the selected entry to the synth.
    type_into(&mut h, "Tags", "pads");
    h.key_press(egui::Key::Enter);
    h.run();
    let sends = rig
        .requests
        .try_iter()
        .filter(|r| matches!(r, WorkerRequest::Send { .. } | WorkerRequest::Converse(_)))
        .count();
    assert_eq!(sends, 0, "Enter in a text field sent the selection");
    assert_eq!(
        rig.handles.store.read(|l| l.get(id).unwrap().tags.clone()),
        ["pads"]
    );
    // Typed and then another tab: kept, without leaving the field first.
    type_into(&mut h, "Note", "for the intro");
    h.get_by_label("Send").click();
    h.run();
    assert_eq!(
        rig.handles.store.read(|l| l.get(id).unwrap().note.clone()),
        "for the intro"
    );
    // One burst of typing is one undo step, and the field shows what Undo restored.
    h.get_by_label("Details").click();
    h.run();
    type_into(&mut h, "Note", "");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::End);
    h.run();
    h.get_all(egui_kittest::kittest::By::new().role(egui::accesskit::Role::MultilineTextInput))
        .find(|n| n.is_focused())
        .expect("note field focused")
        .type_text(" and the outro");
    h.run();
    assert_eq!(
        rig.handles.store.read(|l| l.get(id).unwrap().note.clone()),
        "for the intro and the outro"
    );
    h.get_by_label("Undo").click();
    h.run();
    assert_eq!(
        rig.handles.store.read(|l| l.get(id).unwrap().note.clone()),
        "for the intro"
    );
    h.run();
    h.get_all(egui_kittest::kittest::By::new().role(egui::accesskit::Role::MultilineTextInput))
        .find(|n| n.value().as_deref() == Some("for the intro"))
        .expect("the note field shows the restored note");
}

/// A host that, like every VST3 host, delivers no program changes to the plugin.
struct Vst3Host;

impl HostParams for Vst3Host {
    fn record(&self) -> bool {
        false
    }
    fn set_record(&self, _on: bool) {}
    fn receives_program_changes(&self) -> bool {
        false
    }
}

/// A mapping is made with its channel, bank select and interrupt choice; in a VST3 host the Send
/// tab says mappings cannot work there, instead of letting them fail silently.
#[test]
fn a_program_change_mapping_has_a_channel_and_vst3_hosts_are_told() {
    let (mut h, rig) = rig();
    let id = add(&rig, vec![voice(b"PAD 1     ")]);
    h.run();
    h.get_by_label("Yamaha DX7: PAD 1").click();
    h.run();
    h.get_by_label("Send").click();
    h.run();
    assert!(h
        .query_by_label_contains("VST3 hosts do not pass program changes")
        .is_none());
    h.get_by_label("Interrupt sends").click();
    h.run();
    h.get_by_label("Map").click();
    h.run();
    let map = rig
        .handles
        .store
        .read(|l| l.get(id).unwrap().program_change);
    assert_eq!(
        map,
        Some(sysex_vault::library::ProgramMap {
            program: 0,
            channel: Some(0),
            bank_msb: None,
            bank_lsb: None,
            interrupt: true,
        }),
        "channel 1 unless the user picks another"
    );
    h.get_by_label("mapped to program 1 on channel 1, interrupts sends");

    let handles = Handles::detached();
    let ui = VaultUi::new(handles, Box::new(Vst3Host));
    let mut h = Harness::builder()
        .with_size(egui::vec2(1100.0, 720.0))
        .build_ui_state(|ui, app: &mut VaultUi| app.ui(ui), ui);
    h.run();
    h.get_by_label("Send").click();
    h.run();
    h.get_by_label_contains("VST3 hosts do not pass program changes");
}
