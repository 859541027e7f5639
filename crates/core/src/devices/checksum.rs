//! Checksum rules of device definitions: which bytes are summed, how, and where the result goes.

use crate::sysex::checksum::ChecksumStatus;
use serde::Deserialize;

/// How a checksum is computed from the covered bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rule {
    /// The 7-bit two's complement of the sum, so that bytes + checksum ≡ 0 mod 128 (Roland DT1/RQ1,
    /// Yamaha bulk dumps).
    TwosComplement,
    /// The low 7 bits of the sum (plus `initial`): Oberheim Matrix, Waldorf Blofeld, Access
    /// Virus, Kawai K1/K4 (`initial = 0xA5`).
    Sum,
    /// The exclusive-or of the bytes, low 7 bits.
    Xor,
}

/// Which bytes a checksum covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Over {
    /// The message bytes in `from..to`.
    #[default]
    Message,
    /// The decoded patch data (Oberheim Matrix: the sum of the unpacked bytes).
    Decoded,
}

/// A checksum as a definition describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checksum {
    /// How it is computed.
    pub rule: Rule,
    /// Added to the sum before masking (0 for most synths).
    pub initial: u8,
    /// First covered byte (message offset; negative counts from the end).
    pub from: isize,
    /// End of the covered bytes, exclusive (negative counts from the end).
    pub to: isize,
    /// Where the checksum byte is (negative counts from the end).
    pub at: isize,
    /// Which bytes are summed.
    pub over: Over,
    /// Values the synth accepts whatever the data (Blofeld: `7F`).
    pub also_accept: Vec<u8>,
}

/// Resolves a possibly negative offset against a length.
pub fn resolve(offset: isize, len: usize) -> Option<usize> {
    if offset < 0 {
        len.checked_sub(offset.unsigned_abs())
    } else {
        Some(offset as usize).filter(|&o| o <= len)
    }
}

impl Rule {
    /// The checksum of `bytes`.
    pub fn compute(self, initial: u8, bytes: &[u8]) -> u8 {
        match self {
            Rule::TwosComplement => {
                let sum = bytes
                    .iter()
                    .fold(u32::from(initial), |a, &b| a + u32::from(b));
                ((128 - sum % 128) % 128) as u8
            }
            Rule::Sum => {
                (bytes
                    .iter()
                    .fold(u32::from(initial), |a, &b| a + u32::from(b))
                    & 0x7F) as u8
            }
            Rule::Xor => bytes.iter().fold(initial, |a, &b| a ^ b) & 0x7F,
        }
    }
}

impl Checksum {
    /// The checksum `msg` should carry; `decoded` is its decoded data, used with
    /// [`Over::Decoded`]. `None` when the message is too short for the range.
    pub fn expected(&self, msg: &[u8], decoded: Option<&[u8]>) -> Option<u8> {
        let covered = match self.over {
            Over::Message => {
                let from = resolve(self.from, msg.len())?;
                let to = resolve(self.to, msg.len())?;
                msg.get(from..to)?
            }
            Over::Decoded => decoded?,
        };
        Some(self.rule.compute(self.initial, covered))
    }

    /// Checks the checksum of `msg`.
    pub fn status(&self, msg: &[u8], decoded: Option<&[u8]>) -> ChecksumStatus {
        let at = resolve(self.at, msg.len()).filter(|&a| a < msg.len());
        match (self.expected(msg, decoded), at) {
            (Some(expected), Some(at)) => {
                let found = msg[at];
                if found == expected || self.also_accept.contains(&found) {
                    ChecksumStatus::Valid
                } else {
                    ChecksumStatus::Invalid { expected, found }
                }
            }
            _ => ChecksumStatus::NotApplicable,
        }
    }

    /// Writes the right checksum into `msg`; false when the message does not fit the range.
    pub fn write(&self, msg: &mut [u8], decoded: Option<&[u8]>) -> bool {
        let at = resolve(self.at, msg.len()).filter(|&a| a < msg.len());
        match (self.expected(msg, decoded), at) {
            (Some(v), Some(at)) => {
                msg[at] = v;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn published_examples() {
        // Roland GS reset (address 40 00 7F, data 00) → 41; the GS "dump all" RQ1 → 74.
        assert_eq!(
            Rule::TwosComplement.compute(0, &[0x40, 0x00, 0x7F, 0x00]),
            0x41
        );
        assert_eq!(
            Rule::TwosComplement.compute(0, &[0x0C, 0, 0, 0, 0, 0]),
            0x74
        );
        // D-50 WSD for patch 1-1: address 02 00 00, size 00 03 40 → 3B.
        assert_eq!(
            Rule::TwosComplement.compute(0, &[0x02, 0, 0, 0, 0x03, 0x40]),
            0x3B
        );
        // Kawai: 0xA5 plus the data.
        assert_eq!(Rule::Sum.compute(0xA5, &[0x01, 0x02]), (0xA5 + 3) & 0x7F);
    }

    #[test]
    fn status_and_write() {
        let c = Checksum {
            rule: Rule::Sum,
            initial: 0,
            from: 1,
            to: -2,
            at: -2,
            over: Over::Message,
            also_accept: vec![0x7F],
        };
        let mut msg = vec![0xF0, 0x10, 0x20, 0x00, 0xF7];
        assert!(matches!(
            c.status(&msg, None),
            ChecksumStatus::Invalid { expected: 0x30, .. }
        ));
        assert!(c.write(&mut msg, None));
        assert_eq!(msg[3], 0x30);
        assert_eq!(c.status(&msg, None), ChecksumStatus::Valid);
        msg[3] = 0x7F;
        assert_eq!(c.status(&msg, None), ChecksumStatus::Valid);
        assert_eq!(c.status(&[0xF0, 0xF7], None), ChecksumStatus::NotApplicable);
    }

    proptest! {
        #[test]
        fn twos_complement_sums_to_zero(data in proptest::collection::vec(0u8..0x80, 0..5000)) {
            let cs = Rule::TwosComplement.compute(0, &data);
            let sum: u32 = data.iter().map(|&b| u32::from(b)).sum::<u32>() + u32::from(cs);
            prop_assert_eq!(sum % 128, 0);
            prop_assert!(cs < 0x80);
        }

        #[test]
        fn sum_and_xor_stay_seven_bit(data in proptest::collection::vec(any::<u8>(), 0..5000), init in 0u8..0x80) {
            prop_assert!(Rule::Sum.compute(init, &data) < 0x80);
            prop_assert!(Rule::Xor.compute(init, &data) < 0x80);
            let total = data.iter().fold(u32::from(init), |a, &b| a + u32::from(b));
            prop_assert_eq!(u32::from(Rule::Sum.compute(init, &data)), total & 0x7F);
        }
    }
}
