//! The standalone app's library file, kept by the library owner: opened (or, when it cannot be
//! read, a recovery file beside it), saved after each change under the file's lock, and merged
//! with what other programs (the command line) wrote to it meanwhile.

use super::{now_unix_ms, Level, LibraryStore};
use crate::library::merge::{self, Fingerprints};
use crate::library::Library;
use crate::state;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

/// The standalone app's library file as this program last read or wrote it.
pub(super) struct FileState {
    /// The file written: the configured one, or its recovery file while that is unreadable.
    path: PathBuf,
    /// The configured file when it could not be read (captures go to `path` instead).
    unreadable: Option<PathBuf>,
    /// The generation last written.
    saved: u64,
    /// Size, modification time and content hash of the file when last read or written.
    stamp: Option<Stamp>,
    /// The entries' fingerprints then (the base of a merge with outside changes).
    base: Fingerprints,
    /// When the file was last looked at for outside changes.
    checked: Instant,
    /// After a failed save: no new try before this, and the error already logged (each
    /// distinct error is logged once).
    failed: Option<(Instant, String)>,
}

/// What tells whether a file changed: size and time first, then a hash of the bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    hash: u64,
}

impl Stamp {
    fn of(bytes: &[u8], meta: &std::fs::Metadata) -> Stamp {
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            hash: crate::sysex::bank::content_hash(&[bytes]),
        }
    }
}

/// How often the app looks at its library file for changes other programs made.
pub const OUTSIDE_CHECK_EVERY: Duration = Duration::from_secs(1);

/// The recovery file used while `path` cannot be read: the newest
/// `library (recovered YYYY-MM-DD HH.MM).sxvl` beside it, or a new one named for now (UTC).
pub fn recovery_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(|| "library".into(), |s| s.to_string_lossy().into_owned());
    let ext = path.extension().map_or_else(
        || crate::library::file::EXTENSION.into(),
        |e| e.to_string_lossy().into_owned(),
    );
    let prefix = format!("{stem} (recovered ");
    let suffix = format!(").{ext}");
    let dir = path.parent().unwrap_or(Path::new("."));
    let newest = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix) && n.ends_with(&suffix))
        .max();
    let name =
        newest.unwrap_or_else(|| format!("{prefix}{}{suffix}", utc_minute(now_unix_ms() / 1000)));
    dir.join(name)
}

/// `YYYY-MM-DD HH.MM` (UTC) for seconds since the Unix epoch (no colon: a file name).
fn utc_minute(secs: u64) -> String {
    crate::library::utc_datetime(secs * 1000).replace(':', ".")
}

impl LibraryStore {
    /// Uses a library file (the standalone app): loads it, and [`LibraryStore::save_file`] writes
    /// changes back. A file that cannot be read (damaged, or from a newer version) is left
    /// untouched: captures go to its recovery file ([`recovery_path`]) instead, and the log and
    /// [`LibraryStore::file_note`] say where.
    pub fn open_file(&self, path: PathBuf) {
        self.echo_log
            .store(true, std::sync::atomic::Ordering::Relaxed);
        let (target, unreadable) = match crate::library::file::load(&path) {
            Ok(_) => (path.clone(), None),
            Err(e) => {
                let recovery = recovery_path(&path);
                let again = if recovery.exists() { "still " } else { "" };
                self.log(
                    Level::Error,
                    format!("{e}. The file is left as it is; it is {again}unreadable, so captures are saved to {}", recovery.display()),
                );
                if !recovery.exists() {
                    // Made now, so the next start finds the same file even before a capture.
                    if let Err(e) = crate::library::file::save(&recovery, &Library::default()) {
                        self.log(Level::Error, format!("Recovery file not written: {e}"));
                    }
                }
                (recovery, Some(path.clone()))
            }
        };
        // Read without the lock: writers replace the file by an atomic rename, so a read sees
        // one whole version, and a writer holding the lock for long never stops the app.
        let opened = (|| {
            let bytes = match std::fs::read(&target) {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
                Err(e) => return Err(format!("{}: {e}", target.display())),
            };
            let lib = if bytes.is_empty() {
                Library::default()
            } else {
                state::decode(&bytes).map_err(|e| format!("{}: {e}", target.display()))?
            };
            let stamp = std::fs::metadata(&target)
                .ok()
                .map(|m| Stamp::of(&bytes, &m));
            Ok((lib, stamp))
        })();
        match opened {
            Ok((lib, stamp)) => {
                let n = lib.entries.len();
                let base = merge::fingerprints(&lib);
                self.write(|l| *l = lib);
                self.new_history();
                let saved = self.generation();
                *self.file.lock().unwrap_or_else(|e| e.into_inner()) = Some(FileState {
                    path: target.clone(),
                    unreadable,
                    saved,
                    stamp,
                    base,
                    checked: Instant::now(),
                    failed: None,
                });
                self.log(
                    Level::Info,
                    format!("Opened {} ({n} entries)", target.display()),
                );
                if target == path {
                    let recovery = recovery_path(&path);
                    if recovery.exists() {
                        self.log(
                            Level::Warning,
                            format!("{} holds captures made while this library was unreadable: import it (Files tab or `sysex-vault merge`)", recovery.display()),
                        );
                    }
                }
            }
            Err(e) => self.log(
                Level::Error,
                format!(
                    "{e}. Nothing will be written to it; choose another library with --library."
                ),
            ),
        }
    }

