//! A transfer-timing plot: bytes over time for the last send and the last capture, so the user
//! sees whether pacing was respected.

use super::Handles;

use std::sync::atomic::Ordering;

/// Most points kept per trace.
const MAX_POINTS: usize = 4000;

/// Recorded traces.
#[derive(Default)]
pub struct TimingPanel {
    send: Vec<(f64, f64)>,
    send_job: u64,
    capture: Vec<(f64, f64)>,
    capture_start: Option<u64>,
}

impl TimingPanel {
    /// Samples progress (called every frame while the editor is open).
    pub fn sample(&mut self, h: &Handles) {
        let job = h.send.job_id.load(Ordering::Relaxed);
        if job != 0 {
            if job != self.send_job {
                self.send_job = job;
                self.send.clear();
            }
            let t = f64::from_bits(h.send.elapsed_seconds_bits.load(Ordering::Relaxed));
            let b = h.send.sent_bytes.load(Ordering::Relaxed) as f64;
            push(&mut self.send, (t, b));
        }
        let live = h.capture.live_bytes.load(Ordering::Relaxed);
        let clock = h.capture.audio_clock.load(Ordering::Relaxed);
        let sr = f64::from(h.capture.sample_rate()).max(1.0);
        if live > 0 {
            let start = *self.capture_start.get_or_insert_with(|| {
                self.capture.clear();
                clock
            });
            push(
                &mut self.capture,
                ((clock - start.min(clock)) as f64 / sr, live as f64),
            );
        } else {
            self.capture_start = None;
        }
    }

    /// Draws the plot.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        ui.label("Bytes over time: last send (blue), last capture (green).");
        let size = egui::vec2(ui.available_width(), 220.0_f32.min(ui.available_height()));
        let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
        let painter = ui.painter_at(rect);
        painter.rect_stroke(
            rect,
            2.0,
            egui::Stroke::new(1.0, egui::Color32::GRAY),
            egui::StrokeKind::Inside,
        );
        let max_t = self
            .send
            .iter()
            .chain(&self.capture)
            .map(|p| p.0)
            .fold(1e-3, f64::max);
        let max_b = self
            .send
            .iter()
            .chain(&self.capture)
            .map(|p| p.1)
            .fold(1.0, f64::max);
        for (trace, color) in [
            (&self.send, egui::Color32::LIGHT_BLUE),
            (&self.capture, egui::Color32::LIGHT_GREEN),
        ] {
            let points: Vec<egui::Pos2> = trace
                .iter()
                .map(|(t, b)| {
                    egui::pos2(
                        rect.left() + (t / max_t) as f32 * rect.width(),
                        rect.bottom() - (b / max_b) as f32 * rect.height(),
                    )
                })
                .collect();
            if points.len() > 1 {
                painter.add(egui::Shape::line(points, egui::Stroke::new(1.5, color)));
            }
        }
        if let (Some(first), Some(last)) = (self.send.first(), self.send.last()) {
            let secs = last.0 - first.0;
            if secs > 0.0 {
                ui.label(format!(
                    "Last send: {:.0} B in {:.2} s, {:.0} B/s on average (gaps included)",
                    last.1,
                    secs,
                    last.1 / secs
                ));
            }
        }
    }
}

fn push(trace: &mut Vec<(f64, f64)>, p: (f64, f64)) {
    if trace.last() != Some(&p) {
        if trace.len() >= MAX_POINTS {
            trace.remove(0);
        }
        trace.push(p);
    }
}
