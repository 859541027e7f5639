//! A library on disk (the command line's and the standalone app's): the same versioned blob as
//! the plugin state ([`crate::state`]), saved atomically (temporary file, fsync, rename) so a
//! crash never leaves a half-written library, and never larger than SysEx Vault reads back.
//! Library files end in [`EXTENSION`].

use super::Library;
use crate::state;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

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

/// Writes a library file atomically under its lock ([`lock`]), keeping the previous version as
/// a backup; refuses (writing nothing) a library too large to read back. For a
/// read-modify-write, hold the [`LibraryLock`] from the read to the write instead.
pub fn save(path: &Path, library: &Library) -> Result<(), String> {
    lock(path)?.save(library)
}

/// Backups kept beside a library file: `library.sxvl.1` (the newest) to `library.sxvl.5`.
pub const BACKUPS: usize = 5;
/// Backups rotate at most this often, so a burst of saves keeps older versions.
pub const BACKUP_EVERY: Duration = Duration::from_secs(60);
/// How long a writer waits for another program to finish with the same library file.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);

/// The lock file beside a library: `library.sxvl.lock`. The library itself is replaced by a
/// rename on every save, so a lock on it would guard a stale file.
pub fn lock_path(path: &Path) -> PathBuf {
    beside(path, "lock")
}

/// Backup `n` (1 = the newest) of a library file: `library.sxvl.1`.
pub fn backup_path(path: &Path, n: usize) -> PathBuf {
    beside(path, &n.to_string())
}

fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(suffix);
    path.with_file_name(name)
}

/// A library file held for reading and writing by this process: an advisory lock on its lock
/// file, which every SysEx Vault writer (the app, the command line, the editor's exports) takes
/// for each read-modify-write. Released when dropped.
pub struct LibraryLock {
    path: PathBuf,
    _file: fs::File,
}

/// Takes the lock of the library at `path`, waiting up to [`LOCK_WAIT`] for another program
/// that holds it.
pub fn lock(path: &Path) -> Result<LibraryLock, String> {
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        match try_lock(path)? {
            Some(lock) => return Ok(lock),
            None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            None => {
                return Err(format!(
                    "{}: another program (the SysEx Vault app or command line) is changing this library; nothing was written, try again",
                    path.display()
                ))
            }
        }
    }
}

/// Takes the lock of the library at `path` if no other program holds it (`None` when one
/// does): for a thread that must not wait, such as the app's background thread.
pub fn try_lock(path: &Path) -> Result<Option<LibraryLock>, String> {
    let lock = lock_path(path);
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&lock)
        .map_err(|e| format!("{}: {e}", lock.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(LibraryLock {
            path: path.to_owned(),
            _file: file,
        })),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(e)) => Err(format!("{}: {e}", lock.display())),
    }
}

impl LibraryLock {
    /// The library file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the library; a missing file is an empty library.
    pub fn load(&self) -> Result<Library, String> {
        load(&self.path)
    }

    /// Writes the library atomically, first rotating the backups ([`BACKUPS`], at most once
    /// every [`BACKUP_EVERY`]); refuses a library too large to read back.
    pub fn save(&self, library: &Library) -> Result<(), String> {
        let blob =
            state::try_encode(library).map_err(|e| format!("{}: {e}", self.path.display()))?;
        self.save_blob(&blob)
    }

    /// Writes an encoded library ([`state::try_encode`]) as [`LibraryLock::save`] does.
    pub fn save_blob(&self, blob: &[u8]) -> Result<(), String> {
        rotate_backups(&self.path).map_err(|e| format!("{}: backup: {e}", self.path.display()))?;
        write_atomic(&self.path, blob)
    }
}

/// Keeps the file about to be replaced as backup 1, shifting older ones up to [`BACKUPS`];
/// skipped when backup 1 is younger than [`BACKUP_EVERY`].
fn rotate_backups(path: &Path) -> std::io::Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let newest = backup_path(path, 1);
    let recent = fs::metadata(&newest)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age < BACKUP_EVERY);
    if recent {
        return Ok(());
    }
    for n in (1..BACKUPS).rev() {
        let from = backup_path(path, n);
        if from.exists() {
            rename_replacing(&from, &backup_path(path, n + 1))?;
        }
    }
    fs::copy(path, &newest)?;
    // Copies keep the original's time on some platforms: the backup's time is when it was made.
    fs::OpenOptions::new()
        .write(true)
        .open(&newest)?
        .set_modified(SystemTime::now())
}

