//! Library format 3: entries with tags and a program location, without favourites and notes.
//! Read only, to open projects and library files of that format; [`From`] turns it into
//! format 4.

use super::v4;
use crate::devices::MessageKind;
use crate::library::entry::{EntryId, Source, StoredAt};
use serde::Deserialize;

/// A format 3 entry, field for field.
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
    pub(super) stored_at: Option<StoredAt>,
}

/// A format 3 library.
#[derive(Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
pub(super) struct Library {
    pub(super) entries: Vec<Entry>,
    pub(super) next_id: EntryId,
}

impl From<Library> for v4::Library {
    fn from(old: Library) -> v4::Library {
        v4::Library {
            entries: old.entries.into_iter().map(v4::Entry::from).collect(),
            next_id: old.next_id,
        }
    }
}

/// Format 4 added favourites and notes: a format 3 entry is no favourite and has no note.
impl From<Entry> for v4::Entry {
    fn from(e: Entry) -> v4::Entry {
        v4::Entry {
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
            stored_at: e.stored_at,
            favourite: false,
            note: String::new(),
        }
    }
}
