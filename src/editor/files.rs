//! Import and export: `.syx`, `.mid` and hex text, through file dialogs that run on their own
//! thread (never blocking the host's GUI thread or the audio thread), and files dropped onto the
//! window. Every problem goes to the log with the file name, offset and cause.

use super::Shared;
use crate::files::name_export;
use crate::files::names::{self, NameFormat};
use crate::files::{self, Format, Imported};
use crate::library::Entry;
use crate::pacing::Pacing;
use crate::store::{now_unix_ms, Edit, Level};
use crossbeam_channel::{Receiver, Sender};

/// Environment variable naming a folder exports go to without a dialog (scripts and tests); an
/// existing file there is never replaced.
pub const EXPORT_DIR_VAR: &str = "SYSEX_VAULT_EXPORT_DIR";

/// What a dialog thread reports back.
enum Done {
    Imported(Vec<Result<Vec<Imported>, String>>),
    Exported(Result<String, String>),
    /// A line for the log (what an export of patch names left out).
    Note(String),
    Cancelled,
}

/// What the export buttons write: entries in a file format, or patch names for a DAW.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ExportAs {
    File(Format),
    Names(NameFormat),
}

/// Files panel state.
pub struct FilesPanel {
    tx: Sender<Done>,
    rx: Receiver<Done>,
    busy: bool,
    format: ExportAs,
    /// A folder exports go to without a dialog ([`EXPORT_DIR_VAR`], or set by the host app).
    pub export_dir: Option<std::path::PathBuf>,
}

impl Default for FilesPanel {
    fn default() -> Self {
        let (tx, rx) = crossbeam_channel::unbounded();
        FilesPanel {
            tx,
            rx,
            busy: false,
            format: ExportAs::File(Format::Syx),
            export_dir: std::env::var_os(EXPORT_DIR_VAR).map(Into::into),
        }
    }
}

/// A file dialog showing the files SysEx Vault reads (`.syx`, `.mid`, hex text, `.sxvl`).
pub fn open_dialog() -> rfd::AsyncFileDialog {
    rfd::AsyncFileDialog::new().add_filter("SysEx", &["syx", "mid", "midi", "txt", "hex", "sxvl"])
}

/// Imports files (name, bytes) into the library, logging every problem.
pub fn import_into(s: &mut Shared<'_>, results: Vec<Result<Vec<Imported>, String>>) {
    let mut entries = Vec::new();
    let flat = results.into_iter().flat_map(|r| match r {
        Ok(many) => many.into_iter().map(Ok).collect::<Vec<_>>(),
        Err(e) => vec![Err(e)],
    });
    for r in flat {
        match r {
            Ok(imported) => {
                for w in imported.warnings {
                    s.handles.store.log(Level::Warning, w);
                }
                s.handles.store.log(
                    Level::Info,
                    format!(
                        "Imported \"{}\": {} message(s)",
                        imported.entry.name,
                        imported.entry.messages.len()
                    ),
                );
                entries.push(imported.entry);
            }
            Err(e) => s
                .handles
                .store
                .log(Level::Error, format!("Import refused: {e}")),
        }
    }
    if !entries.is_empty() {
        s.edit(Edit::Add(entries));
    }
}

fn read_paths(paths: Vec<std::path::PathBuf>) -> Vec<Result<Vec<Imported>, String>> {
    paths
        .into_iter()
        .map(|p| {
            let name = p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            std::fs::read(&p)
                .map_err(|e| format!("{name}: {e}"))
                .and_then(|bytes| {
                    files::import_any(crate::devices::registry(), &name, &bytes, now_unix_ms())
                })
        })
        .collect()
}

impl FilesPanel {
    /// Results waiting from dialog threads, for the editor's watcher.
    pub fn pending(&self) -> super::watch::Probe {
        let rx = self.rx.clone();
        Box::new(move || rx.len() as u64)
    }

    /// Takes what dialog threads finished.
    pub fn poll(&mut self, s: &mut Shared<'_>) {
        while let Ok(done) = self.rx.try_recv() {
            self.busy = false;
            match done {
                Done::Imported(results) => import_into(s, results),
                Done::Exported(Ok(path)) => s
                    .handles
                    .store
                    .log(Level::Info, format!("Exported to {path}")),
                Done::Exported(Err(e)) => s
                    .handles
                    .store
                    .log(Level::Error, format!("Export failed: {e}")),
                Done::Note(line) => s.handles.store.log(Level::Info, line),
                Done::Cancelled => {}
            }
        }
    }