    /// Where the app's captures go when that is not the configured library file (it was
    /// unreadable), for the status line.
    pub fn file_note(&self) -> Option<String> {
        let file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let f = file.as_ref()?;
        let unreadable = f.unreadable.as_ref()?;
        Some(format!(
            "{} is unreadable: captures are saved to {}",
            unreadable.display(),
            f.path.display()
        ))
    }

    /// Saves the library file if it changed since the last save, and takes in what other
    /// programs changed in it meanwhile: under the file's lock, a file whose bytes changed since
    /// this program last read or wrote it is merged first ([`merge::merge_outside`]), which
    /// starts a fresh undo history. Without changes of its own it still looks for outside
    /// changes, at most every [`OUTSIDE_CHECK_EVERY`]. Never waits for another program: while
    /// one holds the lock, the save is tried again on the next call. A failed save is tried
    /// again after [`OUTSIDE_CHECK_EVERY`], and each distinct error is logged once.
    pub fn save_file(&self) {
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let Some(f) = file.as_mut() else {
            return;
        };
        if f.failed
            .as_ref()
            .is_some_and(|(at, _)| Instant::now() < *at)
        {
            return;
        }
        let changed = self.generation() != f.saved;
        if !changed && f.checked.elapsed() < OUTSIDE_CHECK_EVERY {
            return;
        }
        f.checked = Instant::now();
        if !changed && !changed_outside(f) {
            return;
        }
        match self.sync_file(f) {
            Ok(_) => f.failed = None,
            Err(e) => {
                if f.failed.as_ref().is_none_or(|(_, last)| *last != e) {
                    self.log(Level::Error, format!("Library not saved: {e}"));
                }
                f.failed = Some((Instant::now() + OUTSIDE_CHECK_EVERY, e));
            }
        }
    }

