//! Every JSON document the command line prints (`list --json`, `info --json`, `diff --json`,
//! `ports --json`), in one place: their shapes are what scripts read.

use crate::devices::{ParamChange, ParamValue};
use crate::library::diff::MessageDiff;
use crate::library::{EntryId, Library, Source};
use crate::ports;
use serde::Serialize;
use std::path::Path;

/// One entry as `list --json` prints it.
#[derive(Serialize)]
struct EntryJson<'a> {
    number: usize,
    name: &'a str,
    device: &'a str,
    profile: &'a str,
    kind: &'static str,
    messages: usize,
    bytes: usize,
    tags: &'a [String],
    favourite: bool,
    note: &'a str,
    recall_on_load: bool,
    /// 1-based program number.
    program_change: Option<u16>,
    /// The whole mapping in words (channel, bank, interrupt).
    program_change_mapping: Option<String>,
    /// Where the synth keeps it (recalls send bank select and a program change), in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    recall_by_program_change: Option<String>,
    /// Entry number of the identical entry that came first.
    duplicate_of: Option<usize>,
    lost_messages: u64,
    unterminated_messages: usize,
    bad_checksums: u32,
    source: String,
    created_unix_ms: u64,
}

/// Where an entry came from, in words.
fn source_text(s: &Source) -> String {
    match s {
        Source::Capture => "capture".into(),
        Source::Import(name) => format!("import {name}"),
    }
}

/// One message, decoded (`info --json`).
#[derive(Serialize)]
pub(super) struct MessageJson {
    /// 1-based position in its file or entry.
    pub(super) number: usize,
    /// Length, F0 and F7 included.
    pub(super) bytes: usize,
    /// The manufacturer ID's owner, or "none".
    pub(super) manufacturer: String,
    /// The device or maker, as shown to the user.
    pub(super) device: String,
    /// The id of the definition that recognised it (the generic one when none did).
    pub(super) profile: String,
    /// What it carries (edit buffer, bank, …).
    pub(super) kind: &'static str,
    /// One line of detail (message label, channel, address, sizes).
    pub(super) detail: String,
    /// "ok", "bad" or "none".
    pub(super) checksum: &'static str,
    /// The checksum the data calls for, when it is bad.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) checksum_expected: Option<u8>,
    /// The checksum the message carries, when it is bad.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) checksum_found: Option<u8>,
    /// The patch names it holds.
    pub(super) preset_names: Vec<String>,
    /// Program number as sent, where the message holds one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) program: Option<u16>,
    /// Bank number as sent, where the message holds one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) bank: Option<u8>,
    /// With `--params`: its parameters and values (`null` when its definition has no map).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) params: Option<Option<Vec<ParamValue>>>,
}

/// A name read across addressed messages (`info --json`).
#[derive(Serialize)]
pub(super) struct StreamNameJson {
    /// What the place holds ("Patch", "Upper tone").
    pub(super) label: String,
    /// Place number, 1-based.
    pub(super) number: usize,
    /// The name.
    pub(super) name: String,
    /// Whether it names a patch (not a part of one).
    pub(super) patch: bool,
}

/// One file or library entry, decoded (`info --json`).
#[derive(Serialize)]
pub(super) struct SourceJson {
    /// The file, or `LIBRARY:N` for an entry.
    pub(super) source: String,
    /// The entry's (or the imported file's) name.
    pub(super) name: String,
    /// Its messages, decoded.
    pub(super) messages: Vec<MessageJson>,
    /// Names read across its addressed messages (a Roland bulk dump), in memory order.
    pub(super) stream_names: Vec<StreamNameJson>,
    /// What reading the file warned about.
    pub(super) warnings: Vec<String>,
    /// Messages cut before their F7, kept aside.
    pub(super) unterminated_messages: usize,
    /// Messages with a bad checksum.
    pub(super) bad_checksums: usize,
}

/// `list --json`: the library, its size and its entries.
pub(super) fn list_document(path: &Path, lib: &Library) -> String {
    let number_of = |id: EntryId| lib.position(id).map(|p| p + 1);
    let entries: Vec<EntryJson> = lib
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| EntryJson {
            number: i + 1,
            name: &e.name,
            device: &e.device,
            profile: &e.profile,
            kind: e.kind.label(),
            messages: e.messages.len(),
            bytes: e.byte_len(),
            tags: &e.tags,
            favourite: e.favourite,
            note: &e.note,
            recall_on_load: e.recall_on_load,
            program_change: e.program_change.map(|p| u16::from(p.program) + 1),
            program_change_mapping: e.program_change.map(|p| p.describe()),
            recall_by_program_change: e.stored_at.map(|at| at.describe()),
            duplicate_of: e.duplicate_of.and_then(number_of),
            lost_messages: e.lost_messages,
            unterminated_messages: e.unterminated.len(),
            bad_checksums: e.invalid_checksums,
            source: source_text(&e.source),
            created_unix_ms: e.created_unix_ms,
        })
        .collect();
    let doc = serde_json::json!({
        "library": path.display().to_string(),
        "bytes": lib.byte_len(),
        "entries": entries,
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// `info --json`: each file or entry, message by message.
pub(super) fn info_document(reports: &[SourceJson]) -> String {
    serde_json::to_string_pretty(reports).unwrap_or_default()
}

/// How many messages of a `diff` are the same, changed, or only on one side.
pub(super) struct DiffCounts {
    /// Identical messages.
    pub(super) same: usize,
    /// Messages on both sides that differ.
    pub(super) changed: usize,
    /// Messages only in A.
    pub(super) only_a: usize,
    /// Messages only in B.
    pub(super) only_b: usize,
}

/// `diff --json`: the two sides, the counts, and each message's difference with its names and,
/// where the synth's definition has a parameter map, the parameters that changed.
pub(super) fn diff_document(
    (label_a, label_b): (&str, &str),
    (names_a, names_b): (&[String], &[String]),
    diffs: &[MessageDiff],
    params: &[Option<Vec<ParamChange>>],
    counts: &DiffCounts,
    differs: bool,
) -> String {
    let rows: Vec<serde_json::Value> = diffs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut row = serde_json::json!({
                "number": i + 1,
                "name_a": names_a.get(i),
                "name_b": names_b.get(i),
                "diff": d,
            });
            if let Some(Some(changes)) = params.get(i) {
                row["params"] = serde_json::json!(changes);
            }
            row
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "a": label_a,
        "b": label_b,
        "identical": !differs,
        "same": counts.same,
        "changed": counts.changed,
        "only_in_a": counts.only_a,
        "only_in_b": counts.only_b,
        "messages": rows,
    }))
    .unwrap_or_default()
}

/// `ports --json`: the MIDI backend and its input and output ports.
pub(super) fn ports_document(inputs: &[String], outputs: &[String]) -> String {
    serde_json::to_string_pretty(&serde_json::json!({
        "backend": ports::BACKEND,
        "inputs": inputs,
        "outputs": outputs,
    }))
    .unwrap_or_default()
}
