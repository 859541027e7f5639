//! Library format 1, the first: entries without tags. Read only, to open old projects and
//! library files; [`From`] turns it into format 2.

use super::v2;
use crate::devices::MessageKind;
use crate::library::entry::{EntryId, Source};
use serde::Deserialize;

/// A format 1 entry, field for field.
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
}

/// A format 1 library.
#[derive(Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
pub(super) struct Library {
    pub(super) entries: Vec<Entry>,
    pub(super) next_id: EntryId,
}

impl From<Library> for v2::Library {
    fn from(old: Library) -> v2::Library {
        v2::Library {
            entries: old.entries.into_iter().map(v2::Entry::from).collect(),
            next_id: old.next_id,
        }
    }
}

/// Format 2 added the user's tags: a format 1 entry has none.
impl From<Entry> for v2::Entry {
    fn from(e: Entry) -> v2::Entry {
        v2::Entry {
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
            tags: Vec::new(),
        }
    }
}
