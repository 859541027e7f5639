//! Device definitions: the core's [`sysex_vault_core::devices`], and the definitions this process
//! loaded (the shipped ones and the user's folder), which the plugin and the app pass to the core.

use crate::sysex::SysEx;
use std::sync::OnceLock;
pub use sysex_vault_core::devices::*;

/// The definitions of this process: the shipped ones and the user's folder, loaded on first use
/// (never call it first from the audio thread).
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::load(user_folder().as_deref()))
}

/// Recognises a message with the process's definitions.
pub fn recognise(msg: &SysEx<'_>) -> Recognised {
    registry().recognise(msg)
}
