//! The standalone app's library file: where it lives, and the switch that tells the plugin code
//! it runs as the standalone app (then the library is loaded from and saved to that file, besides
//! the state the wrapper keeps).

use std::path::PathBuf;
use std::sync::OnceLock;

static LIBRARY_FILE: OnceLock<PathBuf> = OnceLock::new();

/// Sets the library file (the standalone app calls this before starting the plugin).
pub fn set_library_file(path: PathBuf) {
    let _ = LIBRARY_FILE.set(path);
}

/// The library file, when running as the standalone app.
pub fn library_file() -> Option<&'static PathBuf> {
    LIBRARY_FILE.get()
}

/// The default library file: `$XDG_DATA_HOME/sysex-vault/library.sxvl` (or
/// `~/.local/share/…`) on Linux, `~/Library/Application Support/SysEx Vault/library.sxvl` on
/// macOS, `%APPDATA%\SysEx Vault\library.sxvl` on Windows.
pub fn default_library_file() -> PathBuf {
    let home = || {
        std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .map_or_else(|| PathBuf::from("."), PathBuf::from)
    };
    if cfg!(target_os = "macos") {
        home().join("Library/Application Support/SysEx Vault/library.sxvl")
    } else if cfg!(windows) {
        std::env::var_os("APPDATA")
            .map_or_else(|| home().join("AppData/Roaming"), PathBuf::from)
            .join("SysEx Vault")
            .join("library.sxvl")
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .map_or_else(|| home().join(".local/share"), PathBuf::from)
            .join("sysex-vault")
            .join("library.sxvl")
    }
}

/// Whether a window can be opened: false on Linux without `DISPLAY` or `WAYLAND_DISPLAY`, or
/// when `SYSEX_VAULT_HEADLESS=1` asks for no window.
pub fn has_display() -> bool {
    if std::env::var_os("SYSEX_VAULT_HEADLESS").is_some_and(|v| v == "1") {
        return false;
    }
    !cfg!(target_os = "linux")
        || std::env::var_os("DISPLAY").is_some()
        || std::env::var_os("WAYLAND_DISPLAY").is_some()
}
