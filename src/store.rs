//! The library owner shared by the capture worker, the state save/load and (later) the editor. It
//! is never touched by the audio thread.
//!
//! Saved as two persisted fields. `library` holds the library as base64 text ([`crate::state`]).
//! If a loaded project's `library` cannot be read (damaged, or written by a newer version), that
//! text is kept verbatim and saved back unchanged until the user explicitly discards it; what is
//! captured meanwhile is saved in `library-pending`, so nothing is lost either way.

use crate::audio::signals::LoadSignals;
use crate::library::{Entry, Library};
use crate::state::{self, StateError};
use crossbeam_channel::Sender;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// Most log lines kept.
pub const LOG_CAPACITY: usize = 1000;
/// Most log lines saved with the project.
pub const SAVED_LOG_LINES: usize = 200;
/// How long a state save waits for the capture worker to file what it has received.
pub const FLUSH_TIMEOUT: Duration = Duration::from_secs(2);

/// A persisted field's text (the framework stores fields as JSON strings).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StateText(pub String);

/// How serious a log line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Level {
    /// Something happened.
    Info,
    /// Something needs attention, nothing was lost.
    Warning,
    /// Something was lost or could not be done.
    Error,
}

/// One line of the log the editor shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// Milliseconds since the Unix epoch.
    pub unix_ms: u64,
    /// Severity.
    pub level: Level,
    /// What happened, for a musician.
    pub text: String,
    /// A line about this session's setup (the project was loaded, ports were opened): shown,
    /// but not saved with the project, since loading it again writes it again. This keeps
    /// save → load → save byte-identical.
    #[serde(skip)]
    pub transient: bool,
}

/// A saved library that could not be read, kept verbatim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// The field's text exactly as it was loaded.
    pub raw: String,
    /// Why it could not be read.
    pub error: StateError,
}

pub use crate::library::Edit;
use library_file::FileState;
pub use library_file::{recovery_path, OUTSIDE_CHECK_EVERY};

mod library_file;
pub mod requests;

pub use requests::WorkerRequest;

/// The library and everything around it.
#[derive(Default)]
pub struct LibraryStore {
    library: RwLock<Library>,
    unreadable: RwLock<Option<Unreadable>>,
    log: Mutex<VecDeque<LogLine>>,
    worker: Mutex<Option<Sender<WorkerRequest>>>,
    /// State loads and a waiting recall, for the audio thread (which reads nothing else here).
    pub signals: Arc<LoadSignals>,
    /// Moves whenever the library is replaced by one an undo history does not know (a state
    /// load, changes merged from the library file): the editor then starts a fresh history.
    history: AtomicU64,
    /// Changes so far (every `write`, counted while the write lock is held), so the library
    /// file is saved only when needed.
    generation: AtomicU64,
    /// The standalone app's library file (`None` inside a host).
    file: Mutex<Option<FileState>>,
    /// Print each log line to stderr too: the standalone app, which may run without a window.
    echo_log: AtomicBool,
    /// Log lines written so far (the log itself is a ring that stops growing).
    log_count: AtomicU64,
    /// A send waiting for the musician's word: the synth did not answer the backup request.
    question: Mutex<Option<requests::OverwriteQuestion>>,
}

pub use crate::library::now_unix_ms;

