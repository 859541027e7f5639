//! Device definitions: the core's [`sysex_vault_core::devices`], and the definitions this program
//! loaded (the shipped ones and the user's folder), which the commands pass to the core.

use crate::sysex::SysEx;
use std::sync::OnceLock;
pub use sysex_vault_core::devices::*;

/// The definitions of this program: the shipped ones and the user's folder, loaded on first use.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::load(user_folder().as_deref()))
}

/// Recognises a message with this program's definitions.
pub fn recognise(msg: &SysEx<'_>) -> Recognised {
    registry().recognise(msg)
}
