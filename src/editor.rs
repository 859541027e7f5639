//! The editor: an egui window where a musician records, browses, names, sends and backs up
//! patches. [`VaultUi`] is the whole window and knows nothing about the plugin framework except
//! through [`HostParams`], so it runs headless in tests (egui_kittest); [`create`] wraps it in a
//! nice-plug-egui editor. Panels are small structs with a `ui` method; every library change is
//! an [`Edit`] sent to the library owner, and sends go to the worker: the editor never touches
//! the audio thread.

mod compare;
mod detail;
mod files;
mod format;
mod guide;
mod library;
mod log;
mod record;
mod rig_backup;
mod send;
pub mod settings;
mod timing;
pub mod watch;

pub use settings::{SortKey, Tab, UiSettings};

use crate::audio::capture::CaptureShared;
use crate::audio::counters::Counters;
use crate::audio::sender::SendShared;
use crate::library::EntryId;
use crate::pacing::PacingChoice;
use crate::params::VaultParams;
use crate::store::{Edit, LibraryStore};
use nice_plug::context::gui::GuiContext;
use nice_plug::editor::dpi::LogicalSize;
use nice_plug_egui::{
    create_egui_editor, EguiEditor, EguiEditorState, EguiNiceSettings, NiceEguiApp,
};
use std::sync::{Arc, RwLock};

impl Tab {
    const ALL: [Tab; 7] = [
        Tab::Details,
        Tab::Compare,
        Tab::Record,
        Tab::Send,
        Tab::Files,
        Tab::Log,
        Tab::Timing,
    ];

    fn tip(self) -> &'static str {
        match self {
            Tab::Details => "The selected entry: favourite, tags, note, its messages and bytes",
            Tab::Compare => "Two selected entries, or an entry and a file, side by side",
            Tab::Record => "Capture SysEx from the synth, and the MIDI route",
            Tab::Send => {
                "Send entries paced, recall, program changes, dump requests, and a scratchpad"
            }
            Tab::Files => {
                "Import and export .syx, .mid, hex text and library files; patch names for DAWs"
            }
            Tab::Log => "Every error and warning",
            Tab::Timing => "Bytes over time of the last send and capture",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Details => "Details",
            Tab::Record => "Record",
            Tab::Send => "Send",
            Tab::Files => "Files",
            Tab::Log => "Log",
            Tab::Timing => "Timing",
            Tab::Compare => "Compare",
        }
    }
}

/// How the editor reads and sets host parameters.
pub trait HostParams: Send {
    /// Whether `Record` is on.
    fn record(&self) -> bool;
    /// Sets `Record` as a user gesture the host can record as automation.
    fn set_record(&self, on: bool);
    /// Whether the host delivers program changes to the plugin. VST3 hosts do not: nice-plug's
    /// VST3 wrapper maps controllers 0-129 only, never `kCtrlProgramChange`.
    fn receives_program_changes(&self) -> bool {
        true
    }
}

/// Everything the editor shows or changes.
#[derive(Clone)]
pub struct Handles {
    /// The library owner.
    pub store: Arc<LibraryStore>,
    /// Capture state.
    pub capture: Arc<CaptureShared>,
    /// Send progress.
    pub send: Arc<SendShared>,
    /// Message counters.
    pub counters: Arc<Counters>,
    /// The pacing choice.
    pub pacing: Arc<RwLock<PacingChoice>>,
    /// How sends check with the synth.
    pub send_check: Arc<RwLock<crate::background::conversation::SendCheck>>,
    /// What is backed up before a send overwrites the synth's memory.
    pub backup: Arc<RwLock<crate::backup::BackupRule>>,
    /// Saved editor settings.
    pub settings: Arc<RwLock<UiSettings>>,
    /// The MIDI route (host or direct ports).
    pub route: Arc<RwLock<crate::background::ports::RouteSettings>>,
}

