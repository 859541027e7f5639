//! The checksums synth makers put at the end of their SysEx data.

/// The result of checking a message's checksum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChecksumStatus {
    /// The checksum matches the data.
    Valid,
    /// The checksum does not match.
    Invalid {
        /// The value the data calls for.
        expected: u8,
        /// The value in the message.
        found: u8,
    },
    /// The message has no checksum we know of.
    NotApplicable,
}

/// Seven-bit two's complement of the sum: the byte that brings `sum + checksum` to 0 mod 128.
fn complement(bytes: &[u8]) -> u8 {
    let sum = bytes.iter().fold(0u32, |acc, &b| acc + u32::from(b));
    ((128 - (sum % 128)) % 128) as u8
}

/// Roland checksum over the address and data bytes of a DT1/RQ1 message.
pub fn roland(address_and_data: &[u8]) -> u8 {
    complement(address_and_data)
}

/// Yamaha bulk-dump checksum over the data bytes (after the byte count).
pub fn yamaha(data: &[u8]) -> u8 {
    complement(data)
}

/// Compares the byte `found` with the checksum `expected`.
pub fn status(expected: u8, found: u8) -> ChecksumStatus {
    if expected == found {
        ChecksumStatus::Valid
    } else {
        ChecksumStatus::Invalid { expected, found }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roland_example_from_the_manuals() {
        // DT1 to address 40 00 7F, data 00 (GS reset): checksum 41.
        assert_eq!(roland(&[0x40, 0x00, 0x7F, 0x00]), 0x41);
        // Address 40 11 00, data 41: checksum 6E.
        assert_eq!(roland(&[0x40, 0x11, 0x00, 0x41]), 0x6E);
    }

    #[test]
    fn yamaha_sum_plus_checksum_is_zero_mod_128() {
        let data: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 128) as u8).collect();
        let cs = yamaha(&data);
        let sum: u32 = data.iter().map(|&b| u32::from(b)).sum::<u32>() + u32::from(cs);
        assert_eq!(sum % 128, 0);
        assert_eq!(yamaha(&[]), 0);
    }
}
