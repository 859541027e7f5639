//! SysEx Vault: keeps a hardware synth's SysEx patches inside the DAW project.
//!
//! This file is the thin plugin glue; the knowledge lives in [`sysex`], [`files`] and
//! [`pacing`] (pure, framework-free) and the real-time pieces in [`engine`].

pub mod engine;
pub mod files;
pub mod pacing;
pub mod params;
pub mod sysex;

use engine::counters::Counters;
use engine::pool::{self, Rejection, VaultSysEx};
use nice_plug::prelude::*;
use params::VaultParams;
use std::num::NonZeroU32;
use std::sync::Arc;

/// Handles kept alive until the next block, so hosts that read output SysEx after `process`
/// returns (JUCE-based VST3 hosts) still see valid bytes.
const KEEPALIVE_CAPACITY: usize = 4096;

/// The plugin.
pub struct SysExVault {
    params: Arc<VaultParams>,
    /// SysEx sent in the previous block, released at the start of the next one.
    keepalive: Vec<VaultSysEx>,
}

impl Default for SysExVault {
    fn default() -> Self {
        pool::init();
        Self {
            params: Arc::new(VaultParams::default()),
            keepalive: Vec::with_capacity(KEEPALIVE_CAPACITY),
        }
    }
}

impl SysExVault {
    fn counters(&self) -> &Counters {
        &self.params.counters
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
                    .store(message.len() as u64, std::sync::atomic::Ordering::Relaxed);
                false
            }
            None => {
                Counters::add(&c.sysex_in, 1);
                Counters::add(&c.sysex_in_bytes, message.len() as u64);
                true
            }
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
                    Counters::add(&self.params.counters.sysex_out, 1);
                    if self.keepalive.len() < self.keepalive.capacity() {
                        self.keepalive.push(message);
                    }
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

    type Editor = ();
    type SysExMessage = VaultSysEx;
    type BackgroundTask = ();

    fn params(&self) -> Arc<dyn Params> {
        self.params.clone()
    }

    fn process(
        &mut self,
        _buffer: &mut Buffer,
        _aux: &mut AuxiliaryBuffers,
        context: &mut impl ProcessContext<Self>,
    ) -> ProcessStatus {
        // The host has read last block's output by now.
        self.keepalive.clear();
        let pass_through = self.params.pass_through.value();
        while let Some(event) = context.next_event() {
            if let NoteEvent::MidiSysEx { message, .. } = &event {
                if !self.accept_sysex(message) {
                    continue;
                }
            }
            if pass_through {
                self.send(context, event);
            }
        }
        // Audio passes through untouched: nice-plug has already copied input to output.
        ProcessStatus::Normal
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
