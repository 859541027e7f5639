//! SysEx Vault: keeps a hardware synth's SysEx patches inside the DAW project.
//!
//! This file is the thin plugin glue; the knowledge lives in [`sysex`], [`files`] and
//! [`pacing`] (pure, framework-free) and the real-time pieces in [`engine`].

#![warn(missing_docs)]

pub mod cli;
pub mod devices;
pub mod editor;
pub mod engine;
pub mod files;
pub mod library;
pub mod pacing;
pub mod params;
pub mod settle;
pub mod standalone;
pub mod state;
pub mod sysex;
pub mod transfer;

use engine::capture::{self as capture, CaptureProducer, CaptureShared};
use engine::counters::Counters;
use engine::pool::{self, Rejection, VaultSysEx};
use engine::sender::{self as sender, Request, SendEngine, SendShared};
use engine::worker::{Worker, WorkerContext};
use nice_plug::prelude::*;
use params::VaultParams;
use settle::{SettleWindow, Trigger};
use std::num::NonZeroU32;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Handles kept alive until the next block, so hosts that read output SysEx after `process`
/// returns (JUCE-based VST3 hosts) still see valid bytes.
const KEEPALIVE_CAPACITY: usize = 4096;

/// The plugin.
pub struct SysExVault {
    params: Arc<VaultParams>,
    /// SysEx sent in the previous block, released at the start of the next one.
    keepalive: Vec<VaultSysEx>,
    /// State shared with the capture worker and the editor.
    capture_shared: Arc<CaptureShared>,
    /// Send progress and triggers shared with the worker and the editor.
    send_shared: Arc<SendShared>,
    /// The audio thread's end of the capture ring (created in `activate`).
    capture: Option<CaptureProducer>,
    /// The audio thread's side of sending (created in `activate`).
    sender: Option<SendEngine>,
    /// Ring size `capture` was created with.
    capture_ring_bytes: u32,
    /// The background thread; dropped (and joined) with the plugin.
    worker: Option<Worker>,
    /// Edge detectors of the `Send` and `Cancel Send` triggers.
    send_trigger: Trigger,
    cancel_trigger: Trigger,
    /// The window after activation or a state load in which restored values are not acted on.
    settle: SettleWindow,
    /// [`engine::store::LibraryStore::loads`] when last seen (a state load restarts `settle`).
    loads_seen: u64,
    /// Sample rate of the current activation.
    sample_rate: f64,
    /// VST3: drop the host's replay of nice-plug's hidden MIDI-CC parameters while settling.
    filter_restored_controllers: bool,
    /// Samples processed since the plugin was created.
    clock: u64,
    /// Whether capture was armed in the previous block.
    was_armed: bool,
    /// Whether the last SysEx event started a message without finishing it, so a data-only
    /// event that follows is its continuation (not a message with stripped framing).
    in_fragment: bool,
    /// A fragment of the message in progress was refused: its remaining fragments are neither
    /// passed on nor captured, so it never reaches anyone as a whole, damaged message.
    discarding: bool,
    /// Audio clock of the last SysEx handed to capture (a take may be open until a gap later).
    last_capture: Option<u64>,
    /// Pass-through: a message whose start went out and whose `F7` has not, with the audio
    /// clock of its last fragment. Nothing is sent while it is open, so a sent message never
    /// lands between its fragments.
    pass_open: Option<u64>,
    /// Pass-through: the rest of a message that was cut (a fragment refused by the host, or
    /// never closed) is dropped, up to its `F7` or the next `F0`.
    pass_discarding: bool,
    /// Pass-through: the `F7` that ends a cut message is still to go out (the host refused it).
    pass_owes_end: bool,
    /// The last bank select (CC 0 MSB, CC 32 LSB) seen on each channel, for program-change
    /// mappings that name a bank.
    bank: [(Option<u8>, Option<u8>); 16],
}

