//! A library on disk (the command line's and the standalone app's): the same versioned blob as
//! the plugin state ([`crate::state`]), saved atomically (temporary file, fsync, rename) so a
//! crash never leaves a half-written library, and never larger than SysEx Vault reads back.
//! Library files end in [`EXTENSION`].

use super::Library;
use crate::state;
use std::fs;
use std::io::Write;
use std::path::Path;

/// The extension of library files.
pub const EXTENSION: &str = "sxvl";

/// Whether `path` names a library file (by its extension).
pub fn is_library_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case(EXTENSION))
}

/// Reads a library file that must exist.
pub fn load_existing(path: &Path) -> Result<Library, String> {
    if !path.exists() {
        return Err(format!("{}: no such library file", path.display()));
    }
    load(path)
}

/// Reads a library file; a missing file is an empty library.
pub fn load(path: &Path) -> Result<Library, String> {
    match fs::read(path) {
        Ok(bytes) => state::decode(&bytes).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Library::default()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Writes a library file atomically; refuses (writing nothing) a library too large to read back.
pub fn save(path: &Path, library: &Library) -> Result<(), String> {
    let blob = state::try_encode(library).map_err(|e| format!("{}: {e}", path.display()))?;
    write_atomic(path, &blob)
}

/// Writes any file atomically: a temporary file beside it, fsync, rename. A crash leaves the old
/// file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{}: {e}", path.display());
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "library".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)?;
        // Make the rename itself durable where the platform allows opening directories.
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::{Entry, Source};

    #[test]
    fn save_load_round_trip_and_missing_is_empty() {
        let dir = std::env::temp_dir().join(format!("sxv-file-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("lib.sxvl");
        assert_eq!(load(&path).unwrap(), Library::default());
        let mut lib = Library::default();
        lib.add(Entry::new(vec![vec![0xF0, 0x01, 0xF7]], Source::Capture, 0));
        save(&path, &lib).unwrap();
        assert_eq!(load(&path).unwrap(), lib);
        fs::write(&path, b"garbage").unwrap();
        assert!(load(&path)
            .unwrap_err()
            .contains("not a SysEx Vault library"));
        // No temporary files are left behind.
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }
}
