//! `info`: SysEx files and library entries decoded message by message (maker, device, kind,
//! checksum, patch names), and the checksum warnings `import` gives from the same decoding.

use super::failure::{input, ok, Failure, Output};
use super::json::{self, MessageJson, SourceJson, StreamNameJson};
use super::library_io::{chosen_ids, load, read_file};
use crate::devices;
use crate::files;
use crate::library::{file, Entry};
use crate::sysex::checksum::ChecksumStatus;
use crate::sysex::manufacturer;
use crate::sysex::message::SysEx;
use std::fmt::Write as _;
use std::path::PathBuf;

/// What `info` shows besides each message's description.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Show {
    /// A bad checksum fails the command (the report is still its message).
    pub(super) strict: bool,
    /// Each message's parameters and their values.
    pub(super) params: bool,
}

/// `info`: each file, or each (chosen) entry of a library, decoded.
pub(super) fn info(
    paths: &[PathBuf],
    picks: &[usize],
    show: Show,
    json: bool,
) -> Result<Output, Failure> {
    let strict = show.strict;
    let mut reports = Vec::new();
    for (source, entry, warnings) in info_sources(paths, picks)? {
        let messages: Vec<MessageJson> = entry
            .messages
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                let mut d = describe(i + 1, m)?;
                if show.params {
                    d.params = Some(devices::registry().params(m));
                }
                Some(d)
            })
            .collect();
        let bad = messages.iter().filter(|m| m.checksum == "bad").count();
        let stream_names = devices::registry()
            .stream_names(&entry.messages)
            .into_iter()
            .map(|n| StreamNameJson {
                label: n.label,
                number: n.number,
                name: n.name,
                patch: n.patch,
            })
            .collect();
        reports.push(SourceJson {
            source,
            name: entry.name.clone(),
            messages,
            stream_names,
            warnings,
            unterminated_messages: entry.unterminated.len(),
            bad_checksums: bad,
        });
    }
    let bad: usize = reports.iter().map(|r| r.bad_checksums).sum();
    let text = if json {
        json::info_document(&reports)
    } else {
        info_text(&reports)
    };
    if strict && bad > 0 {
        return Err(input(format!(
            "{text}\n{bad} message(s) with a bad checksum (--strict)"
        )));
    }
    Ok(ok(text))
}

/// The sources `info` describes: each file, or each (chosen) entry of a library.
fn info_sources(
    paths: &[PathBuf],
    picks: &[usize],
) -> Result<Vec<(String, Entry, Vec<String>)>, Failure> {
    let mut out = Vec::new();
    for p in paths {
        if file::is_library_path(p) {
            let lib = load(p)?;
            let ids = chosen_ids(&lib, picks)?;
            for id in ids {
                let n = lib.position(id).unwrap_or(0) + 1;
                if let Some(e) = lib.get(id) {
                    out.push((format!("{}:{n}", p.display()), e.clone(), Vec::new()));
                }
            }
        } else {
            let (name, bytes) = read_file(p)?;
            let imported =
                files::import(crate::devices::registry(), &name, &bytes, 0).map_err(input)?;
            out.push((p.display().to_string(), imported.entry, imported.warnings));
        }
    }
    Ok(out)
}

/// `info` as text: a heading per source, a line per message, then its warnings.
fn info_text(reports: &[SourceJson]) -> String {
    let mut out = String::new();
    for r in reports {
        let bytes: usize = r.messages.iter().map(|m| m.bytes).sum();
        let _ = writeln!(
            out,
            "{} \"{}\": {} message(s), {bytes} bytes",
            r.source,
            r.name,
            r.messages.len()
        );
        for m in &r.messages {
            let _ = writeln!(out, "{}", describe_line(m));
            match &m.params {
                None => {}
                Some(None) => {
                    let _ = writeln!(out, "          (no parameter map for this message)");
                }
                Some(Some(params)) => {
                    for p in params {
                        let _ = writeln!(out, "          {}: {}", p.name, p.display);
                    }
                }
            }
        }
        for line in stream_lines(&r.stream_names) {
            let _ = writeln!(out, "{line}");
        }
        for w in &r.warnings {
            let _ = writeln!(out, "  warning: {w}");
        }
        if r.unterminated_messages > 0 {
            let _ = writeln!(
                out,
                "  {} unterminated message(s) kept aside",
                r.unterminated_messages
            );
        }
    }
    out.trim_end().to_owned()
}

/// The names read across messages, a line per label ("  Patch names: 1 A, 2 B"); blank names
/// (empty places) are left out of the text.
fn stream_lines(names: &[StreamNameJson]) -> Vec<String> {
    let mut lines: Vec<(String, Vec<String>)> = Vec::new();
    for n in names.iter().filter(|n| !n.name.trim().is_empty()) {
        let item = format!("{} {}", n.number, n.name);
        match lines.iter_mut().find(|(l, _)| *l == n.label) {
            Some((_, items)) => items.push(item),
            None => lines.push((n.label.clone(), vec![item])),
        }
    }
    lines
        .into_iter()
        .map(|(label, items)| format!("  {label} names: {}", items.join(", ")))
        .collect()
}

/// Message number `number`, decoded with the device definitions; `None` if it is not SysEx.
fn describe(number: usize, m: &[u8]) -> Option<MessageJson> {
    let msg = SysEx::new(m).ok()?;
    let r = devices::recognise(&msg);
    let (checksum, expected, found) = match r.checksum {
        ChecksumStatus::Valid => ("ok", None, None),
        ChecksumStatus::Invalid { expected, found } => ("bad", Some(expected), Some(found)),
        ChecksumStatus::NotApplicable => ("none", None, None),
    };
    Some(MessageJson {
        number,
        bytes: m.len(),
        manufacturer: msg
            .manufacturer()
            .map_or("none".into(), manufacturer::describe),
        device: r.device,
        profile: r.definition,
        kind: r.kind.label(),
        detail: r.detail,
        checksum,
        checksum_expected: expected,
        checksum_found: found,
        preset_names: r.preset_names,
        program: r.program,
        bank: r.bank,
        params: None,
    })
}

/// One message as `info` prints it.
fn describe_line(d: &MessageJson) -> String {
    let checksum = match (d.checksum, d.checksum_expected, d.checksum_found) {
        ("bad", Some(e), Some(f)) => format!("CHECKSUM BAD (expected {e:02X}, found {f:02X})"),
        ("ok", _, _) => "checksum ok".into(),
        _ => "no checksum".into(),
    };
    let names = if d.preset_names.is_empty() {
        String::new()
    } else {
        format!(" [{}]", d.preset_names.join(", "))
    };
    format!(
        "  #{:<4} {:>8} B  {}; {} ({}): {} {}; {checksum}{names}",
        d.number, d.bytes, d.manufacturer, d.device, d.profile, d.kind, d.detail
    )
}

/// Warnings naming each message of `entry` whose checksum is wrong.
pub(super) fn checksum_warnings(file: &str, entry: &Entry) -> Vec<String> {
    if entry.invalid_checksums == 0 {
        return Vec::new();
    }
    entry
        .messages
        .iter()
        .enumerate()
        .filter_map(|(i, m)| describe(i + 1, m))
        .filter(|d| d.checksum == "bad")
        .map(|d| {
            format!(
                "{file}: message #{} ({}, {}): bad checksum (expected {:02X}, found {:02X})",
                d.number,
                d.device,
                d.detail,
                d.checksum_expected.unwrap_or(0),
                d.checksum_found.unwrap_or(0)
            )
        })
        .collect()
}
