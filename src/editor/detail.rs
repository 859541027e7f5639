//! Details of the focused entry: favourite, tags and note; its messages one by one (show, send,
//! export or delete one, with undo); what the shown message is (maker, device, definition,
//! preset number and names, checksum) and a hex view with offsets.

use super::{format, Shared};
use crate::devices;
use crate::library::{Entry, EntryId, Source};
use crate::store::{Edit, WorkerRequest};
use crate::sysex::checksum::ChecksumStatus;
use crate::sysex::manufacturer;
use crate::sysex::message::SysEx;

/// Which message of the entry is shown, and the tag and note fields being typed in.
#[derive(Default)]
pub struct DetailPanel {
    message: usize,
    /// The entry the panel showed last frame.
    filled_for: Option<EntryId>,
    tags: String,
    note: String,
    /// The entry whose tags or note are being typed: every keystroke is saved at once (nothing
    /// typed waits for the field to lose focus, which a tab switch never reports), and one
    /// burst of typing is one undo step.
    typing_tags: Option<EntryId>,
    typing_note: Option<EntryId>,
    /// Labels of the focused entry's messages, worked out once per library change.
    labels: (Option<(EntryId, u64)>, Vec<String>),
}

/// What the panel shows of an entry: everything but the bytes of the other messages (a large
/// bank is not copied every frame).
struct Shown {
    name: String,
    device: String,
    kind: &'static str,
    created: u64,
    bytes: usize,
    favourite: bool,
    tags: Vec<String>,
    note: String,
    lengths: Vec<usize>,
    message: Vec<u8>,
}

fn shown(e: &Entry, index: usize) -> Shown {
    Shown {
        name: e.name.clone(),
        device: e.device.clone(),
        kind: e.kind.label(),
        created: e.created_unix_ms,
        bytes: e.byte_len(),
        favourite: e.favourite,
        tags: e.tags.clone(),
        note: e.note.clone(),
        lengths: e.messages.iter().map(Vec::len).collect(),
        message: e.messages.get(index).cloned().unwrap_or_default(),
    }
}

/// "Yamaha DX7 bank [BRASS 1 …]" or the first bytes in hex.
fn message_label(m: &[u8]) -> String {
    match SysEx::new(m) {
        Ok(msg) => {
            let r = devices::recognise(&msg);
            match r.preset_names.first() {
                Some(name) if r.preset_names.len() == 1 => {
                    format!("{} {}: {name}", r.device, r.kind.label())
                }
                _ => format!("{} {}", r.device, r.kind.label()),
            }
        }
        Err(_) => m
            .iter()
            .take(6)
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// Keeps the undo step of a burst of typing: the first change of the burst is undoable (back to
/// the text before it), later keystrokes of the same burst add no step of their own.
fn typed(s: &mut Shared<'_>, burst: &mut Option<EntryId>, id: EntryId, inverse: Vec<Edit>) {
    if inverse.is_empty() {
        return;
    }
    if *burst != Some(id) {
        s.undo.push(inverse);
        *burst = Some(id);
    }
}

/// Tags typed as "pads, live 2026" → ["pads", "live 2026"] (empty ones and repeats dropped).
pub fn parse_tags(text: &str) -> Vec<String> {
    let mut tags: Vec<String> = Vec::new();
    for t in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_owned());
        }
    }
    tags
}

