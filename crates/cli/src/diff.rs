//! `diff`: two dumps compared message by message (a file, a library entry `LIBRARY.sxvl:N`, or
//! a whole library), naming each message by its patch names.

use super::failure::{input, Failure, Output, EXIT_DIFFERENT};
use super::json::{self, DiffCounts};
use super::library_io::{ids_of, load, read_file};
use crate::devices::{self, ParamChange};
use crate::files;
use crate::library::diff::{diff_messages, MessageDiff};
use crate::library::{file, Entry};
use crate::sysex::message::SysEx;
use std::fmt::Write as _;
use std::path::Path;

/// One side of a `diff`: its messages, with a name for each.
struct DiffSide {
    messages: Vec<Vec<u8>>,
    names: Vec<String>,
}

/// Reads one side of a `diff`: `FILE`, `LIBRARY.sxvl:N` or `LIBRARY.sxvl`.
fn diff_side(spec: &str) -> Result<DiffSide, Failure> {
    let entry_spec = spec.rsplit_once(':').and_then(|(path, n)| {
        let path = Path::new(path);
        (file::is_library_path(path) && !n.is_empty())
            .then(|| n.parse::<usize>().ok().map(|n| (path, n)))
            .flatten()
    });
    let entries: Vec<Entry> = match entry_spec {
        Some((path, n)) => {
            let lib = load(path)?;
            let ids = ids_of(&lib, &[n])?;
            ids.iter().filter_map(|id| lib.get(*id).cloned()).collect()
        }
        None if file::is_library_path(Path::new(spec)) => load(Path::new(spec))?.entries,
        None => {
            let (name, bytes) = read_file(Path::new(spec))?;
            vec![
                files::import(crate::devices::registry(), &name, &bytes, 0)
                    .map_err(input)?
                    .entry,
            ]
        }
    };
    let mut messages = Vec::new();
    let mut names = Vec::new();
    for e in entries {
        for m in e.messages {
            let decoded = SysEx::new(&m)
                .ok()
                .map(|msg| devices::recognise(&msg).preset_names.join(", "))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| e.name.clone());
            names.push(decoded);
            messages.push(m);
        }
    }
    Ok(DiffSide { messages, names })
}

/// Byte ranges as `3, 7-9` (the last byte of each included).
fn ranges_text(ranges: &[std::ops::Range<usize>]) -> String {
    ranges
        .iter()
        .map(|r| {
            if r.len() == 1 {
                format!("{}", r.start)
            } else {
                format!("{}-{}", r.start, r.end - 1)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `diff`: exit 0 when the two sides are identical, [`EXIT_DIFFERENT`] when not.
pub(super) fn diff(a: &str, b: &str, json: bool) -> Result<Output, Failure> {
    let side_a = diff_side(a)?;
    let side_b = diff_side(b)?;
    let diffs = diff_messages(&side_a.messages, &side_b.messages);
    let params = param_changes(&side_a, &side_b, &diffs);
    let differs = diffs.iter().any(|d| *d != MessageDiff::Same);
    let count = |f: fn(&MessageDiff) -> bool| diffs.iter().filter(|d| f(d)).count();
    let counts = DiffCounts {
        same: count(|d| matches!(d, MessageDiff::Same)),
        changed: count(|d| matches!(d, MessageDiff::Changed { .. })),
        only_a: count(|d| matches!(d, MessageDiff::OnlyA)),
        only_b: count(|d| matches!(d, MessageDiff::OnlyB)),
    };
    let text = if json {
        json::diff_document(
            (a, b),
            (&side_a.names, &side_b.names),
            &diffs,
            &params,
            &counts,
            differs,
        )
    } else {
        diff_text(
            (a, b),
            (&side_a, &side_b),
            (&diffs, &params),
            &counts,
            differs,
        )
    };
    Ok(Output {
        text,
        code: if differs { EXIT_DIFFERENT } else { 0 },
    })
}

/// For each message pair that changed, the parameters that differ, where the synth's definition
/// has a parameter map for both and at least one parameter differs (otherwise the bytes tell).
fn param_changes(
    a: &DiffSide,
    b: &DiffSide,
    diffs: &[MessageDiff],
) -> Vec<Option<Vec<ParamChange>>> {
    diffs
        .iter()
        .enumerate()
        .map(|(i, d)| match d {
            MessageDiff::Changed { .. } => devices::registry()
                .param_changes(&a.messages[i], &b.messages[i])
                .filter(|c| !c.is_empty()),
            _ => None,
        })
        .collect()
}

/// `diff` as text: the two sides, a line per message that differs (with a line per changed
/// parameter where the synth's definition names them), and the counts.
fn diff_text(
    (label_a, label_b): (&str, &str),
    (side_a, side_b): (&DiffSide, &DiffSide),
    (diffs, params): (&[MessageDiff], &[Option<Vec<ParamChange>>]),
    counts: &DiffCounts,
    differs: bool,
) -> String {
    let mut out = format!(
        "A: {label_a} ({} message(s))\nB: {label_b} ({} message(s))\n",
        side_a.messages.len(),
        side_b.messages.len()
    );
    for (i, d) in diffs.iter().enumerate() {
        let (na, nb) = (side_a.names.get(i), side_b.names.get(i));
        let line = match d {
            MessageDiff::Same => continue,
            MessageDiff::Changed {
                ranges,
                len_a,
                len_b,
            } => {
                let size = if len_a == len_b {
                    format!("of {len_a}")
                } else {
                    format!("({len_a} → {len_b} bytes)")
                };
                let rename = match (na, nb) {
                    (Some(x), Some(y)) if x != y => format!(" \"{x}\" → \"{y}\""),
                    (Some(x), _) => format!(" \"{x}\""),
                    _ => String::new(),
                };
                match params.get(i) {
                    Some(Some(changes)) => {
                        let mut line = format!("changed: {} parameter(s){rename}", changes.len());
                        for c in changes {
                            let _ = write!(line, "\n       {c}");
                        }
                        line
                    }
                    _ => format!("changed: bytes {} {size}{rename}", ranges_text(ranges)),
                }
            }
            MessageDiff::OnlyA => format!("only in A \"{}\"", na.map_or("", |s| s)),
            MessageDiff::OnlyB => format!("only in B \"{}\"", nb.map_or("", |s| s)),
        };
        let _ = writeln!(out, "#{:<4} {line}", i + 1);
    }
    let _ = write!(
        out,
        "{}: {} same, {} changed, {} only in A, {} only in B",
        if differs { "different" } else { "identical" },
        counts.same,
        counts.changed,
        counts.only_a,
        counts.only_b
    );
    out
}
