//! Roland's addressed data protocol: DT1 (data set 1, command `12`) and RQ1 (data request 1,
//! command `11`), used from the D-50 era to today's synths.
//!
//! `F0 41 <device> <model ID: 1..=4 bytes> <command> <address> <data or size> <checksum> F7`; the
//! checksum covers every byte between the command and the checksum. Model-ID length differs per
//! synth, so the profile tries each length and takes the one whose checksum holds (else the first
//! with a known command). Address width also differs per model and is not needed for the
//! checksum; the detail line shows the first four address bytes. Which address holds a patch is
//! model-specific and not decoded here, so DT1 messages are reported as addressed data.

use super::{DeviceProfile, MessageKind, Recognised};
use crate::pacing::Pacing;
use crate::sysex::checksum;
use crate::sysex::message::{SysEx, U7};

/// Roland's manufacturer ID.
const ROLAND: u8 = 0x41;
/// Data set 1.
pub const DT1: u8 = 0x12;
/// Data request 1.
pub const RQ1: u8 = 0x11;

/// The generic Roland DT1/RQ1 profile.
pub struct Roland;

struct Parsed<'a> {
    model: &'a [u8],
    command: u8,
    payload: &'a [u8],
    found: u8,
}

fn parse<'a>(d: &'a [u8]) -> Option<Parsed<'a>> {
    if d.first() != Some(&ROLAND) || d.len() < 5 {
        return None;
    }
    let candidates = (1..=4usize).filter_map(|model_len| {
        let command = *d.get(2 + model_len)?;
        if command != DT1 && command != RQ1 || d.len() < 2 + model_len + 3 {
            return None;
        }
        Some(Parsed {
            model: &d[2..2 + model_len],
            command,
            payload: &d[3 + model_len..d.len() - 1],
            found: d[d.len() - 1],
        })
    });
    let mut first = None;
    for p in candidates {
        if checksum::roland(p.payload) == p.found {
            return Some(p);
        }
        first.get_or_insert(p);
    }
    first
}

impl DeviceProfile for Roland {
    fn id(&self) -> &'static str {
        "roland-dt1"
    }

    fn name(&self) -> &'static str {
        "Roland (DT1/RQ1)"
    }

    fn recognise(&self, msg: &SysEx<'_>) -> Option<Recognised> {
        let p = parse(msg.data())?;
        let model: Vec<String> = p.model.iter().map(|b| format!("{b:02X}")).collect();
        let address: Vec<String> = p
            .payload
            .iter()
            .take(4)
            .map(|b| format!("{b:02X}"))
            .collect();
        let (kind, name) = if p.command == DT1 {
            (MessageKind::Data, "DT1 data set")
        } else {
            (MessageKind::Request, "RQ1 data request")
        };
        Some(Recognised {
            profile: self.id(),
            device: format!("Roland (model {})", model.join(" ")),
            kind,
            preset_number: None,
            preset_names: Vec::new(),
            checksum: checksum::status(checksum::roland(p.payload), p.found),
            detail: format!(
                "{name}, device {:02X}, address {}, {} bytes after the command",
                msg.data()[1],
                address.join(" "),
                p.payload.len()
            ),
        })
    }

    fn dump_request(&self, _device_id: U7) -> Option<Vec<u8>> {
        // RQ1 needs a model-specific address and size; a generic one would be a guess.
        None
    }

    fn pacing(&self) -> Pacing {
        // Roland manuals ask for about 20 ms between DT1 messages of a bulk dump.
        Pacing {
            gap_after_message_ms: 20,
            ..Pacing::DIN
        }
    }
}

/// Builds a DT1 message with its checksum.
pub fn build_dt1(device: U7, model: &[u8], address: &[u8], data: &[u8]) -> Vec<u8> {
    let mut out = vec![0xF0, ROLAND, device.get()];
    out.extend(model);
    out.push(DT1);
    let start = out.len();
    out.extend(address);
    out.extend(data);
    out.push(checksum::roland(&out[start..]));
    out.push(0xF7);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sysex::checksum::ChecksumStatus;

    #[test]
    fn gs_reset_is_a_valid_dt1() {
        // The GS reset every Roland GS manual prints.
        let bytes = [
            0xF0, 0x41, 0x10, 0x42, 0x12, 0x40, 0x00, 0x7F, 0x00, 0x41, 0xF7,
        ];
        let r = Roland.recognise(&SysEx::new(&bytes).unwrap()).unwrap();
        assert_eq!(r.checksum, ChecksumStatus::Valid);
        assert_eq!(r.device, "Roland (model 42)");
        assert_eq!(r.kind, MessageKind::Data);
    }

    #[test]
    fn four_byte_model_id_is_found_by_checksum() {
        let dev = U7::new(0x10).unwrap();
        let bytes = build_dt1(
            dev,
            &[0x00, 0x00, 0x00, 0x64],
            &[0x19, 0x00, 0x00, 0x00],
            &[0x41, 0x42],
        );
        let r = Roland.recognise(&SysEx::new(&bytes).unwrap()).unwrap();
        assert_eq!(r.checksum, ChecksumStatus::Valid);
        assert_eq!(r.device, "Roland (model 00 00 00 64)");
        let mut broken = bytes.clone();
        let n = broken.len();
        broken[n - 3] ^= 1;
        let r = Roland.recognise(&SysEx::new(&broken).unwrap()).unwrap();
        assert!(matches!(r.checksum, ChecksumStatus::Invalid { .. }));
    }
}
