//! Sending: the selection, the whole library, pacing (DIN, USB, the device's own, custom),
//! progress with ETA and cancel; recall on load, program-change mapping and dump requests.

use super::{format, Shared};
use crate::background::conversation::{Conversation, SendCheck};
use crate::devices;
use crate::library::ProgramMap;
use crate::pacing::{Pacing, PacingChoice};
use crate::store::{Edit, WorkerRequest};

use std::sync::atomic::Ordering;

/// Send panel state.
#[derive(Default)]
pub struct SendPanel {
    /// The program change the Map button maps (channel 1 until the user picks another).
    mapping: ProgramMap,
    /// Index into the definitions that have requests; past the end: identity request.
    dump_definition: usize,
    dump_request: usize,
    /// MIDI channel, 1-16.
    dump_channel: u8,
    /// Device ID; `None`: the definition's default.
    dump_device: Option<u8>,
    dump_bank: u8,
    dump_program: u16,
    /// Last program of a walk ("Get from synth" for several programs); `None`: one request.
    walk_to: Option<u16>,
    /// The scratchpad's text: hex typed or pasted.
    scratch: String,
}

/// Reads the scratchpad: hex bytes forming whole SysEx messages. Anything else (a stray byte,
/// a message without F7, a character that is not hex) is refused with the reason.
pub fn read_scratch(text: &str) -> Result<Vec<Vec<u8>>, String> {
    let imported = crate::files::import(
        crate::devices::registry(),
        "scratchpad.txt",
        text.as_bytes(),
        0,
    )?;
    if let Some(w) = imported.warnings.first() {
        return Err(w.clone());
    }
    if !imported.entry.unterminated.is_empty() {
        return Err("a message has no F7 at its end".into());
    }
    if imported.entry.messages.is_empty() {
        return Err("no complete message (F0 … F7) yet".into());
    }
    Ok(imported.entry.messages)
}

