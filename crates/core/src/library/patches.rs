//! Library work that needs the device definitions: splitting a bank into its patches, building a
//! bank from patches, repairing checksums on request, and the program number a patch was stored
//! at. Pure: the definitions are data, nothing here touches the plugin.

use super::entry::Entry;
use crate::devices::{self, Registry};

/// Splits an entry into patches with the definitions: a bank message into the patches in it
/// (a DX7 32-voice dump into 32 voices), or a run of messages into one entry per program number
/// (a JV-1080 patch is five messages). The new entries are named from their patches.
pub fn split_into_patches(registry: &Registry, e: &Entry) -> Result<Vec<Entry>, String> {
    let groups: Vec<Vec<Vec<u8>>> = match e.messages.as_slice() {
        [one] => match registry.split_bank(one) {
            Some(r) => r?.into_iter().map(|m| vec![m]).collect(),
            None => {
                return Err(format!(
                    "“{}” is one message that no device definition splits into patches",
                    e.name
                ))
            }
        },
        [] => return Err(format!("“{}” has no messages", e.name)),
        many => {
            let mut out = Vec::new();
            for m in many {
                match registry.split_bank(m) {
                    Some(r) => out.extend(r?.into_iter().map(|p| vec![p])),
                    None => out.push(vec![m.clone()]),
                }
            }
            if out.len() == many.len() {
                devices::group_by_program(registry, many)
                    .filter(|g| g.len() > 1 && g.len() < many.len())
                    .unwrap_or(out)
            } else {
                out
            }
        }
    };
    if groups.len() < 2 {
        return Err(format!("“{}” holds a single patch", e.name));
    }
    Ok(groups
        .into_iter()
        .map(|g| {
            let mut p = Entry::new(registry, g, e.source.clone(), e.created_unix_ms);
            // What the user said about the bank holds for its patches.
            p.tags = e.tags.clone();
            p.favourite = e.favourite;
            p.note = e.note.clone();
            p
        })
        .collect())
}

/// Builds one bank message from patch entries, in order, with the definition of the first
/// patch (a DX7 32-voice dump from 32 voices). Errors name what does not fit.
pub fn build_bank(registry: &Registry, entries: &[&Entry]) -> Result<Entry, String> {
    let messages: Vec<Vec<u8>> = entries.iter().flat_map(|e| e.messages.clone()).collect();
    let first = messages.first().ok_or("no patches selected")?;
    let (def, patch, _) = registry
        .identify(first)
        .ok_or("the first patch is not known to any device definition")?;
    let patch_index = def
        .messages
        .iter()
        .position(|m| m.id == patch.id)
        .unwrap_or(usize::MAX);
    let bank = def
        .messages
        .iter()
        .find(|m| {
            m.slots
                .as_ref()
                .is_some_and(|s| s.patch == Some(patch_index))
        })
        .ok_or_else(|| {
            format!(
                "{} has no bank message made of “{}” patches; group them instead",
                def.name, patch.label
            )
        })?;
    let bytes = def.build_bank(&bank.id, &messages)?;
    let source = entries[0].source.clone();
    Ok(Entry::new(
        registry,
        vec![bytes],
        source,
        entries[0].created_unix_ms,
    ))
}

/// The messages of `e` with every checksum a definition knows corrected, and how many changed;
/// `None` when none is wrong.
pub fn fix_checksums(registry: &Registry, e: &Entry) -> Option<(Vec<Vec<u8>>, usize)> {
    let mut fixed = 0;
    let messages: Vec<Vec<u8>> = e
        .messages
        .iter()
        .map(|m| match registry.fix_checksum(m) {
            Some(f) => {
                fixed += 1;
                f
            }
            None => m.clone(),
        })
        .collect();
    (fixed > 0).then_some((messages, fixed))
}

/// The program number the entry's first patch message carries (as sent, 0-based).
pub fn program_number(registry: &Registry, e: &Entry) -> Option<u16> {
    e.messages
        .iter()
        .find_map(|m| registry.identify(m).and_then(|(_, _, f)| f.program))
}