impl Handles {
    /// Fresh handles not connected to a plugin (tests, previews).
    pub fn detached() -> Handles {
        Handles {
            store: Arc::new(LibraryStore::default()),
            capture: Arc::new(CaptureShared::default()),
            send: Arc::new(SendShared::default()),
            counters: Arc::new(Counters::default()),
            pacing: Arc::new(RwLock::new(PacingChoice::default())),
            send_check: Arc::new(RwLock::new(Default::default())),
            backup: Arc::new(RwLock::new(crate::backup::BackupRule::DEFAULT)),
            settings: Arc::new(RwLock::new(UiSettings::default())),
            route: Arc::new(RwLock::new(Default::default())),
        }
    }
}

/// State shared by the panels within one frame.
pub struct Shared<'a> {
    /// Handles to the plugin.
    pub handles: &'a Handles,
    /// Selected entries.
    pub selection: &'a mut Vec<EntryId>,
    /// The entry the details panel shows.
    pub focus: &'a mut Option<EntryId>,
    /// Undo stack: each item undoes one user action.
    pub undo: &'a mut Vec<Vec<Edit>>,
    /// Host parameters.
    pub host: &'a dyn HostParams,
    /// Entries to export (a file dialog opens after the frame), with a file name stem.
    pub exports: &'a mut Vec<(Vec<crate::library::Entry>, String)>,
    /// Set to open the guided backup.
    pub back_up: &'a mut bool,
    /// A text field had the keyboard when the frame began: keys (Enter, Delete, arrows) are
    /// the field's, even if it gives the focus up during this frame (Enter commits a field and
    /// must never also send the selection).
    pub typing: bool,
}

impl Shared<'_> {
    /// Applies an edit and remembers how to undo it.
    pub fn edit(&mut self, edit: Edit) {
        let inverse = self.handles.store.edit(edit);
        if !inverse.is_empty() {
            self.undo.push(inverse);
        }
    }

    /// What sending `entries` asks of the worker: a plain send, or a conversation that checks
    /// with the synth or first backs up the memory the send overwrites.
    pub fn send_request(&self, entries: Vec<EntryId>) -> crate::store::WorkerRequest {
        use crate::store::WorkerRequest;
        let h = self.handles;
        let check = *h.send_check.read().unwrap_or_else(|e| e.into_inner());
        let rule = *h.backup.read().unwrap_or_else(|e| e.into_inner());
        let overwrites = h.store.read(|l| {
            let messages: Vec<Vec<u8>> = entries
                .iter()
                .filter_map(|id| l.get(*id))
                .flat_map(|e| e.messages.iter().cloned())
                .collect();
            !crate::backup::plan(crate::devices::registry(), &messages, rule).is_empty()
        });
        if check == crate::background::conversation::SendCheck::None && !overwrites {
            WorkerRequest::Send {
                entries,
                pacing: None,
            }
        } else {
            WorkerRequest::Converse(check.send(entries, rule))
        }
    }

    /// Undoes the last action.
    pub fn undo(&mut self) {
        if let Some(inverse) = self.undo.pop() {
            for e in inverse {
                self.handles.store.edit(e);
            }
        }
    }
}

/// The whole editor window.
pub struct VaultUi {
    handles: Handles,
    host: Box<dyn HostParams>,
    selection: Vec<EntryId>,
    focus: Option<EntryId>,
    undo: Vec<Vec<Edit>>,
    /// [`crate::store::LibraryStore::history`] the undo stack belongs to.
    history_seen: u64,
    exports: Vec<(Vec<crate::library::Entry>, String)>,
    library: library::LibraryPanel,
    detail: detail::DetailPanel,
    compare: compare::ComparePanel,
    guide: guide::GuidePanel,
    record: record::RecordPanel,
    send: send::SendPanel,
    files: files::FilesPanel,
    log: log::LogPanel,
    timing: timing::TimingPanel,
    /// Asks for a repaint when something shown changes without input (see [`watch`]).
    watcher: Option<watch::Watcher>,
    /// Whether to start the watcher (off where a test steps the window itself).
    watching: bool,
}

