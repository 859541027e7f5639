//! The library list: virtualised rows with name, device, kind, messages, size, capture time and
//! markers; sorting, filtering by text and device, multi-select, and the list's actions (rename,
//! delete with undo, reorder, group into a bank, split a bank).

use super::{format, Shared, UiSettings};
use crate::engine::store::Edit;
use crate::library::{Entry, EntryId};

use serde::{Deserialize, Serialize};

/// What the list is sorted by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortKey {
    /// Library order (the order sends and reorder use).
    #[default]
    Position,
    /// Name.
    Name,
    /// Device.
    Device,
    /// Kind.
    Kind,
    /// Message count.
    Messages,
    /// Size in bytes.
    Size,
    /// Capture or import time.
    Created,
}

/// The list's own state.
#[derive(Default)]
pub struct LibraryPanel {
    filter: String,
    device: Option<String>,
    renaming: Option<(EntryId, String)>,
    bank_name: String,
}

const ROW_HEIGHT: f32 = 20.0;

/// Adds `widget` left-aligned in a cell of `width`, so columns line up row after row.
fn cell(ui: &mut egui::Ui, width: f32, widget: impl egui::Widget) -> egui::Response {
    ui.allocate_ui_with_layout(
        egui::vec2(width, ROW_HEIGHT),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_width(width);
            ui.add(widget)
        },
    )
    .inner
}

struct Row {
    id: EntryId,
    name: String,
    device: String,
    kind: &'static str,
    messages: usize,
    bytes: usize,
    created: u64,
    markers: String,
}

fn row(e: &Entry) -> Row {
    let mut markers = Vec::new();
    if let Some(d) = e.duplicate_of {
        markers.push(format!("duplicate of #{d}"));
    }
    if e.invalid_checksums > 0 {
        markers.push(format!("{} bad checksum(s)", e.invalid_checksums));
    }
    if e.lost_messages > 0 {
        markers.push(format!("{} lost", e.lost_messages));
    }
    if !e.unterminated.is_empty() {
        markers.push(format!("{} without F7", e.unterminated.len()));
    }
    if e.recall_on_load {
        markers.push("recall on load".into());
    }
    if let Some(pc) = e.program_change {
        markers.push(format!("PC {}", u16::from(pc) + 1));
    }
    Row {
        id: e.id,
        name: e.name.clone(),
        device: e.device.clone(),
        kind: e.kind.label(),
        messages: e.messages.len(),
        bytes: e.byte_len(),
        created: e.created_unix_ms,
        markers: markers.join(", "),
    }
}

