//! Release archives: `cargo xtask dist` builds the release bundles and writes
//! `dist/sysex-vault-VERSION-linux-x86_64.tar.gz` and `dist/sysex-vault-VERSION-windows-x86_64.zip`,
//! each with a `.sha256` file beside it; `cargo xtask check-dist` checks what an archive holds.
//!
//! Both archives hold one folder, `sysex-vault-VERSION/`, with the CLAP, the two-platform VST3
//! bundle, the standalone app, the command line, README, licence, changelog, INSTALL.txt and the
//! docs folder. Entries carry a fixed date (1980-01-01, zip's earliest), so the archives depend
//! only on the files.

use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A platform the release is built for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Platform {
    /// x86_64 Linux (glibc), tar.gz.
    Linux,
    /// x86_64 Windows, zip.
    Windows,
}

impl Platform {
    fn archive_name(self, version: &str) -> String {
        match self {
            Platform::Linux => format!("sysex-vault-{version}-linux-x86_64.tar.gz"),
            Platform::Windows => format!("sysex-vault-{version}-windows-x86_64.zip"),
        }
    }
}

/// One file of an archive: its path inside the archive folder, its bytes and whether it runs.
struct Item {
    path: String,
    bytes: Vec<u8>,
    executable: bool,
}

/// The package version from the root `Cargo.toml`.
pub fn version() -> Result<String, String> {
    let text = std::fs::read_to_string("Cargo.toml").map_err(|e| format!("Cargo.toml: {e}"))?;
    let table: toml::Table = text.parse().map_err(|e| format!("Cargo.toml: {e}"))?;
    table
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(|v| v.as_str())
        .map(str::to_owned)
        .ok_or_else(|| "Cargo.toml has no package.version".into())
}

/// Writes the archive for `platform` from what the release bundling left in `bundled`
/// (`target/bundled`): the Linux files at its top, the Windows ones in `x86_64-win/`.
pub fn write(platform: Platform, bundled: &Path, out: &Path) -> Result<PathBuf, String> {
    let version = version()?;
    let top = format!("sysex-vault-{version}");
    let mut items = Vec::new();
    let binaries: &[(&str, &str)] = match platform {
        Platform::Linux => &[
            ("SysEx Vault.clap", "SysEx Vault.clap"),
            ("SysEx Vault", "SysEx Vault"),
            ("sysex-vault", "sysex-vault"),
        ],
        Platform::Windows => &[
            ("x86_64-win/SysEx Vault.clap", "SysEx Vault.clap"),
            ("x86_64-win/SysEx Vault.exe", "SysEx Vault.exe"),
            ("x86_64-win/sysex-vault.exe", "sysex-vault.exe"),
        ],
    };
    for (from, to) in binaries {
        items.push(Item {
            path: (*to).to_owned(),
            bytes: read(&bundled.join(from))?,
            executable: true,
        });
    }
    add_tree(
        &bundled.join("SysEx Vault.vst3"),
        "SysEx Vault.vst3",
        &mut items,
    )?;
    for (from, to) in [
        ("README.md", "README.md"),
        ("LICENSE", "LICENSE.txt"),
        ("CHANGELOG.md", "CHANGELOG.md"),
        ("CONTRIBUTING.md", "CONTRIBUTING.md"),
    ] {
        items.push(text_item(platform, to, read(Path::new(from))?));
    }
    let install = match platform {
        Platform::Linux => include_str!("../install/linux.txt"),
        Platform::Windows => include_str!("../install/windows.txt"),
    };
    let install = install.replace("{version}", &version);
    items.push(text_item(platform, "INSTALL.txt", install.into_bytes()));
    add_tree(Path::new("docs"), "docs", &mut items)?;
    items.sort_by(|a, b| a.path.cmp(&b.path));

    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let path = out.join(platform.archive_name(&version));
    let bytes = match platform {
        Platform::Linux => tar_gz(&top, &items)?,
        Platform::Windows => zip(&top, &items)?,
    };
    std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let name = platform.archive_name(&version);
    let sum = format!("{}  {name}\n", hex(&Sha256::digest(&bytes)));
    let sum_path = out.join(format!("{name}.sha256"));
    std::fs::write(&sum_path, sum).map_err(|e| format!("{}: {e}", sum_path.display()))?;
    Ok(path)
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| {
        format!(
            "{}: {e} (build the release bundles first: cargo xtask dist builds them)",
            path.display()
        )
    })
}

