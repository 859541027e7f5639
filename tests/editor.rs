//! The editor, driven headless with egui_kittest the way a musician uses it: record a dump, see
//! it, rename it, delete and undo, send it with progress and cancel, and import files (a bad one
//! lands in the log).

use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use sysex_vault::editor::{Handles, HostParams, VaultUi};
use sysex_vault::engine::store::WorkerRequest;
use sysex_vault::library::{Entry, Source};
use sysex_vault::sysex::profiles::dx7;

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
    let handles = Handles::detached();
    let (tx, requests) = crossbeam_channel::unbounded();
    handles.store.connect_worker(Some(tx));
    let record = Arc::new(AtomicBool::new(false));
    let ui = VaultUi::new(handles.clone(), Box::new(FakeHost(record.clone())));
    let harness = Harness::builder()
        .with_size(egui::vec2(1100.0, 720.0))
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

fn voice(name: &[u8; 10]) -> Vec<u8> {
    let mut data = vec![0u8; dx7::VOICE_LEN];
    data[145..155].copy_from_slice(name);
    dx7::build_dump(0, &data).unwrap()
}

fn add(rig: &Rig, messages: Vec<Vec<u8>>) -> u64 {
    rig.handles
        .store
        .add(Entry::new(messages, Source::Capture, 0))
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
    h.get_by_label("Single voice on channel 1");
    h.get_by_label("valid");
    h.get_by_label_contains("000000  F0 43 00 00 01 1B");
}

#[test]
fn rename_delete_and_undo() {
    let (mut h, rig) = rig();
    let id = add(&rig, vec![vec![0xF0, 0x04, 0x01, 0xF7]]);
    h.run();
    h.get_by_label("Moog (Little Phatty family) other").click();
    h.run();
    h.get_by_label("Rename").click();
    h.run();
    // The name field opens focused; replace its text.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_all(
        egui_kittest::kittest::By::new()
            .role(egui::accesskit::Role::TextInput)
            .value("Moog (Little Phatty family) other"),
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
    // The audio thread reports progress.
    let p = &rig.handles.send;
    p.start_job(1, 10, 40, 1.6);
    p.progress(3, 12, 0.5);
    h.run_steps(2);
    h.get_by_label_contains("3 / 10 messages, 12 B / 40 B, ETA 1.1 s");
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
