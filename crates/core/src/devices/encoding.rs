//! How synths put 8-bit patch data into 7-bit SysEx bytes, and how a bank's slots are packed.
//!
//! - `seven-bit`: one byte per byte (the data is already 7-bit).
//! - `nibbles-low-first` / `nibbles-high-first`: each byte as two bytes of four bits (Oberheim
//!   Matrix, Ensoniq ESQ-1, Casio CZ, Roland MKS-50 bulk dumps send the low nibble first).
//! - `ms-bit-packed`: groups of up to seven bytes sent as one byte holding their top bits
//!   (bit 0 for the first byte of the group) followed by the seven bytes without their top bit;
//!   a short last group has fewer bytes (Sequential/DSI, Korg MS2000 and minilogue, Behringer
//!   DeepMind).
//!
//! [`Layout::Dx7Voice`] maps a 128-byte packed voice of a DX7 32-voice bank to the 155-byte
//! single-voice data and back (DX7 owner's manual data format; Dexed `sysex-format.txt`);
//! [`Layout::Yamaha4opVoice`] does the same for the 4-op voice (`yamaha4op`).

use serde::Deserialize;

/// A transfer encoding.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// Bytes as they are.
    #[default]
    SevenBit,
    /// Two 4-bit bytes per byte, low nibble first.
    NibblesLowFirst,
    /// Two 4-bit bytes per byte, high nibble first.
    NibblesHighFirst,
    /// Seven bytes to eight, top bits first.
    MsBitPacked,
}

/// Why encoded bytes could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl Encoding {
    /// Decodes transfer bytes into patch data.
    pub fn decode(self, bytes: &[u8]) -> Result<Vec<u8>, DecodeError> {
        match self {
            Encoding::SevenBit => Ok(bytes.to_vec()),
            Encoding::NibblesLowFirst | Encoding::NibblesHighFirst => {
                if !bytes.len().is_multiple_of(2) {
                    return Err(DecodeError(format!(
                        "{} nibbles: an odd count",
                        bytes.len()
                    )));
                }
                if let Some(b) = bytes.iter().find(|&&b| b > 0x0F) {
                    return Err(DecodeError(format!("nibble byte {b:02X} is over 0F")));
                }
                Ok(bytes
                    .chunks(2)
                    .map(|p| {
                        if self == Encoding::NibblesLowFirst {
                            p[0] | p[1] << 4
                        } else {
                            p[0] << 4 | p[1]
                        }
                    })
                    .collect())
            }
            Encoding::MsBitPacked => {
                let mut out = Vec::with_capacity(bytes.len() * 7 / 8 + 7);
                for group in bytes.chunks(8) {
                    let top = group[0];
                    if group.len() == 1 {
                        return Err(DecodeError("a packed group with no data bytes".into()));
                    }
                    for (i, &b) in group[1..].iter().enumerate() {
                        out.push(b | ((top >> i) & 1) << 7);
                    }
                }
                Ok(out)
            }
        }
    }

    /// Encodes patch data into transfer bytes.
    pub fn encode(self, data: &[u8]) -> Vec<u8> {
        match self {
            Encoding::SevenBit => data.iter().map(|b| b & 0x7F).collect(),
            Encoding::NibblesLowFirst => data.iter().flat_map(|b| [b & 0x0F, b >> 4]).collect(),
            Encoding::NibblesHighFirst => data.iter().flat_map(|b| [b >> 4, b & 0x0F]).collect(),
            Encoding::MsBitPacked => {
                let mut out = Vec::with_capacity(data.len() + data.len() / 7 + 1);
                for group in data.chunks(7) {
                    let top = group
                        .iter()
                        .enumerate()
                        .fold(0u8, |acc, (i, b)| acc | (b >> 7) << i);
                    out.push(top);
                    out.extend(group.iter().map(|b| b & 0x7F));
                }
                out
            }
        }
    }

    /// Where decoded byte `i` starts in the encoded bytes (for showing names in hex views).
    pub fn encoded_offset(self, i: usize) -> usize {
        match self {
            Encoding::SevenBit => i,
            Encoding::NibblesLowFirst | Encoding::NibblesHighFirst => 2 * i,
            Encoding::MsBitPacked => 8 * (i / 7) + 1 + i % 7,
        }
    }
}

