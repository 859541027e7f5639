//! Library format 2: entries with tags, without a program location. Read only, to open
//! projects and library files of that format; [`From`] turns it into format 3.

use super::v3;
use crate::devices::MessageKind;
use crate::library::entry::{EntryId, Source};
use serde::Deserialize;

/// A format 2 entry, field for field.
#[derive(Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
pub(super) struct Entry {
    pub(super) id: EntryId,
    pub(super) name: String,
    pub(super) messages: Vec<Vec<u8>>,
    pub(super) unterminated: Vec<Vec<u8>>,
    pub(super) lost_messages: u64,
    pub(super) created_unix_ms: u64,
    pub(super) source: Source,
    pub(super) device: String,
    pub(super) profile: String,
    pub(super) kind: MessageKind,
    pub(super) invalid_checksums: u32,
    pub(super) hash: u64,
    pub(super) duplicate_of: Option<EntryId>,
    pub(super) recall_on_load: bool,
    pub(super) program_change: Option<u8>,
    pub(super) tags: Vec<String>,
}

/// A format 2 library.
#[derive(Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
pub(super) struct Library {
    pub(super) entries: Vec<Entry>,
    pub(super) next_id: EntryId,
}

impl From<Library> for v3::Library {
    fn from(old: Library) -> v3::Library {
        v3::Library {
            entries: old.entries.into_iter().map(v3::Entry::from).collect(),
            next_id: old.next_id,
        }
    }
}

/// Format 3 added where the synth keeps an entry: a format 2 entry is stored nowhere.
impl From<Entry> for v3::Entry {
    fn from(e: Entry) -> v3::Entry {
        v3::Entry {
            id: e.id,
            name: e.name,
            messages: e.messages,
            unterminated: e.unterminated,
            lost_messages: e.lost_messages,
            created_unix_ms: e.created_unix_ms,
            source: e.source,
            device: e.device,
            profile: e.profile,
            kind: e.kind,
            invalid_checksums: e.invalid_checksums,
            hash: e.hash,
            duplicate_of: e.duplicate_of,
            recall_on_load: e.recall_on_load,
            program_change: e.program_change,
            tags: e.tags,
            stored_at: None,
        }
    }
}