/// A text file: with Windows line endings in the Windows archive (older Notepad shows a bare LF
/// file as one line), as it is in the Linux one.
fn text_item(platform: Platform, path: &str, bytes: Vec<u8>) -> Item {
    let bytes = match platform {
        Platform::Windows => crlf(&bytes),
        Platform::Linux => bytes,
    };
    Item {
        path: path.to_owned(),
        bytes,
        executable: false,
    }
}

fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 40);
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' && (i == 0 || bytes[i - 1] != b'\r') {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Adds every file under `dir` as `prefix/...`; files in a VST3 bundle's `Contents/*/` are the
/// plugin binaries and keep the executable bit.
fn add_tree(dir: &Path, prefix: &str, items: &mut Vec<Item>) -> Result<(), String> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = format!("{prefix}/{name}");
        if entry.path().is_dir() {
            add_tree(&entry.path(), &path, items)?;
        } else {
            items.push(Item {
                executable: path.starts_with("SysEx Vault.vst3/Contents/x86_64-"),
                bytes: read(&entry.path())?,
                path,
            });
        }
    }
    Ok(())
}

fn tar_gz(top: &str, items: &[Item]) -> Result<Vec<u8>, String> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    for item in items {
        let mut header = tar::Header::new_gnu();
        header.set_size(item.bytes.len() as u64);
        header.set_mode(if item.executable { 0o755 } else { 0o644 });
        header.set_mtime(315_532_800); // 1980-01-01, as in the zip
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(
            &mut header,
            format!("{top}/{}", item.path),
            item.bytes.as_slice(),
        )
        .map_err(|e| format!("tar {}: {e}", item.path))?;
    }
    let gz = tar.into_inner().map_err(|e| format!("tar: {e}"))?;
    gz.finish().map_err(|e| format!("gzip: {e}"))
}

fn zip(top: &str, items: &[Item]) -> Result<Vec<u8>, String> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for item in items {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(if item.executable { 0o755 } else { 0o644 });
        zip.start_file(format!("{top}/{}", item.path), options)
            .map_err(|e| format!("zip {}: {e}", item.path))?;
        zip.write_all(&item.bytes)
            .map_err(|e| format!("zip {}: {e}", item.path))?;
    }
    let cursor = zip.finish().map_err(|e| format!("zip: {e}"))?;
    Ok(cursor.into_inner())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The files of an archive, by path, with their bytes and whether they are marked executable.
fn contents(path: &Path) -> Result<Vec<(String, Vec<u8>, bool)>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    if path.to_string_lossy().ends_with(".zip") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
            .map_err(|e| format!("{}: {e}", path.display()))?;
        for i in 0..zip.len() {
            let mut file = zip.by_index(i).map_err(|e| format!("zip entry {i}: {e}"))?;
            let executable = file.unix_mode().is_some_and(|m| m & 0o111 != 0);
            let name = file
                .name()
                .map_err(|e| format!("zip entry {i}: {e}"))?
                .into_owned();
            let mut data = Vec::new();
            std::io::copy(&mut file, &mut data).map_err(|e| format!("{name}: {e}"))?;
            out.push((name, data, executable));
        }
    } else {
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice()));
        for entry in tar
            .entries()
            .map_err(|e| format!("{}: {e}", path.display()))?
        {
            let mut entry = entry.map_err(|e| format!("{}: {e}", path.display()))?;
            let name = entry
                .path()
                .map_err(|e| format!("tar path: {e}"))?
                .to_string_lossy()
                .into_owned();
            let executable = entry.header().mode().is_ok_and(|m| m & 0o111 != 0);
            let mut data = Vec::new();
            std::io::copy(&mut entry, &mut data).map_err(|e| format!("{name}: {e}"))?;
            out.push((name, data, executable));
        }
    }
    Ok(out)
}

