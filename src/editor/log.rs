//! The log: every error and warning, with time and cause.

use super::{format, Shared};
use crate::store::Level;

/// Log panel state.
#[derive(Default)]
pub struct LogPanel {
    errors_only: bool,
}

impl LogPanel {
    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        ui.checkbox(&mut self.errors_only, "Errors and warnings only")
            .on_hover_text("Hide the information lines");
        let lines = s.handles.store.log_lines();
        egui::ScrollArea::vertical()
            .id_salt("log")
            .stick_to_bottom(true)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                for l in lines
                    .iter()
                    .filter(|l| !self.errors_only || l.level != Level::Info)
                {
                    let color = match l.level {
                        Level::Info => ui.visuals().text_color(),
                        Level::Warning => egui::Color32::from_rgb(230, 160, 40),
                        Level::Error => egui::Color32::from_rgb(220, 80, 60),
                    };
                    ui.colored_label(
                        color,
                        format!("{}  {:?}  {}", format::time(l.unix_ms), l.level, l.text),
                    );
                }
            });
    }
}
