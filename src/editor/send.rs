//! Sending: the selection, the whole library, pacing (DIN, USB, the device's own, custom),
//! progress with ETA and cancel; recall on load, program-change mapping and dump requests.

use super::{format, Shared};
use crate::engine::store::{Edit, WorkerRequest};
use crate::pacing::{Pacing, PacingChoice};
use crate::sysex::profiles;

use std::sync::atomic::Ordering;

/// Send panel state.
#[derive(Default)]
pub struct SendPanel {
    program: u8,
    dump_profile: usize,
}

impl SendPanel {
    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let (all, selected): (Vec<u64>, Vec<u64>) = s.handles.store.read(|l| {
            let all: Vec<u64> = l.entries.iter().map(|e| e.id).collect();
            let sel = all
                .iter()
                .copied()
                .filter(|id| s.selection.contains(id))
                .collect();
            (all, sel)
        });
        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    !selected.is_empty(),
                    egui::Button::new(format!("Send selected ({})", selected.len())),
                )
                .clicked()
            {
                s.handles.store.request(WorkerRequest::Send {
                    entries: selected.clone(),
                    pacing: None,
                });
            }
            if ui
                .add_enabled(!all.is_empty(), egui::Button::new("Send whole library"))
                .clicked()
            {
                s.handles.store.request(WorkerRequest::Send {
                    entries: all.clone(),
                    pacing: None,
                });
            }
        });
        self.pacing(ui, s);
        ui.separator();
        self.progress(ui, s);
        ui.separator();
        ui.label("Recall and program changes (for the selected entry)");
        let focus = (selected.len() == 1).then(|| selected[0]);
        let (recall, pc) = s.handles.store.read(|l| {
            (
                l.recall_entry().map(|e| (e.id, e.name.clone())),
                focus
                    .and_then(|id| l.get(id))
                    .and_then(|e| e.program_change),
            )
        });
        ui.label(match &recall {
            Some((_, name)) => format!("Sent when the project loads: \"{name}\""),
            None => "Nothing is sent when the project loads.".into(),
        });
        ui.horizontal(|ui| {
            if ui
                .add_enabled(focus.is_some(), egui::Button::new("Recall this on load"))
                .clicked()
            {
                s.edit(Edit::SetRecall(focus));
            }
            if ui
                .add_enabled(recall.is_some(), egui::Button::new("No recall"))
                .clicked()
            {
                s.edit(Edit::SetRecall(None));
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("Program change");
            let mut shown = u16::from(self.program) + 1;
            ui.add(egui::DragValue::new(&mut shown).range(1..=128))
                .labelled_by(label.id);
            self.program = (shown - 1) as u8;
            if ui
                .add_enabled(focus.is_some(), egui::Button::new("Map"))
                .clicked()
            {
                if let Some(id) = focus {
                    s.edit(Edit::SetProgram(id, Some(self.program)));
                }
            }
            if ui
                .add_enabled(pc.is_some(), egui::Button::new("Clear"))
                .clicked()
            {
                if let Some(id) = focus {
                    s.edit(Edit::SetProgram(id, None));
                }
            }
            if let Some(pc) = pc {
                ui.label(format!("mapped to {}", u16::from(pc) + 1));
            }
        });
        ui.separator();
        ui.horizontal(|ui| {
            let all = profiles::all();
            self.dump_profile = self.dump_profile.min(all.len() - 1);
            egui::ComboBox::from_label("Device profile")
                .selected_text(all[self.dump_profile].name())
                .show_ui(ui, |ui| {
                    for (i, p) in all.iter().enumerate() {
                        ui.selectable_value(&mut self.dump_profile, i, p.name());
                    }
                });
            if ui.button("Request dump").clicked() {
                let profile = all[self.dump_profile].id().to_owned();
                s.handles
                    .store
                    .request(WorkerRequest::RequestDump { profile });
            }
        });
        ui.small("Devices without a dump request get an identity request; arm Record first to capture the answer.");
    }

    fn pacing(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let mut choice = *s.handles.pacing.read().unwrap_or_else(|e| e.into_inner());
        ui.horizontal_wrapped(|ui| {
            ui.label("Pacing");
            ui.selectable_value(&mut choice, PacingChoice::Din, "DIN (3125 B/s, 150 ms)");
            ui.selectable_value(&mut choice, PacingChoice::UsbFast, "USB / fast");
            ui.selectable_value(&mut choice, PacingChoice::Device, "Device default");
            if ui
                .selectable_label(matches!(choice, PacingChoice::Custom(_)), "Custom")
                .clicked()
            {
                choice = PacingChoice::Custom(choice.resolve(Pacing::DIN));
            }
        });
        if let PacingChoice::Custom(mut p) = choice {
            ui.horizontal(|ui| {
                let rate = ui.label("Rate");
                ui.add(
                    egui::DragValue::new(&mut p.bytes_per_second)
                        .range(10..=1_000_000)
                        .suffix(" B/s"),
                )
                .labelled_by(rate.id);
                let gap = ui.label("Gap after each message");
                ui.add(
                    egui::DragValue::new(&mut p.gap_after_message_ms)
                        .range(0..=5_000)
                        .suffix(" ms"),
                )
                .labelled_by(gap.id);
            });
            choice = PacingChoice::Custom(p);
        }
        *s.handles.pacing.write().unwrap_or_else(|e| e.into_inner()) = choice;
    }

    fn progress(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let p = &s.handles.send;
        let job = p.job_id.load(Ordering::Relaxed);
        let (sent, total) = (
            p.sent_messages.load(Ordering::Relaxed),
            p.total_messages.load(Ordering::Relaxed),
        );
        let (sent_b, total_b) = (
            p.sent_bytes.load(Ordering::Relaxed),
            p.total_bytes.load(Ordering::Relaxed),
        );
        if job == 0 {
            ui.label(format!(
                "Idle. Sends finished: {}, cancelled: {}, host refusals retried: {}",
                p.jobs_done.load(Ordering::Relaxed),
                p.jobs_cancelled.load(Ordering::Relaxed),
                p.retries.load(Ordering::Relaxed)
            ));
            return;
        }
        let fraction = if total_b == 0 {
            0.0
        } else {
            sent_b as f32 / total_b as f32
        };
        ui.add(egui::ProgressBar::new(fraction).text(format!(
            "{sent} / {total} messages, {} / {}, ETA {:.1} s",
            format::bytes(sent_b),
            format::bytes(total_b),
            p.eta_seconds()
        )));
        if ui.button("Cancel").clicked() {
            s.handles.store.request(WorkerRequest::Cancel);
        }
    }
}
