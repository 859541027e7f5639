//! Commands on a library and its entries: `init`, `list`, and the edits (`rename`, `delete`,
//! `move`, `group`, `tag`, `favourite`, `note`, `set-recall`, `map-pc`, `recall-by-pc`). Each
//! edit locks the library, changes it and writes it back atomically.

use super::args::{MapPcArgs, RecallByPcArgs};
use super::failure::{input, ok, output, Failure, Output};
use super::json;
use super::library_io::{edit, edit_checked, library_path, load, may_write};
use crate::devices;
use crate::library::{self, file, Edit, EntryId, Library, ProgramMap};
use std::fmt::Write as _;
use std::path::Path;

/// `init`: an empty library file (an existing one only with `--force`).
pub(super) fn init(path: &Path, force: bool) -> Result<Output, Failure> {
    library_path(path)?;
    may_write(path, force)?;
    file::save(path, &Library::default()).map_err(output)?;
    Ok(ok(format!("created {} (empty library)", path.display())))
}

/// `list`: one line per entry with its notes, or the `--json` document.
pub(super) fn list(path: &Path, json: bool, search: Option<&str>) -> Result<Output, Failure> {
    let lib = load(path)?;
    if json {
        return Ok(ok(json::list_document(path, &lib)));
    }
    let number_of = |id: EntryId| lib.position(id).map(|p| p + 1);
    let registry = devices::registry();
    let mut out = String::new();
    let mut found = 0;
    for (i, e) in lib.entries.iter().enumerate() {
        let mut notes = Vec::new();
        if let Some(text) = search {
            if !library::search::matches(&library::search::haystack(registry, e), text) {
                continue;
            }
            found += 1;
            let inside = library::search::matching_patches(registry, e, text);
            // Patches found inside a bank are named; a single patch is its entry.
            if !inside.is_empty() && library::patches::patch_names(registry, e).len() > 1 {
                let named: Vec<String> = inside
                    .iter()
                    .map(|(n, name)| format!("{} \"{name}\"", n + 1))
                    .collect();
                notes.push(format!("patches {}", named.join(", ")));
            }
        }
        if let Some(d) = e.duplicate_of.and_then(number_of) {
            notes.push(format!("duplicate of {d}"));
        }
        if e.has_problems() {
            notes.push(format!(
                "problems: see `info {} --entry {}`",
                path.display(),
                i + 1
            ));
        }
        if e.recall_on_load {
            notes.push("recall on load".into());
        }
        if let Some(pc) = e.program_change {
            notes.push(pc.describe());
        }
        if let Some(at) = e.stored_at {
            notes.push(format!("recalled by {}", at.describe()));
        }
        if e.favourite {
            notes.push("favourite".into());
        }
        if !e.tags.is_empty() {
            notes.push(format!("tags: {}", e.tags.join(", ")));
        }
        if !e.note.is_empty() {
            notes.push(format!("note: {}", e.note));
        }
        let _ = writeln!(
            out,
            "{:>3}  {:<40} {:<28} {:<8} {:>5} msg {:>9} B  {}",
            i + 1,
            e.name,
            e.device,
            e.kind.label(),
            e.messages.len(),
            e.byte_len(),
            notes.join(", ")
        );
    }
    match search {
        Some(text) => {
            let _ = write!(
                out,
                "{found} of {} entries hold \"{}\"",
                lib.entries.len(),
                text.trim()
            );
        }
        None => {
            let _ = write!(
                out,
                "{} entries, {} bytes",
                lib.entries.len(),
                lib.byte_len()
            );
        }
    }
    Ok(ok(out))
}

/// `rename`: gives an entry a new name.
pub(super) fn rename(path: &Path, entry: usize, name: String) -> Result<Output, Failure> {
    edit(path, &[entry], |lib, ids| {
        let old = lib.get(ids[0]).map(|e| e.name.clone()).unwrap_or_default();
        lib.apply(
            crate::devices::registry(),
            Edit::Rename(ids[0], name.clone()),
        );
        format!("renamed entry {entry} \"{old}\" to \"{name}\"")
    })
    .map(ok)
}

