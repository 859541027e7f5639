//! Hex text, the form people paste from forums and MIDI monitors: `F0 43 00 …`, any whitespace or
//! commas between bytes, optional `0x` prefixes, runs of digits (`F07E7F`) allowed.

use std::fmt;

/// Why hex text could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HexError {
    /// A character that is not a hex digit, separator or `0x` prefix.
    InvalidCharacter {
        /// 1-based line.
        line: usize,
        /// 1-based column (in characters).
        column: usize,
        /// The character.
        found: char,
    },
    /// A run of digits with an odd count: a byte is missing a digit.
    OddDigits {
        /// 1-based line of the run.
        line: usize,
        /// 1-based column where the run starts.
        column: usize,
        /// How many digits the run has.
        digits: usize,
    },
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HexError::InvalidCharacter {
                line,
                column,
                found,
            } => {
                write!(
                    f,
                    "line {line}, column {column}: {found:?} is not a hex digit"
                )
            }
            HexError::OddDigits {
                line,
                column,
                digits,
            } => write!(
                f,
                "line {line}, column {column}: {digits} hex digits do not make whole bytes"
            ),
        }
    }
}

impl std::error::Error for HexError {}

/// Parses hex text into bytes.
pub fn read(text: &str) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::with_capacity(text.len() / 3);
    for (line_no, line) in text.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() || c == ',' || c == ';' {
                i += 1;
                continue;
            }
            let start = i;
            if c == '0' && matches!(chars.get(i + 1), Some('x' | 'X')) {
                i += 2;
            }
            let digits_start = i;
            while i < chars.len() && chars[i].is_ascii_hexdigit() {
                i += 1;
            }
            if i < chars.len() && !(chars[i].is_whitespace() || chars[i] == ',' || chars[i] == ';')
            {
                return Err(HexError::InvalidCharacter {
                    line: line_no + 1,
                    column: i + 1,
                    found: chars[i],
                });
            }
            let digits = i - digits_start;
            if digits == 0 || digits % 2 == 1 {
                return Err(HexError::OddDigits {
                    line: line_no + 1,
                    column: start + 1,
                    digits,
                });
            }
            for pair in chars[digits_start..i].chunks(2) {
                let hi = pair[0].to_digit(16).unwrap_or_default();
                let lo = pair[1].to_digit(16).unwrap_or_default();
                out.push((hi * 16 + lo) as u8);
            }
        }
    }
    Ok(out)
}

/// Writes messages as hex text: upper case, bytes separated by spaces, one message a line.
pub fn write<T: AsRef<[u8]>>(messages: &[T]) -> String {
    let mut out = String::new();
    for m in messages {
        let line: Vec<String> = m.as_ref().iter().map(|b| format!("{b:02X}")).collect();
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn forum_paste_forms() {
        assert_eq!(
            read("F0 7e 7F 06,01\n\t0xF7").unwrap(),
            [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]
        );
        assert_eq!(
            read("F07E7F0601F7").unwrap(),
            [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]
        );
        assert_eq!(read("").unwrap(), Vec::<u8>::new());
    }

    #[test]
    fn errors_point_at_the_character() {
        assert_eq!(
            read("F0 43\nF0 4G").unwrap_err(),
            HexError::InvalidCharacter {
                line: 2,
                column: 5,
                found: 'G'
            }
        );
        assert_eq!(
            read("F0 4 F7").unwrap_err(),
            HexError::OddDigits {
                line: 1,
                column: 4,
                digits: 1
            }
        );
        assert_eq!(
            read("0x").unwrap_err().to_string(),
            "line 1, column 1: 0 hex digits do not make whole bytes"
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100_000))]
        #[test]
        fn write_then_read_is_identity(msgs in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..12), 0..4)) {
            let text = write(&msgs);
            prop_assert_eq!(read(&text).unwrap(), msgs.concat());
        }

        #[test]
        fn read_never_panics(text in "\\PC{0,40}") {
            if let Ok(bytes) = read(&text) {
                prop_assert!(bytes.len() <= text.len() / 2);
            }
        }
    }
}
