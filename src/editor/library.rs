//! The library list: a table with resizable columns that lays out only the visible rows (10,000
//! entries stay smooth), rows rebuilt only when the library changes; sorting by every column;
//! filtering by text (names, devices, tags, notes, patches inside banks), device, kind, tag and
//! favourites;
//! multi-select; "changed since the last capture" at a glance; and the list's actions (rename,
//! favourite, delete with undo, reorder, group into a bank, split a bank).

use super::{format, Shared, UiSettings};
use crate::library::{Entry, EntryId, Library};
use crate::store::Edit;
use std::collections::HashMap;

mod bank;
mod table;

pub use super::settings::SortKey;

/// Filters that choose which rows are shown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Filters {
    text: String,
    device: Option<String>,
    kind: Option<&'static str>,
    tag: Option<String>,
    favourites: bool,
}

/// The list's own state.
#[derive(Default)]
pub struct LibraryPanel {
    filters: Filters,
    renaming: Option<(EntryId, String)>,
    bank_name: String,
    bank: bank::BankTools,
    cache: Cache,
    view: View,
    scroll_to: Option<EntryId>,
}

/// Rows of the whole library, rebuilt only when the library changes.
#[derive(Default)]
struct Cache {
    generation: Option<u64>,
    rows: Vec<Row>,
    devices: Vec<String>,
    kinds: Vec<&'static str>,
    tags: Vec<String>,
}

/// Which rows are shown, in which order: recomputed only when the library, a filter or the
/// sort changes.
#[derive(Default)]
struct View {
    key: Option<(u64, Filters, SortKey, bool)>,
    shown: Vec<usize>,
}

const ROW_HEIGHT: f32 = 20.0;

struct Row {
    id: EntryId,
    position: usize,
    favourite: bool,
    name: String,
    device: String,
    kind: &'static str,
    messages: usize,
    bytes: usize,
    created: u64,
    tags: String,
    tag_list: Vec<String>,
    note: String,
    markers: String,
    /// Lower-case name, device, tags, note and the names of the patches inside, for the text
    /// filter.
    haystack: String,
}

/// What the library noticed about an entry: duplicates, damage, recall, and whether it changed
/// since the previous capture of the same patch (`previous`: its capture time).
fn markers(e: &Entry, previous: Option<u64>) -> String {
    let mut markers = Vec::new();
    if let Some(at) = previous {
        markers.push(format!("changed since {}", format::datetime(at)));
    }
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
        markers.push(match pc.channel {
            Some(c) => format!("PC {} ch {}", u16::from(pc.program) + 1, c + 1),
            None => format!("PC {}", u16::from(pc.program) + 1),
        });
    }
    if e.stored_at.is_some() {
        markers.push("recalled by program change".into());
    }
    markers.join(", ")
}

