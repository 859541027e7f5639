//! The open editor repaints only when something it shows changed: an idle window asks for
//! (almost) no frames, and a change made without input (a counter moved by the audio thread, a
//! log line from the worker) still reaches the screen within a few tenths of a second. The test
//! drives the real [`VaultUi`] the way egui-baseview does: a frame runs only when egui's repaint
//! callback asked for one.

mod editor_rig;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use sysex_vault::editor::{Handles, VaultUi};
use sysex_vault::store::Level;

/// A window that paints only when asked, like egui-baseview's.
struct Window {
    ctx: egui::Context,
    due: Arc<Mutex<Option<Instant>>>,
    ui: VaultUi,
    frames: usize,
}

impl Window {
    fn new(handles: &Handles) -> Window {
        let ctx = egui::Context::default();
        let due = Arc::new(Mutex::new(Some(Instant::now())));
        let asked = due.clone();
        ctx.set_request_repaint_callback(move |info| {
            let at = Instant::now() + info.delay.min(Duration::from_secs(3600));
            let mut due = asked.lock().unwrap();
            *due = Some(due.map_or(at, |d| d.min(at)));
        });
        let record = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let ui = VaultUi::new(handles.clone(), Box::new(editor_rig::FakeHost(record)));
        Window {
            ctx,
            due,
            ui,
            frames: 0,
        }
    }

    /// Runs the window for `span`, painting whenever a repaint is due; returns the frames run.
    fn run_for(&mut self, span: Duration) -> usize {
        let start = self.frames;
        let end = Instant::now() + span;
        while Instant::now() < end {
            let due = {
                let mut due = self.due.lock().unwrap();
                match *due {
                    Some(at) if at <= Instant::now() => due.take(),
                    _ => None,
                }
            };
            if due.is_some() {
                let input = egui::RawInput {
                    screen_rect: Some(egui::Rect::from_min_size(
                        egui::Pos2::ZERO,
                        egui::vec2(1100.0, 720.0),
                    )),
                    ..Default::default()
                };
                let ui = &mut self.ui;
                let mut out = self.ctx.run_ui(input, |root| {
                    egui::CentralPanel::default().show(root, |inner| ui.ui(inner));
                });
                // Nothing is drawn: the test counts frames, not pixels.
                out.textures_delta.clear();
                self.frames += 1;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        self.frames - start
    }

    /// Runs until `frames` more frames ran or `limit` passed; returns how long it took.
    fn until_frame(&mut self, limit: Duration) -> Option<Duration> {
        let start = Instant::now();
        let before = self.frames;
        while start.elapsed() < limit {
            self.run_for(Duration::from_millis(10));
            if self.frames > before {
                return Some(start.elapsed());
            }
        }
        None
    }
}

fn library(handles: &Handles) {
    for i in 0..12u8 {
        let name = format!("QUIET {i:<4}");
        let mut n = [b' '; 10];
        n.copy_from_slice(name.as_bytes());
        handles.store.add(sysex_vault::library::Entry::new(
            sysex_vault::devices::registry(),
            vec![editor_rig::voice(&n)],
            sysex_vault::library::Source::Capture,
            0,
        ));
    }
}

#[test]
fn an_idle_editor_asks_for_no_frames_and_changes_still_show() {
    let handles = Handles::detached();
    library(&handles);
    let mut window = Window::new(&handles);
    // Opening: the first frames lay the window out.
    window.run_for(Duration::from_millis(500));
    assert!(window.frames >= 1, "the window never painted");
    // Two seconds with nothing happening.
    let idle = window.run_for(Duration::from_secs(2));
    assert!(
        idle <= 1,
        "an idle editor asked for {idle} frames in 2 s (it used to repaint ten times a second)"
    );
    // The audio thread counts a message: the status line must show it without any input.
    handles.counters.sysex_in.fetch_add(1, Ordering::Relaxed);
    let shown = window.until_frame(Duration::from_secs(5));
    assert!(shown.is_some(), "a counter change never reached the screen");
    // The worker writes a log line.
    window.run_for(Duration::from_millis(300));
    handles
        .store
        .log(Level::Warning, "worker says hello".into());
    assert!(
        window.until_frame(Duration::from_secs(5)).is_some(),
        "a log line never reached the screen"
    );
    // And quiet again.
    window.run_for(Duration::from_millis(300));
    let idle = window.run_for(Duration::from_secs(2));
    assert!(idle <= 1, "after the changes, idle frames: {idle}");
}