/// `delete`: removes entries.
pub(super) fn delete(path: &Path, entries: &[usize]) -> Result<Output, Failure> {
    edit(path, entries, |lib, ids| {
        let mut out = String::new();
        for (n, id) in entries.iter().zip(ids) {
            if let Some(Edit::Restore(_, e)) = lib
                .apply(crate::devices::registry(), Edit::Remove(*id))
                .first()
            {
                let _ = writeln!(out, "deleted entry {n} \"{}\"", e.name);
            }
        }
        out.trim_end().to_owned()
    })
    .map(ok)
}

/// `move`: puts an entry at another position (1 = first; beyond the end: last).
pub(super) fn move_to(path: &Path, entry: usize, position: usize) -> Result<Output, Failure> {
    edit(path, &[entry], |lib, ids| {
        let to = position.clamp(1, lib.entries.len());
        let delta = to as isize - entry as isize;
        lib.apply(crate::devices::registry(), Edit::Move(ids[0], delta));
        format!("moved entry {entry} to position {to}")
    })
    .map(ok)
}

/// `group`: entries into one bank entry, in library order, at the first one's place.
pub(super) fn group(
    path: &Path,
    entries: &[usize],
    name: Option<String>,
) -> Result<Output, Failure> {
    edit(path, entries, |lib, ids| {
        let name = name
            .clone()
            .unwrap_or_else(|| format!("Bank of {} entries", ids.len()));
        if lib
            .apply(
                crate::devices::registry(),
                Edit::Group(ids.to_vec(), name.clone()),
            )
            .is_empty()
        {
            return "nothing grouped: name two or more different entries".to_owned();
        }
        format!("grouped {} entries into \"{name}\"", ids.len())
    })
    .map(ok)
}

/// `set-recall`: the entry sent when the project loads, or none.
pub(super) fn set_recall(path: &Path, entry: Option<usize>) -> Result<Output, Failure> {
    let picks: Vec<usize> = entry.into_iter().collect();
    edit(path, &picks, |lib, ids| {
        lib.apply(
            crate::devices::registry(),
            Edit::SetRecall(ids.first().copied()),
        );
        match entry {
            Some(n) => format!("entry {n} is sent when the project loads"),
            None => "nothing is sent when the project loads".to_owned(),
        }
    })
    .map(ok)
}

/// `tag`: adds tags to an entry, or removes them.
pub(super) fn tag(
    path: &Path,
    entry: usize,
    tags: &[String],
    remove: bool,
) -> Result<Output, Failure> {
    edit(path, &[entry], |lib, ids| {
        let mut now = lib.get(ids[0]).map(|e| e.tags.clone()).unwrap_or_default();
        if remove {
            now.retain(|t| !tags.contains(t));
        } else {
            for t in tags {
                if !now.contains(t) {
                    now.push(t.clone());
                }
            }
        }
        lib.apply(
            crate::devices::registry(),
            Edit::SetTags(ids[0], now.clone()),
        );
        format!("entry {entry} tags: {}", now.join(", "))
    })
    .map(ok)
}

/// `favourite`: marks an entry as a favourite, or (`off`) not.
pub(super) fn favourite(path: &Path, entry: usize, off: bool) -> Result<Output, Failure> {
    edit(path, &[entry], |lib, ids| {
        lib.apply(crate::devices::registry(), Edit::SetFavourite(ids[0], !off));
        format!(
            "entry {entry} {}",
            if off {
                "is not a favourite"
            } else {
                "is a favourite"
            }
        )
    })
    .map(ok)
}