/// How one slot of a bank relates to the data of the single-patch message it becomes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Layout {
    /// The slot is the patch's data as it is.
    #[default]
    Same,
    /// DX7: a 128-byte packed voice (VMEM) ↔ 155 bytes of single-voice data (VCED).
    Dx7Voice,
    /// Yamaha 4-op: a 128-byte packed voice (VMEM) ↔ 93 bytes of single-voice data (VCED),
    /// plus the 23 bytes of the TX81Z's additional voice data (ACED) as the companion.
    #[serde(rename = "yamaha-4op-voice")]
    Yamaha4opVoice,
}

impl Layout {
    /// The patch message's data for one slot, and the companion message's data (sent before
    /// the patch, such as the TX81Z's ACED; empty for layouts without one).
    pub fn slot_to_patch(self, slot: &[u8]) -> Result<(Vec<u8>, Vec<u8>), DecodeError> {
        match self {
            Layout::Same => Ok((slot.to_vec(), Vec::new())),
            Layout::Dx7Voice => Ok((dx7_unpack(slot)?, Vec::new())),
            Layout::Yamaha4opVoice => super::yamaha4op::unpack(slot).map_err(DecodeError),
        }
    }

    /// The slot bytes of a patch's data (and its companion's, where the layout has one; `None`
    /// packs the companion's part as zeros).
    pub fn patch_to_slot(self, patch: &[u8], with: Option<&[u8]>) -> Result<Vec<u8>, DecodeError> {
        match self {
            Layout::Same => Ok(patch.to_vec()),
            Layout::Dx7Voice => dx7_pack(patch),
            Layout::Yamaha4opVoice => super::yamaha4op::pack(patch, with).map_err(DecodeError),
        }
    }
}

/// Packed bytes of one DX7 voice in a 32-voice bank.
pub const DX7_PACKED: usize = 128;
/// Data bytes of a DX7 single voice.
pub const DX7_VOICE: usize = 155;

/// Unpacks a 128-byte DX7 bank voice into 155 bytes of single-voice data. Unused bits are
/// ignored, as the manual says.
pub fn dx7_unpack(p: &[u8]) -> Result<Vec<u8>, DecodeError> {
    if p.len() != DX7_PACKED {
        return Err(DecodeError(format!(
            "a DX7 packed voice is {DX7_PACKED} bytes, not {}",
            p.len()
        )));
    }
    let mut u = vec![0u8; DX7_VOICE];
    for op in 0..6 {
        let (pb, ub) = (op * 17, op * 21);
        u[ub..ub + 11].copy_from_slice(&p[pb..pb + 11]);
        u[ub + 11] = p[pb + 11] & 0x03;
        u[ub + 12] = (p[pb + 11] >> 2) & 0x03;
        u[ub + 13] = p[pb + 12] & 0x07;
        u[ub + 20] = (p[pb + 12] >> 3) & 0x0F;
        u[ub + 14] = p[pb + 13] & 0x03;
        u[ub + 15] = (p[pb + 13] >> 2) & 0x07;
        u[ub + 16] = p[pb + 14] & 0x7F;
        u[ub + 17] = p[pb + 15] & 0x01;
        u[ub + 18] = (p[pb + 15] >> 1) & 0x1F;
        u[ub + 19] = p[pb + 16] & 0x7F;
    }
    u[126..134].copy_from_slice(&p[102..110]);
    u[134] = p[110] & 0x1F;
    u[135] = p[111] & 0x07;
    u[136] = (p[111] >> 3) & 0x01;
    u[137..141].copy_from_slice(&p[112..116]);
    u[141] = p[116] & 0x01;
    u[142] = (p[116] >> 1) & 0x07;
    u[143] = (p[116] >> 4) & 0x07;
    u[144] = p[117] & 0x7F;
    u[145..155].copy_from_slice(&p[118..128]);
    Ok(u)
}

