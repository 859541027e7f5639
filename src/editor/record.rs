//! Recording: arm and disarm, the take in progress, and the last capture problem.

use super::{format, Shared};
use crate::engine::store::Level;

use std::sync::atomic::Ordering;

/// The record panel (stateless: everything lives in the plugin).
pub struct RecordPanel;

impl RecordPanel {
    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let armed = s.host.record();
        let text = if armed {
            "Stop recording"
        } else {
            "Start recording"
        };
        let button = egui::Button::new(egui::RichText::new(text).size(18.0)).fill(if armed {
            egui::Color32::from_rgb(170, 30, 30)
        } else {
            egui::Color32::from_gray(60)
        });
        if ui.add(button).clicked() {
            s.host.set_record(!armed);
        }
        ui.label(if armed {
            "Start the dump on your synth (its SYSEX menu: one preset or all). A take ends after a second of silence."
        } else {
            "Arm to capture SysEx arriving on this track's MIDI input into the project."
        });
        ui.separator();
        let c = &s.handles.capture;
        let (messages, bytes) = (
            c.live_messages.load(Ordering::Relaxed),
            c.live_bytes.load(Ordering::Relaxed),
        );
        if bytes > 0 {
            ui.label(format!(
                "Take in progress: {messages} message(s), {}",
                format::bytes(bytes)
            ));
        } else {
            ui.label("No take in progress.");
        }
        ui.label(format!(
            "Takes captured: {}",
            c.takes_filed.load(Ordering::Relaxed)
        ));
        let dropped = c.dropped_messages.load(Ordering::Relaxed);
        if dropped > 0 {
            ui.colored_label(
                egui::Color32::from_rgb(220, 80, 60),
                format!(
                    "{dropped} message(s) ({}) lost: the capture buffer was full",
                    format::bytes(c.dropped_bytes.load(Ordering::Relaxed))
                ),
            );
        }
        if let Some(err) = s
            .handles
            .store
            .log_lines()
            .into_iter()
            .rev()
            .find(|l| l.level == Level::Error)
        {
            ui.colored_label(
                egui::Color32::from_rgb(220, 80, 60),
                format!("Last problem ({}): {}", format::time(err.unix_ms), err.text),
            );
        }
    }
}
