//! The Yamaha 4-operator bank voice (TX81Z, DX21, DX27, DX100): a 128-byte packed voice of a
//! 32-voice bank (VMEM) ↔ the 93 bytes of a single voice (VCED) and the 23 bytes of the TX81Z's
//! additional voice data (ACED). The bit map is in `docs/research/yamaha-casio-kawai.md` §2
//! (TX81Z owner's manual p. 67-68, checked against three open-source editors).
//!
//! Bytes that hold one value are copied whole (as the DX7 layout does); bytes that hold several
//! values are cut into their fields, so bits outside every field are what a split drops. Bytes
//! 84-127 are unused on these models and packed as zeros.

/// Packed bytes of one voice in a 4-op 32-voice bank.
pub const PACKED: usize = 128;
/// Data bytes of a 4-op single voice (VCED).
pub const VCED: usize = 93;
/// Data bytes of the TX81Z's additional voice data (ACED), after its signature.
pub const ACED: usize = 23;

/// Unpacks a 128-byte bank voice into VCED (93 bytes) and ACED (23 bytes) data.
pub fn unpack(p: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
    if p.len() != PACKED {
        return Err(format!(
            "a 4-op packed voice is {PACKED} bytes, not {}",
            p.len()
        ));
    }
    let mut u = vec![0u8; VCED];
    let mut a = vec![0u8; ACED];
    // Operators in the order OP4, OP2, OP3, OP1: 10 packed bytes, 13 VCED and 5 ACED bytes each.
    for op in 0..4 {
        let (pb, ub, ab) = (op * 10, op * 13, op * 5);
        u[ub..ub + 6].copy_from_slice(&p[pb..pb + 6]); // AR, D1R, D2R, RR, D1L, level scaling
        u[ub + 6] = (p[pb + 9] >> 3) & 0x03; // rate scaling
        u[ub + 7] = (p[pb + 6] >> 3) & 0x07; // EG bias sensitivity
        u[ub + 8] = (p[pb + 6] >> 6) & 0x01; // amplitude modulation enable
        u[ub + 9] = p[pb + 6] & 0x07; // key velocity sensitivity
        u[ub + 10] = p[pb + 7]; // output level
        u[ub + 11] = p[pb + 8]; // coarse frequency
        u[ub + 12] = p[pb + 9] & 0x07; // detune
        let (f, w) = (p[73 + 2 * op], p[74 + 2 * op]);
        a[ab] = (f >> 3) & 0x01; // fixed frequency
        a[ab + 1] = f & 0x07; // fixed range
        a[ab + 2] = w & 0x0F; // frequency range fine
        a[ab + 3] = (w >> 4) & 0x07; // waveform
        a[ab + 4] = (f >> 4) & 0x03; // EG shift
    }
    u[52] = p[40] & 0x07; // algorithm
    u[53] = (p[40] >> 3) & 0x07; // feedback
    u[54..58].copy_from_slice(&p[41..45]); // LFO speed, delay, PMD, AMD
    u[58] = (p[40] >> 6) & 0x01; // LFO sync
    u[59] = p[45] & 0x03; // LFO wave
    u[60] = (p[45] >> 4) & 0x07; // pitch modulation sensitivity
    u[61] = (p[45] >> 2) & 0x03; // amplitude modulation sensitivity
    u[62] = p[46]; // transpose
    u[63] = (p[48] >> 3) & 0x01; // poly/mono
    u[64] = p[47]; // pitch bend range
    u[65] = p[48] & 0x01; // portamento mode
    u[66] = p[49]; // portamento time
    u[67] = p[50]; // foot-controller volume
    u[68] = (p[48] >> 2) & 0x01; // sustain foot switch
    u[69] = (p[48] >> 1) & 0x01; // portamento foot switch
    u[70] = (p[48] >> 4) & 0x01; // chorus
    u[71..77].copy_from_slice(&p[51..57]); // wheel and breath controller settings
    u[77..87].copy_from_slice(&p[57..67]); // name
    u[87..93].copy_from_slice(&p[67..73]); // pitch EG (DX21)
    a[20..23].copy_from_slice(&p[81..84]); // reverb rate, foot-controller pitch and amplitude
    Ok((u, a))
}