impl LibraryStore {
    /// Reads the library.
    pub fn read<R>(&self, f: impl FnOnce(&Library) -> R) -> R {
        f(&self.library.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Changes the library. The change counter moves while the write lock is held, so a save
    /// that reads the counter under the read lock always writes the library it counted.
    pub fn write<R>(&self, f: impl FnOnce(&mut Library) -> R) -> R {
        let mut library = self.library.write().unwrap_or_else(|e| e.into_inner());
        let result = f(&mut library);
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        result
    }

    /// Changes made to the library so far.
    pub fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Project states loaded so far.
    pub fn loads(&self) -> u64 {
        self.signals.loads()
    }

    /// Moves each time the library is replaced or changed from outside the editor's history
    /// (a state load, a merge of the library file's outside changes): an undo history made
    /// before refers to another library and must be dropped.
    pub fn history(&self) -> u64 {
        self.history.load(std::sync::atomic::Ordering::Acquire)
    }

    fn new_history(&self) {
        self.history
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    /// Adds an entry, logging what needs attention. Returns its id.
    pub fn add(&self, entry: Entry) -> u64 {
        let mut problems = Vec::new();
        if entry.lost_messages > 0 {
            problems.push(format!("{} message(s) lost", entry.lost_messages));
        }
        if !entry.unterminated.is_empty() {
            problems.push(format!(
                "{} message(s) without F7 kept aside",
                entry.unterminated.len()
            ));
        }
        if entry.invalid_checksums > 0 {
            problems.push(format!("{} bad checksum(s)", entry.invalid_checksums));
        }
        let name = entry.name.clone();
        let (count, bytes) = (entry.messages.len(), entry.byte_len());
        let id = self.write(|lib| lib.add(entry));
        let duplicate = self.read(|lib| lib.get(id).and_then(|e| e.duplicate_of));
        if let Some(original) = duplicate {
            self.log(
                Level::Info,
                format!("\"{name}\" is identical to entry #{original}"),
            );
        }
        if problems.is_empty() {
            self.log(
                Level::Info,
                format!("Captured \"{name}\": {count} message(s), {bytes} bytes"),
            );
        } else {
            self.log(
                Level::Error,
                format!("Captured \"{name}\" with problems: {}", problems.join(", ")),
            );
        }
        id
    }

    /// Applies an edit; returns the edits that undo it (empty when nothing changed).
    pub fn edit(&self, edit: Edit) -> Vec<Edit> {
        self.write(|lib| lib.apply(crate::devices::registry(), edit))
    }

    /// Appends a log line (the standalone app also prints it, since it may run without a window).
    pub fn log(&self, level: Level, text: String) {
        self.push_log(level, text, false);
    }

    /// Appends a line about this session's setup (a load, a port opened), which is shown but not
    /// saved with the project: loading the project again writes it again.
    pub fn note(&self, level: Level, text: String) {
        self.push_log(level, text, true);
    }

    /// Asks the musician whether to overwrite without a backup (replacing an older question),
    /// or withdraws the question (`None`).
    pub fn ask(&self, question: Option<requests::OverwriteQuestion>) {
        *self.question.lock().unwrap_or_else(|e| e.into_inner()) = question;
        // The editor repaints on log changes; a question always comes with a log line too.
    }

    /// The question waiting for the musician, if any.
    pub fn question(&self) -> Option<requests::OverwriteQuestion> {
        self.question
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Log lines written so far; moves with every new line even when the ring is full.
    pub fn log_count(&self) -> u64 {
        self.log_count.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn push_log(&self, level: Level, text: String, transient: bool) {
        if self.echo_log.load(std::sync::atomic::Ordering::Relaxed) {
            eprintln!("SysEx Vault: {level:?}: {text}");
        }
        let mut log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        if log.len() >= LOG_CAPACITY {
            log.pop_front();
        }
        log.push_back(LogLine {
            unix_ms: now_unix_ms(),
            level,
            text,
            transient,
        });
        self.log_count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// A copy of the log.
    pub fn log_lines(&self) -> Vec<LogLine> {
        let log = self.log.lock().unwrap_or_else(|e| e.into_inner());
        log.iter().cloned().collect()
    }

    /// The saved library that could not be read, if any.
    pub fn unreadable(&self) -> Option<Unreadable> {
        self.unreadable
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The user chose to give up the unreadable library: the next save writes the current one.
    pub fn discard_unreadable(&self) {
        *self.unreadable.write().unwrap_or_else(|e| e.into_inner()) = None;
        self.log(
            Level::Warning,
            "Unreadable saved library discarded by the user".into(),
        );
    }

    /// Connects the capture worker, so saves can wait for it.
    pub fn connect_worker(&self, tx: Option<Sender<WorkerRequest>>) {
        *self.worker.lock().unwrap_or_else(|e| e.into_inner()) = tx;
    }

    /// Sends a request to the worker; false (and logged) when no worker runs (plugin inactive).
    pub fn request(&self, request: WorkerRequest) -> bool {
        let tx = self
            .worker
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let sent = tx.is_some_and(|tx| tx.send(request).is_ok());
        if !sent {
            self.log(
                Level::Warning,
                "The plugin is not active: activate it in the host to send".into(),
            );
        }
        sent
    }

    /// Asks the capture worker to file everything it has received; waits up to
    /// [`FLUSH_TIMEOUT`]. Returns copies of the takes still in progress, and the library's
    /// change count when they were copied (`None` when no worker answered).
    pub fn flush_capture(&self) -> (Vec<crate::library::Take>, Option<u64>) {
        let tx = self
            .worker
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let Some(tx) = tx else {
            return (Vec::new(), None);
        };
        let (ack_tx, ack_rx) = crossbeam_channel::bounded(1);
        if tx.send(WorkerRequest::Flush(ack_tx)).is_err() {
            return (Vec::new(), None);
        }
        match ack_rx.recv_timeout(FLUSH_TIMEOUT) {
            Ok((open, counted)) => (open, Some(counted)),
            Err(_) => {
                self.log(
                    Level::Warning,
                    "Capture worker did not answer before saving".into(),
                );
                (Vec::new(), None)
            }
        }
    }

    /// The library as a save made now must hold it: every filed entry, plus each take still in
    /// progress as an entry of its own (the take goes on recording; the next save has it whole).
    /// If the worker files something between answering and the read, it asks again, so a take
    /// is not saved twice (filed and as in progress).
    fn library_to_save(&self) -> String {
        let mut open = Vec::new();
        for _ in 0..3 {
            let answered;
            (open, answered) = self.flush_capture();
            if open.is_empty() {
                return self.read(state::encode_text);
            }
            // Unchanged since the worker copied the open takes: none of them was filed since.
            let text = self.read(|lib| {
                (Some(self.generation()) == answered).then(|| with_open_takes(lib, open.clone()))
            });
            if let Some(text) = text {
                return text;
            }
        }
        // Still racing after three tries: keep everything, a duplicate rather than a loss.
        self.read(|lib| with_open_takes(lib, open))
    }

    /// The text saved in the `library` field.
    pub fn save_text(&self) -> StateText {
        match self.unreadable() {
            Some(u) => StateText(u.raw),
            None => StateText(self.library_to_save()),
        }
    }

    /// The text saved in the `library-pending` field (empty unless an unreadable library is held).
    pub fn save_pending_text(&self) -> StateText {
        match self.unreadable() {
            Some(_) => StateText(self.library_to_save()),
            None => StateText::default(),
        }
    }

    /// Loads the `library` field. Only the first load of an instance (the project opening)
    /// arms the recall: a later one (a host undo, a preset load, a project revert) sends nothing.
    /// Every load starts a fresh undo history ([`LibraryStore::history`]).
    pub fn load_text(&self, text: &StateText) {
        let first = self.signals.count_load();
        match state::decode_text(&text.0) {
            Ok(lib) => {
                let n = lib.entries.len();
                let recall = lib.recall_entry().map(|e| e.name.clone());
                self.write(|l| *l = lib);
                self.new_history();
                *self.unreadable.write().unwrap_or_else(|e| e.into_inner()) = None;
                self.note(Level::Info, format!("Loaded {n} entries from the project"));
                match recall {
                    Some(_) if first => self
                        .signals
                        .recall_pending
                        .store(true, std::sync::atomic::Ordering::Release),
                    Some(name) => self.note(
                        Level::Info,
                        format!("State loaded again: \"{name}\" was not sent to the synth (press Send to send it)"),
                    ),
                    None => {}
                }
            }
            Err(error) => {
                self.note(
                    Level::Error,
                    format!("{error}. It is kept unchanged and saved back as it was; export it raw or discard it."),
                );
                self.write(|l| *l = Library::default());
                self.new_history();
                *self.unreadable.write().unwrap_or_else(|e| e.into_inner()) = Some(Unreadable {
                    raw: text.0.clone(),
                    error,
                });
            }
        }
    }

    /// Loads the `library-pending` field: entries captured while an unreadable library was held.
    pub fn load_pending_text(&self, text: &StateText) {
        if text.0.is_empty() {
            return;
        }
        match state::decode_text(&text.0) {
            Ok(pending) => self.write(|l| {
                for e in pending.entries {
                    l.add(e);
                }
            }),
            Err(e) => self.note(
                Level::Error,
                format!("Pending captures could not be read: {e}"),
            ),
        }
    }
}

/// `lib` with each take in `open` added as an entry named "… (recording when saved)", encoded.
fn with_open_takes(lib: &Library, open: Vec<crate::library::Take>) -> String {
    let mut library = lib.clone();
    for take in open {
        let mut entry = entry_from_take(take);
        entry.name = format!("{} (recording when saved)", entry.name);
        library.add(entry);
    }
    state::encode_text(&library)
}

/// A finished take as a library entry, recognised with the process's definitions, made now.
pub fn entry_from_take(take: crate::library::Take) -> Entry {
    take.into_entry(crate::devices::registry(), now_unix_ms())
}

/// The `log` persisted field: the last [`SAVED_LOG_LINES`] lines, so problems are still visible
/// after the project is reopened.
pub struct LogField(pub Arc<LibraryStore>);

impl<'a> nice_plug::params::persist::PersistentField<'a, Vec<LogLine>> for LogField {
    fn set(&self, new_value: Vec<LogLine>) {
        let mut log = self.0.log.lock().unwrap_or_else(|e| e.into_inner());
        let current = std::mem::take(&mut *log);
        *log = new_value.into();
        log.extend(current);
        let excess = log.len().saturating_sub(LOG_CAPACITY);
        log.drain(..excess);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&Vec<LogLine>) -> R,
    {
        let lines: Vec<LogLine> = self
            .0
            .log_lines()
            .into_iter()
            .filter(|l| !l.transient)
            .collect();
        let tail = lines[lines.len().saturating_sub(SAVED_LOG_LINES)..].to_vec();
        f(&tail)
    }
}

/// The `library` persisted field.
pub struct LibraryField(pub Arc<LibraryStore>);

/// The `library-pending` persisted field.
pub struct PendingField(pub Arc<LibraryStore>);

impl<'a> nice_plug::params::persist::PersistentField<'a, StateText> for LibraryField {
    fn set(&self, new_value: StateText) {
        self.0.load_text(&new_value);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&StateText) -> R,
    {
        f(&self.0.save_text())
    }
}

impl<'a> nice_plug::params::persist::PersistentField<'a, StateText> for PendingField {
    fn set(&self, new_value: StateText) {
        self.0.load_pending_text(&new_value);
    }

    fn map<F, R>(&self, f: F) -> R
    where
        F: Fn(&StateText) -> R,
    {
        f(&self.0.save_pending_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Source;

    #[test]
    fn a_panic_while_holding_the_library_does_not_stop_capture() {
        let store = Arc::new(LibraryStore::default());
        let s = store.clone();
        // A thread that fails while holding the library lock poisons it.
        let _ = std::thread::spawn(move || s.write(|_| panic!("simulated failure"))).join();
        let id = store.add(Entry::new(
            crate::devices::registry(),
            vec![vec![0xF0, 0x01, 0xF7]],
            Source::Capture,
            0,
        ));
        assert_eq!(store.read(|l| l.get(id).map(|e| e.messages.len())), Some(1));
        assert!(!store.save_text().0.is_empty());
        store.log(Level::Info, "still logging".into());
    }

    #[test]
    fn edits_go_through_the_library_and_come_back_as_their_undo() {
        let store = LibraryStore::default();
        let undo = store.edit(Edit::Add(vec![Entry::new(
            crate::devices::registry(),
            vec![vec![0xF0, 0x01, 0xF7]],
            Source::Capture,
            0,
        )]));
        assert_eq!(store.read(|l| l.entries.len()), 1);
        for u in undo {
            store.edit(u);
        }
        assert_eq!(store.read(|l| l.entries.len()), 0);
    }

    #[test]
    fn unreadable_library_is_kept_and_new_captures_go_to_pending() {
        let store = LibraryStore::default();
        let raw = StateText("not a library".into());
        store.load_text(&raw);
        assert!(store.unreadable().is_some());
        store.add(Entry::new(
            crate::devices::registry(),
            vec![vec![0xF0, 0x01, 0xF7]],
            Source::Capture,
            0,
        ));
        assert_eq!(store.save_text(), raw);
        let pending = store.save_pending_text();
        let other = LibraryStore::default();
        other.load_text(&raw);
        other.load_pending_text(&pending);
        assert_eq!(other.read(|l| l.entries.len()), 1);
        assert_eq!(other.save_text(), raw);
        other.discard_unreadable();
        assert_ne!(other.save_text(), raw);
        assert!(other.log_lines().iter().any(|l| l.level == Level::Error));
    }
}