/// For each entry, the capture time of the previous capture of the same patch (same definition,
/// kind and name; a patch or bank a definition recognised) when its bytes differ: "changed
/// since the last capture". Captures are taken in time order, whatever the library order.
pub fn changed_since(lib: &Library) -> Vec<Option<u64>> {
    let mut order: Vec<usize> = (0..lib.entries.len()).collect();
    order.sort_by_key(|&i| lib.entries[i].created_unix_ms);
    let mut last: HashMap<(&str, &'static str, &str), (u64, u64)> = HashMap::new();
    let mut out = vec![None; lib.entries.len()];
    for i in order {
        let e = &lib.entries[i];
        let known = e.profile != crate::devices::GENERIC
            && (e.kind.is_patch() || e.kind == crate::devices::MessageKind::Bank);
        if !known {
            continue;
        }
        let key = (e.profile.as_str(), e.kind.label(), e.name.as_str());
        if let Some((hash, at)) = last.insert(key, (e.hash, e.created_unix_ms)) {
            if hash != e.hash {
                out[i] = Some(at);
            }
        }
    }
    out
}

impl Cache {
    fn refresh(&mut self, generation: u64, lib: &Library) {
        if self.generation == Some(generation) {
            return;
        }
        let changed = changed_since(lib);
        self.rows = lib
            .entries
            .iter()
            .zip(changed)
            .enumerate()
            .map(|(position, (e, previous))| {
                let tags = e.tags.join(", ");
                Row {
                    id: e.id,
                    position,
                    favourite: e.favourite,
                    haystack: crate::library::search::haystack(crate::devices::registry(), e),
                    name: e.name.clone(),
                    device: e.device.clone(),
                    kind: e.kind.label(),
                    messages: e.messages.len(),
                    bytes: e.byte_len(),
                    created: e.created_unix_ms,
                    tags,
                    tag_list: e.tags.clone(),
                    note: e.note.clone(),
                    markers: markers(e, previous),
                }
            })
            .collect();
        let mut devices: Vec<String> = self.rows.iter().map(|r| r.device.clone()).collect();
        devices.sort();
        devices.dedup();
        let mut kinds: Vec<&'static str> = self.rows.iter().map(|r| r.kind).collect();
        kinds.sort();
        kinds.dedup();
        let mut tags: Vec<String> = self
            .rows
            .iter()
            .flat_map(|r| r.tag_list.iter().cloned())
            .collect();
        tags.sort_by_key(|t| t.to_lowercase());
        tags.dedup();
        (self.devices, self.kinds, self.tags) = (devices, kinds, tags);
        self.generation = Some(generation);
    }
}

impl View {
    fn refresh(&mut self, cache: &Cache, filters: &Filters, sort: SortKey, descending: bool) {
        let key = (
            cache.generation.unwrap_or_default(),
            filters.clone(),
            sort,
            descending,
        );
        if self.key.as_ref() == Some(&key) {
            return;
        }
        let needle = filters.text.as_str();
        let rows = &cache.rows;
        let mut shown: Vec<usize> = (0..rows.len())
            .filter(|&i| {
                let r = &rows[i];
                crate::library::search::matches(&r.haystack, needle)
                    && filters.device.as_ref().is_none_or(|d| &r.device == d)
                    && filters.kind.is_none_or(|k| r.kind == k)
                    && filters.tag.as_ref().is_none_or(|t| r.tag_list.contains(t))
                    && (!filters.favourites || r.favourite)
            })
            .collect();
        let text = |s: &str| s.to_lowercase();
        // Stable sorts: rows that compare equal keep library order.
        match sort {
            SortKey::Position => {}
            SortKey::Favourite => shown.sort_by_key(|&i| !rows[i].favourite),
            SortKey::Name => shown.sort_by_cached_key(|&i| text(&rows[i].name)),
            SortKey::Device => shown.sort_by(|&a, &b| rows[a].device.cmp(&rows[b].device)),
            SortKey::Kind => shown.sort_by_key(|&i| rows[i].kind),
            SortKey::Messages => shown.sort_by_key(|&i| rows[i].messages),
            SortKey::Size => shown.sort_by_key(|&i| rows[i].bytes),
            SortKey::Created => shown.sort_by_key(|&i| rows[i].created),
            SortKey::Tags => shown.sort_by_cached_key(|&i| text(&rows[i].tags)),
            SortKey::Notes => {
                shown.sort_by_cached_key(|&i| (text(&rows[i].note), text(&rows[i].markers)))
            }
        }
        if descending {
            shown.reverse();
        }
        self.shown = shown;
        self.key = Some(key);
    }
}

impl LibraryPanel {
    /// Draws the list and its actions.
    pub fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>, settings: &mut UiSettings) {
        // The generation is read first: a change made between the two reads only causes one
        // more rebuild, never a stale list.
        let generation = s.handles.store.generation();
        let cache = &mut self.cache;
        s.handles.store.read(|lib| cache.refresh(generation, lib));
        let mut select_all = false;
        ui.horizontal_wrapped(|ui| {
            ui.label("Search");
            ui.add(
                egui::TextEdit::singleline(&mut self.filters.text)
                    .id(egui::Id::unique(FILTER_ID))
                    .hint_text("name, device, tag, note…")
                    .desired_width(140.0),
            )
            .on_hover_text(
                "Search names, devices, tags, notes and the patches inside banks (Ctrl+F)",
            );
            let any = |v: &Option<String>, all: &str| v.clone().unwrap_or_else(|| all.into());
            egui::ComboBox::from_label("device")
                .selected_text(any(&self.filters.device, "All devices"))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filters.device, None, "All devices");
                    for d in &self.cache.devices {
                        ui.selectable_value(&mut self.filters.device, Some(d.clone()), d);
                    }
                })
                .response
                .on_hover_text("Show one device's entries");
            egui::ComboBox::from_label("kind")
                .selected_text(self.filters.kind.unwrap_or("All kinds"))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filters.kind, None, "All kinds");
                    for k in &self.cache.kinds {
                        ui.selectable_value(&mut self.filters.kind, Some(*k), *k);
                    }
                })
                .response
                .on_hover_text("Show one kind of dump: presets, banks, globals…");
            egui::ComboBox::from_label("tag")
                .selected_text(any(&self.filters.tag, "All tags"))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filters.tag, None, "All tags");
                    for t in &self.cache.tags {
                        ui.selectable_value(&mut self.filters.tag, Some(t.clone()), t);
                    }
                })
                .response
                .on_hover_text("Show the entries with this tag");
            ui.toggle_value(&mut self.filters.favourites, "★ Favourites")
                .on_hover_text("Show favourites only");
            select_all = ui
                .button("Select all")
                .on_hover_text("Select every entry shown, in list order")
                .clicked();
            ui.label(format!("{} selected", s.selection.len()))
                .on_hover_text("Tick entries to send, export, group or compare them together");
        });
        self.actions(ui, s);
        self.view.refresh(
            &self.cache,
            &self.filters,
            settings.sort,
            settings.descending,
        );
        let shown: Vec<EntryId> = self
            .view
            .shown
            .iter()
            .map(|&i| self.cache.rows[i].id)
            .collect();
        if select_all {
            *s.selection = shown.clone();
        }
        self.keys(ui, s, &shown);
        ui.separator();
        if self.cache.rows.is_empty() {
            ui.label("No entries yet: press \"Back up\" to get your synth's sounds, or import a .syx / .mid file (Files tab, or drop it here).");
            return;
        }
        if shown.is_empty() {
            ui.label("No entry matches the search and filters.");
        }
        let scroll_to = self
            .scroll_to
            .take()
            .and_then(|id| shown.iter().position(|x| *x == id));
        // Wider than the panel when every column is shown: the table then scrolls sideways.
        egui::ScrollArea::horizontal()
            .id_salt("library sideways")
            .auto_shrink([false, false])
            .show(ui, |ui| self.table(ui, s, settings, scroll_to));
    }

    /// Keyboard: arrows move the selection through the shown rows, Enter sends the selection
    /// (as the Send tab would), Ctrl+R (Cmd+R on macOS) or F2 renames, Delete deletes (undoable),
    /// Ctrl+F searches. Keys a text field is using are left to it. F2 reaches the editor only
    /// where the window passes function keys on (egui-baseview drops them, see
    /// docs/egui-baseview-function-keys.md), hence Ctrl+R.
    fn keys(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>, shown: &[EntryId]) {
        use egui::{Key, Modifiers};
        let ctx = ui.ctx().clone();
        if ctx.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::F)) {
            ctx.memory_mut(|m| m.request_focus(egui::Id::unique(FILTER_ID)));
        }
        if s.typing || ctx.egui_wants_keyboard_input() || self.renaming.is_some() {
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
            self.scroll_to = Some(shown[at]);
        }
        let selected = s.selection.clone();
        if pressed(Key::Enter) && !selected.is_empty() {
            let request = s.send_request(selected.clone());
            s.handles.store.request(request);
        }
        let rename = ctx.input_mut(|i| i.consume_key(Modifiers::COMMAND, Key::R));
        if (rename || pressed(Key::F2)) && selected.len() == 1 {
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
        ui.horizontal_wrapped(|ui| {
            if ui
                .button("Back up…")
                .on_hover_text("Get sounds from your synth, step by step")
                .clicked()
            {
                *s.back_up = true;
            }
            let one = selected.len() == 1;
            if ui
                .add_enabled(one, egui::Button::new("Rename"))
                .on_hover_text("Rename the selected entry (Ctrl+R)")
                .clicked()
            {
                let name = s
                    .handles
                    .store
                    .read(|l| l.get(selected[0]).map(|e| e.name.clone()));
                self.renaming = name.map(|n| (selected[0], n));
            }
            if ui
                .add_enabled(!selected.is_empty(), egui::Button::new("Delete"))
                .on_hover_text("Delete the selected entries (Delete key; Undo brings them back)")
                .clicked()
            {
                delete(s, &selected);
            }
            if ui
                .add_enabled(!s.undo.is_empty(), egui::Button::new("Undo"))
                .on_hover_text("Undo the last change to the library")
                .clicked()
            {
                s.undo();
            }
            if ui
                .add_enabled(one, egui::Button::new("Up"))
                .on_hover_text("Move the entry up in library order (the order sends use)")
                .clicked()
            {
                s.edit(Edit::Move(selected[0], -1));
            }
            if ui
                .add_enabled(one, egui::Button::new("Down"))
                .on_hover_text("Move the entry down in library order")
                .clicked()
            {
                s.edit(Edit::Move(selected[0], 1));
            }
            ui.add(
                egui::TextEdit::singleline(&mut self.bank_name)
                    .hint_text("bank name")
                    .desired_width(90.0),
            )
            .on_hover_text("Name of the bank \"Group into bank\" makes");
            if ui
                .add_enabled(selected.len() >= 2, egui::Button::new("Group into bank"))
                .on_hover_text(
                    "One entry holding the selected entries' messages, in selection order",
                )
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
        use crate::library::patches;
        use crate::store::Level;
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
        if one {
            self.bank.ui(ui, s, selected[0]);
        }
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(one && bank_like, egui::Button::new("Split into patches"))
                .on_hover_text("A bank dump into its patches (DX7 32 voices, Kawai blocks, ...), by the synth's definition")
                .clicked()
            {
                bank::split(s, selected[0], self.bank.model());
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
                let current = s
                    .handles
                    .store
                    .read(|l| l.get(selected[0]).and_then(|e| e.program_change));
                match pc.and_then(|p| u8::try_from(p).ok()).filter(|p| *p < 128) {
                    Some(p) => {
                        // The channel, bank and interrupt choice stay as mapped (channel 1 for
                        // a first mapping); the Send tab changes them.
                        let map = crate::library::ProgramMap {
                            program: p,
                            ..current.unwrap_or_default()
                        };
                        s.edit(Edit::SetProgram(selected[0], Some(map)));
                    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Source;

    /// A DX7 single voice named `name` whose first parameter is `p`, written by the shipped
    /// definition.
    fn voice(name: &str, p: u8) -> Vec<u8> {
        let d = crate::devices::registry().get("yamaha-dx7").unwrap();
        let mut data = vec![0u8; 155];
        data[0] = p;
        data[145..155].copy_from_slice(format!("{name:<10}").as_bytes());
        let fields = d.default_fields(crate::devices::Fields::default());
        d.build(d.message("voice").unwrap(), &fields, &data)
            .unwrap()
    }

    #[test]
    fn changed_since_follows_capture_time_and_only_recognised_patches() {
        let mut lib = Library::default();
        // Library order differs from capture order: the edit (t = 3) sits first.
        for (bytes, at) in [
            (voice("PIANO", 9), 3),
            (voice("PIANO", 1), 1),
            (voice("PIANO", 1), 2),
            (vec![0xF0, 0x7D, 0x01, 0xF7], 4),
            (vec![0xF0, 0x7D, 0x02, 0xF7], 5),
        ] {
            lib.add(Entry::new(
                crate::devices::registry(),
                vec![bytes],
                Source::Capture,
                at,
            ));
        }
        assert_eq!(
            changed_since(&lib),
            // The edit changed since the capture at t = 2; the same bytes again are no change;
            // unknown dumps with the same default name are not "the same patch".
            [Some(2), None, None, None, None]
        );
    }
}
