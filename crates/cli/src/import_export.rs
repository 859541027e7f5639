//! Moving entries in and out of libraries: `import` (SysEx files, MIDI files, hex text and other
//! libraries), `merge`, `export`, and `extract` (every SysEx Vault instance of a saved DAW
//! project). A library is never written past the size SysEx Vault reads back.

use super::args::ExtractFormat;
use super::failure::{input, ok, output, Failure, Output};
use super::info::checksum_warnings;
use super::library_io::{chosen_ids, load, load_for_change, may_write, read_file, save_and_count};
use super::progress::Progress;
use crate::files::name_export;
use crate::files::names::{self, NameFormat};
use crate::files::{self, project, Format};
use crate::library::{file, Entry, Library};
use crate::pacing::Pacing;
use crate::state::MAX_DECODED_BYTES;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Bytes a library's saved payload takes, about (SysEx bytes plus a little per message and
/// entry): enough to stop an import before it crosses [`MAX_DECODED_BYTES`].
fn payload_estimate(e: &Entry) -> u64 {
    let messages: usize = e
        .messages
        .iter()
        .chain(&e.unterminated)
        .map(|m| m.len() + 5)
        .sum();
    (messages + e.name.len() + e.device.len() + 128) as u64
}

/// `import`: each file's entries added to the library (all or, on a failure, none).
pub(super) fn import(
    lib_path: &Path,
    paths: &[PathBuf],
    create: bool,
    strict: bool,
) -> Result<Output, Failure> {
    import_within(lib_path, paths, create, strict, MAX_DECODED_BYTES).map(ok)
}

/// [`import`] with the size limit as a parameter (tests use a small one).
pub(super) fn import_within(
    lib_path: &Path,
    paths: &[PathBuf],
    create: bool,
    strict: bool,
    limit: u64,
) -> Result<String, Failure> {
    let (lock, mut lib) = load_for_change(lib_path, Some(create))?;
    let mut size: u64 = lib.entries.iter().map(payload_estimate).sum();
    let mut out = String::new();
    let mut bad = Vec::new();
    let total_bytes: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let mut progress = (paths.len() > 20 || total_bytes > 8 << 20)
        .then(|| Progress::new("importing", Some(paths.len() as u64), "files"));
    for (k, p) in paths.iter().enumerate() {
        if let Some(pr) = progress.as_mut() {
            pr.set(k as u64, &p.display().to_string());
        }
        // Read one file at a time: memory follows the library, not the argument count.
        let (name, bytes) = read_file(p)?;
        let imported = files::import_any(
            crate::devices::registry(),
            &name,
            &bytes,
            crate::library::now_unix_ms(),
        )
        .map_err(input)?;
        drop(bytes);
        let from_library = file::is_library_path(p);
        for mut imp in imported {
            for w in &imp.warnings {
                let _ = writeln!(out, "warning: {w}");
            }
            let warnings = checksum_warnings(&name, &imp.entry);
            for w in &warnings {
                let _ = writeln!(out, "warning: {w}");
            }
            bad.extend(warnings);
            size += payload_estimate(&imp.entry);
            if size > limit {
                return Err(input(format!(
                    "{}: importing {} would take the library past the {limit}-byte limit SysEx Vault reads back; nothing was written",
                    lib_path.display(),
                    p.display()
                )));
            }
            if from_library {
                for note in fit_settings(&lib, &mut imp.entry, p) {
                    let _ = writeln!(out, "note: {note}");
                }
            }
            let n = imp.entry.messages.len();
            let entry_name = imp.entry.name.clone();
            let id = lib.add(imp.entry);
            let dup = lib.get(id).and_then(|e| e.duplicate_of);
            let _ = writeln!(
                out,
                "imported {} as \"{entry_name}\" ({n} message(s)){}",
                p.display(),
                dup.and_then(|d| lib.position(d))
                    .map_or(String::new(), |d| format!(", identical to entry {}", d + 1))
            );
        }
    }
    if let Some(pr) = progress {
        pr.finish();
    }
    if strict && !bad.is_empty() {
        return Err(input(format!(
            "{out}{} message(s) with a bad checksum (--strict): nothing was written",
            bad.len()
        )));
    }
    save_and_count(&lock, &lib, out)
}

