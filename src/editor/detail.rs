//! Details of the focused entry: what each message is (maker, device, profile, preset number and
//! names, checksum) and a hex view with offsets.

use super::{format, Shared};
use crate::devices;
use crate::engine::store::WorkerRequest;
use crate::sysex::checksum::ChecksumStatus;
use crate::sysex::manufacturer;
use crate::sysex::message::SysEx;

/// Which message of the entry is shown.
#[derive(Default)]
pub struct DetailPanel {
    message: usize,
}

impl DetailPanel {
    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let Some(id) = *s.focus else {
            ui.label("Click an entry's name to see what it holds.");
            return;
        };
        let Some(entry) = s.handles.store.read(|l| l.get(id).cloned()) else {
            *s.focus = None;
            return;
        };
        ui.heading(&entry.name);
        ui.label(format!(
            "{} · {} · {} message(s) · {} · {}",
            entry.device,
            entry.kind.label(),
            entry.messages.len(),
            format::bytes(entry.byte_len() as u64),
            format::datetime(entry.created_unix_ms)
        ));
        if entry.messages.is_empty() {
            ui.label("No complete message in this entry.");
            return;
        }
        self.message = self.message.min(entry.messages.len() - 1);
        ui.horizontal(|ui| {
            let count = entry.messages.len();
            let label = ui.label("Message");
            let mut shown = self.message + 1;
            ui.add(egui::DragValue::new(&mut shown).range(1..=count))
                .labelled_by(label.id);
            self.message = shown.clamp(1, count) - 1;
            ui.label(format!("of {count}"));
            if ui
                .button("Send this message")
                .on_hover_text(
                    "Send only this message of the entry (the block of a bank that failed), paced",
                )
                .clicked()
            {
                s.handles.store.request(WorkerRequest::SendPart {
                    entry: id,
                    from: self.message,
                    to: self.message + 1,
                });
            }
            if count > 1
                && ui
                    .button("Send from here")
                    .on_hover_text("Send this message and the ones after it")
                    .clicked()
            {
                s.handles.store.request(WorkerRequest::SendPart {
                    entry: id,
                    from: self.message,
                    to: count,
                });
            }
        });
        let bytes = &entry.messages[self.message];
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
                    ui.monospace(format::hex_row(bytes, row));
                }
            });
    }
}
