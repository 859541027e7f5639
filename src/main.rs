//! SysEx Vault as a standalone app: the same plugin, editor and library, with nice-plug's
//! standalone wrapper providing audio (JACK, ALSA, or a dummy backend when there is no sound
//! hardware) and MIDI. `--library PATH` chooses the library file (default: see
//! [`sysex_vault::standalone::default_library_file`]); every other argument goes to the wrapper
//! (`--help` lists them, e.g. `--backend dummy`). Without a display it runs headless until
//! Ctrl-C.

use nice_plug::prelude::*;
use sysex_vault::SysExVault;

fn main() {
    let mut args: Vec<String> = std::env::args().collect();
    let library = match args.iter().position(|a| a == "--library") {
        Some(i) if i + 1 < args.len() => {
            let path = args.remove(i + 1);
            args.remove(i);
            std::path::PathBuf::from(path)
        }
        Some(_) => {
            eprintln!("--library needs a file path");
            std::process::exit(64);
        }
        None => sysex_vault::standalone::default_library_file(),
    };
    if let Some(dir) = library.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    eprintln!("SysEx Vault: library file {}", library.display());
    sysex_vault::standalone::set_library_file(library);
    if !nice_export_standalone_with_args::<SysExVault, _>(args) {
        std::process::exit(1);
    }
}
