//! Direct MIDI ports: the `sysex_vault_midi_io` crate (midir, and the JACK client of our own),
//! and the route an instance saves with its project.

use serde::{Deserialize, Serialize};
pub use sysex_vault_midi_io::*;

/// Which MIDI route an instance uses, saved with the project.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteSettings {
    /// Use the ports below instead of the host's MIDI.
    pub direct: bool,
    /// Input port name (the synth's MIDI out).
    pub input: Option<String>,
    /// Output port name (the synth's MIDI in).
    pub output: Option<String>,
}
