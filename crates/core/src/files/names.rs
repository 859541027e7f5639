//! Patch names for a DAW's program picker: the recognised patches of entries (banks read slot by
//! slot) with the program numbers the definitions read, one device per definition, written as a
//! MIDNAM document ([`super::midnam`]) or a REAPER `.reabank` ([`super::reabank`]).
//!
//! The definitions carry no bank-select facts, so each synth gets one bank and a patch is
//! listed at the program change number its definition reads (0-127). What a program change
//! alone cannot select is left out and reported: edit-buffer dumps (no program number),
//! programs past 127, and a second patch at a program number already named (the first in
//! library order is kept).

use crate::devices::Registry;
use crate::library::Entry;

/// A patch-name format a DAW reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameFormat {
    /// MIDI Name Document, `.midnam` (Ardour, Mixbus, Harrison; the MMA's MIDINameDocument 1.0).
    Midnam,
    /// REAPER's `.reabank` (ReaControlMIDI, the MIDI editor's program names).
    Reabank,
}

impl NameFormat {
    /// The format a file name's extension says, if it is a patch-name format.
    pub fn from_name(name: &str) -> Option<NameFormat> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".midnam") {
            Some(NameFormat::Midnam)
        } else if lower.ends_with(".reabank") {
            Some(NameFormat::Reabank)
        } else {
            None
        }
    }

    /// The usual extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            NameFormat::Midnam => "midnam",
            NameFormat::Reabank => "reabank",
        }
    }
}

/// One patch at its program change number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamedPatch {
    /// Program change number, 0-127 (as sent).
    pub program: u8,
    /// The name the definition reads, cleaned for one line ([`clean_name`]).
    pub name: String,
}

/// One synth's patches, ordered by program number, one per number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DevicePatches {
    /// The definition's id.
    pub definition: String,
    /// The synth, as the definition names it ("Yamaha DX7").
    pub device: String,
    /// Its maker ("Yamaha").
    pub maker: String,
    /// The patches.
    pub patches: Vec<NamedPatch>,
}

/// What [`collect`] found: the devices, in the order their first patch came, and a line for
/// everything left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PatchNames {
    /// One per definition, each with at least one patch.
    pub devices: Vec<DevicePatches>,
    /// Why each patch or entry was left out, one line each.
    pub left_out: Vec<String>,
}

/// A name on one line: control characters (tabs, line breaks) become spaces, surrounding
/// spaces go; an empty name becomes "(no name)".
pub fn clean_name(name: &str) -> String {
    let one_line: String = name
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let trimmed = one_line.trim();
    if trimmed.is_empty() {
        "(no name)".to_owned()
    } else {
        trimmed.to_owned()
    }
}

/// One patch as a message says it: device, program (if any) and name.
struct Found<'r> {
    def: &'r crate::devices::Definition,
    program: Option<u16>,
    name: String,
}

/// The patches a message holds: a bank's slots (program = the header's or the first program,
/// plus the slot), a patch message's own program; nothing for other messages.
fn patches_in<'r>(registry: &'r Registry, msg: &[u8]) -> Vec<Found<'r>> {
    let Some((def, m, f)) = registry.identify(msg) else {
        return Vec::new();
    };
    let described = def.describe(m, f, msg);
    if let Some(s) = &m.slots {
        let first = f.program.unwrap_or(s.first_program);
        return described
            .preset_names
            .into_iter()
            .enumerate()
            .map(|(i, name)| Found {
                def,
                program: Some(first + i as u16),
                name,
            })
            .collect();
    }
    if !m.kind.is_patch() {
        return Vec::new();
    }
    let name = described
        .preset_names
        .into_iter()
        .next()
        .unwrap_or_default();
    vec![Found {
        def,
        program: f.program,
        name,
    }]
}

/// The patches of `entries` by device, with what was left out and why.
pub fn collect<'a>(
    registry: &Registry,
    entries: impl IntoIterator<Item = &'a Entry>,
) -> PatchNames {
    let mut out = PatchNames::default();
    for e in entries {
        let found: Vec<Found> = e
            .messages
            .iter()
            .flat_map(|m| patches_in(registry, m))
            .collect();
        if found.is_empty() {
            out.left_out.push(format!(
                "“{}”: holds no patch a definition names ({})",
                e.name,
                e.kind.label()
            ));
            continue;
        }
        for p in found {
            add(&mut out, &e.name, p);
        }
    }
    for d in &mut out.devices {
        d.patches.sort_by_key(|p| p.program);
    }
    out
}

