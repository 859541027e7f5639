//! The editor under test: a headless egui_kittest harness on detached handles, with the host's
//! Record parameter and the worker's request queue in reach, and helpers to drive it as a
//! musician does.

#![allow(dead_code)]

use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use sysex_vault::editor::{Handles, HostParams, VaultUi};
use sysex_vault::library::{Entry, Source};
use sysex_vault::store::WorkerRequest;

/// The host's Record parameter, as the editor sees it.
pub struct FakeHost(pub Arc<AtomicBool>);

impl HostParams for FakeHost {
    fn record(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
    fn set_record(&self, on: bool) {
        self.0.store(on, Ordering::Relaxed);
    }
}

pub struct Rig {
    pub handles: Handles,
    pub record: Arc<AtomicBool>,
    pub requests: crossbeam_channel::Receiver<WorkerRequest>,
}

pub fn rig() -> (Harness<'static, VaultUi>, Rig) {
    rig_sized(1100.0, 720.0)
}

pub fn rig_sized(width: f32, height: f32) -> (Harness<'static, VaultUi>, Rig) {
    let handles = Handles::detached();
    let (tx, requests) = crossbeam_channel::unbounded();
    handles.store.connect_worker(Some(tx));
    let record = Arc::new(AtomicBool::new(false));
    // The harness steps the window itself, until it settles.
    let ui = VaultUi::new(handles.clone(), Box::new(FakeHost(record.clone()))).without_watcher();
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
pub fn voice(name: &[u8; 10]) -> Vec<u8> {
    let mut data = vec![0u8; 155];
    data[145..155].copy_from_slice(name);
    let sum: u32 = data.iter().map(|&b| u32::from(b)).sum();
    let mut m = vec![0xF0, 0x43, 0x00, 0x00, 0x01, 0x1B];
    m.extend(&data);
    m.push(((128 - sum % 128) % 128) as u8);
    m.push(0xF7);
    m
}

pub fn add(rig: &Rig, messages: Vec<Vec<u8>>) -> u64 {
    rig.handles.store.add(Entry::new(
        sysex_vault::devices::registry(),
        messages,
        Source::Capture,
        0,
    ))
}

/// The entries shown in the list, top to bottom (by their selection boxes).
pub fn listed(h: &Harness<'static, VaultUi>) -> Vec<String> {
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
pub fn pick(h: &mut Harness<'static, VaultUi>, combo: &str, item: &str) {
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
pub fn type_into(h: &mut Harness<'static, VaultUi>, label: &str, text: &str) {
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
