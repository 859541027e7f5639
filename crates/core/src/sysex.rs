//! Pure SysEx knowledge: validated messages, stream assembly, manufacturers, universal messages,
//! checksums and bank helpers (device knowledge is in `crate::devices`). Nothing here imports the plugin framework.

pub mod assembler;
pub mod bank;
pub mod checksum;
pub mod manufacturer;
pub mod message;
pub mod universal;

/// Largest SysEx message SysEx Vault carries (1 MiB, framing included).
pub const MAX_MESSAGE_LEN: usize = 1 << 20;

pub use assembler::{Assembler, AssemblerEvent, AssemblerStats};
pub use message::{ManufacturerId, SysEx, SysExError, U7};
