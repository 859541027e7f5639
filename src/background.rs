//! The background thread and what it runs: the [`worker`] files captures into the library,
//! applies the MIDI route and runs jobs; [`ports`] opens the synth's MIDI ports directly (for
//! hosts that strip SysEx) and sends paced on a thread of its own; [`conversation`] talks with
//! the synth (dump requests, acknowledges, verification). Everything here may block; nothing
//! here runs on the audio thread.

pub mod conversation;
pub mod ports;
pub mod worker;
