//! Moog Little Phatty (and Slim Phatty, which shares its SysEx handling).
//!
//! The LP Stage II manual (pages 41-43, "Receiving SysEx Data") names four transfers: a single
//! preset (stored at the current preset location), all presets (replaces the bank), a bulk dump,
//! and firmware updates ("RX FIRMWARE"). It publishes no byte layout for them, so this profile
//! does not guess: it identifies Moog messages (manufacturer `04`) and keeps their bytes opaque.
//! A firmware update is many messages and is the transfer that fails on a fast DIN link, so the
//! pacing defaults stay at the DIN rate with SysEx Librarian's 150 ms gap. The LP has no
//! documented dump request: dumps are started from its SYSEX menu.

use super::{DeviceProfile, MessageKind, Recognised};
use crate::pacing::Pacing;
use crate::sysex::checksum::ChecksumStatus;
use crate::sysex::message::{SysEx, U7};

/// Moog's manufacturer ID.
const MOOG: u8 = 0x04;

/// The Little Phatty profile.
pub struct LittlePhatty;

impl DeviceProfile for LittlePhatty {
    fn id(&self) -> &'static str {
        "moog-little-phatty"
    }

    fn name(&self) -> &'static str {
        "Moog Little Phatty"
    }

    fn recognise(&self, msg: &SysEx<'_>) -> Option<Recognised> {
        if msg.data().first() != Some(&MOOG) {
            return None;
        }
        Some(Recognised {
            profile: self.id(),
            device: "Moog (Little Phatty family)".to_owned(),
            kind: MessageKind::Other,
            preset_number: None,
            preset_names: Vec::new(),
            checksum: ChecksumStatus::NotApplicable,
            detail: format!(
                "{} bytes; layout not published by Moog, kept opaque",
                msg.len()
            ),
        })
    }

    fn dump_request(&self, _device_id: U7) -> Option<Vec<u8>> {
        None
    }

    fn pacing(&self) -> Pacing {
        Pacing::DIN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moog_messages_are_recognised_and_opaque() {
        let msg = SysEx::new(&[0xF0, 0x04, 0x05, 0x01, 0x02, 0xF7]).unwrap();
        let r = LittlePhatty.recognise(&msg).unwrap();
        assert_eq!(r.kind, MessageKind::Other);
        assert!(r.detail.starts_with("6 bytes"));
        assert!(LittlePhatty.dump_request(U7::MAX).is_none());
        let other = SysEx::new(&[0xF0, 0x43, 0xF7]).unwrap();
        assert!(LittlePhatty.recognise(&other).is_none());
    }
}
