//! Opens the real editor ([`VaultUi`]) in a window, outside any host, with a demo library, a send
//! in progress and a take arriving, so anyone can look at it or regenerate the README screenshot:
//!
//! ```sh
//! xvfb-run -s "-screen 0 1100x720x24" scripts/screenshot docs/editor.png
//! ```
//!
//! `cargo run --example editor_preview -- [seconds] [view]` keeps the window open for `seconds`
//! (default: until closed) on `view`: a tab (details, record, send, files, log, timing; default
//! send), `compare` (two captures of a patch side by side), `guide` (the guided first backup on
//! an empty library) or `library` (10,000 entries, about 100 MiB).

use nice_plug_egui::{EguiWindow, EguiWindowSettings};
use std::sync::atomic::Ordering;
use sysex_vault::audio::counters::Counters;
use sysex_vault::devices::{self, Fields};
use sysex_vault::editor::{Handles, HostParams, Tab, VaultUi};
use sysex_vault::library::{Entry, Source};
use sysex_vault::store::{Edit, Level, LibraryStore};

struct Preview(std::sync::atomic::AtomicBool);

impl HostParams for Preview {
    fn record(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
    fn set_record(&self, on: bool) {
        self.0.store(on, Ordering::Relaxed);
    }
}

struct App(VaultUi);

impl nice_plug_egui::App for App {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut nice_plug_egui::Frame) {
        egui::CentralPanel::default().show(ui, |ui| self.0.ui(ui));
    }
}

/// A DX7 message written by the shipped definition.
fn dx7(message: &str, data: &[u8]) -> Vec<u8> {
    let d = devices::registry()
        .get("yamaha-dx7")
        .expect("DX7 definition");
    let m = d.message(message).expect("message kind");
    d.build(m, &d.default_fields(Fields::default()), data)
        .expect("DX7 message")
}

fn voice(name: &str) -> Vec<u8> {
    let mut data: Vec<u8> = (0..155u32).map(|i| (i * 7 % 100) as u8).collect();
    data[145..155].copy_from_slice(format!("{name:<10}").as_bytes());
    dx7("voice", &data)
}

fn edited(name: &str) -> Vec<u8> {
    let mut data: Vec<u8> = (0..155u32).map(|i| (i * 7 % 100) as u8).collect();
    data[145..155].copy_from_slice(format!("{name:<10}").as_bytes());
    data[12] = 90;
    data[134] = 3;
    dx7("voice", &data)
}

fn demo(store: &LibraryStore) {
    let t = 1_796_052_331_000;
    let mut bank = vec![0u8; 4096];
    for (i, v) in bank.chunks_mut(128).enumerate() {
        v[118..128].copy_from_slice(
            format!(
                "{:<10}",
                ["BRASS 1", "STRINGS", "E.PIANO 1", "MARIMBA"][i % 4]
            )
            .as_bytes(),
        );
    }
    let mut entries = vec![
        Entry::new(
            sysex_vault::devices::registry(),
            vec![dx7("bank", &bank)],
            Source::Capture,
            t,
        ),
        Entry::new(
            sysex_vault::devices::registry(),
            vec![voice("E.PIANO 1")],
            Source::Capture,
            t + 60_000,
        ),
        Entry::new(
            sysex_vault::devices::registry(),
            vec![voice("WARM PAD")],
            Source::Import("pads.syx".into()),
            t + 120_000,
        ),
        Entry::new(
            sysex_vault::devices::registry(),
            // The GS reset from Roland's GS manuals.
            vec![vec![
                0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7,
            ]],
            Source::Capture,
            t + 180_000,
        ),
        Entry::new(
            sysex_vault::devices::registry(),
            (0..100u8)
                .map(|i| vec![0xF0, 0x04, 0x05, i, 0x10, 0x20, 0xF7])
                .collect(),
            Source::Capture,
            t + 240_000,
        ),
        // E.PIANO 1 captured again after an edit on the synth: two parameters changed.
        Entry::new(
            sysex_vault::devices::registry(),
            vec![edited("E.PIANO 1")],
            Source::Capture,
            t + 300_000,
        ),
    ];
    entries[4].name = "Little Phatty: all presets".into();
    entries[4].lost_messages = 1;
    let ids: Vec<u64> = entries.into_iter().map(|e| store.add(e)).collect();
    store.edit(Edit::SetRecall(Some(ids[4])));
    store.edit(Edit::SetProgram(
        ids[1],
        Some(sysex_vault::library::ProgramMap::any(4)),
    ));
    store.log(
        Level::Warning,
        "pads.syx: skipped 2 byte(s) outside any SysEx at offset 0".into(),
    );
}

