//! Build tasks. `cargo xtask bundle sysex_vault --release` is nice-plug's bundler;
//! `cargo xtask install` bundles and copies the CLAP and VST3 bundles into the user's plugin
//! folders; `cargo xtask bundle-windows --release` cross-builds the Windows bundles with mingw
//! (docs/windows.md), and `cargo xtask bundle-all --release` makes both, with one VST3 bundle for
//! Linux and Windows. `cargo xtask dist` builds both in release mode and writes the release
//! archives into `dist/`; `cargo xtask check-dist ARCHIVE…` checks what they hold.

mod dist;

use std::path::{Path, PathBuf};

fn main() -> nice_plug_xtask::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("install") => install(),
        Some("bundle-windows") => bundle_windows(&args[1..]),
        Some("dist") => release(),
        Some("check-dist") => {
            // The archives as named from where the command was given, before moving to the root.
            let archives: Vec<PathBuf> = args[1..]
                .iter()
                .map(std::path::absolute)
                .collect::<Result<_, _>>()?;
            nice_plug_xtask::chdir_workspace_root()?;
            for archive in &archives {
                println!("{}", dist::check(archive).map_err(anyhow::Error::msg)?);
            }
            Ok(())
        }
        Some("bundle-all") => {
            nice_plug_xtask::chdir_workspace_root()?;
            let linux = ["bundle", "sysex_vault"].map(String::from);
            nice_plug_xtask::main_with_args(
                "cargo xtask",
                linux.into_iter().chain(args[1..].to_vec()),
            )?;
            bundle_windows(&args[1..])
        }
        _ => nice_plug_xtask::main(),
    }
}

/// The Windows target the bundles are cross-built for (Debian's mingw links it).
const WINDOWS_TARGET: &str = "x86_64-pc-windows-gnu";

/// Cross-builds the plugin, the standalone app and the command line for Windows and bundles them:
/// the VST3 goes into `target/bundled/SysEx Vault.vst3/Contents/x86_64-win/` (beside a Linux one
/// already there), the CLAP, `SysEx Vault.exe` and `sysex-vault.exe` into
/// `target/bundled/x86_64-win/`. A Linux CLAP already bundled is kept (nice-plug's bundler would
/// write the Windows one over it). `args` are passed to `cargo build` (`--release`, ...).
fn bundle_windows(args: &[String]) -> nice_plug_xtask::Result<()> {
    nice_plug_xtask::chdir_workspace_root()?;
    let bundled = target_dir().join("bundled");
    let clap = bundled.join("SysEx Vault.clap");
    let stash = bundled.join("SysEx Vault.clap.linux");
    let had_linux_clap = clap.is_file();
    if had_linux_clap {
        std::fs::rename(&clap, &stash)?;
    }
    let bundle_args = [
        "bundle",
        "sysex_vault",
        "--target",
        WINDOWS_TARGET,
        "--features",
        "standalone",
    ]
    .map(String::from)
    .into_iter()
    .chain(args.iter().cloned());
    let result = nice_plug_xtask::main_with_args("cargo xtask", bundle_args);
    let moved = result.and_then(|()| {
        let win = bundled.join("x86_64-win");
        std::fs::create_dir_all(&win)?;
        std::fs::rename(&clap, win.join("SysEx Vault.clap"))?;
        std::fs::rename(bundled.join("SysEx Vault.exe"), win.join("SysEx Vault.exe"))?;
        let profile = if args.iter().any(|a| a == "--release" || a == "-r") {
            "release"
        } else {
            "debug"
        };
        // The command line is a package of its own (crates/cli).
        let mut build =
            std::process::Command::new(std::env::var("CARGO").unwrap_or("cargo".into()));
        build.args([
            "build",
            "-p",
            "sysex-vault-cli",
            "--bin",
            "sysex-vault",
            "--target",
        ]);
        build.arg(WINDOWS_TARGET).args(args);
        if !build.status()?.success() {
            anyhow::bail!("building the Windows command line failed");
        }
        let cli = target_dir()
            .join(WINDOWS_TARGET)
            .join(profile)
            .join("sysex-vault.exe");
        std::fs::copy(&cli, win.join("sysex-vault.exe"))?;
        println!(
            "Windows CLAP, standalone app and command line in {}",
            win.display()
        );
        Ok(())
    });
    if had_linux_clap {
        std::fs::rename(&stash, &clap)?;
    }
    moved
}

/// Builds the release bundles for Linux and Windows from scratch (the VST3 bundle in both
/// archives holds both platforms), writes both archives and their SHA-256 sums into `dist/`, and
/// checks them. The Linux build uses the default features (direct ports through ALSA, which
/// PipeWire and JACK setups also expose) plus `standalone` for the app; Windows the same (WinMM).
fn release() -> nice_plug_xtask::Result<()> {
    nice_plug_xtask::chdir_workspace_root()?;
    let bundled = target_dir().join("bundled");
    if bundled.exists() {
        std::fs::remove_dir_all(&bundled)?;
    }
    // Archives of another version left in dist/ would be taken for this release's.
    if let Ok(old) = std::fs::read_dir("dist") {
        for entry in old.flatten() {
            if entry
                .file_name()
                .to_string_lossy()
                .starts_with("sysex-vault-")
            {
                std::fs::remove_file(entry.path())?;
            }
        }
    }
    let linux = [
        "bundle",
        "sysex_vault",
        "--release",
        "--features",
        "standalone",
    ]
    .map(String::from);
    nice_plug_xtask::main_with_args("cargo xtask", linux)?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let cli = [
        "build",
        "--release",
        "-p",
        "sysex-vault-cli",
        "--bin",
        "sysex-vault",
    ];
    if !std::process::Command::new(&cargo)
        .args(cli)
        .status()?
        .success()
    {
        anyhow::bail!("building the command line failed");
    }
    std::fs::copy(
        target_dir().join("release").join("sysex-vault"),
        bundled.join("sysex-vault"),
    )?;
    bundle_windows(&["--release".to_owned()])?;
    for platform in [dist::Platform::Linux, dist::Platform::Windows] {
        let archive =
            dist::write(platform, &bundled, Path::new("dist")).map_err(anyhow::Error::msg)?;
        let checked = dist::check(&archive).map_err(anyhow::Error::msg)?;
        println!("{}", checked.lines().next().unwrap_or_default());
        println!("Wrote {} and its .sha256", archive.display());
    }
    Ok(())
}

/// Cargo's target folder (`CARGO_TARGET_DIR` when set, as nice-plug's bundler reads it).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"))
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
