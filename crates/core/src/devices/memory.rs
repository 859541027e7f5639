//! Names read across a stream of addressed messages (Roland DT1): each message carries a slice
//! of the synth's memory at an address, and a name may start in one message and end in the
//! next. A definition's `[[memory_name]]` tables say where in that memory the names are; the
//! messages of a dump are laid out by address and each name is read where all its bytes came.

use super::definition::NameField;
use super::pattern::{Pattern, Token};
use super::{Definition, Registry};
use std::collections::{BTreeMap, HashMap};

/// Names at regular places of a synth's memory (`[[memory_name]]` in a definition).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryNames {
    /// What each place holds, shown with its number ("Patch", "Upper tone").
    pub label: String,
    /// Address of the first place as the messages write it (`02 00 00`).
    pub address: Vec<u8>,
    /// The same as a number: the address bytes of 7 bits each, first byte most significant
    /// (Roland `02 00 00` is 32768).
    pub start: u64,
    /// Number of places.
    pub count: usize,
    /// Bytes from one place to the next.
    pub stride: usize,
    /// The name, relative to the place.
    pub name: NameField,
    /// The places are the patches (they name the entry); `false` for parts of a patch (tones).
    pub patches: bool,
}

/// A name found in a stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamName {
    /// The definition whose memory map found it.
    pub definition: String,
    /// The label of its place ("Patch").
    pub label: String,
    /// Place number, 1-based.
    pub number: usize,
    /// The name.
    pub name: String,
    /// Whether it names a patch (see [`MemoryNames::patches`]).
    pub patch: bool,
}

/// The number an address of 7-bit bytes stands for (first byte most significant); `None` for
/// a byte over 7Fh or more than 9 bytes.
pub fn address_value(bytes: &[u8]) -> Option<u64> {
    if bytes.len() > 9 || bytes.iter().any(|&b| b > 0x7F) {
        return None;
    }
    Some(bytes.iter().fold(0u64, |a, &b| (a << 7) | u64::from(b)))
}

/// An address written as hex bytes (`"02 00 00"`): the bytes and their number; `None` unless
/// every token is a byte under 80h (9 at most).
pub fn parse_address(text: &str) -> Option<(Vec<u8>, u64)> {
    let bytes = Pattern::parse(text)
        .ok()?
        .tokens()
        .iter()
        .map(|t| match t {
            Token::Byte(b) => Some(*b),
            _ => None,
        })
        .collect::<Option<Vec<u8>>>()?;
    let value = address_value(&bytes)?;
    Some((bytes, value))
}

impl Registry {
    /// The names that `[[memory_name]]` tables find in `messages` taken together: for each
    /// definition with such tables, its addressed messages (those with `address` and `data`)
    /// are laid out by address, and every place whose name bytes all arrived is named, in the
    /// tables' order. A later message at the same address wins, as on the synth.
    pub fn stream_names(&self, messages: &[Vec<u8>]) -> Vec<StreamName> {
        let mut memories: BTreeMap<usize, HashMap<u64, u8>> = BTreeMap::new();
        for msg in messages {
            let Some((d, m, _)) = self.identify(msg) else {
                continue;
            };
            if d.memory_names.is_empty() {
                continue;
            }
            let Some((at, len)) = m.address else { continue };
            let Some(address) = msg.get(at..at + len).and_then(address_value) else {
                continue;
            };
            let Some(data) = d.decoded(m, msg) else {
                continue;
            };
            let index = self.all().iter().position(|x| x.id == d.id).unwrap_or(0);
            let memory = memories.entry(index).or_default();
            for (i, b) in data.into_iter().enumerate() {
                memory.insert(address + i as u64, b);
            }
        }
        let mut out = Vec::new();
        for (index, memory) in memories {
            out.extend(names_in(&self.all()[index], &memory));
        }
        out
    }
}