impl Default for SysExVault {
    fn default() -> Self {
        pool::init();
        let params = Arc::new(VaultParams::default());
        if let Some(path) = standalone::library_file() {
            params.store().open_file(path.clone());
        }
        Self {
            params,
            keepalive: Vec::with_capacity(KEEPALIVE_CAPACITY),
            capture_shared: Arc::new(CaptureShared::default()),
            send_shared: Arc::new(SendShared::default()),
            capture: None,
            sender: None,
            capture_ring_bytes: 0,
            worker: None,
            send_trigger: Trigger::default(),
            cancel_trigger: Trigger::default(),
            settle: SettleWindow::default(),
            loads_seen: 0,
            sample_rate: 48_000.0,
            filter_restored_controllers: false,
            clock: 0,
            was_armed: false,
            in_fragment: false,
            discarding: false,
            last_capture: None,
            pass_open: None,
            pass_discarding: false,
            pass_owes_end: false,
            bank: [(None, None); 16],
        }
    }
}

/// Counts a SysEx message the host accepted and keeps its bytes alive until the next block
/// (never allocates: the keep-alive list is preallocated and simply stops growing when full).
fn sent_sysex(counters: &Counters, keepalive: &mut Vec<VaultSysEx>, message: VaultSysEx) {
    Counters::add(&counters.sysex_out, 1);
    if keepalive.len() < keepalive.capacity() {
        keepalive.push(message);
    }
}

impl SysExVault {
    fn counters(&self) -> &Counters {
        &self.params.counters
    }