    /// Imports files dropped onto the window.
    pub fn accept_drops(&mut self, ui: &egui::Ui, s: &mut Shared<'_>) {
        let dropped = ui.ctx().input(|i| i.raw.dropped_files.clone());
        if dropped.is_empty() {
            return;
        }
        let results = dropped
            .iter()
            .map(|f| {
                let name = f.path().file_name().map_or_else(
                    || f.path().display().to_string(),
                    |n| n.to_string_lossy().into_owned(),
                );
                f.bytes().map_err(|e| format!("{name}: {e}")).and_then(|b| {
                    files::import_any(crate::devices::registry(), &name, &b, now_unix_ms())
                })
            })
            .collect();
        import_into(s, results);
    }

    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        ui.label("Import .syx, .mid, hex text (.txt) or SysEx Vault library (.sxvl) files, or drop them onto the window.");
        if ui
            .add_enabled(!self.busy, egui::Button::new("Import files…"))
            .on_hover_text("Add .syx, .mid, hex text or .sxvl files to the library")
            .clicked()
        {
            self.busy = true;
            let tx = self.tx.clone();
            std::thread::spawn(move || {
                let picked = pollster::block_on(open_dialog().pick_files());
                let done = match picked {
                    Some(files) => Done::Imported(read_paths(
                        files.iter().map(|f| f.path().to_path_buf()).collect(),
                    )),
                    None => Done::Cancelled,
                };
                let _ = tx.send(done);
            });
        }
        ui.separator();
        ui.horizontal(|ui| {
            ui.label("Export as");
            let f = &mut self.format;
            ui.selectable_value(f, ExportAs::File(Format::Syx), ".syx")
                .on_hover_text("Raw SysEx, what every librarian reads");
            ui.selectable_value(f, ExportAs::File(Format::Mid), ".mid")
                .on_hover_text("A Standard MIDI File any sequencer can play back, DIN-paced");
            ui.selectable_value(f, ExportAs::File(Format::Hex), "hex text")
                .on_hover_text("One message per line in hex");
            ui.selectable_value(f, ExportAs::File(Format::Library), "library (.sxvl)")
                .on_hover_text("Entries with names, tags, favourites and notes, for the standalone app or another project");
            ui.selectable_value(f, ExportAs::Names(NameFormat::Midnam), "patch names (.midnam)")
                .on_hover_text("The patches' names at their program numbers for Ardour's program picker, one file per synth");
            ui.selectable_value(f, ExportAs::Names(NameFormat::Reabank), "patch names (.reabank)")
                .on_hover_text("The patches' names at their program numbers for REAPER (ReaControlMIDI), one file per synth");
        });
        // Counted every frame; the entries are copied only when an export is asked for (a
        // copy of a large library each frame would stall the editor).
        let count = s.handles.store.read(|l| l.entries.len());
        let selection = s.selection.clone();
        let pick = |all: bool| -> Vec<Entry> {
            s.handles.store.read(|l| {
                l.entries
                    .iter()
                    .filter(|e| all || selection.contains(&e.id))
                    .cloned()
                    .collect()
            })
        };
        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    !self.busy && !selection.is_empty(),
                    egui::Button::new("Export selected…"),
                )
                .on_hover_text("Save the selected entries to one file")
                .clicked()
            {
                self.export(pick(false), "selection");
            }
            if ui
                .add_enabled(
                    !self.busy && count > 0,
                    egui::Button::new("Export whole library…"),
                )
                .on_hover_text("Save every entry to one file")
                .clicked()
            {
                self.export(pick(true), "sysex-vault-library");
            }
        });
        ui.small(".mid files space the messages with DIN pacing (3125 B/s, 150 ms), so any sequencer plays them back safely.");
        if let Some(u) = s.handles.store.unreadable() {
            ui.separator();
            ui.colored_label(
                egui::Color32::from_rgb(220, 80, 60),
                format!("The saved library could not be read: {}", u.error),
            );
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!self.busy, egui::Button::new("Export it raw…"))
                    .on_hover_text("Save the unreadable saved library as it is, to recover it with a newer SysEx Vault")
                    .clicked()
                {
                    self.save_bytes(u.raw.clone().into_bytes(), "unreadable-library.txt");
                }
                if ui
                    .button("Discard it (cannot be undone)")
                    .on_hover_text("Drop the unreadable saved library for good")
                    .clicked()
                {
                    s.handles.store.discard_unreadable();
                }
            });
        }
    }

    /// Exports entries in the chosen format through a save dialog (on its own thread).
    pub fn export(&mut self, entries: Vec<Entry>, stem: &str) {
        let format = match self.format {
            ExportAs::File(format) => format,
            ExportAs::Names(names) => return self.export_names(&entries, stem, names),
        };
        match files::export_entries(crate::devices::registry(), &entries, format, &Pacing::DIN) {
            Ok(bytes) => self.save_bytes(bytes, &format!("{stem}.{}", format.extension())),
            Err(e) => {
                let _ = self.tx.send(Done::Exported(Err(e)));
            }
        }
    }

    /// Exports the entries' patch names, one file per synth: one through a save dialog, several
    /// into a folder picked once (`stem - Synth.ext`, never over an existing file). What was
    /// left out goes to the log.
    fn export_names(&mut self, entries: &[Entry], stem: &str, format: NameFormat) {
        let (made, left_out) =
            match name_export::export(crate::devices::registry(), entries, format) {
                Ok(done) => done,
                Err(e) => {
                    let _ = self.tx.send(Done::Exported(Err(e)));
                    return;
                }
            };
        for why in left_out {
            let _ = self
                .tx
                .send(Done::Note(format!("Left out of the patch names: {why}")));
        }
        let several = made.len() > 1;
        let planned: Vec<(String, Vec<u8>)> = made
            .into_iter()
            .map(|f| (names::file_name(stem, &f.device, several, format), f.bytes))
            .collect();
        if let [(name, _)] = planned.as_slice() {
            let name = name.clone();
            let bytes = planned
                .into_iter()
                .next()
                .map(|(_, b)| b)
                .unwrap_or_default();
            return self.save_bytes(bytes, &name);
        }
        self.busy = true;
        let tx = self.tx.clone();
        if let Some(dir) = self.export_dir.clone() {
            for (name, bytes) in planned {
                let _ = tx.send(Done::Exported(write_new(&dir.join(name), &bytes)));
            }
            return;
        }
        std::thread::spawn(move || {
            match pollster::block_on(rfd::AsyncFileDialog::new().pick_folder()) {
                Some(dir) => {
                    for (name, bytes) in planned {
                        let done = write_new(&dir.path().join(name), &bytes);
                        let _ = tx.send(Done::Exported(done));
                    }
                }
                None => {
                    let _ = tx.send(Done::Cancelled);
                }
            }
        });
    }

    fn save_bytes(&mut self, bytes: Vec<u8>, file_name: &str) {
        self.busy = true;
        let tx = self.tx.clone();
        let file_name = file_name.to_owned();
        if let Some(dir) = &self.export_dir {
            // No dialog (scripts, tests): a new file in that folder, never over an existing one.
            let _ = tx.send(Done::Exported(write_new(&dir.join(&file_name), &bytes)));
            return;
        }
        std::thread::spawn(move || {
            let picked = pollster::block_on(
                rfd::AsyncFileDialog::new()
                    .set_file_name(&file_name)
                    .save_file(),
            );
            let done = match picked {
                Some(f) => {
                    let path = f.path().to_path_buf();
                    // The dialog has asked before replacing a file; the write itself is atomic.
                    Done::Exported(
                        crate::library::file::write_file(&path, &bytes)
                            .map(|()| path.display().to_string()),
                    )
                }
                None => Done::Cancelled,
            };
            let _ = tx.send(done);
        });
    }
}

/// Writes a new file (never over an existing one); the path written, or why not.
fn write_new(path: &std::path::Path, bytes: &[u8]) -> Result<String, String> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, bytes))
        .map(|()| path.display().to_string())
        .map_err(|e| format!("{}: {e}", path.display()))
}
