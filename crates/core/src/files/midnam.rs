//! MIDI Name Document (MIDNAM, the MMA's MIDINameDocument 1.0) for one synth: one
//! `MasterDeviceNames`, a `Default` mode that gives all 16 channels one `ChannelNameSet`, and one
//! `PatchBank` without bank-select commands whose patches carry their `ProgramChange` (0-127)
//! and a 1-based `Number` label.
//!
//! One device per document: Ardour 7 reads `Manufacturer`, `Model`, `ChannelNameSet` and
//! `ChannelNameSetAssign` with document-wide searches, so two devices in one file would share
//! (and overwrite) each other's names.

use super::names::DevicePatches;
use std::fmt::Write as _;

/// What follows the synth's name in `Model`: DAWs key devices by model name, so an export
/// never collides with a patch file the DAW ships for the same synth.
pub const MODEL_SUFFIX: &str = " (SysEx Vault)";

/// The name of the one channel name set.
const NAME_SET: &str = "Library";

/// Text escaped for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows no other control characters, even as references.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The model name a DAW lists for this export of `device`.
pub fn model_name(device: &str) -> String {
    format!("{device}{MODEL_SUFFIX}")
}

/// The MIDNAM document naming `d`'s patches.
pub fn write(d: &DevicePatches) -> String {
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str("<!DOCTYPE MIDINameDocument PUBLIC \"-//MIDI Manufacturers Association//DTD MIDINameDocument 1.0//EN\" \"http://www.midi.org/dtds/MIDINameDocument10.dtd\">\n");
    x.push_str("<MIDINameDocument>\n");
    x.push_str("  <Author>SysEx Vault</Author>\n");
    x.push_str("  <MasterDeviceNames>\n");
    let _ = writeln!(x, "    <Manufacturer>{}</Manufacturer>", escape(&d.maker));
    let _ = writeln!(x, "    <Model>{}</Model>", escape(&model_name(&d.device)));
    x.push_str("    <CustomDeviceMode Name=\"Default\">\n");
    x.push_str("      <ChannelNameSetAssignments>\n");
    for ch in 1..=16 {
        let _ = writeln!(
            x,
            "        <ChannelNameSetAssign Channel=\"{ch}\" NameSet=\"{NAME_SET}\"/>"
        );
    }
    x.push_str("      </ChannelNameSetAssignments>\n");
    x.push_str("    </CustomDeviceMode>\n");
    let _ = writeln!(x, "    <ChannelNameSet Name=\"{NAME_SET}\">");
    x.push_str("      <AvailableForChannels>\n");
    for ch in 1..=16 {
        let _ = writeln!(
            x,
            "        <AvailableChannel Channel=\"{ch}\" Available=\"true\"/>"
        );
    }
    x.push_str("      </AvailableForChannels>\n");
    let bank = escape(&format!("{} patches", d.device));
    let _ = writeln!(x, "      <PatchBank Name=\"{bank}\">");
    let _ = writeln!(x, "        <PatchNameList Name=\"{bank}\">");
    for p in &d.patches {
        let _ = writeln!(
            x,
            "          <Patch Number=\"{}\" Name=\"{}\" ProgramChange=\"{}\"/>",
            u16::from(p.program) + 1,
            escape(&p.name),
            p.program
        );
    }
    x.push_str("        </PatchNameList>\n");
    x.push_str("      </PatchBank>\n");
    x.push_str("    </ChannelNameSet>\n");
    x.push_str("  </MasterDeviceNames>\n");
    x.push_str("</MIDINameDocument>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::names::{collect, NamedPatch};

    fn device(patches: Vec<NamedPatch>) -> DevicePatches {
        DevicePatches {
            definition: "x".into(),
            device: "Maker <Synth> & Co".into(),
            maker: "M&M".into(),
            patches,
        }
    }

    /// (ProgramChange, Number, Name) of every patch, read back as Ardour reads them.
    fn read_back(xml: &str) -> (String, String, Vec<(u8, String, String)>) {
        let doc = roxmltree::Document::parse_with_options(
            xml,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        )
        .unwrap();
        let text = |tag: &str| {
            let all: Vec<_> = doc.descendants().filter(|n| n.has_tag_name(tag)).collect();
            assert_eq!(all.len(), 1, "one {tag} per document");
            all[0].text().unwrap().to_owned()
        };
        assert_eq!(text("Author"), "SysEx Vault");
        let assigns: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("ChannelNameSetAssign"))
            .map(|n| {
                (
                    n.attribute("Channel").unwrap(),
                    n.attribute("NameSet").unwrap(),
                )
            })
            .collect();
        assert_eq!(assigns.len(), 16);
        let set = doc
            .descendants()
            .find(|n| n.has_tag_name("ChannelNameSet"))
            .unwrap();
        assert!(assigns
            .iter()
            .all(|(_, s)| Some(*s) == set.attribute("Name")));
        let patches = set
            .descendants()
            .filter(|n| n.has_tag_name("Patch"))
            .map(|n| {
                (
                    n.attribute("ProgramChange").unwrap().parse().unwrap(),
                    n.attribute("Number").unwrap().to_owned(),
                    n.attribute("Name").unwrap().to_owned(),
                )
            })
            .collect();
        (text("Manufacturer"), text("Model"), patches)
    }

    #[test]
    fn patches_read_back_at_their_program_changes() {
        let d = device(vec![
            NamedPatch {
                program: 0,
                name: "Brass \"1\" <A&B>".into(),
            },
            NamedPatch {
                program: 127,
                name: "Flügel ’s pad".into(),
            },
        ]);
        let (maker, model, patches) = read_back(&write(&d));
        assert_eq!(maker, "M&M");
        assert_eq!(model, "Maker <Synth> & Co (SysEx Vault)");
        assert_eq!(
            patches,
            vec![
                (0, "1".into(), "Brass \"1\" <A&B>".into()),
                (127, "128".into(), "Flügel ’s pad".into())
            ]
        );
    }

    #[test]
    fn a_library_bank_becomes_a_document() {
        let bank =
            crate::files::names::tests::entry(vec![crate::files::names::tests::dx7_bank(&[
                b"E.PIANO 1 ",
            ])]);
        let n = collect(crate::devices::test_registry(), [&bank]);
        let (maker, model, patches) = read_back(&write(&n.devices[0]));
        assert_eq!(
            (maker.as_str(), model.as_str()),
            ("Yamaha", "Yamaha DX7 (SysEx Vault)")
        );
        assert_eq!(patches.len(), 32);
        assert_eq!(patches[0], (0, "1".into(), "E.PIANO 1".into()));
        assert_eq!(patches[31].0, 31);
    }

    #[test]
    fn control_characters_never_reach_the_xml() {
        assert_eq!(escape("a\u{1}b\tc"), "a b c");
        assert_eq!(escape("<'&\">"), "&lt;&apos;&amp;&quot;&gt;");
    }
}
