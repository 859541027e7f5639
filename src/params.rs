//! Host-visible parameters and the fields saved with the project.

use crate::engine::counters::Counters;
use nice_plug::prelude::*;
use std::sync::Arc;

/// Everything the host can see or save.
#[derive(Params)]
pub struct VaultParams {
    /// Pass every incoming MIDI event (notes, CC, program change, SysEx) to the output, at the
    /// same sample offset. On by default, so the plugin can sit in front of an instrument.
    #[id = "thru"]
    pub pass_through: BoolParam,

    /// Counts of what was received, passed on, refused or undeliverable; saved with the project
    /// so a refused dump is still visible after reopening it.
    #[persist = "counters"]
    pub counters: Arc<Counters>,
}

impl Default for VaultParams {
    fn default() -> Self {
        Self {
            pass_through: BoolParam::new("MIDI Pass-Through", true),
            counters: Arc::new(Counters::default()),
        }
    }
}