/// Writes an exported file atomically. A library file ([`is_library_path`]) that already exists
/// (replaced at the user's word) is written under its lock, keeping the version it replaces as
/// a backup; a new one is written as it is, leaving no lock file beside it.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if is_library_path(path) && path.exists() {
        lock(path)?.save_blob(bytes)
    } else {
        write_atomic(path, bytes)
    }
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
        rename_replacing(&tmp, path)?;
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

/// How long a save retries replacing a file that another program has open (Windows).
const RENAME_WAIT: Duration = Duration::from_secs(2);

/// Renames `from` over `to`. Windows refuses ("access denied") to replace a file that any other
/// handle has open, even for a moment (another SysEx Vault's `exists` check before it takes the
/// lock, a virus scanner, the search indexer), where the file system does not rename with POSIX
/// semantics (Wine, FAT, network shares): there the rename is retried for up to [`RENAME_WAIT`].
fn rename_replacing(from: &Path, to: &Path) -> std::io::Result<()> {
    let deadline = Instant::now() + RENAME_WAIT;
    loop {
        match fs::rename(from, to) {
            Err(e)
                if cfg!(windows)
                    && e.kind() == std::io::ErrorKind::PermissionDenied
                    && Instant::now() < deadline =>
            {
                std::thread::sleep(Duration::from_millis(10));
            }
            result => return result,
        }
    }
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
        lib.add(Entry::new(
            crate::devices::test_registry(),
            vec![vec![0xF0, 0x01, 0xF7]],
            Source::Capture,
            0,
        ));
        save(&path, &lib).unwrap();
        assert_eq!(load(&path).unwrap(), lib);
        fs::write(&path, b"garbage").unwrap();
        assert!(load(&path)
            .unwrap_err()
            .contains("not a SysEx Vault library"));
        // No temporary files are left behind: the library and its lock file.
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 2);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn saves_keep_five_backups_rotated_at_most_once_a_minute() {
        let dir = std::env::temp_dir().join(format!("sxv-backups-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("lib.sxvl");
        let version = |n: u8| {
            let mut lib = Library::default();
            lib.add(Entry::new(
                crate::devices::test_registry(),
                vec![vec![0xF0, n, 0xF7]],
                Source::Capture,
                0,
            ));
            lib
        };
        save(&path, &version(1)).unwrap();
        assert!(!backup_path(&path, 1).exists(), "nothing to back up yet");
        save(&path, &version(2)).unwrap();
        assert_eq!(load(&backup_path(&path, 1)).unwrap(), version(1));
        // Within the minute: no rotation, the backup keeps the older version.
        save(&path, &version(3)).unwrap();
        assert_eq!(load(&backup_path(&path, 1)).unwrap(), version(1));
        // Once the backup is older than a minute, saves rotate.
        let age = |p: &Path| {
            let old = SystemTime::now() - BACKUP_EVERY - Duration::from_secs(1);
            fs::OpenOptions::new()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(old)
                .unwrap();
        };
        for n in 4..=10u8 {
            age(&backup_path(&path, 1));
            save(&path, &version(n)).unwrap();
        }
        assert_eq!(load(&path).unwrap(), version(10));
        for k in 1..=BACKUPS {
            assert_eq!(
                load(&backup_path(&path, k)).unwrap(),
                version(10 - k as u8),
                "backup {k}"
            );
        }
        assert!(!backup_path(&path, BACKUPS + 1).exists());
        fs::remove_dir_all(&dir).unwrap();
    }

    /// Windows refuses to replace a file another handle has open unless the file system renames
    /// with POSIX semantics (Wine, FAT and network shares do not): another process's `exists`
    /// check or a virus scanner's read must not fail a save.
    #[test]
    fn a_save_waits_out_a_reader_holding_the_library_open() {
        let dir = std::env::temp_dir().join(format!("sxv-open-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("lib.sxvl");
        write_atomic(&path, b"old").unwrap();
        let reader = fs::File::open(&path).unwrap();
        let closer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            drop(reader);
        });
        write_atomic(&path, b"new").unwrap();
        closer.join().unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_held_lock_makes_another_writer_wait() {
        let dir = std::env::temp_dir().join(format!("sxv-lock-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("lib.sxvl");
        let held = lock(&path).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let p = path.clone();
        let waiter = std::thread::spawn(move || {
            let l = lock(&p).unwrap();
            tx.send(()).unwrap();
            drop(l);
        });
        assert!(
            rx.recv_timeout(Duration::from_millis(200)).is_err(),
            "a second writer got the lock while it was held"
        );
        drop(held);
        rx.recv_timeout(Duration::from_secs(5)).unwrap();
        waiter.join().unwrap();
        fs::remove_dir_all(&dir).unwrap();
    }
}
