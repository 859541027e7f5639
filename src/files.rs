//! File formats: `.syx` (raw concatenated SysEx), hex text, and Standard MIDI Files. Pure: bytes
//! in, bytes out; every error names the offset and the cause.

pub mod hex;
pub mod project;
pub mod smf;
pub mod syx;

use crate::library::{Entry, Source};
use crate::pacing::Pacing;

/// File formats for import and export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Raw SysEx, `.syx`.
    Syx,
    /// Standard MIDI File, `.mid`.
    Mid,
    /// Hex text, `.txt` / `.hex`.
    Hex,
    /// A SysEx Vault library file, `.sxvl` (entries with names and settings).
    Library,
}

impl Format {
    /// The format a file name's extension says (`.syx` when unknown).
    pub fn from_name(name: &str) -> Format {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".mid") || lower.ends_with(".midi") || lower.ends_with(".smf") {
            Format::Mid
        } else if lower.ends_with(".txt") || lower.ends_with(".hex") {
            Format::Hex
        } else if lower.ends_with(".sxvl") {
            Format::Library
        } else {
            Format::Syx
        }
    }

    /// The usual extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Syx => "syx",
            Format::Mid => "mid",
            Format::Hex => "txt",
            Format::Library => "sxvl",
        }
    }
}

/// An imported file: one library entry and what was skipped on the way.
#[derive(Debug)]
pub struct Imported {
    /// The entry (named after the file when the profile gives no better name).
    pub entry: Entry,
    /// Non-fatal problems, each naming an offset.
    pub warnings: Vec<String>,
}

/// Reads a `.syx`, `.mid` or hex text file into one entry. The error names the file, the offset
/// and the cause.
pub fn import(name: &str, bytes: &[u8], created_unix_ms: u64) -> Result<Imported, String> {
    let fail = |e: &dyn std::fmt::Display| format!("{name}: {e}");
    let (messages, unterminated, warnings) = match Format::from_name(name) {
        Format::Library => {
            return Err(format!(
                "{name}: a library file holds several entries; use import_any"
            ))
        }
        Format::Mid => {
            let found = smf::read(bytes).map_err(|e| fail(&e))?;
            if found.is_empty() {
                return Err(format!("{name}: the MIDI file holds no SysEx"));
            }
            (
                found.into_iter().map(|m| m.bytes).collect(),
                Vec::new(),
                Vec::new(),
            )
        }
        format => {
            let raw;
            let data = if format == Format::Hex {
                let text = std::str::from_utf8(bytes).map_err(|e| fail(&e))?;
                raw = hex::read(text).map_err(|e| fail(&e))?;
                &raw[..]
            } else {
                bytes
            };
            let read = syx::read(data).map_err(|e| fail(&e))?;
            let warnings = read.issues.iter().map(|i| format!("{name}: {i}")).collect();
            (read.messages, read.unterminated, warnings)
        }
    };
    let mut entry = Entry::new(messages, Source::Import(name.to_owned()), created_unix_ms);
    entry.unterminated = unterminated;
    if !entry.kind.is_patch() && entry.kind != crate::devices::MessageKind::Bank {
        let stem = name.rsplit(['/', '\\']).next().unwrap_or(name);
        entry.name = stem.rsplit_once('.').map_or(stem, |(s, _)| s).to_owned();
    }
    Ok(Imported { entry, warnings })
}

/// Reads any importable file: a SysEx Vault library file (`.sxvl`, written by the standalone
/// app, the command line or `extract`) gives all its entries; anything else goes through
/// [`import`]. This is how a library moves between the app and a DAW project.
pub fn import_any(name: &str, bytes: &[u8], created_unix_ms: u64) -> Result<Vec<Imported>, String> {
    if name.to_ascii_lowercase().ends_with(".sxvl") {
        let lib = crate::state::decode(bytes).map_err(|e| format!("{name}: {e}"))?;
        return Ok(lib
            .entries
            .into_iter()
            .map(|mut entry| {
                entry.duplicate_of = None;
                Imported {
                    entry,
                    warnings: Vec::new(),
                }
            })
            .collect());
    }
    import(name, bytes, created_unix_ms).map(|i| vec![i])
}

/// Writes entries in a format: a library file (`.sxvl`) keeps them as entries (names, tags,
/// recall and program-change settings), refusing one too large to read back; the other formats
/// hold their messages in order ([`export`]).
pub fn export_entries<'a>(
    entries: impl IntoIterator<Item = &'a Entry>,
    format: Format,
    pacing: &Pacing,
) -> Result<Vec<u8>, String> {
    if format == Format::Library {
        let mut lib = crate::library::Library::default();
        for e in entries {
            lib.add(e.clone());
        }
        return crate::state::try_encode(&lib).map_err(|e| e.to_string());
    }
    let messages: Vec<&Vec<u8>> = entries.into_iter().flat_map(|e| &e.messages).collect();
    Ok(export(&messages, format, pacing))
}

/// Writes messages in a format (`.mid` spaced by `pacing`; a library file holds them as one
/// entry: use [`export_entries`] to keep entries apart).
pub fn export<T: AsRef<[u8]>>(messages: &[T], format: Format, pacing: &Pacing) -> Vec<u8> {
    match format {
        Format::Library => {
            let mut lib = crate::library::Library::default();
            let msgs = messages.iter().map(|m| m.as_ref().to_vec()).collect();
            lib.add(Entry::new(msgs, Source::Capture, 0));
            crate::state::encode(&lib)
        }
        Format::Syx => syx::write(messages),
        Format::Mid => smf::write(messages, pacing),
        Format::Hex => hex::write(messages).into_bytes(),
    }
}

#[cfg(test)]
mod import_tests {
    use super::*;

    #[test]
    fn import_each_format_and_report_errors() {
        let msgs = vec![vec![0xF0, 0x41, 0x10, 0xF7], vec![0xF0, 0x41, 0x11, 0xF7]];
        for format in [Format::Syx, Format::Mid, Format::Hex] {
            let name = format!("bank.{}", format.extension());
            let bytes = export(&msgs, format, &Pacing::DIN);
            let imported = import(&name, &bytes, 0).unwrap();
            assert_eq!(imported.entry.messages, msgs, "{name}");
            assert_eq!(imported.entry.name, "bank");
        }
        let err = import("junk.syx", b"not sysex", 0).unwrap_err();
        assert!(
            err.starts_with("junk.syx: no complete SysEx message in 9 bytes"),
            "{err}"
        );
        let err = import("paste.txt", b"F0 4G", 0).unwrap_err();
        assert_eq!(err, "paste.txt: line 1, column 5: 'G' is not a hex digit");
        let w = import("x.syx", &[0x00, 0xF0, 0x43, 0xF7], 0)
            .unwrap()
            .warnings;
        assert_eq!(
            w,
            vec!["x.syx: skipped 1 byte(s) outside any SysEx at offset 0"]
        );
    }
}
