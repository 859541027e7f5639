//! A minimal nice-plug plugin that passes MIDI (SysEx with a tiny inline buffer) through and does
//! nothing else, built the same way as SysEx Vault. `benches/process.rs` loads it through
//! clack-host to measure what SysEx Vault's `process()` costs beyond the framework itself.

use nice_plug::prelude::*;
use std::num::NonZeroU32;
use std::sync::Arc;

/// The baseline plugin.
#[derive(Default)]
pub struct Baseline {
    params: Arc<BaselineParams>,
}

/// No parameters.
#[derive(Params, Default)]
pub struct BaselineParams {}

impl Plugin for Baseline {
    const NAME: &'static str = "Baseline Pass-Through";
    const VENDOR: &'static str = "SysEx Vault benchmarks";
    const URL: &'static str = "";
    const EMAIL: &'static str = "";
    const VERSION: &'static str = "0.0.0";
    const AUDIO_IO_LAYOUTS: &'static [AudioIOLayout] = &[AudioIOLayout {
        main_input_channels: NonZeroU32::new(2),
        main_output_channels: NonZeroU32::new(2),
        ..AudioIOLayout::const_default()
    }];
    const MIDI_INPUT: MidiConfig = MidiConfig::MidiCCs;
    const MIDI_OUTPUT: MidiConfig = MidiConfig::MidiCCs;
    type Editor = ();
    type SysExMessage = ();
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
        while let Some(event) = context.next_event() {
            let _ = context.try_send_event(event);
        }
        ProcessStatus::Normal
    }
}

impl ClapPlugin for Baseline {
    const CLAP_ID: &'static str = "org.sysex-vault.baseline";
    const CLAP_DESCRIPTION: Option<&'static str> = None;
    const CLAP_MANUAL_URL: Option<&'static str> = None;
    const CLAP_SUPPORT_URL: Option<&'static str> = None;
    const CLAP_FEATURES: &'static [ClapFeature] = &[ClapFeature::NoteEffect];
}

nice_export_clap!(Baseline);
