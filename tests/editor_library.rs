//! The editor's library work, driven headless with egui_kittest: the guided first backup,
//! favourites, tags and notes, sorting, Compare, deleting one message, the scratchpad, ten
//! thousand entries, and program-change mappings.

mod editor_rig;
mod fixture;

use editor_rig::*;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use std::sync::atomic::Ordering;
use sysex_vault::editor::{Handles, HostParams, VaultUi};
use sysex_vault::library::{Entry, Source};
use sysex_vault::store::WorkerRequest;

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
    // Which parameters of the voice differ, by name (the DX7 definition's parameter map).
    h.get_by_label("2 changed");
    h.get_by_label("OP6 EG Rate 4: A 0, B 51");
    h.get_by_label("Voice Name: A \"BRASS 1\", B \"BRASS 2\"");
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
    let ui = VaultUi::new(handles, Box::new(Vst3Host)).without_watcher();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1100.0, 720.0))
        .build_ui_state(|ui, app: &mut VaultUi| app.ui(ui), ui);
    h.run();
    h.get_by_label("Send").click();
    h.run();
    h.get_by_label_contains("VST3 hosts do not pass program changes");
}
