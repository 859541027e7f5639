//! Byte patterns of device definitions: message headers to match and request templates to fill.
//!
//! A pattern is a space-separated list of tokens, one byte each:
//!
//! | token | byte |
//! |---|---|
//! | `43`, `F0` | that byte (two hex digits; `F0` only first or after `F7`) |
//! | `0n`, `2n`, `7n` | high nibble as written, low nibble = MIDI channel − 1 |
//! | `dev` | device ID (0–127) |
//! | `prog` | program number, low 7 bits |
//! | `prog_hi` | program number, bits 7–13 |
//! | `bank` | bank number |
//! | `sub` | a model-specific selector (memory area, part) copied through unchanged |
//! | `??` | any byte (headers only) |
//! | `cs` | the checksum (request templates only) |

use std::fmt;

/// One token of a pattern.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    /// Exactly this byte.
    Byte(u8),
    /// High nibble as given (`0x00`–`0x70`), low nibble the channel.
    Channel(u8),
    /// The device ID.
    Device,
    /// Program number, low 7 bits.
    Program,
    /// Program number, bits 7–13.
    ProgramHigh,
    /// Bank number.
    Bank,
    /// A model-specific selector copied through.
    Sub,
    /// Any byte.
    Any,
    /// The checksum of a request template.
    Checksum,
}

/// The variable fields of a message: what a header match finds and what a template needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    /// MIDI channel, 0-based (0 = channel 1).
    pub channel: Option<u8>,
    /// Device ID as sent.
    pub device: Option<u8>,
    /// Program number as sent (0-based).
    pub program: Option<u16>,
    /// Bank number as sent.
    pub bank: Option<u8>,
    /// Model-specific selector as sent.
    pub sub: Option<u8>,
}

/// A parsed pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pattern {
    tokens: Vec<Token>,
}

/// Why a pattern could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError(pub String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a template could not be filled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FillError {
    /// The template needs this field and none was given.
    Missing(&'static str),
    /// The value does not fit the field.
    OutOfRange(&'static str, u32),
}

impl fmt::Display for FillError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FillError::Missing(field) => write!(f, "needs a {field}"),
            FillError::OutOfRange(field, v) => write!(f, "{field} {v} does not fit the message"),
        }
    }
}