/// `note`: sets an entry's note (trimmed; empty clears it).
pub(super) fn note(path: &Path, entry: usize, text: &str) -> Result<Output, Failure> {
    edit(path, &[entry], |lib, ids| {
        let text = text.trim().to_owned();
        let said = if text.is_empty() {
            format!("entry {entry}: note cleared")
        } else {
            format!("entry {entry} note: {text}")
        };
        lib.apply(crate::devices::registry(), Edit::SetNote(ids[0], text));
        said
    })
    .map(ok)
}

/// `map-pc`: the program change (with channel, bank and interrupt choice) that sends an entry,
/// or none (`--clear`).
pub(super) fn map_pc(args: MapPcArgs) -> Result<Output, Failure> {
    let MapPcArgs {
        library,
        entry,
        program,
        clear: _,
        from_patch,
        channel,
        bank_msb,
        bank_lsb,
        interrupt,
    } = args;
    let map = channel.map(|super::args::Channel(channel)| ProgramMap {
        program: 0,
        channel,
        bank_msb,
        bank_lsb,
        interrupt,
    });
    set_program(&library, entry, program, from_patch, map).map(ok)
}

/// `map`: the channel, bank and interrupt choice (its program is set here); `None` clears.
fn set_program(
    path: &Path,
    entry: usize,
    program: Option<u8>,
    from_patch: bool,
    map: Option<ProgramMap>,
) -> Result<String, Failure> {
    edit_checked(path, &[entry], |lib, ids| {
        let pc = if from_patch {
            let e = lib.get(ids[0]).ok_or_else(|| input("no entry".into()))?;
            let p = library::patches::program_number(devices::registry(), e).ok_or_else(|| {
                input(format!(
                    "entry {entry} \"{}\": its messages carry no program number",
                    e.name
                ))
            })?;
            let p = u8::try_from(p).ok().filter(|p| *p < 128).ok_or_else(|| {
                input(format!(
                    "entry {entry}: program {p} is beyond program change 128"
                ))
            })?;
            Some(p)
        } else {
            program.map(|p| p - 1)
        };
        let pc = pc
            .zip(map)
            .map(|(program, map)| ProgramMap { program, ..map });
        lib.apply(crate::devices::registry(), Edit::SetProgram(ids[0], pc));
        Ok(match pc {
            Some(m) => format!("{} sends entry {entry}", m.describe()),
            None => format!("entry {entry} has no program change"),
        })
    })
}

/// `recall-by-pc`: recall an entry by bank select and program change where the synth keeps it,
/// or (`--dump`) by sending its dump again.
pub(super) fn recall_by_pc(args: RecallByPcArgs) -> Result<Output, Failure> {
    let entry = args.entry;
    edit_checked(&args.library, &[entry], |lib, ids| {
        let at = if args.dump {
            None
        } else {
            let e = lib.get(ids[0]).ok_or_else(|| input("no entry".into()))?;
            let (program, bank) = if args.from_patch {
                patch_program(entry, e)?
            } else {
                (args.program.unwrap_or(1) - 1, None)
            };
            Some(library::StoredAt {
                channel: args.channel - 1,
                bank_msb: args.bank_msb.or(bank),
                bank_lsb: args.bank_lsb,
                program,
            })
        };
        lib.apply(crate::devices::registry(), Edit::SetStoredAt(ids[0], at));
        Ok(match at {
            Some(at) => format!("entry {entry} is recalled by {}", at.describe()),
            None => format!("entry {entry} is recalled by sending its dump"),
        })
    })
    .map(ok)
}

/// The program (under 128) and bank the first message of entry number `entry` carries.
fn patch_program(entry: usize, e: &library::Entry) -> Result<(u8, Option<u8>), Failure> {
    let r = e
        .messages
        .first()
        .and_then(|m| devices::registry().identify(m))
        .map(|(_, _, f)| (f.program, f.bank));
    match r {
        Some((Some(p), bank)) if p < 128 => Ok((p as u8, bank)),
        _ => Err(input(format!(
            "entry {entry} \"{}\": its messages carry no program number under 128",
            e.name
        ))),
    }
}