/// Keeps a library's one recall entry and one entry per program number when `entry` comes in
/// from another library: the incoming setting is dropped, with a note saying so.
fn fit_settings(lib: &Library, entry: &mut Entry, from: &Path) -> Vec<String> {
    let mut notes = Vec::new();
    if entry.recall_on_load && lib.recall_entry().is_some() {
        entry.recall_on_load = false;
        notes.push(format!(
            "\"{}\" was the recall entry of {}; the library keeps its own",
            entry.name,
            from.display()
        ));
    }
    if let Some(pc) = entry.program_change {
        let taken = lib
            .entries
            .iter()
            .any(|e| e.program_change.is_some_and(|m| m.same_trigger(&pc)));
        if taken {
            entry.program_change = None;
            notes.push(format!(
                "\"{}\" lost its mapping to {}, which the library already uses",
                entry.name,
                pc.describe()
            ));
        }
    }
    notes
}

/// `merge`: other libraries' entries added, skipping those the library already holds unless
/// `keep_duplicates`.
pub(super) fn merge(
    lib_path: &Path,
    sources: &[PathBuf],
    create: bool,
    keep_duplicates: bool,
) -> Result<Output, Failure> {
    let (lock, mut lib) = load_for_change(lib_path, Some(create))?;
    let mut out = String::new();
    let mut size: u64 = lib.entries.iter().map(payload_estimate).sum();
    for src in sources {
        let other = load(src)?;
        let (mut added, mut skipped) = (0, Vec::new());
        for mut e in other.entries {
            let existing = lib
                .entries
                .iter()
                .position(|x| x.hash == e.hash && x.messages == e.messages);
            if let (Some(pos), false) = (existing, keep_duplicates) {
                skipped.push(format!("\"{}\" (= entry {})", e.name, pos + 1));
                continue;
            }
            size += payload_estimate(&e);
            if size > MAX_DECODED_BYTES {
                return Err(input(format!(
                    "{}: merging {} would take the library past the {MAX_DECODED_BYTES}-byte limit; nothing was written",
                    lib_path.display(),
                    src.display()
                )));
            }
            for note in fit_settings(&lib, &mut e, src) {
                let _ = writeln!(out, "note: {note}");
            }
            lib.add(e);
            added += 1;
        }
        let _ = writeln!(
            out,
            "merged {added} entries from {}{}",
            src.display(),
            if skipped.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} already there, skipped: {}",
                    skipped.len(),
                    skipped.join(", ")
                )
            }
        );
    }
    save_and_count(&lock, &lib, out).map(ok)
}

/// `export`: the chosen entries (all by default) written in the format the file name picks.
pub(super) fn export(
    lib_path: &Path,
    out_path: &Path,
    picks: &[usize],
    force: bool,
) -> Result<Output, Failure> {
    let lib = load(lib_path)?;
    let ids = chosen_ids(&lib, picks)?;
    let entries: Vec<&Entry> = ids.iter().filter_map(|id| lib.get(*id)).collect();
    let same_file = out_path.exists()
        && std::fs::canonicalize(out_path).ok() == std::fs::canonicalize(lib_path).ok();
    if same_file && !force {
        return Err(output(format!(
            "{}: that is the library being exported; add --force to replace it",
            out_path.display()
        )));
    }
    if let Some(names) = NameFormat::from_name(&out_path.to_string_lossy()) {
        return export_names(lib_path, out_path, &entries, names, force);
    }
    may_write(out_path, force)?;
    let format = Format::from_name(&out_path.to_string_lossy());
    let messages: usize = entries.iter().map(|e| e.messages.len()).sum();
    if format != Format::Library && messages == 0 {
        return Err(input(format!("{}: nothing to export", lib_path.display())));
    }
    // A library file keeps entries as entries: names, tags, recall and program changes.
    let bytes = files::export_entries(
        crate::devices::registry(),
        entries.iter().copied(),
        format,
        &Pacing::DIN,
    )
    .map_err(|e| output(format!("{}: {e}", out_path.display())))?;
    file::write_file(out_path, &bytes).map_err(output)?;
    Ok(ok(if format == Format::Library {
        format!("wrote {} entries to {}", entries.len(), out_path.display())
    } else {
        format!(
            "wrote {messages} message(s) from {} entries to {}",
            entries.len(),
            out_path.display()
        )
    }))
}