/// The names of `d`'s memory tables that `memory` (address to byte) holds whole.
fn names_in(d: &Definition, memory: &HashMap<u64, u8>) -> Vec<StreamName> {
    let mut out = Vec::new();
    for t in &d.memory_names {
        for i in 0..t.count {
            let first = t.start + i as u64 * t.stride as u64 + t.name.offset as u64;
            let bytes: Option<Vec<u8>> = (0..t.name.charset.bytes_for(t.name.length) as u64)
                .map(|k| memory.get(&(first + k)).copied())
                .collect();
            if let Some(bytes) = bytes {
                out.push(StreamName {
                    definition: d.id.clone(),
                    label: t.label.clone(),
                    number: i + 1,
                    name: t.name.charset.decode(&bytes),
                    patch: t.patches,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_seven_bits_a_byte() {
        assert_eq!(address_value(&[0x02, 0x00, 0x00]), Some(2 << 14));
        assert_eq!(address_value(&[0x00, 0x03, 0x40]), Some(448));
        assert_eq!(address_value(&[0x80]), None);
        assert_eq!(address_value(&[0; 10]), None);
    }

    /// A definition with DT1 messages at 3-byte addresses and names of 4 ASCII bytes at offset
    /// 2 of places 8 bytes apart from 01 00 00.
    fn registry() -> Registry {
        let text = r#"
id = "test-dt1"
name = "Test"
maker = "Test"
sources = ["a test"]

[[message]]
id = "dt1"
label = "DT1"
kind = "data"
header = "F0 41 10 7F 12"
data = { from = 8, to = -2 }
address = { at = 5, length = 3 }

[[memory_name]]
label = "Patch"
start = "01 00 00"
count = 3
stride = 8
name = { offset = 2, length = 4 }
"#;
        let r = Registry::from_texts(vec![("test.toml".into(), text.into())], Vec::new());
        assert!(r.errors().is_empty(), "{:?}", r.errors());
        r
    }

    fn dt1(address: [u8; 3], data: &[u8]) -> Vec<u8> {
        let mut m = vec![0xF0, 0x41, 0x10, 0x7F, 0x12];
        m.extend(address);
        m.extend(data);
        m.extend([0x00, 0xF7]);
        m
    }

    #[test]
    fn a_name_across_two_messages_is_read_whole() {
        // Place 1 at 01 00 00 (name at 01 00 02..06) and place 2 at 01 00 08 (name at 0A..0E);
        // the first message ends inside place 1's name, the second starts there.
        let first = dt1([0x01, 0x00, 0x00], b"..AB");
        let second = dt1([0x01, 0x00, 0x04], b"CD....WXYZ");
        let names = registry().stream_names(&[first.clone(), second.clone()]);
        let got: Vec<(usize, &str)> = names.iter().map(|n| (n.number, n.name.as_str())).collect();
        assert_eq!(got, vec![(1, "ABCD"), (2, "WXYZ")]);
        assert!(names.iter().all(|n| n.patch && n.label == "Patch"));
        // Order of arrival does not matter; a place with a byte missing is not named.
        let names = registry().stream_names(&[second, first.clone()]);
        assert_eq!(names.len(), 2);
        assert!(registry().stream_names(&[first]).is_empty());
    }

    #[test]
    fn bad_memory_names_are_reported_where_they_are() {
        let base = r#"id = "t"
name = "T"
maker = "T"
sources = ["s"]

[[message]]
id = "dt1"
label = "DT1"
kind = "data"
header = "F0 41 10 7F 12"
"#;
        let table = |start: &str, count: usize| {
            format!(
                "\n[[memory_name]]\nlabel = \"Patch\"\nstart = \"{start}\"\ncount = {count}\nstride = 8\nname = {{ offset = 0, length = 4 }}\n"
            )
        };
        let addressed =
            format!("{base}data = {{ from = 8, to = -2 }}\naddress = {{ at = 5, length = 3 }}\n");
        let cases = [
            (
                format!("{addressed}{}", table("01 80 00", 2)),
                "start is an address",
            ),
            (
                format!("{addressed}{}", table("01 zz", 2)),
                "start is an address",
            ),
            (
                format!("{addressed}{}", table("01 00 00", 0)),
                "a count of 1",
            ),
            (format!("{base}{}", table("01 00 00", 2)), "none has both"),
        ];
        for (text, want) in cases {
            let r = Registry::from_texts(vec![("t.toml".into(), text)], Vec::new());
            assert!(r.all().is_empty());
            let e = &r.errors()[0];
            assert!(e.message.contains(want), "{e}");
            assert!(e.line > 10, "points into the table: {e}");
        }
        let ok = format!("{addressed}{}", table("01 00 00", 2));
        let r = Registry::from_texts(vec![("t.toml".into(), ok)], Vec::new());
        assert_eq!(r.all()[0].memory_names[0].address, vec![1, 0, 0]);
    }

    #[test]
    fn addresses_carry_over_seven_bits() {
        // Place 17 starts at 01 00 00 + 128 = 01 01 00: its name at 01 01 02.
        let r = registry();
        let mut text = r.all()[0].clone();
        text.memory_names[0].count = 17;
        let mut r = Registry {
            defs: vec![text],
            errors: Vec::new(),
            by_maker: Default::default(),
        };
        r.reindex();
        let names = r.stream_names(&[dt1([0x01, 0x01, 0x00], b"..LAST")]);
        assert_eq!(names.len(), 1);
        assert_eq!((names[0].number, names[0].name.as_str()), (17, "LAST"));
    }
}
