//! Recording: arm and disarm, the take in progress, and the last capture problem.

use super::{format, Shared};
use crate::background::ports;
use crate::store::Level;

use std::sync::atomic::Ordering;

/// Input and output port names.
type PortLists = (Vec<String>, Vec<String>);

/// The record panel: record arm, the take in progress, and the MIDI route.
#[derive(Default)]
pub struct RecordPanel {
    /// Port lists from the last refresh (inputs, outputs), or why they could not be read.
    ports: Option<Result<PortLists, String>>,
}

impl RecordPanel {
    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        self.route(ui, s);
        ui.separator();
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
        if ui
            .add(button)
            .on_hover_text("Arm or disarm the Record parameter (the host can automate it too)")
            .clicked()
        {
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

impl RecordPanel {
    fn route(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let mut route = s
            .handles
            .route
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let before = route.clone();
        ui.horizontal_wrapped(|ui| {
            ui.label("MIDI route");
            ui.selectable_value(&mut route.direct, false, "Through the host")
                .on_hover_text("SysEx in and out through the track's MIDI, as the host passes it");
            ui.selectable_value(
                &mut route.direct,
                true,
                format!("Direct ports ({})", ports::BACKEND),
            )
            .on_hover_text(
                "Open the synth's MIDI ports from the plugin, for hosts that strip SysEx",
            );
        });
        if route.direct {
            if self.ports.is_none()
                || ui
                    .button("Refresh ports")
                    .on_hover_text("List the MIDI ports again (after plugging a device in)")
                    .clicked()
            {
                self.ports =
                    Some(ports::input_ports().and_then(|i| ports::output_ports().map(|o| (i, o))));
            }
            if ui
                .button("Reconnect")
                .on_hover_text(
                    "Close and open the chosen ports again: after another program (often the DAW) let go of one, or the device was plugged in again",
                )
                .clicked()
            {
                s.handles
                    .capture
                    .reconnects
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            match &self.ports {
                Some(Ok((inputs, outputs))) => {
                    port_choice(ui, "From synth (input)", &mut route.input, inputs);
                    port_choice(ui, "To synth (output)", &mut route.output, outputs);
                }
                Some(Err(e)) => {
                    ui.colored_label(
                        egui::Color32::from_rgb(220, 80, 60),
                        format!("No MIDI ports: {e}"),
                    );
                }
                None => {}
            }
            ui.small("Use this when the host strips SysEx (Ableton Live, Carla, FL Studio, Studio One). Capture, send, recall and dump requests then use these ports.");
        }
        if route != before {
            *s.handles.route.write().unwrap_or_else(|e| e.into_inner()) = route;
        }
    }
}

fn port_choice(ui: &mut egui::Ui, label: &str, choice: &mut Option<String>, available: &[String]) {
    let missing = choice.as_ref().is_some_and(|c| !available.contains(c));
    let shown = match choice {
        Some(c) if missing => format!("{c} (missing)"),
        Some(c) => c.clone(),
        None => "none".into(),
    };
    egui::ComboBox::from_label(label)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            ui.selectable_value(choice, None, "none");
            for p in available {
                ui.selectable_value(choice, Some(p.clone()), p);
            }
        })
        .response
        .on_hover_text("The port is saved with the project by its exact name");
    if missing {
        ui.colored_label(
            egui::Color32::from_rgb(220, 80, 60),
            "The saved port is not connected: plug the device in and refresh, or choose another. Nothing is sent meanwhile.",
        );
    }
}
