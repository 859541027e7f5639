//! Compare: two selected entries, or an entry and a file, message by message: a summary, each
//! message's status, the decoded patch names, which parameters differ (where the device
//! definition has a parameter map) or else which bytes of the decoded patch data differ (where
//! it can decode them), and side-by-side hex with the differing bytes highlighted.

use super::{format, Shared};
use crate::devices::{self, ParamChange};
use crate::library::diff::{byte_ranges, diff_messages, MessageDiff};
use crate::library::EntryId;
use crate::store::now_unix_ms;
use crate::sysex::message::SysEx;
use crossbeam_channel::{Receiver, Sender};
use std::ops::Range;

/// Bytes per side in a row of the side-by-side hex view.
pub const PAIR_WIDTH: usize = 8;

/// One side of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub struct Side {
    /// Entry or file name.
    pub name: String,
    /// Device, kind and size in words.
    pub about: String,
    /// The messages.
    pub messages: Vec<Vec<u8>>,
}

/// What the comparison found, worked out once per change (not per frame).
struct Compared {
    key: (Vec<EntryId>, Option<String>, u64),
    a: Side,
    b: Side,
    diffs: Vec<MessageDiff>,
    /// What is shown of one message pair: its index, the names each side decodes, and which
    /// decoded patch bytes differ.
    shown: Option<Shown>,
}

/// Names and decoded differences of one message pair.
struct Shown {
    index: usize,
    names_a: String,
    names_b: String,
    params: Option<Vec<ParamChange>>,
    data: Option<(Vec<Range<usize>>, usize)>,
}

/// The Compare tab.
pub struct ComparePanel {
    message: usize,
    file: Option<Side>,
    tx: Sender<Result<Side, String>>,
    rx: Receiver<Result<Side, String>>,
    busy: bool,
    compared: Option<Compared>,
}

impl Default for ComparePanel {
    fn default() -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        ComparePanel {
            message: 0,
            file: None,
            tx,
            rx,
            busy: false,
            compared: None,
        }
    }
}

/// "3 of 32 messages differ (41 bytes)", "Identical (32 messages)".
pub fn summary(diffs: &[MessageDiff]) -> String {
    let differing = diffs
        .iter()
        .filter(|d| !matches!(d, MessageDiff::Same))
        .count();
    if differing == 0 {
        return format!("Identical ({} message(s))", diffs.len());
    }
    let bytes: usize = diffs
        .iter()
        .map(|d| match d {
            MessageDiff::Changed { ranges, .. } => ranges.iter().map(|r| r.len()).sum(),
            _ => 0,
        })
        .sum();
    format!(
        "{differing} of {} message(s) differ ({bytes} byte(s) in messages on both sides)",
        diffs.len()
    )
}

/// One message's status in words.
pub fn status(d: &MessageDiff) -> String {
    match d {
        MessageDiff::Same => "same".into(),
        MessageDiff::Changed {
            ranges,
            len_a,
            len_b,
        } => {
            let n: usize = ranges.iter().map(|r| r.len()).sum();
            if len_a == len_b {
                format!("{n} byte(s) differ")
            } else {
                format!("{n} byte(s) differ; {len_a} vs {len_b} bytes long")
            }
        }
        MessageDiff::OnlyA => "only in A".into(),
        MessageDiff::OnlyB => "only in B".into(),
    }
}