impl VaultUi {
    /// An editor for these handles.
    pub fn new(handles: Handles, host: Box<dyn HostParams>) -> VaultUi {
        VaultUi {
            history_seen: handles.store.history(),
            handles,
            host,
            selection: Vec::new(),
            focus: None,
            undo: Vec::new(),
            exports: Vec::new(),
            library: library::LibraryPanel::default(),
            detail: detail::DetailPanel::default(),
            compare: compare::ComparePanel::default(),
            guide: guide::GuidePanel::default(),
            record: record::RecordPanel::default(),
            send: send::SendPanel::default(),
            files: files::FilesPanel::default(),
            log: log::LogPanel::default(),
            timing: timing::TimingPanel::default(),
            watcher: None,
            watching: true,
        }
    }

    /// Turns the watcher off for a window whose frames someone else steps (a test harness that
    /// counts frames until the window settles): the window then repaints on input only.
    pub fn without_watcher(mut self) -> VaultUi {
        self.watching = false;
        self
    }

    /// Stops the watcher that repaints on changes (the window closed); the next frame starts
    /// a new one for the window it draws in.
    pub fn stop_watching(&mut self) {
        self.watcher = None;
    }

    /// Selects and focuses the first entry (for previews and first opens).
    pub fn select_first(&mut self) {
        if let Some(id) = self.handles.store.read(|l| l.entries.first().map(|e| e.id)) {
            self.selection = vec![id];
            self.focus = Some(id);
        }
    }

    /// Selects these entries and shows the first.
    pub fn select(&mut self, ids: Vec<EntryId>) {
        self.focus = ids.first().copied();
        self.selection = ids;
    }

    /// Writes exports into this folder instead of asking with a dialog (scripts, tests); an
    /// existing file there is never replaced.
    pub fn set_export_dir(&mut self, dir: Option<std::path::PathBuf>) {
        self.files.export_dir = dir;
    }

    /// Opens the guided backup, with the synth of this definition id already chosen.
    pub fn open_guide(&mut self, definition: Option<&str>) {
        self.guide.open_for(definition);
    }

    /// Draws the window.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        if self.watcher.is_none() && self.watching {
            let ctx = ui.ctx().clone();
            // A blinking text cursor would repaint an idle window twice a second.
            ctx.all_styles_mut(|s| s.visuals.text_cursor.blink = false);
            let probes = vec![self.files.pending(), self.compare.pending()];
            self.watcher = Some(watch::Watcher::spawn(
                self.handles.clone(),
                probes,
                move || ctx.request_repaint(),
            ));
        }
        self.timing.sample(&self.handles);
        // The library was replaced (a state load) or changed from outside: the undo history
        // refers to another library, and undoing it there would delete or duplicate entries.
        let history = self.handles.store.history();
        if history != self.history_seen {
            self.history_seen = history;
            self.undo.clear();
        }
        let mut settings = self
            .handles
            .settings
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let empty = self.handles.store.read(|l| l.entries.is_empty());
        self.guide.open_if_empty(empty);
        let mut back_up = false;
        let typing = ui.ctx().egui_wants_keyboard_input();
        let mut shared = Shared {
            handles: &self.handles,
            selection: &mut self.selection,
            focus: &mut self.focus,
            undo: &mut self.undo,
            host: self.host.as_ref(),
            exports: &mut self.exports,
            back_up: &mut back_up,
            typing,
        };
        self.files.poll(&mut shared);
        self.compare.poll(&mut shared);
        self.files.accept_drops(ui, &mut shared);
        egui::Panel::bottom("status").show(ui, |ui| status_line(ui, &shared));
        // The side panel never takes more than half the window, so the library list stays
        // usable whatever the details show (a bank's 32 names, long Roland details).
        let max_side = (ui.ctx().content_rect().width() * 0.5).max(240.0);
        let side = egui::Panel::right("side")
            .resizable(true)
            .default_size(settings.side_width.min(max_side))
            .max_size(max_side)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    for tab in Tab::ALL {
                        ui.selectable_value(&mut settings.tab, tab, tab.label())
                            .on_hover_text(tab.tip());
                    }
                });
                ui.separator();
                match settings.tab {
                    Tab::Details => self.detail.ui(ui, &mut shared),
                    Tab::Compare => self.compare.ui(ui, &mut shared),
                    Tab::Record => self.record.ui(ui, &mut shared),
                    Tab::Send => self.send.ui(ui, &mut shared),
                    Tab::Files => self.files.ui(ui, &mut shared),
                    Tab::Log => self.log.ui(ui, &mut shared),
                    Tab::Timing => self.timing.ui(ui),
                }
            });
        settings.side_width = side.response.rect.width();
        if let Some(q) = shared.handles.store.question() {
            egui::Panel::top("overwrite question")
                .show(ui, |ui| overwrite_question(ui, &shared, q));
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if self.guide.open {
                egui::ScrollArea::vertical()
                    .id_salt("guide")
                    .show(ui, |ui| self.guide.ui(ui, &mut shared));
            } else {
                self.library.ui(ui, &mut shared, &mut settings);
            }
        });
        if back_up {
            self.guide.open = true;
        }
        for (entries, stem) in std::mem::take(&mut self.exports) {
            self.files.export(entries, &stem);
        }
        let size = ui.ctx().content_rect().size();
        if size.x > 100.0 && size.y > 100.0 {
            settings.width = size.x as u32;
            settings.height = size.y as u32;
        }
        *self
            .handles
            .settings
            .write()
            .unwrap_or_else(|e| e.into_inner()) = settings;
    }
}

