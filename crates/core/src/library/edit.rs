//! Changes to a library as one value each ([`Edit`]), applied by [`Library::apply`], which
//! returns the edits that undo it. The editor, the command line and the plugin's library owner
//! all change a library this way. Pure: no plugin framework.

use super::{Entry, EntryId, Library};

/// A change to the library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Rename an entry.
    Rename(EntryId, String),
    /// Remove an entry.
    Remove(EntryId),
    /// Put an entry (with its id) back at a position.
    Restore(usize, Entry),
    /// Move an entry up (negative) or down.
    Move(EntryId, isize),
    /// Group entries into one bank entry with this name.
    Group(Vec<EntryId>, String),
    /// Split an entry into one entry per message.
    Split(EntryId),
    /// Mark the entry to send when the project loads (`None`: no recall).
    SetRecall(Option<EntryId>),
    /// Map a program change to an entry, or clear its mapping.
    SetProgram(EntryId, Option<crate::library::ProgramMap>),
    /// Replace an entry's tags.
    SetTags(EntryId, Vec<String>),
    /// Add imported entries at the end.
    Add(Vec<Entry>),
    /// Replace an entry by new entries in its place (a bank split into its patches).
    Replace(EntryId, Vec<Entry>),
    /// Add a new entry right after another (a bank built from patches).
    InsertAfter(EntryId, Entry),
    /// Replace an entry's messages (checksums repaired on request); what is known about them
    /// is worked out again.
    SetMessages(EntryId, Vec<Vec<u8>>),
    /// Recall an entry by program change (where the synth keeps it), or by its dump (`None`).
    SetStoredAt(EntryId, Option<crate::library::StoredAt>),
    /// Mark an entry as a favourite, or not.
    SetFavourite(EntryId, bool),
    /// Replace an entry's note.
    SetNote(EntryId, String),
}

impl Library {
    /// Applies an edit; returns the edits that undo it (empty when nothing changed).
    pub fn apply(&mut self, registry: &crate::devices::Registry, edit: Edit) -> Vec<Edit> {
        match edit {
            Edit::Rename(id, name) => match self.get(id).map(|e| e.name.clone()) {
                Some(old) if self.rename(id, &name) => vec![Edit::Rename(id, old)],
                _ => vec![],
            },
            Edit::Remove(id) => self
                .remove(id)
                .map(|(pos, e)| vec![Edit::Restore(pos, e)])
                .unwrap_or_default(),
            Edit::Restore(pos, entry) => {
                let id = entry.id;
                if self.restore(pos, entry) {
                    vec![Edit::Remove(id)]
                } else {
                    vec![]
                }
            }
            Edit::Move(id, delta) => {
                let before = self.position(id);
                self.move_by(id, delta);
                match (before, self.position(id)) {
                    (Some(b), Some(a)) if a != b => vec![Edit::Move(id, b as isize - a as isize)],
                    _ => vec![],
                }
            }
            Edit::Group(ids, name) => match self.group(registry, &ids, &name) {
                Some((new, removed)) => std::iter::once(Edit::Remove(new))
                    .chain(removed.into_iter().map(|(pos, e)| Edit::Restore(pos, e)))
                    .collect(),
                None => vec![],
            },
            Edit::Split(id) => match self.split(registry, id) {
                Some((parts, (pos, original))) => parts
                    .into_iter()
                    .rev()
                    .map(Edit::Remove)
                    .chain(std::iter::once(Edit::Restore(pos, original)))
                    .collect(),
                None => vec![],
            },
            Edit::SetRecall(id) => {
                let old = self.recall_entry().map(|e| e.id);
                for e in &mut self.entries {
                    e.recall_on_load = Some(e.id) == id;
                }
                vec![Edit::SetRecall(old)]
            }
            Edit::SetProgram(id, pc) => {
                let Some(old) = self.get(id).map(|e| e.program_change) else {
                    return vec![];
                };
                let mut undo = vec![Edit::SetProgram(id, old)];
                if let Some(map) = pc {
                    // One entry per program change (number, channel and bank): another entry
                    // that answered it gives it up (and gets it back on undo).
                    for e in &mut self.entries {
                        let Some(theirs) = e.program_change.filter(|m| m.same_trigger(&map)) else {
                            continue;
                        };
                        if e.id != id {
                            undo.push(Edit::SetProgram(e.id, Some(theirs)));
                        }
                        e.program_change = None;
                    }
                }
                if let Some(e) = self.get_mut(id) {
                    e.program_change = pc;
                }
                undo
            }
            Edit::SetTags(id, tags) => match self.get_mut(id) {
                Some(e) if e.tags != tags => {
                    let old = std::mem::replace(&mut e.tags, tags);
                    vec![Edit::SetTags(id, old)]
                }
                _ => vec![],
            },
            Edit::Add(entries) => entries
                .into_iter()
                .map(|e| Edit::Remove(self.add(e)))
                .collect(),
            Edit::Replace(id, parts) => {
                let Some((pos, original)) = self.remove(id) else {
                    return vec![];
                };
                let mut undo = Vec::new();
                for (i, e) in parts.into_iter().enumerate() {
                    undo.push(Edit::Remove(self.add(e)));
                    if let Some(new) = self.entries.pop() {
                        self.entries.insert(pos + i, new);
                    }
                }
                undo.reverse();
                undo.push(Edit::Restore(pos, original));
                undo
            }
            Edit::InsertAfter(after, entry) => {
                let Some(pos) = self.position(after) else {
                    return vec![];
                };
                let id = self.add(entry);
                if let Some(new) = self.entries.pop() {
                    self.entries.insert(pos + 1, new);
                }
                vec![Edit::Remove(id)]
            }
            Edit::SetStoredAt(id, at) => match self.get_mut(id) {
                Some(e) if e.stored_at != at => {
                    let old = std::mem::replace(&mut e.stored_at, at);
                    vec![Edit::SetStoredAt(id, old)]
                }
                _ => vec![],
            },
            Edit::SetFavourite(id, on) => match self.get_mut(id) {
                Some(e) if e.favourite != on => {
                    e.favourite = on;
                    vec![Edit::SetFavourite(id, !on)]
                }
                _ => vec![],
            },
            Edit::SetNote(id, note) => match self.get_mut(id) {
                Some(e) if e.note != note => {
                    let old = std::mem::replace(&mut e.note, note);
                    vec![Edit::SetNote(id, old)]
                }
                _ => vec![],
            },
            Edit::SetMessages(id, messages) => {
                let Some(e) = self.get_mut(id) else {
                    return vec![];
                };
                if e.messages == messages {
                    return vec![];
                }
                let old = e.messages.clone();
                e.set_messages(registry, messages);
                vec![Edit::SetMessages(id, old)]
            }
        }
    }