impl DetailPanel {
    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let Some(id) = *s.focus else {
            ui.label("Click an entry's name to see what it holds.");
            return;
        };
        // A newly focused entry shows its first message (never the previous entry's index).
        if self.filled_for != Some(id) {
            self.filled_for = Some(id);
            self.message = 0;
        }
        let index = self.message;
        let generation = s.handles.store.generation();
        let labels = &mut self.labels;
        let Some(e) = s.handles.store.read(|l| {
            let e = l.get(id)?;
            if labels.0 != Some((id, generation)) {
                *labels = (
                    Some((id, generation)),
                    e.messages.iter().map(|m| message_label(m)).collect(),
                );
            }
            Some(shown(e, index))
        }) else {
            *s.focus = None;
            return;
        };
        ui.heading(&e.name);
        ui.label(format!(
            "{} · {} · {} message(s) · {} · {}",
            e.device,
            e.kind,
            e.lengths.len(),
            format::bytes(e.bytes as u64),
            format::datetime(e.created)
        ));
        self.about(ui, s, id, &e);
        ui.separator();
        if e.lengths.is_empty() {
            ui.label("No complete message in this entry.");
            return;
        }
        self.messages(ui, s, id, &e);
        ui.separator();
        self.decoded(ui, &e.message);
    }

    /// Favourite, tags and note.
    fn about(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>, id: EntryId, e: &Shown) {
        ui.horizontal(|ui| {
            let mut fav = e.favourite;
            let text = if fav {
                "★ Favourite"
            } else {
                "☆ Favourite"
            };
            if ui
                .toggle_value(&mut fav, text)
                .on_hover_text("Mark it as a favourite (the list can show favourites only)")
                .changed()
            {
                s.edit(Edit::SetFavourite(id, fav));
            }
            let label = ui.label("Tags");
            let field = egui::Id::unique("detail tags");
            // Not being typed in: show what the library holds (after an undo, another entry).
            if !ui.memory(|m| m.has_focus(field)) {
                self.tags = e.tags.join(", ");
            }
            let tags = ui
                .add(
                    egui::TextEdit::singleline(&mut self.tags)
                        .id(field)
                        .hint_text("pads, live 2026")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(label.id)
                .on_hover_text("Tags, separated by commas; kept as you type");
            if tags.changed() {
                let inverse = s
                    .handles
                    .store
                    .edit(Edit::SetTags(id, parse_tags(&self.tags)));
                typed(s, &mut self.typing_tags, id, inverse);
            }
            if !tags.has_focus() {
                self.typing_tags = None;
            }
        });
        let label = ui.label("Note");
        let field = egui::Id::unique("detail note");
        if !ui.memory(|m| m.has_focus(field)) {
            self.note = e.note.clone();
        }
        let note = ui
            .add(
                egui::TextEdit::multiline(&mut self.note)
                    .id(field)
                    .hint_text("What it is, where you used it…")
                    .desired_rows(2)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id)
            .on_hover_text("A note saved with the entry as you type; the list's search finds it");
        if note.changed() {
            let inverse = s
                .handles
                .store
                .edit(Edit::SetNote(id, self.note.trim().to_owned()));
            typed(s, &mut self.typing_note, id, inverse);
        }
        if !note.has_focus() {
            self.typing_note = None;
        }
    }

    /// The entry's messages: pick one to show; send, export or delete it.
    fn messages(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>, id: EntryId, e: &Shown) {
        let count = e.lengths.len();
        self.message = self.message.min(count - 1);
        let height = (count.min(6) as f32) * 20.0;
        egui::ScrollArea::vertical()
            .id_salt("messages")
            .max_height(height)
            .auto_shrink([false, true])
            .show_rows(ui, 18.0, count, |ui, range| {
                for i in range {
                    let text = format!(
                        "{}. {} ({})",
                        i + 1,
                        self.labels.1.get(i).map_or("", String::as_str),
                        format::bytes(e.lengths[i] as u64)
                    );
                    if ui
                        .selectable_label(self.message == i, text)
                        .on_hover_text("Show this message below")
                        .clicked()
                    {
                        self.message = i;
                    }
                }
            });
        let i = self.message;
        ui.horizontal_wrapped(|ui| {
            // Messages are counted from 1, as people count them.
            ui.label(format!("Message {} of {count}", i + 1));
            if ui
                .button("Send this message")
                .on_hover_text("Send only this message, paced (the block of a bank that failed)")
                .clicked()
            {
                s.handles.store.request(WorkerRequest::SendPart {
                    entry: id,
                    from: i,
                    to: i + 1,
                });
            }
            if count > 1
                && ui
                    .button("Send from here")
                    .on_hover_text(
                        "Send this message and the ones after it (a bank that stopped half way)",
                    )
                    .clicked()
            {
                s.handles.store.request(WorkerRequest::SendPart {
                    entry: id,
                    from: i,
                    to: count,
                });
            }
            if ui
                .button("Export this message…")
                .on_hover_text("Save only this message to a file (format chosen in the Files tab)")
                .clicked()
            {
                let one = s.handles.store.read(|l| {
                    l.get(id).and_then(|en| {
                        let m = en.messages.get(i)?.clone();
                        let mut one = Entry::new(
                            crate::devices::registry(),
                            vec![m],
                            Source::Import(en.name.clone()),
                            en.created_unix_ms,
                        );
                        one.name = format!("{} - message {}", en.name, i + 1);
                        Some(one)
                    })
                });
                if let Some(one) = one {
                    let stem = file_stem(&one.name);
                    s.exports.push((vec![one], stem));
                }
            }
            if ui
                .add_enabled(count > 1, egui::Button::new("Delete this message"))
                .on_hover_text("Remove this message from the entry (Undo puts it back)")
                .on_disabled_hover_text("The entry's only message: delete the entry instead")
                .clicked()
            {
                // Read again: the entry may have changed since the frame began.
                let rest = s.handles.store.read(|l| {
                    l.get(id).filter(|en| i < en.messages.len()).map(|en| {
                        let mut m = en.messages.clone();
                        m.remove(i);
                        m
                    })
                });
                if let Some(rest) = rest {
                    s.edit(Edit::SetMessages(id, rest));
                }
            }
        });
    }

    /// What the shown message is, and its bytes.
    fn decoded(&mut self, ui: &mut egui::Ui, bytes: &[u8]) {
        match SysEx::new(bytes) {
            Ok(msg) => {
                let r = devices::recognise(&msg);
                egui::Grid::new("header").num_columns(2).show(ui, |ui| {
                    ui.label("Manufacturer");
                    ui.label(msg.manufacturer().map_or("none".into(), |m| {
                        format!("{} ({m})", manufacturer::describe(m))
                    }));
                    ui.end_row();
                    ui.label("Device");
                    ui.label(&r.device);
                    ui.end_row();
                    ui.label("Definition");
                    ui.label(&r.definition);
                    ui.end_row();
                    ui.label("Kind");
                    ui.label(r.kind.label());
                    ui.end_row();
                    ui.label("Detail");
                    ui.add(egui::Label::new(&r.detail).wrap());
                    ui.end_row();
                    if let Some(n) = r.program {
                        ui.label("Program");
                        ui.label(match r.bank {
                            Some(b) => format!("{n} (bank {b})"),
                            None => n.to_string(),
                        });
                        ui.end_row();
                    }
                    if !r.preset_names.is_empty() {
                        ui.label("Preset names");
                        ui.add(egui::Label::new(r.preset_names.join(", ")).wrap());
                        ui.end_row();
                    }
                    ui.label("Checksum");
                    ui.label(match r.checksum {
                        ChecksumStatus::Valid => "valid".to_owned(),
                        ChecksumStatus::Invalid { expected, found } => {
                            format!("INVALID: expected {expected:02X}, found {found:02X}")
                        }
                        ChecksumStatus::NotApplicable => "none known".to_owned(),
                    });
                    ui.end_row();
                });
            }
            Err(e) => {
                ui.colored_label(egui::Color32::from_rgb(220, 80, 60), e.to_string());
            }
        }
        ui.separator();
        let rows = bytes.len().div_ceil(16);
        // Scrolls sideways too, so the hex rows never widen the panel over the library list.
        egui::ScrollArea::both()
            .id_salt("hex")
            .auto_shrink([false, false])
            .show_rows(ui, 16.0, rows, |ui, range| {
                for row in range {
                    ui.add(
                        egui::Label::new(
                            egui::RichText::new(format::hex_row(bytes, row)).monospace(),
                        )
                        .extend(),
                    );
                }
            });
    }
}

/// A file name stem from an entry name: [`crate::files::safe_file_name`], `message` when empty.
pub fn file_stem(name: &str) -> String {
    crate::files::safe_file_name(name, "message")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_file_names() {
        assert_eq!(parse_tags(" pads, live 2026,,pads "), ["pads", "live 2026"]);
        assert!(parse_tags(" , ").is_empty());
        assert_eq!(
            file_stem("Yamaha DX7: E.PIANO 1/2"),
            "Yamaha DX7_ E.PIANO 1_2"
        );
        assert_eq!(file_stem("::"), "__");
        assert_eq!(file_stem(" "), "message");
        assert_eq!(file_stem("Con"), "_Con");
    }
}