/// Packs 155 bytes of DX7 single-voice data into the 128 bytes of a bank voice. Values wider
/// than their field are cut to the field.
pub fn dx7_pack(u: &[u8]) -> Result<Vec<u8>, DecodeError> {
    if u.len() != DX7_VOICE {
        return Err(DecodeError(format!(
            "DX7 single-voice data is {DX7_VOICE} bytes, not {}",
            u.len()
        )));
    }
    let mut p = vec![0u8; DX7_PACKED];
    for op in 0..6 {
        let (pb, ub) = (op * 17, op * 21);
        for i in 0..11 {
            p[pb + i] = u[ub + i] & 0x7F;
        }
        p[pb + 11] = (u[ub + 11] & 0x03) | (u[ub + 12] & 0x03) << 2;
        p[pb + 12] = (u[ub + 13] & 0x07) | (u[ub + 20] & 0x0F) << 3;
        p[pb + 13] = (u[ub + 14] & 0x03) | (u[ub + 15] & 0x07) << 2;
        p[pb + 14] = u[ub + 16] & 0x7F;
        p[pb + 15] = (u[ub + 17] & 0x01) | (u[ub + 18] & 0x1F) << 1;
        p[pb + 16] = u[ub + 19] & 0x7F;
    }
    for i in 0..8 {
        p[102 + i] = u[126 + i] & 0x7F;
    }
    p[110] = u[134] & 0x1F;
    p[111] = (u[135] & 0x07) | (u[136] & 0x01) << 3;
    for i in 0..4 {
        p[112 + i] = u[137 + i] & 0x7F;
    }
    p[116] = (u[141] & 0x01) | (u[142] & 0x07) << 1 | (u[143] & 0x07) << 4;
    p[117] = u[144] & 0x7F;
    for i in 0..10 {
        p[118 + i] = u[145 + i] & 0x7F;
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_encoding() -> impl Strategy<Value = Encoding> {
        prop_oneof![
            Just(Encoding::SevenBit),
            Just(Encoding::NibblesLowFirst),
            Just(Encoding::NibblesHighFirst),
            Just(Encoding::MsBitPacked),
        ]
    }

    /// A packed voice with every unused bit clear, built field by field.
    fn dx7_packed_voice() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(any::<u8>(), DX7_PACKED).prop_map(|r| {
            let mut p: Vec<u8> = r.iter().map(|b| b & 0x7F).collect();
            for op in 0..6 {
                let b = op * 17;
                p[b + 11] &= 0x0F;
                p[b + 12] &= 0x7F;
                p[b + 13] &= 0x1F;
                p[b + 15] &= 0x3F;
            }
            p[110] &= 0x1F;
            p[111] &= 0x0F;
            p[116] &= 0x7F;
            p
        })
    }

    proptest! {
        #[test]
        fn every_encoding_round_trips(enc in any_encoding(), data in proptest::collection::vec(any::<u8>(), 0..600)) {
            let data: Vec<u8> = if enc == Encoding::SevenBit {
                data.iter().map(|b| b & 0x7F).collect()
            } else {
                data
            };
            let encoded = enc.encode(&data);
            prop_assert!(encoded.iter().all(|&b| b < 0x80));
            prop_assert_eq!(enc.decode(&encoded).unwrap(), data.clone());
            for i in 0..data.len() {
                let at = enc.encoded_offset(i);
                prop_assert!(at < encoded.len());
            }
        }

        #[test]
        fn ms_bit_packed_length(n in 0usize..3000) {
            let data = vec![0x80u8; n];
            prop_assert_eq!(Encoding::MsBitPacked.encode(&data).len(), n + n.div_ceil(7));
        }

        #[test]
        fn dx7_voice_packing_round_trips(p in dx7_packed_voice()) {
            let u = dx7_unpack(&p).unwrap();
            prop_assert_eq!(dx7_pack(&u).unwrap(), p);
        }
    }

    #[test]
    fn published_sizes() {
        // Korg MS2000 implementation: 254 bytes pack to 291; Sequential Rev2: 2046 to 2339.
        assert_eq!(Encoding::MsBitPacked.encode(&[0; 254]).len(), 291);
        assert_eq!(Encoding::MsBitPacked.encode(&[0; 2046]).len(), 2339);
        assert!(Encoding::NibblesLowFirst.decode(&[0x10, 0x00]).is_err());
        assert_eq!(
            Encoding::NibblesLowFirst.decode(&[0x01, 0x02]).unwrap(),
            vec![0x21]
        );
        // DSI manual diagram: bit 0 of the first byte carries the top bit of the first data byte.
        assert_eq!(
            Encoding::MsBitPacked.encode(&[0x81, 0x02, 0x83]),
            vec![0b101, 0x01, 0x02, 0x03]
        );
    }
}
