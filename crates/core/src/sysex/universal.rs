//! Universal SysEx messages (`7E` non-real-time, `7F` real-time): decoding by sub-ID, and the
//! identity request / reply pair that lets a librarian ask a synth what it is.

use super::manufacturer::{UNIVERSAL_NON_REAL_TIME, UNIVERSAL_REAL_TIME};
use super::message::{ManufacturerId, SysEx, U7};

/// Device ID that addresses every device ("all call").
pub const ALL_CALL: U7 = U7::MAX;

/// A decoded identity reply (`F0 7E dev 06 02 …`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdentityReply {
    /// The replying device's ID (its SysEx channel).
    pub device_id: U7,
    /// The maker.
    pub manufacturer: ManufacturerId,
    /// Device family code (14 bits, sent LSB first).
    pub family: u16,
    /// Model within the family (14 bits, sent LSB first).
    pub model: u16,
    /// The four software revision bytes as sent.
    pub version: [u8; 4],
}

/// A decoded universal message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Universal {
    /// Identity request (`7E dev 06 01`).
    IdentityRequest {
        /// The device addressed, [`ALL_CALL`] for every one.
        device_id: U7,
    },
    /// Identity reply (`7E dev 06 02 …`).
    IdentityReply(IdentityReply),
    /// Any other universal message, named by its sub-IDs.
    Other {
        /// True for `7F` (real-time), false for `7E`.
        real_time: bool,
        /// The device ID byte.
        device_id: U7,
        /// Sub-ID #1.
        sub_id1: u8,
        /// Sub-ID #2, if present.
        sub_id2: Option<u8>,
        /// What the sub-IDs mean, from the MIDI 1.0 specification.
        name: &'static str,
    },
}

/// Builds an identity request for `device_id`.
pub fn identity_request(device_id: U7) -> Vec<u8> {
    vec![
        0xF0,
        UNIVERSAL_NON_REAL_TIME,
        device_id.get(),
        0x06,
        0x01,
        0xF7,
    ]
}

/// Builds an identity reply; the inverse of [`decode`] for [`Universal::IdentityReply`].
pub fn identity_reply(reply: &IdentityReply) -> Vec<u8> {
    let mut out = vec![
        0xF0,
        UNIVERSAL_NON_REAL_TIME,
        reply.device_id.get(),
        0x06,
        0x02,
    ];
    out.extend(reply.manufacturer.to_bytes());
    for v in [reply.family, reply.model] {
        out.push((v & 0x7F) as u8);
        out.push(((v >> 7) & 0x7F) as u8);
    }
    out.extend(reply.version.iter().map(|b| b & 0x7F));
    out.push(0xF7);
    out
}

/// Decodes a universal message; `None` if `msg` is not one (or is too short to name).
pub fn decode(msg: &SysEx<'_>) -> Option<Universal> {
    let data = msg.data();
    let real_time = match *data.first()? {
        UNIVERSAL_NON_REAL_TIME => false,
        UNIVERSAL_REAL_TIME => true,
        _ => return None,
    };
    let device_id = U7::new(*data.get(1)?)?;
    let sub_id1 = *data.get(2)?;
    let sub_id2 = data.get(3).copied();
    if !real_time && sub_id1 == 0x06 {
        match sub_id2 {
            Some(0x01) if data.len() == 4 => return Some(Universal::IdentityRequest { device_id }),
            Some(0x02) => {
                if let Some(reply) = parse_identity_reply(device_id, &data[4..]) {
                    return Some(Universal::IdentityReply(reply));
                }
            }
            _ => {}
        }
    }
    Some(Universal::Other {
        real_time,
        device_id,
        sub_id1,
        sub_id2,
        name: sub_id_name(real_time, sub_id1, sub_id2),
    })
}

fn parse_identity_reply(device_id: U7, rest: &[u8]) -> Option<IdentityReply> {
    let (manufacturer, id_len) = ManufacturerId::parse(rest)?;
    let rest = &rest[id_len..];
    if rest.len() != 8 {
        return None;
    }
    let word = |lo: u8, hi: u8| u16::from(lo) | (u16::from(hi) << 7);
    Some(IdentityReply {
        device_id,
        manufacturer,
        family: word(rest[0], rest[1]),
        model: word(rest[2], rest[3]),
        version: [rest[4], rest[5], rest[6], rest[7]],
    })
}

