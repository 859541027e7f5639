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
    /// Moog Little Phatty: 7-bit indexes into ` A–Z 0–9 a–z !#$%&()*?@` (past the end: `?`),
    /// packed bit by bit: character 2k is bit 0 of byte 3k (high) and bits 0–5 of byte 3k+1;
    /// character 2k+1 is bits 0–1 of byte 3k+2 (high) and bits 2–5 of byte 3k+3.
    MoogPhatty,
}

/// The Little Phatty's name alphabet, by index.
const PHATTY: &[u8] = b" ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz!#$%&()*?@";

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
            Charset::MoogPhatty => PHATTY.get(usize::from(b)).map_or('?', |&c| c as char),
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

    /// Writes a name given as one byte per character ([`Charset::byte`]) into `bytes` (the
    /// [`Charset::bytes_for`] bytes that hold it): byte for byte, or packed (Little Phatty),
    /// keeping the bits of `bytes` that are not the name's.
    pub fn write(self, codes: &[u8], bytes: &mut [u8]) {
        if self != Charset::MoogPhatty {
            for (b, &c) in bytes.iter_mut().zip(codes) {
                *b = c;
            }
            return;
        }
        for (i, &x) in codes.iter().enumerate() {
            let k = 3 * (i / 2);
            let mut set = |at: usize, mask: u8, value: u8| {
                if let Some(b) = bytes.get_mut(at) {
                    *b = (*b & !mask) | (value & mask);
                }
            };
            if i.is_multiple_of(2) {
                set(k, 0x01, x >> 6);
                set(k + 1, 0x3F, x);
            } else {
                set(k + 2, 0x03, x >> 4);
                set(k + 3, 0x3C, x << 2);
            }
        }
    }

    /// Bytes that hold a name of `chars` characters.
    pub fn bytes_for(self, chars: usize) -> usize {
        match (self, chars) {
            (Charset::MoogPhatty, 0) => 0,
            (Charset::MoogPhatty, n) => 3 * ((n - 1) / 2) + if n.is_multiple_of(2) { 4 } else { 2 },
            (_, n) => n,
        }
    }

    /// Decodes a name from its bytes ([`Charset::bytes_for`] of them), trimming trailing
    /// spaces and NULs.
    pub fn decode(self, bytes: &[u8]) -> String {
        let s: String = match self {
            Charset::MoogPhatty => (0..)
                .map_while(|i: usize| {
                    let k = 3 * (i / 2);
                    let index = if i.is_multiple_of(2) {
                        ((bytes.get(k)? & 0x01) << 6) | (bytes.get(k + 1)? & 0x3F)
                    } else {
                        ((bytes.get(k + 2)? & 0x03) << 4) | ((bytes.get(k + 3)? & 0x3C) >> 2)
                    };
                    Some(self.char(index))
                })
                .collect(),
            _ => bytes.iter().map(|&b| self.char(b)).collect(),
        };
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

    #[test]
    fn phatty_names_are_packed_two_characters_in_four_bytes() {
        // "Ab" then "9": A = 1 (byte 0 bit 0 = 0, byte 1 = 1), b = 38 = 10 0110b (byte 2 low
        // bits = 10b, byte 3 bits 2-5 = 0110b), 9 = 36 (byte 3 bit 0 = 0, byte 4 = 36).
        let bytes = [0x00, 0x01, 0x02, 0x06 << 2, 0x24];
        assert_eq!(Charset::MoogPhatty.bytes_for(3), 5);
        assert_eq!(Charset::MoogPhatty.bytes_for(13), 20);
        assert_eq!(Charset::MoogPhatty.decode(&bytes), "Ab9");
        // Past the alphabet's 73 characters: `?`.
        assert_eq!(Charset::MoogPhatty.decode(&[0x01, 0x3F]), "?");
        assert_eq!(Charset::MoogPhatty.decode(&[0x01, 0x08]), "@");
        assert_eq!(Charset::Ascii.bytes_for(13), 13);
        // Written back over other data, only the name's bits change.
        let mut packed = [0x7Eu8; 20];
        let codes: Vec<u8> = "Fat Bass!    "
            .chars()
            .map(|c| Charset::MoogPhatty.byte(c).unwrap())
            .collect();
        Charset::MoogPhatty.write(&codes, &mut packed);
        assert_eq!(Charset::MoogPhatty.decode(&packed), "Fat Bass!");
        assert!(packed.iter().all(|b| b & 0x40 == 0x40), "bit 6 is kept");
    }
}