/// "12, 40-41": ranges as 0-based offsets.
pub fn ranges_text(ranges: &[Range<usize>]) -> String {
    ranges
        .iter()
        .map(|r| {
            if r.len() == 1 {
                r.start.to_string()
            } else {
                format!("{}-{}", r.start, r.end - 1)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One row of the side-by-side hex view: the offset, then for each side `PAIR_WIDTH` bytes as
/// (text, differs) pieces, so the caller can colour the differing ones.
pub fn pair_row(a: &[u8], b: &[u8], row: usize) -> Vec<(String, bool)> {
    let start = row * PAIR_WIDTH;
    let mut out = vec![(format!("{start:06X} "), false)];
    for (k, (side, other)) in [(a, b), (b, a)].into_iter().enumerate() {
        for i in start..start + PAIR_WIDTH {
            let piece = match side.get(i) {
                Some(x) => (format!(" {x:02X}"), other.get(i) != Some(x)),
                None => ("   ".to_owned(), false),
            };
            out.push(piece);
        }
        if k == 0 {
            out.push(("  |".to_owned(), false));
        }
    }
    out
}

/// Names the synth's definition decodes from a message (a patch name, a bank's names).
fn names(m: &[u8]) -> String {
    SysEx::new(m)
        .map(|msg| devices::recognise(&msg).preset_names.join(", "))
        .unwrap_or_default()
}

/// Which bytes of the decoded patch data differ, when both messages are the same kind of the
/// same synth and its definition can decode them.
pub fn data_difference(a: &[u8], b: &[u8]) -> Option<(Vec<Range<usize>>, usize)> {
    let reg = devices::registry();
    let (da, ma, _) = reg.identify(a)?;
    let (db, mb, _) = reg.identify(b)?;
    if da.id != db.id || ma.id != mb.id {
        return None;
    }
    let (x, y) = (da.decoded(ma, a)?, db.decoded(mb, b)?);
    Some((byte_ranges(&x, &y), x.len().max(y.len())))
}

/// The parameters that differ, when both messages have the same parameter map.
pub fn param_difference(a: &[u8], b: &[u8]) -> Option<Vec<ParamChange>> {
    devices::registry().param_changes(a, b)
}

fn side_of(e: &crate::library::Entry) -> Side {
    Side {
        name: e.name.clone(),
        about: format!(
            "{} · {} · {} message(s) · {}",
            e.device,
            e.kind.label(),
            e.messages.len(),
            format::bytes(e.byte_len() as u64)
        ),
        messages: e.messages.clone(),
    }
}

impl ComparePanel {
    /// Results waiting from dialog threads, for the editor's watcher.
    pub fn pending(&self) -> super::watch::Probe {
        let rx = self.rx.clone();
        Box::new(move || rx.len() as u64)
    }

    /// Takes a file the dialog thread read.
    pub fn poll(&mut self, s: &mut Shared<'_>) {
        while let Ok(done) = self.rx.try_recv() {
            self.busy = false;
            match done {
                Ok(side) => self.set_file(side),
                Err(e) if e.is_empty() => {}
                Err(e) => s
                    .handles
                    .store
                    .log(crate::store::Level::Error, format!("Compare: {e}")),
            }
        }
    }

    /// Compares the selected entry with these messages (a file) instead of a second entry.
    pub fn set_file(&mut self, side: Side) {
        self.file = Some(side);
        self.compared = None;
    }

    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let mut ids: Vec<EntryId> = s.selection.iter().copied().take(2).collect();
        if ids.is_empty() {
            ids.extend(*s.focus);
        }
        self.toolbar(ui);
        let file_name = self.file.as_ref().map(|f| f.name.clone());
        let wanted = if file_name.is_some() { 1 } else { 2 };
        if ids.len() < wanted {
            ui.label(if file_name.is_some() {
                "Select the entry to compare with the file."
            } else {
                "Tick two entries in the list (or one, and \"Compare with a file…\") to see what differs between them."
            });
            return;
        }
        ids.truncate(wanted);
        if !self.refresh(s, ids, file_name) {
            return;
        }
        let Some(c) = &mut self.compared else { return };
        egui::Grid::new("compare sides")
            .num_columns(2)
            .show(ui, |ui| {
                ui.strong("A");
                ui.label(format!("{} ({})", c.a.name, c.a.about));
                ui.end_row();
                ui.strong("B");
                ui.label(format!("{} ({})", c.b.name, c.b.about));
                ui.end_row();
            });
        ui.strong(summary(&c.diffs));
        if c.diffs.is_empty() {
            return;
        }
        show_diffs(ui, c, &mut self.message);
    }

    /// "Compare with a file…" (read on a thread of its own) and "Forget the file".
    fn toolbar(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!self.busy, egui::Button::new("Compare with a file…"))
                .on_hover_text("Compare the selected entry with a .syx, .mid, hex or .sxvl file")
                .clicked()
            {
                self.busy = true;
                let tx = self.tx.clone();
                std::thread::spawn(move || {
                    let picked = pollster::block_on(super::files::open_dialog().pick_file());
                    let _ = tx.send(match picked {
                        Some(f) => read_side(f.path()),
                        None => Err(String::new()),
                    });
                });
            }
            if self.file.is_some()
                && ui
                    .button("Forget the file")
                    .on_hover_text("Compare two selected entries again")
                    .clicked()
            {
                self.file = None;
                self.compared = None;
            }
        });
    }

    /// Compares the chosen pair again when it or the library changed; false when an entry is gone.
    fn refresh(
        &mut self,
        s: &mut Shared<'_>,
        ids: Vec<EntryId>,
        file_name: Option<String>,
    ) -> bool {
        let key = (ids.clone(), file_name, s.handles.store.generation());
        if self.compared.as_ref().is_none_or(|c| c.key != key) {
            let file = self.file.clone();
            let sides = s.handles.store.read(|l| {
                let a = side_of(l.get(ids[0])?);
                let b = match file {
                    Some(f) => f,
                    None => side_of(l.get(ids[1])?),
                };
                Some((a, b))
            });
            let Some((a, b)) = sides else {
                self.compared = None;
                return false;
            };
            let diffs = diff_messages(&a.messages, &b.messages);
            if self.compared.as_ref().is_none_or(|c| c.key.0 != key.0) {
                // A new pair: show its first difference.
                self.message = diffs
                    .iter()
                    .position(|d| !matches!(d, MessageDiff::Same))
                    .unwrap_or(0);
            }
            self.compared = Some(Compared {
                key,
                a,
                b,
                diffs,
                shown: None,
            });
        }
        true
    }
}

