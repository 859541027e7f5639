//! Library work that needs the device definitions: splitting a bank into its patches, building a
//! bank from patches, repairing checksums on request, and the program number a patch was stored
//! at. Pure: the definitions are data, nothing here touches the plugin.

use super::edit::Edit;
use super::entry::{Entry, EntryId};
use crate::devices::{self, Registry};
use crate::sysex::checksum::ChecksumStatus;
use crate::sysex::message::SysEx;

/// An entry split into its patches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The patches, in order, named from their patches.
    pub patches: Vec<Entry>,
    /// The patches do not build back into the entry's bytes (bits dropped, a wrong checksum,
    /// slots a model does not store): the entry stays, with the patches after it.
    pub keep_original: bool,
    /// What the user should be told (a wrong checksum, how the model was told).
    pub warnings: Vec<String>,
    /// How many patches dropped bits of their slot (each has a note saying which).
    pub dropped: usize,
}

impl Split {
    /// The library edits that apply the split to entry `id`: the patches in its place when the
    /// split is lossless, else the patches after it (the entry kept as it is).
    pub fn edits(self, id: EntryId) -> Vec<Edit> {
        if self.keep_original {
            self.patches
                .into_iter()
                .rev()
                .map(|p| Edit::InsertAfter(id, p))
                .collect()
        } else {
            vec![Edit::Replace(id, self.patches)]
        }
    }
}

/// Splits an entry into patches with the definitions: a bank message into the patches in it
/// (a DX7 32-voice dump into 32 voices), or a run of messages into one entry per program number
/// (a JV-1080 patch is five messages). See [`split_into_patches_as`].
pub fn split_into_patches(registry: &Registry, e: &Entry) -> Result<Split, String> {
    split_into_patches_as(registry, e, None)
}