/// Files one patch under its device, or says why not.
fn add(out: &mut PatchNames, entry: &str, p: Found) {
    let name = clean_name(&p.name);
    let Some(program) = p.program else {
        out.left_out.push(format!(
            "“{entry}”: “{name}” is an edit-buffer dump with no program number; a program change cannot select it"
        ));
        return;
    };
    let Some(program) = u8::try_from(program).ok().filter(|&p| p < 128) else {
        out.left_out.push(format!(
            "“{entry}”: “{name}” is program {program}, past the 128 a program change selects without bank select"
        ));
        return;
    };
    let index = match out.devices.iter().position(|d| d.definition == p.def.id) {
        Some(i) => i,
        None => {
            out.devices.push(DevicePatches {
                definition: p.def.id.clone(),
                device: p.def.name.clone(),
                maker: p.def.maker.clone(),
                patches: Vec::new(),
            });
            out.devices.len() - 1
        }
    };
    let device = &mut out.devices[index];
    match device.patches.iter().find(|q| q.program == program) {
        // The same patch twice (a bank and a patch split from it) loses nothing.
        Some(kept) if kept.name == name => {}
        Some(kept) => out.left_out.push(format!(
            "“{entry}”: “{name}” at {} program {}: that number already holds “{}” (the first kept)",
            device.device,
            u16::from(program) + 1,
            kept.name
        )),
        None => device.patches.push(NamedPatch { program, name }),
    }
}

