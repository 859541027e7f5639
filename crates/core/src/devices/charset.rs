//! How synths store patch names: ASCII, or a maker's own table of 64 characters.

use serde::Deserialize;

/// A character set for patch names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Charset {
    /// ASCII 32–126; anything else shows as a space.
    #[default]
    Ascii,
    /// Roland D-50 table: 0 space, 1–26 A–Z, 27–52 a–z, 53–61 1–9, 62 0, 63 `-`.
    RolandD50,
    /// Roland Alpha Juno / MKS-50 table (low 6 bits): 0–25 A–Z, 26–51 a–z, 52–61 0–9,
    /// 62 space, 63 `-`.
    RolandAlphaJuno,
    /// Oberheim Matrix: 6-bit ASCII, values below 20h are 40h–5Fh (`@`, A–Z, …).
    #[serde(rename = "oberheim-6bit")]
    Oberheim6Bit,
}

impl Charset {
    /// One character.
    pub fn char(self, b: u8) -> char {
        match self {
            Charset::Ascii => {
                if (0x20..0x7F).contains(&b) {
                    b as char
                } else {
                    ' '
                }
            }
            Charset::RolandD50 => match b {
                0 => ' ',
                1..=26 => (b'A' + b - 1) as char,
                27..=52 => (b'a' + b - 27) as char,
                53..=61 => (b'1' + b - 53) as char,
                62 => '0',
                63 => '-',
                _ => ' ',
            },
            Charset::RolandAlphaJuno => match b & 0x3F {
                c @ 0..=25 => (b'A' + c) as char,
                c @ 26..=51 => (b'a' + c - 26) as char,
                c @ 52..=61 => (b'0' + c - 52) as char,
                62 => ' ',
                _ => '-',
            },
            Charset::Oberheim6Bit => match b & 0x3F {
                c @ 0..=0x1F => (c + 0x40) as char,
                c => c as char,
            },
        }
    }

    /// The byte that stands for `c` (ASCII: its code; a maker's table: its place), `None` when
    /// the set has no such character.
    pub fn byte(self, c: char) -> Option<u8> {
        if self == Charset::Ascii {
            return (c.is_ascii() && (' '..='~').contains(&c)).then_some(c as u8);
        }
        (0u8..0x80).find(|&b| self.char(b) == c)
    }

    /// Decodes a name, trimming trailing spaces and NULs.
    pub fn decode(self, bytes: &[u8]) -> String {
        let s: String = bytes.iter().map(|&b| self.char(b)).collect();
        s.trim_end().to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables() {
        assert_eq!(Charset::Ascii.decode(b"E.PIANO 1 \0"), "E.PIANO 1");
        assert_eq!(
            Charset::RolandD50.decode(&[8, 5, 12, 12, 15, 0, 62, 53, 63]),
            "HELLO 01-"
        );
        assert_eq!(
            Charset::RolandAlphaJuno.decode(&[7, 30, 62, 52, 63]),
            "He 0-"
        );
        assert_eq!(
            Charset::Oberheim6Bit.decode(&[0x02, 0x0E, 0x0B, 0x32, 0x3A, 0x20]),
            "BNK2:"
        );
        for set in [
            Charset::Ascii,
            Charset::RolandD50,
            Charset::RolandAlphaJuno,
            Charset::Oberheim6Bit,
        ] {
            for c in ['A', 'Z', '0', '9', ' ', '-'] {
                let b = set.byte(c).unwrap_or_else(|| panic!("{set:?} has {c:?}"));
                assert_eq!(set.char(b), c, "{set:?}");
            }
        }
        assert_eq!(Charset::RolandD50.byte(' '), Some(0));
        assert_eq!(Charset::Ascii.byte(' '), Some(0x20));
        assert_eq!(Charset::RolandD50.byte('!'), None);
        assert_eq!(Charset::Ascii.byte('é'), None);
    }
}