/// `export` to `.midnam` / `.reabank`: the patch names, one file per synth (`out` itself for one
/// synth, `out - Device.ext` beside it for several); every target is checked before any is
/// written, and what was left out is listed.
fn export_names(
    lib_path: &Path,
    out_path: &Path,
    entries: &[&Entry],
    format: NameFormat,
    force: bool,
) -> Result<Output, Failure> {
    let (made, left_out) =
        name_export::export(crate::devices::registry(), entries.iter().copied(), format)
            .map_err(|e| input(format!("{}: {e}", lib_path.display())))?;
    let stem = out_path.file_stem().map_or_else(
        || "patch-names".into(),
        |s| s.to_string_lossy().into_owned(),
    );
    let dir = out_path.parent().unwrap_or(Path::new(""));
    let several = made.len() > 1;
    let planned: Vec<(PathBuf, &name_export::NameFile)> = made
        .iter()
        .map(|f| {
            let path = if several {
                dir.join(names::file_name(&stem, &f.device, true, format))
            } else {
                out_path.to_path_buf()
            };
            (path, f)
        })
        .collect();
    for (path, _) in &planned {
        may_write(path, force)?;
    }
    let mut out = String::new();
    for (path, f) in &planned {
        file::write_file(path, &f.bytes).map_err(output)?;
        let _ = writeln!(
            out,
            "wrote {} patch name(s) for {} to {}",
            f.patches,
            f.device,
            path.display()
        );
    }
    for why in &left_out {
        let _ = writeln!(out, "left out: {why}");
    }
    Ok(ok(out.trim_end().to_owned()))
}

/// A file-name-safe version of a track or entry name (the same rules as the editor's exports).
fn safe(name: &str) -> String {
    files::safe_file_name(name, "unnamed")
}

/// What `extract` writes for one instance.
struct Planned {
    folder: PathBuf,
    files: Vec<(PathBuf, Vec<u8>)>,
    line: String,
}

/// The files `extract` writes for one library: each entry as `<prefix>NN name.<ext>`, and the
/// library itself as `library_file`.
fn plan_library(
    folder: &Path,
    lib: &Library,
    prefix: &str,
    library_file: &str,
    format: Format,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failure> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = lib
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let path = folder.join(format!(
                "{prefix}{:02} {}.{}",
                i + 1,
                safe(&e.name),
                format.extension()
            ));
            (
                path,
                files::export(
                    crate::devices::registry(),
                    &e.messages,
                    format,
                    &Pacing::DIN,
                ),
            )
        })
        .collect();
    let blob =
        crate::state::try_encode(lib).map_err(|e| output(format!("{}: {e}", folder.display())))?;
    files.push((folder.join(library_file), blob));
    Ok(files)
}

