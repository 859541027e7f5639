//! The library: what a musician keeps. Entries (a preset, a bank, any dump), the collection and
//! its operations, and the take recorder that turns captured bytes into entries. Pure: no plugin
//! framework, no threads.

pub mod collection;
pub mod diff;
pub mod edit;
pub mod entry;
pub mod file;
pub mod merge;
pub mod patches;
pub mod search;
pub mod take;

pub use collection::Library;
pub use edit::Edit;
pub use entry::{Entry, EntryId, ProgramChange, ProgramMap, Source, StoredAt};
pub use take::{Take, TakeRecorder};

/// Milliseconds since the Unix epoch (0 if the clock is before it): entry and log times.
pub fn now_unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