impl SendPanel {
    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let (all, selected): (Vec<u64>, Vec<u64>) = s.handles.store.read(|l| {
            let all: Vec<u64> = l.entries.iter().map(|e| e.id).collect();
            let sel = all
                .iter()
                .copied()
                .filter(|id| s.selection.contains(id))
                .collect();
            (all, sel)
        });
        ui.horizontal(|ui| {
            if ui
                .add_enabled(
                    !selected.is_empty(),
                    egui::Button::new(format!("Send selected ({})", selected.len())),
                )
                .on_hover_text(
                    "Send the selected entries in library order, paced (Enter in the list)",
                )
                .clicked()
            {
                let request = s.send_request(selected.clone());
                s.handles.store.request(request);
            }
            if ui
                .add_enabled(!all.is_empty(), egui::Button::new("Send whole library"))
                .on_hover_text("Send every entry in library order, paced")
                .clicked()
            {
                let request = s.send_request(all.clone());
                s.handles.store.request(request);
            }
        });
        let mut check = *s
            .handles
            .send_check
            .read()
            .unwrap_or_else(|e| e.into_inner());
        ui.horizontal(|ui| {
            ui.label("Check with the synth");
            ui.selectable_value(&mut check, SendCheck::None, "No")
                .on_hover_text("Send, paced; nothing is expected back");
            ui.selectable_value(&mut check, SendCheck::Acknowledge, "Wait for acknowledge")
                .on_hover_text("After each message wait for the synth's acknowledge (from its device definition); send again when it asks, stop on an error or 2 s of silence. Needs the synth's output on the input (Record tab)");
            ui.selectable_value(&mut check, SendCheck::Verify, "Verify")
                .on_hover_text("After each patch ask the synth for it back and compare; the log says \"sent and verified\" or where it differs. Needs the synth's output on the input (Record tab)");
        });
        *s.handles
            .send_check
            .write()
            .unwrap_or_else(|e| e.into_inner()) = check;
        backup_row(ui, s);
        self.pacing(ui, s);
        ui.separator();
        self.progress(ui, s);
        ui.separator();
        ui.label("Recall and program changes (for the selected entry)");
        let focus = (selected.len() == 1).then(|| selected[0]);
        let (recall, pc) = s.handles.store.read(|l| {
            (
                l.recall_entry().map(|e| (e.id, e.name.clone())),
                focus
                    .and_then(|id| l.get(id))
                    .and_then(|e| e.program_change),
            )
        });
        ui.label(match &recall {
            Some((_, name)) => format!("Sent when the project loads: \"{name}\""),
            None => "Nothing is sent when the project loads.".into(),
        });
        ui.horizontal(|ui| {
            if ui
                .add_enabled(focus.is_some(), egui::Button::new("Recall this on load"))
                .on_hover_text("Send this entry once when the project loads (total recall)")
                .clicked()
            {
                s.edit(Edit::SetRecall(focus));
            }
            if ui
                .add_enabled(recall.is_some(), egui::Button::new("No recall"))
                .on_hover_text("Send nothing when the project loads")
                .clicked()
            {
                s.edit(Edit::SetRecall(None));
            }
        });
        self.program_mapping(ui, s, focus, pc);
        if let Some(id) = focus {
            self.recall_by_pc(ui, s, id);
        }
        ui.separator();
        self.dump_request_ui(ui, s);
        ui.separator();
        self.scratchpad(ui, s);
    }

    /// The program change (number, channel, bank select) that sends the focused entry, and
    /// whether it interrupts a send in progress.
    fn program_mapping(
        &mut self,
        ui: &mut egui::Ui,
        s: &mut Shared<'_>,
        focus: Option<crate::library::EntryId>,
        pc: Option<ProgramMap>,
    ) {
        if !s.host.receives_program_changes() {
            ui.colored_label(
                egui::Color32::from_rgb(220, 160, 60),
                "This host runs SysEx Vault as a VST3 plugin, and VST3 hosts do not pass program changes to it: mappings work in the CLAP plugin and the standalone app",
            );
        }
        let m = &mut self.mapping;
        ui.horizontal(|ui| {
            let label = ui.label("Program change");
            let mut shown = u16::from(m.program) + 1;
            ui.add(egui::DragValue::new(&mut shown).range(1..=128))
                .labelled_by(label.id)
                .on_hover_text("Program change number, 1-128, as synths display it");
            m.program = (shown.clamp(1, 128) - 1) as u8;
            let channel = |c: Option<u8>| c.map_or("any".to_owned(), |c| (c + 1).to_string());
            egui::ComboBox::from_label("channel")
                .selected_text(channel(m.channel))
                .show_ui(ui, |ui| {
                    for c in (0..16).map(Some).chain([None]) {
                        ui.selectable_value(&mut m.channel, c, channel(c));
                    }
                })
                .response
                .on_hover_text("The channel your controller sends program changes on; \"any\" answers every channel");
        });
        ui.horizontal(|ui| {
            for (label, value, tip) in [
                ("bank MSB", &mut m.bank_msb, "Only after this bank select MSB (CC 0) on the channel"),
                ("bank LSB", &mut m.bank_lsb, "Only after this bank select LSB (CC 32) on the channel"),
            ] {
                let mut on = value.is_some();
                ui.checkbox(&mut on, label).on_hover_text(tip);
                let mut v = value.unwrap_or(0);
                if on {
                    ui.add(egui::DragValue::new(&mut v).range(0..=127));
                }
                *value = on.then_some(v);
            }
            ui.checkbox(&mut m.interrupt, "Interrupt sends")
                .on_hover_text("Cancel a send in progress (a bank restore) at once; otherwise this waits for it to end");
        });
        ui.horizontal(|ui| {
            if ui
                .add_enabled(focus.is_some(), egui::Button::new("Map"))
                .on_hover_text("This program change arriving on the track sends the selected entry")
                .clicked()
            {
                if let Some(id) = focus {
                    s.edit(Edit::SetProgram(id, Some(self.mapping)));
                }
            }
            if ui
                .add_enabled(pc.is_some(), egui::Button::new("Clear"))
                .on_hover_text("Remove the entry's program-change mapping")
                .clicked()
            {
                if let Some(id) = focus {
                    s.edit(Edit::SetProgram(id, None));
                }
            }
            if let Some(pc) = pc {
                ui.label(format!("mapped to {}", pc.describe()));
            }
        });
    }

    /// Recall mode of the focused entry: its dump, or bank select and program change where the
    /// synth keeps it (instant on a slow DIN synth).
    fn recall_by_pc(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>, id: crate::library::EntryId) {
        use crate::library::StoredAt;
        let (stored, own) = s.handles.store.read(|l| {
            let e = l.get(id);
            (
                e.and_then(|e| e.stored_at),
                e.and_then(|e| crate::library::patches::program_number(devices::registry(), e)),
            )
        });
        ui.horizontal_wrapped(|ui| {
            let mut on = stored.is_some();
            if ui
                .checkbox(&mut on, "Recall by program change")
                .on_hover_text("The synth already keeps this patch at a program: recalls (on load, by a mapped program change, by the Send trigger) send bank select and program change instead of the dump")
                .changed()
            {
                let at = on.then(|| StoredAt {
                    channel: self.dump_channel.max(1) - 1,
                    bank_msb: None,
                    bank_lsb: None,
                    program: own.and_then(|p| u8::try_from(p).ok()).filter(|p| *p < 128).unwrap_or(0),
                });
                s.edit(Edit::SetStoredAt(id, at));
            }
            if let Some(mut at) = stored {
                let before = at;
                let label = ui.label("Program");
                let mut shown = u16::from(at.program) + 1;
                ui.add(egui::DragValue::new(&mut shown).range(1..=128))
                    .labelled_by(label.id)
                    .on_hover_text("Where the synth keeps this patch, 1-128");
                at.program = (shown.clamp(1, 128) - 1) as u8;
                let label = ui.label("Channel");
                let mut ch = at.channel + 1;
                ui.add(egui::DragValue::new(&mut ch).range(1..=16))
                    .labelled_by(label.id)
                    .on_hover_text("The synth's MIDI channel");
                at.channel = ch.clamp(1, 16) - 1;
                let mut bank = at.bank_msb.is_some() || at.bank_lsb.is_some();
                ui.checkbox(&mut bank, "Bank select")
                    .on_hover_text("Send CC 0 (MSB) and CC 32 (LSB) before the program change");
                if bank {
                    let mut msb = at.bank_msb.unwrap_or(0);
                    let label = ui.label("MSB");
                    ui.add(egui::DragValue::new(&mut msb).range(0..=127))
                        .labelled_by(label.id)
                        .on_hover_text("Bank select MSB (CC 0)");
                    at.bank_msb = Some(msb);
                    let mut lsb = at.bank_lsb.unwrap_or(0);
                    let label = ui.label("LSB");
                    ui.add(egui::DragValue::new(&mut lsb).range(0..=127))
                        .labelled_by(label.id)
                        .on_hover_text("Bank select LSB (CC 32)");
                    at.bank_lsb = Some(lsb);
                } else {
                    at.bank_msb = None;
                    at.bank_lsb = None;
                }
                if at != before {
                    s.edit(Edit::SetStoredAt(id, Some(at)));
                }
            }
        });
    }

    /// Type or paste a message in hex and send it (or keep it).
    fn scratchpad(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let label = ui.label("Scratchpad: type or paste SysEx in hex");
        ui.add(
            egui::TextEdit::multiline(&mut self.scratch)
                .hint_text("F0 7E 7F 06 01 F7")
                .font(egui::TextStyle::Monospace)
                .desired_rows(2)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id)
        .on_hover_text(
            "Hex bytes, spaces or commas between them; several messages are sent one after another",
        );
        if self.scratch.trim().is_empty() {
            return;
        }
        let read = read_scratch(&self.scratch);
        match &read {
            Ok(m) => ui.label(format!(
                "{} message(s), {}",
                m.len(),
                format::bytes(m.iter().map(Vec::len).sum::<usize>() as u64)
            )),
            Err(e) => ui.colored_label(egui::Color32::from_rgb(220, 80, 60), e),
        };
        let ok = read.as_ref().ok();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(ok.is_some(), egui::Button::new("Send typed"))
                .on_hover_text("Send it now, with the pacing above")
                .clicked()
            {
                let choice = *s.handles.pacing.read().unwrap_or_else(|e| e.into_inner());
                if let Some(m) = ok {
                    s.handles.store.request(WorkerRequest::SendRaw {
                        label: "typed message".into(),
                        messages: m.clone(),
                        pacing: choice.resolve(Pacing::DIN),
                    });
                }
            }
            if ui
                .add_enabled(ok.is_some(), egui::Button::new("Keep typed"))
                .on_hover_text("Add it to the library as an entry")
                .clicked()
            {
                if let Some(m) = ok {
                    let mut e = crate::library::Entry::new(
                        crate::devices::registry(),
                        m.clone(),
                        crate::library::Source::Import("scratchpad".into()),
                        crate::store::now_unix_ms(),
                    );
                    if !e.kind.is_patch() {
                        e.name = "Typed message".into();
                    }
                    s.edit(Edit::Add(vec![e]));
                }
            }
        });
    }

    fn pacing(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let mut choice = *s.handles.pacing.read().unwrap_or_else(|e| e.into_inner());
        ui.horizontal_wrapped(|ui| {
            ui.label("Pacing");
            ui.selectable_value(&mut choice, PacingChoice::Din, "DIN (3125 B/s, 150 ms)")
                .on_hover_text("The speed of a 5-pin MIDI cable, with 150 ms after each message: safe for any synth");
            ui.selectable_value(&mut choice, PacingChoice::UsbFast, "USB / fast")
                .on_hover_text("For synths on USB MIDI that keep up (no pause between messages)");
            ui.selectable_value(&mut choice, PacingChoice::Slow, "Slow / firmware")
                .on_hover_text("255-byte chunks at 3125 B/s, 20 ms after each chunk, 500 ms after each message (direct MIDI ports)");
            ui.selectable_value(&mut choice, PacingChoice::Device, "Device default")
                .on_hover_text("The pacing the synth's definition gives (DIN where it gives none)");
            if ui
                .selectable_label(matches!(choice, PacingChoice::Custom(_)), "Custom")
                .on_hover_text("Your own rate, gap and chunks")
                .clicked()
            {
                choice = PacingChoice::Custom(choice.resolve(Pacing::DIN));
            }
        });
        if let PacingChoice::Custom(mut p) = choice {
            ui.horizontal(|ui| {
                let rate = ui.label("Rate");
                ui.add(
                    egui::DragValue::new(&mut p.bytes_per_second)
                        .range(10..=1_000_000)
                        .suffix(" B/s"),
                )
                .labelled_by(rate.id)
                .on_hover_text("Most bytes per second (DIN MIDI carries 3125)");
                let gap = ui.label("Gap after each message");
                ui.add(
                    egui::DragValue::new(&mut p.gap_after_message_ms)
                        .range(0..=5_000)
                        .suffix(" ms"),
                )
                .labelled_by(gap.id)
                .on_hover_text("Silence after each message, for the synth to store it");
            });
            ui.horizontal(|ui| {
                let mut chunked = p.chunk_bytes > 0;
                if ui
                    .checkbox(&mut chunked, "Chunks of")
                    .on_hover_text("Send each message in pieces (4-256 bytes, rounded down to a multiple of 3), with a pause after each")
                    .changed()
                {
                    p.chunk_bytes = if chunked { 255 } else { 0 };
                }
                if chunked {
                    let size = ui.label("Chunk size");
                    ui.add(
                        egui::DragValue::new(&mut p.chunk_bytes)
                            .range(crate::pacing::MIN_CHUNK..=crate::pacing::MAX_CHUNK)
                            .suffix(" B"),
                    )
                    .labelled_by(size.id)
                    .on_hover_text("Bytes per chunk (rounded down to a multiple of 3)");
                    let pause = ui.label("Pause after each chunk");
                    ui.add(
                        egui::DragValue::new(&mut p.chunk_pause_ms)
                            .range(0..=1_000)
                            .suffix(" ms"),
                    )
                    .labelled_by(pause.id)
                    .on_hover_text("Pause after each chunk");
                }
            });
            choice = PacingChoice::Custom(p);
        }
        let direct = s.handles.route.read().is_ok_and(|r| r.direct);
        if choice.resolve(Pacing::DIN).chunk_bytes > 0 && !direct {
            ui.small("Through the host a message always leaves whole: chunks apply on the direct MIDI ports (Record tab), the route to use for firmware.");
        }
        *s.handles.pacing.write().unwrap_or_else(|e| e.into_inner()) = choice;
    }

    fn progress(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let p = &s.handles.send;
        let job = p.job_id.load(Ordering::Relaxed);
        let (sent, total) = (
            p.sent_messages.load(Ordering::Relaxed),
            p.total_messages.load(Ordering::Relaxed),
        );
        let (sent_b, total_b) = (
            p.sent_bytes.load(Ordering::Relaxed),
            p.total_bytes.load(Ordering::Relaxed),
        );
        if job == 0 {
            ui.label(format!(
                "Idle. Sends finished: {}, cancelled: {}, host refusals retried: {}",
                p.jobs_done.load(Ordering::Relaxed),
                p.jobs_cancelled.load(Ordering::Relaxed),
                p.retries.load(Ordering::Relaxed)
            ));
            return;
        }
        let fraction = if total_b == 0 {
            0.0
        } else {
            sent_b as f32 / total_b as f32
        };
        ui.add(egui::ProgressBar::new(fraction).text(format!(
            "{sent} / {total} messages, {} / {}, ETA {:.1} s",
            format::bytes(sent_b),
            format::bytes(total_b),
            p.eta_seconds()
        )));
        if ui
            .button("Cancel")
            .on_hover_text("Stop after the message in flight (a long message is ended with F7) and drop what is queued")
            .clicked()
        {
            s.handles.store.request(WorkerRequest::Cancel);
        }
    }

    /// Request a dump: pick the synth and what to ask for; channel, device ID, bank and program
    /// where the request has them.
    fn dump_request_ui(&mut self, ui: &mut egui::Ui, s: &mut Shared<'_>) {
        let defs: Vec<&devices::Definition> = devices::registry().all().iter().collect();
        self.dump_definition = self.dump_definition.min(defs.len());
        let def = defs.get(self.dump_definition).copied();
        self.synth_choice(ui, &defs, def);
        if let Some(d) = def.filter(|d| !d.guide.is_empty()) {
            egui::CollapsingHeader::new("How to start a dump on the synth")
                .id_salt(("guide", &d.id))
                .default_open(d.requests.is_empty())
                .show(ui, |ui| ui.label(format::reflow(&d.guide)));
        }
        let request = def.and_then(|d| d.requests.get(self.dump_request));
        let uses = |t: devices::pattern::Token| {
            request.is_some_and(|r| r.messages.iter().any(|p| p.has(t)))
        };
        use devices::pattern::Token;
        ui.horizontal_wrapped(|ui| {
            if self.dump_channel == 0 {
                self.dump_channel = 1;
            }
            if uses(Token::Channel(0)) {
                let label = ui.label("Channel");
                ui.add(egui::DragValue::new(&mut self.dump_channel).range(1..=16))
                    .labelled_by(label.id)
                    .on_hover_text("The synth's MIDI (SysEx) channel");
            }
            // The device ID a request uses unless changed: the definition's, else 10h; an
            // identity request goes to every device (7F).
            let default_device = def.map_or(0x7F, |d| d.device_id.unwrap_or(0x10));
            if def.is_none() || uses(Token::Device) {
                let mut dev = self.dump_device.unwrap_or(default_device);
                let label = ui.label("Device ID");
                if ui
                    .add(
                        egui::DragValue::new(&mut dev)
                            .range(0..=127)
                            .hexadecimal(2, false, true),
                    )
                    .labelled_by(label.id)
                    .on_hover_text("The synth's SysEx device ID (7F: every device)")
                    .changed()
                {
                    self.dump_device = Some(dev);
                }
            }
            if uses(Token::Bank) {
                let label = ui.label("Bank");
                ui.add(egui::DragValue::new(&mut self.dump_bank).range(0..=127))
                    .labelled_by(label.id)
                    .on_hover_text("As the synth numbers its banks in SysEx, from 0");
            }
            if uses(Token::Program) {
                let label = ui.label("Program");
                ui.add(egui::DragValue::new(&mut self.dump_program).range(0..=16383))
                    .labelled_by(label.id)
                    .on_hover_text("As the synth numbers it in SysEx, from 0");
            }
            if request.is_some_and(|r| r.needs_program()) {
                let mut walk = self.walk_to.is_some();
                if ui
                    .checkbox(&mut walk, "to")
                    .on_hover_text("Get every program from this one to the last, one entry each")
                    .changed()
                {
                    self.walk_to = walk.then_some(self.dump_program);
                }
                if let Some(to) = self.walk_to.as_mut() {
                    let label = ui.label("Last program");
                    ui.add(egui::DragValue::new(to).range(self.dump_program..=16383))
                        .labelled_by(label.id);
                }
            }
            let can_request = def.is_none() || request.is_some();
            if ui
                .add_enabled(can_request, egui::Button::new("Request dump"))
                .on_disabled_hover_text(
                    "This synth has no dump request: start the dump on the synth (see above)",
                )
                .clicked()
            {
                let fields = devices::Fields {
                    channel: Some(self.dump_channel - 1),
                    device: Some(self.dump_device.unwrap_or(default_device)),
                    program: Some(self.dump_program),
                    bank: Some(self.dump_bank),
                    sub: None,
                };
                s.handles.store.request(WorkerRequest::RequestDump {
                    definition: def.map_or(devices::GENERIC, |d| d.id.as_str()).to_owned(),
                    request: request.map_or("identity", |r| r.id.as_str()).to_owned(),
                    fields,
                });
            }
        });
        if let (Some(d), Some(r)) = (def, request) {
            self.get_button(ui, s, d, r);
        }
        super::rig_backup::button(ui, s);
        ui.small("\"Request dump\" only asks: arm Record first to capture the answer. \"Get from synth\" asks and keeps the answer.");
    }

    /// The synth to ask and what to ask it for.
    fn synth_choice(
        &mut self,
        ui: &mut egui::Ui,
        defs: &[&devices::Definition],
        def: Option<&devices::Definition>,
    ) {
        ui.horizontal_wrapped(|ui| {
            egui::ComboBox::from_label("Synth")
                .selected_text(def.map_or("Any device (identity request)", |d| d.name.as_str()))
                .show_ui(ui, |ui| {
                    for (i, d) in defs.iter().enumerate() {
                        if ui
                            .selectable_value(&mut self.dump_definition, i, &d.name)
                            .changed()
                        {
                            self.dump_request = 0;
                            self.dump_device = None;
                        }
                    }
                    ui.selectable_value(
                        &mut self.dump_definition,
                        defs.len(),
                        "Any device (identity request)",
                    );
                })
                .response
                .on_hover_text("The synth to ask; its definition knows the request bytes");
            if let Some(d) = def.filter(|d| !d.requests.is_empty()) {
                self.dump_request = self.dump_request.min(d.requests.len() - 1);
                egui::ComboBox::from_label("Ask for")
                    .selected_text(&d.requests[self.dump_request].label)
                    .show_ui(ui, |ui| {
                        for (i, r) in d.requests.iter().enumerate() {
                            ui.selectable_value(&mut self.dump_request, i, &r.label);
                        }
                    })
                    .response
                    .on_hover_text("What to ask the synth for");
            }
        });
    }

    /// "Get from synth": asks with request `r` of `d` (walking the chosen programs) and keeps
    /// each answer as a named entry.
    fn get_button(
        &mut self,
        ui: &mut egui::Ui,
        s: &mut Shared<'_>,
        d: &devices::Definition,
        r: &devices::RequestDef,
    ) {
        if ui
            .button("Get from synth")
            .on_hover_text("Send the request and keep the answer as a named entry (asks again after 2 s of silence, never while bytes arrive; the dump ends after 1 s of silence)")
            .clicked()
        {
            let programs = self
                .walk_to
                .filter(|_| r.needs_program())
                .map(|to| (self.dump_program, to.max(self.dump_program)));
            s.handles.store.request(WorkerRequest::Converse(Conversation::Get {
                definition: d.id.clone(),
                request: r.id.clone(),
                fields: devices::Fields {
                    channel: Some(self.dump_channel.max(1) - 1),
                    device: Some(self.dump_device.unwrap_or(d.device_id.unwrap_or(0x10))),
                    program: Some(self.dump_program),
                    bank: Some(self.dump_bank),
                    sub: None,
                },
                programs,
                rules: crate::transfer::CaptureRules::EDITOR,
            }));
        }
    }
}