    /// Under the file's lock (when no other program holds it; `Ok(false)` otherwise): merges
    /// what changed in the file, then writes the library if the file lacks some of it. A file
    /// another program made unreadable (a newer version) is left as it is, and the app moves
    /// to its recovery file.
    fn sync_file(&self, f: &mut FileState) -> Result<bool, String> {
        let Some(lock) = crate::library::file::try_lock(&f.path)? else {
            return Ok(false);
        };
        // Under the lock the bytes decide: size and time can stay the same across a change.
        let bytes = match std::fs::read(&f.path) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(format!("{}: {e}", f.path.display())),
        };
        if let Some(bytes) = bytes {
            let meta =
                std::fs::metadata(&f.path).map_err(|e| format!("{}: {e}", f.path.display()))?;
            let stamp = Stamp::of(&bytes, &meta);
            if f.stamp.is_none_or(|s| s.hash != stamp.hash) {
                let disk = match state::decode(&bytes) {
                    Ok(disk) => disk,
                    Err(e) => {
                        drop(lock);
                        self.move_to_recovery(f, &e.to_string());
                        return Ok(false);
                    }
                };
                // The base moves with the stamp, so a later merge never takes what this one
                // took for new (even if the write below fails).
                let disk_base = merge::fingerprints(&disk);
                let merged = self.write(|lib| merge::merge_outside(lib, &f.base, disk));
                f.stamp = Some(stamp);
                f.base = disk_base;
                if !merged.is_empty() {
                    self.new_history();
                    self.log(
                        Level::Info,
                        format!(
                            "{} was changed by another program: {} (undo history cleared)",
                            f.path.display(),
                            merged.describe()
                        ),
                    );
                }
            }
        }
        // The counter is read under the read lock: it names exactly the library written.
        let (now, blob, base) = self.read(|lib| {
            (
                self.generation(),
                state::try_encode(lib),
                merge::fingerprints(lib),
            )
        });
        let blob = blob.map_err(|e| format!("{}: {e}", f.path.display()))?;
        let hash = crate::sysex::bank::content_hash(&[&blob]);
        if f.stamp.is_none_or(|s| s.hash != hash) {
            lock.save_blob(&blob)?;
            f.stamp = std::fs::metadata(&f.path).ok().map(|m| Stamp {
                len: m.len(),
                modified: m.modified().ok(),
                hash,
            });
            f.base = base;
        }
        f.saved = now;
        Ok(true)
    }

    /// Another program left the library file unreadable: it is kept as it is, and what this
    /// app holds is saved to the recovery file beside it from now on.
    fn move_to_recovery(&self, f: &mut FileState, why: &str) {
        let original = f.unreadable.clone().unwrap_or_else(|| f.path.clone());
        let recovery = recovery_path(&original);
        self.log(
            Level::Error,
            format!(
                "{}: changed by another program and now unreadable ({why}). It is left as it is; captures are saved to {}",
                original.display(),
                recovery.display()
            ),
        );
        f.unreadable = Some(original);
        f.path = recovery;
        f.stamp = None;
        // Whatever the recovery file holds is merged in as new; everything here is saved there.
        f.base = Fingerprints::new();
        f.saved = self.generation().wrapping_sub(1);
    }
}