impl Pattern {
    /// Parses a pattern. Where `??` and `cs` may appear is checked by the definition.
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        let mut tokens = Vec::new();
        for word in text.split_whitespace() {
            let lower = word.to_ascii_lowercase();
            let token = match lower.as_str() {
                "dev" => Token::Device,
                "prog" => Token::Program,
                "prog_hi" => Token::ProgramHigh,
                "bank" => Token::Bank,
                "sub" => Token::Sub,
                "??" => Token::Any,
                "cs" => Token::Checksum,
                w if w.len() == 2 && w.ends_with('n') => {
                    match u8::from_str_radix(&w[..1], 16) {
                        Ok(hi) if hi < 8 => Token::Channel(hi << 4),
                        _ => {
                            return Err(PatternError(format!(
                                "`{word}`: a channel token is a digit 0-7 followed by n (0n, 2n, 7n)"
                            )))
                        }
                    }
                }
                w if w.len() == 2 => match u8::from_str_radix(w, 16) {
                    Ok(b) => Token::Byte(b),
                    Err(_) => return Err(PatternError(format!("`{word}` is not a hex byte"))),
                },
                _ => {
                    return Err(PatternError(format!(
                        "`{word}` is not a pattern token (hex byte, 0n, dev, prog, prog_hi, bank, sub, ??, cs)"
                    )))
                }
            };
            if let Token::Byte(b) = token {
                let starts = tokens.is_empty() || tokens.last() == Some(&Token::Byte(0xF7));
                let at_edge = (starts && b == 0xF0) || b == 0xF7;
                if b >= 0x80 && !at_edge {
                    return Err(PatternError(format!(
                        "`{word}`: only F0 (first) and F7 may be over 7F"
                    )));
                }
            }
            tokens.push(token);
        }
        if tokens.is_empty() {
            return Err(PatternError("empty pattern".into()));
        }
        if tokens.contains(&Token::ProgramHigh) && !tokens.contains(&Token::Program) {
            return Err(PatternError(
                "`prog_hi` needs a `prog` for the low 7 bits".into(),
            ));
        }
        Ok(Pattern { tokens })
    }

    /// The tokens.
    pub fn tokens(&self) -> &[Token] {
        &self.tokens
    }

    /// Number of bytes the pattern covers.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Always false: a parsed pattern has at least one token.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// How specific the pattern is: 2 per literal byte, 1 per channel nibble.
    pub fn specificity(&self) -> u32 {
        self.tokens
            .iter()
            .map(|t| match t {
                Token::Byte(_) => 2,
                Token::Channel(_) => 1,
                _ => 0,
            })
            .sum()
    }

    /// Whether a token of this kind appears.
    pub fn has(&self, token: Token) -> bool {
        self.tokens.iter().any(|t| {
            std::mem::discriminant(t) == std::mem::discriminant(&token)
                && (!matches!(token, Token::Byte(_)) || *t == token)
        })
    }

    /// Position of the first token of this kind.
    pub fn position(&self, token: Token) -> Option<usize> {
        self.tokens
            .iter()
            .position(|t| std::mem::discriminant(t) == std::mem::discriminant(&token))
    }

    /// Matches the pattern against the start of `bytes`, returning the fields found.
    pub fn matches(&self, bytes: &[u8]) -> Option<Fields> {
        if bytes.len() < self.tokens.len() {
            return None;
        }
        let mut f = Fields::default();
        let mut program_high = None;
        fn same<T: PartialEq + Copy>(slot: &mut Option<T>, v: T) -> bool {
            match slot {
                Some(old) => *old == v,
                None => {
                    *slot = Some(v);
                    true
                }
            }
        }
        for (t, &b) in self.tokens.iter().zip(bytes) {
            let ok = match *t {
                Token::Byte(x) => b == x,
                Token::Channel(hi) => b & 0xF0 == hi && same(&mut f.channel, b & 0x0F),
                Token::Device => b < 0x80 && same(&mut f.device, b),
                Token::Program => b < 0x80 && same(&mut f.program, u16::from(b)),
                Token::ProgramHigh => b < 0x80 && same(&mut program_high, b),
                Token::Bank => b < 0x80 && same(&mut f.bank, b),
                Token::Sub => b < 0x80 && same(&mut f.sub, b),
                Token::Any | Token::Checksum => b < 0x80,
            };
            if !ok {
                return None;
            }
        }
        if let (Some(hi), Some(lo)) = (program_high, f.program) {
            f.program = Some(u16::from(hi) << 7 | lo);
        }
        Some(f)
    }

    /// Writes the pattern with `fields` filled in. `cs` becomes 0 (the caller computes it);
    /// `??` is refused.
    pub fn fill(&self, fields: &Fields) -> Result<Vec<u8>, FillError> {
        let mut out = Vec::with_capacity(self.tokens.len());
        for t in &self.tokens {
            let b = match *t {
                Token::Byte(x) => x,
                Token::Channel(hi) => {
                    let ch = fields.channel.ok_or(FillError::Missing("MIDI channel"))?;
                    if ch > 15 {
                        return Err(FillError::OutOfRange("channel", u32::from(ch) + 1));
                    }
                    hi | ch
                }
                Token::Device => seven("device ID", fields.device)?,
                Token::Program => {
                    let p = fields.program.ok_or(FillError::Missing("program number"))?;
                    if !self.has(Token::ProgramHigh) && p > 127 || p > 0x3FFF {
                        return Err(FillError::OutOfRange("program", u32::from(p)));
                    }
                    (p & 0x7F) as u8
                }
                Token::ProgramHigh => {
                    let p = fields.program.ok_or(FillError::Missing("program number"))?;
                    (p >> 7) as u8
                }
                Token::Bank => seven("bank", fields.bank)?,
                Token::Sub => seven("selector", fields.sub)?,
                Token::Checksum => 0,
                Token::Any => return Err(FillError::Missing("value for `??`")),
            };
            out.push(b);
        }
        Ok(out)
    }
}

fn seven(name: &'static str, v: Option<u8>) -> Result<u8, FillError> {
    match v {
        None => Err(FillError::Missing(name)),
        Some(v) if v > 0x7F => Err(FillError::OutOfRange(name, u32::from(v))),
        Some(v) => Ok(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_with_fields_matches_and_fills() {
        let p = Pattern::parse("F0 43 0n 09 20 00").unwrap();
        let f = p
            .matches(&[0xF0, 0x43, 0x05, 0x09, 0x20, 0x00, 0x11])
            .unwrap();
        assert_eq!(f.channel, Some(5));
        assert!(p.matches(&[0xF0, 0x43, 0x25, 0x09, 0x20, 0x00]).is_none());
        assert_eq!(
            p.fill(&f).unwrap(),
            vec![0xF0, 0x43, 0x05, 0x09, 0x20, 0x00]
        );
        assert_eq!(p.specificity(), 11);
    }

    #[test]
    fn two_byte_program_and_errors() {
        let p = Pattern::parse("F0 42 3n 00 01 2C 1C prog prog_hi F7").unwrap();
        let bytes = [0xF0, 0x42, 0x30, 0x00, 0x01, 0x2C, 0x1C, 0x47, 0x01, 0xF7];
        let f = p.matches(&bytes).unwrap();
        assert_eq!(f.program, Some(199));
        assert_eq!(p.fill(&f).unwrap(), bytes.to_vec());
        assert_eq!(
            p.fill(&Fields::default()),
            Err(FillError::Missing("MIDI channel"))
        );
        assert!(Pattern::parse("F0 9n").is_err());
        assert!(Pattern::parse("F0 80").is_err());
        assert!(Pattern::parse("F0 10 F0").is_err());
        assert!(Pattern::parse("F0 10 F7 F0 11 F7").is_ok());
        assert!(Pattern::parse("F0 zz").is_err());
        assert!(Pattern::parse("").is_err());
    }
}