/// The backup before an overwrite: what it covers, and putting the last one back.
fn backup_row(ui: &mut egui::Ui, s: &mut Shared<'_>) {
    let mut rule = *s.handles.backup.read().unwrap_or_else(|e| e.into_inner());
    ui.horizontal_wrapped(|ui| {
        ui.label("Back up the synth first:");
        ui.checkbox(&mut rule.banks, "banks")
            .on_hover_text("Before a bank is sent, ask the synth for the bank it overwrites and keep it as an entry (where the synth's definition can ask for it). If the synth does not answer, you are asked before anything is overwritten");
        ui.checkbox(&mut rule.programs, "programs")
            .on_hover_text("Before a program is sent into a memory slot, ask the synth for that slot first. Sends to the edit buffer, recall on load and program changes are never held up for a backup");
        let last = s.handles.store.read(|l| {
            l.entries
                .iter()
                .rev()
                .find(|e| e.tags.iter().any(|t| t == crate::backup::TAG))
                .map(|e| (e.id, e.name.clone()))
        });
        if let Some((id, name)) = last {
            if ui
                .button("Put back")
                .on_hover_text(format!("Send \"{name}\": what the synth held before the last backed-up send"))
                .clicked()
            {
                let request = s.send_request(vec![id]);
                s.handles.store.request(request);
            }
        }
    });
    *s.handles.backup.write().unwrap_or_else(|e| e.into_inner()) = rule;
}
