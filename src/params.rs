//! Host-visible parameters and the fields saved with the project.

use crate::audio::capture::DEFAULT_RING_BYTES;
use crate::audio::counters::Counters;
use crate::background::conversation::SendCheck;
use crate::background::ports::RouteSettings;
use crate::editor::settings::UiSettings;
use crate::library::take::DEFAULT_IDLE_GAP_MS;
use crate::pacing::PacingChoice;
use crate::store::{LibraryField, LibraryStore, LogField, PendingField};
use nice_plug::prelude::*;
use std::sync::atomic::AtomicU32;
use std::sync::{Arc, RwLock};

/// Everything the host can see or save.
#[derive(Params)]
pub struct VaultParams {
    /// Pass every incoming MIDI event (notes, CC, program change, SysEx) to the output, at the
    /// same sample offset. On by default, so the plugin can sit in front of an instrument.
    #[id = "thru"]
    pub pass_through: BoolParam,

    /// Record arm: SysEx arriving while on is captured into the library. Turning it off ends the
    /// take in progress. Automatable, so a capture can be started from the arrangement.
    #[id = "rec"]
    pub record: BoolParam,

    /// Capture all SysEx that arrives, armed or not.
    #[id = "always"]
    pub always_capture: BoolParam,

    /// Trigger: turning it on sends the library entry at [`VaultParams::slot`].
    #[id = "send"]
    pub send: BoolParam,

    /// Library slot (1-based, in library order) the `Send` trigger sends.
    #[id = "slot"]
    pub slot: IntParam,

    /// Trigger: turning it on stops sending after the message in flight and drops queued sends.
    #[id = "cancel"]
    pub cancel: BoolParam,

    /// How fast sends go (DIN by default).
    #[persist = "pacing"]
    pub pacing: Arc<RwLock<PacingChoice>>,

    /// Whether sends wait for the synth's acknowledge or are verified (off by default).
    #[persist = "send-check"]
    pub send_check: Arc<RwLock<SendCheck>>,

    /// What the synth is asked for, and kept, before a send overwrites its memory (banks by
    /// default).
    #[persist = "backup"]
    pub backup: Arc<RwLock<crate::backup::BackupRule>>,

    /// Counts of what was received, passed on, refused or undeliverable; saved with the project
    /// so a refused dump is still visible after reopening it.
    #[persist = "counters"]
    pub counters: Arc<Counters>,

    /// Most bytes of captured SysEx waiting for the capture worker (the capture ring's byte
    /// budget; applied on the next activation; at least 64 KiB, 4 MiB by default). A message
    /// that would cross it is counted as lost on its take.
    #[persist = "capture-buffer-bytes"]
    pub capture_buffer_bytes: Arc<AtomicU32>,

    /// Silence that ends a take, in milliseconds (SysEx Librarian's default: 1,000).
    #[persist = "idle-gap-ms"]
    pub idle_gap_ms: Arc<AtomicU32>,

    /// MIDI route: through the host, or the synth's ports opened directly.
    #[persist = "midi-route"]
    pub route: Arc<RwLock<RouteSettings>>,

    /// Editor window size, tab and list sorting.
    #[persist = "editor"]
    pub editor: Arc<RwLock<UiSettings>>,

    /// The library (see [`crate::state`] for its format).
    #[persist = "library"]
    pub library: LibraryField,

    /// Entries captured while a saved library that could not be read is kept verbatim.
    #[persist = "library-pending"]
    pub library_pending: PendingField,

    /// The last lines of the log.
    #[persist = "log"]
    pub log: LogField,
}

impl Default for VaultParams {
    fn default() -> Self {
        let store = Arc::new(LibraryStore::default());
        Self {
            pass_through: BoolParam::new("MIDI Pass-Through", true),
            record: BoolParam::new("Record", false),
            always_capture: BoolParam::new("Always Capture", false),
            send: BoolParam::new("Send", false),
            slot: IntParam::new("Slot", 1, IntRange::Linear { min: 1, max: 128 }),
            cancel: BoolParam::new("Cancel Send", false),
            pacing: Arc::new(RwLock::new(PacingChoice::default())),
            send_check: Arc::new(RwLock::new(SendCheck::default())),
            backup: Arc::new(RwLock::new(crate::backup::BackupRule::DEFAULT)),
            editor: Arc::new(RwLock::new(UiSettings::default())),
            route: Arc::new(RwLock::new(RouteSettings::default())),
            counters: Arc::new(Counters::default()),
            capture_buffer_bytes: Arc::new(AtomicU32::new(DEFAULT_RING_BYTES)),
            idle_gap_ms: Arc::new(AtomicU32::new(DEFAULT_IDLE_GAP_MS)),
            library: LibraryField(store.clone()),
            library_pending: PendingField(store.clone()),
            log: LogField(store),
        }
    }
}

impl VaultParams {
    /// The library owner.
    pub fn store(&self) -> &Arc<LibraryStore> {
        &self.library.0
    }
}