/// The synth did not answer the backup request: overwrite anyway, or not.
fn overwrite_question(
    ui: &mut egui::Ui,
    shared: &Shared<'_>,
    q: crate::store::requests::OverwriteQuestion,
) {
    let store = &shared.handles.store;
    ui.colored_label(
        egui::Color32::from_rgb(220, 150, 40),
        format!(
            "Nothing was sent: the synth did not answer the backup request ({}). Send anyway, overwriting what it holds without a backup?",
            q.why
        ),
    );
    ui.horizontal(|ui| {
        if ui
            .button("Send without a backup")
            .on_hover_text("Send now; what the synth holds is overwritten and not kept")
            .clicked()
        {
            store.ask(None);
            store.request(crate::store::WorkerRequest::Converse(
                q.check
                    .send(q.entries.clone(), crate::backup::BackupRule::OFF),
            ));
        }
        if ui
            .button("Don't send")
            .on_hover_text("Leave the synth as it is")
            .clicked()
        {
            store.ask(None);
        }
    });
}

/// What the plugin is doing, in words: talking with the synth, sending 37/100, recording, idle.
fn doing(shared: &Shared<'_>) -> String {
    use std::sync::atomic::Ordering::Relaxed;
    let (send, capture) = (&shared.handles.send, &shared.handles.capture);
    if capture.listen.load(Relaxed) {
        return "Talking with the synth…".into();
    }
    if send.job_id.load(Relaxed) != 0 {
        return format!(
            "Sending {}/{}",
            send.sent_messages.load(Relaxed),
            send.total_messages.load(Relaxed)
        );
    }
    if capture.armed.load(Relaxed) || shared.host.record() {
        return match capture.live_messages.load(Relaxed) {
            0 => "Recording: waiting for the synth".into(),
            n => format!("Recording: {n} message(s) in this take"),
        };
    }
    "Idle".into()
}

