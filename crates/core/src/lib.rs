//! SysEx Vault's core: everything that is pure logic over bytes and files, with no plugin
//! framework, GUI, MIDI I/O, threads or globals of its own, so the plugin, the standalone app
//! and the command line share it and it is tested on its own.
//!
//! - [`sysex`]: SysEx messages, manufacturers, universal messages, the assembler, banks.
//! - [`backup`]: asking the synth for the memory a send overwrites, first.
//! - [`devices`]: device definitions (data files) and the [`devices::Registry`] that recognises,
//!   names, splits and requests; callers load one and pass it in.
//! - [`library`]: the library model (entries, takes, edits, merges, the library file).
//! - [`files`]: `.syx`, Standard MIDI Files, hex text, and patches in DAW project files.
//! - [`pacing`]: how fast SysEx leaves, and the planner that keeps to it.
//! - [`transfer`]: talking with a synth (requests, acknowledges, verification) over any link.
//! - [`state`]: the versioned library format saved in projects and library files.

pub mod backup;
pub mod devices;
pub mod files;
pub mod library;
pub mod pacing;
pub mod rig;
pub mod state;
pub mod sysex;
pub mod transfer;
