//! "Send firmware file…": a `.syx` file sent whole to the synth, never stored in the library.
//! The file is read and planned by the core (the synth it is for, the pacing, the time it
//! takes); the plan and a warning show before anything is sent, and the user confirms. On the
//! host route it is refused, with the reason; the worker refuses it there too. Progress, time
//! left and Cancel are the send panel's.

use super::{format, Shared};
use crate::background::worker::FIRMWARE_HOST_ROUTE_REFUSED;
use crate::firmware::FirmwarePlan;
use crate::store::WorkerRequest;
use crossbeam_channel::{Receiver, Sender};
use std::path::Path;

const RED: egui::Color32 = egui::Color32::from_rgb(220, 80, 60);

/// A file read and planned, waiting for the user's go.
struct Pending {
    name: String,
    plan: FirmwarePlan,
}

/// The firmware section of the Send tab.
pub struct FirmwarePanel {
    pending: Option<Pending>,
    /// Why the last file offered cannot be sent.
    error: Option<String>,
    picked_tx: Sender<std::path::PathBuf>,
    picked_rx: Receiver<std::path::PathBuf>,
}

impl Default for FirmwarePanel {
    fn default() -> Self {
        let (picked_tx, picked_rx) = crossbeam_channel::unbounded();
        FirmwarePanel {
            pending: None,
            error: None,
            picked_tx,
            picked_rx,
        }
    }
}

impl FirmwarePanel {
    /// Reads and plans `path`: the confirmation shows next, or why the file cannot be sent.
    pub fn offer(&mut self, path: &Path) {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let planned = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| FirmwarePlan::from_syx(crate::devices::registry(), &bytes));
        match planned {
            Ok(plan) => {
                self.pending = Some(Pending { name, plan });
                self.error = None;
            }
            Err(e) => {
                self.pending = None;
                self.error = Some(format!("{name}: {e}"));
            }
        }
    }

    /// Draws the button, and the plan with its warning while a file waits for the go.
    pub fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        if let Ok(path) = self.picked_rx.try_recv() {
            self.offer(&path);
        }
        if ui
            .button("Send firmware file…")
            .on_hover_text("Send a .syx firmware update to the synth through the direct MIDI ports; you confirm after seeing the plan")
            .clicked()
        {
            let tx = self.picked_tx.clone();
            std::thread::spawn(move || {
                let dialog = rfd::AsyncFileDialog::new().add_filter("SysEx", &["syx"]);
                if let Some(f) = pollster::block_on(dialog.pick_file()) {
                    let _ = tx.send(f.path().to_path_buf());
                }
            });
        }
        if let Some(e) = &self.error {
            ui.colored_label(RED, e);
        }
        let Some(p) = &self.pending else {
            return;
        };
        let direct = s
            .handles
            .route
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .direct;
        let pacing = p.plan.pacing;
        let chunks = pacing.chunk().map_or(String::from("whole messages"), |c| {
            format!("{c}-byte chunks, {} ms after each", pacing.chunk_pause_ms)
        });
        ui.label(format!(
            "Firmware \"{}\" for {}: {} message(s), {}; pacing {}: {} B/s, {chunks}, {} ms after each message; about {:.0} s.",
            p.name,
            p.plan.target,
            p.plan.messages.len(),
            format::bytes(p.plan.bytes),
            p.plan.pacing_from,
            pacing.bytes_per_second,
            pacing.gap_after_message_ms,
            p.plan.seconds
        ));
        let mut close = false;
        if direct {
            ui.colored_label(RED, "Warning: a firmware update cut short can leave the synth unusable until it is sent again. Keep the synth powered and connected and the plugin open until it is done. The synth is asked who it is first: a file for another maker or model is refused.");
            ui.horizontal(|ui| {
                if ui.button("Send firmware").clicked() {
                    s.handles.store.request(WorkerRequest::SendFirmware {
                        label: p.name.clone(),
                        messages: p.plan.messages.clone(),
                    });
                    close = true;
                }
                close |= ui.button("Don't send").clicked();
            });
        } else {
            ui.colored_label(RED, format!("Not sent: {FIRMWARE_HOST_ROUTE_REFUSED}."));
            close = ui.button("Dismiss").clicked();
        }
        if close {
            self.pending = None;
        }
        ui.separator();
    }
}
