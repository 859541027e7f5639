//! File formats: `.syx` (raw concatenated SysEx), hex text, and Standard MIDI Files. Pure: bytes
//! in, bytes out; every error names the offset and the cause.

pub mod hex;
pub mod smf;
pub mod syx;
