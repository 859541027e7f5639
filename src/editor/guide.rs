//! The guided backup: what a musician sees in an empty library, and behind the "Back up…"
//! button later. One path: pick the synth (from the device definitions, or "other"), read how
//! to start the dump on it (the definition's own words), or press "Get from synth" where the
//! synth answers a request, watch the bytes arrive, and get named entries.

use super::{format, Shared};
use crate::background::conversation::Conversation;
use crate::devices;
use crate::library::EntryId;
use crate::store::WorkerRequest;
use std::sync::atomic::Ordering;

/// The guide's state.
#[derive(Default)]
pub struct GuidePanel {
    /// Shown instead of the library list.
    pub open: bool,
    /// Whether the first frame has decided if the guide opens by itself.
    decided: bool,
    /// Opened by itself for an empty library: it gives way to the list once entries arrive
    /// some other way (an import, a recording from the Record tab).
    auto: bool,
    /// Index into the definitions; one past the end is "other".
    synth: Option<usize>,
    request: usize,
    channel: u8,
    /// Entries with a larger id arrived since the backup started.
    since: Option<EntryId>,
}

/// What the guide says for a synth no definition knows.
pub const OTHER_GUIDE: &str = "Start the SysEx dump (often called bulk dump, MIDI dump or SysEx transmit) from your synth's menus: its manual's MIDI or SysEx chapter says where. Press \"Start recording\" first; everything that arrives is kept.";

impl GuidePanel {
    /// Opens the guide by itself the first time the editor shows an empty library, and closes
    /// it again when entries arrive that no backup from the guide asked for.
    pub fn open_if_empty(&mut self, empty: bool) {
        if !self.decided {
            self.decided = true;
            self.open = empty;
            self.auto = empty;
        } else if self.auto && !empty && self.since.is_none() {
            self.open = false;
            self.auto = false;
        }
    }

    /// Opens the guide, with the synth of this definition id chosen.
    pub fn open_for(&mut self, definition: Option<&str>) {
        self.open = true;
        self.decided = true;
        if let Some(id) = definition {
            self.synth = devices::registry().all().iter().position(|d| d.id == id);
        }
    }

    /// Draws the guide.
    pub fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let defs = devices::registry().all();
        ui.horizontal(|ui| {
            ui.heading("Back up your synth");
            if ui
                .button("Close")
                .on_hover_text(
                    "Back to the library list (the \"Back up…\" button brings this back)",
                )
                .clicked()
            {
                self.open = false;
                self.auto = false;
                self.since = None;
            }
        });
        ui.label("Three steps: say which synth, start the dump, and the sounds arrive here as named entries saved with the project.");
        ui.separator();
        ui.strong("1. Which synth?");
        let chosen = self.synth.map_or("Choose your synth…", |i| {
            defs.get(i)
                .map_or("Other (not listed)", |d| d.name.as_str())
        });
        egui::ComboBox::from_label("Your synth")
            .selected_text(chosen)
            .width(260.0)
            .show_ui(ui, |ui| {
                for (i, d) in defs.iter().enumerate() {
                    if ui.selectable_value(&mut self.synth, Some(i), &d.name).changed() {
                        self.request = 0;
                    }
                }
                ui.selectable_value(&mut self.synth, Some(defs.len()), "Other (not listed)");
            })
            .response
            .on_hover_text("The synths SysEx Vault knows: how to start their dump, how to ask them for one, how to name what they send");
        let Some(pick) = self.synth else {
            return;
        };
        let def = defs.get(pick);
        ui.add_space(6.0);
        ui.strong("2. Start the dump");
        let text = def.map_or(OTHER_GUIDE.to_owned(), |d| {
            if d.guide.is_empty() {
                "Start the SysEx dump from the synth's MIDI or SysEx menu (its manual says where)."
                    .to_owned()
            } else {
                format::reflow(&d.guide)
            }
        });
        ui.add(egui::Label::new(text).wrap());
        if let Some(d) = def.filter(|d| !d.requests.is_empty()) {
            ui.label(format!(
                "Or let SysEx Vault ask the {} for it (needs a MIDI cable or port both ways):",
                d.name
            ));
            self.request = self.request.min(d.requests.len() - 1);
            ui.horizontal(|ui| {
                egui::ComboBox::from_id_salt("guide request")
                    .selected_text(&d.requests[self.request].label)
                    .show_ui(ui, |ui| {
                        for (i, r) in d.requests.iter().enumerate() {
                            ui.selectable_value(&mut self.request, i, &r.label);
                        }
                    })
                    .response
                    .on_hover_text("What to ask the synth for");
                if self.channel == 0 {
                    self.channel = 1;
                }
                let label = ui.label("Channel");
                ui.add(egui::DragValue::new(&mut self.channel).range(1..=16))
                    .labelled_by(label.id)
                    .on_hover_text("The synth's MIDI (SysEx) channel");
                if ui
                    .button("Get from synth")
                    .on_hover_text("Ask the synth and keep its answer as named entries")
                    .clicked()
                {
                    let r = &d.requests[self.request];
                    self.since = Some(s.handles.store.read(|l| l.next_id));
                    s.handles
                        .store
                        .request(WorkerRequest::Converse(Conversation::Get {
                            definition: d.id.clone(),
                            request: r.id.clone(),
                            fields: devices::Fields {
                                channel: Some(self.channel - 1),
                                device: Some(d.device_id.unwrap_or(0x10)),
                                program: Some(0),
                                bank: Some(0),
                                sub: None,
                            },
                            programs: None,
                            rules: crate::transfer::CaptureRules::EDITOR,
                        }));
                }
            });
        }
        let armed = s.host.record();
        let record = ui
            .button(if armed {
                "Stop recording"
            } else {
                "Start recording"
            })
            .on_hover_text(
                "Capture the SysEx arriving from the synth; a take ends after a second of silence",
            );
        if record.clicked() {
            if !armed {
                self.since = Some(s.handles.store.read(|l| l.next_id));
            }
            s.host.set_record(!armed);
        }
        ui.add_space(6.0);
        ui.strong("3. Arriving");
        self.arriving(ui, s);
    }

    fn arriving(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let c = &s.handles.capture;
        let (messages, bytes) = (
            c.live_messages.load(Ordering::Relaxed),
            c.live_bytes.load(Ordering::Relaxed),
        );
        if c.listen.load(Ordering::Relaxed) {
            ui.label("Asking the synth and listening for its answer…");
        } else if bytes > 0 {
            ui.label(format!(
                "Arriving: {messages} message(s), {}",
                format::bytes(bytes)
            ));
        } else if s.host.record() {
            ui.label("Recording: waiting for the synth…");
        } else if self.since.is_none() {
            ui.label("Nothing yet.");
        }
        let Some(since) = self.since else { return };
        let got: Vec<(EntryId, String, usize)> = s.handles.store.read(|l| {
            l.entries
                .iter()
                .filter(|e| e.id > since)
                .map(|e| (e.id, e.name.clone(), e.messages.len()))
                .collect()
        });
        if got.is_empty() {
            return;
        }
        for (_, name, n) in &got {
            ui.label(format!("Got: {name} ({n} message(s))"));
        }
        if ui
            .button("Show it in the library")
            .on_hover_text("Close the guide and select what arrived")
            .clicked()
        {
            *s.selection = got.iter().map(|g| g.0).collect();
            *s.focus = got.first().map(|g| g.0);
            self.open = false;
            self.auto = false;
            self.since = None;
            if s.host.record() {
                s.host.set_record(false);
            }
        }
    }
}
