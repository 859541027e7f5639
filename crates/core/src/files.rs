//! File formats: `.syx` (raw concatenated SysEx), hex text, and Standard MIDI Files; patch names
//! for DAWs (`.midnam`, `.reabank`). Pure: bytes in, bytes out; every error names the offset and
//! the cause.

pub mod hex;
pub mod midnam;
pub mod name_export;
pub mod names;
pub mod project;
pub mod reabank;
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
pub fn import(
    registry: &crate::devices::Registry,
    name: &str,
    bytes: &[u8],
    created_unix_ms: u64,
) -> Result<Imported, String> {
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
    let mut entry = Entry::new(
        registry,
        messages,
        Source::Import(name.to_owned()),
        created_unix_ms,
    );
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
pub fn import_any(
    registry: &crate::devices::Registry,
    name: &str,
    bytes: &[u8],
    created_unix_ms: u64,
) -> Result<Vec<Imported>, String> {
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
    import(registry, name, bytes, created_unix_ms).map(|i| vec![i])
}

/// Writes entries in a format: a library file (`.sxvl`) keeps them as entries (names, tags,
/// recall and program-change settings), refusing one too large to read back; the other formats
/// hold their messages in order ([`export`]).
pub fn export_entries<'a>(
    registry: &crate::devices::Registry,
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
    Ok(export(registry, &messages, format, pacing))
}

/// Writes messages in a format (`.mid` spaced by `pacing`; a library file holds them as one
/// entry: use [`export_entries`] to keep entries apart).
pub fn export<T: AsRef<[u8]>>(
    registry: &crate::devices::Registry,
    messages: &[T],
    format: Format,
    pacing: &Pacing,
) -> Vec<u8> {
    match format {
        Format::Library => {
            let mut lib = crate::library::Library::default();
            let msgs = messages.iter().map(|m| m.as_ref().to_vec()).collect();
            lib.add(Entry::new(registry, msgs, Source::Capture, 0));
            crate::state::encode(&lib)
        }
        Format::Syx => syx::write(messages),
        Format::Mid => smf::write(messages, pacing),
        Format::Hex => hex::write(messages).into_bytes(),
    }
}

/// A file or folder name made from a user's name (an entry, a track), safe on every platform:
/// letters, digits, spaces and `-_.()` stay, anything else (path separators, `:`, `*`, `?`,
/// quotes, control characters) becomes `_`; leading and trailing spaces and dots go (Windows drops
/// trailing ones, a leading dot hides a file on Unix); a Windows device name (`CON`, `PRN`, `AUX`,
/// `NUL`, `COM1`–`COM9`, `LPT1`–`LPT9`, with any extension, any case) gets a `_` in front, so a
/// folder exported on Linux still opens on Windows. `fallback` names what is left empty.
pub fn safe_file_name(name: &str, fallback: &str) -> String {
    let mapped: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " -_.()".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let trimmed = mapped.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.is_empty() {
        return fallback.to_owned();
    }
    if is_windows_device_name(trimmed) {
        format!("_{trimmed}")
    } else {
        trimmed.to_owned()
    }
}

/// Whether Windows takes this name for a device: the part before the first dot, without trailing
/// spaces, is `CON`, `PRN`, `AUX`, `NUL`, `COM`/`LPT` and a digit 1–9 (or ¹ ² ³), in any case.
fn is_windows_device_name(name: &str) -> bool {
    let base = name.split('.').next().unwrap_or("").trim_end();
    let upper = base.to_uppercase();
    if ["CON", "PRN", "AUX", "NUL"].contains(&upper.as_str()) {
        return true;
    }
    let mut chars = upper.chars();
    let head: String = chars.by_ref().take(3).collect();
    let rest: Vec<char> = chars.collect();
    (head == "COM" || head == "LPT")
        && matches!(rest.as_slice(), [c] if ('1'..='9').contains(c) || "¹²³".contains(*c))
}

#[cfg(test)]
mod name_tests {
    use super::safe_file_name;

    #[test]
    fn separators_and_odd_characters_become_underscores() {
        assert_eq!(
            safe_file_name("Yamaha DX7: E.PIANO 1/2", "x"),
            "Yamaha DX7_ E.PIANO 1_2"
        );
        assert_eq!(safe_file_name(r#"a\b*c?d"e<f>g|h"#, "x"), "a_b_c_d_e_f_g_h");
        assert_eq!(safe_file_name("tab\there\n", "x"), "tab_here_");
        assert_eq!(
            safe_file_name("Strings (warm) - 2", "x"),
            "Strings (warm) - 2"
        );
        assert_eq!(safe_file_name("Flügel Æ", "x"), "Flügel Æ");
    }

    #[test]
    fn empty_dotted_and_spaced_names() {
        assert_eq!(safe_file_name("", "message"), "message");
        assert_eq!(safe_file_name(" ", "message"), "message");
        assert_eq!(safe_file_name("..", "unnamed"), "unnamed");
        assert_eq!(safe_file_name("::", "x"), "__");
        assert_eq!(safe_file_name("name. . ", "x"), "name");
        assert_eq!(safe_file_name(" .hidden", "x"), "hidden");
        assert_eq!(safe_file_name("a.b", "x"), "a.b");
    }

    #[test]
    fn windows_device_names_get_a_prefix() {
        for reserved in [
            "CON",
            "con",
            "Prn",
            "AUX",
            "nul",
            "COM1",
            "com9",
            "LPT1",
            "lpt9",
            "COM¹",
            "CON.syx",
            "nul.tar.gz",
            "AUX .mid",
            "CON.",
            "con ",
        ] {
            let safe = safe_file_name(reserved, "x");
            assert!(safe.starts_with('_'), "{reserved:?} -> {safe:?}");
        }
        assert_eq!(safe_file_name("CON.syx", "x"), "_CON.syx");
        assert_eq!(safe_file_name("lpt3", "x"), "_lpt3");
        for fine in [
            "CONSOLE",
            "COM0",
            "COM10",
            "LPT",
            "NULL.syx",
            "my CON",
            "AUXILIARY",
            "com1x",
            "PRN2",
        ] {
            assert_eq!(safe_file_name(fine, "x"), fine);
        }
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
            let bytes = export(crate::devices::test_registry(), &msgs, format, &Pacing::DIN);
            let imported = import(crate::devices::test_registry(), &name, &bytes, 0).unwrap();
            assert_eq!(imported.entry.messages, msgs, "{name}");
            assert_eq!(imported.entry.name, "bank");
        }
        let err = import(crate::devices::test_registry(), "junk.syx", b"not sysex", 0).unwrap_err();
        assert!(
            err.starts_with("junk.syx: no complete SysEx message in 9 bytes"),
            "{err}"
        );
        let err = import(crate::devices::test_registry(), "paste.txt", b"F0 4G", 0).unwrap_err();
        assert_eq!(err, "paste.txt: line 1, column 5: 'G' is not a hex digit");
        let w = import(
            crate::devices::test_registry(),
            "x.syx",
            &[0x00, 0xF0, 0x43, 0xF7],
            0,
        )
        .unwrap()
        .warnings;
        assert_eq!(
            w,
            vec!["x.syx: skipped 1 byte(s) outside any SysEx at offset 0"]
        );
    }
}
