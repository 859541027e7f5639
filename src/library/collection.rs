//! The collection of entries and its operations.

use super::entry::{Entry, EntryId};
use serde::{Deserialize, Serialize};

/// All entries of one plugin instance (or one library file), in display order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Library {
    /// Entries in display order.
    pub entries: Vec<Entry>,
    /// Next identifier to hand out.
    pub next_id: EntryId,
}

impl Library {
    /// Adds an entry, giving it an id and marking it as a duplicate if identical content is
    /// already stored (it is kept either way). Returns the id.
    pub fn add(&mut self, mut entry: Entry) -> EntryId {
        self.next_id += 1;
        entry.id = self.next_id;
        entry.duplicate_of = self
            .entries
            .iter()
            .find(|e| e.hash == entry.hash && e.messages == entry.messages)
            .map(|e| e.duplicate_of.unwrap_or(e.id));
        let id = entry.id;
        self.entries.push(entry);
        id
    }

    /// The entry with this id.
    pub fn get(&self, id: EntryId) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The entry with this id, mutably.
    pub fn get_mut(&mut self, id: EntryId) -> Option<&mut Entry> {
        self.entries.iter_mut().find(|e| e.id == id)
    }

    /// Renames an entry; false if there is no such entry.
    pub fn rename(&mut self, id: EntryId, name: &str) -> bool {
        self.get_mut(id).map(|e| e.name = name.to_owned()).is_some()
    }

    /// Removes an entry and returns it with its position (for undo).
    pub fn remove(&mut self, id: EntryId) -> Option<(usize, Entry)> {
        let pos = self.entries.iter().position(|e| e.id == id)?;
        Some((pos, self.entries.remove(pos)))
    }

    /// Puts a removed entry back at its position (undo of [`Library::remove`]).
    pub fn restore(&mut self, pos: usize, entry: Entry) {
        let pos = pos.min(self.entries.len());
        self.entries.insert(pos, entry);
    }

    /// Total bytes of all complete messages.
    pub fn byte_len(&self) -> usize {
        self.entries.iter().map(Entry::byte_len).sum()
    }

    /// The entry marked for recall on load, if any.
    pub fn recall_entry(&self) -> Option<&Entry> {
        self.entries.iter().find(|e| e.recall_on_load)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::entry::Source;

    fn entry(bytes: &[u8]) -> Entry {
        Entry::new(vec![bytes.to_vec()], Source::Capture, 0)
    }

    #[test]
    fn duplicates_are_kept_and_marked() {
        let mut lib = Library::default();
        let a = lib.add(entry(&[0xF0, 0x43, 0x01, 0xF7]));
        let b = lib.add(entry(&[0xF0, 0x43, 0x02, 0xF7]));
        let c = lib.add(entry(&[0xF0, 0x43, 0x01, 0xF7]));
        assert_eq!(lib.entries.len(), 3);
        assert_eq!(lib.get(a).unwrap().duplicate_of, None);
        assert_eq!(lib.get(b).unwrap().duplicate_of, None);
        assert_eq!(lib.get(c).unwrap().duplicate_of, Some(a));
    }

    #[test]
    fn remove_and_restore_keep_order() {
        let mut lib = Library::default();
        let ids: Vec<_> = (1..=3u8)
            .map(|i| lib.add(entry(&[0xF0, i, 0xF7])))
            .collect();
        let (pos, e) = lib.remove(ids[1]).unwrap();
        assert_eq!(lib.entries.len(), 2);
        lib.restore(pos, e);
        assert_eq!(lib.entries.iter().map(|e| e.id).collect::<Vec<_>>(), ids);
        assert!(lib.rename(ids[0], "Pad"));
        assert_eq!(lib.get(ids[0]).unwrap().name, "Pad");
        assert!(!lib.rename(99, "x"));
    }
}