/// The list of messages with their differences, and the chosen one's names, decoded data and
/// bytes side by side.
fn show_diffs(ui: &mut egui::Ui, c: &mut Compared, message: &mut usize) {
    *message = (*message).min(c.diffs.len() - 1);
    egui::ScrollArea::vertical()
        .id_salt("compare messages")
        .max_height((c.diffs.len().min(6) as f32) * 20.0)
        .auto_shrink([false, true])
        .show_rows(ui, 18.0, c.diffs.len(), |ui, range| {
            for i in range {
                let text = format!("{}. {}", i + 1, status(&c.diffs[i]));
                if ui
                    .selectable_label(*message == i, text)
                    .on_hover_text("Show this message's bytes side by side")
                    .clicked()
                {
                    *message = i;
                }
            }
        });
    ui.separator();
    let empty = Vec::new();
    let a = c.a.messages.get(*message).unwrap_or(&empty);
    let b = c.b.messages.get(*message).unwrap_or(&empty);
    if c.shown.as_ref().is_none_or(|sh| sh.index != *message) {
        c.shown = Some(Shown {
            index: *message,
            names_a: names(a),
            names_b: names(b),
            params: param_difference(a, b),
            data: data_difference(a, b),
        });
    }
    let Some(shown) = &c.shown else { return };
    egui::Grid::new("compare names")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("Names in A");
            ui.add(egui::Label::new(&shown.names_a).wrap());
            ui.end_row();
            ui.label("Names in B");
            ui.add(egui::Label::new(&shown.names_b).wrap());
            ui.end_row();
            if let Some(changes) = &shown.params {
                ui.label("Parameters");
                show_changes(ui, changes);
                ui.end_row();
            } else if let Some((ranges, len)) = &shown.data {
                ui.label("Patch data");
                ui.add(
                    egui::Label::new(if ranges.is_empty() {
                        format!("the same ({len} bytes decoded)")
                    } else {
                        format!("decoded bytes {} of {len} differ", ranges_text(ranges))
                    })
                    .wrap(),
                )
                .on_hover_text("Offsets in the patch data the synth's definition decodes");
                ui.end_row();
            }
        });
    ui.separator();
    let rows = a.len().max(b.len()).div_ceil(PAIR_WIDTH);
    let red = egui::Color32::from_rgb(230, 80, 60);
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let normal = ui.visuals().text_color();
    egui::ScrollArea::both()
        .id_salt("compare hex")
        .auto_shrink([false, false])
        .show_rows(ui, 16.0, rows, |ui, range| {
            for row in range {
                let mut job = egui::text::LayoutJob::default();
                for (text, differs) in pair_row(a, b, row) {
                    let mut format =
                        egui::TextFormat::simple(font.clone(), if differs { red } else { normal });
                    if differs {
                        format.background = red.gamma_multiply(0.25);
                    }
                    job.append(&text, 0.0, format);
                }
                ui.add(egui::Label::new(job).extend());
            }
        });
}