/// Packs VCED data (and ACED data, where given; zeros otherwise) into a 128-byte bank voice.
/// Values wider than their field are cut to the field.
pub fn pack(u: &[u8], a: Option<&[u8]>) -> Result<Vec<u8>, String> {
    if u.len() != VCED {
        return Err(format!(
            "4-op single-voice data is {VCED} bytes, not {}",
            u.len()
        ));
    }
    let zeros = [0u8; ACED];
    let a = a.unwrap_or(&zeros);
    if a.len() != ACED {
        return Err(format!(
            "TX81Z additional voice data is {ACED} bytes, not {}",
            a.len()
        ));
    }
    let mut p = vec![0u8; PACKED];
    for op in 0..4 {
        let (pb, ub, ab) = (op * 10, op * 13, op * 5);
        for i in 0..6 {
            p[pb + i] = u[ub + i] & 0x7F;
        }
        p[pb + 6] = (u[ub + 8] & 0x01) << 6 | (u[ub + 7] & 0x07) << 3 | (u[ub + 9] & 0x07);
        p[pb + 7] = u[ub + 10] & 0x7F;
        p[pb + 8] = u[ub + 11] & 0x7F;
        p[pb + 9] = (u[ub + 6] & 0x03) << 3 | (u[ub + 12] & 0x07);
        p[73 + 2 * op] = (a[ab + 4] & 0x03) << 4 | (a[ab] & 0x01) << 3 | (a[ab + 1] & 0x07);
        p[74 + 2 * op] = (a[ab + 3] & 0x07) << 4 | (a[ab + 2] & 0x0F);
    }
    p[40] = (u[52] & 0x07) | (u[53] & 0x07) << 3 | (u[58] & 0x01) << 6;
    p[45] = (u[59] & 0x03) | (u[61] & 0x03) << 2 | (u[60] & 0x07) << 4;
    p[48] = (u[65] & 0x01)
        | (u[69] & 0x01) << 1
        | (u[68] & 0x01) << 2
        | (u[63] & 0x01) << 3
        | (u[70] & 0x01) << 4;
    let whole = [
        (41, 54, 4),
        (46, 62, 1),
        (47, 64, 1),
        (49, 66, 1),
        (50, 67, 1),
        (51, 71, 22),
    ];
    for (to, from, n) in whole {
        for i in 0..n {
            p[to + i] = u[from + i] & 0x7F;
        }
    }
    for i in 0..3 {
        p[81 + i] = a[20 + i] & 0x7F;
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A packed voice with every unused bit (and bytes 84-127) clear.
    fn packed_voice() -> impl Strategy<Value = Vec<u8>> {
        proptest::collection::vec(any::<u8>(), PACKED).prop_map(|r| {
            let mut p: Vec<u8> = r.iter().map(|b| b & 0x7F).collect();
            for op in 0..4 {
                p[op * 10 + 9] &= 0x1F;
                p[73 + 2 * op] &= 0x3F;
            }
            p[40] &= 0x7F;
            p[45] &= 0x7F;
            p[48] &= 0x1F;
            p[84..].fill(0);
            p
        })
    }

    proptest! {
        #[test]
        fn packing_round_trips(p in packed_voice()) {
            let (u, a) = unpack(&p).unwrap();
            prop_assert_eq!(pack(&u, Some(&a)).unwrap(), p);
        }
    }

    #[test]
    fn published_bit_positions() {
        // TX81Z manual VMEM chart (byte 6 as the editors read it): AME bit 6, EBS bits 5-3,
        // KVS bits 2-0; byte 40: LFO sync bit 6, feedback 5-3, algorithm 2-0.
        let mut p = vec![0u8; PACKED];
        p[6] = 0b110_1011;
        p[40] = 0b101_0111;
        p[57..67].copy_from_slice(b"TX81Z VOX ");
        p[73] = 0b10_1110; // EG shift 2, fixed on, range 6
        p[74] = 0b101_1001; // waveform 5, fine 9
        let (u, a) = unpack(&p).unwrap();
        assert_eq!((u[8], u[7], u[9]), (1, 5, 3));
        assert_eq!((u[58], u[53], u[52]), (1, 2, 7));
        assert_eq!(&u[77..87], b"TX81Z VOX ");
        assert_eq!(&a[0..5], &[1, 6, 9, 5, 2]);
        // Bits outside every field do not survive: bit 5 of byte 48, anything in 84-127.
        p[48] = 0x20;
        p[100] = 1;
        let (u, a) = unpack(&p).unwrap();
        let back = pack(&u, Some(&a)).unwrap();
        assert_eq!((back[48], back[100]), (0, 0));
    }
}