fn status_line(ui: &mut egui::Ui, shared: &Shared<'_>) {
    let c = shared.handles.counters.snapshot();
    let lib = shared
        .handles
        .store
        .read(|l| (l.entries.len(), l.byte_len()));
    ui.horizontal(|ui| {
        ui.label(doing(shared))
            .on_hover_text("What the plugin is doing");
        ui.separator();
        ui.label(format!(
            "{} entries, {}",
            lib.0,
            format::bytes(lib.1 as u64)
        ));
        ui.separator();
        ui.label(format!("SysEx in {} / out {}", c.sysex_in, c.sysex_out));
        let refused = c.rejected();
        if refused + c.host_refused + c.pass_through_cut > 0 {
            ui.separator();
            ui.colored_label(
                egui::Color32::from_rgb(220, 80, 60),
                format!(
                    "Refused {refused} (last {}), host refused {}, passed-through messages cut {}",
                    format::bytes(c.last_rejected_len),
                    c.host_refused,
                    c.pass_through_cut
                ),
            )
            .on_hover_text("A passed-through message is cut (ended with F7, the rest dropped) when the host refuses one of its pieces or never finishes it: the synth then ignores it rather than taking a damaged one");
        }
        if let Some(note) = shared.handles.store.file_note() {
            ui.separator();
            ui.colored_label(egui::Color32::from_rgb(220, 80, 60), note);
        }
        if let Some(u) = shared.handles.store.unreadable() {
            ui.separator();
            ui.colored_label(
                egui::Color32::from_rgb(220, 80, 60),
                format!("Saved library unreadable: {}", u.error),
            );
        }
    });
}

/// `HostParams` through nice-plug's GUI context.
struct GuiHost {
    params: Arc<VaultParams>,
    context: Option<GuiContext>,
}

impl HostParams for GuiHost {
    fn record(&self) -> bool {
        self.params.record.value()
    }

    fn receives_program_changes(&self) -> bool {
        self.context
            .as_ref()
            .is_none_or(|ctx| ctx.plugin_api() != nice_plug::prelude::PluginApi::Vst3)
    }

    fn set_record(&self, on: bool) {
        if let Some(ctx) = &self.context {
            let setter = ctx.param_setter();
            setter.begin_set_parameter(&self.params.record);
            setter.set_parameter(&self.params.record, on);
            setter.end_set_parameter(&self.params.record);
        }
    }
}

/// Shares the `GuiHost` between the app and the `HostParams` box the UI holds.
struct SharedHost(Arc<std::sync::Mutex<GuiHost>>);

impl HostParams for SharedHost {
    fn record(&self) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).record()
    }
    fn set_record(&self, on: bool) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .set_record(on)
    }
    fn receives_program_changes(&self) -> bool {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .receives_program_changes()
    }
}

/// The nice-plug-egui application around [`VaultUi`].
pub struct App {
    ui: VaultUi,
    host: Arc<std::sync::Mutex<GuiHost>>,
}

impl NiceEguiApp for App {
    fn build(
        &mut self,
        _egui_ctx: egui::Context,
        nice_gui_ctx: GuiContext,
        _frame: &mut nice_plug_egui::Frame,
    ) -> Result<(), nice_plug_egui::baseview::HandlerError> {
        self.host.lock().unwrap_or_else(|e| e.into_inner()).context = Some(nice_gui_ctx);
        Ok(())
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut nice_plug_egui::Frame) {
        egui::CentralPanel::default().show(ui, |ui| self.ui.ui(ui));
    }

    fn editor_closed(&mut self) {
        self.ui.stop_watching();
    }
}

/// Creates the plugin's editor.
pub fn create(params: Arc<VaultParams>, handles: Handles) -> Option<EguiEditor<App>> {
    let (w, h) = {
        let s = handles.settings.read().unwrap_or_else(|e| e.into_inner());
        (s.width.max(640), s.height.max(420))
    };
    let host = Arc::new(std::sync::Mutex::new(GuiHost {
        params,
        context: None,
    }));
    let ui = VaultUi::new(handles, Box::new(SharedHost(host.clone())));
    create_egui_editor(
        EguiEditorState::from_size(LogicalSize::new(f64::from(w), f64::from(h)), 1.0),
        nice_plug_egui::RepaintNotifier::new(),
        EguiNiceSettings {
            title: "SysEx Vault".into(),
            resize_hint: nice_plug::prelude::ResizeHint {
                can_resize: true,
                can_resize_horizontally: true,
                can_resize_vertically: true,
                ..Default::default()
            },
            repaint_poll_interval: watch::NOTIFIER_POLL,
            ..Default::default()
        },
        App { ui, host },
    )
}