/// Splits an entry into patches as `model` made it (one of its definition's models; `None`:
/// as far as the bytes tell). A patch that lost bits of its slot gets a note saying which.
pub fn split_into_patches_as(
    registry: &Registry,
    e: &Entry,
    model: Option<&str>,
) -> Result<Split, String> {
    let mut warnings = Vec::new();
    let mut lossless = true;
    // Each patch: its messages, and what it dropped of its slot ("slot 3: ...").
    let mut bank = |m: &[u8], out: &mut Vec<(Vec<Vec<u8>>, Option<String>)>| {
        let Some(r) = registry.split_bank_as(m, model) else {
            return Ok(false);
        };
        let split = r?;
        lossless &= split.lossless;
        warnings.extend(split.warnings);
        for (i, p) in split.patches.into_iter().enumerate() {
            let dropped = p.dropped.map(|d| format!("slot {}: {d}", i + 1));
            out.push((p.messages, dropped));
        }
        Ok::<bool, String>(true)
    };
    let mut groups = Vec::new();
    match e.messages.as_slice() {
        [] => return Err(format!("“{}” has no messages", e.name)),
        [one] => {
            if !bank(one, &mut groups)? {
                return Err(format!(
                    "“{}” is one message that no device definition splits into patches",
                    e.name
                ));
            }
        }
        many => {
            for m in many {
                if !bank(m, &mut groups)? {
                    groups.push((vec![m.clone()], None));
                }
            }
            if groups.len() == many.len() {
                if let Some(g) = devices::group_by_program(registry, many)
                    .filter(|g| g.len() > 1 && g.len() < many.len())
                {
                    groups = g.into_iter().map(|g| (g, None)).collect();
                }
            }
        }
    }
    if groups.len() < 2 {
        return Err(format!("“{}” holds a single patch", e.name));
    }
    let dropped = groups.iter().filter(|(_, d)| d.is_some()).count();
    let patches = groups
        .into_iter()
        .map(|(g, dropped)| {
            let mut p = Entry::new(registry, g, e.source.clone(), e.created_unix_ms);
            // What the user said about the bank holds for its patches.
            p.tags = e.tags.clone();
            p.favourite = e.favourite;
            p.note = e.note.clone();
            if let Some(d) = dropped {
                let sep = if p.note.is_empty() { "" } else { "\n" };
                p.note = format!("{}{sep}Split from “{}”, {d}", p.note, e.name);
            }
            p
        })
        .collect();
    Ok(Split {
        patches,
        keep_original: !lossless,
        warnings,
        dropped,
    })
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
            m.slots.as_ref().is_some_and(|s| {
                s.patch == Some(patch_index) || (s.patch.is_some() && s.with == Some(patch_index))
            })
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

/// The names of the patches in `e`, in order (a bank's voices; one name for a single patch),
/// as [`rename_patch`] counts them.
pub fn patch_names(registry: &Registry, e: &Entry) -> Vec<String> {
    e.messages
        .iter()
        .filter_map(|m| SysEx::new(m).ok())
        .flat_map(|m| registry.recognise(&m).preset_names)
        .collect()
}

/// The messages of `e` with patch `patch` (0-based, counted as [`patch_names`] lists them)
/// renamed to `name`: written into the data in the definition's character set, padded with
/// spaces, and the checksum corrected. Refused when the name does not fit or the message's
/// checksum was already wrong (fix that first: it may be damaged data).
pub fn rename_patch(
    registry: &Registry,
    e: &Entry,
    patch: usize,
    name: &str,
) -> Result<Vec<Vec<u8>>, String> {
    let mut left = patch;
    for (at, msg) in e.messages.iter().enumerate() {
        let Some((d, m, _)) = registry.identify(msg) else {
            continue;
        };
        let (field, base) = match (&m.slots, &m.name) {
            (Some(s), _) => match &s.name {
                Some(n) if left < s.count => (n, s.offset + left * s.stride),
                Some(_) => {
                    left -= s.count;
                    continue;
                }
                None => continue,
            },
            (None, Some(n)) if left == 0 => (n, 0),
            (None, Some(_)) => {
                left -= 1;
                continue;
            }
            (None, None) => continue,
        };
        let mut out = e.messages.clone();
        out[at] = rename_in(d, m, msg, field, base, name)?;
        return Ok(out);
    }
    Err(format!(
        "“{}” holds {} named patches, not {}",
        e.name,
        patch - left,
        patch + 1
    ))
}

/// `msg` with the name `field` (at `base` in the decoded data) set to `name`.
fn rename_in(
    d: &devices::Definition,
    m: &devices::MessageDef,
    msg: &[u8],
    field: &devices::definition::NameField,
    base: usize,
    name: &str,
) -> Result<Vec<u8>, String> {
    let chars: Vec<char> = name.trim_end().chars().collect();
    if chars.len() > field.length {
        return Err(format!(
            "“{name}” is {} characters; a {} name holds {}",
            chars.len(),
            d.name,
            field.length
        ));
    }
    let mut bytes = Vec::with_capacity(field.length);
    for c in chars
        .iter()
        .copied()
        .chain(std::iter::repeat(' '))
        .take(field.length)
    {
        bytes.push(
            field
                .charset
                .byte(c)
                .ok_or_else(|| format!("a {} name cannot hold “{c}”", d.name))?,
        );
    }
    let mut data = d
        .decoded(m, msg)
        .ok_or_else(|| format!("the {} data does not decode", m.label))?;
    if let Some(c) = &m.checksum {
        if let ChecksumStatus::Invalid { .. } = c.status(msg, Some(&data)) {
            return Err(format!(
                "the {}'s checksum is wrong: fix the checksum first if the data is right",
                m.label
            ));
        }
    }
    let span = field.charset.bytes_for(field.length);
    let at = data
        .get_mut(base + field.offset..base + field.offset + span)
        .ok_or("the name is outside the data")?;
    field.charset.write(&bytes, at);
    let (from, encoding) = d.data_start(m, msg.len()).ok_or("no data")?;
    let encoded = encoding.encode(&data);
    let mut out = msg.to_vec();
    out.get_mut(from..from + encoded.len())
        .ok_or("the data does not encode back to its size")?
        .copy_from_slice(&encoded);
    if let Some(c) = &m.checksum {
        c.write(&mut out, Some(&data));
    }
    Ok(out)
}

/// The program number the entry's first patch message carries (as sent, 0-based).
pub fn program_number(registry: &Registry, e: &Entry) -> Option<u16> {
    e.messages
        .iter()
        .find_map(|m| registry.identify(m).and_then(|(_, _, f)| f.program))
}

#[cfg(test)]
mod tests;
