//! The fallback profile: names the maker (and universal messages) and the size, keeps the bytes
//! opaque.

use super::{DeviceProfile, MessageKind, Recognised};
use crate::pacing::Pacing;
use crate::sysex::checksum::ChecksumStatus;
use crate::sysex::manufacturer;
use crate::sysex::message::{SysEx, U7};
use crate::sysex::universal::{self, Universal};

/// Matches every message.
pub struct Generic;

/// What the generic profile says about `msg`.
pub fn describe(msg: &SysEx<'_>) -> Recognised {
    let device = msg
        .manufacturer()
        .map_or_else(|| "No manufacturer ID".to_owned(), manufacturer::describe);
    let (kind, detail) = match universal::decode(msg) {
        Some(Universal::IdentityRequest { device_id }) => (
            MessageKind::Identity,
            format!("Identity request to device {:02X}", device_id.get()),
        ),
        Some(Universal::IdentityReply(r)) => (
            MessageKind::Identity,
            format!(
                "Identity reply: {}, family {:04X}, model {:04X}, version {:02X} {:02X} {:02X} {:02X}",
                manufacturer::describe(r.manufacturer),
                r.family,
                r.model,
                r.version[0],
                r.version[1],
                r.version[2],
                r.version[3]
            ),
        ),
        Some(Universal::Other { name, .. }) => (MessageKind::Other, name.to_owned()),
        None => (MessageKind::Other, format!("{} bytes", msg.len())),
    };
    Recognised {
        profile: Generic.id(),
        device,
        kind,
        preset_number: None,
        preset_names: Vec::new(),
        checksum: ChecksumStatus::NotApplicable,
        detail,
    }
}

impl DeviceProfile for Generic {
    fn id(&self) -> &'static str {
        "generic"
    }

    fn name(&self) -> &'static str {
        "Any device"
    }

    fn recognise(&self, msg: &SysEx<'_>) -> Option<Recognised> {
        Some(describe(msg))
    }

    fn dump_request(&self, device_id: U7) -> Option<Vec<u8>> {
        Some(universal::identity_request(device_id))
    }

    fn pacing(&self) -> Pacing {
        Pacing::DIN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_maker_and_size() {
        let msg = SysEx::new(&[0xF0, 0x3E, 0x13, 0x00, 0xF7]).unwrap();
        let r = describe(&msg);
        assert_eq!(r.device, "Waldorf");
        assert_eq!(r.detail, "5 bytes");
        assert_eq!(r.kind, MessageKind::Other);
    }
}