/// `extract`: every SysEx Vault instance of a REAPER project or Ardour session, one folder
/// each (its entries in `format`, and its library); nothing replaced without `force`.
pub(super) fn extract(
    project_path: &Path,
    out_dir: &Path,
    format: ExtractFormat,
    force: bool,
) -> Result<Output, Failure> {
    let format = match format {
        ExtractFormat::Syx => Format::Syx,
        ExtractFormat::Mid => Format::Mid,
        ExtractFormat::Txt => Format::Hex,
    };
    let (_, bytes) = read_file(project_path)?;
    let text = String::from_utf8_lossy(&bytes);
    let (daw, instances) =
        project::extract(&text).map_err(|e| input(format!("{}: {e}", project_path.display())))?;
    if instances.is_empty() {
        return Err(input(format!(
            "{}: no SysEx Vault instance found",
            project_path.display()
        )));
    }
    let mut out = format!(
        "{} ({daw:?}): {} SysEx Vault instance(s)\n",
        project_path.display(),
        instances.len()
    );
    // Plan every file first: each instance gets a folder of its own (two tracks with the same
    // name, or none, never share one), and nothing existing is replaced without --force.
    let mut used: Vec<String> = Vec::new();
    let mut plans = Vec::new();
    let mut failed = 0;
    for inst in &instances {
        let folder = out_dir.join(folder_name(inst, &mut used));
        plans.push(plan_instance(inst, folder, format)?);
        if inst.library.is_err() {
            failed += 1;
        }
    }
    write_plans(&plans, force, &mut out)?;
    if failed > 0 {
        return Err(input(format!(
            "{out}{failed} instance(s) could not be read"
        )));
    }
    Ok(ok(out.trim_end().to_owned()))
}

/// A folder name for an instance (its track and slot) that no earlier one in `used` has, in
/// any case; it is added to `used`.
fn folder_name(inst: &project::Instance, used: &mut Vec<String>) -> String {
    let base = safe(&format!("{} {}", inst.track, inst.slot + 1));
    let mut name = base.clone();
    let mut k = 2;
    while used.iter().any(|u| u.eq_ignore_ascii_case(&name)) {
        name = format!("{base} ({k})");
        k += 1;
    }
    used.push(name.clone());
    name
}

/// What `extract` writes for one instance into `folder`: its library (or a line saying it
/// could not be read) and any captures pending while it could not be.
fn plan_instance(
    inst: &project::Instance,
    folder: PathBuf,
    format: Format,
) -> Result<Planned, Failure> {
    let label = format!(
        "track \"{}\" #{} ({})",
        inst.track,
        inst.slot + 1,
        inst.format
    );
    let mut files = Vec::new();
    let mut line = match &inst.library {
        Ok(lib) => {
            files.extend(plan_library(&folder, lib, "", "library.sxvl", format)?);
            format!(
                "  {label}: {} entries -> {}",
                lib.entries.len(),
                folder.display()
            )
        }
        Err(e) => format!("  {label}: NOT READABLE: {e}"),
    };
    if let Some(pending) = &inst.pending {
        files.extend(plan_library(
            &folder,
            pending,
            "PENDING ",
            "pending.sxvl",
            format,
        )?);
        let _ = write!(
            line,
            "; plus {} PENDING capture(s), made while the saved library could not be read -> {}",
            pending.entries.len(),
            folder.display()
        );
    }
    Ok(Planned {
        folder,
        files,
        line,
    })
}

/// Writes the planned files (none if one exists and not `force`), a line each to `out`.
fn write_plans(plans: &[Planned], force: bool, out: &mut String) -> Result<(), Failure> {
    if !force {
        if let Some((path, _)) = plans
            .iter()
            .flat_map(|p| &p.files)
            .find(|(path, _)| path.exists())
        {
            return Err(output(format!(
                "{}: exists; add --force to replace files from an earlier extract",
                path.display()
            )));
        }
    }
    for plan in plans {
        if !plan.files.is_empty() {
            std::fs::create_dir_all(&plan.folder)
                .map_err(|e| output(format!("{}: {e}", plan.folder.display())))?;
        }
        for (path, bytes) in &plan.files {
            file::write_file(path, bytes).map_err(output)?;
        }
        let _ = writeln!(out, "{}", plan.line);
    }
    Ok(())
}
