//! Everything the audio thread touches, and nothing else: the SysEx handle type the plugin
//! framework carries (a small handle into a preallocated [`pool`]), the [`capture`] ring to the
//! background thread, the [`sender`]'s audio-thread side, the [`counters`] that make every
//! rejection visible, and the [`settle`] window after a load. Code here never allocates, locks,
//! blocks or panics on the audio thread (`assert_process_allocs` checks it in the tests).

pub mod capture;
pub mod counters;
pub mod input;
pub mod pass_through;
pub mod pool;
pub mod sender;
pub mod settle;
pub mod signals;
