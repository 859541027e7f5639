//! Commands that reshape entries with the device definitions: `split` (a bank into its patches),
//! `build-bank` (patches into one bank message), `rename-patch` (a name inside a bank) and
//! `fix-checksum`.

use super::failure::{input, ok, Failure, Output};
use super::library_io::edit_checked;
use crate::devices;
use crate::library::{self, Edit, Entry};
use std::fmt::Write as _;
use std::path::Path;

/// `split`: an entry into its patches as the definitions know them (as `model` made it, where
/// given), else (or with `per_message`) into one entry per message. A split that cannot give
/// the entry's bytes back keeps the entry, with the patches after it; warnings are printed.
pub(super) fn split(
    path: &Path,
    entry: usize,
    per_message: bool,
    model: Option<&str>,
) -> Result<Output, Failure> {
    edit_checked(path, &[entry], |lib, ids| {
        let e = lib
            .get(ids[0])
            .cloned()
            .ok_or_else(|| input("no entry".into()))?;
        if per_message {
            let n = lib
                .apply(crate::devices::registry(), Edit::Split(ids[0]))
                .len()
                .saturating_sub(1);
            return Ok(if n == 0 {
                format!("entry {entry} holds one message: nothing to split")
            } else {
                format!("split entry {entry} into {n} entries, one per message")
            });
        }
        match library::patches::split_into_patches_as(devices::registry(), &e, model) {
            Ok(split) => {
                let n = split.patches.len();
                let first = split.patches[0].name.clone();
                let mut text = if split.keep_original {
                    format!(
                        "split entry {entry} \"{}\" into {n} patches (\"{first}\" …), entries {}-{}; \
                         the patches do not give its bytes back, so it is kept",
                        e.name,
                        entry + 1,
                        entry + n
                    )
                } else {
                    format!(
                        "split entry {entry} \"{}\" into {n} patches (\"{first}\" …)",
                        e.name
                    )
                };
                if split.dropped > 0 {
                    let _ = write!(
                        text,
                        "\n{} patch(es) dropped bits they cannot carry: see their notes",
                        split.dropped
                    );
                }
                for w in &split.warnings {
                    let _ = write!(text, "\nwarning: {w}");
                }
                for edit in split.edits(ids[0]) {
                    lib.apply(crate::devices::registry(), edit);
                }
                Ok(text)
            }
            Err(_) if e.messages.len() > 1 && model.is_none() => {
                let n = lib
                    .apply(crate::devices::registry(), Edit::Split(ids[0]))
                    .len()
                    .saturating_sub(1);
                Ok(format!(
                    "split entry {entry} into {n} entries, one per message"
                ))
            }
            Err(why) => Err(input(format!("entry {entry}: {why}"))),
        }
    })
    .map(ok)
}

/// `rename-patch`: a patch inside an entry renamed in its bytes, the checksum corrected.
pub(super) fn rename_patch(
    path: &Path,
    entry: usize,
    patch: usize,
    name: &str,
) -> Result<Output, Failure> {
    edit_checked(path, &[entry], |lib, ids| {
        let e = lib
            .get(ids[0])
            .cloned()
            .ok_or_else(|| input("no entry".into()))?;
        let old = library::patches::patch_names(devices::registry(), &e);
        let messages = patch
            .checked_sub(1)
            .ok_or_else(|| input("patches are numbered from 1".into()))
            .and_then(|p| {
                library::patches::rename_patch(devices::registry(), &e, p, name)
                    .map_err(|why| input(format!("entry {entry}: {why}")))
            })?;
        lib.apply(
            crate::devices::registry(),
            Edit::SetMessages(ids[0], messages),
        );
        Ok(format!(
            "entry {entry} \"{}\": patch {patch} \"{}\" is now \"{}\"",
            e.name,
            old.get(patch - 1).map_or("", String::as_str),
            name.trim_end()
        ))
    })
    .map(ok)
}

/// `build-bank`: one bank message from patch entries in slot order, after the last of them.
pub(super) fn build_bank(
    path: &Path,
    entries: &[usize],
    name: Option<String>,
) -> Result<Output, Failure> {
    edit_checked(path, entries, |lib, ids| {
        let picked: Vec<&Entry> = ids.iter().filter_map(|id| lib.get(*id)).collect();
        let mut bank = library::patches::build_bank(devices::registry(), &picked)
            .map_err(|why| input(format!("no bank built: {why}")))?;
        if let Some(n) = name {
            bank.name = n;
        }
        let text = format!(
            "built \"{}\" ({} bytes) from {} patches; it follows entry {}",
            bank.name,
            bank.byte_len(),
            ids.len(),
            entries.iter().max().copied().unwrap_or(1)
        );
        let last = ids
            .iter()
            .copied()
            .max_by_key(|id| lib.position(*id))
            .unwrap_or(ids[0]);
        lib.apply(crate::devices::registry(), Edit::InsertAfter(last, bank));
        Ok(text)
    })
    .map(ok)
}

/// `fix-checksum`: corrects the checksums a definition knows to be wrong.
pub(super) fn fix_checksum(path: &Path, entries: &[usize]) -> Result<Output, Failure> {
    edit_checked(path, entries, |lib, ids| {
        let mut out = String::new();
        for (n, id) in entries.iter().zip(ids) {
            let Some(e) = lib.get(*id) else { continue };
            match library::patches::fix_checksums(devices::registry(), e) {
                Some((messages, fixed)) => {
                    let name = e.name.clone();
                    lib.apply(crate::devices::registry(), Edit::SetMessages(*id, messages));
                    let _ = writeln!(out, "entry {n} \"{name}\": corrected {fixed} checksum(s)");
                }
                None => {
                    let _ = writeln!(out, "entry {n} \"{}\": no known checksum is wrong", e.name);
                }
            }
        }
        Ok(out.trim_end().to_owned())
    })
    .map(ok)
}