/// Whether the file looks changed since it was last read or written: size and time first, then
/// a hash of its bytes. A rewrite with the same bytes only refreshes the stamp, so it is not read
/// again at every look.
fn changed_outside(f: &mut FileState) -> bool {
    let Ok(meta) = std::fs::metadata(&f.path) else {
        // Gone (or unreachable): the next save writes it again.
        return true;
    };
    if let Some(s) = f.stamp {
        if s.len == meta.len() && s.modified == meta.modified().ok() {
            return false;
        }
    }
    let Ok(bytes) = std::fs::read(&f.path) else {
        return true;
    };
    let stamp = Stamp::of(&bytes, &meta);
    if f.stamp.is_some_and(|s| s.hash == stamp.hash) {
        f.stamp = Some(stamp);
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::{Entry, Source};
    use std::sync::atomic::AtomicBool;
    use std::sync::Arc;

    #[test]
    fn library_file_follows_changes_and_unreadable_files_are_kept() {
        let dir = std::env::temp_dir().join(format!("sxv-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("app.sxvl");
        let store = LibraryStore::default();
        store.open_file(path.clone());
        store.save_file();
        assert!(!path.exists(), "nothing changed, nothing written");
        store.add(Entry::new(
            crate::devices::registry(),
            vec![vec![0xF0, 0x01, 0xF7]],
            Source::Capture,
            0,
        ));
        store.save_file();
        assert_eq!(crate::library::file::load(&path).unwrap().entries.len(), 1);
        // A damaged file is never overwritten.
        std::fs::write(&path, b"damaged").unwrap();
        let other = LibraryStore::default();
        other.open_file(path.clone());
        other.add(Entry::new(
            crate::devices::registry(),
            vec![vec![0xF0, 0x02, 0xF7]],
            Source::Capture,
            0,
        ));
        other.save_file();
        assert_eq!(std::fs::read(&path).unwrap(), b"damaged");
        assert!(other
            .log_lines()
            .iter()
            .any(|l| l.level == Level::Error && l.text.contains("left as it is")));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unreadable_library_file_never_swallows_a_capture() {
        // Before: the app logged the error and recorded into nowhere; the capture was gone
        // when it quit.
        let dir = std::env::temp_dir().join(format!("sxv-store-recover-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("library.sxvl");
        std::fs::write(&path, b"SXVL\x09\x00 written by a newer version").unwrap();
        let capture = |b: u8| {
            Entry::new(
                crate::devices::registry(),
                vec![vec![0xF0, 0x7D, b, 0xF7]],
                Source::Capture,
                0,
            )
        };
        {
            let app = LibraryStore::default();
            app.open_file(path.clone());
            app.add(capture(1));
            app.save_file();
            let note = app
                .file_note()
                .expect("the status line says where captures go");
            assert!(note.contains("(recovered "), "{note}");
        } // The app quits.
        let recovered: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("(recovered "))
            .filter(|p| crate::library::file::is_library_path(p))
            .collect();
        assert_eq!(recovered.len(), 1, "{recovered:?}");
        let on_disk = crate::library::file::load(&recovered[0]).unwrap();
        assert_eq!(on_disk.entries[0].messages, capture(1).messages);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"SXVL\x09\x00 written by a newer version",
            "the unreadable file is untouched"
        );
        // The next start: still unreadable, so the same recovery file is used again.
        let app = LibraryStore::default();
        app.open_file(path.clone());
        assert!(app
            .log_lines()
            .iter()
            .any(|l| l.text.contains("still unreadable")));
        assert_eq!(
            app.read(|l| l.entries.len()),
            1,
            "the first run's capture is shown"
        );
        app.add(capture(2));
        app.save_file();
        assert_eq!(
            crate::library::file::load(&recovered[0])
                .unwrap()
                .entries
                .len(),
            2
        );
        // Once the library can be read again, it is opened, and the recovery file is pointed to.
        drop(app);
        crate::library::file::save(&path, &Library::default()).unwrap();
        let app = LibraryStore::default();
        app.open_file(path.clone());
        assert!(app.file_note().is_none());
        assert!(app.log_lines().iter().any(|l| l
            .text
            .contains("holds captures made while this library was unreadable")));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn utc_minutes_are_civil_dates() {
        assert_eq!(utc_minute(0), "1970-01-01 00.00");
        assert_eq!(utc_minute(1_796_566_980), "2026-12-06 14.23");
        assert_eq!(utc_minute(951_782_400), "2000-02-29 00.00");
    }

    #[test]
    fn the_change_counter_moves_only_once_the_change_is_made() {
        // A save reads the counter under the read lock, so it must never see the count of a
        // change that is not in the library yet (which would mark it saved unwritten).
        let store = LibraryStore::default();
        let count = || store.generation.load(std::sync::atomic::Ordering::Relaxed);
        let before = count();
        store.write(|_| assert_eq!(count(), before, "counted before the change was made"));
        assert_eq!(count(), before + 1);
    }

    #[test]
    fn a_save_racing_edits_never_marks_an_unwritten_edit_as_saved() {
        let dir = std::env::temp_dir().join(format!("sxv-store-race-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("app.sxvl");
        let store = Arc::new(LibraryStore::default());
        store.open_file(path.clone());
        let done = Arc::new(AtomicBool::new(false));
        // More threads than cores, so a writer is often preempted between steps.
        let savers: Vec<_> = (0..3)
            .map(|_| {
                let (store, done) = (store.clone(), done.clone());
                std::thread::spawn(move || {
                    while !done.load(std::sync::atomic::Ordering::Relaxed) {
                        store.save_file();
                    }
                })
            })
            .collect();
        let writers: Vec<_> = (0..3u8)
            .map(|w| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for i in 0..300u32 {
                        let m = vec![0xF0, w, (i % 128) as u8, (i / 128) as u8, 0xF7];
                        store.write(|l| {
                            l.add(Entry::new(
                                crate::devices::registry(),
                                vec![m],
                                Source::Capture,
                                0,
                            ))
                        });
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        for s in savers {
            s.join().unwrap();
        }
        // The app saves once more when it is idle: every edit must be in the file now.
        store.save_file();
        let on_disk = crate::library::file::load(&path).unwrap();
        assert_eq!(
            on_disk.entries.len(),
            900,
            "edits marked saved but never written"
        );
        assert_eq!(on_disk, store.read(Library::clone));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