/// A library of 10,000 entries (about 100 MiB): DX7 banks and voices, tagged, some favourites.
fn big(store: &LibraryStore) {
    let t = 1_796_052_331_000;
    let names = [
        "BRASS", "STRINGS", "E.PIANO", "MARIMBA", "PAD", "BASS", "ORGAN", "BELLS",
    ];
    let tags = ["live", "pads", "keys", "studio", "gig 2026"];
    store.write(|l| {
        for i in 0..10_000usize {
            let name = format!("{} {}", names[i % names.len()], i / names.len() + 1);
            let mut e = if i % 3 == 0 {
                let mut bank = vec![0u8; 4096];
                for (k, v) in bank.chunks_mut(128).enumerate() {
                    v[118..128].copy_from_slice(
                        format!("{:<10}", format!("{} {k}", names[k % 8])).as_bytes(),
                    );
                    v[0] = (i % 100) as u8;
                }
                let mut e = Entry::new(
                    sysex_vault::devices::registry(),
                    vec![dx7("bank", &bank); 8],
                    Source::Capture,
                    t + i as u64 * 60_000,
                );
                e.name = format!("Bank {}", i / 3 + 1);
                e
            } else {
                Entry::new(
                    sysex_vault::devices::registry(),
                    vec![voice(&name[..name.len().min(10)])],
                    Source::Capture,
                    t + i as u64 * 60_000,
                )
            };
            e.tags = vec![tags[i % tags.len()].to_owned()];
            e.favourite = i % 7 == 0;
            if i % 11 == 0 {
                e.note = "used in the second verse".into();
            }
            l.add(e);
        }
    });
}

fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: Option<f64> = args.next().and_then(|s| s.parse().ok());
    let view = args.next().unwrap_or_default();
    let tab = match view.as_str() {
        "details" | "library" => Tab::Details,
        "record" => Tab::Record,
        "files" => Tab::Files,
        "log" => Tab::Log,
        "timing" => Tab::Timing,
        "compare" => Tab::Compare,
        "guide" => Tab::Record,
        _ => Tab::Send,
    };
    let handles = Handles::detached();
    handles.settings.write().expect("settings").tab = tab;
    match view.as_str() {
        "guide" => {}
        "library" => big(&handles.store),
        _ => demo(&handles.store),
    }
    // A send in progress (the 100-message Little Phatty bank at DIN pacing) and counters.
    let s = &handles.send;
    if view != "guide" {
        s.start_job(1, 100, 700, 15.22);
        s.progress(37, 259, 5.63);
    }
    Counters::add(&handles.counters.sysex_in, 4_410);
    Counters::add(&handles.counters.sysex_out, 137);
    let recording = view != "guide";
    let ids = handles
        .store
        .read(|l| l.entries.iter().map(|e| e.id).collect::<Vec<_>>());
    let mut ui = VaultUi::new(handles, Box::new(Preview(recording.into())));
    match view.as_str() {
        "guide" => ui.open_guide(Some("moog-little-phatty")),
        // The two E.PIANO 1 captures: the later one was edited on the synth.
        "compare" => ui.select(vec![ids[1], ids[5]]),
        _ => ui.select_first(),
    }
    if let Some(seconds) = seconds {
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs_f64(seconds));
            std::process::exit(0);
        });
    }
    let settings = EguiWindowSettings::new()
        .with_title("SysEx Vault (preview)")
        .with_size(nice_plug::editor::dpi::LogicalSize::new(1100.0, 720.0))
        .with_repaint_poll_interval(sysex_vault::editor::watch::NOTIFIER_POLL);
    EguiWindow::create(settings, App(ui))
        .expect("open window")
        .run_until_closed()
        .expect("window");
}