    /// Tells a continuation fragment from a message whose host stripped `F0`/`F7`, and gives the
    /// latter its framing back (a message that then no longer fits is rejected and counted).
    fn reframe(&mut self, message: &mut VaultSysEx) {
        let bytes = message.bytes();
        // A rejected message has no bytes: `accept_sysex` counts it.
        let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
            return;
        };
        if first != 0xF0 && !self.in_fragment {
            *message = message.reframed();
        } else {
            self.in_fragment = last != 0xF7;
        }
    }

    /// Counts a SysEx event; returns it when it may be passed on.
    fn accept_sysex(&self, message: &VaultSysEx) -> bool {
        let c = self.counters();
        match message.rejection() {
            Some(why) => {
                Counters::add(
                    match why {
                        Rejection::TooLong => &c.rejected_too_long,
                        Rejection::PoolFull => &c.rejected_pool_full,
                    },
                    1,
                );
                c.last_rejected_len
                    .store(message.len() as u64, Ordering::Relaxed);
                false
            }
            None => {
                Counters::add(&c.sysex_in, 1);
                Counters::add(&c.sysex_in_bytes, message.len() as u64);
                true
            }
        }
    }

    /// Reacts to the `Send` and `Cancel Send` triggers (rising edges outside the settling
    /// window, so a restored value never fires).
    fn triggers(&mut self, settling: bool) {
        if self.send_trigger.fired(self.params.send.value(), settling) {
            let slot = self.params.slot.value().max(1) as u32;
            if let Some(sender) = self.sender.as_mut() {
                sender.request(Request::Slot(slot));
            }
        }
        if self
            .cancel_trigger
            .fired(self.params.cancel.value(), settling)
        {
            self.send_shared.cancel.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The rest of a message one of whose fragments was refused: true when `message` belongs to
    /// it (and must be dropped); the damaged message ends with its `F7` or a new `F0`.
    fn skip_damaged(&mut self, message: &VaultSysEx) -> bool {
        if !self.discarding {
            return false;
        }
        let bytes = message.bytes();
        if bytes.first() == Some(&0xF0) {
            self.discarding = false;
            return false;
        }
        if bytes.last() == Some(&0xF7) {
            self.discarding = false;
        }
        true
    }

    /// Whether the host must keep calling `process` even with quiet input: a send is queued or
    /// under way, a request or a recall waits for the worker, or a take may still be open (its
    /// idle gap runs on the audio clock).
    fn needs_processing(&self) -> bool {
        let sending = self.sender.as_ref().is_some_and(SendEngine::busy);
        let recall = self.params.store().recall_pending.load(Ordering::Relaxed);
        let take_open = self.last_capture.is_some_and(|at| {
            // The gap, plus a tenth of a second for the worker to file the take.
            let margin = (self.sample_rate / 10.0) as u64;
            self.clock <= at + self.capture_shared.gap_samples() + margin
        });
        let listening = self.capture_shared.listen.load(Ordering::Relaxed);
        // An owed take stop, or a passed-through message to end after its idle gap.
        let owed = self
            .capture
            .as_ref()
            .is_some_and(CaptureProducer::owes_stop)
            || self.pass_open.is_some()
            || self.pass_owes_end;
        sending || recall || take_open || listening || owed
    }

    /// Emits the sender's due messages that start at or before `until`, from `from` on; returns
    /// the index of the first one not emitted. A refused message and everything after it wait
    /// for the next block.
    fn emit_due(
        &mut self,
        context: &mut impl ProcessContext<Self>,
        until: u32,
        from: usize,
    ) -> usize {
        let open = self.pass_open.is_some() || self.pass_owes_end;
        let Some(sender) = self.sender.as_mut() else {
            return from;
        };
        if open {
            // A passed-through message is open: what is due waits for the next block (the
            // rest of this block's events stay in time order).
            if from < sender.due().len() {
                sender.defer(from);
            }
            return sender.due().len();
        }
        let mut i = from;
        while i < sender.due().len() && sender.due()[i].offset <= until {
            if !sender.may_emit(i) {
                return sender.due().len();
            }
            let due = &sender.due()[i];
            // A recall by program change queues bank select and program change messages; they
            // leave as MIDI events, everything else as SysEx.
            let timing = due.offset;
            let (event, sysex) = match *due.message.bytes() {
                [s @ 0xB0..=0xBF, cc, value] => (
                    NoteEvent::MidiCC {
                        timing,
                        channel: s & 0x0F,
                        cc,
                        value: f32::from(value) / 127.0,
                    },
                    false,
                ),
                [s @ 0xC0..=0xCF, program] => (
                    NoteEvent::MidiProgramChange {
                        timing,
                        channel: s & 0x0F,
                        program,
                    },
                    false,
                ),
                _ => (
                    NoteEvent::MidiSysEx {
                        timing,
                        message: due.message.clone(),
                    },
                    true,
                ),
            };
            match context.try_send_event(event) {
                Ok(()) if sysex => sent_sysex(
                    &self.params.counters,
                    &mut self.keepalive,
                    due.message.clone(),
                ),
                Ok(()) => {}
                Err(_) => {
                    sender.refused(i);
                    return sender.due().len();
                }
            }
            i += 1;
        }
        i
    }

    /// Passes a SysEx message or fragment on to the host, keeping messages whole: the rest of a
    /// message the host refused a fragment of is dropped, and one whose start went out is ended
    /// with `F7` (counted in [`engine::counters::Counters::pass_through_cut`]).
    fn pass_sysex(
        &mut self,
        context: &mut impl ProcessContext<Self>,
        timing: u32,
        message: VaultSysEx,
    ) {
        let bytes = message.bytes();
        let (starts, ends) = (bytes.first() == Some(&0xF0), bytes.last() == Some(&0xF7));
        if self.pass_discarding {
            if !starts {
                self.pass_discarding = !ends;
                return;
            }
            self.pass_discarding = false;
        }
        if starts {
            // The host starts a new message without ending the one before: end that one first.
            self.cut_pass_through(context, timing);
        }
        if self.pass_owes_end && !self.end_cut_message(context, timing) {
            // The host takes nothing now: this message could not go out whole either.
            Counters::add(&self.params.counters.host_refused, 1);
            self.pass_discarding = !ends;
            return;
        }
        let at = self.clock + u64::from(timing);
        let event = NoteEvent::MidiSysEx {
            timing,
            message: message.clone(),
        };
        match context.try_send_event(event) {
            Ok(()) => {
                sent_sysex(&self.params.counters, &mut self.keepalive, message);
                self.pass_open = (!ends).then_some(at);
            }
            Err(_) => {
                Counters::add(&self.params.counters.host_refused, 1);
                self.pass_discarding = !ends;
                // Its start went out (this was a continuation): end it so the synth sees a cut
                // message, never one joined from the fragments around the refused one.
                self.cut_pass_through(context, timing);
            }
        }
    }

    /// Ends the passed-through message whose start went out, if one is open: its rest will not
    /// follow (refused, dropped, or the host began another message).
    fn cut_pass_through(&mut self, context: &mut impl ProcessContext<Self>, timing: u32) {
        if self.pass_open.take().is_some() {
            self.pass_owes_end = true;
            self.end_cut_message(context, timing);
        }
    }

    /// Sends the `F7` that ends a cut pass-through message; false when the host refused it (it
    /// is tried again before the next event).
    fn end_cut_message(&mut self, context: &mut impl ProcessContext<Self>, timing: u32) -> bool {
        let end = VaultSysEx::store(&[0xF7]);
        let sent = end.rejection().is_none()
            && context
                .try_send_event(NoteEvent::MidiSysEx {
                    timing,
                    message: end.clone(),
                })
                .is_ok();
        if sent {
            self.pass_owes_end = false;
            Counters::add(&self.params.counters.pass_through_cut, 1);
            sent_sysex(&self.params.counters, &mut self.keepalive, end);
        }
        sent
    }

    /// Ends a passed-through message the host has left open for longer than the idle gap, so
    /// that sending can go on; its late fragments are dropped.
    fn end_abandoned_pass_through(&mut self, context: &mut impl ProcessContext<Self>) {
        if self.pass_owes_end {
            self.end_cut_message(context, 0);
            return;
        }
        let Some(last) = self.pass_open else {
            return;
        };
        if self.clock.saturating_sub(last) > self.capture_shared.gap_samples() {
            self.pass_open = None;
            self.pass_discarding = true;
            self.pass_owes_end = true;
            self.end_cut_message(context, 0);
        }
    }

    /// Sends an event to the host, counting refusals; SysEx handles are kept for one block.
    fn send(&mut self, context: &mut impl ProcessContext<Self>, event: PluginNoteEvent<Self>) {
        let keep = match &event {
            NoteEvent::MidiSysEx { message, .. } => Some(message.clone()),
            _ => None,
        };
        match context.try_send_event(event) {
            Ok(()) => {
                if let Some(message) = keep {
                    sent_sysex(&self.params.counters, &mut self.keepalive, message);
                }
            }
            Err(_) => Counters::add(&self.params.counters.host_refused, 1),
        }
    }
}

impl Plugin for SysExVault {
    const NAME: &'static str = "SysEx Vault";
    const VENDOR: &'static str = "SysEx Vault";
    const URL: &'static str = env!("CARGO_PKG_HOMEPAGE");
    const EMAIL: &'static str = "";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    // Stereo pass-through first: it is the layout hosts pick by default, and some refuse or starve
    // plugins without audio I/O. The MIDI-only layout follows for hosts that prefer it.
    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[
        AudioIOLayout {
            main_input_channels: NonZeroU32::new(2),
            main_output_channels: NonZeroU32::new(2),
            ..AudioIOLayout::const_default()
        },
        AudioIOLayout {
            main_input_channels: None,
            main_output_channels: None,
            ..AudioIOLayout::const_default()
        },
    ];

    // `MidiCCs` rather than `Basic`: with `Basic`, nice-plug drops CC, program change and pitch
    // bend, which pass-through must keep. SysEx is carried either way.
    const MIDI_INPUT: MidiConfig = MidiConfig::MidiCCs;
    const MIDI_OUTPUT: MidiConfig = MidiConfig::MidiCCs;
    const SAMPLE_ACCURATE_AUTOMATION: bool = false;
    // VST3 delivers MIDI CCs as changes of nice-plug's 16 × 130 hidden parameters, and a host
    // restoring a project sends all of them in one block: room for that burst, so nice-plug
    // never grows its event queue on the audio thread.
    const INPUT_EVENT_CAPACITY: usize = 4096;

    type Editor = nice_plug_egui::EguiEditor<editor::App>;
    type SysExMessage = VaultSysEx;
    type BackgroundTask = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn editor(&mut self, _async_executor: AsyncExecutor<Self>) -> Option<Self::Editor> {
        if standalone::library_file().is_some() && !standalone::has_display() {
            self.params.store().log(
                engine::store::Level::Info,
                "No display: running without a window (Ctrl-C to quit)".into(),
            );
            return None;
        }
        let handles = editor::Handles {
            store: self.params.store().clone(),
            capture: self.capture_shared.clone(),
            send: self.send_shared.clone(),
            counters: self.params.counters.clone(),
            pacing: self.params.pacing.clone(),
            send_check: self.params.send_check.clone(),
            settings: self.params.editor.clone(),
            route: self.params.route.clone(),
        };
        editor::create(self.params.clone(), handles)
    }

    fn activate(
        &mut self,
        _audio_io_layout: &AudioIOLayout,
        buffer_config: &BufferConfig,
        context: &mut impl ActivateContext<Self>,
    ) -> bool {
        self.sample_rate = f64::from(buffer_config.sample_rate);
        self.filter_restored_controllers = context.plugin_api() == PluginApi::Vst3;
        self.settle.restart(self.sample_rate);
        self.loads_seen = self.params.store().loads();
        let shared = &self.capture_shared;
        shared
            .sample_rate_bits
            .store(buffer_config.sample_rate.to_bits(), Ordering::Relaxed);
        shared.idle_gap_ms.store(
            self.params.idle_gap_ms.load(Ordering::Relaxed),
            Ordering::Relaxed,
        );
        let ring_bytes = self.params.capture_buffer_bytes.load(Ordering::Relaxed);
        if self.worker.is_none() || ring_bytes != self.capture_ring_bytes {
            // Drop the old worker first: it files what its ring still holds.
            self.worker = None;
            let (producer, reader) = capture::ring(ring_bytes, shared.clone());
            let (engine, queue) = sender::channel(self.send_shared.clone());
            let ctx = WorkerContext {
                store: self.params.store().clone(),
                capture: shared.clone(),
                send: self.send_shared.clone(),
                pacing: self.params.pacing.clone(),
                send_check: self.params.send_check.clone(),
                route: self.params.route.clone(),
            };
            self.worker = Some(Worker::start(ctx, reader, queue));
            self.capture = Some(producer);
            self.sender = Some(engine);
            self.capture_ring_bytes = ring_bytes;
        }
        if let Some(sender) = self.sender.as_mut() {
            sender.set_sample_rate(f64::from(buffer_config.sample_rate));
        }
        self.capture_shared.active.store(true, Ordering::Release);
        true
    }

    fn deactivate(&mut self) {
        self.capture_shared.active.store(false, Ordering::Release);
        // A take in progress ends here: the worker files it, so a save that follows has it.
        if let Some(capture) = self.capture.as_mut() {
            capture.push_stop(self.clock);
        }
        self.last_capture = None;
        self.in_fragment = false;
        self.discarding = false;
        self.pass_open = None;
        self.pass_discarding = false;
        self.pass_owes_end = false;
        // The host has read the last block's output; give the pool slots back.
        self.keepalive.clear();
    }

    fn process(
        &mut self,
        buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        // The host has read last block's output by now.
        self.keepalive.clear();
        let frames = buffer.samples() as u32;
        let loads = self.params.store().loads();
        if loads != self.loads_seen {
            self.loads_seen = loads;
            self.settle.restart(self.sample_rate);
        }
        let settling = self.settle.settling();
        self.triggers(settling);
        if let Some(capture) = self.capture.as_mut() {
            capture.retry();
        }
        self.end_abandoned_pass_through(context);
        if let Some(sender) = self.sender.as_mut() {
            sender.begin_block(frames);
        }
        let mut next_due = 0;
        let pass_through = self.params.pass_through.value();
        let armed = self.params.record.value()
            || self.params.always_capture.value()
            || self.capture_shared.listen.load(Ordering::Relaxed);
        if self.was_armed && !armed {
            if let Some(capture) = self.capture.as_mut() {
                capture.push_stop(self.clock);
            }
        }
        self.was_armed = armed;
        self.capture_shared.armed.store(armed, Ordering::Relaxed);
        while let Some(mut event) = context.next_event() {
            next_due = self.emit_due(context, event.timing(), next_due);
            match &event {
                NoteEvent::MidiProgramChange {
                    channel, program, ..
                } => {
                    let (bank_msb, bank_lsb) = self.bank[usize::from(*channel & 0x0F)];
                    let pc = library::ProgramChange {
                        channel: *channel & 0x0F,
                        program: *program,
                        bank_msb,
                        bank_lsb,
                    };
                    if let Some(sender) = self.sender.as_mut() {
                        sender.request(Request::Program(pc));
                    }
                }
                // The host replaying nice-plug's hidden VST3 MIDI-CC parameters at load: never
                // something the user played, and a synth must not receive it.
                NoteEvent::MidiCC { .. }
                | NoteEvent::MidiChannelPressure { .. }
                | NoteEvent::MidiPitchBend { .. }
                    if settling && self.filter_restored_controllers =>
                {
                    continue;
                }
                NoteEvent::MidiCC {
                    channel,
                    cc: cc @ (0 | 32),
                    value,
                    ..
                } => {
                    let v = Some((value.clamp(0.0, 1.0) * 127.0).round() as u8);
                    let bank = &mut self.bank[usize::from(*channel & 0x0F)];
                    if *cc == 0 {
                        bank.0 = v;
                    } else {
                        bank.1 = v;
                    }
                }
                _ => {}
            }
            if let NoteEvent::MidiSysEx { timing, message } = &mut event {
                let at = self.clock + u64::from(*timing);
                // On the direct route, capture comes from the synth's port, not the host.
                let capturing = armed && !self.capture_shared.direct_route.load(Ordering::Relaxed);
                let timing = *timing;
                if self.skip_damaged(message) {
                    continue;
                }
                self.reframe(message);
                if !self.accept_sysex(message) {
                    // Refused (over 1 MiB, pool full): the take shows the loss, and the rest of
                    // a message it was a fragment of (a middle one, or the first) is dropped;
                    // if its start was passed on, it is ended there.
                    if std::mem::take(&mut self.in_fragment) || message.opens_unfinished() {
                        self.discarding = true;
                    }
                    if pass_through {
                        self.cut_pass_through(context, timing);
                    }
                    if capturing {
                        if let Some(capture) = self.capture.as_mut() {
                            capture.push_lost(at);
                        }
                        self.last_capture = Some(at);
                    }
                    continue;
                }
                if capturing {
                    if let Some(capture) = self.capture.as_mut() {
                        capture.push_sysex(at, message);
                    }
                    self.last_capture = Some(at);
                }
            }
            if pass_through {
                match event {
                    NoteEvent::MidiSysEx { timing, message } => {
                        self.pass_sysex(context, timing, message)
                    }
                    event => self.send(context, event),
                }
            }
        }
        self.emit_due(context, u32::MAX, next_due);
        if let Some(sender) = self.sender.as_mut() {
            sender.end_block(frames);
        }
        self.clock += u64::from(frames);
        self.settle.advance(frames);
        self.capture_shared
            .audio_clock
            .store(self.clock, Ordering::Release);
        // Audio passes through untouched: nice-plug has already copied input to output. The
        // host may put the plugin to sleep when its input is quiet, unless something is still
        // being sent or recorded.
        if self.needs_processing() {
            ProcessStatus::KeepAlive
        } else {
            ProcessStatus::Normal
        }
    }
}

impl ClapPlugin for SysExVault {
    const CLAP_ID: &'static str = "org.sysex-vault.sysex-vault";
    const CLAP_DESCRIPTION: Option<&'static str> =
        Some("Keeps your hardware synth's SysEx patches inside the DAW project");
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[ClapFeature::NoteEffect, ClapFeature::Utility];
}

impl Vst3Plugin for SysExVault {
    const VST3_CLASS_ID: [u8; 16] = *b"SysExVaultPatchz";
    const VST3_SUBCATEGORIES: &'static [Vst3SubCategory] =
        &[Vst3SubCategory::Fx, Vst3SubCategory::Tools];
}

nice_export_clap!(SysExVault);
nice_export_vst3!(SysExVault);

#[cfg(test)]
mod tests {
    use super::*;

    /// nice-plug stores events inline and preallocates `INPUT_EVENT_CAPACITY` of them; with the
    /// pool handle an event stays as small as a note event.
    #[test]
    fn events_stay_small() {
        let event = std::mem::size_of::<PluginNoteEvent<SysExVault>>();
        eprintln!("NoteEvent<VaultSysEx>: {event} bytes");
        assert!(event <= 32, "NoteEvent is {event} bytes");
        assert_eq!(std::mem::size_of::<VaultSysEx>(), 8);
    }
}
