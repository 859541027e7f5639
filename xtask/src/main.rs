//! Build tasks. `cargo xtask bundle sysex_vault --release` is nice-plug's bundler;
//! `cargo xtask install` bundles and copies the CLAP and VST3 bundles into the user's plugin
//! folders.

use std::path::{Path, PathBuf};

fn main() -> nice_plug_xtask::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("install") {
        return install();
    }
    nice_plug_xtask::main()
}

/// Bundles in release mode and copies the bundles into the per-user plugin folders.
fn install() -> nice_plug_xtask::Result<()> {
    nice_plug_xtask::chdir_workspace_root()?;
    let bundle_args = ["bundle", "sysex_vault", "--release"].map(String::from);
    nice_plug_xtask::main_with_args("cargo xtask", bundle_args)?;
    let bundled = Path::new("target").join("bundled");
    for (ext, dest) in [("clap", clap_dir()), ("vst3", vst3_dir())] {
        let src = bundled.join(format!("SysEx Vault.{ext}"));
        let dst = dest.join(format!("SysEx Vault.{ext}"));
        std::fs::create_dir_all(&dest)?;
        if dst.is_dir() {
            std::fs::remove_dir_all(&dst)?;
        } else if dst.exists() {
            std::fs::remove_file(&dst)?;
        }
        copy_recursive(&src, &dst)?;
        println!("Installed {}", dst.display());
    }
    Ok(())
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn clap_dir() -> PathBuf {
    if cfg!(target_os = "macos") {
        home().join("Library/Audio/Plug-Ins/CLAP")
    } else if cfg!(windows) {
        local_app_data().join("Programs/Common/CLAP")
    } else {
        home().join(".clap")
    }
}

fn vst3_dir() -> PathBuf {
    if cfg!(target_os = "macos") {
        home().join("Library/Audio/Plug-Ins/VST3")
    } else if cfg!(windows) {
        local_app_data().join("Programs/Common/VST3")
    } else {
        home().join(".vst3")
    }
}

fn local_app_data() -> PathBuf {
    std::env::var_os("LOCALAPPDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join("AppData/Local"))
}

fn copy_recursive(src: &Path, dst: &Path) -> std::io::Result<()> {
    if src.is_dir() {
        std::fs::create_dir_all(dst)?;
        for entry in std::fs::read_dir(src)? {
            let entry = entry?;
            copy_recursive(&entry.path(), &dst.join(entry.file_name()))?;
        }
        Ok(())
    } else {
        std::fs::copy(src, dst).map(|_| ())
    }
}
