//! The collection of entries and its operations.

use super::entry::{Entry, EntryId};
use serde::{Deserialize, Serialize};

/// All entries of one plugin instance (or one library file), in library order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Library {
    /// Entries in library order: as added, or as the user arranged them (moved, grouped,
    /// split). The editor's list may show them sorted otherwise; the `slot` parameter counts
    /// in this order.
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

    /// Puts a removed entry back at its position (undo of [`Library::remove`]). Refused (false)
    /// when an entry with its id is already there; `next_id` moves past it, so an id handed out
    /// once is never handed out again in this library.
    pub fn restore(&mut self, pos: usize, entry: Entry) -> bool {
        if self.get(entry.id).is_some() {
            return false;
        }
        self.next_id = self.next_id.max(entry.id);
        let pos = pos.min(self.entries.len());
        self.entries.insert(pos, entry);
        true
    }

    /// Moves an entry `delta` places up (negative) or down (positive), clamped to the list.
    pub fn move_by(&mut self, id: EntryId, delta: isize) -> bool {
        let Some(pos) = self.entries.iter().position(|e| e.id == id) else {
            return false;
        };
        let to = (pos as isize + delta).clamp(0, self.entries.len() as isize - 1) as usize;
        let e = self.entries.remove(pos);
        self.entries.insert(to, e);
        true
    }

    /// Groups entries (in library order) into one new entry placed where the first one was; the
    /// originals are removed. Returns the new id and the removed entries with their positions.
    pub fn group(
        &mut self,
        registry: &crate::devices::Registry,
        ids: &[EntryId],
        name: &str,
    ) -> Option<(EntryId, Vec<(usize, Entry)>)> {
        let mut picked: Vec<(usize, Entry)> = Vec::new();
        for (pos, e) in self.entries.iter().enumerate() {
            if ids.contains(&e.id) {
                picked.push((pos, e.clone()));
            }
        }
        if picked.len() < 2 {
            return None;
        }
        let messages = picked
            .iter()
            .flat_map(|(_, e)| e.messages.clone())
            .collect();
        let first = &picked[0].1;
        let mut grouped = Entry::new(
            registry,
            messages,
            first.source.clone(),
            first.created_unix_ms,
        );
        grouped.name = name.to_owned();
        grouped.unterminated = picked
            .iter()
            .flat_map(|(_, e)| e.unterminated.clone())
            .collect();
        grouped.lost_messages = picked.iter().map(|(_, e)| e.lost_messages).sum();
        let at = picked[0].0;
        self.entries.retain(|e| !ids.contains(&e.id));
        let id = self.add(grouped);
        let new = self.entries.pop()?;
        self.entries.insert(at, new);
        Some((id, picked))
    }

    /// Splits an entry with several messages into one entry per message, in its place. Returns
    /// the new ids and the original entry with its position.
    pub fn split(
        &mut self,
        registry: &crate::devices::Registry,
        id: EntryId,
    ) -> Option<(Vec<EntryId>, (usize, Entry))> {
        let pos = self.entries.iter().position(|e| e.id == id)?;
        if self.entries[pos].messages.len() < 2 {
            return None;
        }
        let original = self.entries.remove(pos);
        let mut ids = Vec::new();
        for (i, m) in original.messages.iter().enumerate() {
            let mut e = Entry::new(
                registry,
                vec![m.clone()],
                original.source.clone(),
                original.created_unix_ms,
            );
            if e.kind == crate::devices::MessageKind::Other {
                e.name = format!("{} #{}", original.name, i + 1);
            }
            let new_id = self.add(e);
            ids.push(new_id);
            let new = self.entries.pop()?;
            self.entries.insert(pos + i, new);
        }
        Some((ids, (pos, original)))
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
        Entry::new(
            crate::devices::test_registry(),
            vec![bytes.to_vec()],
            Source::Capture,
            0,
        )
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
    fn move_group_split() {
        let mut lib = Library::default();
        let ids: Vec<_> = (1..=3u8)
            .map(|i| lib.add(entry(&[0xF0, i, 0xF7])))
            .collect();
        assert!(lib.move_by(ids[2], -5));
        assert_eq!(lib.entries[0].id, ids[2]);
        let (bank, removed) = lib
            .group(
                crate::devices::test_registry(),
                &[ids[0], ids[1]],
                "My bank",
            )
            .unwrap();
        assert_eq!(removed.len(), 2);
        assert_eq!(lib.entries.len(), 2);
        assert_eq!(lib.entries[1].id, bank);
        assert_eq!(
            lib.entries[1].messages,
            vec![vec![0xF0, 1, 0xF7], vec![0xF0, 2, 0xF7]]
        );
        let (parts, (pos, original)) = lib.split(crate::devices::test_registry(), bank).unwrap();
        assert_eq!((parts.len(), pos, original.id), (2, 1, bank));
        assert_eq!(lib.entries[2].messages, vec![vec![0xF0, 2, 0xF7]]);
        assert!(
            lib.split(crate::devices::test_registry(), parts[0])
                .is_none(),
            "a single message cannot be split"
        );
    }

    #[test]
    fn remove_and_restore_keep_order() {
        let mut lib = Library::default();
        let ids: Vec<_> = (1..=3u8)
            .map(|i| lib.add(entry(&[0xF0, i, 0xF7])))
            .collect();
        let (pos, e) = lib.remove(ids[1]).unwrap();
        assert_eq!(lib.entries.len(), 2);
        assert!(lib.restore(pos, e.clone()));
        assert!(
            !lib.restore(0, e),
            "an id already there is never restored twice"
        );
        assert_eq!(lib.entries.iter().map(|e| e.id).collect::<Vec<_>>(), ids);
        assert!(lib.rename(ids[0], "Pad"));
        assert_eq!(lib.get(ids[0]).unwrap().name, "Pad");
        assert!(!lib.rename(99, "x"));
    }

    #[test]
    fn a_restored_entry_from_elsewhere_never_lets_its_id_be_handed_out_again() {
        let mut other = Library::default();
        for i in 1..=5u8 {
            other.add(entry(&[0xF0, i, 0xF7]));
        }
        let (_, stranger) = other.remove(5).unwrap();
        let mut lib = Library::default();
        lib.add(entry(&[0xF0, 0x10, 0xF7]));
        assert!(lib.restore(1, stranger));
        let next = lib.add(entry(&[0xF0, 0x11, 0xF7]));
        assert_eq!(next, 6, "id 5 is taken: the next one is past it");
        let ids: Vec<_> = lib.entries.iter().map(|e| e.id).collect();
        assert_eq!(ids, vec![1, 5, 6]);
    }
}
