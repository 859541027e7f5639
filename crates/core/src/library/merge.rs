//! Merging changes another program made to a library file (the command line importing while the
//! app runs) into the library this program holds: a three-way merge against the fingerprints of
//! the file as this program last read or wrote it. Pure: no files, no threads.

use super::{Entry, EntryId, Library};
use std::collections::HashMap;

/// Fingerprints of every entry (id → hash of all its fields) of a library as last read or written.
pub type Fingerprints = HashMap<EntryId, u64>;

/// A hash of every field of an entry (name, messages, tags, notes, recall, mappings…). The
/// messages count through their stored content hash, so a 100 MiB library is fingerprinted
/// without reading its SysEx again. A new field of [`Entry`] must be added here.
pub fn fingerprint(e: &Entry) -> u64 {
    use crate::sysex::bank::content_hash;
    let fields = (
        (e.id, &e.name, e.hash, e.messages.len()),
        content_hash(&e.unterminated),
        (e.lost_messages, e.created_unix_ms, &e.source, &e.device),
        (&e.profile, &e.kind, e.invalid_checksums, e.duplicate_of),
        (e.recall_on_load, &e.program_change, &e.tags, &e.stored_at),
        (e.favourite, &e.note),
    );
    content_hash(&[postcard::to_stdvec(&fields).unwrap_or_default()])
}

/// The fingerprints of every entry of `library`.
pub fn fingerprints(library: &Library) -> Fingerprints {
    library
        .entries
        .iter()
        .map(|e| (e.id, fingerprint(e)))
        .collect()
}

/// What a merge took from the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// Entries the other program added.
    pub added: usize,
    /// Entries the other program changed that this one had not: taken as they are in the file.
    pub changed: usize,
    /// Entries the other program removed that this one had not changed: removed here too.
    pub removed: usize,
    /// Entries both changed (or this one removed and the other changed): the file's version is
    /// added as an entry of its own, so neither change is lost.
    pub kept_both: usize,
}

impl Merged {
    /// Whether anything was taken from the file.
    pub fn is_empty(&self) -> bool {
        *self == Merged::default()
    }

    /// In words, for the log.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        for (n, what) in [
            (self.added, "added"),
            (self.changed, "changed"),
            (self.removed, "removed"),
            (self.kept_both, "changed here and there (both kept)"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        parts.join(", ")
    }
}

/// Merges into `mine` what changed in `disk` since `base` (the fingerprints of the file when
/// this program last read or wrote it). Nothing either side did is lost: an entry both changed is
/// kept twice. Ids of entries added on disk are kept unless this program gave the same id to an
/// entry of its own; ids never go backwards.
pub fn merge_outside(mine: &mut Library, base: &Fingerprints, disk: Library) -> Merged {
    let mut merged = Merged::default();
    let ours: Fingerprints = fingerprints(mine);
    let on_disk: std::collections::HashSet<EntryId> = disk.entries.iter().map(|e| e.id).collect();
    mine.next_id = mine.next_id.max(disk.next_id);
    for entry in disk.entries {
        let now = fingerprint(&entry);
        match base.get(&entry.id) {
            // Added by the other program.
            None => {
                merged.added += 1;
                add_keeping_id(mine, entry);
            }
            Some(&was) if was == now => {}
            // Changed there; unchanged here: take theirs.
            Some(&was) if ours.get(&entry.id) == Some(&was) => {
                merged.changed += 1;
                if let Some(e) = mine.get_mut(entry.id) {
                    *e = entry;
                }
            }
            // Changed there, and changed or removed here: keep both.
            Some(_) => {
                merged.kept_both += 1;
                let mut copy = entry;
                copy.name = format!("{} (changed by another program)", copy.name);
                mine.add(copy);
            }
        }
    }
    for (id, was) in base {
        if !on_disk.contains(id) && ours.get(id) == Some(was) {
            mine.remove(*id);
            merged.removed += 1;
        }
    }
    merged
}

/// Adds an entry from the file with its id, or a new id if this library already uses that one.
fn add_keeping_id(mine: &mut Library, entry: Entry) {
    if mine.get(entry.id).is_some() {
        mine.add(entry);
    } else {
        let end = mine.entries.len();
        mine.restore(end, entry);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Source;

    fn entry(b: u8) -> Entry {
        Entry::new(
            crate::devices::test_registry(),
            vec![vec![0xF0, 0x7D, b, 0xF7]],
            Source::Capture,
            0,
        )
    }

    #[test]
    fn both_sides_changes_survive() {
        let mut file = Library::default();
        for b in 1..=4 {
            file.add(entry(b));
        }
        let base = fingerprints(&file);
        let mut mine = file.clone();
        // Here: a capture (id 5), a rename of #1, #2 changed in both places.
        mine.add(entry(9));
        mine.rename(1, "mine");
        mine.rename(2, "mine too");
        // There: an import (also id 5), #3 removed, #4 tagged, #2 renamed.
        let mut disk = file.clone();
        disk.add(entry(8));
        disk.remove(3);
        disk.get_mut(4).unwrap().tags = vec!["live".into()];
        disk.rename(2, "theirs");
        let m = merge_outside(&mut mine, &base, disk);
        assert_eq!(
            m,
            Merged {
                added: 1,
                changed: 1,
                removed: 1,
                kept_both: 1
            }
        );
        let names: Vec<&str> = mine.entries.iter().map(|e| e.name.as_str()).collect();
        assert!(names.contains(&"mine") && names.contains(&"mine too"));
        assert!(names.contains(&"theirs (changed by another program)"));
        assert!(mine.get(3).is_none(), "removed there, untouched here");
        assert_eq!(mine.get(4).unwrap().tags, vec!["live".to_string()]);
        let mut ids: Vec<_> = mine.entries.iter().map(|e| e.id).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "ids stay unique");
        assert!(mine
            .entries
            .iter()
            .any(|e| e.messages == vec![vec![0xF0, 0x7D, 8, 0xF7]]));
        assert!(mine
            .entries
            .iter()
            .any(|e| e.messages == vec![vec![0xF0, 0x7D, 9, 0xF7]]));
    }

    #[test]
    fn an_unchanged_file_merges_nothing() {
        let mut file = Library::default();
        file.add(entry(1));
        let base = fingerprints(&file);
        let mut mine = file.clone();
        mine.add(entry(2));
        let before = mine.clone();
        assert!(merge_outside(&mut mine, &base, file).is_empty());
        assert_eq!(mine, before);
    }
}
