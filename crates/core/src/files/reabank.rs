//! REAPER `.reabank` for one synth, in the format of the `GM.reabank` REAPER ships: `//` comment
//! lines, a `Bank MSB LSB Name` line, then one `Program Name` line per patch (0-127) until the
//! next bank line. The definitions carry no bank-select facts, so the one bank is `Bank 0 0`.

use super::names::DevicePatches;
use std::fmt::Write as _;

/// The `.reabank` text naming `d`'s patches.
pub fn write(d: &DevicePatches) -> String {
    let mut t = String::new();
    let _ = writeln!(
        t,
        "// {} patch names, written by SysEx Vault.",
        one_line(&d.device)
    );
    t.push_str("// Program numbers are program changes as sent (0-127). The device definition\n");
    t.push_str("// carries no bank select, so all patches are in one bank, 0 0.\n");
    let _ = writeln!(t, "Bank 0 0 {}", one_line(&d.device));
    for p in &d.patches {
        let _ = writeln!(t, "{} {}", p.program, one_line(&p.name));
    }
    t
}

/// Text for one line of the file (no control characters, never empty).
fn one_line(text: &str) -> String {
    super::names::clean_name(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::names::NamedPatch;

    /// A line of a `.reabank`: a comment, a bank or a program.
    #[derive(Debug, PartialEq)]
    enum Line {
        Comment,
        Bank(u8, u8, String),
        Program(u8, String),
    }

    /// Parses a `.reabank` by its grammar; panics on a line that is none of the three.
    fn parse(text: &str) -> Vec<Line> {
        let seven = |s: &str| -> u8 {
            let v: u8 = s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}"));
            assert!(v < 128, "{v} is past 127");
            v
        };
        text.lines()
            .map(|l| {
                assert!(!l.chars().any(char::is_control), "{l:?}");
                if l.starts_with("//") {
                    return Line::Comment;
                }
                if let Some(rest) = l.strip_prefix("Bank ") {
                    let mut it = rest.splitn(3, ' ');
                    let msb = seven(it.next().unwrap());
                    let lsb = seven(it.next().unwrap());
                    let name = it.next().unwrap().to_owned();
                    assert!(!name.is_empty());
                    return Line::Bank(msb, lsb, name);
                }
                let (n, name) = l.split_once(' ').unwrap_or_else(|| panic!("{l:?}"));
                assert!(!name.is_empty(), "{l:?}");
                Line::Program(seven(n), name.to_owned())
            })
            .collect()
    }

    #[test]
    fn one_bank_then_programs_by_the_grammar() {
        let d = DevicePatches {
            definition: "x".into(),
            device: "Yamaha DX7".into(),
            maker: "Yamaha".into(),
            patches: vec![
                NamedPatch {
                    program: 0,
                    name: "BRASS 1".into(),
                },
                NamedPatch {
                    program: 5,
                    name: "Pad\tline\nbreak".into(),
                },
                NamedPatch {
                    program: 127,
                    name: "  ".into(),
                },
            ],
        };
        let lines: Vec<Line> = parse(&write(&d))
            .into_iter()
            .filter(|l| *l != Line::Comment)
            .collect();
        assert_eq!(
            lines,
            vec![
                Line::Bank(0, 0, "Yamaha DX7".into()),
                Line::Program(0, "BRASS 1".into()),
                Line::Program(5, "Pad line break".into()),
                Line::Program(127, "(no name)".into()),
            ]
        );
    }
}
