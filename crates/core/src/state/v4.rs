//! Library format 4: favourites and notes, program-change mappings without channel or bank.
//! Read only, to open projects and library files of that format; [`From`] turns it into
//! format 5, today's [`Library`](crate::library::Library).

use crate::devices::MessageKind;
use crate::library::entry::{EntryId, ProgramMap, Source, StoredAt};
use serde::Deserialize;

/// A format 4 entry, field for field.
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
    pub(super) favourite: bool,
    pub(super) note: String,
}

/// A format 4 library.
#[derive(Deserialize)]
#[cfg_attr(test, derive(serde::Serialize))]
pub(super) struct Library {
    pub(super) entries: Vec<Entry>,
    pub(super) next_id: EntryId,
}

impl From<Library> for crate::library::Library {
    fn from(old: Library) -> crate::library::Library {
        crate::library::Library {
            entries: old
                .entries
                .into_iter()
                .map(crate::library::Entry::from)
                .collect(),
            next_id: old.next_id,
        }
    }
}

/// Format 5 gave program-change mappings a channel, a bank select and an interrupt choice: a
/// format 4 mapping answers its program on any channel, after any bank, waiting for sends.
impl From<Entry> for crate::library::Entry {
    fn from(e: Entry) -> crate::library::Entry {
        crate::library::Entry {
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
            program_change: e.program_change.map(ProgramMap::any),
            tags: e.tags,
            stored_at: e.stored_at,
            favourite: e.favourite,
            note: e.note,
        }
    }
}