/// Checks a written archive against what a musician must find in it, independently of how
/// [`write`] builds it: the `.sha256` beside it matches, every file sits in one
/// `sysex-vault-VERSION/` folder, the plugins and programs are there and are executables of the
/// right platform (ELF or PE, 64-bit x86), the VST3 bundle holds both platforms, the text files
/// are there and INSTALL.txt names the plugin folders. Returns a listing.
pub fn check(path: &Path) -> Result<String, String> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let windows = name.ends_with("-windows-x86_64.zip");
    if !windows && !name.ends_with("-linux-x86_64.tar.gz") {
        return Err(format!("{name}: not a release archive name"));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let sum_path = PathBuf::from(format!("{}.sha256", path.display()));
    let sum =
        std::fs::read_to_string(&sum_path).map_err(|e| format!("{}: {e}", sum_path.display()))?;
    let want = format!("{}  {name}\n", hex(&Sha256::digest(&bytes)));
    if sum != want {
        return Err(format!(
            "{}: says {sum:?}, the archive is {want:?}",
            sum_path.display()
        ));
    }
    let version = version()?;
    let top = format!("sysex-vault-{version}/");
    let files = contents(path)?;
    let mut problems = Vec::new();
    for (file, _, _) in &files {
        if !file.starts_with(&top) {
            problems.push(format!("{file} is outside {top}"));
        }
    }
    let find = |p: &str| files.iter().find(|(f, _, _)| *f == format!("{top}{p}"));
    let (pe, elf) = (&b"MZ"[..], &b"\x7fELF\x02\x01"[..]);
    let mut required: Vec<(&str, Option<&[u8]>)> = vec![
        (
            "SysEx Vault.vst3/Contents/x86_64-linux/SysEx Vault.so",
            Some(elf),
        ),
        (
            "SysEx Vault.vst3/Contents/x86_64-win/SysEx Vault.vst3",
            Some(pe),
        ),
        ("README.md", None),
        ("LICENSE.txt", None),
        ("CHANGELOG.md", None),
        ("INSTALL.txt", None),
        ("docs/windows.md", None),
    ];
    if windows {
        required.extend([
            ("SysEx Vault.clap", Some(pe)),
            ("SysEx Vault.exe", Some(pe)),
            ("sysex-vault.exe", Some(pe)),
        ]);
    } else {
        required.extend([
            ("SysEx Vault.clap", Some(elf)),
            ("SysEx Vault", Some(elf)),
            ("sysex-vault", Some(elf)),
        ]);
    }
    for (file, magic) in &required {
        match find(file) {
            None => problems.push(format!("{file} is missing")),
            Some((_, data, executable)) => {
                if let Some(magic) = magic {
                    if !data.starts_with(magic) || (*magic == pe && !is_pe_x86_64(data)) {
                        problems.push(format!(
                            "{file} is not a 64-bit x86 {} binary",
                            if *magic == pe { "Windows" } else { "Linux" }
                        ));
                    }
                    if !windows && !executable {
                        problems.push(format!("{file} is not marked executable"));
                    }
                }
            }
        }
    }
    let install = find("INSTALL.txt")
        .map(|(_, d, _)| String::from_utf8_lossy(d).into_owned())
        .unwrap_or_default();
    let folders: &[&str] = if windows {
        &[
            r"C:\Program Files\Common Files\VST3",
            r"C:\Program Files\Common Files\CLAP",
            "SmartScreen",
        ]
    } else {
        &["~/.vst3", "~/.clap"]
    };
    for f in folders {
        if !install.contains(f) {
            problems.push(format!("INSTALL.txt does not mention {f}"));
        }
    }
    if !problems.is_empty() {
        return Err(format!("{name}:\n  {}", problems.join("\n  ")));
    }
    let listing: Vec<String> = files
        .iter()
        .map(|(f, d, _)| format!("{:>10}  {f}", d.len()))
        .collect();
    Ok(format!(
        "{name}: {} files, all checks passed\n{}",
        files.len(),
        listing.join("\n")
    ))
}

/// Whether a PE image is for x86-64 (machine 0x8664 in the COFF header).
fn is_pe_x86_64(data: &[u8]) -> bool {
    let Some(at) = data.get(0x3C..0x40) else {
        return false;
    };
    let at = u32::from_le_bytes([at[0], at[1], at[2], at[3]]) as usize;
    data.get(at..at + 6)
        .is_some_and(|h| h[..4] == *b"PE\0\0" && h[4..6] == [0x64, 0x86])
}
