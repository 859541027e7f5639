//! SysEx Vault: keeps a hardware synth's SysEx patches inside the DAW project.
//!
//! This file is the thin plugin glue. The knowledge lives in the core crate
//! (`sysex_vault_core`: SysEx, device definitions, the library model, files, pacing, transfers,
//! the state format), re-exported here under the same names; what the audio thread touches is in
//! [`audio`], the background thread in [`background`], the library owner in [`store`].

#![warn(missing_docs)]

pub mod audio;
pub mod background;
pub mod devices;
pub mod editor;
pub mod params;
pub mod standalone;
pub mod store;
pub use sysex_vault_core::{backup, files, library, pacing, rig, state, sysex, transfer};

use audio::capture::{self as capture, CaptureProducer, CaptureShared};
use audio::counters::Counters;
use audio::input::{Arrival, SysExInput};
use audio::pass_through::{Outlet, PassThrough};
use audio::pool::{self, VaultSysEx};
use audio::sender::{self as sender, Request, SendEngine, SendShared};
use audio::settle::{SettleWindow, Trigger};
use audio::signals::LoadSignals;
use background::worker::{Worker, WorkerContext};
use nice_plug::prelude::*;
use params::VaultParams;
use std::num::NonZeroU32;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Handles kept alive until the next block, so hosts that read output SysEx after `process`
/// returns (JUCE-based VST3 hosts) still see valid bytes.
const KEEPALIVE_CAPACITY: usize = 4096;

/// The plugin.
pub struct SysExVault {
    params: Arc<VaultParams>,
    /// State loads and a waiting recall, from the library owner (the audio thread reads nothing
    /// else of the store).
    signals: Arc<LoadSignals>,
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
    /// [`store::LibraryStore::loads`] when last seen (a state load restarts `settle`).
    loads_seen: u64,
    /// Sample rate of the current activation.
    sample_rate: f64,
    /// VST3: drop the host's replay of nice-plug's hidden MIDI-CC parameters while settling.
    filter_restored_controllers: bool,
    /// Samples processed since the plugin was created.
    clock: u64,
    /// Whether capture was armed in the previous block.
    was_armed: bool,
    /// The host's SysEx input between events (fragments, stripped framing, damaged messages).
    input: SysExInput,
    /// Audio clock of the last SysEx handed to capture (a take may be open until a gap later).
    last_capture: Option<u64>,
    /// SysEx passed on to the host's output, kept whole.
    pass: PassThrough,
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
            signals: params.store().signals.clone(),
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
            input: SysExInput::default(),
            last_capture: None,
            pass: PassThrough::default(),
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

/// The host's output queue as the pass-through's [`Outlet`]: counts what it takes and keeps its
/// bytes alive until the next block.
struct HostOutlet<'a, C> {
    context: &'a mut C,
    keepalive: &'a mut Vec<VaultSysEx>,
    counters: &'a Counters,
}

impl<'a, C: ProcessContext<SysExVault>> HostOutlet<'a, C> {
    fn new(context: &'a mut C, keepalive: &'a mut Vec<VaultSysEx>, counters: &'a Counters) -> Self {
        HostOutlet {
            context,
            keepalive,
            counters,
        }
    }
}

impl<C: ProcessContext<SysExVault>> Outlet for HostOutlet<'_, C> {
    fn send(&mut self, timing: u32, message: VaultSysEx) -> bool {
        let event = NoteEvent::MidiSysEx {
            timing,
            message: message.clone(),
        };
        let sent = self.context.try_send_event(event).is_ok();
        if sent {
            sent_sysex(self.counters, self.keepalive, message);
        }
        sent
    }
}

impl SysExVault {
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

    /// Whether the host must keep calling `process` even with quiet input: a send is queued or
    /// under way, a request or a recall waits for the worker, or a take may still be open (its
    /// idle gap runs on the audio clock).
    fn needs_processing(&self) -> bool {
        let sending = self.sender.as_ref().is_some_and(SendEngine::busy);
        let recall = self.signals.recall_waiting();
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
            || self.pass.is_open();
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
        let open = self.pass.is_open();
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
                store::Level::Info,
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
            backup: self.params.backup.clone(),
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
        self.loads_seen = self.signals.loads();
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
        self.input = SysExInput::default();
        self.pass = PassThrough::default();
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
        let loads = self.signals.loads();
        if loads != self.loads_seen {
            self.loads_seen = loads;
            self.settle.restart(self.sample_rate);
        }
        let settling = self.settle.settling();
        self.triggers(settling);
        if let Some(capture) = self.capture.as_mut() {
            capture.retry();
        }
        let gap = self.capture_shared.gap_samples();
        let mut out = HostOutlet::new(context, &mut self.keepalive, &self.params.counters);
        self.pass
            .end_abandoned(&mut out, &self.params.counters, self.clock, gap);
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
                match self.input.receive(message, &self.params.counters) {
                    Arrival::Skipped => continue,
                    Arrival::Accepted => {}
                    Arrival::Refused => {
                        // The take shows the loss; a passed-on start is ended there.
                        if pass_through {
                            let mut out = HostOutlet::new(
                                context,
                                &mut self.keepalive,
                                &self.params.counters,
                            );
                            self.pass.cut(&mut out, &self.params.counters, timing);
                        }
                        if capturing {
                            if let Some(capture) = self.capture.as_mut() {
                                capture.push_lost(at);
                            }
                            self.last_capture = Some(at);
                        }
                        continue;
                    }
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
                        let at = self.clock + u64::from(timing);
                        let mut out =
                            HostOutlet::new(context, &mut self.keepalive, &self.params.counters);
                        self.pass
                            .pass(&mut out, &self.params.counters, (at, timing), message);
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