/// The changed parameters, one line each ("OP3 Output Level: A 99, B 87"; the editor's font has
/// no arrow), scrolling when many.
fn show_changes(ui: &mut egui::Ui, changes: &[ParamChange]) {
    if changes.is_empty() {
        ui.label("the same");
        return;
    }
    ui.vertical(|ui| {
        ui.label(format!("{} changed", changes.len()));
        egui::ScrollArea::vertical()
            .id_salt("compare params")
            .max_height(160.0)
            .auto_shrink([false, true])
            .show_rows(ui, 16.0, changes.len(), |ui, range| {
                for c in &changes[range] {
                    ui.label(format!("{}: A {}, B {}", c.name, c.from, c.to));
                }
            });
    });
}

/// Reads a file as the second side.
fn read_side(path: &std::path::Path) -> Result<Side, String> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    side_from_file(&name, &bytes)
}

/// A file's messages as a comparison side (every entry of a library file, in order).
pub fn side_from_file(name: &str, bytes: &[u8]) -> Result<Side, String> {
    let imported =
        crate::files::import_any(crate::devices::registry(), name, bytes, now_unix_ms())?;
    let messages: Vec<Vec<u8>> = imported
        .into_iter()
        .flat_map(|i| i.entry.messages)
        .collect();
    Ok(Side {
        name: name.to_owned(),
        about: format!(
            "file · {} message(s) · {}",
            messages.len(),
            format::bytes(messages.iter().map(Vec::len).sum::<usize>() as u64)
        ),
        messages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_a_side_and_a_bad_one_says_why() {
        let side =
            side_from_file("two.syx", &[0xF0, 0x7D, 0x01, 0xF7, 0xF0, 0x7D, 0x02, 0xF7]).unwrap();
        assert_eq!(
            side.messages,
            [vec![0xF0, 0x7D, 0x01, 0xF7], vec![0xF0, 0x7D, 0x02, 0xF7]]
        );
        assert_eq!(side.about, "file · 2 message(s) · 8 B");
        let err = side_from_file("bad.txt", b"F0 7D GG F7").unwrap_err();
        assert!(err.starts_with("bad.txt: "), "{err}");
    }

    #[test]
    fn rows_mark_differing_bytes_on_both_sides() {
        let a = [0xF0, 0x43, 0x00, 0x10, 0xF7];
        let b = [0xF0, 0x43, 0x01, 0x10, 0x22, 0xF7];
        let row = pair_row(&a, &b, 0);
        let text: String = row.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            text,
            "000000  F0 43 00 10 F7           | F0 43 01 10 22 F7      "
        );
        let marked: Vec<&str> = row
            .iter()
            .filter(|(_, d)| *d)
            .map(|(t, _)| t.trim())
            .collect();
        // Offset 2 differs, and from offset 4 the lengths differ.
        assert_eq!(marked, ["00", "F7", "01", "22", "F7"]);
        let diffs = diff_messages(&[a.to_vec()], &[b.to_vec()]);
        assert_eq!(
            summary(&diffs),
            "1 of 1 message(s) differ (3 byte(s) in messages on both sides)"
        );
        assert_eq!(status(&diffs[0]), "3 byte(s) differ; 5 vs 6 bytes long");
        assert_eq!(ranges_text(&[2..3, 4..6]), "2, 4-5");
        assert_eq!(
            summary(&diff_messages(&[a.to_vec()], &[a.to_vec()])),
            "Identical (1 message(s))"
        );
    }
}
