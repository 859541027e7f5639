//! Yamaha DX7 (and compatibles: TX7, TX816, Dexed): single voice (VCED) and 32-voice bulk (VMEM)
//! dumps, per the DX7 owner's manual's MIDI data format.
//!
//! - Single voice: `F0 43 0n 00 01 1B <155 bytes> <checksum> F7` (163 bytes); name at bytes 145..155.
//! - 32 voices: `F0 43 0n 09 20 00 <4096 bytes> <checksum> F7` (4,104 bytes); 128 packed bytes a
//!   voice, name at bytes 118..128 of each.
//! - Checksum: Yamaha's, the 7-bit two's complement of the sum of the data bytes.
//! - Dump request: `F0 43 2n <format> F7` (format 0 single voice, 9 for 32 voices).

use super::{ascii_name, DeviceProfile, MessageKind, Recognised};
use crate::pacing::Pacing;
use crate::sysex::checksum;
use crate::sysex::message::{SysEx, U7};

/// Yamaha's manufacturer ID.
const YAMAHA: u8 = 0x43;
/// Format number of a single voice dump.
pub const FORMAT_VOICE: u8 = 0x00;
/// Format number of a 32-voice bulk dump.
pub const FORMAT_BANK: u8 = 0x09;
/// Data bytes of a single voice.
pub const VOICE_LEN: usize = 155;
/// Data bytes of a 32-voice bulk dump.
pub const BANK_LEN: usize = 4096;

/// The DX7 profile.
pub struct Dx7;

impl DeviceProfile for Dx7 {
    fn id(&self) -> &'static str {
        "yamaha-dx7"
    }

    fn name(&self) -> &'static str {
        "Yamaha DX7"
    }

    fn recognise(&self, msg: &SysEx<'_>) -> Option<Recognised> {
        let d = msg.data();
        if d.len() < 5 || d[0] != YAMAHA || d[1] & 0x70 != 0 {
            return None;
        }
        let count = (usize::from(d[3]) << 7) | usize::from(d[4]);
        let (kind, expected_len) = match d[2] {
            FORMAT_VOICE => (MessageKind::SinglePreset, VOICE_LEN),
            FORMAT_BANK => (MessageKind::Bank, BANK_LEN),
            _ => return None,
        };
        if count != expected_len || d.len() != 5 + expected_len + 1 {
            return None;
        }
        let data = &d[5..5 + expected_len];
        let found = d[5 + expected_len];
        let preset_names = match kind {
            MessageKind::Bank => data.chunks(128).map(|v| ascii_name(&v[118..128])).collect(),
            _ => vec![ascii_name(&data[145..155])],
        };
        Some(Recognised {
            profile: self.id(),
            device: self.name().to_owned(),
            kind,
            preset_number: None,
            detail: format!(
                "{} on channel {}",
                if kind == MessageKind::Bank {
                    "32-voice bulk dump"
                } else {
                    "Single voice"
                },
                (d[1] & 0x0F) + 1
            ),
            preset_names,
            checksum: checksum::status(checksum::yamaha(data), found),
        })
    }

    fn dump_request(&self, device_id: U7) -> Option<Vec<u8>> {
        Some(vec![
            0xF0,
            YAMAHA,
            0x20 | (device_id.get() & 0x0F),
            FORMAT_BANK,
            0xF7,
        ])
    }

    fn pacing(&self) -> Pacing {
        Pacing::DIN
    }
}

/// Builds a DX7 dump from raw voice data (155 bytes for a voice, 4,096 for a bank), checksum
/// included. Used by tests and by anyone assembling banks.
pub fn build_dump(channel: u8, data: &[u8]) -> Option<Vec<u8>> {
    let format = match data.len() {
        VOICE_LEN => FORMAT_VOICE,
        BANK_LEN => FORMAT_BANK,
        _ => return None,
    };
    let mut out = vec![0xF0, YAMAHA, channel & 0x0F, format];
    out.push(((data.len() >> 7) & 0x7F) as u8);
    out.push((data.len() & 0x7F) as u8);
    out.extend(data.iter().map(|b| b & 0x7F));
    out.push(checksum::yamaha(&out[6..]));
    out.push(0xF7);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysex::checksum::ChecksumStatus;

    fn bank() -> Vec<u8> {
        let mut data = vec![0u8; BANK_LEN];
        for (i, voice) in data.chunks_mut(128).enumerate() {
            voice[118..128].copy_from_slice(format!("VOICE {i:<4}").as_bytes());
        }
        build_dump(0, &data).unwrap()
    }

    #[test]
    fn bank_is_recognised_with_names_and_checksum() {
        let bytes = bank();
        assert_eq!(bytes.len(), 4104);
        let r = Dx7.recognise(&SysEx::new(&bytes).unwrap()).unwrap();
        assert_eq!(r.kind, MessageKind::Bank);
        assert_eq!(r.preset_names.len(), 32);
        assert_eq!(r.preset_names[31], "VOICE 31");
        assert_eq!(r.checksum, ChecksumStatus::Valid);
    }

    #[test]
    fn single_voice_name_and_bad_checksum() {
        let mut data = vec![0u8; VOICE_LEN];
        data[145..155].copy_from_slice(b"E.PIANO 1 ");
        let mut bytes = build_dump(2, &data).unwrap();
        assert_eq!(bytes.len(), 163);
        let r = Dx7.recognise(&SysEx::new(&bytes).unwrap()).unwrap();
        assert_eq!(r.preset_names, vec!["E.PIANO 1".to_owned()]);
        assert_eq!(r.detail, "Single voice on channel 3");
        bytes[10] ^= 1;
        let r = Dx7.recognise(&SysEx::new(&bytes).unwrap()).unwrap();
        assert!(matches!(r.checksum, ChecksumStatus::Invalid { .. }));
    }

    #[test]
    fn other_yamaha_messages_are_not_dx7() {
        let msg = SysEx::new(&[0xF0, 0x43, 0x10, 0x01, 0x02, 0x03, 0xF7]).unwrap();
        assert!(Dx7.recognise(&msg).is_none());
    }
}