    /// Display position (0-based) of an entry.
    pub fn position(&self, id: EntryId) -> Option<usize> {
        self.entries.iter().position(|e| e.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Source;

    #[test]
    fn every_edit_can_be_undone() {
        let mut lib = Library::default();
        let e = |b: u8| {
            Entry::new(
                crate::devices::test_registry(),
                vec![vec![0xF0, b, 0xF7], vec![0xF0, b, b, 0xF7]],
                Source::Capture,
                0,
            )
        };
        lib.apply(
            crate::devices::test_registry(),
            Edit::Add(vec![e(1), e(2), e(3)]),
        );
        let ids: Vec<u64> = lib.entries.iter().map(|e| e.id).collect();
        // Program 7 is taken: mapping it elsewhere takes it from this entry, and undo gives it back.
        lib.apply(
            crate::devices::test_registry(),
            Edit::SetProgram(ids[2], Some(crate::library::ProgramMap::any(7))),
        );
        let before = lib.clone();
        for edit in [
            Edit::Rename(ids[0], "Pad".into()),
            Edit::Remove(ids[1]),
            Edit::Move(ids[2], -2),
            Edit::Group(vec![ids[0], ids[2]], "Bank".into()),
            Edit::Split(ids[1]),
            Edit::SetRecall(Some(ids[2])),
            Edit::SetProgram(ids[0], Some(crate::library::ProgramMap::any(7))),
            Edit::SetTags(ids[1], vec!["favourite".into()]),
            Edit::SetFavourite(ids[0], true),
            Edit::SetNote(ids[2], "second verse".into()),
            Edit::Replace(ids[1], vec![e(7), e(8)]),
            Edit::InsertAfter(ids[0], e(9)),
            Edit::SetMessages(ids[2], vec![vec![0xF0, 0x09, 0xF7]]),
            Edit::SetStoredAt(
                ids[0],
                Some(crate::library::StoredAt {
                    channel: 0,
                    bank_msb: Some(1),
                    bank_lsb: None,
                    program: 4,
                }),
            ),
        ] {
            let undo = lib.apply(crate::devices::test_registry(), edit.clone());
            assert!(!undo.is_empty(), "{edit:?} changed nothing");
            assert_ne!(lib.entries, before.entries, "{edit:?}");
            for u in undo {
                lib.apply(crate::devices::test_registry(), u);
            }
            assert_eq!(lib.entries, before.entries, "undo of {edit:?}");
        }
    }
}
