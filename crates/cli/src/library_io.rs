//! Libraries and files on disk, as every command reads and writes them: a path that is not a
//! `.sxvl` file is never taken for a library, a library to change is locked from read to write,
//! and nothing existing is replaced without `--force`.

use super::failure::{input, output, usage, Failure};
use crate::library::{file, EntryId, Library};
use std::fmt::Write as _;
use std::path::Path;

/// Refuses a path that is not a `.sxvl` file (a mistyped `something.syx` is never taken for a
/// library).
pub(super) fn library_path(path: &Path) -> Result<(), Failure> {
    if file::is_library_path(path) {
        return Ok(());
    }
    Err(usage(format!(
        "{}: not a library file (library files end in .{}); to add a SysEx file to a library: \
sysex-vault import LIBRARY.sxvl {}",
        path.display(),
        file::EXTENSION,
        path.display()
    )))
}

/// A library that must exist.
pub(super) fn load(path: &Path) -> Result<Library, Failure> {
    library_path(path)?;
    file::load_existing(path).map_err(input)
}

/// A library to add to: it must exist unless `create`.
pub(super) fn load_or_create(path: &Path, create: bool) -> Result<Library, Failure> {
    library_path(path)?;
    if !path.exists() && !create {
        return Err(input(format!(
            "{}: no such library file (add --create to make a new one, or check the name)",
            path.display()
        )));
    }
    file::load(path).map_err(input)
}

/// A library to change: its lock is taken before it is read and held until it is written
/// ([`save`]), so another writer (the app, another command) never loses this change or has
/// its own lost.
/// `create`: `None` for a command without `--create` (the library must exist).
pub(super) fn load_for_change(
    path: &Path,
    create: Option<bool>,
) -> Result<(file::LibraryLock, Library), Failure> {
    // A missing library is refused before the lock file is made: a mistyped name leaves
    // nothing behind.
    if !path.exists() {
        match create {
            Some(create) => load_or_create(path, create)?,
            None => load(path)?,
        };
    }
    library_path(path)?;
    let lock = file::lock(path).map_err(output)?;
    let lib = match create {
        Some(create) => load_or_create(path, create)?,
        None => load(path)?,
    };
    Ok((lock, lib))
}

/// Writes a library read with [`load_for_change`], under its lock.
pub(super) fn save(lock: &file::LibraryLock, lib: &Library) -> Result<(), Failure> {
    lock.save(lib).map_err(output)
}

/// Refuses to replace `path` unless `force`.
pub(super) fn may_write(path: &Path, force: bool) -> Result<(), Failure> {
    if path.exists() && !force {
        return Err(output(format!(
            "{}: exists; add --force to replace it",
            path.display()
        )));
    }
    Ok(())
}

/// Entry ids for 1-based entry numbers.
pub(super) fn ids_of(lib: &Library, numbers: &[usize]) -> Result<Vec<EntryId>, Failure> {
    numbers
        .iter()
        .map(|&n| {
            n.checked_sub(1)
                .and_then(|i| lib.entries.get(i))
                .map(|e| e.id)
                .ok_or_else(|| {
                    input(format!(
                        "no entry {n}: the library has {}",
                        lib.entries.len()
                    ))
                })
        })
        .collect()
}

/// The ids of the chosen entries (1-based numbers), or of every entry when none is chosen.
pub(super) fn chosen_ids(lib: &Library, picks: &[usize]) -> Result<Vec<EntryId>, Failure> {
    if picks.is_empty() {
        Ok(lib.entries.iter().map(|e| e.id).collect())
    } else {
        ids_of(lib, picks)
    }
}

/// Like [`edit`], for a change that can fail (the library is then not written).
pub(super) fn edit_checked(
    path: &Path,
    numbers: &[usize],
    change: impl FnOnce(&mut Library, &[EntryId]) -> Result<String, Failure>,
) -> Result<String, Failure> {
    let (lock, mut lib) = load_for_change(path, None)?;
    let ids = ids_of(&lib, numbers)?;
    let text = change(&mut lib, &ids)?;
    save(&lock, &lib)?;
    Ok(text)
}

/// Loads, applies `change` to the entries named by `numbers` (1-based), saves atomically.
pub(super) fn edit(
    path: &Path,
    numbers: &[usize],
    change: impl FnOnce(&mut Library, &[EntryId]) -> String,
) -> Result<String, Failure> {
    let (lock, mut lib) = load_for_change(path, None)?;
    let ids = ids_of(&lib, numbers)?;
    let text = change(&mut lib, &ids);
    save(&lock, &lib)?;
    Ok(text)
}

/// A file's name (for messages and entry names) and its bytes.
pub(super) fn read_file(path: &Path) -> Result<(String, Vec<u8>), Failure> {
    let bytes = std::fs::read(path).map_err(|e| input(format!("{}: {e}", path.display())))?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok((name, bytes))
}

/// Saves the library and ends `out` with its new size.
pub(super) fn save_and_count(
    lock: &file::LibraryLock,
    lib: &Library,
    mut out: String,
) -> Result<String, Failure> {
    let lib_path = lock.path();
    save(lock, lib)?;
    let _ = write!(
        out,
        "{} now holds {} entries",
        lib_path.display(),
        lib.entries.len()
    );
    Ok(out)
}