impl LibraryPanel {
    /// Draws the list and its actions.
    pub fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>, settings: &mut UiSettings) {
        let mut select_all = false;
        let (mut rows, devices) = s.handles.store.read(|lib| {
            let mut devices: Vec<String> = lib.entries.iter().map(|e| e.device.clone()).collect();
            devices.sort();
            devices.dedup();
            (lib.entries.iter().map(row).collect::<Vec<_>>(), devices)
        });
        ui.horizontal(|ui| {
            ui.label("Filter");
            ui.add(
                egui::TextEdit::singleline(&mut self.filter)
                    .id(egui::Id::unique(FILTER_ID))
                    .hint_text("name, device…")
                    .desired_width(120.0),
            )
            .on_hover_text("Search names and devices (Ctrl+F)");
            select_all = ui
                .button("Select all")
                .on_hover_text("Select every entry the filter shows, in list order")
                .clicked();
            egui::ComboBox::from_label("Device")
                .selected_text(self.device.clone().unwrap_or_else(|| "All devices".into()))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.device, None, "All devices");
                    for d in devices {
                        ui.selectable_value(&mut self.device, Some(d.clone()), d);
                    }
                });
            ui.label(format!("{} selected", s.selection.len()));
        });
        self.actions(ui, s);
        let needle = self.filter.to_lowercase();
        rows.retain(|r| {
            (needle.is_empty()
                || r.name.to_lowercase().contains(&needle)
                || r.device.to_lowercase().contains(&needle))
                && self.device.as_ref().is_none_or(|d| &r.device == d)
        });
        match settings.sort {
            SortKey::Position => {}
            SortKey::Name => rows.sort_by_key(|r| r.name.to_lowercase()),
            SortKey::Device => rows.sort_by(|a, b| a.device.cmp(&b.device)),
            SortKey::Kind => rows.sort_by(|a, b| a.kind.cmp(b.kind)),
            SortKey::Messages => rows.sort_by_key(|r| r.messages),
            SortKey::Size => rows.sort_by_key(|r| r.bytes),
            SortKey::Created => rows.sort_by_key(|r| r.created),
        }
        if settings.descending {
            rows.reverse();
        }
        if select_all {
            *s.selection = rows.iter().map(|r| r.id).collect();
        }
        self.keys(ui, s, &rows.iter().map(|r| r.id).collect::<Vec<_>>());
        // Fixed columns for short values; name, device and notes share the rest.
        let avail = ui.available_width() - 8.0 * ui.spacing().item_spacing.x;
        let flexible = (avail - (24.0 + 56.0 + 40.0 + 64.0 + 118.0)).max(300.0);
        let widths = [
            24.0,
            flexible * 0.5,
            flexible * 0.22,
            56.0,
            40.0,
            64.0,
            118.0,
            flexible * 0.28,
        ];
        ui.horizontal(|ui| {
            ui.add_sized([widths[0], ROW_HEIGHT], egui::Label::new(""));
            for (i, (key, title)) in [
                (SortKey::Name, "Name"),
                (SortKey::Device, "Device"),
                (SortKey::Kind, "Kind"),
                (SortKey::Messages, "Msgs"),
                (SortKey::Size, "Size"),
                (SortKey::Created, "Captured"),
            ]
            .into_iter()
            .enumerate()
            {
                let arrow = match (settings.sort == key, settings.descending) {
                    (true, false) => " (up)",
                    (true, true) => " (down)",
                    _ => "",
                };
                let b = ui.add_sized(
                    [widths[i + 1], ROW_HEIGHT],
                    egui::Button::new(format!("{title}{arrow}")).frame(false),
                );
                if b.clicked() {
                    if settings.sort == key {
                        settings.descending = !settings.descending;
                    } else {
                        settings.sort = key;
                        settings.descending = false;
                    }
                }
            }
            if cell(
                ui,
                widths[7],
                egui::Button::new("Notes (library order)").frame(false),
            )
            .clicked()
            {
                settings.sort = SortKey::Position;
                settings.descending = false;
            }
        });
        ui.separator();
        if rows.is_empty() {
            ui.label("No entries yet. Arm Record (Record tab) and start a dump on your synth, or import a .syx / .mid file (Files tab, or drop it here).");
        }
        egui::ScrollArea::both()
            .id_salt("library rows")
            .auto_shrink([false, false])
            .show_rows(ui, ROW_HEIGHT, rows.len(), |ui, range| {
                for r in &rows[range] {
                    ui.horizontal(|ui| {
                        let mut checked = s.selection.contains(&r.id);
                        let check = ui.add_sized(
                            [widths[0], ROW_HEIGHT],
                            egui::Checkbox::without_text(&mut checked),
                        );
                        check.widget_info(|| {
                            egui::WidgetInfo::selected(
                                egui::Role::CheckBox,
                                true,
                                checked,
                                format!("Select {}", r.name),
                            )
                        });
                        if check.changed() {
                            if checked {
                                s.selection.push(r.id);
                            } else {
                                s.selection.retain(|x| *x != r.id);
                            }
                        }
                        if self.renaming.as_ref().is_some_and(|(id, _)| *id == r.id) {
                            let (_, text) = self.renaming.as_mut().expect("checked above");
                            let edit = ui.add_sized(
                                [widths[1], ROW_HEIGHT],
                                egui::TextEdit::singleline(text).hint_text("New name"),
                            );
                            // Escape leaves the name as it was.
                            if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                                self.renaming = None;
                            } else {
                                edit.request_focus();
                            }
                            if self.renaming.is_some()
                                && (edit.lost_focus()
                                    || ui.input(|i| i.key_pressed(egui::Key::Enter)))
                            {
                                if let Some((id, name)) = self.renaming.take() {
                                    if !name.trim().is_empty() {
                                        s.edit(Edit::Rename(id, name.trim().to_owned()));
                                    }
                                }
                            }
                        } else {
                            let name = cell(
                                ui,
                                widths[1],
                                egui::Button::selectable(*s.focus == Some(r.id), r.name.as_str())
                                    .truncate(),
                            );
                            if name.clicked() {
                                *s.focus = Some(r.id);
                                if !ui.input(|i| i.modifiers.command || i.modifiers.shift) {
                                    s.selection.clear();
                                }
                                if !s.selection.contains(&r.id) {
                                    s.selection.push(r.id);
                                }
                            }
                            if name.double_clicked() {
                                self.renaming = Some((r.id, r.name.clone()));
                            }
                        }
                        ui.add_sized(
                            [widths[2], ROW_HEIGHT],
                            egui::Label::new(&r.device).truncate(),
                        );
                        ui.add_sized([widths[3], ROW_HEIGHT], egui::Label::new(r.kind));
                        ui.add_sized(
                            [widths[4], ROW_HEIGHT],
                            egui::Label::new(r.messages.to_string()),
                        );
                        ui.add_sized(
                            [widths[5], ROW_HEIGHT],
                            egui::Label::new(format::bytes(r.bytes as u64)),
                        );
                        ui.add_sized(
                            [widths[6], ROW_HEIGHT],
                            egui::Label::new(format::datetime(r.created)),
                        );
                        if !r.markers.is_empty() {
                            ui.colored_label(egui::Color32::from_rgb(230, 160, 40), &r.markers);
                        }
                    });
                }
            });
    }

    /// Keyboard: arrows move the selection through the shown rows, Enter sends the selection
    /// (as the Send tab would), F2 renames, Delete deletes (undoable), Ctrl+F searches. Keys a
    /// text field is using are left to it.
    fn keys(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>, shown: &[EntryId]) {
        use egui::{Key, Modifiers};
        let ctx = ui.ctx().clone();
        if ctx.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::F)) {
            ctx.memory_mut(|m| m.request_focus(egui::Id::unique(FILTER_ID)));
        }
        if ctx.egui_wants_keyboard_input() || self.renaming.is_some() {
            return;
        }
        let pressed = |k: Key| ctx.input(|i| i.key_pressed(k));
        let step = if pressed(Key::ArrowDown) {
            1
        } else if pressed(Key::ArrowUp) {
            -1
        } else {
            0
        };
        if step != 0 && !shown.is_empty() {
            let at = s
                .focus
                .and_then(|f| shown.iter().position(|id| *id == f))
                .map_or(0, |p| {
                    (p as isize + step).clamp(0, shown.len() as isize - 1) as usize
                });
            *s.focus = Some(shown[at]);
            *s.selection = vec![shown[at]];
        }
        let selected = s.selection.clone();
        if pressed(Key::Enter) && !selected.is_empty() {
            let check = *s
                .handles
                .send_check
                .read()
                .unwrap_or_else(|e| e.into_inner());
            s.handles
                .store
                .request(match check.conversation(selected.clone()) {
                    Some(c) => crate::engine::store::WorkerRequest::Converse(c),
                    None => crate::engine::store::WorkerRequest::Send {
                        entries: selected.clone(),
                        pacing: None,
                    },
                });
        }
        if pressed(Key::F2) && selected.len() == 1 {
            let name = s
                .handles
                .store
                .read(|l| l.get(selected[0]).map(|e| e.name.clone()));
            self.renaming = name.map(|n| (selected[0], n));
        }
        if pressed(Key::Delete) && !selected.is_empty() {
            delete(s, &selected);
        }
    }

    fn actions(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let selected = s.selection.clone();
        ui.horizontal(|ui| {
            let one = selected.len() == 1;
            if ui.add_enabled(one, egui::Button::new("Rename")).clicked() {
                let name = s
                    .handles
                    .store
                    .read(|l| l.get(selected[0]).map(|e| e.name.clone()));
                self.renaming = name.map(|n| (selected[0], n));
            }
            if ui
                .add_enabled(!selected.is_empty(), egui::Button::new("Delete"))
                .clicked()
            {
                delete(s, &selected);
            }
            if ui
                .add_enabled(!s.undo.is_empty(), egui::Button::new("Undo"))
                .clicked()
            {
                s.undo();
            }
            if ui.add_enabled(one, egui::Button::new("Up")).clicked() {
                s.edit(Edit::Move(selected[0], -1));
            }
            if ui.add_enabled(one, egui::Button::new("Down")).clicked() {
                s.edit(Edit::Move(selected[0], 1));
            }
            ui.add(
                egui::TextEdit::singleline(&mut self.bank_name)
                    .hint_text("bank name")
                    .desired_width(90.0),
            );
            if ui
                .add_enabled(selected.len() >= 2, egui::Button::new("Group into bank"))
                .clicked()
            {
                let name = if self.bank_name.trim().is_empty() {
                    format!("Bank of {} entries", selected.len())
                } else {
                    self.bank_name.trim().to_owned()
                };
                s.edit(Edit::Group(selected.clone(), name));
                s.selection.clear();
            }
            if ui
                .add_enabled(one, egui::Button::new("Split"))
                .on_hover_text("One entry per message")
                .clicked()
            {
                s.edit(Edit::Split(selected[0]));
                s.selection.clear();
            }
        });
        self.device_actions(ui, s, &selected);
    }

    /// What the device definitions make possible: split a bank into its patches, build a bank
    /// from patches, correct checksums (only when asked), map a program change from the
    /// patch's own number.
    fn device_actions(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>, selected: &[EntryId]) {
        use crate::devices;
        use crate::engine::store::Level;
        use crate::library::patches;
        let one = selected.len() == 1;
        let (bad_checksums, bank_like) = s.handles.store.read(|l| {
            let picked: Vec<&crate::library::Entry> =
                selected.iter().filter_map(|id| l.get(*id)).collect();
            (
                picked.iter().any(|e| e.invalid_checksums > 0),
                picked.len() == 1
                    && (picked[0].kind == devices::MessageKind::Bank
                        || picked[0].messages.len() > 1),
            )
        });
        ui.horizontal(|ui| {
            if ui
                .add_enabled(one && bank_like, egui::Button::new("Split into patches"))
                .on_hover_text("A bank dump into its patches (DX7 32 voices, Kawai blocks, ...), by the synth's definition")
                .clicked()
            {
                let result = s.handles.store.read(|l| {
                    l.get(selected[0])
                        .map(|e| patches::split_into_patches(devices::registry(), e))
                });
                match result {
                    Some(Ok(parts)) => {
                        s.edit(Edit::Replace(selected[0], parts));
                        s.selection.clear();
                    }
                    Some(Err(why)) => s.handles.store.log(Level::Warning, format!("Not split: {why}")),
                    None => {}
                }
            }
            if ui
                .add_enabled(!selected.is_empty(), egui::Button::new("Build bank"))
                .on_hover_text("One bank message from the selected patches, in list order (the patches stay)")
                .clicked()
            {
                let result = s.handles.store.read(|l| {
                    let mut picked: Vec<&crate::library::Entry> =
                        selected.iter().filter_map(|id| l.get(*id)).collect();
                    picked.sort_by_key(|e| l.position(e.id));
                    let last = picked.last().map(|e| e.id);
                    patches::build_bank(devices::registry(), &picked).map(|b| (last, b))
                });
                match result {
                    Ok((Some(last), bank)) => s.edit(Edit::InsertAfter(last, bank)),
                    Ok((None, _)) => {}
                    Err(why) => s.handles.store.log(Level::Warning, format!("No bank built: {why}")),
                }
            }
            if ui
                .add_enabled(bad_checksums, egui::Button::new("Fix checksum"))
                .on_hover_text("Correct the checksums the synth's definition knows to be wrong; a wrong checksum can mean damaged data (Undo puts it back)")
                .clicked()
            {
                let fixes: Vec<(EntryId, Vec<Vec<u8>>)> = s.handles.store.read(|l| {
                    selected
                        .iter()
                        .filter_map(|id| {
                            let e = l.get(*id)?;
                            patches::fix_checksums(devices::registry(), e).map(|(m, _)| (*id, m))
                        })
                        .collect()
                });
                let mut inverse = Vec::new();
                for (id, messages) in fixes {
                    inverse.extend(s.handles.store.edit(Edit::SetMessages(id, messages)));
                }
                if !inverse.is_empty() {
                    s.undo.push(inverse);
                }
            }
            if ui
                .add_enabled(one, egui::Button::new("PC from patch"))
                .on_hover_text("Map the program change that matches the patch's own program number")
                .clicked()
            {
                let pc = s.handles.store.read(|l| {
                    l.get(selected[0])
                        .and_then(|e| patches::program_number(devices::registry(), e))
                });
                match pc.and_then(|p| u8::try_from(p).ok()).filter(|p| *p < 128) {
                    Some(p) => s.edit(Edit::SetProgram(selected[0], Some(p))),
                    None => s.handles.store.log(
                        Level::Warning,
                        "No program change mapped: the patch carries no program number under 128".into(),
                    ),
                }
            }
        });
    }
}

/// The filter field's id (Ctrl+F focuses it).
const FILTER_ID: &str = "library filter";

/// Deletes entries as one undoable step.
fn delete(s: &mut Shared<'_>, ids: &[EntryId]) {
    let mut inverse = Vec::new();
    for id in ids {
        inverse.extend(s.handles.store.edit(Edit::Remove(*id)));
    }
    // Restore in original positions, first removed last.
    inverse.reverse();
    s.undo.push(inverse);
    s.selection.clear();
    *s.focus = None;
}