/// What a universal message's sub-IDs mean.
pub fn sub_id_name(real_time: bool, sub_id1: u8, sub_id2: Option<u8>) -> &'static str {
    if real_time {
        match (sub_id1, sub_id2) {
            (0x01, _) => "MIDI time code",
            (0x02, _) => "MIDI show control",
            (0x03, _) => "Notation information",
            (0x04, Some(0x01)) => "Master volume",
            (0x04, Some(0x02)) => "Master balance",
            (0x04, Some(0x03)) => "Master fine tuning",
            (0x04, Some(0x04)) => "Master coarse tuning",
            (0x04, _) => "Device control",
            (0x05, _) => "Real-time MTC cueing",
            (0x06, _) => "MIDI machine control command",
            (0x07, _) => "MIDI machine control response",
            (0x08, _) => "MIDI tuning standard (real-time)",
            (0x09, _) => "Controller destination setting",
            (0x0A, _) => "Key-based instrument control",
            (0x0B, _) => "Scalable polyphony MIP",
            (0x0C, _) => "Mobile phone control",
            _ => "Unknown universal real-time message",
        }
    } else {
        match (sub_id1, sub_id2) {
            (0x01, _) => "Sample dump header",
            (0x02, _) => "Sample data packet",
            (0x03, _) => "Sample dump request",
            (0x04, _) => "MIDI time code setup",
            (0x05, _) => "Sample dump extension",
            (0x06, Some(0x01)) => "Identity request",
            (0x06, Some(0x02)) => "Identity reply",
            (0x06, _) => "General information",
            (0x07, _) => "File dump",
            (0x08, _) => "MIDI tuning standard",
            (0x09, Some(0x01)) => "General MIDI system on",
            (0x09, Some(0x02)) => "General MIDI system off",
            (0x09, Some(0x03)) => "General MIDI 2 system on",
            (0x09, _) => "General MIDI",
            (0x0A, _) => "Downloadable sounds",
            (0x0B, _) => "File reference",
            (0x0C, _) => "MIDI visual control",
            (0x7B, _) => "End of file",
            (0x7C, _) => "Wait",
            (0x7D, _) => "Cancel",
            (0x7E, _) => "NAK",
            (0x7F, _) => "ACK",
            _ => "Unknown universal non-real-time message",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_a_real_identity_reply() {
        // A DSI Mopho's reply, per its manual: DSI ID 01, family 25 01, member 00 00, version.
        let bytes = [
            0xF0, 0x7E, 0x00, 0x06, 0x02, 0x01, 0x25, 0x01, 0x00, 0x00, 0x13, 0x00, 0x00, 0x00,
            0xF7,
        ];
        let msg = SysEx::new(&bytes).unwrap();
        let Some(Universal::IdentityReply(reply)) = decode(&msg) else {
            panic!("not decoded")
        };
        assert_eq!(
            reply.manufacturer,
            ManufacturerId::One(U7::from_masked(0x01))
        );
        assert_eq!(reply.family, 0x25 | (0x01 << 7));
        assert_eq!(reply.model, 0);
        assert_eq!(reply.version, [0x13, 0, 0, 0]);
        assert_eq!(identity_reply(&reply), bytes);
    }

    #[test]
    fn identity_request_round_trips() {
        let bytes = identity_request(ALL_CALL);
        assert_eq!(bytes, [0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7]);
        let msg = SysEx::new(&bytes).unwrap();
        assert_eq!(
            decode(&msg),
            Some(Universal::IdentityRequest {
                device_id: ALL_CALL
            })
        );
    }

    #[test]
    fn gm_on_is_named() {
        let msg = SysEx::new(&[0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7]).unwrap();
        assert!(matches!(
            decode(&msg),
            Some(Universal::Other {
                name: "General MIDI system on",
                ..
            })
        ));
        let yamaha = SysEx::new(&[0xF0, 0x43, 0x10, 0xF7]).unwrap();
        assert_eq!(decode(&yamaha), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100_000))]
        #[test]
        fn decode_never_panics(body in proptest::collection::vec(0u8..0x80, 0..24)) {
            let mut bytes = vec![0xF0];
            bytes.extend(&body);
            bytes.push(0xF7);
            let msg = SysEx::new(&bytes).unwrap();
            if let Some(Universal::IdentityReply(r)) = decode(&msg) {
                prop_assert_eq!(identity_reply(&r), bytes);
            }
        }
    }
}
