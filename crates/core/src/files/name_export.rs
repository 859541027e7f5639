//! Writing the patch names of a library's entries as files for a DAW: one file per synth, in
//! the chosen format ([`super::midnam`] or [`super::reabank`]), from what [`super::names`]
//! collects.

use super::names::NameFormat;
use crate::devices::Registry;
use crate::library::Entry;

/// One written patch-name file: the synth it names and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameFile {
    /// The synth ("Yamaha DX7").
    pub device: String,
    /// How many patches it names.
    pub patches: usize,
    /// The file's bytes (UTF-8 text).
    pub bytes: Vec<u8>,
}

/// The patch names of `entries` in `format`, one file per synth (Ardour reads one device per
/// MIDNAM document, REAPER one instrument per `.reabank`), with what was left out. An error
/// when no entry holds a patch a program change selects.
pub fn export<'a>(
    registry: &Registry,
    entries: impl IntoIterator<Item = &'a Entry>,
    format: NameFormat,
) -> Result<(Vec<NameFile>, Vec<String>), String> {
    let names = super::names::collect(registry, entries);
    if names.devices.is_empty() {
        let why = if names.left_out.is_empty() {
            "no entries".to_owned()
        } else {
            names.left_out.join("; ")
        };
        return Err(format!("no patch with a program number to name: {why}"));
    }
    let files = names
        .devices
        .iter()
        .map(|d| NameFile {
            device: d.device.clone(),
            patches: d.patches.len(),
            bytes: match format {
                NameFormat::Midnam => super::midnam::write(d),
                NameFormat::Reabank => super::reabank::write(d),
            }
            .into_bytes(),
        })
        .collect();
    Ok((files, names.left_out))
}