/// The file name for one synth's file: `stem.ext` when there is one synth, else
/// `stem - Device.ext` (the device made file-name safe).
pub fn file_name(stem: &str, device: &str, several: bool, format: NameFormat) -> String {
    if several {
        format!(
            "{stem} - {}.{}",
            super::safe_file_name(device, "device"),
            format.extension()
        )
    } else {
        format!("{stem}.{}", format.extension())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::files::name_export::export;
    use crate::library::Source;

    /// A DX7 single voice (edit buffer) named `name`.
    pub(crate) fn dx7_voice(name: &[u8; 10]) -> Vec<u8> {
        let mut data = vec![0u8; 155];
        data[145..155].copy_from_slice(name);
        let sum: u32 = data.iter().map(|&b| u32::from(b)).sum();
        let mut m = vec![0xF0, 0x43, 0x00, 0x00, 0x01, 0x1B];
        m.extend(&data);
        m.push(((128 - sum % 128) % 128) as u8);
        m.push(0xF7);
        m
    }

    /// A DX7 32-voice bank whose voices are named `names` (the rest "INIT VOICE").
    pub(crate) fn dx7_bank(names: &[&[u8; 10]]) -> Vec<u8> {
        let mut data = vec![0u8; 4096];
        for i in 0..32 {
            let n: &[u8; 10] = names.get(i).copied().unwrap_or(b"INIT VOICE");
            data[i * 128 + 118..i * 128 + 128].copy_from_slice(n);
        }
        let sum: u32 = data.iter().map(|&b| u32::from(b)).sum();
        let mut m = vec![0xF0, 0x43, 0x00, 0x09, 0x20, 0x00];
        m.extend(&data);
        m.push(((128 - sum % 128) % 128) as u8);
        m.push(0xF7);
        m
    }

    /// A program dump of definition `def` (message `msg`): bank `bank`, program `program`,
    /// named `name`, the rest of its data zero.
    pub(crate) fn program_dump(
        def: &str,
        msg: &str,
        bank: u8,
        program: u16,
        name: &str,
    ) -> Vec<u8> {
        let def = crate::devices::test_registry().get(def).unwrap();
        let m = def.message(msg).unwrap();
        let len = m.length.0;
        let (from, enc) = def.data_start(m, len).unwrap();
        let encoded = len - from - 1;
        let mut data = enc.decode(&vec![0; encoded]).unwrap();
        let at = m.name.as_ref().unwrap().offset;
        data[at..at + name.len()].copy_from_slice(name.as_bytes());
        let fields = crate::devices::Fields {
            bank: Some(bank),
            program: Some(program),
            ..Default::default()
        };
        def.build(m, &def.default_fields(fields), &data).unwrap()
    }

    /// A Prophet Rev2 program dump: bank `bank`, program `program`, name `name`.
    pub(crate) fn rev2_program(bank: u8, program: u8, name: &str) -> Vec<u8> {
        program_dump("sequential-rev2", "program", bank, u16::from(program), name)
    }

    pub(crate) fn entry(messages: Vec<Vec<u8>>) -> Entry {
        Entry::new(
            crate::devices::test_registry(),
            messages,
            Source::Capture,
            0,
        )
    }

    #[test]
    fn a_bank_names_its_slots_at_their_programs() {
        let bank = entry(vec![dx7_bank(&[b"BRASS   1 ", b"STRINGS 1 "])]);
        let n = collect(crate::devices::test_registry(), [&bank]);
        assert!(n.left_out.is_empty(), "{:?}", n.left_out);
        assert_eq!(n.devices.len(), 1);
        let d = &n.devices[0];
        assert_eq!(
            (d.definition.as_str(), d.device.as_str()),
            ("yamaha-dx7", "Yamaha DX7")
        );
        assert_eq!(d.patches.len(), 32);
        assert_eq!(
            d.patches[0],
            NamedPatch {
                program: 0,
                name: "BRASS   1".into()
            }
        );
        assert_eq!(d.patches[1].name, "STRINGS 1");
        assert_eq!(d.patches[31].program, 31);
    }

    #[test]
    fn edit_buffers_and_non_patches_are_left_out_with_a_reason() {
        let voice = entry(vec![dx7_voice(b"LONELY    ")]);
        let other = entry(vec![vec![0xF0, 0x7D, 0x01, 0xF7]]);
        let n = collect(crate::devices::test_registry(), [&voice, &other]);
        assert!(n.devices.is_empty());
        assert_eq!(n.left_out.len(), 2, "{:?}", n.left_out);
        assert!(n.left_out[0].contains("“LONELY”") && n.left_out[0].contains("no program number"));
        assert!(
            n.left_out[1].contains("holds no patch"),
            "{}",
            n.left_out[1]
        );
        let err = export(
            crate::devices::test_registry(),
            [&voice],
            NameFormat::Midnam,
        )
        .unwrap_err();
        assert!(err.contains("no program number"), "{err}");
    }

    #[test]
    fn the_first_patch_at_a_number_is_kept_and_the_rest_reported() {
        let a = entry(vec![rev2_program(0, 5, "First")]);
        let b = entry(vec![rev2_program(3, 5, "Second")]);
        let again = entry(vec![rev2_program(0, 5, "First")]);
        let c = entry(vec![rev2_program(0, 2, "Low")]);
        let n = collect(crate::devices::test_registry(), [&a, &b, &again, &c]);
        let d = &n.devices[0];
        assert_eq!(d.definition, "sequential-rev2");
        let got: Vec<(u8, &str)> = d
            .patches
            .iter()
            .map(|p| (p.program, p.name.as_str()))
            .collect();
        assert_eq!(got, vec![(2, "Low"), (5, "First")]);
        assert_eq!(n.left_out.len(), 1, "{:?}", n.left_out);
        assert!(n.left_out[0].contains("“Second”") && n.left_out[0].contains("“First”"));
    }

    #[test]
    fn one_device_per_definition_and_file_names() {
        let dx = entry(vec![dx7_bank(&[])]);
        let rev = entry(vec![rev2_program(0, 0, "Pad")]);
        let (files, left) = export(
            crate::devices::test_registry(),
            [&dx, &rev],
            NameFormat::Reabank,
        )
        .unwrap();
        assert!(left.is_empty());
        let devices: Vec<(&str, usize)> = files
            .iter()
            .map(|f| (f.device.as_str(), f.patches))
            .collect();
        assert_eq!(
            devices,
            vec![("Yamaha DX7", 32), ("Sequential Prophet Rev2", 1)]
        );
        assert_eq!(
            file_name("out", "Yamaha DX7", false, NameFormat::Midnam),
            "out.midnam"
        );
        assert_eq!(
            file_name("out", "Korg MS2000 / microKORG", true, NameFormat::Reabank),
            "out - Korg MS2000 _ microKORG.reabank"
        );
    }

    #[test]
    fn names_are_one_line_and_formats_follow_the_extension() {
        assert_eq!(clean_name("  A\tB\nC  "), "A B C");
        assert_eq!(clean_name(" \u{1} "), "(no name)");
        assert_eq!(NameFormat::from_name("x.MIDNAM"), Some(NameFormat::Midnam));
        assert_eq!(
            NameFormat::from_name("x.reabank"),
            Some(NameFormat::Reabank)
        );
        assert_eq!(NameFormat::from_name("x.syx"), None);
    }
}
